"""Write toolset: create collections, insert, upsert, delete (guarded) and create indexes.

Every write tool checks the read-only flag again when called (a second line of defence behind toolset
registration). ``milvus_delete_entities`` refuses an empty filter and can count matches with ``dry_run``.
"""

from __future__ import annotations

from typing import Annotated, Any

from mcp.server.mcpserver import Context
from mcp.types import CallToolResult
from pydantic import Field

from azimuth.mcp import models
from azimuth.mcp.common import CREATE, DESTROY, INSERT, UPSERT, Collection, DbName, Ids, call
from azimuth.mcp.errors import ToolFailure
from azimuth.mcp.runtime import Runtime
from azimuth.mcp.schema_build import FieldSpec, IndexSpec, build_schema

Rows = Annotated[list[dict[str, Any]], Field(min_length=1, description="Rows as objects {field: value}; at most "
                                                                       "MILVUS_MCP_MAX_INSERT_ROWS (1000) per call")]
Partition = Annotated[str | None, Field(description="Partition to write to; default: _default")]


async def milvus_create_collection(
        *, collection_name: Collection, ctx: Context, auto_id: bool = True,
        dimension: Annotated[int, Field(ge=1, description="Vector dimension of the quick-setup vector field; "
                                                          "must match your embedding model")] = 768,
        primary_field_name: str = "id", vector_field_name: str = "vector",
        metric_type: Annotated[str, Field(description="COSINE, L2 or IP")] = "COSINE",
        field_schema: Annotated[list[FieldSpec] | None, Field(description="Custom schema: list of fields "
                                                                          "(replaces the quick setup)")] = None,
        index_params: Annotated[list[IndexSpec] | None, Field(description="Indexes to build; default: "
                                                                          "AUTOINDEX on every vector field")] = None,
        other_kwargs: Annotated[dict[str, Any] | None, Field(description="More create_collection options "
                                                                         "(consistency_level, properties, "
                                                                         "num_shards...)")] = None,
        id_type: Annotated[str, Field(description="int64 or varchar primary key (quick setup)")] = "int64",
        enable_dynamic_field: bool = True,
        text_field: Annotated[str | None, Field(description="Add this VARCHAR text field with a BM25 function, "
                                                           "a sparse field and its index (full-text search)")]
        = None,
        description: str | None = None, db_name: DbName = None,
) -> Annotated[CallToolResult, models.CreateCollectionOut]:
    """Create a collection: quick setup (id + vector of `dimension`) or a custom field_schema; indexes included."""

    async def body(rt: Runtime, db: str, collection: str) -> dict[str, Any]:
        schema, indexes, notes = build_schema(
            auto_id=auto_id, dimension=dimension, primary_field_name=primary_field_name,
            vector_field_name=vector_field_name, metric_type=metric_type, id_type=id_type,
            enable_dynamic_field=enable_dynamic_field, description=description, text_field=text_field,
            field_schema=field_schema, index_params=index_params)
        if await rt.client.has_collection(collection, db_name=db):
            raise ToolFailure("ALREADY_EXISTS", f"collection '{collection}' already exists in database '{db}'",
                              hint="Pick another name, or use it as it is (milvus_get_collection_info).")
        options = {k: v for k, v in (other_kwargs or {}).items() if k not in {"schema", "index_params"}}
        await rt.client.create_collection(collection, schema=schema, index_params=indexes, db_name=db, **options)
        return {"created": True, "collection_name": collection, "schema": await rt.summary(db, collection),
                "notes": notes}

    return await call(ctx, "milvus_create_collection", body, collection_name=collection_name, db_name=db_name,
                      writes=True)


def _check_rows(rt: Runtime, data: list[dict[str, Any]]) -> None:
    cap = rt.config.limits.max_insert_rows
    if len(data) > cap:
        raise ToolFailure("LIMIT_EXCEEDED", f"{len(data)} rows in one call, above the cap of {cap}",
                          hint=f"Send at most {cap} rows per call.", valid=[cap])
    for i, row in enumerate(data):
        if not isinstance(row, dict):
            raise ToolFailure("SCHEMA_VIOLATION", f"row {i} is not an object")


def _ids(rt: Runtime, ids: Any) -> tuple[list[Any], bool]:
    ids = list(ids or [])
    cap = rt.config.limits.max_ids
    return [i.item() if hasattr(i, "item") else i for i in ids[:cap]], len(ids) > cap


async def _row_dimension_check(rt: Runtime, db: str, collection: str, data: list[dict[str, Any]]) -> None:
    """Name the first row whose vector has the wrong dimension (the server's message names no row)."""
    described = await rt.describe(db, collection)
    dims = {f["name"]: int((f.get("params") or {}).get("dim", 0)) for f in described.get("fields", [])
            if getattr(f.get("type"), "name", "") in ("FLOAT_VECTOR", "FLOAT16_VECTOR", "BFLOAT16_VECTOR",
                                                      "INT8_VECTOR")}
    for i, row in enumerate(data):
        for name, dim in dims.items():
            value = row.get(name)
            if isinstance(value, list) and dim and len(value) != dim:
                raise ToolFailure("DIMENSION_MISMATCH", f"row {i}: field '{name}' has {len(value)} values but "
                                  f"its dimension is {dim}", hint=f"Every '{name}' vector needs exactly {dim} values.",
                                  valid=[dim])


async def milvus_insert_data(*, collection_name: Collection, data: Rows, ctx: Context, partition_name: Partition = None,
                             db_name: DbName = None) -> Annotated[CallToolResult, models.InsertOut]:
    """Insert rows; returns the count and the first 100 primary keys."""

    async def body(rt: Runtime, db: str, collection: str) -> dict[str, Any]:
        _check_rows(rt, data)
        await _row_dimension_check(rt, db, collection, data)
        result = await rt.client.insert(collection, data, partition_name=partition_name or "", db_name=db)
        ids, cut = _ids(rt, result.get("ids"))
        return {"insert_count": int(result.get("insert_count", 0)), "ids": ids, "ids_truncated": cut}

    return await call(ctx, "milvus_insert_data", body, collection_name=collection_name, db_name=db_name,
                      writes=True)


async def milvus_upsert_data(
        *, collection_name: Collection, data: Rows, ctx: Context,
        partial_update: Annotated[bool, Field(description="Only update the fields given in each row")] = False,
        partition_name: Partition = None, db_name: DbName = None,
) -> Annotated[CallToolResult, models.UpsertOut]:
    """Insert rows, replacing existing rows with the same primary key."""

    async def body(rt: Runtime, db: str, collection: str) -> dict[str, Any]:
        _check_rows(rt, data)
        await _row_dimension_check(rt, db, collection, data)
        options = {"partial_update": True} if partial_update else {}
        result = await rt.client.upsert(collection, data, partition_name=partition_name or "", db_name=db,
                                        **options)
        ids, cut = _ids(rt, result.get("ids"))
        return {"upsert_count": int(result.get("upsert_count", 0)), "ids": ids, "ids_truncated": cut}

    return await call(ctx, "milvus_upsert_data", body, collection_name=collection_name, db_name=db_name,
                      writes=True)


async def milvus_delete_entities(
        *, collection_name: Collection, ctx: Context,
        filter_expr: Annotated[str | None, Field(description="Rows to delete; an empty filter is refused "
                                                             "(use 'id >= 0' to delete all)")] = None,
        ids: Ids = None, partition_name: Partition = None,
        dry_run: Annotated[bool, Field(description="Only count what would be deleted")] = False,
        db_name: DbName = None,
) -> Annotated[CallToolResult, models.DeleteOut]:
    """Delete rows matching a filter or primary keys; dry_run=true counts them without deleting."""

    async def body(rt: Runtime, db: str, collection: str) -> dict[str, Any]:
        expr = (filter_expr or "").strip()
        if not expr and not ids:
            raise ToolFailure("EMPTY_FILTER", "refusing to delete with an empty filter and no ids")
        if expr and ids:
            raise ToolFailure("INVALID_ARGUMENT", "pass either filter_expr or ids, not both")
        if dry_run:
            partitions = [partition_name] if partition_name else None
            if ids:
                described = await rt.describe(db, collection)
                pk = next((f["name"] for f in described["fields"] if f.get("is_primary")), "id")
                rows = await rt.client.get(collection, ids=list(ids), output_fields=[pk],
                                           partition_names=partitions, db_name=db)
                count = len(rows)
            else:
                rows = await rt.client.query(collection, filter=expr, output_fields=["count(*)"],
                                             partition_names=partitions, db_name=db)
                count = int(rows[0]["count(*)"]) if rows else 0
            return {"dry_run": True, "would_delete": count}
        result = await rt.client.delete(collection, ids=list(ids) if ids else None, filter=expr or None,
                                        partition_name=partition_name or "", db_name=db)
        return {"dry_run": False, "delete_count": int(result.get("delete_count", 0))}

    return await call(ctx, "milvus_delete_entities", body, collection_name=collection_name, db_name=db_name,
                      writes=True)


async def milvus_create_index(
        *, collection_name: Collection, field_name: str, ctx: Context, index_type: str = "AUTOINDEX",
        metric_type: Annotated[str | None, Field(description="Required for vector fields: COSINE, L2, IP, BM25...")]
        = None,
        params: Annotated[dict[str, Any] | None, Field(description="Build params, e.g. {\"M\": 16, "
                                                                   "\"efConstruction\": 200}")] = None,
        index_name: str | None = None, db_name: DbName = None,
) -> Annotated[CallToolResult, models.IndexOut]:
    """Build an index on a field (vector or scalar)."""

    async def body(rt: Runtime, db: str, collection: str) -> dict[str, Any]:
        index = rt.client.prepare_index_params()
        kwargs: dict[str, Any] = {"index_type": index_type}
        if metric_type:
            kwargs["metric_type"] = metric_type
        if params:
            kwargs["params"] = params
        if index_name:
            kwargs["index_name"] = index_name
        index.add_index(field_name, **kwargs)
        await rt.client.create_index(collection, index, db_name=db)
        built = [ix for ix in await rt.indexes(db, collection) if ix["field"] == field_name]
        chosen = next((ix for ix in built if not index_name or ix["index_name"] == index_name), None)
        return {"collection_name": collection, "index": chosen or {"field": field_name, "index_type": index_type}}

    return await call(ctx, "milvus_create_index", body, collection_name=collection_name, db_name=db_name,
                      writes=True)


TOOLS = [(milvus_create_collection, CREATE), (milvus_insert_data, INSERT), (milvus_upsert_data, UPSERT),
         (milvus_delete_entities, DESTROY), (milvus_create_index, CREATE)]

__all__ = ["TOOLS"]
