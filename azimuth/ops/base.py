"""The request language shared by clients, transports, codecs and the service.

Every Milvus RPC is one frozen dataclass deriving from :class:`Op`; the class registers itself in :data:`OPS`
under its ``name``. A client method builds exactly one op; a transport carries it; ``Service.execute`` runs it.
:class:`CallContext` carries what is not part of the request itself: the caller's database, identity and deadline.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, ClassVar

OPS: dict[str, type[Op]] = {}

DEFAULT_DB = "default"


@dataclass(frozen=True)
class CallContext:
    """Per-call facts: current database, authenticated user and absolute deadline (``time.monotonic``)."""

    db_name: str = DEFAULT_DB
    user: str = ""
    deadline: float | None = None

    @classmethod
    def with_timeout(cls, db_name: str, timeout: float | None, user: str = "") -> CallContext:
        deadline = None if timeout is None else time.monotonic() + float(timeout)
        return cls(db_name=db_name or DEFAULT_DB, user=user, deadline=deadline)


@dataclass(frozen=True)
class Op:
    """Base of all ops. ``name`` is the Milvus RPC name; ``mutates_schema`` marks schema-changing ops."""

    name: ClassVar[str] = ""
    mutates_schema: ClassVar[bool] = False
    writes_data: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.name:
            OPS[cls.name] = cls


@dataclass(frozen=True)
class CollectionOp(Op):
    """An op addressed to one collection (or alias) in a database (empty ``db_name`` = context database)."""

    collection_name: str = ""
    db_name: str = ""
