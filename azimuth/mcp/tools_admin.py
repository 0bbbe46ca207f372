"""Admin toolset (off by default): drops, partitions, databases, renames and aliases.

Destructive tools carry ``destructive_hint``; ``milvus_drop_collection`` also requires ``confirm`` to equal the
collection name, so a model cannot drop the wrong collection by a slip. Tools for users and roles are added only
when the SDK client offers the methods.
"""

from __future__ import annotations

from typing import Annotated, Any

from mcp.server.mcpserver import Context
from mcp.types import CallToolResult
from pydantic import Field

from azimuth import MilvusException
from azimuth.mcp import models
from azimuth.mcp.common import CREATE, DESTROY, READ, Collection, DbName, call
from azimuth.mcp.errors import ToolFailure
from azimuth.mcp.runtime import Runtime


def _done(action: str, target: str) -> dict[str, Any]:
    return {"done": True, "action": action, "target": target}


async def milvus_drop_collection(
        *, collection_name: Collection,
        confirm: Annotated[str, Field(description="Must equal collection_name: confirms the drop is intended")],
        ctx: Context, db_name: DbName = None,
) -> Annotated[CallToolResult, models.DoneOut]:
    """Drop a collection and all of its data, for good. confirm must repeat the collection name."""

    async def body(rt: Runtime, db: str, collection: str) -> dict[str, Any]:
        if confirm != collection:
            raise ToolFailure("CONFIRMATION_REQUIRED", f"confirm is '{confirm}', not the collection name "
                              f"'{collection}'", hint=f"Pass confirm='{collection}' to drop it.")
        if not await rt.client.has_collection(collection, db_name=db):
            raise ToolFailure("COLLECTION_NOT_FOUND", f"collection '{collection}' does not exist in '{db}'",
                              valid=sorted(await rt.client.list_collections(db_name=db)))
        await rt.client.drop_collection(collection, db_name=db)
        return _done("drop_collection", collection)

    return await call(ctx, "milvus_drop_collection", body, collection_name=collection_name, db_name=db_name,
                      writes=True)


async def milvus_drop_index(*, collection_name: Collection, index_name: str, ctx: Context,
                            db_name: DbName = None) -> Annotated[CallToolResult, models.DoneOut]:
    """Drop an index (its field stays; searches fall back to brute force)."""

    async def body(rt: Runtime, db: str, collection: str) -> dict[str, Any]:
        names = [ix["index_name"] for ix in await rt.indexes(db, collection)]
        if index_name not in names:
            raise ToolFailure("INDEX_NOT_FOUND", f"collection '{collection}' has no index '{index_name}'",
                              valid=names)
        state = (await rt.client.get_load_state(collection, db_name=db)).get("state")
        await rt.client.release_collection(collection, db_name=db)
        await rt.client.drop_index(collection, index_name, db_name=db)
        if getattr(state, "name", "") == "Loaded":
            try:
                await rt.client.load_collection(collection, db_name=db)
            except MilvusException:  # e.g. a vector field left without index: stays released, as Milvus does
                pass
        return _done("drop_index", f"{collection}.{index_name}")

    return await call(ctx, "milvus_drop_index", body, collection_name=collection_name, db_name=db_name,
                      writes=True)


async def milvus_create_partition(*, collection_name: Collection, partition_name: str, ctx: Context,
                                  db_name: DbName = None) -> Annotated[CallToolResult, models.DoneOut]:
    """Create a partition in a collection."""

    async def body(rt: Runtime, db: str, collection: str) -> dict[str, Any]:
        await rt.client.create_partition(collection, partition_name, db_name=db)
        return _done("create_partition", f"{collection}.{partition_name}")

    return await call(ctx, "milvus_create_partition", body, collection_name=collection_name, db_name=db_name,
                      writes=True)


async def milvus_drop_partition(*, collection_name: Collection, partition_name: str, ctx: Context,
                                db_name: DbName = None) -> Annotated[CallToolResult, models.DoneOut]:
    """Drop a partition and its rows."""

    async def body(rt: Runtime, db: str, collection: str) -> dict[str, Any]:
        partitions = list(await rt.client.list_partitions(collection, db_name=db))
        if partition_name not in partitions:
            raise ToolFailure("PARTITION_NOT_FOUND", f"collection '{collection}' has no partition "
                              f"'{partition_name}'", valid=partitions)
        await rt.client.release_partitions(collection, [partition_name], db_name=db)
        await rt.client.drop_partition(collection, partition_name, db_name=db)
        return _done("drop_partition", f"{collection}.{partition_name}")

    return await call(ctx, "milvus_drop_partition", body, collection_name=collection_name, db_name=db_name,
                      writes=True)


async def milvus_create_database(*, db_name: str, ctx: Context) -> Annotated[CallToolResult, models.DoneOut]:
    """Create a database."""

    async def body(rt: Runtime, db: str, _: str) -> dict[str, Any]:
        await rt.client.create_database(db_name)
        return _done("create_database", db_name)

    return await call(ctx, "milvus_create_database", body, needs_collection=False, writes=True)


async def milvus_drop_database(*, db_name: str, confirm: Annotated[str, Field(description="Must equal db_name")],
                               ctx: Context) -> Annotated[CallToolResult, models.DoneOut]:
    """Drop an (empty) database. confirm must repeat the database name."""

    async def body(rt: Runtime, db: str, _: str) -> dict[str, Any]:
        if confirm != db_name:
            raise ToolFailure("CONFIRMATION_REQUIRED", f"confirm is '{confirm}', not the database name "
                              f"'{db_name}'", hint=f"Pass confirm='{db_name}' to drop it.")
        await rt.client.drop_database(db_name)
        return _done("drop_database", db_name)

    return await call(ctx, "milvus_drop_database", body, needs_collection=False, writes=True)


async def milvus_rename_collection(*, collection_name: Collection, new_name: str, ctx: Context,
                                   db_name: DbName = None) -> Annotated[CallToolResult, models.DoneOut]:
    """Rename a collection."""

    async def body(rt: Runtime, db: str, collection: str) -> dict[str, Any]:
        await rt.client.rename_collection(collection, new_name, db_name=db)
        return _done("rename_collection", f"{collection} -> {new_name}")

    return await call(ctx, "milvus_rename_collection", body, collection_name=collection_name, db_name=db_name,
                      writes=True)


async def milvus_create_alias(*, collection_name: Collection, alias: str, ctx: Context,
                              db_name: DbName = None) -> Annotated[CallToolResult, models.DoneOut]:
    """Give a collection another name (an alias) that tools accept wherever a collection name is expected."""

    async def body(rt: Runtime, db: str, collection: str) -> dict[str, Any]:
        await rt.client.create_alias(collection, alias, db_name=db)
        return _done("create_alias", f"{alias} -> {collection}")

    return await call(ctx, "milvus_create_alias", body, collection_name=collection_name, db_name=db_name,
                      writes=True)


async def milvus_drop_alias(*, alias: str, ctx: Context,
                            db_name: DbName = None) -> Annotated[CallToolResult, models.DoneOut]:
    """Remove an alias (the collection stays)."""

    async def body(rt: Runtime, db: str, _: str) -> dict[str, Any]:
        await rt.client.drop_alias(alias, db_name=db)
        return _done("drop_alias", alias)

    return await call(ctx, "milvus_drop_alias", body, needs_collection=False, db_name=db_name, writes=True)


async def milvus_list_users(ctx: Context) -> Annotated[CallToolResult, models.DoneOut]:
    """List the users of the server."""

    async def body(rt: Runtime, db: str, _: str) -> dict[str, Any]:
        users = list(await rt.client.list_users())  # type: ignore[attr-defined]
        return {**_done("list_users", ",".join(map(str, users))), "users": users}

    return await call(ctx, "milvus_list_users", body, needs_collection=False)


TOOLS = [(milvus_drop_collection, DESTROY), (milvus_drop_index, DESTROY), (milvus_create_partition, CREATE),
         (milvus_drop_partition, DESTROY), (milvus_create_database, CREATE), (milvus_drop_database, DESTROY),
         (milvus_rename_collection, CREATE), (milvus_create_alias, CREATE), (milvus_drop_alias, DESTROY)]

#: Tools that need an SDK method the client may not have yet: (tool, annotations, required client method).
OPTIONAL_TOOLS = [(milvus_list_users, READ, "list_users")]

__all__ = ["OPTIONAL_TOOLS", "TOOLS"]
