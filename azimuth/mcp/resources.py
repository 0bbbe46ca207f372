"""Resources (databases, collections, schemas, the filter cheat sheet, server info) and prompts.

Resources repeat what tools already return (hosts show resources less well than tools), as compact JSON.
Static resources cannot receive a request context in the SDK, so they read the runtime of the running server
through :class:`RuntimeHolder`, which the lifespan fills.
"""

from __future__ import annotations

from typing import Any

from mcp.server.mcpserver import Context, MCPServer, UserMessage
from mcp.server.mcpserver.exceptions import ResourceError

from azimuth import MilvusException
from azimuth.mcp.errors import FILTER_DOC
from azimuth.mcp.results import compact
from azimuth.mcp.runtime import Runtime

FILTER_CHEAT_SHEET = """\
# Milvus filter expressions (filter_expr)

A filter is a boolean expression over scalar fields, evaluated per row. Strings use single or double quotes.

| What | Example |
|---|---|
| compare | `year >= 2020`, `price < 9.5`, `status == "done"`, `id != 3` |
| range | `10 <= age < 20` |
| and / or / not | `year > 2000 and (genre == "sf" or not is_draft)` (also `&&`, `\\|\\|`, `!`) |
| set membership | `id in [1, 2, 3]`, `color not in ["red", "blue"]` |
| prefix / pattern | `title like "The%"` (`%` any run, `_` one character) |
| arithmetic | `price * qty > 100`, `score % 2 == 0` |
| null checks | `comment IS NULL`, `comment IS NOT NULL` |
| JSON fields | `meta["author"] == "Ann"`, `meta["tags"][0] == "a"`, `json_contains(meta["tags"], "a")` |
| dynamic fields | fields not in the schema are read by name: `color == "red"` |
| key exists | `exists meta["author"]` |
| arrays | `array_contains(tags, "x")`, `array_contains_all(tags, ["x", "y"])`, `array_contains_any(tags, ["x"])`, `array_length(tags) > 2`, `tags[0] == "x"` |
| full text (analyzer fields) | `text_match(body, "vector database")` (any of the words) |
| template values | `age > {min_age}` with filter_params `{"min_age": 30}` (SDK only) |

Tips:
- To select every row use a condition that is always true for your key, e.g. `id >= 0` or `id != ""`.
- Compare strings with `==`, not `=`; `=` is an error.
- An unknown field on a collection without dynamic fields is an error naming the valid fields.
"""


class RuntimeHolder:
    """The runtime of the lifespan currently running (static resources have no request context)."""

    def __init__(self) -> None:
        self.current: Runtime | None = None

    def get(self) -> Runtime:
        if self.current is None:
            raise ResourceError("the server is not connected to Milvus yet")
        return self.current


async def _read(coro: Any) -> str:
    try:
        return compact(await coro)
    except MilvusException as exc:
        raise ResourceError(f"{exc.message or exc}") from exc


def register_resources(mcp: MCPServer, holder: RuntimeHolder) -> None:
    """Add the resources and prompts to ``mcp``."""

    @mcp.resource("milvus://databases", name="databases", mime_type="application/json",
                  description="The databases of the server")
    async def databases() -> str:
        rt = holder.get()

        async def payload() -> dict[str, Any]:
            return {"databases": list(await rt.client.list_databases()), "current": rt.config.db_name}

        return await _read(payload())

    @mcp.resource("milvus://{db}/collections", name="collections", mime_type="application/json",
                  description="The collections of a database")
    async def collections(db: str, ctx: Context) -> str:
        rt: Runtime = ctx.request_context.lifespan_context

        async def payload() -> dict[str, Any]:
            return {"db_name": db, "collections": sorted(await rt.client.list_collections(db_name=db))}

        return await _read(payload())

    @mcp.resource("milvus://{db}/collections/{name}/schema", name="collection_schema", mime_type="application/json",
                  description="Schema, indexes and search capabilities of a collection (as milvus_get_collection_info)")
    async def schema(db: str, name: str, ctx: Context) -> str:
        rt: Runtime = ctx.request_context.lifespan_context
        return await _read(rt.summary(db, name))

    @mcp.resource(FILTER_DOC, name="filter_expressions", mime_type="text/markdown",
                  description="Cheat sheet of the filter expression grammar used by filter_expr")
    def filter_expressions() -> str:
        return FILTER_CHEAT_SHEET

    @mcp.resource("milvus://server/info", name="server_info", mime_type="application/json",
                  description="Server version, engine, URI, limits (as milvus_server_info)")
    async def info() -> str:
        from azimuth.mcp.tools_read import server_info

        rt = holder.get()
        return await _read(server_info(rt, rt.config.db_name))

    @mcp.prompt(description="Describe a collection, sample 3 rows and suggest searches")
    def explore_collection(collection_name: str) -> list[UserMessage]:
        return [UserMessage(
            f"Explore the Milvus collection '{collection_name}'. Call milvus_get_collection_info to read its "
            "schema and search_capabilities, then milvus_query with filter_expr set to a condition true for every "
            "row (for example 'id >= 0') and limit 3 to sample rows. Summarise what the collection holds and "
            "propose three searches that fit it, naming the tool each would use (milvus_search picks a mode "
            "automatically).")]

    @mcp.prompt(description="Answer a question from a collection with a semantic search")
    def semantic_search(collection_name: str, question: str) -> list[UserMessage]:
        return [UserMessage(
            f"Answer this question using the Milvus collection '{collection_name}': {question}\n"
            "First call milvus_get_collection_info to see which search modes work. Then call milvus_search with "
            "query_text set to the question (or with a vector, if the collection only supports vector search and "
            "you can embed the question). Base the answer on the returned hits and cite their ids.")]

    @mcp.prompt(description="Create a collection ready for retrieval-augmented generation")
    def create_rag_collection(collection_name: str, dimension: str = "768", text_field: str = "text") -> list[
            UserMessage]:
        return [UserMessage(
            f"Create a Milvus collection named '{collection_name}' for retrieval-augmented generation: call "
            f"milvus_create_collection with collection_name='{collection_name}', dimension={dimension} (the size "
            f"of the embedding model's vectors), text_field='{text_field}' (which adds BM25 full-text search), "
            "auto_id=true. Then confirm with milvus_get_collection_info that search_capabilities lists both a "
            "vector field and a BM25 field.")]

    @mcp.prompt(description="Find out why a filter expression fails or matches nothing")
    def debug_filter(collection_name: str, filter_expr: str) -> list[UserMessage]:
        return [UserMessage(
            f"The filter `{filter_expr}` on Milvus collection '{collection_name}' fails or returns nothing. Read "
            f"the resource {FILTER_DOC} for the grammar, call milvus_get_collection_info to check field names and "
            "types, then use milvus_count with smaller parts of the filter to find the part that fails or "
            "excludes everything. Report the corrected filter.")]


__all__ = ["FILTER_CHEAT_SHEET", "RuntimeHolder", "register_resources"]
