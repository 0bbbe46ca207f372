"""Authentication for ``azimuth serve --auth``: users and salted password hashes in ``<data-dir>/users.json``,
the ``authorization`` metadata pymilvus sends (base64 of ``user:password``) checked on every call, and the
credential RPCs (``CreateCredential``, ``UpdateCredential``, ``DeleteCredential``, ``ListCredUsers``).

Milvus's default user ``root`` with password ``Milvus`` exists until changed. Verified tokens are cached (hashing
is deliberately slow); every credential change clears the cache.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import threading
from dataclasses import replace
from pathlib import Path
from typing import Any

import grpc

from azimuth.codec.grpc.proto import common_pb2
from azimuth.codec.grpc.proto import milvus_pb2 as mpb
from azimuth.errors import Code, server_error
from azimuth.ops.base import CallContext

ROOT_USER = "root"
ROOT_PASSWORD = "Milvus"
_ITERATIONS = 20000
_OPEN_RPCS = frozenset({"Connect", "GetVersion", "CheckHealth"})


def _hash(password: str, salt: bytes) -> str:
    return hashlib.pbkdf2_hmac("sha256", password.encode(), salt, _ITERATIONS).hex()


def _decode(value: Any) -> str:
    try:
        return base64.b64decode(value).decode()
    except Exception:
        return value if isinstance(value, str) else ""


class Authenticator:
    """Checks credentials of calls and serves the credential RPCs."""

    def __init__(self, data_dir: str | Path) -> None:
        self._path = Path(data_dir) / "users.json"
        self._lock = threading.Lock()
        self._verified: dict[str, str] = {}
        self._users: dict[str, dict[str, str]] = {}
        if self._path.exists():
            self._users = json.loads(self._path.read_text())
        if not self._users:
            self._set(ROOT_USER, ROOT_PASSWORD)

    def rpcs(self) -> frozenset[str]:
        return frozenset({"CreateCredential", "UpdateCredential", "DeleteCredential", "ListCredUsers"})

    # ---- store -------------------------------------------------------------------------------------------
    def _set(self, user: str, password: str) -> None:
        salt = secrets.token_bytes(16)
        self._users[user] = {"salt": salt.hex(), "hash": _hash(password, salt)}
        self._verified.clear()
        tmp = self._path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self._users))
        os.replace(tmp, self._path)

    def _valid(self, user: str, password: str) -> bool:
        entry = self._users.get(user)
        if entry is None:
            return False
        return hmac.compare_digest(entry["hash"], _hash(password, bytes.fromhex(entry["salt"])))

    # ---- per call ----------------------------------------------------------------------------------------
    def check(self, rpc: str, context: grpc.ServicerContext, ctx: CallContext) -> CallContext:
        token = ""
        for key, value in context.invocation_metadata() or ():
            if key == "authorization":
                token = _decode(value)
        with self._lock:
            user = self._verified.get(token)
            if user is None and ":" in token:
                name, _, password = token.partition(":")
                if self._valid(name, password):
                    user = self._verified[token] = name
        if user is None:
            if rpc in _OPEN_RPCS:
                return ctx
            context.abort(grpc.StatusCode.UNAUTHENTICATED,
                          "auth check failure, please check username and password are correct")
        return replace(ctx, user=user)

    def handle(self, rpc: str, request: Any, ctx: CallContext) -> Any:
        with self._lock:
            if rpc == "ListCredUsers":
                return mpb.ListCredUsersResponse(status=common_pb2.Status(), usernames=sorted(self._users))
            if rpc == "CreateCredential":
                if request.username in self._users:
                    raise server_error(Code.INVALID_PARAMETER, f"user already exists: {request.username}")
                if not request.username:
                    raise server_error(Code.INVALID_PARAMETER, "username must not be empty")
                self._set(request.username, _decode(request.password))
            elif rpc == "UpdateCredential":
                if not self._valid(request.username, _decode(request.oldPassword)):
                    raise server_error(Code.PERMISSION_DENIED, "old password is not correct: " + request.username)
                self._set(request.username, _decode(request.newPassword))
            elif rpc == "DeleteCredential":
                if request.username == ROOT_USER:
                    raise server_error(Code.INVALID_PARAMETER, "root user cannot be deleted")
                if self._users.pop(request.username, None) is not None:
                    self._set_all()
        return common_pb2.Status()

    def _set_all(self) -> None:
        self._verified.clear()
        tmp = self._path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self._users))
        os.replace(tmp, self._path)


__all__ = ["Authenticator", "ROOT_PASSWORD", "ROOT_USER"]
