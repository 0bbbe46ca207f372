"""A shared/exclusive gate: many writers pass together; flush and catalog changes pass alone."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager


class Gate:
    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._shared = 0
        self._exclusive: int | None = None  # owning thread id
        self._depth = 0

    @contextmanager
    def shared(self) -> Iterator[None]:
        me = threading.get_ident()
        with self._cond:
            if self._exclusive != me:
                while self._exclusive is not None:
                    self._cond.wait()
                self._shared += 1
                owned = False
            else:
                owned = True
        try:
            yield
        finally:
            if not owned:
                with self._cond:
                    self._shared -= 1
                    if self._shared == 0:
                        self._cond.notify_all()

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        me = threading.get_ident()
        with self._cond:
            if self._exclusive == me:
                self._depth += 1
            else:
                while self._exclusive is not None or self._shared:
                    self._cond.wait()
                self._exclusive = me
                self._depth = 1
        try:
            yield
        finally:
            with self._cond:
                self._depth -= 1
                if self._depth == 0:
                    self._exclusive = None
                    self._cond.notify_all()
