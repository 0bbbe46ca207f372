"""What the sync and async gRPC transports share: channel settings and the shared-channel pool, call metadata,
deadlines, the op → RPC plan, and the per-collection schema the codec needs to type row data.

The schema kept here is a wire detail (which Milvus type a string column is, the primary key name for
``pk in [...]``), fetched with ``DescribeCollection`` when first needed and dropped on every schema-changing op
and on errors that suggest it changed. Channels are shared per (address, TLS, credentials, process) unless
``dedicated=True``; the process id in the key makes a forked child open its own channels.
"""

from __future__ import annotations

import base64
import os
import threading
import time
from collections.abc import Callable
from typing import Any

from azimuth.client._uri import Target
from azimuth.codec.grpc import table as codec_table
from azimuth.codec.grpc.ddl import expand
from azimuth.codec.grpc.proto import SERVICE_NAME
from azimuth.errors import Code, MilvusException, server_error
from azimuth.ops import collection as col_ops
from azimuth.ops.base import CallContext, Op
from azimuth.ops.results import CollectionInfo

CHANNEL_OPTIONS: dict[str, Any] = {
    "grpc.max_send_message_length": -1,
    "grpc.max_receive_message_length": -1,
    "grpc.keepalive_time_ms": 10000,
    "grpc.keepalive_timeout_ms": 5000,
    "grpc.keepalive_permit_without_calls": 1,
    "grpc.enable_retries": 1,
}
RETRY_WINDOW = 10.0
LOADS = (col_ops.LoadCollection, col_ops.LoadPartitions)


def _read(path: str) -> bytes | None:
    if not path:
        return None
    with open(path, "rb") as handle:
        return handle.read()


class ChannelPool:
    """Reference-counted channels keyed by connection settings (and process id)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._channels: dict[tuple, list[Any]] = {}

    def acquire(self, key: tuple, factory: Callable[[], Any]) -> Any:
        with self._lock:
            entry = self._channels.get(key)
            if entry is None:
                entry = self._channels[key] = [factory(), 0]
            entry[1] += 1
            return entry[0]

    def release(self, key: tuple) -> Any | None:
        """Drop one reference; returns the channel when it should be closed."""
        with self._lock:
            entry = self._channels.get(key)
            if entry is None:
                return None
            entry[1] -= 1
            if entry[1] > 0:
                return None
            del self._channels[key]
            return entry[0]


class GrpcSettings:
    """Connection settings and the pure parts of a call."""

    def __init__(self, target: Target, token: str = "", options: dict[str, Any] | None = None) -> None:
        options = dict(options or {})
        self.address = target.address
        self.secure = bool(target.secure or options.get("secure", False))
        self.tls = tuple(str(options.get(k, "")) for k in ("server_pem_path", "client_pem_path", "client_key_path",
                                                           "ca_pem_path", "server_name"))
        self.token = token
        self.dedicated = bool(options.get("dedicated", False))
        self.channel_options = {**CHANNEL_OPTIONS, **dict(options.get("grpc_options") or {})}
        if self.tls[4]:
            self.channel_options["grpc.ssl_target_name_override"] = self.tls[4]
        self._auth: tuple[tuple[str, str], ...] = ()
        if token:
            self._auth = (("authorization", base64.b64encode(token.encode()).decode()),)
        self.schemas: dict[tuple[str, str], CollectionInfo] = {}
        self.methods: dict[str, Any] = {}

    def key(self, kind: str, extra: Any = None) -> tuple:
        return (kind, self.address, self.secure, self.tls, self.token, os.getpid(), extra)

    def credentials(self, grpc: Any) -> Any:
        """TLS credentials: the trusted root is ``ca_pem_path`` or ``server_pem_path`` (system roots when neither);
        ``client_pem_path`` + ``client_key_path`` add a client certificate (mutual TLS)."""
        server_pem, client_pem, client_key, ca_pem, _ = self.tls
        root = _read(ca_pem) or _read(server_pem)
        if client_pem and client_key:
            return grpc.ssl_channel_credentials(root, _read(client_key), _read(client_pem))
        return grpc.ssl_channel_credentials(root_certificates=root)

    def metadata(self, ctx: CallContext) -> tuple[tuple[str, str], ...]:
        return (*self._auth, ("dbname", ctx.db_name))

    @staticmethod
    def timeout(ctx: CallContext) -> float | None:
        if ctx.deadline is None:
            return None
        remaining = ctx.deadline - time.monotonic()
        if remaining <= 0:
            raise MilvusException(Code.UNEXPECTED, "the deadline of the call was exceeded before it was sent")
        return remaining

    def method(self, channel: Any, rpc: str) -> Any:
        found = self.methods.get(rpc)
        if found is None:
            codec = codec_table.CODECS.get(rpc)
            response_type = codec.response_type if codec else _response_type(rpc)
            found = self.methods[rpc] = channel.unary_unary(
                f"/{SERVICE_NAME}/{rpc}", request_serializer=_serialize, response_deserializer=response_type.FromString)
        return found

    # ---- plans and schemas -------------------------------------------------------------------------------
    @staticmethod
    def steps(op: Op) -> list[tuple[codec_table.RpcCodec, Op]]:
        out = []
        for step in expand(op):
            codec = codec_table.BY_OP.get(type(step))
            if codec is None:
                raise server_error(Code.UNIMPLEMENTED, f"operation {step.name or type(step).__name__} cannot be "
                                                       "sent over gRPC yet")
            out.append((codec, step))
        return out

    @staticmethod
    def schema_key(op: Op, ctx: CallContext) -> tuple[str, str]:
        return (getattr(op, "db_name", "") or ctx.db_name, getattr(op, "collection_name", ""))

    def describe_op(self, op: Op, ctx: CallContext) -> Op:
        db_name, name = self.schema_key(op, ctx)
        return col_ops.DescribeCollection(collection_name=name, db_name=db_name)

    def after(self, op: Op, ctx: CallContext, result: Any, error: MilvusException | None) -> None:
        """Keep the schema map in step with what the op did or revealed."""
        if error is not None:
            if error.code in (Code.SCHEMA_MISMATCH, Code.COLLECTION_NOT_FOUND, Code.FIELD_NOT_FOUND,
                              Code.INVALID_PARAMETER):
                self.schemas.pop(self.schema_key(op, ctx), None)
            return
        if op.mutates_schema or isinstance(op, col_ops.TruncateCollection):
            self.schemas.clear()
        elif isinstance(op, col_ops.DescribeCollection) and isinstance(result, CollectionInfo):
            self.schemas[self.schema_key(op, ctx)] = result


def _serialize(message: Any) -> bytes:
    return message.SerializeToString()


def _response_type(rpc: str) -> Any:
    from azimuth.codec.grpc.proto import message_classes

    return message_classes(rpc)[1]


def loading_request(op: Op) -> Any:
    from azimuth.codec.grpc.proto import milvus_pb2

    return milvus_pb2.GetLoadingProgressRequest(collection_name=getattr(op, "collection_name", ""),
                                                db_name=getattr(op, "db_name", ""),
                                                partition_names=list(getattr(op, "partition_names", ()) or ()))


codec_table.ensure_codecs()

__all__ = ["ChannelPool", "GrpcSettings", "LOADS", "RETRY_WINDOW", "loading_request"]
