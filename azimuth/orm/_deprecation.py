"""Deprecation warnings for the v1 ORM API, emitted exactly where pymilvus 3.0.2 emits them.

Every public ORM call warns once with ``PyMilvusDeprecationWarning`` and pymilvus's message
("`<api>` is an ORM-style PyMilvus API and will be removed in PyMilvus 3.1. Use `<replacement>` instead.").
Nested ORM calls (``Partition.insert`` calling ``Collection.insert``) do not warn again: a context variable
counts the depth of ORM frames, and only the outermost one warns.
"""

from __future__ import annotations

import contextvars
import functools
import warnings
from collections.abc import Callable
from typing import Any, TypeVar

from azimuth.errors import PyMilvusDeprecationWarning

T = TypeVar("T")

_DEPTH: contextvars.ContextVar[int] = contextvars.ContextVar("azimuth_orm_depth", default=0)
REASON = "is an ORM-style PyMilvus API"


def warn_deprecated(api_name: str, replacement: str = "MilvusClient", stacklevel: int = 2) -> None:
    """Emit pymilvus's deprecation message for ``api_name``."""
    warnings.warn(
        f"`{api_name}` {REASON} and will be removed in PyMilvus 3.1. Use `{replacement}` instead.",
        category=PyMilvusDeprecationWarning,
        stacklevel=stacklevel,
    )


def deprecated(api_name: str, replacement: str = "MilvusClient") -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Wrap a function so that its outermost call warns (nested ORM calls stay quiet)."""

    def decorate(func: Callable[..., T]) -> Callable[..., T]:
        if getattr(func, "__orm_deprecated__", False):
            return func

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> T:
            depth = _DEPTH.get()
            if depth == 0:
                warn_deprecated(api_name, replacement, stacklevel=3)
            token = _DEPTH.set(depth + 1)
            try:
                return func(*args, **kwargs)
            finally:
                _DEPTH.reset(token)

        wrapper.__orm_deprecated__ = True  # type: ignore[attr-defined]
        return wrapper

    return decorate


def deprecated_class(prefix: str, *, exclude: frozenset[str] = frozenset(),
                     warn_properties: frozenset[str] = frozenset()) -> Callable[[type[T]], type[T]]:
    """Make the constructor, every public method and the listed properties of a class warn.

    Apply it as a class decorator (``@deprecated_class("Collection")``), not as a rebinding after the class
    (``Collection = deprecated_class(...)(Collection)``): the class is patched in place and returned, so its
    identity, docstring and members are unchanged for ``inspect``, and static tools (griffe/mkdocstrings, type
    checkers) still see a class with its methods instead of a module attribute. Each wrapped method keeps its
    name, docstring and signature (``functools.wraps`` sets ``__wrapped__``); wrapped properties keep their
    docstring.
    """

    def decorate(cls: type[T]) -> type[T]:
        if "__init__" not in exclude:
            cls.__init__ = deprecated(prefix)(cls.__init__)  # type: ignore[misc]
        for name, attr in list(vars(cls).items()):
            if name.startswith("_") or name in exclude:
                continue
            api = f"{prefix}.{name}"
            if isinstance(attr, property):
                if name in warn_properties:
                    setattr(cls, name, property(
                        deprecated(api)(attr.fget) if attr.fget else None,
                        deprecated(api)(attr.fset) if attr.fset else None,
                        None, attr.__doc__))
            elif isinstance(attr, classmethod):
                setattr(cls, name, classmethod(deprecated(api)(attr.__func__)))
            elif isinstance(attr, staticmethod):
                setattr(cls, name, staticmethod(deprecated(api)(attr.__func__)))
            elif callable(attr):
                setattr(cls, name, deprecated(api)(attr))
        return cls

    return decorate
