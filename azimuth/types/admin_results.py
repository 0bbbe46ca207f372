"""pymilvus-shaped results of the administration methods: replicas, resource groups, segments, compaction plans,
analyzer output and ``optimize``. Same class names, attributes and ``repr`` layout as ``pymilvus.client.types``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any


class SegmentState(IntEnum):
    SegmentStateNone = 0
    NotExist = 1
    Growing = 2
    Sealed = 3
    Flushed = 4
    Flushing = 5
    Dropped = 6
    Importing = 7


DEFAULT_RETAINED_SEGMENT_STATES = (SegmentState.Growing, SegmentState.Sealed, SegmentState.Flushing,
                                   SegmentState.Flushed, SegmentState.Importing, SegmentState.Dropped)
_LEVELS = {0: "Legacy", 1: "L0", 2: "L1", 3: "L2"}
_COMPACTION_STATES = {0: "UndefiedState", 1: "Executing", 2: "Completed"}


class AttrDict(dict):
    """A dict whose keys are also attributes (nested dicts too): the shape of a ``ResourceGroupConfig``."""

    def __getattr__(self, name: str) -> Any:
        try:
            value = self[name]
        except KeyError:
            raise AttributeError(name) from None
        return AttrDict(value) if isinstance(value, dict) else value


class Shard:
    def __init__(self, channel_name: str, shard_nodes: list, shard_leader: int) -> None:
        self.channel_name = channel_name
        self.shard_nodes = set(shard_nodes)
        self.shard_leader = shard_leader

    def __repr__(self) -> str:
        return (f"Shard: <channel_name:{self.channel_name}>, <shard_leader:{self.shard_leader}>, "
                f"<shard_nodes:{self.shard_nodes}>")


class ReplicaInfo:
    def __init__(self, replica_id: int, shards: list[Shard], nodes: list, resource_group: str,
                 num_outbound_node: dict) -> None:
        self.id = replica_id
        self.shards = shards
        self.group_nodes = tuple(nodes)
        self.resource_group = resource_group
        self.num_outbound_node = num_outbound_node

    def __repr__(self) -> str:
        return (f"ReplicaInfo: <id:{self.id}>, <nodes:{self.group_nodes}>, <shards:{self.shards}>, "
                f"<resource_group: {self.resource_group}>, <num_outbound_node: {self.num_outbound_node}>")


@dataclass
class NodeInfo:
    node_id: int
    address: str
    hostname: str


@dataclass
class ResourceGroupInfo:
    name: str
    capacity: int
    num_available_node: int
    num_loaded_replica: dict[str, int]
    num_outgoing_node: dict[str, int]
    num_incoming_node: dict[str, int]
    config: AttrDict
    nodes: list[NodeInfo]


@dataclass
class SegmentInfo:
    segment_id: int
    collection_id: int
    collection_name: str
    num_rows: int
    is_sorted: bool
    state: SegmentState
    level: int
    storage_version: int
    partition_id: int = 0
    insert_channel: str = ""
    compaction_from: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.state = SegmentState(self.state)

    @property
    def state_name(self) -> str:
        return self.state.name

    @property
    def level_name(self) -> str:
        return _LEVELS.get(int(self.level), str(self.level))


@dataclass
class LoadedSegmentInfo(SegmentInfo):
    index_name: str = ""
    index_id: int = 0
    node_ids: list[int] = field(default_factory=list)
    mem_size: int = 0


class Plan:
    def __init__(self, sources: list, target: int) -> None:
        self.sources = sources
        self.target = target
        self.targets = [target] if target > 0 else []

    def __repr__(self) -> str:
        return f"\nPlan:\n - sources: {self.sources}\n - targets: {self.targets}\n"


class _State:
    def __init__(self, code: int) -> None:
        self.code = code
        self.name = _COMPACTION_STATES.get(code, "UndefiedState")

    def __repr__(self) -> str:
        return self.name

    def __eq__(self, other: object) -> bool:
        return other in (self.code, self.name) or (isinstance(other, _State) and other.code == self.code)

    __hash__ = None  # type: ignore[assignment]


class CompactionPlans:
    def __init__(self, compaction_id: int, state: int, collection_name: str = "") -> None:
        self.compaction_id = compaction_id
        self.collection_name = collection_name
        self.state = _State(state)
        self.plans: list[Plan] = []

    def __repr__(self) -> str:
        return (f"\nCompaction Plans:\n - compaction id: {self.compaction_id}\n - collection name: "
                f"{self.collection_name}\n - state: {self.state.name}\n - plans: {self.plans}\n  ")


class AnalyzeToken:
    def __init__(self, token: Any, with_hash: bool = False, with_detail: bool = False) -> None:
        self.dict: dict[str, Any] = {"token": token.token}
        if with_detail:
            self.dict.update(start_offset=token.start_offset, end_offset=token.end_offset, position=token.position,
                             position_length=token.position_length)
        if with_hash:
            self.dict["hash"] = token.hash

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__["dict"][name]
        except KeyError:
            raise AttributeError(name) from None

    def __getitem__(self, key: str) -> Any:
        return self.dict[key]

    def __str__(self) -> str:
        return str(self.dict)

    __repr__ = __str__


class AnalyzeResult:
    def __init__(self, tokens: list[Any], with_hash: bool = False, with_detail: bool = False) -> None:
        if not with_detail and not with_hash:
            self.tokens: list[Any] = [t.token for t in tokens]
        else:
            self.tokens = [AnalyzeToken(t, with_hash, with_detail) for t in tokens]

    def __str__(self) -> str:
        return str(self.tokens)

    __repr__ = __str__


@dataclass
class OptimizeResult:
    status: str
    collection_name: str
    compaction_id: int
    target_size: str | None
    progress: list[str]


__all__ = ["AnalyzeResult", "AnalyzeToken", "AttrDict", "CompactionPlans", "DEFAULT_RETAINED_SEGMENT_STATES",
           "LoadedSegmentInfo", "NodeInfo", "OptimizeResult", "Plan", "ReplicaInfo", "ResourceGroupInfo",
           "SegmentInfo", "SegmentState", "Shard"]
