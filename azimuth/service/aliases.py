"""Aliases: alternative names for a collection, usable wherever a collection name is."""

from __future__ import annotations

from azimuth.errors import Code, server_error
from azimuth.ops import collection as ops
from azimuth.ops.base import CallContext
from azimuth.ops.results import AliasInfo, AliasList
from azimuth.service import checks
from azimuth.service.context import ServiceContext
from azimuth.service.registry import handles


def _target(svc: ServiceContext, db_name: str, name: str):
    meta = svc.engine.catalog.find_by_name(db_name, name)
    if meta is None:
        if svc.engine.catalog.alias_owner(db_name, name) is not None:
            raise server_error(Code.INVALID_PARAMETER, f"cannot alias an alias: {name} is an alias, use the "
                                                       "collection name")
        raise server_error(Code.COLLECTION_NOT_FOUND, f"collection not found[database={db_name}][collection={name}]")
    return meta


@handles(ops.CreateAlias)
def create_alias(svc: ServiceContext, op: ops.CreateAlias, ctx: CallContext) -> None:
    db_name = checks.db_of(op.db_name, ctx)
    checks.validate_name("alias", op.alias)
    with svc.engine.ddl() as catalog:
        checks.database(svc.engine, db_name)
        meta = _target(svc, db_name, op.collection_name)
        if catalog.find_by_name(db_name, op.alias) is not None:
            raise server_error(Code.ALIAS_COLLECTION_CONFLICT,
                               f"alias and collection name conflict: {op.alias} is a collection name")
        owner = catalog.alias_owner(db_name, op.alias)
        if owner is not None:
            if owner.id == meta.id:
                return
            raise server_error(Code.ALIAS_EXISTS, f"alias exists and already aliased to another collection, "
                                                  f"alias: {op.alias}, collection: {owner.name}; use alter_alias")
        meta.aliases.append(op.alias)


@handles(ops.AlterAlias)
def alter_alias(svc: ServiceContext, op: ops.AlterAlias, ctx: CallContext) -> None:
    db_name = checks.db_of(op.db_name, ctx)
    with svc.engine.ddl() as catalog:
        checks.database(svc.engine, db_name)
        meta = _target(svc, db_name, op.collection_name)
        owner = catalog.alias_owner(db_name, op.alias)
        if owner is None:
            raise server_error(Code.ALIAS_NOT_FOUND, f"alias not found[database={db_name}][alias={op.alias}]")
        owner.aliases.remove(op.alias)
        meta.aliases.append(op.alias)


@handles(ops.DropAlias)
def drop_alias(svc: ServiceContext, op: ops.DropAlias, ctx: CallContext) -> None:
    db_name = checks.db_of(op.db_name, ctx)
    with svc.engine.ddl() as catalog:
        checks.database(svc.engine, db_name)
        owner = catalog.alias_owner(db_name, op.alias)
        if owner is not None:
            owner.aliases.remove(op.alias)


@handles(ops.DescribeAlias)
def describe_alias(svc: ServiceContext, op: ops.DescribeAlias, ctx: CallContext) -> AliasInfo:
    db_name = checks.db_of(op.db_name, ctx)
    checks.database(svc.engine, db_name)
    owner = svc.engine.catalog.alias_owner(db_name, op.alias)
    if owner is None:
        raise server_error(Code.ALIAS_NOT_FOUND, f"alias not found[database={db_name}][alias={op.alias}]")
    return AliasInfo(op.alias, owner.name, db_name)


@handles(ops.ListAliases)
def list_aliases(svc: ServiceContext, op: ops.ListAliases, ctx: CallContext) -> AliasList:
    db_name = checks.db_of(op.db_name, ctx)
    checks.database(svc.engine, db_name)
    if op.collection_name:
        meta = checks.collection(svc.engine, db_name, op.collection_name)
        return AliasList(db_name, meta.name, tuple(meta.aliases))
    aliases = [a for c in svc.engine.catalog.collections_in(db_name) for a in c.aliases]
    return AliasList(db_name, "", tuple(aliases))
