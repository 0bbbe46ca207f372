"""Maps op classes to the service functions that execute them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from azimuth.ops.base import Op

HANDLERS: dict[type[Op], Callable[..., Any]] = {}

F = TypeVar("F", bound=Callable[..., Any])


def handles(op_type: type[Op]) -> Callable[[F], F]:
    def register(func: F) -> F:
        HANDLERS[op_type] = func
        return func

    return register
