"""Two clients on one ``azimuth serve``: client A changes a collection's schema (add field, drop + re-create,
rename + re-create, alias switch); client B, whose schema cache was warm, never writes or reads with the stale
schema — its next insert, query and search use the new one. Runs for the sync and the async client."""

from __future__ import annotations

import numpy as np
import pytest

from azimuth import AsyncMilvusClient, DataType, MilvusClient
from tests.grpc.server import running_server


@pytest.fixture
def uri(tmp_path):
    with running_server(tmp_path / "server") as address:
        yield address


@pytest.fixture
def pair(uri):
    a, b = MilvusClient(uri), MilvusClient(uri)
    yield a, b
    a.close()
    b.close()


def _create(client, name: str, *, pk=DataType.INT64, dim: int = 4, extra: tuple[str, DataType] = ("a", DataType.INT64)):
    schema = client.create_schema(enable_dynamic_field=True)
    kwargs = {"max_length": 16} if pk == DataType.VARCHAR else {}
    schema.add_field("id", pk, is_primary=True, **kwargs)
    schema.add_field("vector", DataType.FLOAT_VECTOR, dim=dim)
    field, dtype = extra
    schema.add_field(field, dtype, **({"max_length": 16} if dtype == DataType.VARCHAR else {}))
    index = client.prepare_index_params()
    index.add_index("vector", index_type="FLAT", metric_type="L2")
    client.create_collection(name, schema=schema, index_params=index)


def _warm(client, name: str, row: dict) -> None:
    """Give ``client`` a cached schema of ``name`` (insert + query + search)."""
    client.insert(name, [row])
    client.query(name, filter="", output_fields=["*"], limit=5)
    client.search(name, data=[row["vector"]], limit=1)


def test_added_field_is_used_by_the_other_client(pair):
    a, b = pair
    _create(a, "c")
    _warm(b, "c", {"id": 1, "vector": [0.1] * 4, "a": 1})
    a.add_collection_field("c", "extra", DataType.INT64, nullable=True)
    b.insert("c", [{"id": 2, "vector": [0.2] * 4, "a": 2, "extra": 7}])
    # "extra" is a real field now: it must not have gone into the dynamic $meta column
    rows = a.query("c", filter="extra == 7", output_fields=["extra"])
    assert rows == [{"id": 2, "extra": 7}]
    got = b.query("c", filter="id == 2", output_fields=["*"])
    assert got[0]["extra"] == 7 and got[0]["a"] == 2
    hits = b.search("c", data=[[0.2] * 4], limit=1, output_fields=["extra"])
    assert hits[0][0]["entity"] == {"extra": 7}


def test_drop_and_recreate_with_another_schema(pair):
    a, b = pair
    _create(a, "c")
    _warm(b, "c", {"id": 1, "vector": [0.1] * 4, "a": 1})
    a.drop_collection("c")
    _create(a, "c", pk=DataType.VARCHAR, dim=3, extra=("b", DataType.VARCHAR))
    b.insert("c", [{"id": "k1", "vector": [0.3] * 3, "b": "hello"}])
    rows = a.query("c", filter="b == 'hello'", output_fields=["b"])
    assert rows == [{"id": "k1", "b": "hello"}]
    assert b.get("c", ids=["k1"], output_fields=["*"])[0]["b"] == "hello"
    hits = b.search("c", data=[[0.3] * 3], limit=1, output_fields=["b"])
    assert hits[0][0]["id"] == "k1" and hits[0][0]["entity"] == {"b": "hello"}


def test_same_shape_recreate_keeps_new_field_types(pair):
    a, b = pair
    _create(a, "c", extra=("a", DataType.INT64))
    _warm(b, "c", {"id": 1, "vector": [0.1] * 4, "a": 1})
    a.drop_collection("c")
    _create(a, "c", extra=("a", DataType.VARCHAR))  # same names, same version number, another type
    b.insert("c", [{"id": 2, "vector": [0.2] * 4, "a": "text"}])
    assert a.query("c", filter="id == 2", output_fields=["a"]) == [{"id": 2, "a": "text"}]


def test_rename_and_recreate(pair):
    a, b = pair
    _create(a, "c")
    _warm(b, "c", {"id": 1, "vector": [0.1] * 4, "a": 1})
    a.rename_collection("c", "old")
    _create(a, "c", dim=2, extra=("z", DataType.VARCHAR))
    b.insert("c", [{"id": 5, "vector": [0.5, 0.5], "z": "new"}])
    assert a.query("c", filter="", output_fields=["z"], limit=10) == [{"id": 5, "z": "new"}]
    assert [r["id"] for r in b.query("old", filter="", output_fields=["id"], limit=10)] == [1]
    hits = b.search("c", data=[[0.5, 0.5]], limit=1, output_fields=["z"])
    assert hits[0][0]["entity"] == {"z": "new"}


def test_alias_switch(pair):
    a, b = pair
    _create(a, "one")
    _create(a, "two", dim=2, extra=("t", DataType.VARCHAR))
    a.create_alias("one", "cur")
    _warm(b, "cur", {"id": 1, "vector": [0.1] * 4, "a": 1})
    a.alter_alias("two", "cur")
    b.insert("cur", [{"id": 9, "vector": [0.9, 0.9], "t": "via alias"}])
    assert a.query("two", filter="id == 9", output_fields=["t"]) == [{"id": 9, "t": "via alias"}]
    hits = b.search("cur", data=np.array([[0.9, 0.9]], dtype=np.float32), limit=1, output_fields=["t"])
    assert hits[0][0]["entity"] == {"t": "via alias"}


async def test_async_client_follows_schema_changes(uri):
    a, b = AsyncMilvusClient(uri), AsyncMilvusClient(uri)
    try:
        schema = a.create_schema(enable_dynamic_field=True)
        schema.add_field("id", DataType.INT64, is_primary=True)
        schema.add_field("vector", DataType.FLOAT_VECTOR, dim=4)
        await a.create_collection("c", schema=schema)
        await a.create_index("c", _index(a))
        await a.load_collection("c")
        await b.insert("c", [{"id": 1, "vector": [0.1] * 4}])
        await b.query("c", filter="", output_fields=["*"], limit=3)
        await a.add_collection_field("c", "extra", DataType.VARCHAR, max_length=8, nullable=True)
        await b.insert("c", [{"id": 2, "vector": [0.2] * 4, "extra": "x"}])
        assert await a.query("c", filter="extra == 'x'", output_fields=["extra"]) == [{"id": 2, "extra": "x"}]
        hits = await b.search("c", data=[[0.2] * 4], limit=1, output_fields=["extra"])
        assert hits[0][0]["entity"] == {"extra": "x"}
    finally:
        await a.close()
        await b.close()


def _index(client):
    index = client.prepare_index_params()
    index.add_index("vector", index_type="FLAT", metric_type="L2")
    return index


def test_recreate_with_a_new_field_of_a_dynamic_key(pair):
    a, b = pair
    _create(a, "c", extra=("a", DataType.INT64))
    _warm(b, "c", {"id": 1, "vector": [0.1] * 4, "a": 1, "x": 5})
    a.drop_collection("c")
    schema = a.create_schema(enable_dynamic_field=True)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("vector", DataType.FLOAT_VECTOR, dim=4)
    schema.add_field("a", DataType.INT64)
    schema.add_field("x", DataType.INT64)  # a dynamic key before, a real field now
    a.create_collection("c", schema=schema, index_params=_index(a))
    b.insert("c", [{"id": 2, "vector": [0.2] * 4, "a": 2, "x": 6}])
    assert a.query("c", filter="x == 6", output_fields=["x"]) == [{"id": 2, "x": 6}]
