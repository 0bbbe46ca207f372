"""The REST route table, read both ways.

Server side, ``ROUTES[path]`` is a :class:`Route`: its handler takes the :class:`~.body.RestRequest` and a
``run(op)`` callable (the server passes ``Service.execute`` with the call context) and returns the success
envelope without ``code`` (``{"data": ...}`` plus endpoint extras such as ``cost``/``topks``). Handlers raise
``MilvusException`` for errors; the app turns them into ``{"code", "message"}`` (see :mod:`.errors`). ``props``
and ``required`` describe the body for the OpenAPI document.

Client side, ``CLIENT[op type]`` is a :class:`ClientCodec`: ``encode(op)`` gives the path and body,
``decode(payload, op, info)`` turns a success envelope back into the op's result (``info`` is the collection's
``CollectionInfo`` for codecs with ``needs_schema``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from azimuth.codec.rest.body import RestRequest
from azimuth.ops.base import Op

Run = Callable[[Op], Any]
Handler = Callable[[RestRequest, Run], dict[str, Any]]
BASE = "/v2/vectordb"


@dataclass(frozen=True)
class Route:
    path: str
    handler: Handler
    summary: str
    struct: str = "Request"
    props: dict[str, str] = field(default_factory=dict)
    required: tuple[str, ...] = ()


@dataclass(frozen=True)
class ClientCodec:
    op_type: type[Op]
    encode: Callable[..., tuple[str, dict[str, Any]]]  # (op) or, with needs_schema, (op, info)
    decode: Callable[[dict[str, Any], Any, Any], Any]
    needs_schema: bool = False


ROUTES: dict[str, Route] = {}
CLIENT: dict[type[Op], ClientCodec] = {}


def route(path: str, summary: str, props: dict[str, str] | None = None, required: tuple[str, ...] = (),
          struct: str = "Request") -> Callable[[Handler], Handler]:
    """Register the decorated handler for ``BASE + path``."""

    def register(handler: Handler) -> Handler:
        ROUTES[BASE + path] = Route(BASE + path, handler, summary, struct, dict(props or {}), required)
        return handler

    return register


def alias(path: str, target: str, summary: str) -> None:
    original = ROUTES[BASE + target]
    ROUTES[BASE + path] = Route(BASE + path, original.handler, summary, original.struct, original.props,
                                original.required)


def client(op_type: type[Op], encode: Callable[..., tuple[str, dict[str, Any]]],
           decode: Callable[[dict[str, Any], Any, Any], Any] | None = None, *, needs_schema: bool = False) -> None:
    CLIENT[op_type] = ClientCodec(op_type, encode, decode or (lambda payload, op, info: None), needs_schema)


def empty(req: RestRequest, run: Run) -> dict[str, Any]:
    return {"data": {}}


def ensure_routes() -> None:
    """Import the modules that fill both tables."""
    from azimuth.codec.rest import admin, cluster, collections, entities, rbac, search, security  # noqa: F401


__all__ = ["BASE", "CLIENT", "ROUTES", "ClientCodec", "Route", "Run", "alias", "client", "ensure_routes", "route"]
