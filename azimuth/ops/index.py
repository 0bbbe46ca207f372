"""Ops for index definitions."""

from __future__ import annotations

from dataclasses import dataclass, field

from azimuth.ops.base import CollectionOp
from azimuth.types.index_params import IndexParam


@dataclass(frozen=True)
class CreateIndex(CollectionOp):
    """Define an index; with ``wait`` the call returns once every sealed segment has it built."""

    name = "CreateIndex"
    index: IndexParam | None = None
    wait: bool = True


@dataclass(frozen=True)
class DescribeIndex(CollectionOp):
    """Describe one index (``index_name``) or, with an empty name, every index of the collection."""

    name = "DescribeIndex"
    index_name: str = ""
    field_name: str = ""


@dataclass(frozen=True)
class DropIndex(CollectionOp):
    name = "DropIndex"
    index_name: str = ""
    field_name: str = ""


@dataclass(frozen=True)
class AlterIndexProperties(CollectionOp):
    name = "AlterIndex"
    index_name: str = ""
    properties: dict[str, str] = field(default_factory=dict)
    delete_keys: tuple[str, ...] = ()
