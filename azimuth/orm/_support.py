"""Small helpers shared by the ORM modules: reaching client features that may not exist yet, compaction state
objects, and pymilvus's ORM error messages."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from azimuth.errors import Code, MilvusException

SCHEMA_TYPE = "Schema type must be schema.CollectionSchema."
SCHEMA_INCONSISTENT = "The collection already exist, but the schema is not the same as the schema passed in."
LEVEL_INCONSISTENT = "The parameter consistency_level is inconsistent with that of existed collection."
NOT_EXIST_NO_SCHEMA = "Collection %r not exist, or you can pass in schema to create one."
NO_SCHEMA = "Should be passed into the schema."
EMPTY_SCHEMA = "The field of the schema cannot be empty."
NO_VECTOR = "No vector field is found."
EXPR_TYPE = "The type of expr must be string ,but %r is given."
PARTITION_EXISTS = "Partition already exist."
INDEX_NOT_EXIST = "Index doesn't exist."
AMBIGUOUS_INDEX = "There are multiple indexes, please specify the index_name."
COLLECTION_TYPE = "The type of collection must be pymilvus.Collection."


def require(client: Any, method: str, feature: str) -> Callable[..., Any]:
    """``client.<method>``, or a ``MilvusException`` (code 3000) naming the feature when the client lacks it."""
    bound = getattr(client, method, None)
    if bound is None:
        raise MilvusException(Code.UNSUPPORTED, f"{feature} is not supported by Azimuth yet "
                                                f"(MilvusClient.{method} is not available)")
    return bound


def legacy_index_params(described: dict[str, Any]) -> dict[str, Any]:
    """A ``describe_index`` dict reshaped as v1 code wrote it: ``{"index_type", "metric_type", "params": {...}}``."""
    skip = {"field_name", "index_name", "total_rows", "indexed_rows", "pending_index_rows", "state"}
    out: dict[str, Any] = {}
    params: dict[str, Any] = {}
    for key, value in described.items():
        if key in skip:
            continue
        if key in ("index_type", "metric_type"):
            out[key] = value
        elif key == "params" and isinstance(value, dict):
            params.update(value)
        else:
            params[key] = _decode(value)
    if params:
        out["params"] = params
    return out


def _decode(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


class CompactionState:
    """The state of one compaction job: ``compaction_id``, ``state_name`` and ``state`` (the same name)."""

    def __init__(self, compaction_id: int, state_name: str) -> None:
        self.compaction_id = compaction_id
        self.state_name = state_name
        self.state = state_name
        self.executing_plan_no = 0 if state_name == "Completed" else 1
        self.timeout_plan_no = 0
        self.completed_plan_no = 1 if state_name == "Completed" else 0

    def __repr__(self) -> str:
        return (f"\nCompactionState\n - compaction id: {self.compaction_id}\n - State: {self.state_name}\n"
                f" - executing plan number: {self.executing_plan_no}\n - timeout plan number: "
                f"{self.timeout_plan_no}\n - complete plan number: {self.completed_plan_no}\n")

    __str__ = __repr__
