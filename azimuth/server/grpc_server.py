"""``azimuth serve``: the Milvus gRPC service (``milvus.proto.milvus.MilvusService``) over one ``Service``.

The servicer is thin: parse the request, decode it into an op with the codec table, run ``Service.execute`` on
a worker thread of the gRPC thread pool, encode the result (or the error as a ``Status``). RPCs without an op
are answered by :mod:`azimuth.server.extras`; RPCs Azimuth does not know get gRPC ``UNIMPLEMENTED`` (which
pymilvus treats as "feature absent"). Malformed requests get ``INVALID_ARGUMENT``; an unexpected exception
becomes a Milvus error status and a logged traceback, never a dead server. With ``--auth``, a call the caller's
roles do not permit ends with gRPC ``PERMISSION_DENIED`` (as from Milvus's privilege interceptor); ops the server
runs for itself (schema hints for results) are not checked. Stopping finishes in-flight calls,
then closes the service (data flushed, directory lock released).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Any

import grpc

from azimuth.codec.grpc import search as search_codec
from azimuth.codec.grpc import table as codec_table
from azimuth.codec.grpc.proto import SERVICE_NAME, message_classes
from azimuth.errors import Code, MilvusException, server_error
from azimuth.ops import collection as col_ops
from azimuth.ops import data as data_ops
from azimuth.ops import search as search_ops
from azimuth.ops.base import DEFAULT_DB, CallContext, Op
from azimuth.server import extras
from azimuth.server.auth import Authenticator
from azimuth.server.search_iterator import SearchIterators, iterator_page
from azimuth.service.privileges import PermissionDenied

log = logging.getLogger("azimuth.server")

MAX_MESSAGE_BYTES = 1024 * 1024 * 1024
SERVER_OPTIONS = [
    ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
    ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
    ("grpc.keepalive_permit_without_calls", 1),
    ("grpc.http2.min_ping_interval_without_data_ms", 5000),
    ("grpc.http2.max_ping_strikes", 0),
    ("grpc.keepalive_time_ms", 60000),
    ("grpc.keepalive_timeout_ms", 20000),
]


@dataclass(frozen=True)
class TlsConfig:
    cert_file: str
    key_file: str
    client_ca_file: str = ""

    def credentials(self) -> grpc.ServerCredentials:
        with open(self.key_file, "rb") as key, open(self.cert_file, "rb") as cert:
            pair = (key.read(), cert.read())
        root = None
        if self.client_ca_file:
            with open(self.client_ca_file, "rb") as ca:
                root = ca.read()
        return grpc.ssl_server_credentials([pair], root_certificates=root, require_client_auth=bool(root))


class MilvusServicer(grpc.GenericRpcHandler):
    """Routes ``/milvus.proto.milvus.MilvusService/<Rpc>`` calls to the codec table, extras or credentials."""

    def __init__(self, service: Any, auth: Authenticator | None = None) -> None:
        codec_table.ensure_codecs()
        self._service = service
        self._auth = auth
        if auth is not None:
            auth.attach(service)
        self._iterators = SearchIterators()
        self._handlers: dict[str, grpc.RpcMethodHandler] = {}
        names = set(codec_table.CODECS) | set(extras.EXTRAS) | set(auth.rpcs() if auth else ())
        for rpc in names:
            self._handlers[f"/{SERVICE_NAME}/{rpc}"] = grpc.unary_unary_rpc_method_handler(
                self._make_handler(rpc), request_deserializer=None, response_serializer=None)

    def service(self, handler_call_details: Any) -> grpc.RpcMethodHandler | None:
        return self._handlers.get(handler_call_details.method)

    # ---- one call ----------------------------------------------------------------------------------------
    def _make_handler(self, rpc: str) -> Callable[[bytes, grpc.ServicerContext], bytes]:
        request_type, response_type = message_classes(rpc)
        codec = codec_table.CODECS.get(rpc)

        def handle(raw: bytes, context: grpc.ServicerContext) -> bytes:
            started = time.perf_counter()
            try:
                request = request_type.FromString(raw)
            except Exception:  # protobuf DecodeError and friends
                log.warning("rpc=%s malformed request (%d bytes)", rpc, len(raw))
                context.abort(grpc.StatusCode.INVALID_ARGUMENT, f"malformed {request_type.__name__}")
            ctx = self._context(context, request)
            if self._auth is not None:  # outside the try: a failed check aborts the call (UNAUTHENTICATED)
                ctx = self._auth.check(rpc, context, ctx)
            code = 0
            try:
                if self._auth is not None and rpc in self._auth.rpcs():
                    response = self._auth.handle(rpc, request, ctx)
                    return response.SerializeToString()
                if codec is None:
                    response = extras.EXTRAS[rpc](self._execute, request, ctx)
                else:
                    response = self._run(codec, request, ctx)
            except PermissionDenied as exc:  # Milvus's privilege interceptor: a gRPC status, not a reply
                log.info("rpc=%s db=%s user=%s %s", rpc, ctx.db_name, ctx.user, exc.message)
                context.abort(grpc.StatusCode.PERMISSION_DENIED, exc.message)
            except MilvusException as exc:
                code = exc.code
                log.log(logging.DEBUG if exc.is_input_error else logging.WARNING, "rpc=%s db=%s code=%s error=%s",
                        rpc, ctx.db_name, exc.code, exc.message)
                response = codec_table.error_response(response_type, exc)
            except Exception as exc:  # a bug: report it, keep serving
                code = int(Code.UNEXPECTED)
                log.exception("rpc=%s db=%s internal error", rpc, ctx.db_name)
                response = codec_table.error_response(response_type, exc)
            if log.isEnabledFor(logging.DEBUG):
                log.debug("rpc=%s db=%s code=%s ms=%.2f", rpc, ctx.db_name, code,
                          (time.perf_counter() - started) * 1000)
            return response.SerializeToString()

        return handle

    def _context(self, context: grpc.ServicerContext, request: Any) -> CallContext:
        db_name = ""
        for key, value in context.invocation_metadata() or ():
            if key == "dbname":
                db_name = value if isinstance(value, str) else value.decode()
        request_db = getattr(request, "db_name", "") or getattr(request, "dbName", "")
        remaining = context.time_remaining()
        deadline = None if remaining is None or remaining > 1e9 else time.monotonic() + remaining
        return CallContext(db_name=request_db or db_name or DEFAULT_DB, deadline=deadline)

    def _execute(self, op: Op, ctx: CallContext) -> Any:
        return self._service.execute(op, ctx)

    def _internal(self, op: Op, ctx: CallContext) -> Any:
        """An op the server runs for its own needs (schema hints, ...): on its own authority, never checked."""
        return self._service.execute(op, replace(ctx, user="") if ctx.user else ctx)

    def _run(self, codec: codec_table.RpcCodec, request: Any, ctx: CallContext) -> Any:
        op = codec.decode_request(request)
        page = iterator_page(request) if codec.rpc == "Search" else None
        if page is not None:
            self._service.authorize(op, ctx)
            result, token, bound = self._iterators.run(self._internal, op, page, ctx)
            response = codec.encode_result(result, self._hint(op, ctx) if result.entities else None)
            return search_codec.with_iterator_v2(response, token, bound)
        result = self._execute(op, ctx)
        if isinstance(result, search_ops.SearchHits):
            return codec.encode_result(result, self._hint(op, ctx) if result.entities else None)
        hint = None
        if isinstance(op, data_ops.Query) and result.table is not None:
            hint = self._hint(op, ctx)
        return codec.encode_result(result, hint)

    def _hint(self, op: Op, ctx: CallContext) -> Any:
        """The collection schema, to type the columns of a result."""
        info = self._internal(col_ops.DescribeCollection(collection_name=op.collection_name,  # type: ignore[attr-defined]
                                                         db_name=op.db_name), ctx)  # type: ignore[attr-defined]
        return info.schema


class GrpcServer:
    """A running gRPC server bound to ``host:port`` (port 0 = any free port; see :attr:`port`)."""

    def __init__(self, service: Any, host: str = "127.0.0.1", port: int = 19530, *, workers: int = 16,
                 auth: Authenticator | None = None, tls: TlsConfig | None = None) -> None:
        self.service = service
        self._server = grpc.server(ThreadPoolExecutor(max_workers=workers, thread_name_prefix="azimuth-grpc"),
                                   options=SERVER_OPTIONS, maximum_concurrent_rpcs=None)
        self._server.add_generic_rpc_handlers((MilvusServicer(service, auth),))
        address = f"{host}:{port}"
        if tls is None:
            self.port = self._server.add_insecure_port(address)
        else:
            self.port = self._server.add_secure_port(address, tls.credentials())
        if self.port == 0:
            raise server_error(Code.UNAVAILABLE, f"cannot listen on {address}")
        self.host = host
        self._stopped = threading.Event()

    def start(self) -> GrpcServer:
        self._server.start()
        log.info("azimuth gRPC server listening on %s:%s", self.host, self.port)
        return self

    def stop(self, grace: float = 10.0) -> None:
        """Stop accepting calls, let in-flight calls finish (up to ``grace`` s), close the service."""
        if self._stopped.is_set():
            return
        self._stopped.set()
        self._server.stop(grace).wait()
        self.service.close()
        log.info("azimuth gRPC server stopped")

    def wait(self) -> None:
        self._server.wait_for_termination()


__all__ = ["GrpcServer", "MilvusServicer", "TlsConfig"]
