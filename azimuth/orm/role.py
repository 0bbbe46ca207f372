"""``Role`` and the legacy RBAC result objects (``UserInfo``/``RoleInfo``/``GrantInfo``), built on the
``MilvusClient`` user/role methods. When the client has no RBAC methods, calls raise a ``MilvusException``
(code 3000) naming the missing feature."""

from __future__ import annotations

from typing import Any

from azimuth.orm import _support as sup
from azimuth.orm._deprecation import deprecated_class
from azimuth.orm.connections import DEFAULT_ALIAS, handler


class UserItem:
    """One user and its roles."""

    def __init__(self, username: str, roles: Any = ()) -> None:
        self.username = username
        self.roles = tuple(roles)

    def __repr__(self) -> str:
        return f"UserItem: <username:{self.username}>, <roles:{self.roles}>"


class RoleItem:
    """One role and its users."""

    def __init__(self, role_name: str, users: Any = ()) -> None:
        self.role_name = role_name
        self.users = tuple(users)

    def __repr__(self) -> str:
        return f"RoleItem: <role_name:{self.role_name}>, <users:{self.users}>"


class GrantItem:
    """One granted privilege."""

    def __init__(self, entry: dict[str, Any]) -> None:
        self.object = entry.get("object_type", "")
        self.object_name = entry.get("object_name", "")
        self.db_name = entry.get("db_name", "")
        self.role_name = entry.get("role_name", "")
        self.grantor_name = entry.get("grantor_name", "")
        self.privilege = entry.get("privilege", "")

    def __repr__(self) -> str:
        return (f"GrantItem: <object:{self.object}>, <object_name:{self.object_name}>, <db_name:{self.db_name}>, "
                f"<role_name:{self.role_name}>, <grantor_name:{self.grantor_name}>, <privilege:{self.privilege}>")


class _Groups:
    def __init__(self, groups: list[Any]) -> None:
        self.groups = groups

    def __repr__(self) -> str:
        return f"{type(self).__name__} groups:" + "".join(f"\n- {g}" for g in self.groups)


class UserInfo(_Groups):
    """``groups``: list of ``UserItem``."""


class RoleInfo(_Groups):
    """``groups``: list of ``RoleItem``."""


class GrantInfo(_Groups):
    """``groups``: list of ``GrantItem``."""


def user_info(client: Any, names: list[str], include_role_info: bool) -> UserInfo:
    describe = sup.require(client, "describe_user", "user listing")
    items = []
    for name in names:
        roles = describe(name).get("roles", ()) if include_role_info else ()
        items.append(UserItem(name, roles))
    return UserInfo(items)


def role_info(client: Any, roles: list[str], include_user_info: bool) -> RoleInfo:
    users_of: dict[str, list[str]] = {r: [] for r in roles}
    if include_user_info:
        describe = sup.require(client, "describe_user", "role listing")
        for user in sup.require(client, "list_users", "role listing")():
            for role in describe(user).get("roles", ()):
                users_of.setdefault(role, []).append(user)
    return RoleInfo([RoleItem(r, users_of.get(r, [])) for r in roles])


class Role:
    """Role ``name`` on the connection named ``using``."""

    def __init__(self, name: str, using: str = DEFAULT_ALIAS, **kwargs: Any) -> None:
        self._name = name
        self._using = using
        self._kwargs = kwargs

    def _call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        client, call = handler(self._using, kwargs)
        call.pop("db_name", None)
        return sup.require(client, method, f"Role.{method} (RBAC)")(*args, **call)

    @property
    def name(self) -> str:
        return self._name

    def create(self) -> None:
        self._call("create_role", self._name)

    def drop(self) -> None:
        self._call("drop_role", self._name)

    def is_exist(self) -> bool:
        return self._name in self._call("list_roles")

    def add_user(self, username: str) -> None:
        self._call("grant_role", username, self._name)

    def remove_user(self, username: str) -> None:
        self._call("revoke_role", username, self._name)

    def get_users(self) -> tuple[str, ...]:
        client, _ = handler(self._using)
        info = role_info(client, [self._name], True)
        return info.groups[0].users if info.groups else ()

    def grant(self, object: str, object_name: str, privilege: str, db_name: str = "") -> None:  # noqa: A002
        self._call("grant_privilege", self._name, object, privilege, object_name, db_name=db_name)

    def revoke(self, object: str, object_name: str, privilege: str, db_name: str = "") -> None:  # noqa: A002
        self._call("revoke_privilege", self._name, object, privilege, object_name, db_name=db_name)

    def grant_v2(self, privilege: str, collection_name: str, db_name: str | None = None) -> None:
        self._call("grant_privilege_v2", self._name, privilege, collection_name, db_name=db_name)

    def revoke_v2(self, privilege: str, collection_name: str, db_name: str | None = None) -> None:
        self._call("revoke_privilege_v2", self._name, privilege, collection_name, db_name=db_name)

    def list_grant(self, object: str, object_name: str, db_name: str = "") -> GrantInfo:  # noqa: A002
        entries = self._call("describe_role", self._name).get("privileges", [])
        return GrantInfo([GrantItem(e) for e in entries if e.get("object_type") == object
                          and e.get("object_name") == object_name
                          and (not db_name or e.get("db_name") == db_name)])

    def list_grants(self, db_name: str = "") -> GrantInfo:
        entries = self._call("describe_role", self._name).get("privileges", [])
        return GrantInfo([GrantItem(e) for e in entries if not db_name or e.get("db_name") == db_name])

    def create_privilege_group(self, privilege_group: str) -> None:
        self._call("create_privilege_group", privilege_group)

    def drop_privilege_group(self, privilege_group: str) -> None:
        self._call("drop_privilege_group", privilege_group)

    def list_privilege_groups(self) -> Any:
        return self._call("list_privilege_groups")

    def add_privileges_to_group(self, privilege_group: str, privileges: list[str]) -> None:
        self._call("add_privileges_to_group", privilege_group, privileges)

    def remove_privileges_from_group(self, privilege_group: str, privileges: list[str]) -> None:
        self._call("remove_privileges_from_group", privilege_group, privileges)


Role = deprecated_class("Role")(Role)  # type: ignore[misc]
