"""``utility``: the v1 module of connection-level helpers (collections, loading and index progress, aliases,
users, resource groups, server info) over ``MilvusClient``, plus the hybrid-timestamp helpers.

Every function except the timestamp helpers warns with ``PyMilvusDeprecationWarning`` as pymilvus 3.0.2 does.
A hybrid timestamp is ``physical milliseconds << 18 | logical counter``.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone
from typing import Any

from azimuth.errors import AmbiguousIndexName, Code, MilvusException
from azimuth.orm import _support as sup
from azimuth.orm._deprecation import deprecated
from azimuth.orm.connections import DEFAULT_ALIAS, handler
from azimuth.orm.role import role_info, user_info
from azimuth.types.enums import LoadState

LOGICAL_BITS = 18
LOGICAL_BITS_MASK = (1 << LOGICAL_BITS) - 1
POLL_SECONDS = 0.05


# ---- hybrid timestamps -----------------------------------------------------------------------------------------
def _extra_ms(milliseconds: Any, delta: Any) -> float:
    if not isinstance(milliseconds, (int, float)):
        raise MilvusException(message="parameter milliseconds should be type of int or float")
    if isinstance(delta, timedelta):
        return milliseconds + delta.microseconds / 1000.0
    if delta is not None:
        raise MilvusException(message="parameter delta should be type of datetime.timedelta")
    return milliseconds


def mkts_from_hybridts(hybridts: int, milliseconds: float = 0.0, delta: timedelta | None = None) -> int:
    """A hybrid timestamp ``milliseconds`` (+ ``delta``) after ``hybridts``, same logical counter."""
    extra = _extra_ms(milliseconds, delta)
    if not isinstance(hybridts, int):
        raise MilvusException(message="parameter hybridts should be type of int")
    logical = hybridts & LOGICAL_BITS_MASK
    physical = hybridts >> LOGICAL_BITS
    return int((int(physical + extra) << LOGICAL_BITS) + logical)


def mkts_from_unixtime(epoch: float, milliseconds: float = 0.0, delta: timedelta | None = None) -> int:
    """The hybrid timestamp of a unix epoch (seconds), plus ``milliseconds``/``delta``."""
    if not isinstance(epoch, (int, float)):
        raise MilvusException(message="parameter epoch should be type of int or float")
    extra = _extra_ms(milliseconds, delta)
    epoch += extra / 1000.0
    return int(int(epoch * 1000 // 1) << LOGICAL_BITS)


def mkts_from_datetime(d_time: datetime, milliseconds: float = 0.0, delta: timedelta | None = None) -> int:
    """The hybrid timestamp of a ``datetime``, plus ``milliseconds``/``delta``."""
    if not isinstance(d_time, datetime):
        raise MilvusException(message="parameter d_time should be type of datetime.datetime")
    return mkts_from_unixtime(d_time.timestamp(), milliseconds=milliseconds, delta=delta)


def hybridts_to_unixtime(hybridts: int) -> float:
    """Seconds since the epoch of a hybrid timestamp's physical part."""
    return (hybridts >> LOGICAL_BITS) / 1000.0


def hybridts_to_datetime(hybridts: int, tz: timezone | None = None) -> datetime:
    """The ``datetime`` of a hybrid timestamp (local time, or ``tz``)."""
    if tz is not None and not isinstance(tz, timezone):
        raise MilvusException(message="parameter tz should be type of datetime.timezone")
    return datetime.fromtimestamp(hybridts_to_unixtime(hybridts), tz=tz)


# ---- collections -----------------------------------------------------------------------------------------------
def _client(using: str, kwargs: dict[str, Any] | None = None) -> tuple[Any, dict[str, Any]]:
    return handler(using, kwargs)


@deprecated("utility.has_collection")
def has_collection(collection_name: str, using: str = DEFAULT_ALIAS, timeout: float | None = None) -> bool:
    """Tell whether the collection exists."""
    client, call = _client(using)
    return client.has_collection(collection_name, timeout=timeout, **call)


@deprecated("utility.has_partition")
def has_partition(collection_name: str, partition_name: str, using: str = DEFAULT_ALIAS,
                  timeout: float | None = None) -> bool:
    """Tell whether the partition exists."""
    client, call = _client(using)
    return client.has_partition(collection_name, partition_name, timeout=timeout, **call)


@deprecated("utility.drop_collection")
def drop_collection(collection_name: str, timeout: float | None = None, using: str = DEFAULT_ALIAS) -> None:
    """Drop a collection."""
    client, call = _client(using)
    client.drop_collection(collection_name, timeout=timeout, **call)


@deprecated("utility.truncate_collection")
def truncate_collection(collection_name: str, timeout: float | None = None, using: str = DEFAULT_ALIAS) -> None:
    """Delete every row of a collection, keeping its schema and indexes."""
    client, call = _client(using)
    client.truncate_collection(collection_name, timeout=timeout, **call)


@deprecated("utility.rename_collection")
def rename_collection(old_collection_name: str, new_collection_name: str, new_db_name: str = "",
                      timeout: float | None = None, using: str = DEFAULT_ALIAS) -> None:
    """Rename a collection, optionally moving it to ``new_db_name``."""
    client, call = _client(using)
    client.rename_collection(old_collection_name, new_collection_name, new_db_name, timeout=timeout, **call)


@deprecated("utility.list_collections")
def list_collections(timeout: float | None = None, using: str = DEFAULT_ALIAS, **kwargs: Any) -> list[str]:
    """Names of the collections in the alias's database."""
    client, call = _client(using, kwargs)
    return client.list_collections(timeout=timeout, **call)


@deprecated("utility.flush_all")
def flush_all(using: str = DEFAULT_ALIAS, timeout: float | None = None, **kwargs: Any) -> None:
    """Flush every collection of the alias's database."""
    client, call = _client(using, kwargs)
    client.flush_all(timeout=timeout, **call)


# ---- loading ---------------------------------------------------------------------------------------------------
def _load_progress(client: Any, call: dict[str, Any], name: str, partition_names: list[str] | None) -> tuple:
    """(worst state, progress %) over the collection or the given partitions."""
    states = []
    for partition in (partition_names or [""]):
        info = client.get_load_state(name, partition_name=partition, **call)
        states.append((info["state"], int(info.get("progress", 100 if info["state"] == LoadState.Loaded else 0))))
    worst = min(states, key=lambda s: (s[0] == LoadState.Loaded, s[1]))
    return worst


@deprecated("utility.loading_progress")
def loading_progress(collection_name: str, partition_names: list[str] | None = None, using: str = DEFAULT_ALIAS,
                     timeout: float | None = None) -> dict[str, str]:
    """Return ``{"loading_progress": "NN%"}`` for the collection or the given partitions.

    Raises:
        MilvusException: code 100 when the collection does not exist, 101 when it is not loaded.
    """
    client, call = _client(using)
    state, progress = _load_progress(client, call, collection_name, partition_names)
    if state == LoadState.NotExist:
        raise MilvusException(Code.COLLECTION_NOT_FOUND, f"collection not found[collection={collection_name}]")
    if state == LoadState.NotLoad:
        raise MilvusException(Code.COLLECTION_NOT_LOADED, f"collection not loaded[collection={collection_name}]")
    return {"loading_progress": f"{progress:.0f}%"}


@deprecated("utility.load_state")
def load_state(collection_name: str, partition_names: list[str] | None = None, using: str = DEFAULT_ALIAS,
               timeout: float | None = None) -> LoadState:
    """The ``LoadState`` of the collection (the least loaded of ``partition_names``)."""
    client, call = _client(using)
    return _load_progress(client, call, collection_name, partition_names)[0]


@deprecated("utility.wait_for_loading_complete")
def wait_for_loading_complete(collection_name: str, partition_names: list[str] | None = None,
                              timeout: float | None = None, using: str = DEFAULT_ALIAS) -> None:
    """Wait until the collection (or the given partitions) is loaded.

    Raises:
        MilvusException: code 101 when it is not being loaded, or ``timeout`` seconds passed.
    """
    client, call = _client(using)
    start = time.monotonic()
    while True:
        state, _ = _load_progress(client, call, collection_name, partition_names)
        if state == LoadState.Loaded:
            return
        if state in (LoadState.NotExist, LoadState.NotLoad):
            raise MilvusException(Code.COLLECTION_NOT_LOADED,
                                  f"collection not loaded[collection={collection_name}]")
        if timeout is not None and time.monotonic() - start > timeout:
            raise MilvusException(message=f"wait for loading collection timeout, collection: {collection_name}")
        time.sleep(POLL_SECONDS)


# ---- indexes ---------------------------------------------------------------------------------------------------
def _index_info(client: Any, call: dict[str, Any], collection_name: str, index_name: str) -> dict[str, Any]:
    if not index_name:
        names = client.list_indexes(collection_name, **call)
        if len(names) > 1:
            raise AmbiguousIndexName(message=sup.AMBIGUOUS_INDEX)
        index_name = names[0] if names else ""
    info = client.describe_index(collection_name, index_name, **call) if index_name else None
    if info is None:
        raise MilvusException(Code.INDEX_NOT_FOUND, f"index not found[collection={collection_name}]")
    return info


@deprecated("utility.index_building_progress")
def index_building_progress(collection_name: str, index_name: str = "", using: str = DEFAULT_ALIAS,
                            timeout: float | None = None) -> dict[str, Any]:
    """Return ``{"total_rows", "indexed_rows", "pending_index_rows", "state"}`` of an index.

    Raises:
        MilvusException: code 700 when there is no such index.
        AmbiguousIndexName: several indexes and no ``index_name``.
    """
    client, call = _client(using)
    info = _index_info(client, call, collection_name, index_name)
    return {key: info[key] for key in ("total_rows", "indexed_rows", "pending_index_rows", "state")}


@deprecated("utility.wait_for_index_building_complete")
def wait_for_index_building_complete(collection_name: str, index_name: str = "", timeout: float | None = None,
                                     using: str = DEFAULT_ALIAS) -> bool:
    """Wait until the index is built: True when finished, False when the build failed.

    Raises:
        MilvusException: no such index (code 700), or ``timeout`` seconds passed.
    """
    client, call = _client(using)
    start = time.monotonic()
    while True:
        state = str(_index_info(client, call, collection_name, index_name)["state"])
        if state == "Finished":
            return True
        if state == "Failed":
            return False
        if timeout is not None and time.monotonic() - start > timeout:
            raise MilvusException(message=f"collection {collection_name} create index {index_name} timeout in "
                                          f"{timeout}s")
        time.sleep(POLL_SECONDS)


@deprecated("utility.list_indexes")
def list_indexes(collection_name: str, using: str = DEFAULT_ALIAS, timeout: float | None = None,
                 **kwargs: Any) -> list[str]:
    """Names of the collection's indexes (``field_name=`` keyword to filter)."""
    client, call = _client(using, kwargs)
    field_name = call.pop("field_name", None)
    return client.list_indexes(collection_name, field_name=field_name or "", timeout=timeout, **call)


# ---- aliases ---------------------------------------------------------------------------------------------------
@deprecated("utility.create_alias")
def create_alias(collection_name: str, alias: str, timeout: float | None = None, using: str = DEFAULT_ALIAS) -> None:
    """Make ``alias`` another name for the collection."""
    client, call = _client(using)
    client.create_alias(collection_name, alias, timeout=timeout, **call)


@deprecated("utility.drop_alias")
def drop_alias(alias: str, timeout: float | None = None, using: str = DEFAULT_ALIAS) -> None:
    """Remove an alias."""
    client, call = _client(using)
    client.drop_alias(alias, timeout=timeout, **call)


@deprecated("utility.alter_alias")
def alter_alias(collection_name: str, alias: str, timeout: float | None = None, using: str = DEFAULT_ALIAS) -> None:
    """Point an existing alias at another collection."""
    client, call = _client(using)
    client.alter_alias(collection_name, alias, timeout=timeout, **call)


@deprecated("utility.list_aliases")
def list_aliases(collection_name: str, timeout: float | None = None, using: str = DEFAULT_ALIAS) -> list[str]:
    """Names of the collection's aliases."""
    client, call = _client(using)
    return list(client.list_aliases(collection_name, timeout=timeout, **call).get("aliases", []))


# ---- server ----------------------------------------------------------------------------------------------------
@deprecated("utility.get_server_version")
def get_server_version(using: str = DEFAULT_ALIAS, timeout: float | None = None) -> str:
    """The server version string."""
    client, _ = _client(using)
    return client.get_server_version(timeout=timeout)


@deprecated("utility.get_server_type")
def get_server_type(using: str = DEFAULT_ALIAS) -> str:
    """``"milvus"`` (or ``"zilliz"`` for a Zilliz host)."""
    client, _ = _client(using)
    return client.get_server_type()


# ---- features that need client support -------------------------------------------------------------------------
def _feature(using: str, method: str, feature: str) -> Any:
    client, _ = _client(using)
    return sup.require(client, method, feature)


@deprecated("utility.get_query_segment_info")
def get_query_segment_info(collection_name: str, timeout: float | None = None, using: str = DEFAULT_ALIAS) -> Any:
    """The collection's loaded segments (``MilvusClient.list_loaded_segments``)."""
    return _feature(using, "list_loaded_segments", "utility.get_query_segment_info")(collection_name,
                                                                                    timeout=timeout)


@deprecated("utility.load_balance")
def load_balance(collection_name: str, src_node_id: int, dst_node_ids: list[int] | None = None,
                 sealed_segment_ids: list[int] | None = None, timeout: float | None = None,
                 using: str = DEFAULT_ALIAS) -> None:
    """Not supported by Azimuth (one node): raises ``MilvusException`` with code 3000."""
    _feature(using, "load_balance", "utility.load_balance")(collection_name, src_node_id, dst_node_ids or [],
                                                            sealed_segment_ids or [], timeout=timeout)


@deprecated("utility.do_bulk_insert")
def do_bulk_insert(collection_name: str, files: list[str], partition_name: str | None = None,
                   timeout: float | None = None, using: str = DEFAULT_ALIAS, **kwargs: Any) -> int:
    """Not supported by Azimuth (bulk import): raises ``MilvusException`` with code 3000."""
    return _feature(using, "do_bulk_insert", "utility.do_bulk_insert")(collection_name, partition_name, files,
                                                                       timeout=timeout, **kwargs)


@deprecated("utility.get_bulk_insert_state")
def get_bulk_insert_state(task_id: int, timeout: float | None = None, using: str = DEFAULT_ALIAS,
                          **kwargs: Any) -> Any:
    """Not supported by Azimuth (bulk import): raises ``MilvusException`` with code 3000."""
    return _feature(using, "get_bulk_insert_state", "utility.get_bulk_insert_state")(task_id, timeout=timeout,
                                                                                     **kwargs)


@deprecated("utility.list_bulk_insert_tasks")
def list_bulk_insert_tasks(limit: int = 0, collection_name: str | None = None, timeout: float | None = None,
                           using: str = DEFAULT_ALIAS, **kwargs: Any) -> list:
    """Not supported by Azimuth (bulk import): raises ``MilvusException`` with code 3000."""
    return _feature(using, "list_bulk_insert_tasks", "utility.list_bulk_insert_tasks")(
        limit, collection_name, timeout=timeout, **kwargs)


@deprecated("utility.create_user")
def create_user(user: str, password: str, using: str = DEFAULT_ALIAS, timeout: float | None = None) -> None:
    """Create a user."""
    _feature(using, "create_user", "utility.create_user")(user, password, timeout=timeout)


@deprecated("utility.delete_user")
def delete_user(user: str, using: str = DEFAULT_ALIAS, timeout: float | None = None) -> None:
    """Delete a user."""
    _feature(using, "drop_user", "utility.delete_user")(user, timeout=timeout)


@deprecated("utility.update_password")
def update_password(user: str, old_password: str, new_password: str, using: str = DEFAULT_ALIAS,
                    timeout: float | None = None) -> None:
    """Change a user's password."""
    _feature(using, "update_password", "utility.update_password")(user, old_password, new_password,
                                                                  timeout=timeout)


@deprecated("utility.reset_password")
def reset_password(user: str, old_password: str, new_password: str, using: str = DEFAULT_ALIAS,
                   timeout: float | None = None) -> None:
    """Change a user's password (same as ``update_password``)."""
    _feature(using, "update_password", "utility.reset_password")(user, old_password, new_password,
                                                                 timeout=timeout)


@deprecated("utility.list_usernames")
def list_usernames(using: str = DEFAULT_ALIAS, timeout: float | None = None) -> list[str]:
    """Names of all users."""
    return list(_feature(using, "list_users", "utility.list_usernames")(timeout=timeout))


@deprecated("utility.list_users")
def list_users(include_role_info: bool, using: str = DEFAULT_ALIAS, timeout: float | None = None) -> Any:
    """``UserInfo`` for every user, with their roles when ``include_role_info``."""
    names = _feature(using, "list_users", "utility.list_users")(timeout=timeout)
    return user_info(_client(using)[0], list(names), include_role_info)


@deprecated("utility.list_user")
def list_user(username: str, include_role_info: bool, using: str = DEFAULT_ALIAS,
              timeout: float | None = None) -> Any:
    """``UserInfo`` for one user, with their roles when ``include_role_info``."""
    return user_info(_client(using)[0], [username], include_role_info)


@deprecated("utility.list_roles")
def list_roles(include_user_info: bool, using: str = DEFAULT_ALIAS, timeout: float | None = None) -> Any:
    """``RoleInfo`` for every role, with their users when ``include_user_info``."""
    roles = _feature(using, "list_roles", "utility.list_roles")(timeout=timeout)
    return role_info(_client(using)[0], list(roles), include_user_info)


@deprecated("utility.create_resource_group")
def create_resource_group(name: str, using: str = DEFAULT_ALIAS, timeout: float | None = None, **kwargs: Any) -> None:
    """Create a resource group."""
    _feature(using, "create_resource_group", "utility.create_resource_group")(name, timeout=timeout, **kwargs)


@deprecated("utility.update_resource_groups")
def update_resource_groups(configs: dict[str, Any], using: str = DEFAULT_ALIAS, timeout: float | None = None) -> None:
    """Update resource groups from ``{name: config}``."""
    _feature(using, "update_resource_groups", "utility.update_resource_groups")(configs, timeout=timeout)


@deprecated("utility.drop_resource_group")
def drop_resource_group(name: str, using: str = DEFAULT_ALIAS, timeout: float | None = None) -> None:
    """Delete a resource group."""
    _feature(using, "drop_resource_group", "utility.drop_resource_group")(name, timeout=timeout)


@deprecated("utility.describe_resource_group")
def describe_resource_group(name: str, using: str = DEFAULT_ALIAS, timeout: float | None = None) -> Any:
    """Describe a resource group (``ResourceGroupInfo``)."""
    return _feature(using, "describe_resource_group", "utility.describe_resource_group")(name, timeout=timeout)


@deprecated("utility.list_resource_groups")
def list_resource_groups(using: str = DEFAULT_ALIAS, timeout: float | None = None) -> list[str]:
    """Names of all resource groups."""
    return _feature(using, "list_resource_groups", "utility.list_resource_groups")(timeout=timeout)


@deprecated("utility.transfer_node")
def transfer_node(source_group: str, target_group: str, num_nodes: int, using: str = DEFAULT_ALIAS,
                  timeout: float | None = None) -> None:
    """Not supported by Azimuth (one node): raises ``MilvusException`` with code 3000."""
    _feature(using, "transfer_node", "utility.transfer_node")(source_group, target_group, num_nodes,
                                                              timeout=timeout)


@deprecated("utility.transfer_replica")
def transfer_replica(source_group: str, target_group: str, collection_name: str, num_replicas: int,
                     using: str = DEFAULT_ALIAS, timeout: float | None = None) -> None:
    """Move replicas of a collection between resource groups."""
    _feature(using, "transfer_replica", "utility.transfer_replica")(source_group, target_group, collection_name,
                                                                    num_replicas, timeout=timeout)
