"""Users, roles, privileges and privilege groups: Milvus's RBAC bookkeeping, persisted in the catalog.

Passwords are stored as salted PBKDF2-SHA256 hashes, never in clear. The user ``root`` (password ``Milvus``
until changed) and the built-in roles ``admin`` and ``public`` always exist and cannot be dropped. Grants are
kept per role as ``{object_type, object_name, db_name, privilege, grantor}``; privilege names are checked
against Milvus's list, built-in privilege groups and custom groups.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from azimuth.engine.catalog import Catalog, RoleMeta, SecurityMeta, UserMeta
from azimuth.errors import Code, server_error
from azimuth.ops import admin as ops
from azimuth.ops.admin import Grant, RoleResult, UserResult
from azimuth.ops.base import DEFAULT_DB, CallContext
from azimuth.service.context import ServiceContext
from azimuth.service.registry import handles

ROOT_USER = "root"
ROOT_PASSWORD = "Milvus"
ADMIN_ROLE, PUBLIC_ROLE = "admin", "public"
BUILTIN_ROLES = (ADMIN_ROLE, PUBLIC_ROLE)
HASH_ITERATIONS = 20000
MIN_PASSWORD, MAX_PASSWORD = 6, 256
MAX_USERS, MAX_ROLES = 100, 10
_USER_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_.\-]{0,31}$")
_ROLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_\-]{0,254}$")

OBJECT_TYPES = ("Global", "Collection", "User")
PRIVILEGES = frozenset("""
    All CreateCollection DropCollection DescribeCollection ShowCollections Load Release Compaction Insert Delete
    GetStatistics CreateIndex IndexDetail DropIndex Search Flush Query LoadBalance Import CreateOwnership
    UpdateUser DropOwnership SelectOwnership ManageOwnership SelectUser Upsert CreateResourceGroup
    DropResourceGroup DescribeResourceGroup ListResourceGroups TransferNode TransferReplica GetLoadingProgress
    GetLoadState RenameCollection CreateDatabase DropDatabase ListDatabases FlushAll CreatePartition DropPartition
    ShowPartitions HasPartition GetFlushState CreateAlias DropAlias DescribeAlias ListAliases UpdateResourceGroups
    AlterDatabase DescribeDatabase BackupRBAC RestoreRBAC CreatePrivilegeGroup DropPrivilegeGroup
    ListPrivilegeGroups OperatePrivilegeGroup GetImportProgress ListImport AddCollectionField AddFileResource
    RemoveFileResource ListFileResources UpdateReplicateConfiguration CreateSnapshot DropSnapshot DescribeSnapshot
    ListSnapshots RestoreSnapshot AlterCollectionSchema GetReplicateConfiguration RefreshExternalCollection
    PinSnapshotData UnpinSnapshotData RestoreExternalSnapshot ExportSnapshot
""".split())

_COLLECTION_RO = ["Query", "Search", "IndexDetail", "GetFlushState", "GetLoadState", "GetLoadingProgress",
                  "HasPartition", "ShowPartitions", "DescribeCollection", "DescribeAlias", "GetStatistics",
                  "ListAliases"]
_COLLECTION_RW = _COLLECTION_RO + ["Load", "Release", "Insert", "Delete", "Upsert", "Import", "Flush",
                                   "Compaction", "LoadBalance", "CreateIndex", "DropIndex", "CreatePartition",
                                   "DropPartition", "AddCollectionField"]
_DATABASE_RO = ["ShowCollections", "DescribeDatabase"]
_CLUSTER_RO = ["ListDatabases", "SelectOwnership", "SelectUser", "DescribeResourceGroup", "ListResourceGroups",
               "ListPrivilegeGroups"]
BUILTIN_GROUPS: dict[str, list[str]] = {
    "CollectionReadOnly": _COLLECTION_RO,
    "CollectionReadWrite": _COLLECTION_RW,
    "CollectionAdmin": _COLLECTION_RW + ["CreateAlias", "DropAlias", "RenameCollection"],
    "DatabaseReadOnly": _DATABASE_RO,
    "DatabaseReadWrite": _DATABASE_RO + ["AlterDatabase"],
    "DatabaseAdmin": _DATABASE_RO + ["AlterDatabase", "CreateCollection", "DropCollection"],
    "ClusterReadOnly": _CLUSTER_RO,
    "ClusterReadWrite": _CLUSTER_RO + ["FlushAll"],
    "ClusterAdmin": _CLUSTER_RO + ["FlushAll", "TransferNode", "TransferReplica", "UpdateResourceGroups",
                                   "BackupRBAC", "RestoreRBAC", "CreateDatabase", "DropDatabase",
                                   "CreateOwnership", "DropOwnership", "ManageOwnership", "CreateResourceGroup",
                                   "DropResourceGroup", "UpdateUser", "RenameCollection", "CreatePrivilegeGroup",
                                   "DropPrivilegeGroup", "OperatePrivilegeGroup"],
}
_GLOBAL_GROUPS = frozenset({"ClusterReadOnly", "ClusterReadWrite", "ClusterAdmin"})


#: what Milvus grants the ``public`` role at start (``proxy.enablePublicPrivilege``, on by default): describing
#: any collection and its indexes, in every database. Revocable; granted again when an ``--auth`` server starts.
PUBLIC_DEFAULTS = (("Global", "DescribeCollection"), ("Collection", "IndexDetail"))


# ---- passwords --------------------------------------------------------------------------------------------------
def hash_password(password: str, salt: bytes) -> str:
    return hashlib.pbkdf2_hmac("sha256", password.encode(), salt, HASH_ITERATIONS).hex()


def _new_user(name: str, password: str, description: str, ts: int) -> UserMeta:
    salt = secrets.token_bytes(16)
    return UserMeta(name, salt.hex(), hash_password(password, salt), description, [], ts)


def password_matches(user: UserMeta, password: str) -> bool:
    return hmac.compare_digest(user.hash, hash_password(password, bytes.fromhex(user.salt)))


def _defaults_missing(security: SecurityMeta) -> bool:
    return ROOT_USER not in security.users or any(r not in security.roles for r in BUILTIN_ROLES)


def _add_defaults(catalog: Catalog) -> SecurityMeta:
    security = catalog.security
    if ROOT_USER not in security.users:
        security.users[ROOT_USER] = _new_user(ROOT_USER, ROOT_PASSWORD, "", 0)
    for role in BUILTIN_ROLES:
        security.roles.setdefault(role, RoleMeta(role))
    return security


_GENERATION_LOCK = threading.Lock()
_generation = 0


def generation() -> int:
    """A number that changes after every change of the security tables (caches of privileges compare it)."""
    return _generation


@contextmanager
def _ddl(svc: ServiceContext) -> Iterator[Catalog]:
    """``engine.ddl()`` for the security tables: bumps :func:`generation` once the change is applied."""
    global _generation
    try:
        with svc.engine.ddl() as catalog:
            yield catalog
    finally:
        with _GENERATION_LOCK:
            _generation += 1


def security(svc: ServiceContext) -> SecurityMeta:
    """The security tables for reading (root and the built-in roles are created on first use)."""
    current = svc.engine.catalog.security
    if _defaults_missing(current):
        with _ddl(svc) as catalog:
            return _add_defaults(catalog)
    return current


def grant_public_defaults(svc: ServiceContext) -> None:
    """Give the ``public`` role :data:`PUBLIC_DEFAULTS` (idempotent), as Milvus does when it starts."""
    wanted = [{"object_type": object_type, "object_name": "*", "db_name": "*", "privilege": privilege,
               "grantor": ROOT_USER} for object_type, privilege in PUBLIC_DEFAULTS]

    def missing(role: RoleMeta) -> list[dict[str, str]]:
        keys = ("object_type", "object_name", "db_name", "privilege")
        return [w for w in wanted if not any(all(g.get(k) == w[k] for k in keys) for g in role.grants)]

    if not missing(security(svc).roles[PUBLIC_ROLE]):
        return
    with _ddl(svc) as catalog:
        public = _add_defaults(catalog).roles[PUBLIC_ROLE]
        public.grants.extend(missing(public))


# ---- checks -----------------------------------------------------------------------------------------------------
def _check_user_name(name: object) -> str:
    if not isinstance(name, str) or not name:
        raise server_error(Code.INVALID_PARAMETER, "username should not be empty")
    if not _USER_NAME.match(name):
        raise server_error(Code.INVALID_PARAMETER, f"invalid username {name}: a username starts with a letter, "
                                                   "has at most 32 characters and contains only letters, digits, "
                                                   "underscores, dots and hyphens")
    return name


def _check_password(password: object) -> str:
    if not isinstance(password, str) or not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise server_error(Code.INVALID_PARAMETER, f"the length of password must be at least {MIN_PASSWORD} and "
                                                   f"at most {MAX_PASSWORD} characters")
    return password


def _check_role_name(name: object) -> str:
    if not isinstance(name, str) or not name:
        raise server_error(Code.INVALID_PARAMETER, "role name should not be empty")
    if not _ROLE_NAME.match(name):
        raise server_error(Code.INVALID_PARAMETER, f"invalid role name {name}: the first character must be a "
                                                   "letter or underscore; only letters, digits, underscores and "
                                                   "hyphens are allowed")
    return name


def _user(sec: SecurityMeta, name: str) -> UserMeta:
    user = sec.users.get(name)
    if user is None:
        raise server_error(Code.INVALID_PARAMETER, f"user not found: {name}")
    return user


def _role(sec: SecurityMeta, name: str) -> RoleMeta:
    role = sec.roles.get(name)
    if role is None:
        raise server_error(Code.INVALID_PARAMETER, f"role not found: {name}; create it with create_role first")
    return role


def _check_privilege(sec: SecurityMeta, privilege: str, *, groups: bool) -> str:
    if privilege == "*":
        return "All"
    if privilege in PRIVILEGES or (groups and (privilege in BUILTIN_GROUPS or privilege in sec.privilege_groups)):
        return privilege
    raise server_error(Code.INVALID_PARAMETER, f"privilege name [{privilege}] is not a Milvus privilege"
                                               + (" or privilege group" if groups else ""))


# ---- users ------------------------------------------------------------------------------------------------------
@handles(ops.CreateUser)
def create_user(svc: ServiceContext, op: ops.CreateUser, ctx: CallContext) -> None:
    _check_user_name(op.user_name)
    _check_password(op.password)
    user = _new_user(op.user_name, op.password, op.description or "", svc.engine.clock.allocate())
    with _ddl(svc) as catalog:
        sec = _add_defaults(catalog)
        if op.user_name in sec.users:
            raise server_error(Code.INVALID_PARAMETER, f"user already exists: {op.user_name}")
        if len(sec.users) >= MAX_USERS:
            raise server_error(Code.INVALID_PARAMETER, f"unable to add user because the number of users has "
                                                       f"reached the limit ({MAX_USERS})")
        sec.users[op.user_name] = user


@handles(ops.DropUser)
def drop_user(svc: ServiceContext, op: ops.DropUser, ctx: CallContext) -> None:
    if op.user_name == ROOT_USER:
        raise server_error(Code.INVALID_PARAMETER, "root user cannot be deleted")
    with _ddl(svc) as catalog:
        _add_defaults(catalog).users.pop(op.user_name, None)


@handles(ops.UpdateCredential)
def update_credential(svc: ServiceContext, op: ops.UpdateCredential, ctx: CallContext) -> None:
    sec = security(svc)
    _user(sec, op.user_name)
    change_password = bool(op.old_password or op.new_password)
    if change_password:
        _check_password(op.new_password)
        if not password_matches(sec.users[op.user_name], op.old_password):
            raise server_error(Code.PERMISSION_DENIED, f"old password not correct for user {op.user_name}")
        replacement = _new_user(op.user_name, op.new_password, "", 0)
    with _ddl(svc) as catalog:
        user = _user(catalog.security, op.user_name)
        if change_password:
            user.salt, user.hash = replacement.salt, replacement.hash
        if op.description is not None:
            user.description = op.description


@handles(ops.ListUsers)
def list_users(svc: ServiceContext, op: ops.ListUsers, ctx: CallContext) -> list[str]:
    return sorted(security(svc).users)


@handles(ops.SelectUser)
def select_user(svc: ServiceContext, op: ops.SelectUser, ctx: CallContext) -> list[UserResult]:
    sec = security(svc)
    if op.user_name:
        users = [sec.users[op.user_name]] if op.user_name in sec.users else []
    else:
        users = sorted(sec.users.values(), key=lambda u: u.name)
    return [UserResult(u.name, tuple(u.roles) if op.include_role_info else (), u.description) for u in users]


_VERIFIED: dict[bytes, str] = {}  # sha256(user, password) -> the stored hash it matched (hashing is slow)


@handles(ops.CheckCredential)
def check_credential(svc: ServiceContext, op: ops.CheckCredential, ctx: CallContext) -> bool:
    user = security(svc).users.get(op.user_name)
    if user is None:
        return False
    key = hashlib.sha256(f"{op.user_name}\0{op.password}\0{user.salt}".encode()).digest()
    if _VERIFIED.get(key) == user.hash:
        return True
    if not password_matches(user, op.password):
        return False
    if len(_VERIFIED) > 10000:
        _VERIFIED.clear()
    _VERIFIED[key] = user.hash
    return True


# ---- roles ------------------------------------------------------------------------------------------------------
@handles(ops.CreateRole)
def create_role(svc: ServiceContext, op: ops.CreateRole, ctx: CallContext) -> None:
    _check_role_name(op.role_name)
    with _ddl(svc) as catalog:
        sec = _add_defaults(catalog)
        if op.role_name in sec.roles:
            raise server_error(Code.INVALID_PARAMETER, f"role [name:\"{op.role_name}\"] already exists")
        if len(sec.roles) - len(BUILTIN_ROLES) >= MAX_ROLES:
            raise server_error(Code.INVALID_PARAMETER, f"unable to create role because the number of roles has "
                                                       f"reached the limit ({MAX_ROLES})")
        sec.roles[op.role_name] = RoleMeta(op.role_name, op.description or "")


@handles(ops.DropRole)
def drop_role(svc: ServiceContext, op: ops.DropRole, ctx: CallContext) -> None:
    if op.role_name in BUILTIN_ROLES:
        raise server_error(Code.INVALID_PARAMETER, f"the role[{op.role_name}] is a default role, which can't be "
                                                   "dropped")
    with _ddl(svc) as catalog:
        sec = _add_defaults(catalog)
        role = _role(sec, op.role_name)
        if role.grants and not op.force_drop:
            raise server_error(Code.INVALID_PARAMETER, f"fail to drop the role that it has privileges; revoke "
                                                       f"them first or use force_drop=True "
                                                       f"[role={op.role_name}]")
        del sec.roles[op.role_name]
        for user in sec.users.values():
            if op.role_name in user.roles:
                user.roles.remove(op.role_name)


@handles(ops.AlterRole)
def alter_role(svc: ServiceContext, op: ops.AlterRole, ctx: CallContext) -> None:
    with _ddl(svc) as catalog:
        _role(_add_defaults(catalog), op.role_name).description = op.description or ""


@handles(ops.SelectRole)
def select_role(svc: ServiceContext, op: ops.SelectRole, ctx: CallContext) -> list[RoleResult]:
    sec = security(svc)
    if op.role_name:
        roles = [sec.roles[op.role_name]] if op.role_name in sec.roles else []
    else:
        roles = list(sec.roles.values())
    out = []
    for role in roles:
        users = tuple(sorted(u.name for u in sec.users.values() if role.name in u.roles))
        out.append(RoleResult(role.name, role.description, users if op.include_user_info else ()))
    return out


@handles(ops.SelectGrant)
def select_grant(svc: ServiceContext, op: ops.SelectGrant, ctx: CallContext) -> list[Grant]:
    role = _role(security(svc), op.role_name)
    out = []
    for g in role.grants:
        if op.object_type and g["object_type"] != op.object_type:
            continue
        if op.object_name and g["object_name"] != op.object_name:
            continue
        if op.db_name and g["db_name"] not in (op.db_name, "*"):
            continue
        out.append(Grant(g["object_type"], g["object_name"], g["db_name"], role.name, g["privilege"],
                         g.get("grantor", "")))
    return out


@handles(ops.OperateUserRole)
def operate_user_role(svc: ServiceContext, op: ops.OperateUserRole, ctx: CallContext) -> None:
    with _ddl(svc) as catalog:
        sec = _add_defaults(catalog)
        user = _user(sec, op.user_name)
        _role(sec, op.role_name)
        if op.add and op.role_name not in user.roles:
            user.roles.append(op.role_name)
        elif not op.add and op.role_name in user.roles:
            user.roles.remove(op.role_name)


def _operate_grant(svc: ServiceContext, role_name: str, grant: dict[str, str], add: bool) -> None:
    with _ddl(svc) as catalog:
        role = _role(_add_defaults(catalog), role_name)
        key = {k: grant[k] for k in ("object_type", "object_name", "db_name", "privilege")}
        existing = [g for g in role.grants if {k: g[k] for k in key} == key]
        if add and not existing:
            role.grants.append(grant)
        elif not add:
            for g in existing:
                role.grants.remove(g)


@handles(ops.OperatePrivilege)
def operate_privilege(svc: ServiceContext, op: ops.OperatePrivilege, ctx: CallContext) -> None:
    if op.object_type not in OBJECT_TYPES:
        raise server_error(Code.INVALID_PARAMETER, f"invalid object type {op.object_type!r}; one of "
                                                   f"{', '.join(OBJECT_TYPES)}")
    if not op.object_name:
        raise server_error(Code.INVALID_PARAMETER, "object name should not be empty (use \"*\" for all objects)")
    privilege = _check_privilege(security(svc), op.privilege, groups=False)
    grant = {"object_type": op.object_type, "object_name": op.object_name,
             "db_name": op.db_name or ctx.db_name or DEFAULT_DB, "privilege": privilege, "grantor": ctx.user or ROOT_USER}
    _operate_grant(svc, op.role_name, grant, op.grant)


@handles(ops.OperatePrivilegeV2)
def operate_privilege_v2(svc: ServiceContext, op: ops.OperatePrivilegeV2, ctx: CallContext) -> None:
    if not op.collection_name:
        raise server_error(Code.INVALID_PARAMETER, "collection name should not be empty (use \"*\" for all)")
    privilege = _check_privilege(security(svc), op.privilege, groups=True)
    global_level = privilege in _GLOBAL_GROUPS
    grant = {"object_type": "Global" if global_level else "Collection",
             "object_name": "*" if global_level else op.collection_name,
             "db_name": "*" if global_level else (op.db_name or ctx.db_name or DEFAULT_DB),
             "privilege": privilege, "grantor": ctx.user or ROOT_USER}
    _operate_grant(svc, op.role_name, grant, op.grant)


# ---- privilege groups -------------------------------------------------------------------------------------------
@handles(ops.CreatePrivilegeGroup)
def create_privilege_group(svc: ServiceContext, op: ops.CreatePrivilegeGroup, ctx: CallContext) -> None:
    _check_role_name(op.group_name)
    with _ddl(svc) as catalog:
        groups = catalog.security.privilege_groups
        if op.group_name in groups or op.group_name in BUILTIN_GROUPS or op.group_name in PRIVILEGES:
            raise server_error(Code.INVALID_PARAMETER, f"privilege group [{op.group_name}] already exists")
        groups[op.group_name] = []


def _in_use(sec: SecurityMeta, group: str) -> bool:
    return any(g["privilege"] == group for role in sec.roles.values() for g in role.grants)


@handles(ops.DropPrivilegeGroup)
def drop_privilege_group(svc: ServiceContext, op: ops.DropPrivilegeGroup, ctx: CallContext) -> None:
    if op.group_name in BUILTIN_GROUPS:
        raise server_error(Code.INVALID_PARAMETER, f"privilege group [{op.group_name}] is built in and cannot be "
                                                   "dropped")
    with _ddl(svc) as catalog:
        sec = catalog.security
        if _in_use(sec, op.group_name):
            raise server_error(Code.INVALID_PARAMETER, f"privilege group [{op.group_name}] is granted to a role; "
                                                       "revoke it first")
        sec.privilege_groups.pop(op.group_name, None)


@handles(ops.ListPrivilegeGroups)
def list_privilege_groups(svc: ServiceContext, op: ops.ListPrivilegeGroups, ctx: CallContext
                          ) -> list[tuple[str, tuple[str, ...]]]:
    custom = svc.engine.catalog.security.privilege_groups
    out = [(name, tuple(privileges)) for name, privileges in BUILTIN_GROUPS.items()]
    out += [(name, tuple(privileges)) for name, privileges in sorted(custom.items())]
    return out


@handles(ops.OperatePrivilegeGroup)
def operate_privilege_group(svc: ServiceContext, op: ops.OperatePrivilegeGroup, ctx: CallContext) -> None:
    if op.group_name in BUILTIN_GROUPS:
        raise server_error(Code.INVALID_PARAMETER, f"privilege group [{op.group_name}] is built in and cannot be "
                                                   "changed")
    sec = svc.engine.catalog.security
    privileges = [_check_privilege(sec, p, groups=False) for p in op.privileges]
    with _ddl(svc) as catalog:
        group = catalog.security.privilege_groups.get(op.group_name)
        if group is None:
            raise server_error(Code.INVALID_PARAMETER, f"privilege group [{op.group_name}] does not exist")
        for privilege in privileges:
            if op.add and privilege not in group:
                group.append(privilege)
            elif not op.add and privilege in group:
                group.remove(privilege)
