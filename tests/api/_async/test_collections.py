"""Collections: the three create forms, describe shape, list/has/drop/rename, stats, properties, load state."""

from __future__ import annotations

import pytest

from azimuth import AsyncMilvusClient, DataType, LoadState, MilvusException
from azimuth.errors import DescribeCollectionException, ParamError, PrimaryKeyException
from tests.api.helpers import rows


async def test_quick_setup_defaults(client):
    await client.create_collection("docs", dimension=8)
    desc = await client.describe_collection("docs")
    assert desc["collection_name"] == "docs"
    assert desc["enable_dynamic_field"] is True
    assert desc["auto_id"] is False
    assert desc["consistency_level"] == 2
    fields = desc["fields"]
    assert [f["name"] for f in fields] == ["id", "vector"]
    assert fields[0]["type"] == DataType.INT64 and fields[0]["is_primary"] is True
    assert fields[0]["field_id"] == 100 and fields[1]["field_id"] == 101
    assert fields[1]["type"] == DataType.FLOAT_VECTOR and fields[1]["params"] == {"dim": 8}
    assert "auto_id" not in fields[0] and "nullable" not in fields[1]
    assert (await client.get_load_state("docs"))["state"] == LoadState.Loaded
    index = await client.describe_index("docs", "vector")
    assert index["index_type"] == "AUTOINDEX" and index["metric_type"] == "COSINE"
    assert index["field_name"] == "vector" and index["index_name"] == "vector"
    assert await client.list_indexes("docs") == ["vector"]


async def test_quick_setup_options(client):
    await client.create_collection(
        "c", dimension=4, primary_field_name="pk", id_type="string", vector_field_name="emb", metric_type="L2",
        auto_id=False, max_length=64, consistency_level="Strong", enable_dynamic_field=False,
    )
    desc = await client.describe_collection("c")
    assert [f["name"] for f in desc["fields"]] == ["pk", "emb"]
    assert desc["fields"][0]["type"] == DataType.VARCHAR
    assert desc["fields"][0]["params"] == {"max_length": 64}
    assert desc["enable_dynamic_field"] is False
    assert desc["consistency_level"] == 0
    assert (await client.describe_index("c", "emb"))["metric_type"] == "L2"


async def test_quick_setup_auto_id(client):
    await client.create_collection("c", dimension=4, auto_id=True)
    desc = await client.describe_collection("c")
    assert desc["auto_id"] is True and desc["fields"][0]["auto_id"] is True
    result = await client.insert("c", [{"vector": [0.1, 0.2, 0.3, 0.4]} for _ in range(3)])
    assert result["insert_count"] == 3 and len(set(result["ids"])) == 3
    got = await client.get("c", ids=result["ids"])
    assert sorted(r["id"] for r in got) == sorted(result["ids"])


async def test_quick_setup_rejects_bad_dimension_and_id_type(client):
    with pytest.raises(ParamError):
        await client.create_collection("c", dimension="8")
    with pytest.raises(PrimaryKeyException):
        await client.create_collection("c", dimension=8, id_type="float")
    assert not await client.has_collection("c")


async def test_custom_schema_without_index_is_not_loaded(client):
    schema = AsyncMilvusClient.create_schema()
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("vec", DataType.FLOAT_VECTOR, dim=4)
    await client.create_collection("c", schema=schema)
    assert (await client.get_load_state("c"))["state"] == LoadState.NotLoad
    await client.insert("c", [{"id": 1, "vec": [1, 2, 3, 4]}])
    with pytest.raises(MilvusException) as err:
        await client.get("c", ids=[1])
    assert err.value.code == 101
    with pytest.raises(MilvusException) as err:
        await client.load_collection("c")
    assert err.value.code == 700
    params = AsyncMilvusClient.prepare_index_params("vec", index_type="FLAT", metric_type="L2")
    await client.create_index("c", params)
    await client.load_collection("c")
    assert (await client.get("c", ids=[1]))[0]["vec"] == [1.0, 2.0, 3.0, 4.0]


async def test_schema_with_index_params_is_loaded(client):
    schema = AsyncMilvusClient.create_schema(enable_dynamic_field=True)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("vec", DataType.FLOAT_VECTOR, dim=4)
    schema.add_field("tag", DataType.VARCHAR, max_length=10)
    params = AsyncMilvusClient.prepare_index_params()
    params.add_index("vec", index_type="HNSW", metric_type="IP", params={"M": 8, "efConstruction": 64})
    params.add_index("tag", index_type="INVERTED")
    await client.create_collection("c", schema=schema, index_params=params)
    assert (await client.get_load_state("c"))["state"] == LoadState.Loaded
    hnsw = await client.describe_index("c", "vec")
    assert hnsw["index_type"] == "HNSW" and hnsw["M"] == "8" and hnsw["efConstruction"] == "64"
    assert sorted(await client.list_indexes("c")) == ["tag", "vec"]
    assert await client.list_indexes("c", field_name="tag") == ["tag"]


async def test_recreate_identical_is_noop_and_conflict_errors(client):
    await client.create_collection("c", dimension=8)
    await client.insert("c", rows(3))
    await client.create_collection("c", dimension=8)
    assert (await client.get_collection_stats("c"))["row_count"] == 3
    with pytest.raises(MilvusException) as err:
        await client.create_collection("c", dimension=16)
    assert "different parameters" in err.value.message


async def test_list_has_drop(client):
    assert await client.list_collections() == []
    await client.create_collection("a", dimension=4)
    await client.create_collection("b", dimension=4)
    assert sorted(await client.list_collections()) == ["a", "b"]
    assert await client.has_collection("a") and not await client.has_collection("zzz")
    await client.drop_collection("a")
    await client.drop_collection("a")  # missing: silent
    assert await client.list_collections() == ["b"]
    assert (await client.get_load_state("a"))["state"] == LoadState.NotExist
    with pytest.raises(DescribeCollectionException) as err:
        await client.describe_collection("a")
    assert err.value.code == 100


async def test_rename_and_stats(client):
    await client.create_collection("old", dimension=8)
    await client.insert("old", rows(5))
    await client.rename_collection("old", "new")
    assert await client.list_collections() == ["new"]
    assert (await client.get_collection_stats("new")) == {"row_count": 5}
    await client.create_database("other")
    await client.rename_collection("new", "moved", target_db="other")
    assert await client.list_collections() == []
    assert await client.list_collections(db_name="other") == ["moved"]


async def test_truncate_keeps_schema_and_indexes(client):
    await client.create_collection("c", dimension=8)
    await client.insert("c", rows(10))
    await client.flush("c")
    await client.insert("c", rows(5, start=10))
    await client.truncate_collection("c")
    assert (await client.get_collection_stats("c"))["row_count"] == 0
    assert await client.query("c", filter="", limit=100) == []
    assert await client.list_indexes("c") == ["vector"]
    await client.insert("c", rows(2))
    assert (await client.get_collection_stats("c"))["row_count"] == 2


async def test_properties_are_strings(client):
    await client.create_collection("c", dimension=4, properties={"collection.ttl.seconds": 60})
    await client.alter_collection_properties("c", {"mmap.enabled": True, "x": 3})
    props = (await client.describe_collection("c"))["properties"]
    assert props == {"collection.ttl.seconds": "60", "mmap.enabled": "true", "x": "3"}
    await client.drop_collection_properties("c", ["x"])
    assert "x" not in (await client.describe_collection("c"))["properties"]


async def test_release_and_load(client):
    await client.create_collection("c", dimension=8)
    await client.insert("c", rows(3))
    await client.release_collection("c")
    assert (await client.get_load_state("c"))["state"] == LoadState.NotLoad
    with pytest.raises(MilvusException) as err:
        await client.query("c", filter="id > 0")
    assert err.value.code == 101
    await client.load_collection("c")
    assert len(await client.get("c", ids=[0, 1, 2])) == 3


async def test_add_collection_field(client):
    await client.create_collection("c", dimension=4, enable_dynamic_field=False)
    await client.insert("c", [{"id": 1, "vector": [1, 1, 1, 1]}])
    await client.add_collection_field("c", "score", DataType.DOUBLE, nullable=True)
    await client.insert("c", [{"id": 2, "vector": [2, 2, 2, 2], "score": 0.5}])
    got = {r["id"]: r for r in await client.get("c", ids=[1, 2], output_fields=["score"])}
    assert got[1]["score"] is None and got[2]["score"] == 0.5
    with pytest.raises(MilvusException):
        await client.add_collection_field("c", "bad", DataType.INT64)
    assert [f["name"] for f in (await client.describe_collection("c"))["fields"]] == ["id", "vector", "score"]


async def test_invalid_names(client):
    for name in ("1abc", "a-b", "", "x" * 300):
        with pytest.raises(MilvusException):
            await client.create_collection(name, dimension=4)
    assert await client.list_collections() == []
