"""``Service.execute(op, ctx)``: the only implementation of Milvus semantics, shared by every transport.

Calls made on behalf of an authenticated user (``ctx.user`` set: ``azimuth serve --auth``) pass the privilege
checks of :mod:`azimuth.service.privileges` first; without a user (embedded use, a server without ``--auth``,
the server's own internal calls) nothing is checked.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from azimuth.engine.engine import Engine
from azimuth.errors import Code, MilvusException, server_error
from azimuth.ops.base import CallContext, Op
from azimuth.service import (  # noqa: F401 (importing registers the handlers)
    admin,
    aliases,
    collections,
    data,
    databases,
    hybrid,
    indexes,
    partitions,
    rbac,
    search,
)
from azimuth.service.context import ServiceContext
from azimuth.service.privileges import Privileges
from azimuth.service.registry import HANDLERS


class Service:
    """Executes ops against one engine. Thread-safe."""

    def __init__(self, engine: Engine) -> None:
        self.context = ServiceContext(engine)
        self.privileges = Privileges()

    @classmethod
    def open(cls, directory: str | Path) -> Service:
        return cls(Engine(directory))

    @property
    def engine(self) -> Engine:
        return self.context.engine

    def execute(self, op: Op, ctx: CallContext | None = None) -> Any:
        handler = HANDLERS.get(type(op))
        if handler is None:
            raise server_error(Code.UNIMPLEMENTED, f"operation {op.name or type(op).__name__} is not supported by "
                                                   "Azimuth yet")
        if self.engine.closed:
            raise MilvusException(1, "the database is closed; open a new client")
        if ctx is None:
            return handler(self.context, op, CallContext())
        if ctx.user:
            return self.privileges.run(handler, self.context, op, ctx)
        return handler(self.context, op, ctx)

    def authorize(self, op: Op, ctx: CallContext) -> None:
        """Raise ``PermissionDenied`` (code 1401) unless ``ctx.user`` may run ``op``; no-op without a user."""
        if ctx.user:
            self.privileges.authorize(self.context, op, ctx)

    def close(self) -> None:
        self.engine.close()
