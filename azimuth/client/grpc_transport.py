"""The gRPC transports: ops travel as Milvus RPCs to ``azimuth serve`` or any Milvus server.

``SyncGrpcTransport`` (``grpc``) and ``AsyncGrpcTransport`` (``grpc.aio``) have the embedded transports'
interface: ``open(...)``, ``call(op, ctx)``, ``close()``. They are dumb: encode with the codec table, send with
the context's deadline and the caller's credentials and database, retry with backoff while the server is
``UNAVAILABLE``, decode the response or raise the mapped exception. Shared logic is in ``_grpc_common``.
"""

from __future__ import annotations

import asyncio
import os
import time
from typing import Any

import grpc
import grpc.aio

from azimuth.client._errors import from_rpc_error, is_unavailable
from azimuth.client._grpc_common import LOADS, RETRY_WINDOW, ChannelPool, GrpcSettings, loading_request
from azimuth.client._uri import Target
from azimuth.codec.grpc import status as status_codec
from azimuth.codec.grpc.table import response_status
from azimuth.errors import Code, ConnectError, MilvusException
from azimuth.ops.base import CallContext, Op

_SYNC_POOL = ChannelPool()
_ASYNC_POOL = ChannelPool()
CONNECT_TIMEOUT = 10.0


def _unreachable(address: str) -> ConnectError:
    return ConnectError(Code.UNAVAILABLE, f"Fail connecting to server on {address}, illegal connection params or "
                                          "server unavailable")


class SyncGrpcTransport:
    def __init__(self, settings: GrpcSettings) -> None:
        self._settings = settings
        self._channel: Any = None
        self._key: tuple = ()
        self._pid = 0
        self._closed = False

    @classmethod
    def open(cls, target: Target, token: str = "", options: dict[str, Any] | None = None,
             timeout: float | None = None) -> SyncGrpcTransport:
        transport = cls(GrpcSettings(target, token, options))
        channel = transport._acquire()
        try:
            grpc.channel_ready_future(channel).result(timeout=timeout or CONNECT_TIMEOUT)
        except grpc.FutureTimeoutError:
            transport.close()
            raise _unreachable(target.address) from None
        return transport

    def _acquire(self) -> Any:
        settings = self._settings
        if self._channel is not None and self._pid == os.getpid():
            return self._channel
        options = list(settings.channel_options.items())

        def factory() -> Any:
            if settings.secure:
                return grpc.secure_channel(settings.address, settings.credentials(grpc), options=options)
            return grpc.insecure_channel(settings.address, options=options)

        settings.methods.clear()
        self._pid = os.getpid()
        if settings.dedicated:
            self._key, self._channel = (), factory()
        else:
            self._key = settings.key("sync")
            self._channel = _SYNC_POOL.acquire(self._key, factory)
        return self._channel

    def _invoke(self, rpc: str, request: Any, ctx: CallContext) -> Any:
        settings = self._settings
        started, backoff = time.monotonic(), 0.05
        while True:
            method = settings.method(self._acquire(), rpc)
            try:
                return method(request, timeout=settings.timeout(ctx), metadata=settings.metadata(ctx))
            except grpc.RpcError as exc:
                waited = time.monotonic() - started
                if not is_unavailable(exc) or waited + backoff > RETRY_WINDOW or (
                        ctx.deadline is not None and time.monotonic() + backoff >= ctx.deadline):
                    raise from_rpc_error(exc, settings.address, rpc) from exc
                time.sleep(backoff)
                backoff = min(backoff * 2, 1.0)

    def _step(self, codec: Any, op: Op, ctx: CallContext) -> Any:
        settings = self._settings
        hint = None
        if codec.needs_schema(op):
            key = settings.schema_key(op, ctx)
            info = settings.schemas.get(key)
            if info is None:
                info = self.call(settings.describe_op(op, ctx), ctx)
            hint = info.schema
        response = self._invoke(codec.rpc, codec.encode_request(op, hint), ctx)
        status = response_status(response)
        if not status_codec.is_ok(status):
            error = status_codec.from_status(status)
            settings.after(op, ctx, None, error)
            raise error
        result = codec.decode_result(response)
        settings.after(op, ctx, result, None)
        if isinstance(op, LOADS):
            self._wait_loaded(op, ctx)
        return result

    def _wait_loaded(self, op: Op, ctx: CallContext) -> None:
        delay = 0.02
        while True:
            response = self._invoke("GetLoadingProgress", loading_request(op), ctx)
            status_codec.check(response.status)
            if response.progress >= 100:
                return
            time.sleep(delay)
            delay = min(delay * 2, 0.5)

    def call(self, op: Op, ctx: CallContext) -> Any:
        if self._closed:
            raise MilvusException(message="should create connection first.")
        steps = self._settings.steps(op)
        result = self._step(steps[0][0], steps[0][1], ctx)
        for codec, step in steps[1:]:
            self._step(codec, step, ctx)
        return result

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self._channel is None or self._pid != os.getpid():
            return
        channel = self._channel if not self._key else _SYNC_POOL.release(self._key)
        self._channel = None
        if channel is not None:
            channel.close()


class AsyncGrpcTransport:
    def __init__(self, settings: GrpcSettings) -> None:
        self._settings = settings
        self._channel: Any = None
        self._key: tuple = ()
        self._closed = False

    @classmethod
    async def open(cls, target: Target, token: str = "", options: dict[str, Any] | None = None,
                   timeout: float | None = None) -> AsyncGrpcTransport:
        transport = cls(GrpcSettings(target, token, options))
        channel = transport._acquire()
        try:
            await asyncio.wait_for(channel.channel_ready(), timeout or CONNECT_TIMEOUT)
        except asyncio.TimeoutError:
            await transport.close()
            raise _unreachable(target.address) from None
        return transport

    def _acquire(self) -> Any:
        if self._channel is not None:
            return self._channel
        settings = self._settings
        options = list(settings.channel_options.items())

        def factory() -> Any:
            if settings.secure:
                return grpc.aio.secure_channel(settings.address, settings.credentials(grpc), options=options)
            return grpc.aio.insecure_channel(settings.address, options=options)

        if settings.dedicated:
            self._channel = factory()
        else:
            self._key = settings.key("aio", id(asyncio.get_running_loop()))
            self._channel = _ASYNC_POOL.acquire(self._key, factory)
        return self._channel

    async def _invoke(self, rpc: str, request: Any, ctx: CallContext) -> Any:
        settings = self._settings
        started, backoff = time.monotonic(), 0.05
        while True:
            method = settings.method(self._acquire(), rpc)
            try:
                return await method(request, timeout=settings.timeout(ctx), metadata=settings.metadata(ctx))
            except grpc.RpcError as exc:
                waited = time.monotonic() - started
                if not is_unavailable(exc) or waited + backoff > RETRY_WINDOW or (
                        ctx.deadline is not None and time.monotonic() + backoff >= ctx.deadline):
                    raise from_rpc_error(exc, settings.address, rpc) from exc
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 1.0)

    async def _step(self, codec: Any, op: Op, ctx: CallContext) -> Any:
        settings = self._settings
        hint = None
        if codec.needs_schema(op):
            info = settings.schemas.get(settings.schema_key(op, ctx))
            if info is None:
                info = await self.call(settings.describe_op(op, ctx), ctx)
            hint = info.schema
        response = await self._invoke(codec.rpc, codec.encode_request(op, hint), ctx)
        status = response_status(response)
        if not status_codec.is_ok(status):
            error = status_codec.from_status(status)
            settings.after(op, ctx, None, error)
            raise error
        result = codec.decode_result(response)
        settings.after(op, ctx, result, None)
        if isinstance(op, LOADS):
            delay = 0.02
            while True:
                progress = await self._invoke("GetLoadingProgress", loading_request(op), ctx)
                status_codec.check(progress.status)
                if progress.progress >= 100:
                    break
                await asyncio.sleep(delay)
                delay = min(delay * 2, 0.5)
        return result

    async def call(self, op: Op, ctx: CallContext) -> Any:
        if self._closed:
            raise MilvusException(message="should create connection first.")
        steps = self._settings.steps(op)
        result = await self._step(steps[0][0], steps[0][1], ctx)
        for codec, step in steps[1:]:
            await self._step(codec, step, ctx)
        return result

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self._channel is None:
            return
        channel = self._channel if not self._key else _ASYNC_POOL.release(self._key)
        self._channel = None
        if channel is not None:
            await channel.close()


__all__ = ["AsyncGrpcTransport", "SyncGrpcTransport"]
