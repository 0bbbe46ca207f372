"""Fuzz of the JSON endpoints from the OpenAPI document the server serves (schemathesis): valid and invalid
bodies and headers for every ``POST /v2/vectordb/...`` operation. No request may answer 5xx, every answer is the
``{"code": ...}`` envelope (``resource_groups/describe`` answers a bare object on success, as Milvus), and data
stored before the fuzz is intact after it.

Bounded and deterministic: a few examples per operation and generation mode, derandomized, no example database.
"""

from __future__ import annotations

import httpx
import orjson
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.generation import GenerationMode

from tests.rest.server import running_rest_server

COLLECTION = "fuzz_keep_7c1e"  # a name the generator will not produce: must survive the fuzz unchanged
TARGET = "fuzz_target"  # the collection half of the generated requests are pointed at (so they get past lookups)
ROWS = [{"id": i, "vector": [0.1 * (i % 7), 0.2, 0.3, 0.4], "title": f"t{i}"} for i in range(50)]
EXAMPLES = {GenerationMode.POSITIVE: 8, GenerationMode.NEGATIVE: 4}
BARE_ON_SUCCESS = ("/resource_groups/describe",)


@pytest.fixture(scope="module")
def fuzz_server(tmp_path_factory):
    with running_rest_server(tmp_path_factory.mktemp("fuzz")) as uri:
        yield uri


def _post(uri: str, path: str, body: dict) -> dict:
    envelope = httpx.post(f"{uri}/v2/vectordb/{path}", json=body, timeout=30).json()
    assert envelope["code"] == 0, envelope
    return envelope


def _check(path: str, response: requests.Response) -> None:
    assert response.status_code < 500, f"{path}: HTTP {response.status_code}: {response.content[:500]!r}"
    if response.status_code == 404:  # only an unknown path, and these come from the document
        pytest.fail(f"{path}: 404 for a documented operation")
    body = orjson.loads(response.content)
    assert isinstance(body, dict), f"{path}: not a JSON object: {response.content[:200]!r}"
    if path.endswith(BARE_ON_SUCCESS) and "code" not in body:
        assert isinstance(body.get("resource_group"), dict), body
        return
    assert isinstance(body.get("code"), int), f"{path}: no integer code: {body}"
    if body["code"] != 0:
        assert isinstance(body.get("message"), str) and body["message"], f"{path}: error without message: {body}"
        assert "data" not in body, body


def _ensure_target(uri: str) -> None:
    """(Re)create the target collection, which the fuzz may drop, rename, release or empty."""
    if not _post(uri, "collections/has", {"collectionName": TARGET})["data"]["has"]:
        _post(uri, "collections/create", {"collectionName": TARGET, "dimension": 4})
        _post(uri, "entities/insert", {"collectionName": TARGET, "data": ROWS})
    httpx.post(f"{uri}/v2/vectordb/collections/load", json={"collectionName": TARGET}, timeout=30)


def _aim(drawn):
    """Half of the cases: the database is ``default`` and ``collectionName`` is the target collection."""
    case, aim = drawn
    if aim and isinstance(case.body, dict):
        for key in list(case.body):
            if key.lower() in ("dbname", "collectionname"):
                del case.body[key]
        case.body["collectionName"] = TARGET
        if case.headers:
            case.headers.pop("DB-Name", None)
    return case


def _fuzz(uri: str, session: requests.Session, operation, mode: GenerationMode, count: int,
          seen: dict[str, int]) -> None:
    path = operation.path

    @settings(max_examples=count, derandomize=True, database=None, deadline=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=st.tuples(operation.as_strategy(generation_mode=mode), st.booleans()).map(_aim))
    def fuzz(case):
        response = case.call(base_url=uri, session=session, timeout=30)
        seen[path] = seen.get(path, 0) + 1
        _check(path, response)

    fuzz()


def test_fuzz_json_endpoints(fuzz_server):
    uri = fuzz_server
    _post(uri, "collections/create", {"collectionName": COLLECTION, "dimension": 4})
    _post(uri, "entities/insert", {"collectionName": COLLECTION, "data": ROWS})
    document = httpx.get(f"{uri}/v2/vectordb/openapi.json", timeout=30).json()
    schema = schemathesis.openapi.from_dict(document)
    session = requests.Session()
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 80
    seen: dict[str, int] = {}

    for operation in operations:
        _ensure_target(uri)
        for mode, count in EXAMPLES.items():
            _fuzz(uri, session, operation, mode, count, seen)

    assert len(seen) == len(operations)
    count = _post(uri, "entities/query", {"collectionName": COLLECTION, "outputFields": ["count(*)"]})["data"]
    assert count == [{"count(*)": len(ROWS)}]
    got = _post(uri, "entities/get", {"collectionName": COLLECTION, "id": [0, 17, 49],
                                      "outputFields": ["id", "title", "vector"]})["data"]
    by_id = {row["id"]: row for row in got}
    assert sorted(by_id) == [0, 17, 49]
    for i in (0, 17, 49):
        assert by_id[i]["title"] == ROWS[i]["title"]
        assert by_id[i]["vector"] == pytest.approx(ROWS[i]["vector"])
