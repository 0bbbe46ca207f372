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
    """``UserInfo`` for ``names``, with their roles when ``include_role_info``."""
    describe = sup.require(client, "describe_user", "user listing")
    items = []
    for name in names:
        roles = describe(name).get("roles", ()) if include_role_info else ()
        items.append(UserItem(name, roles))
    return UserInfo(items)


def role_info(client: Any, roles: list[str], include_user_info: bool) -> RoleInfo:
    """``RoleInfo`` for ``roles``, with their users when ``include_user_info``."""
    users_of: dict[str, list[str]] = {r: [] for r in roles}
    if include_user_info:
        describe = sup.require(client, "describe_user", "role listing")
        for user in sup.require(client, "list_users", "role listing")():
            for role in describe(user).get("roles", ()):
                users_of.setdefault(role, []).append(user)
    return RoleInfo([RoleItem(r, users_of.get(r, [])) for r in roles])


@deprecated_class("Role")
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
        """The role name."""
        return self._name

    def create(self) -> None:
        """Create the role."""
        self._call("create_role", self._name)

    def drop(self) -> None:
        """Delete the role."""
        self._call("drop_role", self._name)

    def is_exist(self) -> bool:
        """Tell whether the role exists."""
        return self._name in self._call("list_roles")

    def add_user(self, username: str) -> None:
        """Grant this role to ``username``."""
        self._call("grant_role", username, self._name)

    def remove_user(self, username: str) -> None:
        """Revoke this role from ``username``."""
        self._call("revoke_role", username, self._name)

    def get_users(self) -> tuple[str, ...]:
        """Names of the users that have this role."""
        client, _ = handler(self._using)
        info = role_info(client, [self._name], True)
        return info.groups[0].users if info.groups else ()

    def grant(self, object: str, object_name: str, privilege: str, db_name: str = "") -> None:  # noqa: A002
        """Grant ``privilege`` on ``object`` (``"Collection"``, ``"Global"``, ``"User"``) ``object_name``."""
        self._call("grant_privilege", self._name, object, privilege, object_name, db_name=db_name)

    def revoke(self, object: str, object_name: str, privilege: str, db_name: str = "") -> None:  # noqa: A002
        """Revoke a privilege granted with ``grant``."""
        self._call("revoke_privilege", self._name, object, privilege, object_name, db_name=db_name)

    def grant_v2(self, privilege: str, collection_name: str, db_name: str | None = None) -> None:
        """Grant a privilege (or privilege group) on a collection (``"*"`` for all) of a database."""
        self._call("grant_privilege_v2", self._name, privilege, collection_name, db_name=db_name)

    def revoke_v2(self, privilege: str, collection_name: str, db_name: str | None = None) -> None:
        """Revoke a privilege granted with ``grant_v2``."""
        self._call("revoke_privilege_v2", self._name, privilege, collection_name, db_name=db_name)

    def list_grant(self, object: str, object_name: str, db_name: str = "") -> GrantInfo:  # noqa: A002
        """The role's grants on one object, as a ``GrantInfo``."""
        entries = self._call("describe_role", self._name).get("privileges", [])
        return GrantInfo([GrantItem(e) for e in entries if e.get("object_type") == object
                          and e.get("object_name") == object_name
                          and (not db_name or e.get("db_name") == db_name)])

    def list_grants(self, db_name: str = "") -> GrantInfo:
        """All the role's grants (optionally of one database), as a ``GrantInfo``."""
        entries = self._call("describe_role", self._name).get("privileges", [])
        return GrantInfo([GrantItem(e) for e in entries if not db_name or e.get("db_name") == db_name])

    def create_privilege_group(self, privilege_group: str) -> None:
        """Create an empty privilege group."""
        self._call("create_privilege_group", privilege_group)

    def drop_privilege_group(self, privilege_group: str) -> None:
        """Delete a privilege group."""
        self._call("drop_privilege_group", privilege_group)

    def list_privilege_groups(self) -> Any:
        """List privilege groups with their privileges."""
        return self._call("list_privilege_groups")

    def add_privileges_to_group(self, privilege_group: str, privileges: list[str]) -> None:
        """Add privileges to a privilege group."""
        self._call("add_privileges_to_group", privilege_group, privileges)

    def remove_privileges_from_group(self, privilege_group: str, privileges: list[str]) -> None:
        """Remove privileges from a privilege group."""
        self._call("remove_privileges_from_group", privilege_group, privileges)
