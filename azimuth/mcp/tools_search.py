"""Read toolset, searching: the four reference search tools plus ``milvus_search``, the one to reach for first.

The reference tools keep their names, parameters and defaults; ``vector_field``/``metric_type``/``anns_field``
became optional and are read from the schema and indexes when left out. All return the same hit shape.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from mcp.server.mcpserver import Context
from mcp.types import CallToolResult
from pydantic import Field

from azimuth.mcp import models
from azimuth.mcp.common import (
    READ,
    Collection,
    DbName,
    FilterExpr,
    IncludeVectors,
    Offset,
    OutputFields,
    PartitionNames,
    call,
)
from azimuth.mcp.errors import ToolFailure
from azimuth.mcp.runtime import Runtime
from azimuth.mcp.search import Plan, dense_request, execute, range_params, semantic_request, text_request

Vector = Annotated[list[float], Field(min_length=1, description="Query embedding; its length must equal the "
                                                                "field's dimension")]
SearchLimit = Annotated[int, Field(description="Hits to return (capped by the server)")]
Radius = Annotated[float | None, Field(description="Range search: outer bound of the distance")]
RangeFilter = Annotated[float | None, Field(description="Range search: inner bound of the distance")]
Metric = Annotated[str | None, Field(description="COSINE, L2, IP...; default: the index's metric")]


async def milvus_vector_search(
        *, collection_name: Collection, vector: Vector, ctx: Context,
        vector_field: Annotated[str | None, Field(description="Vector field; default: the collection's "
                                                              "(dense) vector field")] = None,
        limit: SearchLimit = 5, output_fields: OutputFields = None, metric_type: Metric = None,
        filter_expr: FilterExpr = None, radius: Radius = None, range_filter: RangeFilter = None,
        search_params: Annotated[dict[str, Any] | None, Field(description="Index search params, e.g. "
                                                                          "{\"ef\": 64} or {\"nprobe\": 16}")] = None,
        partition_names: PartitionNames = None,
        group_by_field: Annotated[str | None, Field(description="Return the best hit per value of this "
                                                                "scalar field")] = None,
        offset: Offset = 0, include_vectors: IncludeVectors = False, db_name: DbName = None,
) -> Annotated[CallToolResult, models.SearchOut]:
    """Nearest-neighbour search with a query vector you provide, optionally filtered."""

    async def body(rt: Runtime, db: str, collection: str) -> dict[str, Any]:
        plan = await Plan.load(rt, db, collection)
        req = dense_request(plan, vector, vector_field, metric_type, range_params(radius, range_filter,
                                                                                   search_params))
        return await execute(rt, db, plan, [req], limit=limit, offset=offset, filter_expr=filter_expr,
                             output_fields=output_fields, include_vectors=include_vectors,
                             partition_names=partition_names, group_by_field=group_by_field)

    return await call(ctx, "milvus_vector_search", body, collection_name=collection_name, db_name=db_name)


async def milvus_text_search(
        *, collection_name: Collection, query_text: str, ctx: Context, limit: SearchLimit = 5,
        output_fields: OutputFields = None,
        drop_ratio: Annotated[float, Field(ge=0.0, lt=1.0, description="Share of low-weight query terms "
                                                                        "to ignore")] = 0.2,
        anns_field: Annotated[str | None, Field(description="BM25 sparse field; default: found from the "
                                                            "collection's BM25 function")] = None,
        filter_expr: FilterExpr = None, offset: Offset = 0, db_name: DbName = None,
) -> Annotated[CallToolResult, models.SearchOut]:
    """Full-text (BM25 keyword) search over a collection that has a BM25 function."""

    async def body(rt: Runtime, db: str, collection: str) -> dict[str, Any]:
        plan = await Plan.load(rt, db, collection)
        req = text_request(plan, query_text, anns_field, {"drop_ratio_search": drop_ratio})
        return await execute(rt, db, plan, [req], limit=limit, offset=offset, filter_expr=filter_expr,
                             output_fields=output_fields, text_route=True)

    return await call(ctx, "milvus_text_search", body, collection_name=collection_name, db_name=db_name)


async def milvus_text_similarity_search(
        *, collection_name: Collection, query_text: str, ctx: Context,
        anns_field: Annotated[str | None, Field(description="Vector field filled by a TEXT_EMBEDDING function; "
                                                            "default: found from the schema")] = None,
        limit: SearchLimit = 5, output_fields: OutputFields = None, metric_type: Metric = None,
        filter_expr: FilterExpr = None, radius: Radius = None, range_filter: RangeFilter = None,
        offset: Offset = 0, db_name: DbName = None,
) -> Annotated[CallToolResult, models.SearchOut]:
    """Semantic search with text, embedded by the collection's TEXT_EMBEDDING function."""

    async def body(rt: Runtime, db: str, collection: str) -> dict[str, Any]:
        plan = await Plan.load(rt, db, collection)
        req = semantic_request(plan, query_text, anns_field, metric_type, range_params(radius, range_filter))
        return await execute(rt, db, plan, [req], limit=limit, offset=offset, filter_expr=filter_expr,
                             output_fields=output_fields)

    return await call(ctx, "milvus_text_similarity_search", body, collection_name=collection_name,
                      db_name=db_name)


async def milvus_hybrid_search(
        *, collection_name: Collection, query_text: str,
        text_field: Annotated[str | None, Field(description="BM25 text or sparse field; default: found from "
                                                            "the BM25 function")] = None,
        vector: Annotated[list[float] | None, Field(description="Query embedding for the dense route")] = None,
        vector_field: Annotated[str | None, Field(description="Dense vector field; default: found from the "
                                                              "schema")] = None,
        ctx: Context, limit: SearchLimit = 5, output_fields: OutputFields = None, filter_expr: FilterExpr = None,
        sparse_radius: Radius = None, sparse_range_filter: RangeFilter = None, dense_radius: Radius = None,
        dense_range_filter: RangeFilter = None,
        ranker: Annotated[Literal["rrf", "weighted"], Field(description="How to fuse the two routes")] = "rrf",
        ranker_params: Annotated[dict[str, Any] | None, Field(description="{\"k\": 60} for rrf, "
                                                                          "{\"weights\": [0.5, 0.5]} for weighted")]
        = None,
        offset: Offset = 0, db_name: DbName = None,
) -> Annotated[CallToolResult, models.SearchOut]:
    """BM25 keyword search and dense vector search in one call, fused (RRF by default)."""

    async def body(rt: Runtime, db: str, collection: str) -> dict[str, Any]:
        plan = await Plan.load(rt, db, collection)
        sparse = text_request(plan, query_text, text_field, range_params(sparse_radius, sparse_range_filter))
        dense_params = range_params(dense_radius, dense_range_filter)
        if vector is not None:
            dense = dense_request(plan, vector, vector_field, None, dense_params)
        elif plan.caps["text_embedding_fields"]:
            dense = semantic_request(plan, query_text, vector_field, None, dense_params)
        else:
            raise ToolFailure("MISSING_ARGUMENT", "vector is required: the collection has no TEXT_EMBEDDING "
                              "function to embed query_text", hint="Pass vector (your query embedding), or use "
                              "milvus_text_search for keyword search only.")
        return await execute(rt, db, plan, [sparse, dense], limit=limit, offset=offset, filter_expr=filter_expr,
                             output_fields=output_fields, ranker=ranker, ranker_params=ranker_params,
                             text_route=True)

    return await call(ctx, "milvus_hybrid_search", body, collection_name=collection_name, db_name=db_name)


Mode = Literal["auto", "vector", "text", "semantic", "hybrid"]


def choose_mode(plan: Plan, mode: str, query_text: str | None, vector: list[float] | None) -> tuple[str, str]:
    """The search mode to use and why, for ``milvus_search``."""
    caps = plan.caps
    if mode != "auto":
        return mode, f"mode '{mode}' was requested"
    if vector is not None and query_text and caps["bm25_fields"] and caps["vector_fields"]:
        return "hybrid", "both query_text and vector were given and the collection has BM25 and vector fields"
    if vector is not None:
        return "vector", "a query vector was given"
    if not query_text:
        raise ToolFailure("MISSING_ARGUMENT", "pass query_text or vector",
                          hint="query_text searches by words or meaning; vector searches by embedding.")
    if caps["text_embedding_fields"]:
        return "semantic", f"TEXT_EMBEDDING function on {caps['text_embedding_fields'][0]['vector_field']}"
    if caps["bm25_fields"]:
        return "text", f"BM25 on {caps['bm25_fields'][0]['sparse_field']}"
    raise ToolFailure("NO_TEXT_SEARCH", f"collection '{plan.collection}' cannot search text: it has no BM25 or "
                      "TEXT_EMBEDDING function and this server has no embedder", hint=plan._alternatives("text"))


async def milvus_search(
        *, collection_name: Collection, ctx: Context,
        query_text: Annotated[str | None, Field(description="Words or a question to search for")] = None,
        vector: Annotated[list[float] | None, Field(description="Query embedding, if you have one")] = None,
        mode: Annotated[Mode, Field(description="auto picks from the schema: hybrid, vector, semantic or "
                                                "text (BM25)")] = "auto",
        limit: SearchLimit = 5, filter_expr: FilterExpr = None, output_fields: OutputFields = None,
        offset: Offset = 0, include_vectors: IncludeVectors = False, db_name: DbName = None,
) -> Annotated[CallToolResult, models.SearchOut]:
    """Search a collection by text and/or vector; the mode is chosen from the schema (see mode_used and why)."""

    async def body(rt: Runtime, db: str, collection: str) -> dict[str, Any]:
        plan = await Plan.load(rt, db, collection)
        used, why = choose_mode(plan, mode, query_text, vector)
        needs_text = used in ("text", "semantic", "hybrid")
        if needs_text and not query_text:
            raise ToolFailure("MISSING_ARGUMENT", f"mode '{used}' needs query_text")
        if used == "vector":
            if vector is None:
                raise ToolFailure("MISSING_ARGUMENT", "mode 'vector' needs vector")
            requests = [dense_request(plan, vector, None, None, {})]
        elif used == "text":
            requests = [text_request(plan, query_text or "", None, {"drop_ratio_search": 0.2})]
        elif used == "semantic":
            requests = [semantic_request(plan, query_text or "", None, None, {})]
        else:
            second = (dense_request(plan, vector, None, None, {}) if vector is not None
                      else semantic_request(plan, query_text or "", None, None, {}))
            requests = [text_request(plan, query_text or "", None, {}), second]
        result = await execute(rt, db, plan, requests, limit=limit, offset=offset, filter_expr=filter_expr,
                               output_fields=output_fields, include_vectors=include_vectors,
                               text_route=used in ("text", "hybrid"))
        return {**result, "mode_used": used, "why": why}

    return await call(ctx, "milvus_search", body, collection_name=collection_name, db_name=db_name)


TOOLS = [(milvus_search, READ), (milvus_vector_search, READ), (milvus_text_search, READ),
         (milvus_text_similarity_search, READ), (milvus_hybrid_search, READ)]

__all__ = ["TOOLS", "choose_mode"]
