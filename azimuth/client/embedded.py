"""The embedded transport: ops go straight to an in-process ``Service`` over a local data directory.

All clients of one path in a process share one open engine (reference counted), since a data directory has a
single owner. Async callers run the synchronous service in a small worker pool so the event loop never blocks.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from azimuth.ops.base import CallContext, Op

_OPEN: dict[str, tuple[Any, int]] = {}
_OPEN_LOCK = threading.Lock()
_EXECUTOR: ThreadPoolExecutor | None = None


def _acquire(path: str) -> Any:
    from azimuth.service.service import Service

    with _OPEN_LOCK:
        service, count = _OPEN.get(path, (None, 0))
        if service is None:
            service = Service.open(path)
        _OPEN[path] = (service, count + 1)
        return service


def _release(path: str) -> None:
    with _OPEN_LOCK:
        service, count = _OPEN.get(path, (None, 0))
        if service is None:
            return
        if count <= 1:
            del _OPEN[path]
            service.close()
        else:
            _OPEN[path] = (service, count - 1)


def _executor() -> ThreadPoolExecutor:
    global _EXECUTOR
    if _EXECUTOR is None:
        _EXECUTOR = ThreadPoolExecutor(max_workers=8, thread_name_prefix="azimuth-embedded")
    return _EXECUTOR


class SyncEmbeddedTransport:
    def __init__(self, path: str, service: Any) -> None:
        self.path = path
        self._service = service
        self._closed = False

    @classmethod
    def open(cls, path: str) -> SyncEmbeddedTransport:
        return cls(path, _acquire(path))

    def call(self, op: Op, ctx: CallContext) -> Any:
        return self._service.execute(op, ctx)

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            _release(self.path)


class AsyncEmbeddedTransport:
    def __init__(self, path: str, service: Any) -> None:
        self.path = path
        self._service = service
        self._closed = False

    @classmethod
    async def open(cls, path: str) -> AsyncEmbeddedTransport:
        import asyncio  # only async callers pay for importing asyncio

        loop = asyncio.get_running_loop()
        return cls(path, await loop.run_in_executor(_executor(), _acquire, path))

    async def call(self, op: Op, ctx: CallContext) -> Any:
        import asyncio  # only async callers pay for importing asyncio

        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(_executor(), self._service.execute, op, ctx)

    async def close(self) -> None:
        if not self._closed:
            self._closed = True
            _release(self.path)
