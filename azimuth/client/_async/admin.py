"""Client methods for users, roles, privileges, privilege groups, resource groups and replicas (mixed into
``AsyncMilvusClient``; ``scripts/unasync.py`` generates the sync twin). Each builds one op from
:mod:`azimuth.ops.admin` and shapes its result like pymilvus.
"""

from __future__ import annotations

from typing import Any

from azimuth.client import _base as base
from azimuth.errors import ParamError
from azimuth.ops import admin as admin_ops
from azimuth.types.admin_results import AttrDict, NodeInfo, ReplicaInfo, ResourceGroupInfo, Shard


def _text(name: str, value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise ParamError(message=f"`{name}` value {value!r} is illegal")
    return value


def rg_config(config: Any) -> dict[str, Any]:
    """A resource group config (``ResourceGroupConfig`` message or dict) as a plain dict."""
    if config is None:
        return {}
    if isinstance(config, dict):
        return dict(config)
    if hasattr(config, "DESCRIPTOR"):
        from google.protobuf import json_format

        return json_format.MessageToDict(config, preserving_proto_field_name=True)
    raise ParamError(message=f"invalid resource group config of type {type(config).__name__}")


class AdminMixin:
    """Needs ``_core`` and ``_call`` from the client it is mixed into."""

    _core: Any
    _call: Any
    _transport: Any

    # ---- users -------------------------------------------------------------------------------------------
    async def create_user(self, user_name: str, password: str, timeout: float | None = None,
                          description: str | None = None, **kwargs: Any) -> None:
        """Create a user with a password.

        Raises:
            ParamError: ``user_name`` is empty or not a string, or ``password`` is not a string.
        """
        _text("user", user_name)
        if not isinstance(password, str):
            raise ParamError(message=f"`password` value {password!r} is illegal")
        await self._call(admin_ops.CreateUser(user_name=user_name, password=password, description=description),
                         timeout, kwargs)

    async def drop_user(self, user_name: str, timeout: float | None = None, **kwargs: Any) -> None:
        """Delete a user.

        Raises:
            ParamError: ``user_name`` is not a string.
        """
        if not isinstance(user_name, str):
            raise ParamError(message=f"invalid user {user_name}")
        await self._call(admin_ops.DropUser(user_name=user_name), timeout, kwargs)

    # unasync: async-only
    async def update_password(self, user_name: str, old_password: str, new_password: str,
                              timeout: float | None = None, description: str | None = None, **kwargs: Any) -> None:
        """Change a user's password; ``old_password`` must be the current one."""
        await self._update_password(user_name, old_password, new_password, timeout, description, kwargs)

    # unasync: end
    # unasync: sync-only
    # def update_password(self, user_name: str, old_password: str, new_password: str,
    #                     reset_connection: bool | None = False, timeout: float | None = None,
    #                     description: str | None = None, **kwargs: Any) -> None:
    #     """Change a user's password; ``old_password`` must be the current one.
    #
    #     Args:
    #         reset_connection: when True, this client switches to the new credentials and reconnects.
    #     """
    #     self._update_password(user_name, old_password, new_password, timeout, description, kwargs)
    #     if reset_connection:
    #         self._core._token = f"{user_name}:{new_password}"
    #         self._core._user = user_name
    #         if self._transport is not None:
    #             self._transport.close()
    #             self._transport = None
    #
    # unasync: end
    async def _update_password(self, user_name: str, old_password: str, new_password: str, timeout: float | None,
                               description: str | None, kwargs: dict[str, Any]) -> None:
        _text("user", user_name)
        for name, value in (("old_password", old_password), ("new_password", new_password)):
            if not isinstance(value, str):
                raise ParamError(message=f"`{name}` value {value!r} is illegal")
        op = admin_ops.UpdateCredential(user_name=user_name, old_password=old_password, new_password=new_password,
                                        description=description)
        await self._call(op, timeout, kwargs)

    async def update_user(self, user_name: str, description: str, timeout: float | None = None,
                          **kwargs: Any) -> None:
        """Set a user's description."""
        _text("user", user_name)
        await self._call(admin_ops.UpdateCredential(user_name=user_name, description=description or ""), timeout,
                         kwargs)

    async def list_users(self, timeout: float | None = None, **kwargs: Any) -> list[str]:
        """Names of all users."""
        return list(await self._call(admin_ops.ListUsers(), timeout, kwargs))

    async def describe_user(self, user_name: str, timeout: float | None = None, **kwargs: Any) -> dict:
        """Return ``{"user_name", "roles": tuple, "description"}``, or ``{}`` when the user does not exist."""
        _text("user", user_name)
        users = await self._call(admin_ops.SelectUser(user_name=user_name, include_role_info=True), timeout, kwargs)
        if not users:
            return {}
        return {"user_name": user_name, "roles": tuple(users[0].roles), "description": users[0].description}

    # ---- roles -------------------------------------------------------------------------------------------
    async def create_role(self, role_name: str, timeout: float | None = None, description: str = "",
                          **kwargs: Any) -> None:
        """Create a role, optionally with a description."""
        _text("role_name", role_name)
        await self._call(admin_ops.CreateRole(role_name=role_name, description=description or ""), timeout, kwargs)

    async def alter_role(self, role_name: str, description: str, timeout: float | None = None,
                         **kwargs: Any) -> None:
        """Set a role's description."""
        _text("role_name", role_name)
        await self._call(admin_ops.AlterRole(role_name=role_name, description=description or ""), timeout, kwargs)

    async def drop_role(self, role_name: str, force_drop: bool = False, timeout: float | None = None,
                        **kwargs: Any) -> None:
        """Delete a role.

        Args:
            force_drop: also revoke the role's privileges; without it a role that still has grants cannot be dropped.
        """
        _text("role_name", role_name)
        await self._call(admin_ops.DropRole(role_name=role_name, force_drop=bool(force_drop)), timeout, kwargs)

    async def list_roles(self, timeout: float | None = None, **kwargs: Any) -> list[str]:
        """Names of all roles (built-in ``admin`` and ``public`` included)."""
        roles = await self._call(admin_ops.SelectRole(), timeout, kwargs)
        return [r.role_name for r in roles]

    async def describe_role(self, role_name: str, timeout: float | None = None, **kwargs: Any) -> dict:
        """Return ``{"role", "description", "privileges"}``.

        Each privilege is a dict with ``object_type``, ``object_name``, ``role_name`` and ``privilege``, plus
        ``db_name`` and ``grantor_name`` when set.

        Pass ``db_name`` as a keyword argument to list only the grants in that database.
        """
        _text("role_name", role_name)
        db_name = kwargs.pop("db_name", "") or ""
        roles = await self._call(admin_ops.SelectRole(role_name=role_name), timeout, kwargs)
        grants = await self._call(admin_ops.SelectGrant(role_name=role_name, db_name=db_name), timeout, kwargs)
        privileges = []
        for g in grants:
            item: dict[str, Any] = {"object_type": g.object_type, "object_name": g.object_name}
            if g.db_name:
                item["db_name"] = g.db_name
            item["role_name"] = g.role_name
            item["privilege"] = g.privilege
            if g.grantor:
                item["grantor_name"] = g.grantor
            privileges.append(item)
        return {"role": role_name, "description": roles[0].description if roles else "", "privileges": privileges}

    async def grant_role(self, user_name: str, role_name: str, timeout: float | None = None, **kwargs: Any) -> None:
        """Give ``role_name`` to ``user_name``."""
        op = admin_ops.OperateUserRole(user_name=_text("user", user_name), role_name=_text("role_name", role_name),
                                       add=True)
        await self._call(op, timeout, kwargs)

    async def revoke_role(self, user_name: str, role_name: str, timeout: float | None = None,
                          **kwargs: Any) -> None:
        """Take ``role_name`` away from ``user_name``."""
        op = admin_ops.OperateUserRole(user_name=_text("user", user_name), role_name=_text("role_name", role_name),
                                       add=False)
        await self._call(op, timeout, kwargs)

    async def grant_privilege(self, role_name: str, object_type: str, privilege: str, object_name: str,
                              db_name: str | None = "", timeout: float | None = None, **kwargs: Any) -> None:
        """Grant a privilege on an object (v1 model), e.g. ``("reader", "Collection", "Search", "books")``.

        Args:
            object_type: ``"Global"``, ``"Collection"`` or ``"User"``.
            object_name: the object's name, or ``"*"`` for all.
        """
        await self._privilege(role_name, object_type, privilege, object_name, db_name, True, timeout, kwargs)

    async def revoke_privilege(self, role_name: str, object_type: str, privilege: str, object_name: str,
                               db_name: str | None = "", timeout: float | None = None, **kwargs: Any) -> None:
        """Revoke a privilege granted with ``grant_privilege``."""
        await self._privilege(role_name, object_type, privilege, object_name, db_name, False, timeout, kwargs)

    async def _privilege(self, role_name: str, object_type: str, privilege: str, object_name: str,
                         db_name: str | None, grant: bool, timeout: float | None, kwargs: dict[str, Any]) -> None:
        op = admin_ops.OperatePrivilege(role_name=_text("role_name", role_name),
                                        object_type=_text("object", object_type),
                                        privilege=_text("privilege", privilege),
                                        object_name=_text("object_name", object_name), db_name=db_name or "",
                                        grant=grant)
        await self._call(op, timeout, kwargs)

    async def grant_privilege_v2(self, role_name: str, privilege: str, collection_name: str,
                                 db_name: str | None = None, timeout: float | None = None, **kwargs: Any) -> None:
        """Grant a privilege or privilege group on a collection (``"*"`` for all) of a database.

        Args:
            db_name: database of the collection; defaults to the client's current database.
        """
        await self._privilege_v2(role_name, privilege, collection_name, db_name, True, timeout, kwargs)

    async def revoke_privilege_v2(self, role_name: str, privilege: str, collection_name: str,
                                  db_name: str | None = None, timeout: float | None = None, **kwargs: Any) -> None:
        """Revoke a privilege granted with ``grant_privilege_v2``."""
        await self._privilege_v2(role_name, privilege, collection_name, db_name, False, timeout, kwargs)

    async def _privilege_v2(self, role_name: str, privilege: str, collection_name: str, db_name: str | None,
                            grant: bool, timeout: float | None, kwargs: dict[str, Any]) -> None:
        op = admin_ops.OperatePrivilegeV2(role_name=_text("role_name", role_name),
                                          privilege=_text("privilege", privilege),
                                          collection_name=_text("collection_name", collection_name),
                                          db_name=db_name or self._core.db(kwargs), grant=grant)
        await self._call(op, timeout, kwargs)

    # ---- privilege groups --------------------------------------------------------------------------------
    async def create_privilege_group(self, group_name: str, timeout: float | None = None, **kwargs: Any) -> None:
        """Create an empty privilege group (a named set of privileges that can be granted as one)."""
        await self._call(admin_ops.CreatePrivilegeGroup(group_name=_text("privilege_group", group_name)), timeout,
                         kwargs)

    async def drop_privilege_group(self, group_name: str, timeout: float | None = None, **kwargs: Any) -> None:
        """Delete a privilege group."""
        await self._call(admin_ops.DropPrivilegeGroup(group_name=_text("privilege_group", group_name)), timeout,
                         kwargs)

    async def list_privilege_groups(self, timeout: float | None = None, **kwargs: Any) -> list[dict]:
        """List privilege groups as ``[{"privilege_group": name, "privileges": [...]}, ...]`` (a tuple of privileges
        on the sync client).
        """
        groups = await self._call(admin_ops.ListPrivilegeGroups(), timeout, kwargs)
        # unasync: async-only
        return [{"privilege_group": name, "privileges": list(privileges)} for name, privileges in groups]
        # unasync: end
        # unasync: sync-only
        # return [{"privilege_group": name, "privileges": tuple(privileges)} for name, privileges in groups]
        # unasync: end

    async def add_privileges_to_group(self, group_name: str, privileges: list[str], timeout: float | None = None,
                                      **kwargs: Any) -> None:
        """Add privileges to a privilege group.

        Raises:
            ParamError: ``privileges`` is not a list of non-empty strings.
        """
        await self._group_privileges(group_name, privileges, True, timeout, kwargs)

    async def remove_privileges_from_group(self, group_name: str, privileges: list[str],
                                           timeout: float | None = None, **kwargs: Any) -> None:
        """Remove privileges from a privilege group.

        Raises:
            ParamError: ``privileges`` is not a list of non-empty strings.
        """
        await self._group_privileges(group_name, privileges, False, timeout, kwargs)

    async def _group_privileges(self, group_name: str, privileges: list[str], add: bool, timeout: float | None,
                                kwargs: dict[str, Any]) -> None:
        if not isinstance(privileges, (list, tuple)) or not all(isinstance(p, str) and p for p in privileges):
            raise ParamError(message=f"`privileges` value {privileges!r} is illegal")
        op = admin_ops.OperatePrivilegeGroup(group_name=_text("privilege_group", group_name),
                                             privileges=tuple(privileges), add=add)
        await self._call(op, timeout, kwargs)

    # ---- resource groups and replicas --------------------------------------------------------------------
    async def create_resource_group(self, name: str, timeout: float | None = None, **kwargs: Any) -> None:
        """Create a resource group; pass its config as the ``config`` keyword (dict or ``ResourceGroupConfig``)."""
        op = admin_ops.CreateResourceGroup(group_name=_text("resource_group", name),
                                           config=rg_config(kwargs.get("config")))
        await self._call(op, timeout, kwargs)

    # unasync: async-only
    async def update_resource_groups(self, configs: dict, timeout: float | None = None, **kwargs: Any) -> None:
        """Update resource groups from ``{name: config}``.

        Raises:
            ParamError: ``configs`` is not a dict.
        """
        await self._update_resource_groups(configs, timeout, kwargs)

    async def drop_resource_group(self, name: str, timeout: float | None = None, **kwargs: Any) -> None:
        """Delete a resource group."""
        await self._call(admin_ops.DropResourceGroup(group_name=_text("resource_group", name)), timeout, kwargs)

    async def describe_resource_group(self, name: str, timeout: float | None = None,
                                      **kwargs: Any) -> ResourceGroupInfo:
        """Return a ``ResourceGroupInfo`` (capacity, available nodes, loaded replicas, config, nodes)."""
        return await self._describe_resource_group(name, timeout, kwargs)

    async def list_resource_groups(self, timeout: float | None = None, **kwargs: Any) -> list[str]:
        """Names of all resource groups (``__default_resource_group`` included)."""
        return list(await self._call(admin_ops.ListResourceGroups(), timeout, kwargs))

    async def transfer_replica(self, source: str, target: str, collection_name: str, num_replica: int,
                               timeout: float | None = None, **kwargs: Any) -> None:
        """Move ``num_replica`` replicas of a collection from resource group ``source`` to ``target``.

        Raises:
            ParamError: ``num_replica`` is not an int.
        """
        await self._transfer_replica(source, target, collection_name, num_replica, timeout, kwargs)

    # unasync: end
    # unasync: sync-only
    # def update_resource_groups(self, configs: dict, timeout: float | None = None) -> None:
    #     """Update resource groups from ``{name: config}``.
    #
    #     Raises:
    #         ParamError: ``configs`` is not a dict.
    #     """
    #     self._update_resource_groups(configs, timeout, {})
    #
    # def drop_resource_group(self, name: str, timeout: float | None = None) -> None:
    #     """Delete a resource group."""
    #     self._call(admin_ops.DropResourceGroup(group_name=_text("resource_group", name)), timeout, {})
    #
    # def describe_resource_group(self, name: str, timeout: float | None = None) -> ResourceGroupInfo:
    #     """Return a ``ResourceGroupInfo`` (capacity, available nodes, loaded replicas, config, nodes)."""
    #     return self._describe_resource_group(name, timeout, {})
    #
    # def list_resource_groups(self, timeout: float | None = None) -> list[str]:
    #     """Names of all resource groups (``__default_resource_group`` included)."""
    #     return list(self._call(admin_ops.ListResourceGroups(), timeout, {}))
    #
    # def transfer_replica(self, source_group: str, target_group: str, collection_name: str, num_replicas: int,
    #                      timeout: float | None = None) -> None:
    #     """Move ``num_replicas`` replicas of a collection from ``source_group`` to ``target_group``.
    #
    #     Raises:
    #         ParamError: ``num_replicas`` is not an int.
    #     """
    #     self._transfer_replica(source_group, target_group, collection_name, num_replicas, timeout, {})
    #
    # unasync: end
    async def _update_resource_groups(self, configs: dict, timeout: float | None, kwargs: dict[str, Any]) -> None:
        if not isinstance(configs, dict):
            raise ParamError(message=f"`configs` must be a dict of resource group name to config, got "
                                     f"{type(configs).__name__}")
        op = admin_ops.UpdateResourceGroups(configs={_text("resource_group", k): rg_config(v)
                                                     for k, v in configs.items()})
        await self._call(op, timeout, kwargs)

    async def _describe_resource_group(self, name: str, timeout: float | None,
                                       kwargs: dict[str, Any]) -> ResourceGroupInfo:
        desc = await self._call(admin_ops.DescribeResourceGroup(group_name=_text("resource_group", name)), timeout,
                                kwargs)
        return ResourceGroupInfo(desc.name, desc.capacity, desc.num_available_node, dict(desc.num_loaded_replica),
                                 dict(desc.num_outgoing_node), dict(desc.num_incoming_node), AttrDict(desc.config),
                                 [NodeInfo(*node) for node in desc.nodes])

    async def _transfer_replica(self, source: str, target: str, collection_name: str, num_replica: int,
                                timeout: float | None, kwargs: dict[str, Any]) -> None:
        if isinstance(num_replica, bool) or not isinstance(num_replica, int):
            raise ParamError(message=f"`num_replica` value {num_replica!r} is illegal")
        op = admin_ops.TransferReplica(collection_name=_text("collection_name", collection_name),
                                       db_name=self._core.db(kwargs), source_group=_text("source", source),
                                       target_group=_text("target", target), num_replicas=num_replica)
        await self._call(op, timeout, kwargs)

    async def describe_replica(self, collection_name: str, timeout: float | None = None,
                               **kwargs: Any) -> list[ReplicaInfo]:
        """Return the collection's replicas as a list of ``ReplicaInfo`` (shards, nodes, resource group)."""
        base.validate_param("collection_name", collection_name, str)
        replicas = await self._call(admin_ops.GetReplicas(collection_name=collection_name,
                                                          db_name=self._core.db(kwargs)), timeout, kwargs)
        return [ReplicaInfo(r.replica_id, [Shard(channel, list(nodes), leader) for channel, leader, nodes in r.shards],
                            list(r.node_ids), r.resource_group, dict(r.num_outbound_node)) for r in replicas]
