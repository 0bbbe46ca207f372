"""Legacy result objects of the ORM: ``MutationResult`` (insert/upsert/delete summaries), the futures returned
for ``_async=True`` (``MutationFuture``, ``SearchFuture``) and ``Status`` (what ``create_index`` returns).

Futures run the call on a small shared thread pool; ``result()`` blocks, re-raising the call's exception.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from azimuth.types.results import SearchResult

LOGICAL_BITS = 18
_POOL: ThreadPoolExecutor | None = None


def now_hybrid_ts() -> int:
    """A hybrid timestamp (physical ms << 18) for the current time."""
    return int(time.time() * 1000) << LOGICAL_BITS


class MutationResult:
    """What an ORM write returns: ``primary_keys``, ``insert_count``, ``delete_count``, ``upsert_count``,
    ``timestamp``, ``succ_count``, ``err_count``, ``succ_index``, ``err_index``, ``cost``."""

    def __init__(self, primary_keys: list[Any] | None = None, insert_count: int = 0, delete_count: int = 0,
                 upsert_count: int = 0, timestamp: int = 0, cost: int = 0) -> None:
        self._primary_keys = list(primary_keys or [])
        self._insert_cnt = int(insert_count)
        self._delete_cnt = int(delete_count)
        self._upsert_cnt = int(upsert_count)
        self._timestamp = int(timestamp)
        self._cost = int(cost)
        written = self._insert_cnt or self._upsert_cnt
        self._succ_index = list(range(written))
        self._err_index: list[int] = []

    @classmethod
    def from_client(cls, result: dict[str, Any], kind: str) -> MutationResult:
        """Build from a ``MilvusClient`` insert/upsert/delete dict (``kind`` is the count key)."""
        ids = list(result.get("ids") or [])
        count = int(result.get(f"{kind}_count", 0))
        return cls(primary_keys=ids, timestamp=now_hybrid_ts(), cost=int(result.get("cost") or 0),
                   **{f"{kind}_count": count})

    primary_keys = property(lambda self: self._primary_keys)
    insert_count = property(lambda self: self._insert_cnt)
    delete_count = property(lambda self: self._delete_cnt)
    upsert_count = property(lambda self: self._upsert_cnt)
    timestamp = property(lambda self: self._timestamp)
    succ_count = property(lambda self: len(self._succ_index))
    err_count = property(lambda self: len(self._err_index))
    succ_index = property(lambda self: self._succ_index)
    err_index = property(lambda self: self._err_index)
    cost = property(lambda self: self._cost)

    def __str__(self) -> str:
        text = (f"(insert count: {self._insert_cnt}, delete count: {self._delete_cnt}, upsert count: "
                f"{self._upsert_cnt}, timestamp: {self._timestamp}, success count: {self.succ_count}, "
                f"err count: {self.err_count}")
        return text + (f", cost: {self._cost})" if self._cost else ")")

    __repr__ = __str__


class Status:
    """A success/failure status like pymilvus's ``Status`` (``code``, ``message``; equal to an int code)."""

    SUCCESS = 0
    UNEXPECTED_ERROR = 1

    def __init__(self, code: int = SUCCESS, message: str = "Success") -> None:
        self.code = code
        self.message = message

    def __repr__(self) -> str:
        return f"Status(code={self.code}, message='{self.message}')"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, int):
            return self.code == other
        return isinstance(other, Status) and (self.code, self.message) == (other.code, other.message)

    __hash__ = None  # type: ignore[assignment]

    def OK(self) -> bool:  # noqa: N802 (pymilvus name)
        """True when the status code is success."""
        return self.code == Status.SUCCESS


def submit(fn: Callable[[], Any], callback: Callable[[Any], Any] | None = None) -> Future[Any]:
    """Run ``fn`` on the shared ORM pool; ``callback(result)`` runs after success."""
    global _POOL
    if _POOL is None:
        _POOL = ThreadPoolExecutor(max_workers=4, thread_name_prefix="azimuth-orm")
    future = _POOL.submit(fn)
    if callback is not None:
        future.add_done_callback(lambda f: callback(f.result()) if f.exception() is None else None)
    return future


class BaseFuture:
    """A pending ORM call: ``result()`` waits, ``done()`` tells, ``cancel()`` tries to cancel."""

    def __init__(self, future: Future[Any] | None) -> None:
        self._f = future

    def result(self, timeout: float | None = None) -> Any:
        """Wait (up to ``timeout`` seconds) for the call and return its result."""
        if self._f is None:
            return self._empty()
        return self.on_response(self._f.result(timeout))

    def on_response(self, res: Any) -> Any:
        """Shape the raw result; subclasses may override it."""
        return res

    def _empty(self) -> Any:
        return None

    def cancel(self) -> bool:
        """Try to cancel the call; True when it had not started."""
        return self._f.cancel() if self._f is not None else False

    def done(self) -> bool:
        """Tell whether the call has finished."""
        return self._f.done() if self._f is not None else True

    def exception(self) -> BaseException | None:
        """The exception the call raised, or ``None``."""
        return self._f.exception() if self._f is not None else None


class MutationFuture(BaseFuture):
    """Future of an ``insert``/``upsert``/``delete`` with ``_async=True``; resolves to a ``MutationResult``."""

    def _empty(self) -> Any:
        return MutationResult()


class SearchFuture(BaseFuture):
    """Future of a ``search``/``hybrid_search`` with ``_async=True``; resolves to a ``SearchResult``."""

    def _empty(self) -> Any:
        return SearchResult()


__all__ = ["BaseFuture", "MutationFuture", "MutationResult", "SearchFuture", "Status", "now_hybrid_ts", "submit"]
