"""The remaining tools, result bounds (vectors, long strings, size cap), resources and prompts."""

from __future__ import annotations

import json
from typing import Any

from azimuth.mcp.config import Limits
from azimuth.mcp.resources import FILTER_CHEAT_SHEET
from tests.mcp.conftest import err, ok, seed


async def test_rows_by_id_count_stats_upsert(make_client: Any) -> None:
    async with make_client() as c:
        await seed(c, rows=5)
        got = await ok(c, "milvus_get_entities", {"collection_name": "docs", "ids": [1, 3, 42]})
        assert sorted(r["id"] for r in got["rows"]) == [1, 3] and got["missing_ids"] == [42]
        assert all("vector" not in r for r in got["rows"])
        got = await ok(c, "milvus_get_entities", {"collection_name": "docs", "ids": [2], "include_vectors": True})
        assert got["rows"][0]["vector"] == [2.0, 1.0, 2.0, 0.5]
        assert (await ok(c, "milvus_count", {"collection_name": "docs", "filter_expr": "tag == 'even'"}))["count"] == 3
        assert (await ok(c, "milvus_get_collection_stats", {"collection_name": "docs"}))["row_count"] == 5
        up = await ok(c, "milvus_upsert_data", {"collection_name": "docs", "data": [
            {"id": 1, "vector": [0, 0, 0, 1], "title": "changed"}, {"id": 9, "vector": [0, 0, 1, 0]}]})
        assert up["upsert_count"] == 2
        rows = (await ok(c, "milvus_query", {"collection_name": "docs", "filter_expr": "id in [1, 9]"}))["rows"]
        assert {r["id"]: r.get("title") for r in rows} == {1: "changed", 9: None}


async def test_indexes_partitions_load_rename_alias(make_client: Any) -> None:
    async with make_client() as c:
        await seed(c, rows=3)
        indexes = (await ok(c, "milvus_list_indexes", {"collection_name": "docs"}))["indexes"]
        assert indexes[0]["field"] == "vector" and indexes[0]["metric_type"] == "COSINE"
        assert (await ok(c, "milvus_describe_index", {"collection_name": "docs", "index_name": "vector"})
                )["index"]["index_type"] == "AUTOINDEX"
        made = await ok(c, "milvus_create_index", {"collection_name": "docs", "field_name": "id",
                                                   "index_type": "STL_SORT"})
        assert made["index"]["field"] == "id"
        await ok(c, "milvus_drop_index", {"collection_name": "docs", "index_name": made["index"]["index_name"]})
        await ok(c, "milvus_create_partition", {"collection_name": "docs", "partition_name": "p1"})
        assert (await ok(c, "milvus_list_partitions", {"collection_name": "docs"}))["partitions"] == ["_default", "p1"]
        await ok(c, "milvus_insert_data", {"collection_name": "docs", "partition_name": "p1",
                                           "data": [{"id": 50, "vector": [1, 1, 1, 1]}]})
        only = await ok(c, "milvus_query", {"collection_name": "docs", "filter_expr": "id >= 0",
                                            "partition_names": ["p1"]})
        assert [r["id"] for r in only["rows"]] == [50]
        await ok(c, "milvus_drop_partition", {"collection_name": "docs", "partition_name": "p1"})
        assert (await ok(c, "milvus_release_collection", {"collection_name": "docs"}))["load_state"] == "NotLoad"
        assert (await ok(c, "milvus_load_collection", {"collection_name": "docs"}))["load_state"] == "Loaded"
        await ok(c, "milvus_rename_collection", {"collection_name": "docs", "new_name": "papers"})
        await ok(c, "milvus_create_alias", {"collection_name": "papers", "alias": "latest"})
        assert (await ok(c, "milvus_count", {"collection_name": "latest"}))["count"] == 3
        await ok(c, "milvus_drop_alias", {"alias": "latest"})
        assert (await err(c, "milvus_count", {"collection_name": "latest"}))["code"] == "COLLECTION_NOT_FOUND"


async def test_custom_schema_and_text_field_discovery(make_client: Any) -> None:
    async with make_client() as c:
        made = await ok(c, "milvus_create_collection", {
            "collection_name": "articles", "auto_id": True, "text_field": "body", "metric_type": "L2",
            "field_schema": [{"field_name": "pk", "datatype": "Int64", "is_primary": True},
                             {"name": "title", "type": "varchar", "max_length": 200},
                             {"name": "tags", "type": "ARRAY", "element_type": "VARCHAR", "max_capacity": 8,
                              "max_length": 20},
                             {"name": "emb", "type": "FLOAT_VECTOR", "dim": 3}]})
        caps = made["schema"]["search_capabilities"]
        assert caps["vector_fields"] == [{"name": "emb", "type": "FLOAT_VECTOR", "dim": 3, "metric": "L2",
                                          "indexed": True}]
        assert caps["bm25_fields"] == [{"text_field": "body", "sparse_field": "body_sparse"}]
        assert caps["modes"] == ["vector", "text", "hybrid"]
        fields = {f["name"]: f for f in made["schema"]["fields"]}
        assert fields["pk"]["is_primary"] and fields["pk"]["auto_id"] and fields["body"]["enable_analyzer"]
        assert fields["tags"]["element_type"] == "VARCHAR"
        functions = made["schema"]["functions"]
        assert functions == [{"name": "body_bm25", "type": "BM25", "input": ["body"], "output": ["body_sparse"]}]
        await ok(c, "milvus_insert_data", {"collection_name": "articles", "data": [
            {"title": "a", "tags": ["x"], "emb": [1, 0, 0], "body": "cats purr"}]})
        hits = await ok(c, "milvus_search", {"collection_name": "articles", "vector": [1, 0, 0]})
        assert hits["mode_used"] == "vector" and hits["anns_field"] == "emb" and hits["metric"] == "L2"
        assert "body_sparse" not in hits["hits"][0]["entity"]
        text = await c.call_tool("milvus_text_search", {"collection_name": "articles", "query_text": "cats"})
        if text.is_error:  # full-text search depends on the server; the failure must still be actionable
            assert text.structured_content["error"]["code"] in {"NO_TEXT_SEARCH", "UNSUPPORTED"}
        else:
            assert text.structured_content["anns_field"] == "body_sparse"


async def test_long_strings_cut_and_result_size_bounded(make_client: Any) -> None:
    async with make_client(limits=Limits(max_field_chars=50, max_result_chars=600)) as c:
        await ok(c, "milvus_create_collection", {"collection_name": "big", "dimension": 2, "auto_id": False})
        await ok(c, "milvus_insert_data", {"collection_name": "big", "data": [
            {"id": i, "vector": [1, float(i)], "body": "x" * 500} for i in range(20)]})
        page = await ok(c, "milvus_query", {"collection_name": "big", "filter_expr": "id >= 0", "limit": 20})
        assert page["truncated"] and 0 < page["returned"] < 20 and page["next_offset"] == page["returned"]
        assert page["rows"][0]["body"].endswith("[truncated 450 chars]")
        assert len(json.dumps(page["rows"], separators=(",", ":"))) <= 600
        hits = await ok(c, "milvus_vector_search", {"collection_name": "big", "vector": [1, 3], "limit": 20})
        assert hits["truncated"] and hits["next_offset"] == hits["returned"]
        assert all(isinstance(h["distance"], float) and len(repr(h["distance"])) <= 12 for h in hits["hits"])


async def test_server_info_resources_and_prompts(make_client: Any) -> None:
    async with make_client() as c:
        await seed(c, rows=2)
        info = await ok(c, "milvus_server_info")
        assert info["engine"] == "embedded" and info["limits"]["max_limit"] == 100 and info["server_version"]
        uris = {str(r.uri) for r in (await c.list_resources()).resources}
        assert {"milvus://databases", "milvus://docs/filter-expressions", "milvus://server/info"} <= uris
        templates = {t.uri_template for t in (await c.list_resource_templates()).resource_templates}
        assert {"milvus://{db}/collections", "milvus://{db}/collections/{name}/schema"} <= templates
        read = await c.read_resource("milvus://default/collections/docs/schema")
        schema = json.loads(read.contents[0].text)
        assert schema["name"] == "docs" and schema["search_capabilities"]["vector_fields"][0]["name"] == "vector"
        assert json.loads((await c.read_resource("milvus://default/collections")).contents[0].text)[
            "collections"] == ["docs"]
        assert json.loads((await c.read_resource("milvus://databases")).contents[0].text)["databases"] == ["default"]
        assert json.loads((await c.read_resource("milvus://server/info")).contents[0].text)["engine"] == "embedded"
        assert (await c.read_resource("milvus://docs/filter-expressions")).contents[0].text == FILTER_CHEAT_SHEET
        prompts = {p.name for p in (await c.list_prompts()).prompts}
        assert prompts == {"explore_collection", "semantic_search", "create_rag_collection", "debug_filter"}
        prompt = await c.get_prompt("explore_collection", {"collection_name": "docs"})
        assert "milvus_get_collection_info" in prompt.messages[0].content.text
