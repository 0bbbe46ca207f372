"""Toolsets, read-only mode, guarded delete and drop, and the session scope of milvus_use_database."""

from __future__ import annotations

from typing import Any

from mcp import Client

from azimuth.mcp import MCPConfig, build_server
from azimuth.mcp.config import parse_toolsets
from azimuth.mcp.tools_write import milvus_insert_data
from tests.mcp.conftest import err, ok, seed

WRITE_TOOLS = {"milvus_create_collection", "milvus_insert_data", "milvus_upsert_data", "milvus_delete_entities",
               "milvus_create_index"}
ADMIN_TOOLS = {"milvus_drop_collection", "milvus_drop_index", "milvus_create_partition", "milvus_drop_partition",
               "milvus_create_database", "milvus_drop_database", "milvus_rename_collection", "milvus_create_alias",
               "milvus_drop_alias"}


async def _names(c: Client) -> set[str]:
    return {t.name for t in (await c.list_tools()).tools}


async def test_toolsets_default_read_only_and_all(db_path: str) -> None:
    async with Client(build_server(MCPConfig(uri=db_path))) as c:  # default: read,write
        names = await _names(c)
        assert WRITE_TOOLS <= names and not names & ADMIN_TOOLS
    async with Client(build_server(MCPConfig(uri=db_path, read_only=True, toolsets=parse_toolsets("all")))) as c:
        names = await _names(c)
        assert not names & (WRITE_TOOLS | ADMIN_TOOLS) and "milvus_query" in names
        info = await ok(c, "milvus_server_info")
        assert info["read_only"] is True and info["toolsets"] == ["read"] and info["engine"] == "embedded"
        result = await c.call_tool("milvus_insert_data", {"collection_name": "x", "data": [{}]})
        assert result.is_error
    async with Client(build_server(MCPConfig(uri=db_path, toolsets=parse_toolsets("read,admin")))) as c:
        names = await _names(c)
        assert ADMIN_TOOLS <= names and not names & WRITE_TOOLS


async def test_write_tools_refuse_on_read_only_server_even_if_registered(db_path: str) -> None:
    server = build_server(MCPConfig(uri=db_path, read_only=True))
    server.add_tool(milvus_insert_data)  # a mistake in registration must still not allow writes
    async with Client(server) as c:
        e = await err(c, "milvus_insert_data", {"collection_name": "x", "data": [{"id": 1}]})
        assert e["code"] == "READ_ONLY"


async def test_delete_refuses_empty_filter_and_dry_run_counts(make_client: Any) -> None:
    async with make_client() as c:
        await seed(c, rows=10)
        for args in ({}, {"filter_expr": ""}, {"filter_expr": "   "}, {"ids": []}):
            e = await err(c, "milvus_delete_entities", {"collection_name": "docs", **args})
            assert e["code"] == "EMPTY_FILTER" and "id >= 0" in e["hint"]
        assert (await ok(c, "milvus_delete_entities", {"collection_name": "docs", "ids": [1, 2, 99],
                                                       "dry_run": True}))["would_delete"] == 2
        assert (await ok(c, "milvus_count", {"collection_name": "docs"}))["count"] == 10
        assert (await ok(c, "milvus_delete_entities", {"collection_name": "docs", "ids": [1, 2]}))["delete_count"] == 2
        assert (await ok(c, "milvus_delete_entities", {"collection_name": "docs", "filter_expr": "id >= 0"})
                )["delete_count"] == 8
        assert (await ok(c, "milvus_count", {"collection_name": "docs"}))["count"] == 0


async def test_drop_requires_the_name_as_confirmation(make_client: Any) -> None:
    async with make_client() as c:
        await seed(c, rows=1)
        e = await err(c, "milvus_drop_collection", {"collection_name": "docs", "confirm": "yes"})
        assert e["code"] == "CONFIRMATION_REQUIRED" and "confirm='docs'" in e["hint"]
        assert (await ok(c, "milvus_list_collections"))["collections"] == ["docs"]
        e = await err(c, "milvus_drop_collection", {"collection_name": "nope", "confirm": "nope"})
        assert e["code"] == "COLLECTION_NOT_FOUND" and e["valid"] == ["docs"]
        await ok(c, "milvus_drop_collection", {"collection_name": "docs", "confirm": "docs"})
        assert (await ok(c, "milvus_list_collections"))["collections"] == []
        await ok(c, "milvus_create_database", {"db_name": "scratch"})
        e = await err(c, "milvus_drop_database", {"db_name": "scratch", "confirm": "default"})
        assert e["code"] == "CONFIRMATION_REQUIRED"
        await ok(c, "milvus_drop_database", {"db_name": "scratch", "confirm": "scratch"})


async def test_use_database_is_per_session(make_client: Any, db_path: str) -> None:
    server = build_server(MCPConfig(uri=db_path, toolsets=parse_toolsets("all")))
    async with Client(server, mode="legacy") as a:
        await ok(a, "milvus_create_database", {"db_name": "other"})
        assert (await ok(a, "milvus_use_database", {"db_name": "other"})) == {"current": "other", "scope": "session"}
        await ok(a, "milvus_create_collection", {"collection_name": "only_in_other", "dimension": 2})
        assert (await ok(a, "milvus_list_collections"))["collections"] == ["only_in_other"]
        assert (await ok(a, "milvus_list_databases"))["current"] == "other"
        assert (await ok(a, "milvus_list_collections", {"db_name": "default"}))["collections"] == []
        async with Client(server, mode="legacy") as b:  # another session on the same server process
            assert (await ok(b, "milvus_list_collections"))["db_name"] == "default"
            assert (await ok(b, "milvus_list_collections"))["collections"] == []
        listed = await ok(a, "milvus_list_collections", {"with_stats": True})
        assert listed["collections"] == [{"name": "only_in_other", "row_count": 0, "load_state": "Loaded"}]


async def test_use_database_on_stateless_connections_says_pass_db_name(make_client: Any) -> None:
    async with make_client(mode="auto") as c:  # the 2026-07-28 protocol keeps no session
        e = await err(c, "milvus_use_database", {"db_name": "default"})
        assert e["code"] == "NO_SESSION" and "db_name='default'" in e["hint"]
    async with make_client(stateless=True) as c:
        assert (await err(c, "milvus_use_database", {"db_name": "default"}))["code"] == "NO_SESSION"


async def test_default_collection_makes_collection_name_optional(make_client: Any) -> None:
    async with make_client(default_collection="docs") as c:
        await seed(c, rows=4)
        tools = {t.name: t for t in (await c.list_tools()).tools}
        assert "collection_name" not in tools["milvus_query"].input_schema.get("required", [])
        assert (await ok(c, "milvus_count", {}))["count"] == 4
    async with make_client() as c:
        tools = {t.name: t for t in (await c.list_tools()).tools}
        assert "collection_name" in tools["milvus_query"].input_schema["required"]
