"""Ops for administration: users, roles, privileges and privilege groups (RBAC); resource groups and replicas;
segment, flush and compaction introspection; schema functions and field drops; the text analyzer.

Results of these ops are the small frozen dataclasses at the end of this module; clients shape them into
pymilvus's result types at the edge.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from azimuth.ops.base import CollectionOp, Op
from azimuth.types.function import Function
from azimuth.types.index_params import IndexParam
from azimuth.types.schema import FieldSchema

# ---- users ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CreateUser(Op):
    name = "CreateCredential"
    user_name: str = ""
    password: str = ""
    description: str | None = None


@dataclass(frozen=True)
class DropUser(Op):
    name = "DeleteCredential"
    user_name: str = ""


@dataclass(frozen=True)
class UpdateCredential(Op):
    """Change a password (old must match) and/or the description; empty passwords = description only."""

    name = "UpdateCredential"
    user_name: str = ""
    old_password: str = ""
    new_password: str = ""
    description: str | None = None


@dataclass(frozen=True)
class ListUsers(Op):
    name = "ListCredUsers"


@dataclass(frozen=True)
class SelectUser(Op):
    """One user (or all when ``user_name`` is empty) with its roles."""

    name = "SelectUser"
    user_name: str = ""
    include_role_info: bool = True


@dataclass(frozen=True)
class CheckCredential(Op):
    """Internal (no RPC): is ``password`` the password of ``user_name``? Used by the server's ``--auth``."""

    user_name: str = ""
    password: str = ""


# ---- roles and privileges ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CreateRole(Op):
    name = "CreateRole"
    role_name: str = ""
    description: str = ""


@dataclass(frozen=True)
class DropRole(Op):
    name = "DropRole"
    role_name: str = ""
    force_drop: bool = False


@dataclass(frozen=True)
class AlterRole(Op):
    name = "AlterRole"
    role_name: str = ""
    description: str = ""


@dataclass(frozen=True)
class SelectRole(Op):
    """One role (or all when ``role_name`` is empty) with its users."""

    name = "SelectRole"
    role_name: str = ""
    include_user_info: bool = False


@dataclass(frozen=True)
class SelectGrant(Op):
    name = "SelectGrant"
    role_name: str = ""
    object_type: str = ""
    object_name: str = ""
    db_name: str = ""


@dataclass(frozen=True)
class OperateUserRole(Op):
    name = "OperateUserRole"
    user_name: str = ""
    role_name: str = ""
    add: bool = True


@dataclass(frozen=True)
class OperatePrivilege(Op):
    name = "OperatePrivilege"
    role_name: str = ""
    object_type: str = ""
    object_name: str = ""
    privilege: str = ""
    db_name: str = ""
    grant: bool = True


@dataclass(frozen=True)
class OperatePrivilegeV2(Op):
    name = "OperatePrivilegeV2"
    role_name: str = ""
    privilege: str = ""
    collection_name: str = ""
    db_name: str = ""
    grant: bool = True


@dataclass(frozen=True)
class CreatePrivilegeGroup(Op):
    name = "CreatePrivilegeGroup"
    group_name: str = ""


@dataclass(frozen=True)
class DropPrivilegeGroup(Op):
    name = "DropPrivilegeGroup"
    group_name: str = ""


@dataclass(frozen=True)
class ListPrivilegeGroups(Op):
    name = "ListPrivilegeGroups"


@dataclass(frozen=True)
class OperatePrivilegeGroup(Op):
    name = "OperatePrivilegeGroup"
    group_name: str = ""
    privileges: tuple[str, ...] = ()
    add: bool = True


# ---- resource groups and replicas ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CreateResourceGroup(Op):
    name = "CreateResourceGroup"
    group_name: str = ""
    config: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class DropResourceGroup(Op):
    name = "DropResourceGroup"
    group_name: str = ""


@dataclass(frozen=True)
class UpdateResourceGroups(Op):
    name = "UpdateResourceGroups"
    configs: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class DescribeResourceGroup(Op):
    name = "DescribeResourceGroup"
    group_name: str = ""


@dataclass(frozen=True)
class ListResourceGroups(Op):
    name = "ListResourceGroups"


@dataclass(frozen=True)
class TransferReplica(CollectionOp):
    name = "TransferReplica"
    source_group: str = ""
    target_group: str = ""
    num_replicas: int = 0


@dataclass(frozen=True)
class GetReplicas(CollectionOp):
    """Replicas of a collection, by name or (as pymilvus sends it) by id."""

    name = "GetReplicas"
    collection_id: int = 0


# ---- segments, flush and compaction --------------------------------------------------------------------------


@dataclass(frozen=True)
class GetFlushAllState(Op):
    name = "GetFlushAllState"
    db_name: str = ""


@dataclass(frozen=True)
class ListPersistentSegments(CollectionOp):
    name = "GetPersistentSegmentInfo"
    states: tuple[int, ...] = ()


@dataclass(frozen=True)
class ListLoadedSegments(CollectionOp):
    name = "GetQuerySegmentInfo"


@dataclass(frozen=True)
class GetCompactionPlans(CollectionOp):
    """The plans of compaction job ``job_id`` (or, with ``collection_name``, the collection's compaction tasks)."""

    name = "GetCompactionStateWithPlans"
    job_id: int = 0


# ---- schema: functions and field drops -----------------------------------------------------------------------


@dataclass(frozen=True)
class AlterCollectionSchema(CollectionOp):
    """Add a function with its output field (and that field's index), or drop a field / a function (with its
    output fields). Exactly one action per op."""

    name = "AlterCollectionSchema"
    mutates_schema = True
    field_schema: FieldSchema | None = None
    function: Function | None = None
    index: IndexParam | None = None
    drop_field_name: str = ""
    drop_field_id: int = 0
    drop_function_name: str = ""


@dataclass(frozen=True)
class AddCollectionFunction(CollectionOp):
    name = "AddCollectionFunction"
    mutates_schema = True
    function: Function | None = None


@dataclass(frozen=True)
class AlterCollectionFunction(CollectionOp):
    name = "AlterCollectionFunction"
    mutates_schema = True
    function_name: str = ""
    function: Function | None = None


@dataclass(frozen=True)
class DropCollectionFunction(CollectionOp):
    name = "DropCollectionFunction"
    mutates_schema = True
    function_name: str = ""


@dataclass(frozen=True)
class AddCollectionStructField(CollectionOp):
    name = "AddCollectionStructField"
    mutates_schema = True
    field_name: str = ""


# ---- analyzer ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RunAnalyzer(Op):
    name = "RunAnalyzer"
    texts: tuple[str, ...] = ()
    analyzer_params: str = ""
    with_hash: bool = False
    with_detail: bool = False
    collection_name: str = ""
    field_name: str = ""
    analyzer_names: tuple[str, ...] = ()
    db_name: str = ""


# ---- results -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UserResult:
    user_name: str
    roles: tuple[str, ...] = ()
    description: str = ""


@dataclass(frozen=True)
class RoleResult:
    role_name: str
    description: str = ""
    users: tuple[str, ...] = ()


@dataclass(frozen=True)
class Grant:
    object_type: str
    object_name: str
    db_name: str
    role_name: str
    privilege: str
    grantor: str = ""


@dataclass(frozen=True)
class ResourceGroupDesc:
    name: str
    capacity: int
    num_available_node: int
    num_loaded_replica: dict[str, int]
    num_outgoing_node: dict[str, int]
    num_incoming_node: dict[str, int]
    config: dict[str, Any]
    nodes: tuple[tuple[int, str, str], ...]  # (node_id, address, hostname)


@dataclass(frozen=True)
class ReplicaDesc:
    replica_id: int
    collection_id: int
    partition_ids: tuple[int, ...]
    shards: tuple[tuple[str, int, tuple[int, ...]], ...]  # (channel, leader, nodes)
    node_ids: tuple[int, ...]
    resource_group: str
    num_outbound_node: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class SegmentDesc:
    segment_id: int
    collection_id: int
    partition_id: int
    num_rows: int
    state: int  # common.SegmentState
    level: int = 2  # common.SegmentLevel: L1 = 2
    is_sorted: bool = True
    storage_version: int = 2
    insert_channel: str = ""
    index_name: str = ""
    index_id: int = 0
    mem_size: int = 0
    node_ids: tuple[int, ...] = (1,)


@dataclass(frozen=True)
class CompactionPlansDesc:
    state: int  # common.CompactionState: 1 Executing, 2 Completed (0 undefined)
    plans: tuple[tuple[tuple[int, ...], int], ...] = ()  # (sources, target)


@dataclass(frozen=True)
class AnalyzerToken:
    token: str
    start_offset: int = 0
    end_offset: int = 0
    position: int = 0
    position_length: int = 1
    hash: int = 0
