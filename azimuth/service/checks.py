"""Semantic checks shared by every handler: names, databases, collections (by name or alias), partitions,
load state. Each failure raises the Milvus error code a Milvus server would return, with a message naming the
cause and the fix."""

from __future__ import annotations

import re

from azimuth.engine.catalog import CollectionMeta, DatabaseMeta, PartitionMeta
from azimuth.engine.engine import Engine
from azimuth.errors import Code, MilvusException, collection_not_found, server_error
from azimuth.ops.base import DEFAULT_DB, CallContext

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
MAX_NAME_LENGTH = 255


def db_of(op_db: str, ctx: CallContext) -> str:
    return op_db or ctx.db_name or DEFAULT_DB


def validate_name(kind: str, name: object, *, code: int = Code.INVALID_PARAMETER) -> str:
    if not isinstance(name, str) or not name:
        raise server_error(code, f"Invalid {kind} name: {name!r}. {kind} name should not be empty")
    if len(name) > MAX_NAME_LENGTH:
        raise server_error(code, f"Invalid {kind} name: {name}. the length of a {kind} name must be less than "
                                 f"{MAX_NAME_LENGTH} characters")
    if not _NAME.match(name):
        if not (name[0].isalpha() or name[0] == "_"):
            reason = f"the first character of a {kind} name must be an underscore or letter"
        else:
            reason = f"{kind} name can only contain numbers, letters and underscores"
        raise server_error(code, f"Invalid {kind} name: {name}. {reason}")
    return name


def database(engine: Engine, name: str) -> DatabaseMeta:
    db = engine.catalog.databases.get(name)
    if db is None:
        raise server_error(Code.DATABASE_NOT_FOUND, f"database not found[database={name}]")
    return db


def collection(engine: Engine, db_name: str, name: str) -> CollectionMeta:
    """A collection by name or alias; unknown → code 100."""
    if not isinstance(name, str) or not name:
        raise server_error(Code.INVALID_PARAMETER, "collection name should not be empty")
    database(engine, db_name)
    meta = engine.catalog.find(db_name, name)
    if meta is None:
        raise collection_not_found(name, db_name)
    return meta


def partition(meta: CollectionMeta, name: str) -> PartitionMeta:
    part = meta.partition(name)
    if part is None:
        raise server_error(Code.PARTITION_NOT_FOUND, f"partition not found[partition={name}]")
    return part


def partitions_for_read(meta: CollectionMeta, names: tuple[str, ...] | list[str] | None) -> list[int]:
    """Partition ids a read may touch: the named ones (each must exist and be loaded) or every loaded one."""
    if not meta.loaded:
        raise server_error(Code.COLLECTION_NOT_LOADED, f"collection not loaded[collection={meta.name}]; "
                                                       "call load_collection first")
    if not names:
        return [p.id for p in meta.partitions if p.loaded]
    ids = []
    for name in names:
        part = partition(meta, name)
        if not part.loaded:
            raise server_error(Code.PARTITION_NOT_LOADED, f"partition not loaded[partition={name}]")
        ids.append(part.id)
    return ids


def require(condition: bool, message: str, code: int = Code.INVALID_PARAMETER) -> None:
    if not condition:
        raise server_error(code, message)


def unsupported(feature: str) -> MilvusException:
    return server_error(Code.UNSUPPORTED, f"{feature} is not supported by Azimuth yet")
