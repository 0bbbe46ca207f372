"""pymilvus 3.0.2 — ``MilvusClient``, ``AsyncMilvusClient`` and the ORM — drives ``azimuth serve`` (in-process,
on a free loopback port) through collections, partitions, aliases, databases, indexes, every data type,
insert/upsert/delete/get/query, search (plain, filtered, range, grouping, by ids), hybrid search, iterators and
errors. Search answers are compared with Azimuth's embedded engine on the same data."""

from __future__ import annotations

import numpy as np
import pytest

pymilvus = pytest.importorskip("pymilvus")
from pymilvus import AsyncMilvusClient, DataType, MilvusClient, MilvusException  # noqa: E402

from tests.grpc.server import running_server  # noqa: E402


@pytest.fixture(scope="module")
def uri(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("serve")) as address:
        yield address


@pytest.fixture
def client(uri):
    handle = MilvusClient(uri)
    yield handle
    for name in handle.list_collections():
        handle.drop_collection(name)
    handle.close()


def _rows(n: int, dim: int = 8, start: int = 0) -> list[dict]:
    vecs = np.random.default_rng(start).random((n, dim), dtype=np.float32)
    return [{"id": start + i, "vector": vecs[i].tolist(), "title": f"t{start + i}", "year": 2000 + i % 5}
            for i in range(n)]


def test_collection_lifecycle(client):
    client.create_collection("docs", dimension=8)
    assert client.has_collection("docs") and not client.has_collection("nope")
    assert client.list_collections() == ["docs"]
    info = client.describe_collection("docs")
    assert [f["name"] for f in info["fields"]] == ["id", "vector"] and info["enable_dynamic_field"]
    assert client.get_load_state("docs")["state"].name == "Loaded"
    client.rename_collection("docs", "docs2")
    client.alter_collection_properties("docs2", {"collection.ttl.seconds": 60})
    assert client.describe_collection("docs2")["properties"]["collection.ttl.seconds"] == "60"
    client.release_collection("docs2")
    assert client.get_load_state("docs2")["state"].name == "NotLoad"
    client.load_collection("docs2")
    client.add_collection_field("docs2", "extra", DataType.INT64, nullable=True)
    assert "extra" in [f["name"] for f in client.describe_collection("docs2")["fields"]]
    client.flush("docs2")
    client.compact("docs2")
    assert client.get_collection_stats("docs2")["row_count"] == 0
    client.drop_collection("docs2")
    assert not client.has_collection("docs2")


def test_data_roundtrip(client):
    client.create_collection("docs", dimension=8)
    assert client.insert("docs", _rows(30))["insert_count"] == 30
    got = client.get("docs", ids=[2, 3], output_fields=["title", "year"])
    assert sorted((r["id"], r["title"], r["year"]) for r in got) == [(2, "t2", 2002), (3, "t3", 2003)]
    assert len(client.query("docs", filter="year == 2001", output_fields=["id"])) == 6
    assert client.query("docs", filter="", output_fields=["count(*)"])[0]["count(*)"] == 30
    page = client.query("docs", filter="id >= 0", output_fields=["id"], limit=5, offset=5)
    assert [r["id"] for r in page] == [5, 6, 7, 8, 9]
    assert client.upsert("docs", [{**_rows(1)[0], "title": "new"}])["upsert_count"] == 1
    assert client.get("docs", ids=0, output_fields=["title"])[0]["title"] == "new"
    assert client.delete("docs", ids=[0, 1])["delete_count"] == 2
    assert client.delete("docs", filter="id in [2, 3] and year > 0")["delete_count"] == 2
    params = client.query("docs", filter="id in {keys}", filter_params={"keys": [4, 5]}, output_fields=["id"])
    assert sorted(r["id"] for r in params) == [4, 5]
    iterator = client.query_iterator("docs", batch_size=7, filter="id >= 0", output_fields=["id"])
    seen = []
    while batch := iterator.next():
        seen += [r["id"] for r in batch]
    iterator.close()
    assert seen == list(range(4, 30))


def _all_types(client: MilvusClient):
    schema = client.create_schema(auto_id=False, enable_dynamic_field=True)
    for name, dtype, kwargs in (
        ("pk", DataType.VARCHAR, {"is_primary": True, "max_length": 32}), ("b", DataType.BOOL, {}),
        ("i8", DataType.INT8, {}), ("i16", DataType.INT16, {}), ("i32", DataType.INT32, {}),
        ("i64", DataType.INT64, {}), ("f", DataType.FLOAT, {}), ("d", DataType.DOUBLE, {}),
        ("s", DataType.VARCHAR, {"max_length": 16}), ("j", DataType.JSON, {}),
        ("arr", DataType.ARRAY, {"element_type": DataType.INT64, "max_capacity": 4}),
        ("sarr", DataType.ARRAY, {"element_type": DataType.VARCHAR, "max_capacity": 3, "max_length": 8}),
        ("fv", DataType.FLOAT_VECTOR, {"dim": 4}), ("f16", DataType.FLOAT16_VECTOR, {"dim": 4}),
        ("bf16", DataType.BFLOAT16_VECTOR, {"dim": 4}), ("i8v", DataType.INT8_VECTOR, {"dim": 4}),
        ("bv", DataType.BINARY_VECTOR, {"dim": 16}), ("sv", DataType.SPARSE_FLOAT_VECTOR, {}),
        ("opt", DataType.INT32, {"nullable": True}), ("dflt", DataType.VARCHAR, {"max_length": 10,
                                                                                 "default_value": "none"}),
    ):
        schema.add_field(name, dtype, **kwargs)
    index = client.prepare_index_params()
    for field, kind, metric in (("fv", "FLAT", "L2"), ("f16", "FLAT", "IP"), ("bf16", "FLAT", "COSINE"),
                                ("i8v", "HNSW", "L2"), ("bv", "BIN_FLAT", "HAMMING"),
                                ("sv", "SPARSE_INVERTED_INDEX", "IP")):
        index.add_index(field, index_type=kind, metric_type=metric)
    return schema, index


def test_all_data_types(client):
    schema, index = _all_types(client)
    client.create_collection("typed", schema=schema, index_params=index)
    rng = np.random.default_rng(1)
    row = {
        "pk": "a", "b": True, "i8": -8, "i16": 16, "i32": -32, "i64": 2**40, "f": 1.5, "d": 2.25, "s": "hé",
        "j": {"x": [1, {"y": None}]}, "arr": [1, 2, 3], "sarr": ["a", "bc"], "fv": [0.1, 0.2, 0.3, 0.4],
        "f16": rng.random(4).astype(np.float16), "bf16": (np.array([1.0, 2.0, 0.5, -1.0], dtype=np.float32).view(np.uint32) >> 16).astype(np.uint16).tobytes(),
        "i8v": np.array([1, -2, 3, -4], dtype=np.int8), "bv": b"\x0f\xf0", "sv": {1: 0.5, 7: 1.5},
        "opt": None, "dyn": "extra",
    }
    client.insert("typed", [row, {**row, "pk": "b", "opt": 5, "dflt": "set"}])
    out = {r["pk"]: r for r in client.query("typed", filter="pk in ['a', 'b']", output_fields=["*"])}
    a = out["a"]
    assert (a["b"], a["i8"], a["i16"], a["i32"], a["i64"], a["s"]) == (True, -8, 16, -32, 2**40, "hé")
    assert a["f"] == 1.5 and a["d"] == 2.25 and a["j"] == {"x": [1, {"y": None}]}
    assert a["arr"] == [1, 2, 3] and a["sarr"] == ["a", "bc"] and a["dyn"] == "extra"
    assert np.allclose(a["fv"], [0.1, 0.2, 0.3, 0.4])
    assert a["sv"] == {1: 0.5, 7: 1.5} and a["opt"] is None and a["dflt"] == "none"
    assert out["b"]["opt"] == 5 and out["b"]["dflt"] == "set"
    assert bytes(a["bv"][0]) == b"\x0f\xf0"


def test_partitions_aliases_databases_indexes(client, uri):
    client.create_collection("docs", dimension=8)
    client.create_partition("docs", "p1")
    assert client.has_partition("docs", "p1") and "p1" in client.list_partitions("docs")
    client.insert("docs", _rows(3), partition_name="p1")
    assert client.get_partition_stats("docs", "p1")["row_count"] == 3
    client.release_partitions("docs", ["p1"])
    client.load_partitions("docs", ["p1"])
    client.create_alias("docs", "a1")
    assert client.describe_alias("a1")["collection_name"] == "docs"
    assert client.list_aliases("docs")["aliases"] == ["a1"]
    client.drop_alias("a1")
    assert "vector" in client.list_indexes("docs")
    assert client.describe_index("docs", "vector")["state"] == "Finished"
    client.create_database("other", properties={"database.max.collections": 5})
    assert "other" in client.list_databases()
    assert client.describe_database("other")["database.max.collections"] == "5"
    other = MilvusClient(uri, db_name="other")
    other.create_collection("inner", dimension=4)
    assert other.list_collections() == ["inner"] and "inner" not in client.list_collections()
    other.drop_collection("inner")
    other.close()
    client.drop_database("other")
    client.release_collection("docs")
    client.drop_index("docs", "vector")
    assert client.list_indexes("docs") == []


def test_errors(client):
    with pytest.raises(MilvusException) as err:
        client.describe_collection("missing")
    assert err.value.code == 100
    client.create_collection("docs", dimension=8)
    with pytest.raises(MilvusException) as err:
        client.query("docs", filter="nope ==", output_fields=["id"])
    assert err.value.code == 1100
    with pytest.raises(MilvusException) as err:
        client.insert("docs", [{"id": 1, "vector": [0.1] * 3}])
    with pytest.raises(MilvusException):
        client.create_partition("missing", "p")
    assert client.get_server_version().startswith("v2.6")


def _field_id_story(client, data_type, function_cls, function_type) -> list:
    """Create a,b,c,d (+ vector v, BM25 c → d, struct st), drop b, add e, drop e by id, add f; the ids seen."""
    schema = client.create_schema(enable_dynamic_field=True)
    schema.add_field("a", data_type.INT64, is_primary=True)
    schema.add_field("b", data_type.VARCHAR, max_length=20, nullable=True)
    schema.add_field("c", data_type.VARCHAR, max_length=200, enable_analyzer=True)
    schema.add_field("d", data_type.SPARSE_FLOAT_VECTOR)
    schema.add_field("v", data_type.FLOAT_VECTOR, dim=4)
    struct = client.create_struct_field_schema()
    struct.add_field("x", data_type.INT32)
    schema.add_field("st", data_type.ARRAY, element_type=data_type.STRUCT, struct_schema=struct, max_capacity=2)
    schema.add_function(function_cls("bm25", function_type.BM25, input_field_names=["c"], output_field_names=["d"]))
    client.create_collection("ids", schema=schema)
    seen = []

    def snapshot():
        described = client.describe_collection("ids")
        fields = [(f["name"], f["field_id"], [(s["name"], s["field_id"]) for s in f.get("struct_fields", [])])
                  for f in described["fields"]]
        functions = [(f["id"], list(f["input_field_ids"]), list(f["output_field_ids"]))
                     for f in described["functions"]]
        seen.append((fields, functions))

    snapshot()
    client.drop_collection_field("ids", "b")
    snapshot()
    client.add_collection_field("ids", "e", data_type.INT64, nullable=True)
    snapshot()
    client.drop_collection_field("ids", field_id=seen[-1][0][-2][1])  # e's id (the struct is listed last)
    client.add_collection_field("ids", "f", data_type.INT64, nullable=True)
    snapshot()
    client.drop_collection("ids")
    return seen


def test_field_ids_match_embedded(client, tmp_path):
    from pymilvus import Function as TheirFunction
    from pymilvus import FunctionType as TheirFunctionType

    import azimuth
    from azimuth.types import Function as OurFunction
    from azimuth.types import FunctionType as OurFunctionType

    theirs = _field_id_story(client, DataType, TheirFunction, TheirFunctionType)
    embedded = azimuth.MilvusClient(str(tmp_path / "ids.db"))
    try:
        ours = _field_id_story(embedded, azimuth.DataType, OurFunction, OurFunctionType)
    finally:
        embedded.close()
    assert theirs == ours
    # $meta took 105 and the struct 106-107 at create; b's 101 and e's 108 are never reused
    assert theirs[-1] == ([("a", 100, []), ("c", 102, []), ("d", 103, []), ("v", 104, []), ("f", 109, []),
                           ("st", 106, [("x", 107)])], [(100, [102], [103])])


async def test_async_client(uri):
    client = AsyncMilvusClient(uri)
    try:
        await client.create_collection("adocs", dimension=8)
        await client.insert("adocs", _rows(5))
        rows = await client.query("adocs", filter="id >= 3", output_fields=["title"])
        assert sorted(r["title"] for r in rows) == ["t3", "t4"]
        assert len(await client.get("adocs", ids=[1])) == 1
        await client.drop_collection("adocs")
    finally:
        await client.close()


def test_orm_basics(uri):
    from pymilvus import Collection, CollectionSchema, FieldSchema, connections, utility

    connections.connect(alias="orm", uri=uri)
    try:
        fields = [FieldSchema("id", DataType.INT64, is_primary=True),
                  FieldSchema("vec", DataType.FLOAT_VECTOR, dim=4)]
        collection = Collection("orm_docs", CollectionSchema(fields), using="orm")
        assert utility.has_collection("orm_docs", using="orm")
        collection.insert([[1, 2], [[0.1] * 4, [0.2] * 4]])
        collection.create_index("vec", {"index_type": "FLAT", "metric_type": "L2", "params": {}})
        collection.load()
        assert collection.num_entities == 2
        assert sorted(r["id"] for r in collection.query("id > 0", output_fields=["id"])) == [1, 2]
        collection.release()
        collection.drop()
        assert not utility.has_collection("orm_docs", using="orm")
    finally:
        connections.disconnect("orm")


# ---- search --------------------------------------------------------------------------------------------------


def _search_schema(client):
    schema = client.create_schema(enable_dynamic_field=True)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("vector", DataType.FLOAT_VECTOR, dim=8)
    schema.add_field("vector2", DataType.FLOAT_VECTOR, dim=8)
    schema.add_field("title", DataType.VARCHAR, max_length=16)
    schema.add_field("year", DataType.INT64)
    index = client.prepare_index_params()
    index.add_index("vector", index_type="FLAT", metric_type="L2")
    index.add_index("vector2", index_type="FLAT", metric_type="IP")
    return schema, index


def _search_rows(n: int = 300) -> list[dict]:
    rng = np.random.default_rng(7)
    a, b = rng.random((n, 8), dtype=np.float32), rng.random((n, 8), dtype=np.float32)
    a[11] = a[12] = a[10]  # ties
    return [{"id": i, "vector": a[i].tolist(), "vector2": b[i].tolist(), "title": f"t{i}", "year": 2000 + i % 5,
             "tag": f"g{i % 3}"} for i in range(n)]


@pytest.fixture
def twins(client, tmp_path):
    """The same collection in ``azimuth serve`` (driven by pymilvus) and in an embedded Azimuth database."""
    from azimuth import MilvusClient as AzimuthClient

    local = AzimuthClient(str(tmp_path / "twin.db"))
    rows = _search_rows()
    for handle in (client, local):
        schema, index = _search_schema(handle)
        handle.create_collection("docs", schema=schema, index_params=index)
        handle.insert("docs", rows[:200])
        handle.flush("docs")
        handle.insert("docs", rows[200:])
    yield client, local, rows
    local.close()


def _shape(result) -> list[list[tuple]]:
    return [[(hit["id"], round(hit["distance"], 4), dict(hit["entity"])) for hit in hits] for hits in result]


SEARCHES = [
    {"limit": 5},
    {"limit": 4, "filter": "year == {y} and id > 20", "filter_params": {"y": 2003}, "output_fields": ["title"]},
    {"limit": 3, "output_fields": ["title", "tag"]},
    {"limit": 3, "output_fields": ["*"]},
    {"limit": 6, "search_params": {"params": {"radius": 1.0, "range_filter": 0.2}}},
    {"limit": 4, "group_by_field": "year", "output_fields": ["year"]},
    {"limit": 3, "offset": 2, "round_decimal": 3},
    {"limit": 5, "anns_field": "vector2", "search_params": {"metric_type": "IP"}},
]


@pytest.mark.parametrize("kwargs", SEARCHES)
def test_search_matches_embedded(twins, kwargs):
    remote, local, rows = twins
    anns = kwargs.pop("anns_field", "vector")
    queries = [rows[10][anns], rows[250][anns]]
    got = remote.search("docs", data=queries, anns_field=anns, **kwargs)
    want = local.search("docs", data=queries, anns_field=anns, **kwargs)
    assert len(got) == 2 and _shape(got) == _shape(want)
    assert len(got[0]) > 0


def test_search_by_ids_and_errors(twins):
    remote, local, rows = twins
    got = remote.search("docs", ids=[10, 250], anns_field="vector", limit=3)
    assert _shape(got) == _shape(local.search("docs", ids=[10, 250], anns_field="vector", limit=3))
    assert {got[0][0]["id"], got[0][1]["id"], got[0][2]["id"]} == {10, 11, 12}
    with pytest.raises(MilvusException):
        remote.search("docs", data=[[0.1] * 7], anns_field="vector", limit=3)
    with pytest.raises(MilvusException):
        remote.search("docs", data=[rows[0]["vector"]], anns_field="missing", limit=3)


def test_hybrid_search_matches_embedded(twins):
    from pymilvus import AnnSearchRequest, RRFRanker, WeightedRanker

    from azimuth import AnnSearchRequest as Req
    from azimuth import RRFRanker as Rrf
    from azimuth import WeightedRanker as Weighted

    remote, local, rows = twins
    q1, q2 = [rows[5]["vector"]], [rows[5]["vector2"]]
    theirs = [AnnSearchRequest(q1, "vector", {"metric_type": "L2"}, 20, expr="year > 2000"),
              AnnSearchRequest(q2, "vector2", {"metric_type": "IP"}, 20)]
    ours = [Req(q1, "vector", {"metric_type": "L2"}, 20, expr="year > 2000"), Req(q2, "vector2", {"metric_type": "IP"}, 20)]
    for their_ranker, our_ranker in ((RRFRanker(30), Rrf(30)), (WeightedRanker(0.7, 0.3), Weighted(0.7, 0.3))):
        got = remote.hybrid_search("docs", theirs, their_ranker, limit=6, output_fields=["title"])
        want = local.hybrid_search("docs", ours, our_ranker, limit=6, output_fields=["title"])
        assert _shape(got) == _shape(want) and len(got[0]) == 6


def test_pymilvus_search_iterator(twins):
    remote, _, rows = twins
    iterator = remote.search_iterator("docs", data=[rows[10]["vector"]], anns_field="vector", batch_size=32,
                                      output_fields=["year"], search_params={"metric_type": "L2"})
    seen, distances = [], []
    while page := iterator.next():
        seen += [hit["id"] for hit in page]
        distances += [hit["distance"] for hit in page]
        assert all("year" in hit["entity"] for hit in page)
    iterator.close()
    assert sorted(seen) == list(range(len(rows))) and distances == sorted(distances)
    limited = remote.search_iterator("docs", data=[rows[10]["vector"]], anns_field="vector", batch_size=7,
                                     limit=20, filter="year == 2001")
    ids = []
    while page := limited.next():
        ids += [hit["id"] for hit in page]
    assert len(ids) == 20 and all(i % 5 == 1 for i in ids)


async def test_async_client_search(uri):
    from pymilvus import AnnSearchRequest, RRFRanker

    client = AsyncMilvusClient(uri)
    try:
        await client.create_collection("asearch", dimension=8, metric_type="L2")
        rows = _rows(40)
        await client.insert("asearch", rows)
        res = await client.search("asearch", data=[rows[3]["vector"]], limit=3, output_fields=["title"])
        assert res[0][0]["id"] == 3 and res[0][0]["entity"]["title"] == "t3"
        requests = [AnnSearchRequest([rows[4]["vector"]], "vector", {}, 5)]
        fused = await client.hybrid_search("asearch", requests, RRFRanker(), limit=2)
        assert fused[0][0]["id"] == 4
    finally:
        await client.close()


def test_orm_search(uri):
    from pymilvus import AnnSearchRequest, Collection, CollectionSchema, FieldSchema, RRFRanker, connections

    connections.connect(alias="orm_search", uri=uri)
    try:
        fields = [FieldSchema("id", DataType.INT64, is_primary=True), FieldSchema("n", DataType.INT64),
                  FieldSchema("vec", DataType.FLOAT_VECTOR, dim=4)]
        collection = Collection("orm_search", CollectionSchema(fields), using="orm_search")
        vecs = np.random.default_rng(3).random((50, 4), dtype=np.float32)
        collection.insert([list(range(50)), [i % 4 for i in range(50)], vecs])
        collection.create_index("vec", {"index_type": "HNSW", "metric_type": "L2", "params": {"M": 8,
                                                                                              "efConstruction": 64}})
        collection.load()
        res = collection.search([vecs[7]], "vec", {"metric_type": "L2", "params": {"ef": 64}}, limit=3,
                                expr="n == 3", output_fields=["n"])
        assert res[0][0].id == 7 and all(hit.entity.get("n") == 3 for hit in res[0])
        fused = collection.hybrid_search([AnnSearchRequest([vecs[9]], "vec", {"metric_type": "L2"}, 5)],
                                         RRFRanker(), limit=2)
        assert fused[0][0].id == 9
        collection.drop()
    finally:
        connections.disconnect("orm_search")
