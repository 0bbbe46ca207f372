"""query / get / delete by filter through the client: the expression language end to end, output fields,
count(*), limit and offset caps, partitions, templates, and bad input."""

from __future__ import annotations

import pytest

from azimuth import AsyncMilvusClient, DataType, MilvusException
from azimuth.errors import DataTypeNotMatchException, ParamError


@pytest.fixture
async def docs(client):
    schema = AsyncMilvusClient.create_schema(enable_dynamic_field=True)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("vector", DataType.FLOAT_VECTOR, dim=2)
    schema.add_field("title", DataType.VARCHAR, max_length=64)
    schema.add_field("year", DataType.INT32)
    schema.add_field("rank", DataType.INT64, nullable=True)
    schema.add_field("tags", DataType.ARRAY, element_type=DataType.INT64, max_capacity=8)
    schema.add_field("meta", DataType.JSON)
    params = AsyncMilvusClient.prepare_index_params("vector", index_type="FLAT", metric_type="L2")
    await client.create_collection("docs", schema=schema, index_params=params)
    rows = []
    for i in range(100):
        rows.append({
            "id": i, "vector": [i, 0], "title": ("intro " if i % 10 == 0 else "chapter ") + str(i),
            "year": 1990 + i % 40, "rank": None if i % 7 == 0 else i % 10, "tags": [i % 5, i % 3],
            "meta": {"lang": "en" if i % 2 else "fr", "n": i}, "color": "red" if i % 4 == 0 else "blue",
        })
    await client.insert("docs", rows)
    return client


def ids(rows):
    return sorted(r["id"] for r in rows)


async def test_filters(docs):
    assert ids(await docs.query("docs", filter="year >= 2020 and id < 50", output_fields=["id"])) == [
        i for i in range(50) if 1990 + i % 40 >= 2020]
    got = await docs.query("docs", filter='title like "intro%" and meta["lang"] == "fr"', output_fields=["title"])
    assert ids(got) == [0, 10, 20, 30, 40, 50, 60, 70, 80, 90]
    assert all(set(r) == {"id", "title"} for r in got)
    got = await docs.query("docs", filter="tags[0] in {choices} and 1 < rank < 9",
                           filter_params={"choices": [3, 4]}, output_fields=["id"])
    assert ids(got) == [i for i in range(100) if i % 5 in (3, 4) and i % 7 and 1 < i % 10 < 9]
    assert ids(await docs.query("docs", filter="rank is null", output_fields=["id"])) == list(range(0, 100, 7))
    assert ids(await docs.query("docs", filter='color == "red" && id % 8 == 0')) == list(range(0, 100, 8))
    assert ids(await docs.query("docs", filter="array_contains(tags, 4) and not (id > 20)")) == [4, 9, 14, 19]
    assert ids(await docs.query("docs", filter="json_contains_any(meta['n'], [1]) or meta['n'] == 2")) == [2]


async def test_count_and_limits(docs):
    assert await docs.query("docs", filter="", output_fields=["count(*)"]) == [{"count(*)": 100}]
    assert await docs.query("docs", filter="id < 10", output_fields=["count(*)"]) == [{"count(*)": 10}]
    page = await docs.query("docs", filter="id >= 0", limit=5, offset=10, output_fields=["id"])
    assert ids(page) == [10, 11, 12, 13, 14]
    assert len(await docs.query("docs", filter="", limit=3)) == 3
    with pytest.raises(MilvusException) as err:
        await docs.query("docs", filter="")
    assert "empty expression should be used with limit" in err.value.message
    with pytest.raises(MilvusException) as err:
        await docs.query("docs", filter="id > 0", limit=16384, offset=1)
    assert "16384" in err.value.message
    with pytest.raises(DataTypeNotMatchException):
        await docs.query("docs", filter=5)
    with pytest.raises(ParamError):
        await docs.query("docs", filter="id > 1", ids=[1])


async def test_query_by_ids_and_output_fields(docs):
    got = await docs.query("docs", ids=[3, 4, 500], output_fields=["year", "color"])
    assert got and {r["id"] for r in got} == {3, 4}
    assert set(got[0]) == {"id", "year", "color"}
    full = await docs.query("docs", filter="id == 5")
    assert set(full[0]) == {"id", "vector", "title", "year", "rank", "tags", "meta", "color"}
    with pytest.raises(MilvusException):
        await docs.query("docs", filter="nosuchfield > 1 and title > 3")


async def test_delete_by_filter(docs):
    result = await docs.delete("docs", filter="year < 2000")
    assert result["delete_count"] == sum(1 for i in range(100) if 1990 + i % 40 < 2000)
    assert await docs.query("docs", filter="year < 2000", output_fields=["count(*)"]) == [{"count(*)": 0}]
    result = await docs.delete("docs", filter="id in {ids}", filter_params={"ids": [50, 51]})
    assert result["delete_count"] == 2


async def test_bad_filters_change_nothing(docs):
    for bad in ("id >", "title > 3", "nosuch(id)", "id in {missing}", "vector > 1"):
        with pytest.raises(MilvusException) as err:
            await docs.delete("docs", filter=bad)
        assert err.value.code in (1100, 65535, 1700, 3000)
    assert await docs.query("docs", filter="", output_fields=["count(*)"]) == [{"count(*)": 100}]
