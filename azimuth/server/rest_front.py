"""One port for gRPC and REST, as Milvus: an asyncio listener that looks at the first bytes of each connection.

A connection that starts with the HTTP/2 client preface (``PRI * HTTP/2.0``) is gRPC: it is piped, byte for
byte, to the gRPC server listening on a loopback port. Anything else is HTTP/1.1: the connection is handed to
uvicorn's HTTP protocol (httptools when installed, else h11) serving the REST ASGI app, with no extra hop. The
front runs its own event loop in a background thread; a broken or hostile connection only ever closes itself.
``grpc_port=None`` makes a REST-only listener (``--http-port``).
"""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import Any

log = logging.getLogger("azimuth.server")

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
_HIGH_WATER = 4 * 1024 * 1024


def _http_protocol_class() -> Any:
    try:
        from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

        return HttpToolsProtocol
    except ImportError:  # pragma: no cover - httptools is optional
        from uvicorn.protocols.http.h11_impl import H11Protocol

        return H11Protocol


class _Pipe(asyncio.Protocol):
    """One direction-pair of a proxied connection: bytes read here are written to ``peer``."""

    def __init__(self, peer: asyncio.Transport) -> None:
        self.peer = peer
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: Any) -> None:
        self.transport = transport
        transport.set_write_buffer_limits(high=_HIGH_WATER)

    def data_received(self, data: bytes) -> None:
        self.peer.write(data)

    def pause_writing(self) -> None:
        self.peer.pause_reading()

    def resume_writing(self) -> None:
        self.peer.resume_reading()

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.peer.is_closing():
            self.peer.close()


class _Sniffer(asyncio.Protocol):
    """Reads until it can tell HTTP/2 from HTTP/1.1, then gives the connection to its real handler."""

    def __init__(self, front: Front) -> None:
        self.front = front
        self.buffer = b""
        self.transport: asyncio.Transport | None = None
        self.backend: asyncio.Transport | None = None
        self.decided = False

    def connection_made(self, transport: Any) -> None:
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        if self.decided:  # HTTP/2 bytes arriving while the backend connection opens
            if self.backend is not None:
                self.backend.write(data)
            else:
                self.buffer += data
            return
        self.buffer += data
        n = min(len(self.buffer), len(PREFACE))
        if self.buffer[:n] != PREFACE[:n] or self.front.grpc_port is None:
            self.decided = True
            self._to_http1()
        elif n == len(PREFACE):
            self.decided = True
            self.transport.pause_reading()
            asyncio.ensure_future(self._to_grpc())

    def _to_http1(self) -> None:
        front, transport = self.front, self.transport
        protocol = front.http_class(front.config, front.server_state, {}, front.loop)
        transport.set_protocol(protocol)
        protocol.connection_made(transport)
        protocol.data_received(self.buffer)
        self.buffer = b""

    async def _to_grpc(self) -> None:
        transport = self.transport
        try:
            backend, _ = await self.front.loop.create_connection(lambda: _Pipe(transport), "127.0.0.1",
                                                                 self.front.grpc_port)
        except OSError as exc:
            log.warning("gRPC backend unreachable: %s", exc)
            transport.close()
            return
        self.backend = backend
        pipe = _Pipe(backend)
        pipe.connection_made(transport)
        transport.set_protocol(pipe)
        backend.write(self.buffer)
        self.buffer = b""
        transport.resume_reading()

    def connection_lost(self, exc: Exception | None) -> None:
        if self.backend is not None and not self.backend.is_closing():
            self.backend.close()


class Front:
    """A listener on ``host:port`` serving REST (and gRPC via ``grpc_port``) from a background event loop."""

    def __init__(self, asgi: Any, host: str, port: int, grpc_port: int | None = None) -> None:
        import uvicorn
        from uvicorn.server import ServerState

        self.host = host
        self.port = port
        self.grpc_port = grpc_port
        self.config = uvicorn.Config(asgi, lifespan="off", log_config=None, access_log=False, proxy_headers=False,
                                     timeout_keep_alive=75)
        self.config.load()
        self.server_state = ServerState()
        self.http_class = _http_protocol_class()
        self.loop = asyncio.new_event_loop()
        self._server: asyncio.AbstractServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> Front:
        ready = threading.Event()
        failure: list[BaseException] = []

        def main() -> None:
            asyncio.set_event_loop(self.loop)
            try:
                self._server = self.loop.run_until_complete(
                    self.loop.create_server(lambda: _Sniffer(self), self.host, self.port, backlog=1024))
                self.port = self._server.sockets[0].getsockname()[1]
            except BaseException as exc:  # reported to the caller of start()
                failure.append(exc)
                ready.set()
                return
            ready.set()
            self.loop.run_forever()

        self._thread = threading.Thread(target=main, name=f"azimuth-front-{self.port}", daemon=True)
        self._thread.start()
        ready.wait()
        if failure:
            raise failure[0]
        return self

    def stop(self, grace: float = 5.0) -> None:
        """Stop accepting, let in-flight HTTP requests finish (up to ``grace`` s), close connections."""
        if self._thread is None:
            return

        async def shutdown() -> None:
            if self._server is not None:
                self._server.close()
            for connection in list(self.server_state.connections):
                connection.shutdown()
            deadline = self.loop.time() + grace
            while self.server_state.tasks and self.loop.time() < deadline:
                await asyncio.sleep(0.05)
            for task in list(self.server_state.tasks):
                task.cancel()

        future = asyncio.run_coroutine_threadsafe(shutdown(), self.loop)
        try:
            future.result(grace + 1)
        except Exception:  # noqa: BLE001 - best effort at shutdown
            pass
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=grace + 1)
        self._thread = None


__all__ = ["Front", "PREFACE"]
