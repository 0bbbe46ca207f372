"""Privilege checks of ``azimuth serve --auth``: Milvus's RBAC enforcement, applied by ``Service.execute`` to every
op run on behalf of an authenticated user (``CallContext.user`` set), whichever wire it came from.

:data:`REQUIRED` maps each op (by its Milvus RPC name) to the privilege and object type Milvus requires, as
declared by the ``privilege_ext_obj`` option of the request message in Milvus's ``milvus.proto`` (a unit test
compares the two). The object is the collection of the op (``Collection`` privileges), the user it names (``User``)
or ``*`` (``Global``); the database is the op's ``db_name`` or the call's. Ops without an entry (``Connect``,
``GetVersion``, ``HasCollection``, ...) are open to every authenticated user; ``ShowCollections`` and
``ListDatabases`` are open but list only what the user holds grants on, as Milvus does.

Who passes: ``root`` and members of the built-in ``admin`` role always; anyone acting on itself (its own password,
description and roles, the grants of its own roles); otherwise the grants of the user's roles plus ``public``,
where a privilege group (built-in or custom) stands for its privileges, ``All`` (``*``) for every privilege of the
object (every object when granted on ``Global`` or on object ``*``), and ``*`` as object or database name matches
every name. A grant on a collection also covers calls made through one of its aliases.

A user's effective privileges are computed once and cached until the security tables change
(:func:`azimuth.service.rbac.generation`), so a check is a few dictionary lookups. A denial raises
:class:`PermissionDenied` (code 1401) with Milvus's message, ``PrivilegeSearch: permission deny to bob in the
`default` database``; the gRPC server turns it into a ``PERMISSION_DENIED`` status and the REST app into HTTP 403.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from azimuth.engine.catalog import SecurityMeta
from azimuth.errors import Code, MilvusException
from azimuth.ops.base import DEFAULT_DB, CallContext, CollectionOp, Op
from azimuth.service import rbac
from azimuth.service.context import ServiceContext

GLOBAL, COLLECTION, USER = "Global", "Collection", "User"
ALL, ANY = "All", "*"
_G, _C, _U = GLOBAL, COLLECTION, USER

#: op name (Milvus RPC) -> (privilege, object type), from the ``privilege_ext_obj`` options of ``milvus.proto``.
REQUIRED: dict[str, tuple[str, str]] = {
    # collections
    "CreateCollection": ("CreateCollection", _G), "DropCollection": ("DropCollection", _G),
    "DescribeCollection": ("DescribeCollection", _G), "BatchDescribeCollection": ("DescribeCollection", _G),
    "AlterCollection": ("CreateCollection", _G), "AlterCollectionField": ("CreateCollection", _G),
    "AddCollectionFunction": ("CreateCollection", _G), "AlterCollectionFunction": ("CreateCollection", _G),
    "DropCollectionFunction": ("CreateCollection", _G), "TruncateCollection": ("DropCollection", _G),
    "RenameCollection": ("RenameCollection", _G),
    "LoadCollection": ("Load", _C), "ReleaseCollection": ("Release", _C),
    "LoadPartitions": ("Load", _C), "ReleasePartitions": ("Release", _C),
    "GetCollectionStatistics": ("GetStatistics", _C), "GetPartitionStatistics": ("GetStatistics", _C),
    "CreatePartition": ("CreatePartition", _C), "DropPartition": ("DropPartition", _C),
    "HasPartition": ("HasPartition", _C), "ShowPartitions": ("ShowPartitions", _C),
    "GetLoadingProgress": ("GetLoadState", _C), "GetLoadState": ("GetLoadState", _C),
    "AddCollectionField": ("AddCollectionField", _C), "AddCollectionStructField": ("AddCollectionField", _C),
    "AlterCollectionSchema": ("AlterCollectionSchema", _C),
    "Flush": ("Flush", _C), "GetFlushState": ("GetFlushState", _C), "FlushAll": ("FlushAll", _G),
    "ManualCompaction": ("Compaction", _C), "LoadBalance": ("LoadBalance", _C), "Import": ("Import", _C),
    # aliases
    "CreateAlias": ("CreateAlias", _G), "DropAlias": ("DropAlias", _G), "AlterAlias": ("CreateAlias", _G),
    "DescribeAlias": ("DescribeAlias", _G), "ListAliases": ("ListAliases", _G),
    # indexes
    "CreateIndex": ("CreateIndex", _C), "AlterIndex": ("CreateIndex", _C), "DropIndex": ("DropIndex", _C),
    "DescribeIndex": ("IndexDetail", _C), "GetIndexStatistics": ("IndexDetail", _C),
    "GetIndexState": ("IndexDetail", _C), "GetIndexBuildProgress": ("IndexDetail", _C),
    # data
    "Insert": ("Insert", _C), "Delete": ("Delete", _C), "Upsert": ("Upsert", _C),
    "Search": ("Search", _C), "HybridSearch": ("Search", _C), "Query": ("Query", _C),
    # databases
    "CreateDatabase": ("CreateDatabase", _G), "DropDatabase": ("DropDatabase", _G),
    "AlterDatabase": ("AlterDatabase", _G), "DescribeDatabase": ("DescribeDatabase", _G),
    # users, roles, grants, privilege groups
    "CreateCredential": ("CreateOwnership", _G), "UpdateCredential": ("UpdateUser", _U),
    "DeleteCredential": ("DropOwnership", _G), "ListCredUsers": ("SelectOwnership", _G),
    "CreateRole": ("CreateOwnership", _G), "AlterRole": ("CreateOwnership", _G), "DropRole": ("DropOwnership", _G),
    "OperateUserRole": ("ManageOwnership", _G), "SelectRole": ("SelectOwnership", _G),
    "SelectUser": ("SelectUser", _U), "SelectGrant": ("SelectOwnership", _G),
    "OperatePrivilege": ("ManageOwnership", _G), "OperatePrivilegeV2": ("ManageOwnership", _G),
    "BackupRBAC": ("BackupRBAC", _G), "RestoreRBAC": ("RestoreRBAC", _G),
    "CreatePrivilegeGroup": ("CreatePrivilegeGroup", _G), "DropPrivilegeGroup": ("DropPrivilegeGroup", _G),
    "ListPrivilegeGroups": ("ListPrivilegeGroups", _G), "OperatePrivilegeGroup": ("OperatePrivilegeGroup", _G),
    # resource groups and replicas
    "CreateResourceGroup": ("CreateResourceGroup", _G), "DropResourceGroup": ("DropResourceGroup", _G),
    "UpdateResourceGroups": ("UpdateResourceGroups", _G), "TransferNode": ("TransferNode", _G),
    "TransferReplica": ("TransferReplica", _G), "ListResourceGroups": ("ListResourceGroups", _G),
    "DescribeResourceGroup": ("DescribeResourceGroup", _G),
    # file resources, replication, snapshots, external collections
    "AddFileResource": ("AddFileResource", _G), "RemoveFileResource": ("RemoveFileResource", _G),
    "ListFileResources": ("ListFileResources", _G),
    "UpdateReplicateConfiguration": ("UpdateReplicateConfiguration", _G),
    "GetReplicateConfiguration": ("GetReplicateConfiguration", _G),
    "CreateSnapshot": ("CreateSnapshot", _C), "DropSnapshot": ("DropSnapshot", _C),
    "ListSnapshots": ("ListSnapshots", _C), "DescribeSnapshot": ("DescribeSnapshot", _C),
    "RestoreSnapshot": ("RestoreSnapshot", _C), "ListRestoreSnapshotJobs": ("RestoreSnapshot", _C),
    "RestoreExternalSnapshot": ("RestoreExternalSnapshot", _G), "ExportSnapshot": ("ExportSnapshot", _G),
    "GetExportSnapshotState": ("ExportSnapshot", _G), "PinSnapshotData": ("PinSnapshotData", _G),
    "UnpinSnapshotData": ("UnpinSnapshotData", _G),
    "RefreshExternalCollection": ("RefreshExternalCollection", _C),
}

#: privileges on a collection object; ``User`` privileges name a user; every other privilege is ``Global``.
COLLECTION_PRIVILEGES = frozenset("""
    Load Release Compaction Insert Delete Upsert GetStatistics CreateIndex IndexDetail DropIndex Search Query
    LoadBalance Import GetLoadingProgress GetLoadState Flush GetFlushState CreatePartition DropPartition
    ShowPartitions HasPartition AddCollectionField AlterCollectionSchema RefreshExternalCollection CreateSnapshot
    DropSnapshot ListSnapshots DescribeSnapshot RestoreSnapshot
""".split())
USER_PRIVILEGES = frozenset({"UpdateUser", "SelectUser"})

_LISTING = frozenset({"ShowCollections", "ListDatabases"})
_GRANT_DB = frozenset({"OperatePrivilege", "OperatePrivilegeV2", "SelectGrant"})  # db_name names the grant's db


def object_type(privilege: str) -> str:
    """The object type a privilege applies to (``Collection``, ``User`` or ``Global``)."""
    if privilege in COLLECTION_PRIVILEGES:
        return COLLECTION
    return USER if privilege in USER_PRIVILEGES else GLOBAL


class PermissionDenied(MilvusException):
    """The caller's roles do not grant the privilege the call needs (code 1401)."""

    def __init__(self, message: str) -> None:
        super().__init__(Code.PERMISSION_DENIED, message, is_input_error=True)


def denial_message(privilege: str, user: str, db_name: str) -> str:
    return f"Privilege{privilege}: permission deny to {user} in the `{db_name}` database"


_NONE: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Grants:
    """One user's effective privileges: its roles plus ``public``, privilege groups expanded."""

    bypass: bool = False
    roles: frozenset[str] = _NONE
    everything: frozenset[str] = _NONE  # databases ("*" = all) where the user holds All on every object
    named: dict[str, dict[str, frozenset[str]]] = field(default_factory=dict)  # privilege -> db -> names
    all_on: dict[str, dict[str, frozenset[str]]] = field(default_factory=dict)  # object type -> db -> names (All)
    collections: dict[str, frozenset[str]] = field(default_factory=dict)  # db -> what ShowCollections lists
    databases: frozenset[str] = _NONE  # databases ListDatabases lists ("*" = all)

    def permits(self, privilege: str, kind: str, name: str, db: str) -> bool:
        """Whether the grants allow ``privilege`` on object ``name`` (of type ``kind``) in database ``db``."""
        if self.bypass or db in self.everything or ANY in self.everything:
            return True
        return _match(self.named.get(privilege), name, db) or _match(self.all_on.get(kind), name, db)

    def visible_collections(self, db: str) -> frozenset[str] | None:
        """Collections of ``db`` ShowCollections lists; ``None`` = all."""
        if self.bypass or db in self.everything or ANY in self.everything:
            return None
        names = self.collections.get(db, _NONE) | self.collections.get(ANY, _NONE)
        return None if ANY in names else names


def _match(by_db: dict[str, frozenset[str]] | None, name: str, db: str) -> bool:
    if not by_db:
        return False
    for key in (db, ANY):
        names = by_db.get(key)
        if names and (name in names or ANY in names):
            return True
    return False


def _freeze(table: dict[str, dict[str, set[str]]]) -> dict[str, dict[str, frozenset[str]]]:
    return {k: {db: frozenset(names) for db, names in v.items()} for k, v in table.items()}


def effective(sec: SecurityMeta, user_name: str) -> Grants:
    """The effective privileges of ``user_name`` (see the module docstring for the rules)."""
    user = sec.users.get(user_name)
    roles = set(user.roles) if user is not None else set()
    if rbac.ADMIN_ROLE in roles:
        return Grants(bypass=True, roles=frozenset(roles | {rbac.PUBLIC_ROLE}))
    roles.add(rbac.PUBLIC_ROLE)
    named: dict[str, dict[str, set[str]]] = {}
    all_on: dict[str, dict[str, set[str]]] = {}
    collections: dict[str, set[str]] = {}
    everything: set[str] = set()
    databases: set[str] = set()
    for role_name in sorted(roles):
        role = sec.roles.get(role_name)
        if role is None:
            continue
        listed = role_name != rbac.PUBLIC_ROLE  # Milvus lists objects from the user's own roles only
        for grant in list(role.grants):
            privilege, kind = grant["privilege"], grant["object_type"]
            db, name = grant["db_name"] or DEFAULT_DB, grant["object_name"] or ANY
            if listed:
                databases.add(db)
                if kind == COLLECTION or (kind == GLOBAL and privilege == ALL):
                    collections.setdefault(db, set()).add(name if kind == COLLECTION else ANY)
            if privilege in rbac.BUILTIN_GROUPS:
                members = list(rbac.BUILTIN_GROUPS[privilege])
            elif privilege in sec.privilege_groups:
                members = list(sec.privilege_groups[privilege])
            else:
                members = [privilege]
            for member in members:
                if member == ALL:
                    if kind == GLOBAL or name == ANY:
                        everything.add(db)
                    else:
                        all_on.setdefault(kind, {}).setdefault(db, set()).add(name)
                    continue
                target = ANY if object_type(member) == GLOBAL else name
                named.setdefault(member, {}).setdefault(db, set()).add(target)
    return Grants(False, frozenset(roles), frozenset(everything), _freeze(named), _freeze(all_on),
                  {db: frozenset(names) for db, names in collections.items()}, frozenset(databases))


class Privileges:
    """The checker one ``Service`` consults for calls made by an authenticated user (thread-safe)."""

    def __init__(self) -> None:
        self._cache: dict[str, tuple[int, Grants]] = {}

    def grants(self, svc: ServiceContext, user: str) -> Grants:
        generation = rbac.generation()
        cached = self._cache.get(user)
        if cached is not None and cached[0] == generation:
            return cached[1]
        sec = rbac.security(svc)
        with svc.engine.gate.shared():  # no RBAC change half-applied while reading
            grants = effective(sec, user)
        if len(self._cache) > 10000:
            self._cache.clear()
        self._cache[user] = (generation, grants)
        return grants

    def authorize(self, svc: ServiceContext, op: Op, ctx: CallContext) -> None:
        """Raise :class:`PermissionDenied` unless ``ctx.user`` may run ``op``."""
        rule = REQUIRED.get(op.name)
        if rule is None or not ctx.user or ctx.user == rbac.ROOT_USER:
            return
        privilege, kind = rule
        if kind == COLLECTION:
            name = getattr(op, "collection_name", "") or ""
        elif kind == USER:
            name = getattr(op, "user_name", "") or ""
            if name == ctx.user:  # a user may always read and update itself
                return
        else:
            name = ANY
        db = (ctx.db_name if op.name in _GRANT_DB else getattr(op, "db_name", "") or ctx.db_name) or DEFAULT_DB
        grants = self.grants(svc, ctx.user)
        if grants.permits(privilege, kind, name, db):
            return
        if op.name == "SelectGrant" and getattr(op, "role_name", "") in grants.roles:  # the grants of one's roles
            return
        if kind == COLLECTION and isinstance(op, CollectionOp):
            owner = svc.engine.catalog.alias_owner(db, name)
            if owner is not None and grants.permits(privilege, kind, owner.name, db):
                return
        raise PermissionDenied(denial_message(privilege, ctx.user, db))

    def run(self, handler: Callable[..., Any], svc: ServiceContext, op: Op, ctx: CallContext) -> Any:
        """Check, run ``handler``, and narrow the listings to what the user holds grants on."""
        self.authorize(svc, op, ctx)
        result = handler(svc, op, ctx)
        if op.name in _LISTING and ctx.user and ctx.user != rbac.ROOT_USER:
            grants = self.grants(svc, ctx.user)
            if op.name == "ShowCollections":
                visible = grants.visible_collections(getattr(op, "db_name", "") or ctx.db_name or DEFAULT_DB)
            else:
                visible = None if grants.bypass or ANY in grants.databases else grants.databases
            if visible is not None:
                result = [name for name in result if name in visible]
        return result


__all__ = ["COLLECTION_PRIVILEGES", "REQUIRED", "USER_PRIVILEGES", "Grants", "PermissionDenied",
           "Privileges", "denial_message", "effective", "object_type"]
