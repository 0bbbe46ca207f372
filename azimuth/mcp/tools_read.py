"""Read toolset: databases, collections, schema, load state, query, get, count, stats, indexes, server info.

Tool names, parameter names and defaults of the reference Milvus MCP server are kept (``milvus_list_databases``,
``milvus_use_database``, ``milvus_list_collections``, ``milvus_get_collection_info``, ``milvus_load_collection``,
``milvus_release_collection``, ``milvus_query``); every other parameter is an optional addition.
"""

from __future__ import annotations

from typing import Annotated, Any

from mcp.server.mcpserver import Context
from mcp.types import CallToolResult
from pydantic import Field

from azimuth.mcp import models
from azimuth.mcp.common import (
    LOAD,
    READ,
    Collection,
    DbName,
    FilterExpr,
    Ids,
    IncludeVectors,
    Offset,
    OutputFields,
    PartitionNames,
    call,
)
from azimuth.mcp.errors import ToolFailure
from azimuth.mcp.results import check_limit, check_offset, fit, shape_row
from azimuth.mcp.runtime import SESSION_DB_KEY, Runtime, vector_field_names


async def milvus_list_databases(ctx: Context) -> Annotated[CallToolResult, models.DatabasesOut]:
    """List the databases of the Milvus server, and the one this session uses."""

    async def body(rt: Runtime, db: str, _: str) -> dict[str, Any]:
        return {"databases": list(await rt.client.list_databases()), "current": db}

    return await call(ctx, "milvus_list_databases", body, needs_collection=False)


async def milvus_use_database(*, db_name: Annotated[str, Field(description="Database to use from now on")],
                              ctx: Context) -> Annotated[CallToolResult, models.UseDatabaseOut]:
    """Use another database for the rest of this MCP session (other sessions are not affected)."""

    async def body(rt: Runtime, db: str, _: str) -> dict[str, Any]:
        state = rt.session_state(ctx)
        if state is None:
            raise ToolFailure("NO_SESSION", "this connection is stateless, so a database cannot be remembered "
                              "between calls", hint=f"Pass db_name='{db_name}' to each tool instead.")
        await rt.client.describe_database(db_name)
        state[SESSION_DB_KEY] = db_name
        return {"current": db_name, "scope": "session"}

    return await call(ctx, "milvus_use_database", body, needs_collection=False, db_name=db_name)


async def milvus_list_collections(
        *, ctx: Context, db_name: DbName = None,
        with_stats: Annotated[bool, Field(description="Also return row counts and load states")] = False,
) -> Annotated[CallToolResult, models.CollectionsOut]:
    """List the collections of the database. Call this first to learn what exists."""

    async def body(rt: Runtime, db: str, _: str) -> dict[str, Any]:
        names = sorted(await rt.client.list_collections(db_name=db))
        if not with_stats:
            return {"db_name": db, "collections": names}
        briefs = []
        for name in names[:rt.config.limits.max_limit]:
            stats = await rt.client.get_collection_stats(name, db_name=db)
            state = (await rt.client.get_load_state(name, db_name=db)).get("state")
            briefs.append({"name": name, "row_count": int(stats.get("row_count", 0)),
                           "load_state": getattr(state, "name", str(state))})
        return {"db_name": db, "collections": briefs}

    return await call(ctx, "milvus_list_collections", body, needs_collection=False, db_name=db_name)


async def milvus_get_collection_info(*, collection_name: Collection, ctx: Context,
                                     db_name: DbName = None) -> Annotated[CallToolResult, models.CollectionInfoOut]:
    """Schema, indexes, row count, load state and search_capabilities (which search tools work) of a collection."""

    async def body(rt: Runtime, db: str, collection: str) -> dict[str, Any]:
        return await rt.summary(db, collection)

    return await call(ctx, "milvus_get_collection_info", body, collection_name=collection_name, db_name=db_name)


async def _load_state(rt: Runtime, db: str, collection: str) -> dict[str, Any]:
    state = (await rt.client.get_load_state(collection, db_name=db)).get("state")
    return {"collection_name": collection, "load_state": getattr(state, "name", str(state))}


async def milvus_load_collection(*, collection_name: Collection, ctx: Context,
                                 replica_number: Annotated[int, Field(ge=1)] = 1,
                                 db_name: DbName = None) -> Annotated[CallToolResult, models.LoadStateOut]:
    """Load a collection into memory so it can be searched and queried."""

    async def body(rt: Runtime, db: str, collection: str) -> dict[str, Any]:
        await rt.client.load_collection(collection, replica_number=replica_number, db_name=db)
        return await _load_state(rt, db, collection)

    return await call(ctx, "milvus_load_collection", body, collection_name=collection_name, db_name=db_name)


async def milvus_release_collection(*, collection_name: Collection, ctx: Context,
                                    db_name: DbName = None) -> Annotated[CallToolResult, models.LoadStateOut]:
    """Release a collection from memory (its data stays stored)."""

    async def body(rt: Runtime, db: str, collection: str) -> dict[str, Any]:
        await rt.client.release_collection(collection, db_name=db)
        return await _load_state(rt, db, collection)

    return await call(ctx, "milvus_release_collection", body, collection_name=collection_name, db_name=db_name)


async def page_rows(rt: Runtime, db: str, collection: str, *, filter_expr: str, ids: list | None,
                    output_fields: list[str] | None, limit: int, offset: int, include_vectors: bool,
                    partition_names: list[str] | None) -> dict[str, Any]:
    """One bounded page of query rows, with ``next_offset`` when more rows match."""
    limits = rt.config.limits
    check_limit(limit, limits.max_limit)
    check_offset(offset)
    described = await rt.describe(db, collection)
    vectors = vector_field_names(described)
    rows = await rt.client.query(collection, filter=filter_expr, output_fields=output_fields or ["*"], ids=ids,
                                 partition_names=partition_names, limit=limit + 1, offset=offset, db_name=db)
    more = len(rows) > limit
    shaped = [shape_row(row, vectors, include_vectors, limits.max_field_chars) for row in list(rows)[:limit]]
    kept, cut = fit(shaped, limits.max_result_chars)
    result: dict[str, Any] = {"rows": kept, "returned": len(kept), "truncated": cut}
    if more or cut:
        result["next_offset"] = offset + len(kept)
    return result


async def milvus_query(
        *, collection_name: Collection, filter_expr: FilterExpr, ctx: Context,
        output_fields: OutputFields = None,
        limit: Annotated[int, Field(description="Rows to return (capped by the server)")] = 10,
        offset: Offset = 0, ids: Ids = None, partition_names: PartitionNames = None,
        include_vectors: IncludeVectors = False, db_name: DbName = None,
) -> Annotated[CallToolResult, models.QueryOut]:
    """Fetch rows matching a filter expression (or primary keys), a page at a time."""

    async def body(rt: Runtime, db: str, collection: str) -> dict[str, Any]:
        if not (filter_expr or "").strip() and not ids:
            raise ToolFailure("MISSING_ARGUMENT", "filter_expr is empty and no ids were given",
                              hint="Pass a filter such as 'id >= 0' to read any rows, or ids.")
        return await page_rows(rt, db, collection, filter_expr=filter_expr or "", ids=ids,
                               output_fields=output_fields, limit=limit, offset=offset,
                               include_vectors=include_vectors, partition_names=partition_names)

    return await call(ctx, "milvus_query", body, collection_name=collection_name, db_name=db_name)


def _primary(described: dict[str, Any]) -> str:
    return next((f["name"] for f in described.get("fields", []) if f.get("is_primary")), "id")


async def milvus_get_entities(
        *, collection_name: Collection, ids: Annotated[list[int | str], Field(min_length=1)], ctx: Context,
        output_fields: OutputFields = None, include_vectors: IncludeVectors = False, db_name: DbName = None,
) -> Annotated[CallToolResult, models.EntitiesOut]:
    """Fetch rows by primary key; ids that do not exist are listed in missing_ids."""

    async def body(rt: Runtime, db: str, collection: str) -> dict[str, Any]:
        limits = rt.config.limits
        check_limit(len(ids), limits.max_limit)
        described = await rt.describe(db, collection)
        pk = _primary(described)
        rows = await rt.client.get(collection, ids=list(ids), output_fields=output_fields or ["*"], db_name=db)
        found = {row.get(pk) for row in rows}
        shaped = [shape_row(row, vector_field_names(described), include_vectors, limits.max_field_chars)
                  for row in rows]
        kept, cut = fit(shaped, limits.max_result_chars)
        return {"rows": kept, "missing_ids": [i for i in ids if i not in found], "truncated": cut}

    return await call(ctx, "milvus_get_entities", body, collection_name=collection_name, db_name=db_name)


async def milvus_count(*, collection_name: Collection, ctx: Context, filter_expr: FilterExpr = None,
                       db_name: DbName = None) -> Annotated[CallToolResult, models.CountOut]:
    """Count the rows of a collection, or the rows matching a filter."""

    async def body(rt: Runtime, db: str, collection: str) -> dict[str, Any]:
        rows = await rt.client.query(collection, filter=filter_expr or "", output_fields=["count(*)"], db_name=db)
        count = int(rows[0]["count(*)"]) if rows else 0
        return {"collection_name": collection, "count": count, "filter_expr": filter_expr or ""}

    return await call(ctx, "milvus_count", body, collection_name=collection_name, db_name=db_name)


async def milvus_get_collection_stats(*, collection_name: Collection, ctx: Context,
                                      db_name: DbName = None) -> Annotated[CallToolResult, models.StatsOut]:
    """Statistics of a collection (row count, including rows not yet compacted away)."""

    async def body(rt: Runtime, db: str, collection: str) -> dict[str, Any]:
        stats = await rt.client.get_collection_stats(collection, db_name=db)
        return {"collection_name": collection, **{k: v for k, v in stats.items()},
                "row_count": int(stats.get("row_count", 0))}

    return await call(ctx, "milvus_get_collection_stats", body, collection_name=collection_name, db_name=db_name)


async def milvus_list_indexes(
        *, collection_name: Collection, ctx: Context,
        field_name: Annotated[str | None, Field(description="Only indexes on this field")] = None,
        db_name: DbName = None,
) -> Annotated[CallToolResult, models.IndexesOut]:
    """The indexes of a collection: name, field, type, metric, parameters and build state."""

    async def body(rt: Runtime, db: str, collection: str) -> dict[str, Any]:
        indexes = await rt.indexes(db, collection)
        if field_name:
            indexes = [ix for ix in indexes if ix["field"] == field_name]
        return {"collection_name": collection, "indexes": indexes}

    return await call(ctx, "milvus_list_indexes", body, collection_name=collection_name, db_name=db_name)


async def milvus_describe_index(*, collection_name: Collection, index_name: str, ctx: Context,
                                db_name: DbName = None) -> Annotated[CallToolResult, models.IndexOut]:
    """One index of a collection, by index name (milvus_list_indexes gives the names)."""

    async def body(rt: Runtime, db: str, collection: str) -> dict[str, Any]:
        indexes = await rt.indexes(db, collection)
        found = next((ix for ix in indexes if ix["index_name"] == index_name), None)
        if found is None:
            raise ToolFailure("INDEX_NOT_FOUND", f"collection '{collection}' has no index '{index_name}'",
                              valid=[ix["index_name"] for ix in indexes])
        return {"collection_name": collection, "index": found}

    return await call(ctx, "milvus_describe_index", body, collection_name=collection_name, db_name=db_name)


async def milvus_list_partitions(*, collection_name: Collection, ctx: Context,
                                 db_name: DbName = None) -> Annotated[CallToolResult, models.PartitionsOut]:
    """The partitions of a collection."""

    async def body(rt: Runtime, db: str, collection: str) -> dict[str, Any]:
        return {"collection_name": collection,
                "partitions": list(await rt.client.list_partitions(collection, db_name=db))}

    return await call(ctx, "milvus_list_partitions", body, collection_name=collection_name, db_name=db_name)


async def server_info(rt: Runtime, db: str) -> dict[str, Any]:
    """The payload of ``milvus_server_info`` and of the ``milvus://server/info`` resource."""
    config = rt.config
    return {"server_version": str(await rt.client.get_server_version()), "engine": config.engine,
            "uri": config.safe_uri(), "db_name": db, "read_only": config.read_only or not config.enabled("write"),
            "toolsets": list(config.active_toolsets), "limits": config.limits.as_dict(),
            "default_collection": config.default_collection or None}


async def milvus_server_info(ctx: Context) -> Annotated[CallToolResult, models.ServerInfoOut]:
    """Server version, engine (embedded or server), URI, database, read-only flag, toolsets and result limits."""

    async def body(rt: Runtime, db: str, _: str) -> dict[str, Any]:
        return await server_info(rt, db)

    return await call(ctx, "milvus_server_info", body, needs_collection=False)


TOOLS = [
    (milvus_list_databases, READ), (milvus_use_database, READ), (milvus_list_collections, READ),
    (milvus_get_collection_info, READ), (milvus_load_collection, LOAD), (milvus_release_collection, LOAD),
    (milvus_query, READ), (milvus_get_entities, READ), (milvus_count, READ), (milvus_get_collection_stats, READ),
    (milvus_list_indexes, READ), (milvus_describe_index, READ), (milvus_list_partitions, READ),
    (milvus_server_info, READ),
]

__all__ = ["TOOLS", "page_rows", "server_info"]
