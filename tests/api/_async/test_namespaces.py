"""Partitions, partition keys, aliases, databases and index definitions."""

from __future__ import annotations

import pytest

from azimuth import AsyncMilvusClient, DataType, LoadState, MilvusException
from azimuth.errors import ParamError
from tests.api.helpers import rows


async def test_partitions_lifecycle(client):
    await client.create_collection("c", dimension=8)
    assert await client.list_partitions("c") == ["_default"]
    await client.create_partition("c", "p1")
    assert await client.has_partition("c", "p1") and not await client.has_partition("c", "zz")
    assert not await client.has_partition("missing", "p1")
    with pytest.raises(MilvusException):
        await client.create_partition("c", "p1")
    await client.insert("c", rows(4), partition_name="p1")
    await client.insert("c", rows(2, start=10))
    assert (await client.get_partition_stats("c", "p1")) == {"row_count": 4}
    assert (await client.get_partition_stats("c", "_default")) == {"row_count": 2}
    got = await client.query("c", filter="id >= 0", partition_names=["p1"], output_fields=["id"])
    assert sorted(r["id"] for r in got) == [0, 1, 2, 3]
    with pytest.raises(MilvusException):
        await client.drop_partition("c", "p1")  # loaded
    with pytest.raises(MilvusException):
        await client.drop_partition("c", "_default")
    await client.release_partitions("c", "p1")
    # unasync: async-only
    assert (await client.get_load_state("c", partition_names=["p1"]))["state"] == LoadState.NotLoad
    # unasync: end
    # unasync: sync-only
    # assert client.get_load_state("c", partition_name="p1")["state"] == LoadState.NotLoad
    # unasync: end
    with pytest.raises(MilvusException) as err:
        await client.query("c", filter="id >= 0", partition_names=["p1"])
    assert err.value.code == 201
    await client.load_partitions("c", ["p1"])
    await client.release_partitions("c", ["p1"])
    await client.drop_partition("c", "p1")
    assert await client.list_partitions("c") == ["_default"]
    with pytest.raises(MilvusException) as err:
        await client.get_partition_stats("c", "p1")
    assert err.value.code == 200
    with pytest.raises(TypeError):
        await client.get_partition_stats("c", ["p1"])


async def test_partition_key_hashes_rows(client):
    schema = AsyncMilvusClient.create_schema()
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("tenant", DataType.VARCHAR, max_length=16, is_partition_key=True)
    schema.add_field("v", DataType.FLOAT_VECTOR, dim=2)
    params = AsyncMilvusClient.prepare_index_params("v", index_type="FLAT", metric_type="L2")
    await client.create_collection("c", schema=schema, index_params=params, num_partitions=4)
    names = await client.list_partitions("c")
    assert names == ["_default_0", "_default_1", "_default_2", "_default_3"]
    data = [{"id": i, "tenant": f"t{i % 7}", "v": [i, i]} for i in range(200)]
    await client.insert("c", data)
    counts = [(await client.get_partition_stats("c", n))["row_count"] for n in names]
    assert sum(counts) == 200 and sum(1 for c in counts if c) > 1
    with pytest.raises(MilvusException):
        await client.create_partition("c", "extra")
    with pytest.raises(MilvusException):
        await client.insert("c", data[:1], partition_name="_default_0")
    assert len(await client.query("c", filter='tenant == "t3"', output_fields=["id"])) == len(
        [d for d in data if d["tenant"] == "t3"])


async def test_aliases(client):
    await client.create_collection("c1", dimension=8)
    await client.create_collection("c2", dimension=8)
    await client.create_alias("c1", "current")
    assert await client.describe_alias("current") == {"alias": "current", "collection_name": "c1",
                                                      "db_name": "default"}
    await client.insert("current", rows(3))
    assert (await client.get_collection_stats("c1"))["row_count"] == 3
    assert (await client.describe_collection("current"))["collection_name"] == "c1"
    assert (await client.describe_collection("c1"))["aliases"] == ["current"]
    assert await client.has_collection("current")
    with pytest.raises(MilvusException):
        await client.create_alias("c2", "current")
    with pytest.raises(MilvusException):
        await client.create_alias("c2", "c1")
    with pytest.raises(MilvusException):
        await client.drop_collection("c1")
    await client.alter_alias("c2", "current")
    assert len(await client.get("current", ids=[0, 1, 2])) == 0
    listed = await client.list_aliases("c2")
    assert "current" in (listed if isinstance(listed, list) else listed["aliases"])
    await client.drop_alias("current")
    with pytest.raises(MilvusException) as err:
        await client.describe_alias("current")
    assert err.value.code == 1600
    await client.drop_collection("c1")


async def test_databases(client):
    assert await client.list_databases() == ["default"]
    await client.create_database("analytics", properties={"database.max.collections": 5})
    assert sorted(await client.list_databases()) == ["analytics", "default"]
    desc = await client.describe_database("analytics")
    assert desc["name"] == "analytics" and desc["database.max.collections"] == "5"
    await client.alter_database_properties("analytics", {"k": "v"})
    await client.drop_database_properties("analytics", ["database.max.collections"])
    desc = await client.describe_database("analytics")
    assert desc == {"name": "analytics", "k": "v"}
    await client.create_collection("c", dimension=4, db_name="analytics")
    assert await client.list_collections() == []
    assert await client.list_collections(db_name="analytics") == ["c"]
    await client.use_database("analytics")
    assert await client.list_collections() == ["c"]
    await client.insert("c", [{"id": 1, "vector": [1, 2, 3, 4]}])
    with pytest.raises(MilvusException):
        await client.drop_database("analytics")
    await client.drop_collection("c")
    await client.use_database("default")
    await client.drop_database("analytics")
    assert await client.list_databases() == ["default"]
    with pytest.raises(MilvusException) as err:
        await client.use_database("nope")
    assert err.value.code == 800
    with pytest.raises(MilvusException):
        await client.drop_database("default")


async def test_db_name_in_uri_constructor(db_path):
    first = AsyncMilvusClient(db_path)
    await first.create_database("second")
    await first.create_collection("x", dimension=4, db_name="second")
    other = AsyncMilvusClient(db_path, db_name="second")
    assert await other.list_collections() == ["x"]
    await other.close()
    await first.close()


async def test_index_definitions(client):
    schema = AsyncMilvusClient.create_schema()
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("v", DataType.FLOAT_VECTOR, dim=8)
    schema.add_field("n", DataType.INT32)
    await client.create_collection("c", schema=schema)
    with pytest.raises(ParamError):
        await client.create_index("c", AsyncMilvusClient.prepare_index_params())
    params = AsyncMilvusClient.prepare_index_params()
    params.add_index("v", index_type="IVF_FLAT", metric_type="L2", index_name="vidx", params={"nlist": 16})
    params.add_index("n", index_type="STL_SORT")
    await client.create_index("c", params)
    await client.create_index("c", params)  # identical: accepted
    desc = await client.describe_index("c", "vidx")
    assert desc["index_type"] == "IVF_FLAT" and desc["nlist"] == "16" and desc["field_name"] == "v"
    assert desc["state"] == "Finished" and desc["total_rows"] == 0
    assert await client.describe_index("c", "missing") is None
    other = AsyncMilvusClient.prepare_index_params("v", index_type="HNSW", metric_type="L2")
    with pytest.raises(MilvusException):
        await client.create_index("c", other)
    with pytest.raises(MilvusException):
        await client.create_index("c", AsyncMilvusClient.prepare_index_params("nofield", index_type="FLAT"))
    await client.load_collection("c")
    with pytest.raises(MilvusException):
        await client.drop_index("c", "vidx")
    await client.release_collection("c")
    await client.drop_index("c", "vidx")
    await client.drop_index("c", "vidx")  # absent: nothing
    assert await client.list_indexes("c") == ["n"]
    await client.alter_index_properties("c", "n", {"mmap.enabled": True})
    assert (await client.describe_index("c", "n"))["mmap.enabled"] == "true"
    await client.drop_index_properties("c", "n", ["mmap.enabled"])
    assert "mmap.enabled" not in await client.describe_index("c", "n")
