"""Authentication for ``azimuth serve --auth``: the ``authorization`` metadata pymilvus sends (base64 of
``user:password``) is checked on every call against the users kept in the catalog (salted hashes; see
:mod:`azimuth.service.rbac`). The credential RPCs (``CreateCredential``, ``UpdateCredential``, ...) are ordinary
codec entries served by the same ``Service``, so users created through them can log in at once.

Milvus's default user ``root`` with password ``Milvus`` exists until its password is changed. ``Connect``,
``GetVersion`` and ``CheckHealth`` are answered without credentials, as Milvus does.

Authorization follows from the user put in the ``CallContext``: ``Service.execute`` checks the privileges of that
user's roles (:mod:`azimuth.service.privileges`). Attaching to a service gives the ``public`` role Milvus's default
grants, as a Milvus server does when it starts.
"""

from __future__ import annotations

import base64
from dataclasses import replace
from pathlib import Path
from typing import Any

import grpc

from azimuth.ops.admin import CheckCredential
from azimuth.ops.base import CallContext
from azimuth.service.rbac import ROOT_PASSWORD, ROOT_USER, grant_public_defaults

_OPEN_RPCS = frozenset({"Connect", "GetVersion", "CheckHealth"})


def _decode(value: Any) -> str:
    try:
        return base64.b64decode(value).decode()
    except Exception:
        return value if isinstance(value, str) else ""


class Authenticator:
    """Checks the credentials of each call against the service's users (bound by the server at start)."""

    def __init__(self, data_dir: str | Path | None = None) -> None:
        self._service: Any = None

    def attach(self, service: Any) -> None:
        self._service = service
        context = getattr(service, "context", None)
        if context is not None:
            grant_public_defaults(context)

    def rpcs(self) -> frozenset[str]:
        """RPCs the authenticator answers itself (none: credentials are ordinary ops)."""
        return frozenset()

    def check(self, rpc: str, context: grpc.ServicerContext, ctx: CallContext) -> CallContext:
        token = ""
        for key, value in context.invocation_metadata() or ():
            if key == "authorization":
                token = _decode(value)
        user = None
        if ":" in token and self._service is not None:
            name, _, password = token.partition(":")
            if self._service.execute(CheckCredential(user_name=name, password=password), ctx):
                user = name
        if user is None:
            if rpc in _OPEN_RPCS:
                return ctx
            context.abort(grpc.StatusCode.UNAUTHENTICATED,
                          "auth check failure, please check username and password are correct")
        return replace(ctx, user=user)

    def handle(self, rpc: str, request: Any, ctx: CallContext) -> Any:
        raise KeyError(rpc)


__all__ = ["Authenticator", "ROOT_PASSWORD", "ROOT_USER"]
