"""Fixtures of the behaviour suite: a client on a fresh database, once per transport.

``embedded``: a new data directory per test. ``grpc``: a new in-process ``azimuth serve`` (on a free loopback
port, over a new data directory) per test, so every test sees exactly what the embedded one sees.
"""

from __future__ import annotations

import pytest

from azimuth import AsyncMilvusClient
from tests.grpc.server import running_server
from tests.rest.server import running_rest_server

GRPC_SKIPS: dict[str, str] = {}  # module name → reason, for modules a transport cannot run yet


REST_SKIPS: dict[str, str] = {}  # module name → reason (test_admin skips the tests using calls REST lacks)


@pytest.fixture(params=["embedded", "grpc", "rest"])
def transport(request):
    return request.param


@pytest.fixture
def client_args(tmp_path, transport, request):
    """``(uri, kwargs)`` for a fresh client on the current transport."""
    if transport == "embedded":
        yield str(tmp_path / "suite.db"), {}
        return
    if transport == "rest":
        reason = REST_SKIPS.get(request.module.__name__.rsplit(".", 1)[-1])
        if reason:
            pytest.skip(reason)
        with running_rest_server(tmp_path / "server") as uri:
            yield uri, {"transport": "rest"}
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
