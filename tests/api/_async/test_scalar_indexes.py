"""Scalar indexes through the client: created, described, dropped, and results identical with and without."""

from __future__ import annotations

import pytest

from azimuth import AsyncMilvusClient, DataType, MilvusException

FILTERS = [
    "n >= 10 and n < 300",
    "n in [1, 5, 77, 400]",
    'title like "t1%"',
    'title == "t42"',
    'meta["lang"] == "en" and n < 100',
    "array_contains(tags, 3)",
    "flag == true",
]


async def build(client):
    schema = AsyncMilvusClient.create_schema()
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("v", DataType.FLOAT_VECTOR, dim=2)
    schema.add_field("n", DataType.INT64)
    schema.add_field("title", DataType.VARCHAR, max_length=16)
    schema.add_field("meta", DataType.JSON)
    schema.add_field("tags", DataType.ARRAY, element_type=DataType.INT64, max_capacity=4)
    schema.add_field("flag", DataType.BOOL)
    ip = AsyncMilvusClient.prepare_index_params("v", index_type="FLAT", metric_type="L2")
    await client.create_collection("c", schema=schema, index_params=ip)
    rows = [{"id": i, "v": [i, 1], "n": i % 500, "title": f"t{i}", "meta": {"lang": ["en", "fr", "de"][i % 3]},
             "tags": [i % 7, i % 4], "flag": i % 2 == 0} for i in range(1500)]
    await client.insert("c", rows[:1000])
    await client.flush("c")
    await client.insert("c", rows[1000:])


async def results(client):
    return [sorted(r["id"] for r in await client.query("c", filter=f, output_fields=["id"])) for f in FILTERS]


async def test_scalar_indexes_do_not_change_results(client):
    await build(client)
    before = await results(client)
    await client.release_collection("c")
    ip = AsyncMilvusClient.prepare_index_params()
    ip.add_index("n", index_type="STL_SORT")
    ip.add_index("title", index_type="TRIE")
    ip.add_index("meta", index_type="INVERTED", index_name="lang_idx",
                 params={"json_path": 'meta["lang"]', "json_cast_type": "varchar"})
    ip.add_index("tags", index_type="INVERTED")
    ip.add_index("flag", index_type="BITMAP")
    await client.create_index("c", ip)
    await client.load_collection("c")
    for name in ("n", "title", "lang_idx", "tags", "flag"):
        info = await client.describe_index("c", name)
        assert info["state"] == "Finished" and info["pending_index_rows"] == 0, name
    assert await results(client) == before
    search = await client.search("c", data=[[3.0, 1.0]], limit=3, filter="n in [3, 4, 5]")
    assert sorted(search[0].ids) == [3, 4, 5]
    await client.release_collection("c")
    await client.drop_index("c", "lang_idx")
    await client.load_collection("c")
    assert await results(client) == before


async def test_scalar_index_validation(client):
    await build(client)
    with pytest.raises(MilvusException):
        await client.create_index("c", AsyncMilvusClient.prepare_index_params("meta", index_type="INVERTED"))
    with pytest.raises(MilvusException):
        await client.create_index("c", AsyncMilvusClient.prepare_index_params("title", index_type="STL_SORT_X"))
    with pytest.raises(MilvusException):
        await client.create_index("c", AsyncMilvusClient.prepare_index_params("v2", index_type="INVERTED"))
