"""``optimize()`` tasks: a thread for the sync client (:class:`OptimizeTask`), an asyncio task for the async one
(:class:`AsyncOptimizeTask`), with pymilvus's interface (``done``, ``progress``, ``progress_history``,
``result(timeout)``, ``cancel``) and its progress stages. ``parse_target_size`` accepts ``"512MB"``, ``"1GB"``,
``"1.5gb"`` or a number of bytes.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import TYPE_CHECKING, Any

from azimuth.errors import MilvusException, ParamError
from azimuth.types.admin_results import OptimizeResult

if TYPE_CHECKING:  # asyncio is imported by the async task only, so sync programs never load it
    import asyncio

_UNITS = {"b": 1, "kb": 1024, "mb": 1024 ** 2, "gb": 1024 ** 3, "tb": 1024 ** 4, "pb": 1024 ** 5}
_MAX_MB = (1 << 63) - 1
DEFAULT_SIZE_MB = _MAX_MB


class ProgressStage(str, Enum):
    INITIALIZING = "initializing"
    WAITING_FOR_INDEXES = "waiting for indexes"
    COMPACTING = "compacting"
    WAITING_FOR_COMPACTION = "waiting for compaction"
    WAITING_FOR_INDEX_REBUILD = "waiting for index rebuild"
    REFRESHING_LOAD = "refreshing load"
    CANCELLED = "cancelled"


def parse_target_size(target_size: Any) -> int:
    """A target size in MB."""
    if isinstance(target_size, bool) or not isinstance(target_size, (str, int, float)):
        raise ParamError(message=f"target_size must be a string or number, got {type(target_size).__name__}")
    if isinstance(target_size, (int, float)):
        value, unit_bytes = Decimal(str(target_size)), 1
    else:
        match = re.match(r"^(\d+(?:\.\d+)?)\s*([a-z]*)$", target_size.strip().lower())
        if not match:
            raise ParamError(message=f"Invalid target_size format: '{target_size}'. Expected format: '1000', "
                                     "'1000MB', '1GB', '1.2gb', '1000B', '500KB', '2TB'")
        unit = match.group(2) or "b"
        if unit not in _UNITS:
            raise ParamError(message=f"Invalid unit: '{unit}'. Supported units: B, KB, MB, GB, TB, PB")
        value, unit_bytes = Decimal(match.group(1)), _UNITS[unit]
    try:
        size_mb = int((value * unit_bytes) // _UNITS["mb"])
    except (InvalidOperation, ValueError, OverflowError):
        raise ParamError(message=f"Invalid target_size value: {target_size}") from None
    if size_mb <= 0:
        raise ParamError(message=f"target size too small: {target_size}, must be at least 1MB")
    if size_mb > _MAX_MB:
        raise ParamError(message=f"target size too large: {target_size}, must be at most {_MAX_MB}MB")
    return size_mb


class OptimizeTask(threading.Thread):
    """A running ``optimize`` of the sync client."""

    def __init__(self, collection_name: str, target_size: str | None, task_timeout: float | None,
                 execute_fn: Callable[..., OptimizeResult], **kwargs: Any) -> None:
        super().__init__(daemon=True)
        self._collection_name, self._target_size, self._task_timeout = collection_name, target_size, task_timeout
        self._execute_fn, self._kwargs = execute_fn, kwargs
        self._condition = threading.Condition()
        self._done = self._cancelled = False
        self._result: OptimizeResult | None = None
        self._exception: BaseException | None = None
        self._progress_stage = ProgressStage.INITIALIZING
        self._progress_history = [ProgressStage.INITIALIZING]

    def run(self) -> None:
        try:
            size_mb = DEFAULT_SIZE_MB if self._target_size is None else parse_target_size(self._target_size)
            result = self._execute_fn(task=self, collection_name=self._collection_name, size_mb=size_mb,
                                      timeout=self._task_timeout, **self._kwargs)
            with self._condition:
                if not self._cancelled:
                    self._result, self._done = result, True
                    self._condition.notify_all()
        except Exception as exc:
            with self._condition:
                if not self._cancelled:
                    self._exception, self._done = exc, True
                    self._condition.notify_all()

    def done(self) -> bool:
        with self._condition:
            return self._done

    def cancelled(self) -> bool:
        with self._condition:
            return self._cancelled

    def progress(self) -> str:
        with self._condition:
            return self._progress_stage

    def progress_history(self) -> list[str]:
        with self._condition:
            return list(self._progress_history)

    def cancel(self) -> bool:
        with self._condition:
            if self._cancelled:
                return True
            if self._done:
                return False
            self._cancelled = self._done = True
            self._progress_stage = ProgressStage.CANCELLED
            self._progress_history.append(ProgressStage.CANCELLED)
            self._exception = MilvusException(message="Optimization task was cancelled")
            self._condition.notify_all()
            return True

    def check_cancelled(self) -> None:
        with self._condition:
            if self._cancelled:
                raise MilvusException(message="Optimization task was cancelled")

    def set_progress(self, stage: ProgressStage) -> None:
        with self._condition:
            if not self._cancelled:
                self._progress_stage = stage
                self._progress_history.append(stage)

    def result(self, timeout: float | None = None) -> OptimizeResult:
        with self._condition:
            self._condition.wait_for(lambda: self._done, timeout=timeout)
            if self._exception is not None:
                raise self._exception
            if not self._done:
                raise MilvusException(message="Timeout waiting for optimization to complete")
            assert self._result is not None
            return self._result


class AsyncOptimizeTask:
    """A running ``optimize`` of the async client (an asyncio task; ``await task.result()``)."""

    def __init__(self, collection_name: str, target_size: str | None, task_timeout: float | None,
                 execute_fn: Callable[..., Any], **kwargs: Any) -> None:
        self._collection_name, self._target_size, self._task_timeout = collection_name, target_size, task_timeout
        self._execute_fn, self._kwargs = execute_fn, kwargs
        self._task: asyncio.Task | None = None
        self._cancelled = False
        self._progress_stage = ProgressStage.INITIALIZING
        self._progress_history = [ProgressStage.INITIALIZING]

    def start(self) -> None:
        async def run() -> OptimizeResult:
            size_mb = DEFAULT_SIZE_MB if self._target_size is None else parse_target_size(self._target_size)
            return await self._execute_fn(task=self, collection_name=self._collection_name, size_mb=size_mb,
                                          timeout=self._task_timeout, **self._kwargs)

        import asyncio

        self._task = asyncio.ensure_future(run())

    def done(self) -> bool:
        return self._task is not None and self._task.done()

    def cancelled(self) -> bool:
        return self._cancelled

    def progress(self) -> str:
        return self._progress_stage

    def progress_history(self) -> list[str]:
        return list(self._progress_history)

    def cancel(self) -> bool:
        if self._cancelled:
            return True
        if self.done():
            return False
        self._cancelled = True
        self._progress_stage = ProgressStage.CANCELLED
        self._progress_history.append(ProgressStage.CANCELLED)
        if self._task is not None:
            self._task.cancel()
        return True

    def check_cancelled(self) -> None:
        if self._cancelled:
            raise MilvusException(message="Optimization task was cancelled")

    def set_progress(self, stage: ProgressStage) -> None:
        if not self._cancelled:
            self._progress_stage = stage
            self._progress_history.append(stage)

    async def result(self, timeout: float | None = None) -> OptimizeResult:
        import asyncio

        if self._task is None:
            raise MilvusException(message="Task has not been started")
        try:
            return await asyncio.wait_for(asyncio.shield(self._task), timeout=timeout)
        except asyncio.TimeoutError as exc:
            raise MilvusException(message="Timeout waiting for optimization to complete") from exc
        except asyncio.CancelledError as exc:
            raise MilvusException(message="Optimization task was cancelled") from exc


__all__ = ["AsyncOptimizeTask", "OptimizeTask", "ProgressStage", "parse_target_size"]
