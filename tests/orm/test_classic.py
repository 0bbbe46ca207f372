"""Classic v1 ORM scripts over Azimuth's ORM, on the embedded (``.db``) and gRPC transports."""

from __future__ import annotations

import numpy as np
import pytest

import azimuth
from azimuth import (
    AmbiguousIndexName,
    Collection,
    CollectionSchema,
    DataNotMatchException,
    DataType,
    DataTypeNotMatchException,
    FieldSchema,
    Index,
    IndexNotExistException,
    MutationFuture,
    MutationResult,
    Partition,
    PartitionAlreadyExistException,
    SchemaNotReadyException,
    SearchFuture,
    SearchResult,
    db,
    utility,
)
from tests.orm import scripts


def _schema(auto_id: bool = False, dim: int = 4) -> CollectionSchema:
    return CollectionSchema([
        FieldSchema("id", DataType.INT64, is_primary=True, auto_id=auto_id),
        FieldSchema("title", DataType.VARCHAR, max_length=64),
        FieldSchema("vec", DataType.FLOAT_VECTOR, dim=dim),
    ], description="docs")


def test_hello_milvus(orm):
    out = scripts.hello_milvus(azimuth)
    assert out["has_before"] is False and out["has_after"] is False
    assert out["insert"] == (300, [0, 1, 2, 3, 4], 0, 0)
    assert out["num_entities"] == 300 and out["is_empty"] is False
    assert out["has_index"] and out["index_field"] == "embeddings"
    assert out["load_state"] == "Loaded" and out["loading"] == {"loading_progress": "100%"}
    assert [q[0][0] for q in out["search"]] == [298, 299] and out["search"][0][0][1] == 0.0
    assert all(len(q) == 3 for q in out["search"])
    assert all(hit[2][0] > 0.5 and hit[2][1] == hit[0] for q in out["search_expr"] for hit in q)
    assert [r["pk"] for r in out["query"]] == list(range(6)) and len(out["query"][0]["embeddings"]) == 8
    assert len(out["query_limit"]) == 5
    assert out["count"] == 300 and out["delete"] == 2
    assert [r["pk"] for r in out["after_delete"]] == [2]
    assert out["upsert"] == (2, [2, 1000])
    assert out["after_upsert"] == [{"pk": 2, "random": -1.0}, {"pk": 1000, "random": -2.0}]
    assert out["partitions"] == ["_default", "novel"] and out["has_partition"] == (True, False)
    assert [r["pk"] for r in out["partition_query"]] == [5000, 5001]
    assert set(out["partition_search"][0]) == {5000, 5001}
    assert out["released"] == "NotLoad" and out["has_index_after_drop"] is False


def test_strings_json_and_iterators(orm):
    out = scripts.strings_and_json(azimuth)
    assert out["insert"] == (60, ["b000", "b001", "b002"])
    assert all(r["meta"]["lang"] == "fr" and r["year"] < 1996 for r in out["json_query"])
    assert [r["isbn"] for r in out["dynamic_query"]] == ["b023", "b027", "b051", "b055", "b059"]
    assert out["search"][0] and all(hit[2][1] for hit in out["search"][0])
    assert out["query_iterator_total"] == 40 and out["query_iterator_max_page"] == 7
    assert out["search_iterator"] == (25, 25, "b000")


def test_hybrid_search(orm):
    out = scripts.hybrid(azimuth)
    assert len(out["rrf"][0]) == 5 and len(out["weighted"][0]) == 5
    assert out["indexes"] == ["dense", "other"]


def test_insert_shapes(orm):
    coll = Collection("shapes", _schema(auto_id=True))
    vec = np.random.default_rng(0).random((3, 4), dtype=np.float32)
    by_columns = coll.insert([["a", "b", "c"], vec])
    assert by_columns.insert_count == 3 and len(by_columns.primary_keys) == 3
    by_dict = coll.insert({"title": ["d", "e"], "vec": vec[:2]})
    assert by_dict.insert_count == 2
    one_row = coll.insert({"title": "f", "vec": vec[0].tolist()})
    assert one_row.insert_count == 1
    rows = coll.insert([{"title": "g", "vec": vec[1]}])
    assert rows.insert_count == 1 and rows.succ_count == 1 and rows.err_count == 0 and rows.timestamp > 0
    with pytest.raises(DataNotMatchException, match="expect 2 list, got 3"):
        coll.insert([[1, 2], ["x", "y"], vec[:2]])
    with pytest.raises(DataNotMatchException):
        coll.insert([])
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"title": ["h", "i"], "vec": [vec[0].tolist(), vec[1].tolist()]})
    assert coll.insert(frame).insert_count == 2
    coll.flush()
    assert coll.num_entities == 9
    assert "insert count: 2" in str(coll.insert(frame))


def test_construct_from_dataframe(orm):
    pd = pytest.importorskip("pandas")
    vec = np.random.default_rng(1).random((3, 4), dtype=np.float32)
    frame = pd.DataFrame({"id": [1, 2, 3], "score": [0.5, 1.5, 2.5], "name": ["a", "b", "c"],
                          "vec": [v.tolist() for v in vec]})
    coll, res = Collection.construct_from_dataframe("frame", frame, primary_field="id")
    assert res.insert_count == 3 and res.primary_keys == [1, 2, 3]
    types = {f.name: f.dtype for f in coll.schema.fields}
    assert types == {"id": DataType.INT64, "score": DataType.DOUBLE, "name": DataType.VARCHAR,
                     "vec": DataType.FLOAT_VECTOR}
    assert coll.primary_field.name == "id"


def test_async_futures(orm):
    coll = Collection("futures", _schema())
    vec = np.random.default_rng(2).random((4, 4), dtype=np.float32)
    seen = []
    future = coll.insert([[1, 2, 3, 4], ["a", "b", "c", "d"], vec], _async=True, _callback=seen.append)
    assert isinstance(future, MutationFuture)
    result = future.result()
    assert isinstance(result, MutationResult) and result.insert_count == 4 and future.done()
    coll.create_index("vec", {"index_type": "FLAT", "metric_type": "L2", "params": {}})
    coll.load()
    search = coll.search(vec[:1].tolist(), "vec", {"metric_type": "L2"}, limit=2, _async=True)
    assert isinstance(search, SearchFuture)
    hits = search.result()
    assert hits[0][0].id == 1 and hits[0][0].distance == 0.0
    empty = coll.search([], "vec", {"metric_type": "L2"}, limit=2)
    assert isinstance(empty, SearchResult) and len(empty) == 0
    assert coll.delete("id in [1]", _async=True).result().delete_count == 1


def test_constructor_rules(orm):
    with pytest.raises(SchemaNotReadyException, match="not exist, or you can pass in schema"):
        Collection("missing")
    coll = Collection("rules", _schema(), consistency_level="Session", shards_num=2)
    assert coll.describe()["consistency_level"] == 1
    assert Collection("rules").schema == coll.schema
    assert Collection("rules", _schema()).description == "docs"
    with pytest.raises(SchemaNotReadyException, match="schema is not the same"):
        Collection("rules", _schema(dim=8))
    with pytest.raises(SchemaNotReadyException, match="consistency_level is inconsistent"):
        Collection("rules", consistency_level="Strong")
    with pytest.raises(SchemaNotReadyException, match="No vector field"):
        Collection("novec", CollectionSchema([FieldSchema("id", DataType.INT64, is_primary=True)]))
    with pytest.raises(DataTypeNotMatchException):
        coll.query(1)
    with pytest.raises(DataTypeNotMatchException):
        coll.search([[0.1] * 4], "vec", {}, limit=1, expr=5)


def test_indexes_partitions_aliases(orm):
    coll = Collection("things", _schema())
    coll.insert([[1, 2], ["a", "b"], np.ones((2, 4), dtype=np.float32)])
    with pytest.raises(IndexNotExistException):
        coll.index()
    assert coll.has_index() is False
    coll.drop_index()  # absent: silently nothing
    index = Index(coll, "vec", {"index_type": "IVF_FLAT", "metric_type": "IP", "params": {"nlist": 4}})
    assert index.index_name == "vec" and index.collection_name == "things"
    assert index.to_dict() == {"collection": "things", "field": "vec", "index_name": "vec",
                               "index_param": {"index_type": "IVF_FLAT", "metric_type": "IP",
                                               "params": {"nlist": 4}}}
    coll.create_index("title", {"index_type": "INVERTED"}, index_name="title_idx")
    with pytest.raises(AmbiguousIndexName):
        coll.index()
    assert coll.index(index_name="title_idx").field_name == "title"
    assert utility.list_indexes("things") == ["vec", "title_idx"]
    assert utility.list_indexes("things", field_name="title") == ["title_idx"]
    progress = utility.index_building_progress("things", index_name="vec")
    assert set(progress) == {"total_rows", "indexed_rows", "pending_index_rows", "state"}
    assert utility.wait_for_index_building_complete("things", index_name="vec") is True
    coll.drop_index(index_name="title_idx")
    assert [i.index_name for i in coll.indexes] == ["vec"]
    index.drop()
    assert coll.indexes == []
    # partitions
    part = Partition("things", "p1", description="first")
    assert part.name == "p1" and part.description == "first" and part.is_empty
    with pytest.raises(PartitionAlreadyExistException):
        coll.create_partition("p1")
    assert coll.partition("p1").name == "p1" and coll.partition("nope") is None
    part.insert([[10], ["z"], np.ones((1, 4), dtype=np.float32)])
    assert part.num_entities == 1
    coll.create_index("vec", {"index_type": "FLAT", "metric_type": "L2", "params": {}})
    part.load()
    assert utility.load_state("things", partition_names=["p1"]) == azimuth.LoadState.Loaded
    assert [r["id"] for r in part.query("id > 0")] == [10]
    part.release()
    part.drop()
    assert not utility.has_partition("things", "p1")
    # aliases and properties
    utility.create_alias("things", "stuff")
    assert utility.list_aliases("things") == ["stuff"] and coll.aliases == ["stuff"]
    assert Collection("stuff").num_entities == 2
    utility.drop_alias("stuff")
    coll.set_properties({"collection.ttl.seconds": 60})
    assert coll.describe()["properties"]["collection.ttl.seconds"] == "60"
    coll.compact()
    assert coll.wait_for_compaction_completed(timeout=10).state_name == "Completed"
    utility.rename_collection("things", "things2")
    assert utility.list_collections() == ["things2"]
    utility.drop_collection("things2")
    assert utility.list_collections() == []


def test_utility_and_db(orm):
    assert utility.get_server_version().startswith("v")
    assert utility.get_server_type() == "milvus"
    coll = Collection("u", _schema())
    coll.insert([[1], ["a"], np.ones((1, 4), dtype=np.float32)])
    utility.flush_all()
    with pytest.raises(azimuth.MilvusException) as err:
        utility.loading_progress("u")
    assert err.value.code == 101
    coll.create_index("vec", {"index_type": "FLAT", "metric_type": "L2", "params": {}})
    coll.load()
    utility.wait_for_loading_complete("u", timeout=5)
    utility.truncate_collection("u")
    assert coll.query("", output_fields=["count(*)"])[0]["count(*)"] == 0
    home = azimuth.connections.get_connection_addr("default")["db_name"]
    other = f"other_{home}"
    db.create_database(other)
    assert other in db.list_database()
    db.set_properties(other, {"database.max.collections": 5})
    assert db.describe_database(other)["database.max.collections"] == "5"
    db.using_database(other)
    assert utility.list_collections() == []
    Collection("in_other", _schema())
    assert utility.list_collections() == ["in_other"]
    db.using_database(home)
    assert utility.list_collections() == ["u"]
    db.using_database(other)
    utility.drop_collection("in_other")
    db.using_database(home)
    db.drop_database(other)
    assert other not in db.list_database()


def test_features_the_client_lacks_name_themselves(orm):
    with pytest.raises(azimuth.MilvusException, match="utility.transfer_node") as err:
        utility.transfer_node("a", "b", 1)
    assert err.value.code == 3000
    with pytest.raises(azimuth.MilvusException, match="load_balance"):
        utility.load_balance("c", 1)
