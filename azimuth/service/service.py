"""``Service.execute(op, ctx)``: the only implementation of Milvus semantics, shared by every transport."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from azimuth.engine.engine import Engine
from azimuth.errors import Code, MilvusException, server_error
from azimuth.ops.base import CallContext, Op
from azimuth.service import aliases, collections, data, databases, hybrid, indexes, partitions, search  # noqa: F401
from azimuth.service import admin, rbac  # noqa: F401
from azimuth.service.context import ServiceContext
from azimuth.service.registry import HANDLERS


class Service:
    """Executes ops against one engine. Thread-safe."""

    def __init__(self, engine: Engine) -> None:
        self.context = ServiceContext(engine)

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
        return handler(self.context, op, ctx or CallContext())

    def close(self) -> None:
        self.engine.close()
