"""The MCP server's view of Milvus: one ``AsyncMilvusClient``, the session database, and schema summaries.

:class:`Runtime` is created by the server lifespan and shared by every tool call. It resolves which database a
call targets (explicit ``db_name`` → the MCP session's ``milvus_use_database`` choice → ``--db``), never changes
the client's own default database, and turns ``describe_collection`` plus index and load information into the
plain-JSON collection summary with its ``search_capabilities`` block.
"""

from __future__ import annotations

from typing import Any

from mcp_types.version import MODERN_PROTOCOL_VERSIONS

from azimuth import AsyncMilvusClient, MilvusException
from azimuth.mcp.config import MCPConfig
from azimuth.mcp.errors import OptionsLookup, ToolFailure, translate
from azimuth.types.enums import DataType

SESSION_DB_KEY = "azimuth.mcp.db_name"

VECTOR_TYPES = frozenset({DataType.FLOAT_VECTOR, DataType.FLOAT16_VECTOR, DataType.BFLOAT16_VECTOR,
                          DataType.BINARY_VECTOR, DataType.INT8_VECTOR, DataType.SPARSE_FLOAT_VECTOR})
DENSE_TYPES = VECTOR_TYPES - {DataType.SPARSE_FLOAT_VECTOR}


def _name(value: Any) -> str:
    """Enum members (DataType, FunctionType, LoadState) as their plain names."""
    name = getattr(value, "name", None)
    return str(name) if name is not None else str(value)


def _connection(ctx: Any) -> Any:
    session = getattr(getattr(ctx, "request_context", None), "session", None)
    return getattr(session, "_connection", None)


class Runtime:
    """Shared state of one MCP server process: the SDK client and the configuration."""

    def __init__(self, config: MCPConfig, client: AsyncMilvusClient) -> None:
        self.config = config
        self.client = client

    # ---- database and collection resolution ---------------------------------------------------------------
    def session_state(self, ctx: Any) -> dict[str, Any] | None:
        """Per-session scratch state, or ``None`` when the connection keeps none (stateless HTTP, 2026 protocol)."""
        if self.config.stateless:
            return None
        if getattr(ctx, "protocol_version", None) in MODERN_PROTOCOL_VERSIONS:
            return None
        connection = _connection(ctx)
        state = getattr(connection, "state", None)
        return state if isinstance(state, dict) else None

    def db(self, ctx: Any, db_name: str | None = None) -> str:
        if db_name:
            return db_name
        state = self.session_state(ctx)
        if state and state.get(SESSION_DB_KEY):
            return str(state[SESSION_DB_KEY])
        return self.config.db_name

    def collection(self, name: str | None) -> str:
        chosen = name or self.config.default_collection
        if not chosen:
            raise ToolFailure("MISSING_ARGUMENT", "collection_name is required (no MILVUS_COLLECTION default is set)",
                              hint="Pass collection_name; milvus_list_collections lists them.")
        return chosen

    def require_write(self) -> None:
        """The second line of defence: write tools refuse to run on a read-only server."""
        if self.config.read_only or not self.config.enabled("write"):
            raise ToolFailure("READ_ONLY", "this MCP server does not allow writes")

    # ---- valid options for error hints --------------------------------------------------------------------
    def lookups(self, db: str, collection: str | None = None) -> dict[str, OptionsLookup]:
        client = self.client

        async def collections() -> list[str]:
            return list(await client.list_collections(db_name=db))

        async def databases() -> list[str]:
            return list(await client.list_databases())

        async def fields() -> list[str]:
            if not collection:
                return []
            described = await client.describe_collection(collection, db_name=db)
            return [f["name"] for f in described.get("fields", [])]

        async def partitions() -> list[str]:
            return list(await client.list_partitions(collection, db_name=db)) if collection else []

        return {"collections": collections, "databases": databases, "fields": fields, "partitions": partitions}

    async def failure(self, exc: MilvusException, db: str, collection: str | None = None) -> ToolFailure:
        return await translate(exc, **self.lookups(db, collection))

    # ---- schema summary -----------------------------------------------------------------------------------
    async def describe(self, db: str, collection: str) -> dict[str, Any]:
        """``describe_collection`` as the SDK returns it (raises the SDK's exceptions)."""
        return await self.client.describe_collection(collection, db_name=db)

    async def indexes(self, db: str, collection: str) -> list[dict[str, Any]]:
        result = []
        for index_name in await self.client.list_indexes(collection, db_name=db):
            info = await self.client.describe_index(collection, index_name, db_name=db)
            params = {k: v for k, v in info.items() if k not in {
                "index_type", "metric_type", "field_name", "index_name", "total_rows", "indexed_rows",
                "pending_index_rows", "state"}}
            result.append({"index_name": info.get("index_name", index_name), "field": info.get("field_name", ""),
                           "index_type": info.get("index_type", ""), "metric_type": info.get("metric_type", ""),
                           "params": params, "state": _name(info.get("state", ""))})
        return result

    async def summary(self, db: str, collection: str, *, described: dict[str, Any] | None = None) -> dict[str, Any]:
        """The collection info of ``milvus_get_collection_info``: schema, indexes, state and search capabilities."""
        described = described or await self.describe(db, collection)
        indexes = await self.indexes(db, collection)
        try:
            load_state = _name((await self.client.get_load_state(collection, db_name=db)).get("state", ""))
        except MilvusException:
            load_state = "Unknown"
        try:
            row_count = int((await self.client.get_collection_stats(collection, db_name=db)).get("row_count", 0))
        except MilvusException:
            row_count = -1
        return summarize(described, indexes, load_state, row_count)


def field_summary(field: dict[str, Any]) -> dict[str, Any]:
    params = field.get("params") or {}
    out: dict[str, Any] = {"name": field["name"], "type": _name(field.get("type"))}
    for key in ("dim", "max_length", "max_capacity"):
        if key in params:
            out[key] = int(params[key])
    if field.get("element_type") is not None:
        out["element_type"] = _name(field["element_type"])
    out.update({
        "is_primary": bool(field.get("is_primary", False)),
        "auto_id": bool(field.get("auto_id", False)),
        "nullable": bool(field.get("nullable", False)),
        "is_partition_key": bool(field.get("is_partition_key", False)),
        "enable_analyzer": str(params.get("enable_analyzer", "")).lower() == "true",
    })
    if field.get("is_function_output"):
        out["is_function_output"] = True
    if field.get("description"):
        out["description"] = field["description"]
    return out


def summarize(described: dict[str, Any], indexes: list[dict[str, Any]], load_state: str,
              row_count: int) -> dict[str, Any]:
    """Pure function behind :meth:`Runtime.summary` (also used by the schema resource)."""
    fields = [field_summary(f) for f in described.get("fields", [])]
    by_field = {ix["field"]: ix for ix in indexes}
    functions = [{"name": fn.get("name", ""), "type": _name(fn.get("type")),
                  "input": list(fn.get("input_field_names", [])), "output": list(fn.get("output_field_names", []))}
                 for fn in described.get("functions", [])]
    vector_fields, bm25_fields, embedding_fields = [], [], []
    for field in described.get("fields", []):
        if field.get("type") in DENSE_TYPES:
            index = by_field.get(field["name"], {})
            vector_fields.append({"name": field["name"], "type": _name(field["type"]),
                                  "dim": int((field.get("params") or {}).get("dim", 0)),
                                  "metric": index.get("metric_type") or None, "indexed": bool(index)})
    for fn in functions:
        if fn["type"] == "BM25" and fn["input"] and fn["output"]:
            bm25_fields.append({"text_field": fn["input"][0], "sparse_field": fn["output"][0]})
        elif fn["type"] == "TEXT_EMBEDDING" and fn["input"] and fn["output"]:
            embedding_fields.append({"text_field": fn["input"][0], "vector_field": fn["output"][0]})
    modes = (["vector"] if vector_fields else []) + (["text"] if bm25_fields else []) + (
        ["semantic"] if embedding_fields else []) + (["hybrid"] if vector_fields and bm25_fields else [])
    return {
        "name": described.get("collection_name", ""),
        "description": described.get("description", ""),
        "fields": fields,
        "functions": functions,
        "indexes": indexes,
        "row_count": row_count,
        "load_state": load_state,
        "enable_dynamic_field": bool(described.get("enable_dynamic_field", False)),
        "consistency_level": described.get("consistency_level_name") or str(described.get("consistency_level", "")),
        "search_capabilities": {"vector_fields": vector_fields, "bm25_fields": bm25_fields,
                                "text_embedding_fields": embedding_fields, "server_embedder": False,
                                "modes": modes},
    }


def vector_field_names(described: dict[str, Any]) -> set[str]:
    return {f["name"] for f in described.get("fields", []) if f.get("type") in VECTOR_TYPES}


def field_names(described: dict[str, Any]) -> list[str]:
    return [f["name"] for f in described.get("fields", [])]


__all__ = ["DENSE_TYPES", "SESSION_DB_KEY", "VECTOR_TYPES", "Runtime", "field_names", "field_summary", "summarize",
           "vector_field_names"]
