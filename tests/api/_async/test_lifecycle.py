"""Client lifecycle and persistence: close, reopen, shared engines, async context manager."""

from __future__ import annotations

import pytest

from azimuth import AsyncMilvusClient, MilvusException
from azimuth.errors import ConnectionConfigException
from tests.api.helpers import rows


async def test_reopen_keeps_everything(db_path):
    client = AsyncMilvusClient(db_path)
    await client.create_collection("c", dimension=8)
    await client.create_partition("c", "p")
    await client.insert("c", rows(50))
    await client.insert("c", rows(5, start=100), partition_name="p")
    await client.flush("c")
    await client.insert("c", rows(5, start=200))  # WAL only
    await client.delete("c", ids=[0, 100, 200])
    await client.close()
    reopened = AsyncMilvusClient(db_path)
    assert (await reopened.get_collection_stats("c"))["row_count"] == 57
    assert await reopened.list_partitions("c") == ["_default", "p"]
    ids = sorted(r["id"] for r in await reopened.query("c", filter="", limit=1000, output_fields=["id"]))
    assert 0 not in ids and 100 not in ids and 200 not in ids and len(ids) == 57
    assert (await reopened.get("c", ids=[7]))[0]["title"] == "t7"
    await reopened.close()


async def test_closed_client_errors(db_path):
    client = AsyncMilvusClient(db_path)
    await client.list_collections()
    await client.close()
    await client.close()
    with pytest.raises(MilvusException) as err:
        await client.list_collections()
    assert "should create connection first" in err.value.message


async def test_server_type_and_version(client):
    assert isinstance(await client.get_server_version(), str)
    assert client.get_server_type() == "milvus"
    detail = await client.get_server_version(detail=True)
    assert set(detail) == {"version", "build_time", "git_commit", "go_version", "deploy_mode"}


# unasync: async-only
async def test_async_context_manager(db_path):
    fresh = AsyncMilvusClient(db_path)
    with pytest.raises(MilvusException):
        fresh.get_server_type()  # lazy: not connected before the first call
    async with AsyncMilvusClient(db_path) as client:
        assert client.get_server_type() == "milvus"
        await client.create_collection("c", dimension=4)
    with pytest.raises(MilvusException):
        await client.list_collections()


# unasync: end


async def test_two_clients_share_one_engine(db_path):
    a = AsyncMilvusClient(db_path)
    b = AsyncMilvusClient(db_path)
    await a.create_collection("c", dimension=8)
    await b.insert("c", rows(3))
    assert (await a.get_collection_stats("c"))["row_count"] == 3
    await a.close()
    assert (await b.get_collection_stats("c"))["row_count"] == 3
    await b.close()


async def test_schema_cache_refreshes_after_other_client_changes_schema(db_path):
    a = AsyncMilvusClient(db_path)
    b = AsyncMilvusClient(db_path)
    await a.create_collection("c", dimension=4, enable_dynamic_field=False)
    await b.insert("c", [{"id": 1, "vector": [1, 1, 1, 1]}])  # b caches the schema
    from azimuth import DataType

    await a.add_collection_field("c", "extra", DataType.INT64, nullable=True)
    await b.insert("c", [{"id": 2, "vector": [1, 1, 1, 1], "extra": 9}])  # stale cache → refresh + retry
    got = await a.get("c", ids=[2], output_fields=["extra"])
    assert got == [{"id": 2, "extra": 9}]
    await a.close()
    await b.close()


async def test_bad_uris(tmp_path):
    with pytest.raises(ConnectionConfigException):
        AsyncMilvusClient(str(tmp_path / "nodir" / "x.db"))
    with pytest.raises(ConnectionConfigException):
        AsyncMilvusClient("ftp://host")


async def test_unknown_kwargs_are_ignored(client):
    await client.create_collection("c", dimension=4, foo="bar")
    await client.insert("c", [{"id": 1, "vector": [1, 2, 3, 4]}], some_tuning=1)
    assert len(await client.get("c", ids=[1], whatever=True)) == 1
    assert await client.has_collection("c", cluster_id="x")
