"""The v1 ORM-style API (``connections``, ``Collection``, ``Partition``, ``Index``, ``utility``, ``db``, ``Role``,
legacy result objects), built only on the synchronous ``MilvusClient`` so it works on every transport."""

from __future__ import annotations

from azimuth.orm import db, utility
from azimuth.orm.collection import Collection
from azimuth.orm.connections import Connections, connections
from azimuth.orm.index import Index
from azimuth.orm.mutation import MutationFuture, MutationResult, SearchFuture, Status
from azimuth.orm.partition import Partition
from azimuth.orm.role import Role

__all__ = [
    "Collection",
    "Connections",
    "Index",
    "MutationFuture",
    "MutationResult",
    "Partition",
    "Role",
    "SearchFuture",
    "Status",
    "connections",
    "db",
    "utility",
]
