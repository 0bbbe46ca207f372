"""Fixtures of the behaviour suite: a client on a fresh embedded database."""

from __future__ import annotations

import pytest

from azimuth import AsyncMilvusClient


@pytest.fixture
async def client(tmp_path):
    handle = AsyncMilvusClient(str(tmp_path / "suite.db"))
    yield handle
    await handle.close()


@pytest.fixture
def db_path(tmp_path):
    return str(tmp_path / "suite.db")
