"""Every error path returns ``is_error`` with a code, a message, a hint and the valid options where they help."""

from __future__ import annotations

from typing import Any

from mcp import Client
from mcp.server.mcpserver import MCPServer

from azimuth.mcp.errors import CODES, FILTER_DOC, ToolFailure
from tests.mcp.conftest import err, ok, seed


async def test_collection_and_field_errors_list_valid_options(make_client: Any) -> None:
    async with make_client() as c:
        await seed(c, rows=3)
        e = await err(c, "milvus_query", {"collection_name": "dcos", "filter_expr": "id > 0"})
        assert e["code"] == "COLLECTION_NOT_FOUND" and e["valid"] == ["docs"]
        e = await err(c, "milvus_get_collection_info", {"collection_name": "nope"})
        assert e["code"] == "COLLECTION_NOT_FOUND" and "docs" in e["valid"]
        e = await err(c, "milvus_vector_search", {"collection_name": "docs", "vector": [1, 2, 3, 4],
                                                  "vector_field": "embedding"})
        assert e["code"] == "FIELD_NOT_FOUND" and e["valid"] == ["vector"]


async def test_dimension_mismatch_names_expected_dim_and_row(make_client: Any) -> None:
    async with make_client() as c:
        await seed(c, rows=3)
        e = await err(c, "milvus_vector_search", {"collection_name": "docs", "vector": [1.0, 2.0]})
        assert e["code"] == "DIMENSION_MISMATCH" and e["valid"] == [4] and "dimension 4" in e["hint"]
        rows = [{"id": 10, "vector": [1.0, 2.0, 3.0, 4.0]}, {"id": 11, "vector": [1.0, 2.0, 3.0]}]
        e = await err(c, "milvus_insert_data", {"collection_name": "docs", "data": rows})
        assert e["code"] == "DIMENSION_MISMATCH" and "row 1" in e["message"] and e["valid"] == [4]


async def test_filter_metric_and_schema_errors(make_client: Any) -> None:
    async with make_client() as c:
        await seed(c, rows=3)
        e = await err(c, "milvus_query", {"collection_name": "docs", "filter_expr": "id >>> 3"})
        assert e["code"] == "INVALID_FILTER" and FILTER_DOC in e["hint"]
        e = await err(c, "milvus_vector_search", {"collection_name": "docs", "vector": [1, 2, 3, 4],
                                                  "metric_type": "L2"})
        assert e["code"] == "METRIC_MISMATCH"
        e = await err(c, "milvus_insert_data", {"collection_name": "docs", "data": [{"vector": [1, 2, 3, 4]}]})
        assert e["code"] == "SCHEMA_VIOLATION" and "id" in e["valid"]
        e = await err(c, "milvus_create_collection", {"collection_name": "docs", "dimension": 4})
        assert e["code"] == "ALREADY_EXISTS"
        await ok(c, "milvus_create_collection", {"collection_name": "auto", "dimension": 4})
        e = await err(c, "milvus_insert_data", {"collection_name": "auto", "data": [{"id": 1, "vector": [1, 2, 3, 4]}]})
        assert e["code"] == "SCHEMA_VIOLATION" and "auto_id" in e["hint"]
        e = await err(c, "milvus_create_collection", {"collection_name": "bad", "field_schema": [
            {"name": "id", "type": "int64", "is_primary": True}, {"name": "v", "type": "floatvec"}]})
        assert e["code"] == "INVALID_ARGUMENT" and "FLOAT_VECTOR" in e["valid"]
        e = await err(c, "milvus_create_collection", {"collection_name": "bad", "field_schema": [
            {"name": "k", "type": "int64"}, {"name": "v", "type": "FLOAT_VECTOR", "dim": 2}]})
        assert e["code"] == "SCHEMA_VIOLATION" and e["valid"] == ["k", "v"]


async def test_no_text_search_says_what_to_use_instead(make_client: Any) -> None:
    async with make_client() as c:
        await seed(c, rows=3)
        for tool in ("milvus_text_search", "milvus_text_similarity_search", "milvus_search"):
            e = await err(c, tool, {"collection_name": "docs", "query_text": "hello"})
            assert e["code"] == "NO_TEXT_SEARCH" and "milvus_vector_search" in e["hint"], tool
        e = await err(c, "milvus_hybrid_search", {"collection_name": "docs", "query_text": "hello",
                                                  "vector": [1, 2, 3, 4]})
        assert e["code"] == "NO_TEXT_SEARCH"


async def test_limits_are_enforced(make_client: Any) -> None:
    from azimuth.mcp.config import Limits

    async with make_client(limits=Limits(max_insert_rows=2, max_limit=5)) as c:
        await seed(c, rows=0)
        e = await err(c, "milvus_query", {"collection_name": "docs", "filter_expr": "id > 0", "limit": 6})
        assert e["code"] == "LIMIT_EXCEEDED" and e["valid"] == [5]
        e = await err(c, "milvus_vector_search", {"collection_name": "docs", "vector": [1, 2, 3, 4], "limit": 50})
        assert e["code"] == "LIMIT_EXCEEDED"
        rows = [{"id": i, "vector": [0.0, 0.0, 0.0, 1.0]} for i in range(3)]
        e = await err(c, "milvus_insert_data", {"collection_name": "docs", "data": rows})
        assert e["code"] == "LIMIT_EXCEEDED" and e["valid"] == [2]


async def test_missing_arguments_and_not_found_objects(make_client: Any) -> None:
    async with make_client() as c:
        await seed(c, rows=3)
        e = await err(c, "milvus_query", {"collection_name": "docs", "filter_expr": ""})
        assert e["code"] == "MISSING_ARGUMENT"
        e = await err(c, "milvus_search", {"collection_name": "docs"})
        assert e["code"] == "MISSING_ARGUMENT"
        e = await err(c, "milvus_use_database", {"db_name": "nodb"})
        assert e["code"] == "DATABASE_NOT_FOUND" and e["valid"] == ["default"]
        e = await err(c, "milvus_describe_index", {"collection_name": "docs", "index_name": "nope"})
        assert e["code"] == "INDEX_NOT_FOUND" and e["valid"] == ["vector"]
        e = await err(c, "milvus_drop_index", {"collection_name": "docs", "index_name": "nope"})
        assert e["code"] == "INDEX_NOT_FOUND"
        e = await err(c, "milvus_drop_partition", {"collection_name": "docs", "partition_name": "p9"})
        assert e["code"] == "PARTITION_NOT_FOUND" and e["valid"] == ["_default"]
        e = await err(c, "milvus_list_partitions", {"collection_name": "nope"})
        assert e["code"] == "COLLECTION_NOT_FOUND"
        e = await err(c, "milvus_delete_entities", {"collection_name": "docs", "filter_expr": "id > 1", "ids": [1]})
        assert e["code"] == "INVALID_ARGUMENT"


async def test_schema_validation_errors_are_tool_errors(make_client: Any) -> None:
    async with make_client() as c:
        result = await c.call_tool("milvus_query", {"collection_name": "docs", "filter_expr": "id > 0",
                                                    "limit": "many"})
        assert result.is_error and "limit" in result.content[0].text
        result = await c.call_tool("milvus_no_such_tool", {})
        assert result.is_error


def test_every_code_has_a_hint() -> None:
    for code, hint in CODES.items():
        failure = ToolFailure(code, "something failed.")
        assert hint and failure.text().startswith(f"{code}: something failed. Hint: ")
        assert set(failure.payload()) == {"code", "message", "hint", "retryable", "valid"}


async def test_sdk_masks_plain_exceptions_so_tools_never_raise_them() -> None:
    """Pins the SDK behaviour (mcp 2.3) that makes run_tool necessary: a plain exception's message is hidden."""
    server = MCPServer("pin")

    @server.tool()
    def boom() -> str:
        raise ValueError("secret detail")

    async with Client(server) as c:
        result = await c.call_tool("boom", {})
        assert result.is_error and "secret detail" not in result.content[0].text


async def test_unexpected_failures_become_internal_errors(make_client: Any, monkeypatch: Any) -> None:
    from azimuth.mcp import tools_read

    async def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(tools_read, "server_info", broken)
    async with make_client() as c:
        e = await err(c, "milvus_server_info")
        assert e["code"] == "INTERNAL" and "disk on fire" in e["message"] and e["retryable"] is True
        assert (await ok(c, "milvus_list_databases"))["databases"] == ["default"]
