"""Ops for databases and server information."""

from __future__ import annotations

from dataclasses import dataclass, field

from azimuth.ops.base import Op


@dataclass(frozen=True)
class CreateDatabase(Op):
    name = "CreateDatabase"
    db_name: str = ""
    properties: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class DropDatabase(Op):
    name = "DropDatabase"
    db_name: str = ""


@dataclass(frozen=True)
class ListDatabases(Op):
    name = "ListDatabases"


@dataclass(frozen=True)
class DescribeDatabase(Op):
    name = "DescribeDatabase"
    db_name: str = ""


@dataclass(frozen=True)
class AlterDatabaseProperties(Op):
    name = "AlterDatabase"
    db_name: str = ""
    properties: dict[str, str] = field(default_factory=dict)
    delete_keys: tuple[str, ...] = ()


@dataclass(frozen=True)
class GetVersion(Op):
    name = "GetVersion"
