"""Azimuth's client (sync and async) drives Milvus Lite's standalone gRPC server (package ``milvus-lite``,
listening on a free loopback TCP port) through the common subset: proof that our client speaks the real
protocol."""

from __future__ import annotations

import numpy as np
import pytest

from azimuth import AsyncMilvusClient, DataType, MilvusClient
from azimuth.errors import MilvusException

lite_server = pytest.importorskip("milvus_lite.adapter.grpc.server")


@pytest.fixture(scope="module")
def lite_uri(tmp_path_factory):
    server, db, port = lite_server.start_server_in_thread(str(tmp_path_factory.mktemp("lite")), port=0)
    yield f"http://127.0.0.1:{port}"
    server.stop(grace=1)
    db.close()


def _rows(n: int, dim: int = 8) -> list[dict]:
    vecs = np.random.default_rng(0).random((n, dim), dtype=np.float32)
    return [{"id": i, "vector": vecs[i], "title": f"t{i}", "year": 2000 + i % 5} for i in range(n)]


def test_collections_data_and_errors(lite_uri):
    client = MilvusClient(lite_uri)
    try:
        if client.has_collection("docs"):
            client.drop_collection("docs")
        client.create_collection("docs", dimension=8)
        assert "docs" in client.list_collections()
        described = client.describe_collection("docs")
        assert [f["name"] for f in described["fields"]] == ["id", "vector"]
        assert client.get_load_state("docs")["state"].name == "Loaded"
        assert client.insert("docs", _rows(20))["insert_count"] == 20
        got = client.get("docs", ids=[3, 4], output_fields=["title", "year"])
        assert sorted((r["id"], r["title"], r["year"]) for r in got) == [(3, "t3", 2003), (4, "t4", 2004)]
        rows = client.query("docs", filter="year == 2001", output_fields=["id"])
        assert sorted(r["id"] for r in rows) == [1, 6, 11, 16]
        assert client.upsert("docs", _rows(2))["upsert_count"] == 2
        assert client.delete("docs", ids=[0, 1])["delete_count"] == 2
        assert client.delete("docs", filter="id in [2]")["delete_count"] >= 1
        assert client.query("docs", filter="id < 5", output_fields=["id"]) == [{"id": 3}, {"id": 4}] or sorted(
            r["id"] for r in client.query("docs", filter="id < 5", output_fields=["id"])) == [3, 4]
        with pytest.raises(MilvusException) as err:
            client.describe_collection("missing")
        assert err.value.code == 100
        client.create_partition("docs", "p1")
        assert "p1" in client.list_partitions("docs")
        client.create_alias("docs", "docs_alias")
        assert client.describe_alias("docs_alias")["collection_name"] == "docs"
        client.drop_alias("docs_alias")
        assert "vector" in client.list_indexes("docs")
        client.release_collection("docs")
        client.drop_collection("docs")
        assert not client.has_collection("docs")
    finally:
        client.close()


def test_custom_schema_types(lite_uri):
    client = MilvusClient(lite_uri)
    try:
        schema = client.create_schema(enable_dynamic_field=True)
        schema.add_field("pk", DataType.VARCHAR, is_primary=True, max_length=16)
        schema.add_field("n", DataType.INT32, nullable=True)
        schema.add_field("j", DataType.JSON)
        schema.add_field("arr", DataType.ARRAY, element_type=DataType.INT64, max_capacity=4)
        schema.add_field("v", DataType.FLOAT_VECTOR, dim=4)
        index = client.prepare_index_params()
        index.add_index("v", index_type="FLAT", metric_type="L2")
        if client.has_collection("typed"):
            client.drop_collection("typed")
        client.create_collection("typed", schema=schema, index_params=index)
        data = [{"pk": "a", "n": 1, "j": {"k": [1, 2]}, "arr": [1, 2], "v": [0.1, 0.2, 0.3, 0.4], "extra": "x"},
                {"pk": "b", "n": None, "j": {"k": None}, "arr": [], "v": [0.5, 0.6, 0.7, 0.8]}]
        client.insert("typed", data)
        rows = client.get("typed", ids=["a", "b"], output_fields=["*"])
        by_pk = {r["pk"]: r for r in rows}
        assert by_pk["a"]["j"] == {"k": [1, 2]} and by_pk["a"]["arr"] == [1, 2] and by_pk["a"]["extra"] == "x"
        assert by_pk["b"]["n"] is None
        assert np.allclose(by_pk["b"]["v"], [0.5, 0.6, 0.7, 0.8])
        client.drop_collection("typed")
    finally:
        client.close()


async def test_async_client(lite_uri):
    client = AsyncMilvusClient(lite_uri)
    try:
        if await client.has_collection("adocs"):
            await client.drop_collection("adocs")
        await client.create_collection("adocs", dimension=8)
        await client.insert("adocs", _rows(5))
        rows = await client.query("adocs", filter="id >= 3", output_fields=["title"])
        assert sorted(r["title"] for r in rows) == ["t3", "t4"]
        await client.drop_collection("adocs")
    finally:
        await client.close()
