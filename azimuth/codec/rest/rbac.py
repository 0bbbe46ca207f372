"""``/users/*``, ``/roles/*`` and ``/privilege_groups/*`` (rest-v2 §14-§16): server handlers and their client
twins over the RBAC ops of :mod:`azimuth.ops.admin`.

Shapes: ``users/describe`` answers the user's role names with the description at the top level (Azimuth leaves
``description`` out when the user does not exist, so clients can tell "no roles" from "no user");
``roles/describe`` answers the grants of the role in the resolved database plus a top-level ``description``;
``privilege_groups/list`` joins each group's privileges with commas. Azimuth extension: ``roles/drop`` accepts
``forceDrop`` (drop a role that still has grants), which other servers ignore.
"""

from __future__ import annotations

from typing import Any

from azimuth.codec.rest.body import RestRequest
from azimuth.codec.rest.errors import missing
from azimuth.codec.rest.table import Run, client, route
from azimuth.ops import admin as a

USER = {"dbName": "str", "userName": "str"}
ROLE = {"dbName": "str", "roleName": "str"}
USER_ROLE = {**USER, "roleName": "str"}
PRIVILEGE = {**ROLE, "objectType": "str", "objectName": "str", "privilege": "str"}
PRIVILEGE_V2 = {**ROLE, "privilege": "str", "collectionName": "str"}
GROUP = {"dbName": "str", "privilegeGroupName": "str"}
GROUP_PRIVILEGES = {**GROUP, "privileges": "list[str]"}


def _with(body: dict[str, Any], **optional: Any) -> dict[str, Any]:
    """``body`` plus the optional keys that are not ``None``."""
    return {**body, **{k: v for k, v in optional.items() if v is not None}}


# ---- users -------------------------------------------------------------------------------------------------


@route("/users/list", "List users", {"dbName": "str"})
def _list_users(req: RestRequest, run: Run) -> dict[str, Any]:
    return {"data": list(run(a.ListUsers()))}


@route("/users/describe", "Roles of a user (description at the top level)", USER, ("userName",), "UserReq")
def _describe_user(req: RestRequest, run: Run) -> dict[str, Any]:
    users = run(a.SelectUser(user_name=req.str("userName", required=True), include_role_info=True))
    if not users:
        return {"data": []}
    return {"data": list(users[0].roles), "description": users[0].description}


@route("/users/create", "Create a user", {**USER, "password": "str", "description": "str"},
       ("userName", "password"), "PasswordReq")
def _create_user(req: RestRequest, run: Run) -> dict[str, Any]:
    description = req.get("description", "str")
    run(a.CreateUser(user_name=req.str("userName", required=True), password=req.str("password", required=True),
                     description=description))
    return {"data": {}}


@route("/users/update_password", "Change a password (password + newPassword) and/or the description",
       {**USER, "password": "str", "newPassword": "str", "description": "str"}, ("userName",), "NewPasswordReq")
def _update_password(req: RestRequest, run: Run) -> dict[str, Any]:
    new = req.str("newPassword")
    description = req.get("description", "str")
    if not new and description is None:
        raise missing(req.struct, "newPassword")
    run(a.UpdateCredential(user_name=req.str("userName", required=True), old_password=req.str("password") if new
                           else "", new_password=new, description=description))
    return {"data": {}}


@route("/users/drop", "Drop a user", USER, ("userName",), "UserReq")
def _drop_user(req: RestRequest, run: Run) -> dict[str, Any]:
    run(a.DropUser(user_name=req.str("userName", required=True)))
    return {"data": {}}


def _user_role_handler(add: bool) -> Any:
    def handle(req: RestRequest, run: Run) -> dict[str, Any]:
        run(a.OperateUserRole(user_name=req.str("userName", required=True),
                              role_name=req.str("roleName", required=True), add=add))
        return {"data": {}}

    return handle


route("/users/grant_role", "Grant a role to a user", USER_ROLE, ("userName", "roleName"), "UserRoleReq")(
    _user_role_handler(True))
route("/users/revoke_role", "Revoke a role from a user", USER_ROLE, ("userName", "roleName"), "UserRoleReq")(
    _user_role_handler(False))


def _select_user_req(op: a.SelectUser) -> tuple[str, dict[str, Any]]:
    if not op.user_name:  # every user: names only (users/describe takes one user)
        return "/users/list", {}
    return "/users/describe", {"userName": op.user_name}


def _select_user_result(payload: dict[str, Any], op: a.SelectUser, info: Any) -> list[a.UserResult]:
    if not op.user_name:
        return [a.UserResult(name) for name in payload["data"]]
    if "description" not in payload:
        return []
    roles = tuple(payload.get("data") or ()) if op.include_role_info else ()
    return [a.UserResult(op.user_name, roles, str(payload.get("description") or ""))]


client(a.ListUsers, lambda op: ("/users/list", {}), lambda p, op, info: list(p["data"]))
client(a.SelectUser, _select_user_req, _select_user_result)
client(a.CreateUser, lambda op: ("/users/create", _with({"userName": op.user_name, "password": op.password},
                                                          description=op.description)))
client(a.UpdateCredential, lambda op: ("/users/update_password", _with(
    {"userName": op.user_name, "password": op.old_password, "newPassword": op.new_password},
    description=op.description)))
client(a.DropUser, lambda op: ("/users/drop", {"userName": op.user_name}))
client(a.OperateUserRole, lambda op: ("/users/grant_role" if op.add else "/users/revoke_role",
                                      {"userName": op.user_name, "roleName": op.role_name}))

# ---- roles -------------------------------------------------------------------------------------------------


@route("/roles/list", "List roles", {"dbName": "str"})
def _list_roles(req: RestRequest, run: Run) -> dict[str, Any]:
    return {"data": [r.role_name for r in run(a.SelectRole())]}


def _grant_json(grant: a.Grant) -> dict[str, str]:
    return {"objectType": grant.object_type, "objectName": grant.object_name, "privilege": grant.privilege,
            "dbName": grant.db_name, "grantor": grant.grantor}


@route("/roles/describe", "Grants of a role in the database (description at the top level)", ROLE, ("roleName",),
       "RoleReq")
def _describe_role(req: RestRequest, run: Run) -> dict[str, Any]:
    name = req.str("roleName", required=True)
    grants = run(a.SelectGrant(role_name=name, db_name=req.db))
    roles = run(a.SelectRole(role_name=name))
    return {"data": [_grant_json(g) for g in grants], "description": roles[0].description if roles else ""}


@route("/roles/create", "Create a role", {**ROLE, "description": "str"}, ("roleName",), "RoleReq")
def _create_role(req: RestRequest, run: Run) -> dict[str, Any]:
    run(a.CreateRole(role_name=req.str("roleName", required=True), description=req.str("description")))
    return {"data": {}}


@route("/roles/alter", "Change the description of a role", {**ROLE, "description": "str"}, ("roleName",),
       "RoleReq")
def _alter_role(req: RestRequest, run: Run) -> dict[str, Any]:
    run(a.AlterRole(role_name=req.str("roleName", required=True), description=req.str("description")))
    return {"data": {}}


@route("/roles/drop", "Drop a role (Azimuth: forceDrop also drops its grants)", {**ROLE, "forceDrop": "bool"},
       ("roleName",), "RoleReq")
def _drop_role(req: RestRequest, run: Run) -> dict[str, Any]:
    run(a.DropRole(role_name=req.str("roleName", required=True), force_drop=req.bool("forceDrop")))
    return {"data": {}}


def _privilege_handler(grant: bool) -> Any:
    def handle(req: RestRequest, run: Run) -> dict[str, Any]:
        run(a.OperatePrivilege(role_name=req.str("roleName", required=True),
                               object_type=req.str("objectType", required=True),
                               object_name=req.str("objectName", required=True),
                               privilege=req.str("privilege", required=True), db_name=req.db, grant=grant))
        return {"data": {}}

    return handle


def _privilege_v2_handler(grant: bool) -> Any:
    def handle(req: RestRequest, run: Run) -> dict[str, Any]:
        run(a.OperatePrivilegeV2(role_name=req.str("roleName", required=True),
                                 privilege=req.str("privilege", required=True),
                                 collection_name=req.str("collectionName", required=True),
                                 db_name=req.str("dbName"), grant=grant))  # as sent: not defaulted from the header
        return {"data": {}}

    return handle


_PRIVILEGE_KEYS = ("roleName", "objectType", "objectName", "privilege")
route("/roles/grant_privilege", "Grant a privilege on an object", PRIVILEGE, _PRIVILEGE_KEYS, "GrantReq")(
    _privilege_handler(True))
route("/roles/revoke_privilege", "Revoke a privilege on an object", PRIVILEGE, _PRIVILEGE_KEYS, "GrantReq")(
    _privilege_handler(False))
route("/roles/grant_privilege_v2", "Grant a privilege (or group) on a database / collection", PRIVILEGE_V2,
      ("roleName", "privilege", "collectionName"), "GrantV2Req")(_privilege_v2_handler(True))
route("/roles/revoke_privilege_v2", "Revoke a privilege (or group) on a database / collection", PRIVILEGE_V2,
      ("roleName", "privilege", "collectionName"), "GrantV2Req")(_privilege_v2_handler(False))


def _select_role_result(payload: dict[str, Any], op: a.SelectRole, info: Any) -> list[a.RoleResult]:
    if not op.role_name:
        return [a.RoleResult(name) for name in payload["data"]]
    return [a.RoleResult(op.role_name, str(payload.get("description") or ""))]


def _select_grant_result(payload: dict[str, Any], op: a.SelectGrant, info: Any) -> list[a.Grant]:
    out = []
    for g in payload.get("data") or ():
        grant = a.Grant(str(g.get("objectType", "")), str(g.get("objectName", "")), str(g.get("dbName", "")),
                        op.role_name, str(g.get("privilege", "")), str(g.get("grantor", "")))
        if op.object_type and grant.object_type != op.object_type:
            continue
        if op.object_name and grant.object_name != op.object_name:
            continue
        out.append(grant)
    return out


def _role_db(op: Any) -> dict[str, Any]:
    return {"dbName": op.db_name} if op.db_name else {}


client(a.SelectRole, lambda op: ("/roles/describe", {"roleName": op.role_name}) if op.role_name
       else ("/roles/list", {}), _select_role_result)
client(a.SelectGrant, lambda op: ("/roles/describe", {**_role_db(op), "roleName": op.role_name}),
       _select_grant_result)
client(a.CreateRole, lambda op: ("/roles/create", {"roleName": op.role_name, "description": op.description}))
client(a.AlterRole, lambda op: ("/roles/alter", {"roleName": op.role_name, "description": op.description}))
client(a.DropRole, lambda op: ("/roles/drop", {"roleName": op.role_name, "forceDrop": op.force_drop}))
client(a.OperatePrivilege, lambda op: ("/roles/grant_privilege" if op.grant else "/roles/revoke_privilege", {
    **_role_db(op), "roleName": op.role_name, "objectType": op.object_type, "objectName": op.object_name,
    "privilege": op.privilege}))
client(a.OperatePrivilegeV2, lambda op: ("/roles/grant_privilege_v2" if op.grant else "/roles/revoke_privilege_v2", {
    **_role_db(op), "roleName": op.role_name, "privilege": op.privilege, "collectionName": op.collection_name}))

# ---- privilege groups --------------------------------------------------------------------------------------


@route("/privilege_groups/list", "List privilege groups (privileges comma-joined)", {"dbName": "str"})
def _list_groups(req: RestRequest, run: Run) -> dict[str, Any]:
    groups = run(a.ListPrivilegeGroups())
    return {"data": {"privilegeGroups": [{"privilegeGroupName": name, "privileges": ",".join(privileges)}
                                         for name, privileges in groups]}}


@route("/privilege_groups/create", "Create an (empty) privilege group", GROUP, ("privilegeGroupName",),
       "PrivilegeGroupReq")
def _create_group(req: RestRequest, run: Run) -> dict[str, Any]:
    run(a.CreatePrivilegeGroup(group_name=req.str("privilegeGroupName", required=True)))
    return {"data": {}}


@route("/privilege_groups/drop", "Drop a privilege group", GROUP, ("privilegeGroupName",), "PrivilegeGroupReq")
def _drop_group(req: RestRequest, run: Run) -> dict[str, Any]:
    run(a.DropPrivilegeGroup(group_name=req.str("privilegeGroupName", required=True)))
    return {"data": {}}


def _group_privileges_handler(add: bool) -> Any:
    def handle(req: RestRequest, run: Run) -> dict[str, Any]:
        run(a.OperatePrivilegeGroup(group_name=req.str("privilegeGroupName", required=True),
                                    privileges=req.names("privileges"), add=add))
        return {"data": {}}

    return handle


route("/privilege_groups/add_privileges_to_group", "Add privileges to a group", GROUP_PRIVILEGES,
      ("privilegeGroupName",), "PrivilegeGroupReq")(_group_privileges_handler(True))
route("/privilege_groups/remove_privileges_from_group", "Remove privileges from a group", GROUP_PRIVILEGES,
      ("privilegeGroupName",), "PrivilegeGroupReq")(_group_privileges_handler(False))


def _groups_result(payload: dict[str, Any], op: Any, info: Any) -> list[tuple[str, tuple[str, ...]]]:
    groups = (payload.get("data") or {}).get("privilegeGroups") or ()
    return [(str(g["privilegeGroupName"]), tuple(p for p in str(g.get("privileges") or "").split(",") if p))
            for g in groups]


client(a.ListPrivilegeGroups, lambda op: ("/privilege_groups/list", {}), _groups_result)
client(a.CreatePrivilegeGroup, lambda op: ("/privilege_groups/create", {"privilegeGroupName": op.group_name}))
client(a.DropPrivilegeGroup, lambda op: ("/privilege_groups/drop", {"privilegeGroupName": op.group_name}))
client(a.OperatePrivilegeGroup, lambda op: (
    "/privilege_groups/add_privileges_to_group" if op.add else "/privilege_groups/remove_privileges_from_group",
    {"privilegeGroupName": op.group_name, "privileges": list(op.privileges)}))

__all__: list[str] = []
