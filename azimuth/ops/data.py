"""Ops that write or read entities. Row data travels as a ``pyarrow.Table`` laid out as ``types/arrow.py`` says."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from azimuth.ops.base import CollectionOp


@dataclass(frozen=True)
class Insert(CollectionOp):
    """Insert rows. ``schema_version`` is the version the client converted rows with (-1: not checked) and
    ``collection_id`` the collection it described (0: not checked; a re-created collection has a new id)."""

    name = "Insert"
    writes_data = True
    partition_name: str = ""
    data: pa.Table | None = None
    schema_version: int = -1
    collection_id: int = 0


@dataclass(frozen=True)
class Upsert(CollectionOp):
    name = "Upsert"
    writes_data = True
    partition_name: str = ""
    data: pa.Table | None = None
    schema_version: int = -1
    collection_id: int = 0
    partial_update: bool = False


@dataclass(frozen=True)
class Delete(CollectionOp):
    """Delete by primary keys (``ids``) or by ``filter``; exactly one is set."""

    name = "Delete"
    writes_data = True
    partition_name: str = ""
    ids: tuple[Any, ...] | None = None
    filter: str = ""
    filter_params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Query(CollectionOp):
    """Read rows by filter or primary keys. ``limit`` -1 = no limit. ``output_fields`` empty = all fields.
    ``pk_after`` keeps only keys greater than it and ``snapshot_ts`` (0 = now) pins the snapshot: together they
    page through one consistent snapshot in key order (what iterators do). ``iterator`` marks such pages: the
    engine keeps the rows their snapshot needs when it compacts."""

    name = "Query"
    filter: str = ""
    ids: tuple[Any, ...] | None = None
    output_fields: tuple[str, ...] = ()
    partition_names: tuple[str, ...] = ()
    limit: int = -1
    offset: int = 0
    filter_params: dict[str, Any] = field(default_factory=dict)
    consistency_level: int | None = None
    order_by: tuple[tuple[str, bool], ...] = ()
    pk_after: Any = None
    snapshot_ts: int = 0
    iterator: bool = False
