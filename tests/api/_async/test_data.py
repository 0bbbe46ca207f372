"""Writing and reading by key: insert, upsert, delete, get; every data type; dynamic, nullable, defaults."""

from __future__ import annotations

import ml_dtypes
import numpy as np
import pytest

from azimuth import AsyncMilvusClient, DataType, MilvusException
from azimuth.errors import DataNotMatchException, DataTypeNotMatchException, ParamError
from tests.api.helpers import all_types_index_params, all_types_schema, rows


async def test_insert_get_dynamic_fields(client):
    await client.create_collection("docs", dimension=8)
    vec = [0.5] * 8
    result = await client.insert("docs", [{"id": 1, "vector": vec, "title": "hello", "year": 2024}])
    assert result["insert_count"] == 1 and result["ids"] == [1]
    got = await client.get("docs", ids=[1], output_fields=["title", "year"])
    assert got == [{"id": 1, "title": "hello", "year": 2024}]
    full = await client.get("docs", ids=1)
    assert full[0]["vector"] == pytest.approx(vec) and full[0]["title"] == "hello" and "$meta" not in full[0]
    star = await client.get("docs", ids=[1], output_fields=["*"])
    assert set(star[0]) == {"id", "vector", "title", "year"}
    meta = await client.get("docs", ids=[1], output_fields=["$meta"])
    assert meta == [{"id": 1, "title": "hello", "year": 2024}]
    assert await client.get("docs", ids=[1], output_fields=["nokey"]) == [{"id": 1}]


async def test_insert_single_dict_and_empty(client):
    await client.create_collection("c", dimension=4)
    assert (await client.insert("c", {"id": 7, "vector": [1, 2, 3, 4]}))["ids"] == [7]
    assert await client.insert("c", []) == {"insert_count": 0, "ids": []}
    assert await client.get("c", ids=[]) == []
    with pytest.raises(TypeError):
        await client.insert("c", "not rows")


async def test_numpy_vectors(client):
    await client.create_collection("c", dimension=16)
    data = np.random.default_rng(1).random((100, 16), dtype=np.float32)
    await client.insert("c", [{"id": i, "vector": data[i]} for i in range(100)])
    got = await client.get("c", ids=[42])
    assert np.allclose(got[0]["vector"], data[42])


async def test_all_data_types_roundtrip(client):
    await client.create_collection("t", schema=all_types_schema(), index_params=all_types_index_params())
    f16 = np.array([0.5, -1, 2, 0.25], dtype=np.float16)
    bf16 = np.array([1.5, -2, 0.5, 8], dtype=ml_dtypes.bfloat16)
    row = {
        "pk": "a", "b": True, "i8": -8, "i16": 300, "i32": -70000, "i64": 2**62, "f": 1.5, "d": 2.25,
        "s": "héllo", "j": {"k": [1, 2], "n": None}, "arr": [1, 2, 3], "sarr": ["x", "yy"],
        "fv": [0.1, 0.2, 0.3, 0.4], "f16": f16, "bf16": bf16, "i8v": np.array([1, -2, 3, -4], dtype=np.int8),
        "bv": bytes([0b10101010, 0xFF]), "sv": {3: 0.5, 100: 1.25}, "opt": None, "extra": "dyn",
    }
    await client.insert("t", [row, {**row, "pk": "b", "opt": 5, "dflt": "set", "sv": [(1, 2.0)]}])
    got = {r["pk"]: r for r in await client.get("t", ids=["a", "b"])}
    a = got["a"]
    for key in ("b", "i8", "i16", "i32", "i64", "s", "j", "arr", "sarr", "extra"):
        assert a[key] == row[key], key
    assert a["f"] == 1.5 and a["d"] == 2.25
    assert a["fv"] == pytest.approx(row["fv"])
    # like pymilvus, byte-typed vectors come back as a one-element list of raw bytes
    assert a["bv"] == [row["bv"]]
    assert np.array_equal(np.frombuffer(a["f16"][0], dtype=np.float16), f16)
    assert np.array_equal(np.frombuffer(a["bf16"][0], dtype=ml_dtypes.bfloat16), bf16)
    assert np.array_equal(np.frombuffer(a["i8v"][0], dtype=np.int8), row["i8v"])
    assert a["sv"] == {3: 0.5, 100: 1.25}
    assert a["opt"] is None and a["dflt"] == "none"
    assert got["b"]["opt"] == 5 and got["b"]["dflt"] == "set" and got["b"]["sv"] == {1: 2.0}


async def test_nullable_and_default(client):
    schema = AsyncMilvusClient.create_schema()
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("v", DataType.FLOAT_VECTOR, dim=2)
    schema.add_field("n", DataType.VARCHAR, max_length=8, nullable=True)
    schema.add_field("d", DataType.INT64, default_value=42)
    await client.create_collection("c", schema=schema,
                                   index_params=AsyncMilvusClient.prepare_index_params("v", index_type="FLAT",
                                                                                       metric_type="L2"))
    await client.insert("c", [{"id": 1, "v": [1, 2]}, {"id": 2, "v": [1, 2], "n": "x", "d": None},
                              {"id": 3, "v": [1, 2], "d": 7}])
    got = {r["id"]: r for r in await client.get("c", ids=[1, 2, 3])}
    assert got[1]["n"] is None and got[1]["d"] == 42
    assert got[2]["n"] == "x" and got[2]["d"] == 42
    assert got[3]["d"] == 7


async def test_upsert_replaces_and_partial_update(client):
    await client.create_collection("c", dimension=4)
    await client.insert("c", [{"id": 1, "vector": [1, 1, 1, 1], "a": 1, "b": 2}])
    result = await client.upsert("c", [{"id": 1, "vector": [2, 2, 2, 2], "a": 10}])
    assert result["upsert_count"] == 1 and result["ids"] == [1]
    got = await client.get("c", ids=[1])
    assert got[0]["a"] == 10 and "b" not in got[0] and got[0]["vector"] == [2.0, 2.0, 2.0, 2.0]
    await client.upsert("c", [{"id": 1, "b": 5}], partial_update=True)
    got = await client.get("c", ids=[1])
    assert got[0]["a"] == 10 and got[0]["b"] == 5 and got[0]["vector"] == [2.0, 2.0, 2.0, 2.0]
    assert (await client.get_collection_stats("c"))["row_count"] == 1
    assert await client.upsert("c", []) == {"upsert_count": 0, "ids": []}


async def test_upsert_auto_id_issues_new_keys(client):
    await client.create_collection("c", dimension=4, auto_id=True)
    first = await client.insert("c", [{"vector": [1, 1, 1, 1], "tag": "a"}])
    old = first["ids"][0]
    result = await client.upsert("c", [{"id": old, "vector": [2, 2, 2, 2], "tag": "b"}])
    new = result["ids"][0]
    assert new != old
    assert await client.get("c", ids=[old]) == []
    assert (await client.get("c", ids=[new]))[0]["tag"] == "b"


async def test_upsert_duplicate_keys_rejected(client):
    await client.create_collection("c", dimension=4)
    await client.insert("c", [{"id": 1, "vector": [1, 1, 1, 1]}])
    with pytest.raises(MilvusException):
        await client.upsert("c", [{"id": 2, "vector": [1, 1, 1, 1]}, {"id": 2, "vector": [2, 2, 2, 2]}])
    assert [r["id"] for r in await client.query("c", filter="", limit=10)] == [1]


async def test_delete_by_ids(client):
    await client.create_collection("c", dimension=8)
    await client.insert("c", rows(10))
    result = await client.delete("c", ids=[1, 2, 99])
    assert result["delete_count"] == 3
    assert sorted(r["id"] for r in await client.get("c", ids=list(range(10)))) == [0, 3, 4, 5, 6, 7, 8, 9]
    assert (await client.delete("c", ids=5))["delete_count"] == 1
    assert (await client.get_collection_stats("c"))["row_count"] == 7
    with pytest.raises(ParamError):
        await client.delete("c", ids=[1], filter="id > 1")
    with pytest.raises(DataTypeNotMatchException):
        await client.delete("c")
    with pytest.raises(TypeError):
        await client.delete("c", ids=[1.5])


async def test_string_primary_keys(client):
    await client.create_collection("c", dimension=4, id_type="string", max_length=16)
    await client.insert("c", [{"id": f"k{i}", "vector": [i, 0, 0, 1]} for i in range(5)])
    await client.delete("c", ids=["k1"])
    assert sorted(r["id"] for r in await client.get("c", ids=["k0", "k1", "k2"])) == ["k0", "k2"]


async def test_duplicate_inserted_keys_read_latest(client):
    await client.create_collection("c", dimension=4)
    await client.insert("c", [{"id": 1, "vector": [1, 1, 1, 1], "v": 1}])
    await client.insert("c", [{"id": 1, "vector": [1, 1, 1, 1], "v": 2}])
    got = await client.get("c", ids=[1])
    assert len(got) == 1 and got[0]["v"] == 2


# ---- bad input: a clear error and nothing stored -------------------------------------------------------------
@pytest.fixture
async def strict(client):
    schema = AsyncMilvusClient.create_schema(enable_dynamic_field=False)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("v", DataType.FLOAT_VECTOR, dim=4)
    schema.add_field("s", DataType.VARCHAR, max_length=5)
    schema.add_field("a", DataType.ARRAY, element_type=DataType.INT32, max_capacity=2)
    params = AsyncMilvusClient.prepare_index_params("v", index_type="FLAT", metric_type="L2")
    await client.create_collection("strict", schema=schema, index_params=params)
    await client.insert("strict", [{"id": 1, "v": [1, 2, 3, 4], "s": "ok", "a": [1]}])
    return client


GOOD = {"id": 2, "v": [1, 2, 3, 4], "s": "ok", "a": [1, 2]}


@pytest.mark.parametrize(
    "bad",
    [
        {**GOOD, "v": [1, 2, 3]},
        {**GOOD, "v": "abcd"},
        {**GOOD, "id": "x"},
        {**GOOD, "s": "toolong"},
        {**GOOD, "a": [1, 2, 3]},
        {**GOOD, "a": ["x"]},
        {**GOOD, "unknown": 1},
        {k: v for k, v in GOOD.items() if k != "s"},
        {**GOOD, "v": [float("nan"), 1, 2, 3]},
    ],
)
async def test_bad_rows_rejected_and_nothing_stored(strict, bad):
    with pytest.raises(MilvusException):
        await strict.insert("strict", [GOOD | {"id": 3}, bad])
    with pytest.raises(MilvusException):
        await strict.upsert("strict", [bad])
    assert [r["id"] for r in await strict.query("strict", filter="", limit=10)] == [1]


async def test_bad_row_exception_classes(strict):
    with pytest.raises(DataNotMatchException):
        await strict.insert("strict", [{**GOOD, "unknown": 1}])
    with pytest.raises(DataNotMatchException):
        await strict.insert("strict", [{k: v for k, v in GOOD.items() if k != "s"}])
    with pytest.raises(DataNotMatchException):
        await strict.insert("strict", ["not a dict"])


async def test_unknown_targets(client):
    await client.create_collection("c", dimension=4)
    with pytest.raises(MilvusException) as err:
        await client.insert("missing", [{"id": 1, "vector": [1, 1, 1, 1]}])
    assert err.value.code == 100
    with pytest.raises(MilvusException) as err:
        await client.insert("c", [{"id": 1, "vector": [1, 1, 1, 1]}], partition_name="nope")
    assert err.value.code == 200
    with pytest.raises(MilvusException) as err:
        await client.insert("c", [{"id": 1, "vector": [1, 1, 1, 1]}], db_name="nodb")
    assert err.value.code == 800
    assert (await client.get_collection_stats("c"))["row_count"] == 0
