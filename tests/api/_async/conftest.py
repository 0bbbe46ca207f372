"""Fixtures of the behaviour suite: a client on a fresh database, once per transport.

``embedded``: a new data directory per test. ``grpc``: a new in-process ``azimuth serve`` (on a free loopback
port, over a new data directory) per test, so every test sees exactly what the embedded one sees.
Search is not in the gRPC codec yet: search tests are skipped on gRPC.
"""

from __future__ import annotations

import pytest

from azimuth import AsyncMilvusClient
from tests.grpc.server import running_server

GRPC_SKIPS = {
    "test_search": "Search is not in the gRPC codec yet",
    "test_hybrid": "HybridSearch is not in the gRPC codec yet",
    "test_compaction": "checks results with Search, which is not in the gRPC codec yet",
}


@pytest.fixture(params=["embedded", "grpc"])
def transport(request):
    return request.param


@pytest.fixture
def client_args(tmp_path, transport, request):
    """``(uri, kwargs)`` for a fresh client on the current transport."""
    if transport == "embedded":
        yield str(tmp_path / "suite.db"), {}
        return
    reason = GRPC_SKIPS.get(request.module.__name__.rsplit(".", 1)[-1])
    if reason:
        pytest.skip(reason)
    with running_server(tmp_path / "server") as uri:
        yield uri, {}


@pytest.fixture
async def client(client_args):
    uri, kwargs = client_args
    handle = AsyncMilvusClient(uri, **kwargs)
    yield handle
    await handle.close()


@pytest.fixture
def db_path(tmp_path):
    return str(tmp_path / "suite.db")
