"""Databases: create, drop, list, describe, properties; and server version."""

from __future__ import annotations

from azimuth import __version__
from azimuth.engine.catalog import DatabaseMeta
from azimuth.errors import Code, server_error
from azimuth.ops import database as ops
from azimuth.ops.base import DEFAULT_DB, CallContext
from azimuth.ops.results import DatabaseInfo, VersionInfo
from azimuth.service import checks
from azimuth.service.context import ServiceContext
from azimuth.service.registry import handles

MAX_DATABASES = 64


def _stringify(properties: dict) -> dict[str, str]:
    return {str(k): str(v).lower() if isinstance(v, bool) else str(v) for k, v in (properties or {}).items()}


@handles(ops.CreateDatabase)
def create_database(svc: ServiceContext, op: ops.CreateDatabase, ctx: CallContext) -> None:
    checks.validate_name("database", op.db_name, code=Code.DATABASE_INVALID_NAME)
    with svc.engine.ddl() as catalog:
        if op.db_name in catalog.databases:
            raise server_error(Code.INVALID_PARAMETER, f"database already exist: {op.db_name}")
        if len(catalog.databases) >= MAX_DATABASES:
            raise server_error(Code.DATABASE_LIMIT, f"database number ({len(catalog.databases)}) exceeds max "
                                                    f"configuration ({MAX_DATABASES})")
        catalog.databases[op.db_name] = DatabaseMeta(catalog.new_id(), op.db_name, _stringify(op.properties),
                                                     svc.engine.clock.allocate())


@handles(ops.DropDatabase)
def drop_database(svc: ServiceContext, op: ops.DropDatabase, ctx: CallContext) -> None:
    if op.db_name == DEFAULT_DB:
        raise server_error(Code.INVALID_PARAMETER, "can not drop default database")
    with svc.engine.ddl() as catalog:
        if op.db_name not in catalog.databases:
            return
        remaining = catalog.collections_in(op.db_name)
        if remaining:
            raise server_error(Code.INVALID_PARAMETER, f"database:{op.db_name} not empty, must drop all collections "
                                                       f"before drop database ({len(remaining)} left)")
        del catalog.databases[op.db_name]


@handles(ops.ListDatabases)
def list_databases(svc: ServiceContext, op: ops.ListDatabases, ctx: CallContext) -> list[str]:
    return [db.name for db in sorted(svc.engine.catalog.databases.values(), key=lambda d: d.id)]


@handles(ops.DescribeDatabase)
def describe_database(svc: ServiceContext, op: ops.DescribeDatabase, ctx: CallContext) -> DatabaseInfo:
    db = checks.database(svc.engine, op.db_name or ctx.db_name)
    return DatabaseInfo(db.name, dict(db.properties), db.id, db.created_ts)


@handles(ops.AlterDatabaseProperties)
def alter_database_properties(svc: ServiceContext, op: ops.AlterDatabaseProperties, ctx: CallContext) -> None:
    with svc.engine.ddl():
        db = checks.database(svc.engine, op.db_name)
        db.properties.update(_stringify(op.properties))
        for key in op.delete_keys:
            db.properties.pop(key, None)


@handles(ops.GetVersion)
def get_version(svc: ServiceContext, op: ops.GetVersion, ctx: CallContext) -> VersionInfo:
    return VersionInfo(version=f"v2.6.0-azimuth-{__version__}")
