"""Fixtures of the behaviour suite: a client on a fresh database, once per transport.

``embedded``: a new data directory per test. ``grpc``: one in-process ``azimuth serve`` per session, and a
uniquely named database per test (passed as ``db_name=``), dropped afterwards.
"""

from __future__ import annotations

import pytest

from azimuth import AsyncMilvusClient
from tests.grpc.server import drop_database, fresh_database, running_server


@pytest.fixture(scope="session")
def grpc_uri(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("grpc-server")) as uri:
        yield uri


@pytest.fixture(params=["embedded", "grpc"])
def transport(request):
    return request.param


@pytest.fixture
def client_args(tmp_path, transport, request):
    """``(uri, kwargs)`` for a fresh client on the current transport."""
    if transport == "embedded":
        yield str(tmp_path / "suite.db"), {}
        return
    uri = request.getfixturevalue("grpc_uri")
    name = fresh_database(uri)
    yield uri, {"db_name": name}
    drop_database(uri, name)


@pytest.fixture
async def client(client_args):
    uri, kwargs = client_args
    handle = AsyncMilvusClient(uri, **kwargs)
    yield handle
    await handle.close()


@pytest.fixture
def db_path(tmp_path):
    return str(tmp_path / "suite.db")
