"""Hybrid timestamps: the engine's single source of write order, MVCC snapshots and auto ids.

A hybrid timestamp is ``physical_ms << 18 | logical`` as in Milvus. The clock never goes backwards: after a
restart it resumes above the largest timestamp found on disk, so auto ids drawn from it stay unique.
"""

from __future__ import annotations

import threading
import time

LOGICAL_BITS = 18
LOGICAL_MASK = (1 << LOGICAL_BITS) - 1
MAX_TS = (1 << 63) - 1


def physical_now() -> int:
    return int(time.time() * 1000) << LOGICAL_BITS


def to_unix_ms(ts: int) -> int:
    return ts >> LOGICAL_BITS


class HybridClock:
    """Allocates strictly increasing hybrid timestamps (thread-safe)."""

    def __init__(self, floor: int = 0) -> None:
        self._last = max(floor, 0)
        self._lock = threading.Lock()

    def advance_to(self, ts: int) -> None:
        with self._lock:
            self._last = max(self._last, ts)

    def allocate(self, count: int = 1) -> int:
        """Reserve ``count`` consecutive timestamps; returns the first."""
        with self._lock:
            start = max(self._last + 1, physical_now())
            self._last = start + count - 1
            return start

    def now(self) -> int:
        """The latest allocated timestamp (a snapshot taken now sees every allocated write)."""
        with self._lock:
            return self._last
