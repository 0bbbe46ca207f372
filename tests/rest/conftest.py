"""Fixtures of the REST tests: one in-process server per module (gRPC + REST on a loopback port chosen at run
time), and per test a fresh database plus an httpx client whose ``post(path, **body)`` returns the envelope."""

from __future__ import annotations

import uuid

import httpx
import pytest

from tests.rest.server import running_rest_server


@pytest.fixture(scope="module")
def server_uri(tmp_path_factory):
    with running_rest_server(tmp_path_factory.mktemp("rest")) as uri:
        yield uri


class Api:
    def __init__(self, uri: str, db: str) -> None:
        self.uri = uri
        self.db = db
        self.http = httpx.Client(base_url=uri, timeout=30)

    def raw(self, path: str, body: object = None, **kwargs) -> httpx.Response:
        return self.http.post("/v2/vectordb/" + path, json=body, **kwargs)

    def post(self, path: str, **body) -> dict:
        body.setdefault("dbName", self.db)
        response = self.raw(path, body)
        assert response.status_code == 200, response.text
        return response.json()

    def ok(self, path: str, **body) -> object:
        envelope = self.post(path, **body)
        assert envelope["code"] == 0, envelope
        return envelope.get("data")


@pytest.fixture
def api(server_uri):
    name = f"t_{uuid.uuid4().hex[:10]}"
    handle = Api(server_uri, name)
    created = handle.http.post("/v2/vectordb/databases/create", json={"dbName": name}).json()
    assert created["code"] == 0, created
    yield handle
    listed = handle.http.post("/v2/vectordb/collections/list", json={"dbName": name}).json()
    for collection in listed.get("data") or []:
        handle.http.post("/v2/vectordb/collections/drop", json={"dbName": name, "collectionName": collection})
    handle.http.post("/v2/vectordb/databases/drop", json={"dbName": name})
    handle.http.close()
