"""What every tool module shares: parameter types, tool annotations and :func:`call`, the tool-body runner.

A tool function only declares its parameters (names and defaults are the public contract, pinned by the
tool-list snapshot test) and hands a body to :func:`call`, which resolves the database and collection, runs the
body and converts failures into tool errors.
"""

from __future__ import annotations

import types
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from mcp.server.mcpserver import Context
from mcp.types import CallToolResult, ToolAnnotations
from pydantic import Field

from azimuth import MilvusException
from azimuth.errors import Code
from azimuth.mcp.errors import ToolFailure
from azimuth.mcp.results import failure, run_tool
from azimuth.mcp.runtime import Runtime

READ = ToolAnnotations(read_only_hint=True, idempotent_hint=True, open_world_hint=False)
LOAD = ToolAnnotations(read_only_hint=False, destructive_hint=False, idempotent_hint=True, open_world_hint=False)
INSERT = ToolAnnotations(read_only_hint=False, destructive_hint=False, idempotent_hint=False, open_world_hint=False)
UPSERT = ToolAnnotations(read_only_hint=False, destructive_hint=False, idempotent_hint=True, open_world_hint=False)
CREATE = ToolAnnotations(read_only_hint=False, destructive_hint=False, idempotent_hint=False, open_world_hint=False)
DESTROY = ToolAnnotations(read_only_hint=False, destructive_hint=True, idempotent_hint=False, open_world_hint=False)

Collection = Annotated[str, Field(description="Collection name (milvus_list_collections lists them)")]
DbName = Annotated[str | None, Field(description="Database for this call only; default: the session's database")]
FilterExpr = Annotated[str | None, Field(description="Milvus boolean filter, e.g. \"year > 2020 and tag in ['a']\"; "
                                                     "grammar: resource milvus://docs/filter-expressions")]
OutputFields = Annotated[list[str] | None, Field(description="Fields to return; default: all non-vector fields")]
Offset = Annotated[int, Field(description="Results to skip, for paging (use next_offset from a previous call)")]
IncludeVectors = Annotated[bool, Field(description="Also return vector fields (large; off by default)")]
PartitionNames = Annotated[list[str] | None, Field(description="Restrict to these partitions")]
Ids = Annotated[list[int | str] | None, Field(description="Primary keys")]

Body = Callable[[Runtime, str, str], Awaitable[dict[str, Any]]]


def runtime(ctx: Context) -> Runtime:
    return ctx.request_context.lifespan_context  # type: ignore[no-any-return]


async def call(ctx: Context, name: str, body: Body, *, collection_name: str | None = None,
               db_name: str | None = None, needs_collection: bool = True, writes: bool = False) -> CallToolResult:
    """Resolve database and collection, check the read-only flag, run ``body(rt, db, collection)``."""
    rt = runtime(ctx)
    try:
        if writes:
            rt.require_write()
        db = rt.db(ctx, db_name)
        collection = rt.collection(collection_name) if needs_collection else (collection_name or "")
    except ToolFailure as exc:
        return failure(exc)

    async def attempt() -> dict[str, Any]:
        try:
            return await body(rt, db, collection)
        except MilvusException as exc:
            if not collection or exc.code != Code.COLLECTION_NOT_LOADED or writes and name.endswith("_index"):
                raise
        await rt.client.load_collection(collection, db_name=db)  # one auto-load, then the call is retried
        return await body(rt, db, collection)

    return await run_tool(name, attempt, lambda exc: rt.failure(exc, db, collection or None))


def with_default_collection(fn: Callable[..., Any], default_collection: str) -> Callable[..., Any]:
    """A copy of ``fn`` whose keyword-only ``collection_name`` defaults to ``MILVUS_COLLECTION`` when set."""
    code = fn.__code__
    if not default_collection or "collection_name" not in code.co_varnames[code.co_argcount:
                                                                          code.co_argcount + code.co_kwonlyargcount]:
        return fn
    copy = types.FunctionType(code, fn.__globals__, fn.__name__, fn.__defaults__, fn.__closure__)
    copy.__kwdefaults__ = {**(fn.__kwdefaults__ or {}), "collection_name": default_collection}
    copy.__annotations__ = dict(fn.__annotations__)
    copy.__doc__, copy.__module__, copy.__qualname__ = fn.__doc__, fn.__module__, fn.__qualname__
    return copy

__all__ = ["CREATE", "DESTROY", "INSERT", "LOAD", "READ", "UPSERT", "Collection", "DbName", "FilterExpr", "Ids",
           "IncludeVectors", "Offset", "OutputFields", "PartitionNames", "call", "runtime",
           "with_default_collection"]
