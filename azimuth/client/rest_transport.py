"""The REST transports: ops travel as Milvus RESTful API v2 calls (``MilvusClient(uri, transport="rest")``).

``SyncRestTransport`` (``httpx.Client``) and ``AsyncRestTransport`` (``httpx.AsyncClient``) have the embedded
transports' interface: ``open(...)``, ``call(op, ctx)``, ``close()``. They are dumb: encode the op with the REST
route table, send it with the context's database (``DB-Name``), deadline (``Request-Timeout``) and credentials
(``Authorization: Bearer user:password``), decode the envelope or raise the exception it names. Data ops
fetch the collection schema once (cached, dropped on schema changes and on errors that suggest a change).
Loads wait until the collection reports loaded, as the gRPC transport does. Two ops have no REST endpoint and
are composed: ``GetVersion`` reads ``GET /healthz``; ``FlushAll`` flushes each collection. Invalid search input
is code 1801 on the REST wire; it is raised as 1100, the code the other transports give for it.
"""

from __future__ import annotations

import asyncio
import math
import time
from typing import Any

import httpx
import orjson

from azimuth.client._uri import Target
from azimuth.codec.rest import errors as rest_errors
from azimuth.codec.rest.table import BASE, CLIENT, ensure_routes
from azimuth.codec.rest.values import dumps
from azimuth.errors import Code, ConnectError, MilvusException
from azimuth.ops import collection as c
from azimuth.ops import database as d
from azimuth.ops.base import CallContext, Op
from azimuth.ops.results import CollectionInfo, LoadStateResult, VersionInfo

CONNECT_TIMEOUT = 10.0
LOADS = (c.LoadCollection, c.LoadPartitions)
_FORGET_ON = (Code.SCHEMA_MISMATCH, Code.COLLECTION_NOT_FOUND, Code.FIELD_NOT_FOUND, Code.INVALID_PARAMETER,
              rest_errors.INSERT_DATA)


class _Core:
    """The pure part of a REST call: URLs, headers, the schema cache, envelope decoding."""

    def __init__(self, target: Target, token: str, options: dict[str, Any] | None) -> None:
        ensure_routes()
        scheme = "https" if target.secure or (options or {}).get("secure") else "http"
        self.base_url = f"{scheme}://{target.address}"
        self.headers = {"Content-Type": "application/json", "Accept-Type-Allow-Int64": "true"}
        if token:
            self.headers["Authorization"] = f"Bearer {token}"
        self.schemas: dict[tuple[str, str], CollectionInfo] = {}

    def request(self, op: Op, ctx: CallContext, info: CollectionInfo | None) -> tuple[str, bytes, dict[str, str]]:
        codec = CLIENT.get(type(op))
        if codec is None:
            name = op.name or type(op).__name__
            raise MilvusException(Code.UNSUPPORTED, f"{name} has no Milvus REST v2 endpoint: it is not supported by "
                                                    "Azimuth over transport='rest' (use the gRPC or embedded "
                                                    "transport)")
        path, body = codec.encode(op, info) if codec.needs_schema else codec.encode(op)
        headers = {"DB-Name": ctx.db_name}
        if ctx.deadline is not None:
            remaining = ctx.deadline - time.monotonic()
            if remaining <= 0:
                raise MilvusException(Code.UNEXPECTED, "the deadline of the call was exceeded before it was sent")
            headers["Request-Timeout"] = str(max(1, math.ceil(remaining)))
        return BASE + path, dumps(body), headers

    def key(self, op: Op, ctx: CallContext) -> tuple[str, str]:
        return (getattr(op, "db_name", "") or ctx.db_name, getattr(op, "collection_name", ""))

    def describe(self, op: Op, ctx: CallContext) -> Op:
        db_name, name = self.key(op, ctx)
        return c.DescribeCollection(collection_name=name, db_name=db_name)

    def result(self, op: Op, ctx: CallContext, response: httpx.Response, info: CollectionInfo | None) -> Any:
        try:
            payload = orjson.loads(response.content)
        except orjson.JSONDecodeError:
            raise MilvusException(Code.UNEXPECTED, f"HTTP {response.status_code} from {response.request.url}: "
                                                   f"{response.text[:200]}") from None
        if not isinstance(payload, dict):
            raise MilvusException(Code.UNEXPECTED, "the REST server answered something other than an envelope")
        code = payload.get("code", 0)
        if code != 0:
            if isinstance(op, c.GetLoadState) and code == Code.COLLECTION_NOT_FOUND:
                return LoadStateResult(0)
            error = rest_errors.from_envelope(payload)
            if code == rest_errors.JSON_ONLY and type(op).__name__ in ("Search", "HybridSearch"):
                error = MilvusException(Code.INVALID_PARAMETER, error.message)  # the other transports' code
            if error.code in _FORGET_ON:
                self.schemas.pop(self.key(op, ctx), None)
            raise error
        result = CLIENT[type(op)].decode(payload, op, info)
        if op.mutates_schema or isinstance(op, c.TruncateCollection):
            self.schemas.clear()
        elif isinstance(op, c.DescribeCollection):
            self.schemas[self.key(op, ctx)] = result
        return result


def _unreachable(address: str) -> ConnectError:
    return ConnectError(Code.UNAVAILABLE, f"Fail connecting to server on {address}, illegal connection params or "
                                          "server unavailable")


class SyncRestTransport:
    def __init__(self, core: _Core, address: str, timeout: float | None) -> None:
        self._core = core
        self._address = address
        self._http = httpx.Client(base_url=core.base_url, headers=core.headers, timeout=None,
                                  limits=httpx.Limits(max_keepalive_connections=32))
        self._closed = False

    @classmethod
    def open(cls, target: Target, token: str = "", options: dict[str, Any] | None = None,
             timeout: float | None = None) -> SyncRestTransport:
        return cls(_Core(target, token, options), target.address, timeout)

    def _post(self, path: str, body: bytes, headers: dict[str, str]) -> httpx.Response:
        try:
            return self._http.post(path, content=body, headers=headers)
        except httpx.TransportError as exc:
            raise _unreachable(self._address) from exc

    def call(self, op: Op, ctx: CallContext) -> Any:
        if self._closed:
            raise MilvusException(message="should create connection first.")
        if isinstance(op, d.GetVersion):
            return self._version()
        if isinstance(op, c.FlushAll):
            names = self.call(c.ListCollections(db_name=op.db_name), ctx)
            for name in names:
                self.call(c.Flush(collection_name=name, db_name=op.db_name), ctx)
            return None
        core = self._core
        info = None
        codec = CLIENT.get(type(op))
        if codec is not None and codec.needs_schema:
            info = core.schemas.get(core.key(op, ctx)) or self.call(core.describe(op, ctx), ctx)
        path, body, headers = core.request(op, ctx, info)
        result = core.result(op, ctx, self._post(path, body, headers), info)
        if isinstance(op, LOADS):
            delay = 0.01
            while self.call(c.GetLoadState(collection_name=op.collection_name, db_name=op.db_name), ctx).state == 2:
                time.sleep(delay)
                delay = min(delay * 2, 0.5)
        return result

    def _version(self) -> VersionInfo:
        try:
            payload = self._http.get("/healthz").json()
            return VersionInfo(str(payload.get("version", "unknown")), deploy_mode="STANDALONE")
        except (httpx.HTTPError, ValueError, AttributeError):
            return VersionInfo("unknown", deploy_mode="STANDALONE")

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._http.close()


class AsyncRestTransport:
    def __init__(self, core: _Core, address: str, timeout: float | None) -> None:
        self._core = core
        self._address = address
        self._http = httpx.AsyncClient(base_url=core.base_url, headers=core.headers, timeout=None,
                                       limits=httpx.Limits(max_keepalive_connections=32))
        self._closed = False

    @classmethod
    async def open(cls, target: Target, token: str = "", options: dict[str, Any] | None = None,
                   timeout: float | None = None) -> AsyncRestTransport:
        return cls(_Core(target, token, options), target.address, timeout)

    async def _post(self, path: str, body: bytes, headers: dict[str, str]) -> httpx.Response:
        try:
            return await self._http.post(path, content=body, headers=headers)
        except httpx.TransportError as exc:
            raise _unreachable(self._address) from exc

    async def call(self, op: Op, ctx: CallContext) -> Any:
        if self._closed:
            raise MilvusException(message="should create connection first.")
        if isinstance(op, d.GetVersion):
            return await self._version()
        if isinstance(op, c.FlushAll):
            for name in await self.call(c.ListCollections(db_name=op.db_name), ctx):
                await self.call(c.Flush(collection_name=name, db_name=op.db_name), ctx)
            return None
        core = self._core
        info = None
        codec = CLIENT.get(type(op))
        if codec is not None and codec.needs_schema:
            info = core.schemas.get(core.key(op, ctx)) or await self.call(core.describe(op, ctx), ctx)
        path, body, headers = core.request(op, ctx, info)
        result = core.result(op, ctx, await self._post(path, body, headers), info)
        if isinstance(op, LOADS):
            delay = 0.01
            probe = c.GetLoadState(collection_name=op.collection_name, db_name=op.db_name)
            while (await self.call(probe, ctx)).state == 2:
                await asyncio.sleep(delay)
                delay = min(delay * 2, 0.5)
        return result

    async def _version(self) -> VersionInfo:
        try:
            payload = (await self._http.get("/healthz")).json()
            return VersionInfo(str(payload.get("version", "unknown")), deploy_mode="STANDALONE")
        except (httpx.HTTPError, ValueError, AttributeError):
            return VersionInfo("unknown", deploy_mode="STANDALONE")

    async def close(self) -> None:
        if not self._closed:
            self._closed = True
            await self._http.aclose()


__all__ = ["AsyncRestTransport", "SyncRestTransport"]
