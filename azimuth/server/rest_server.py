"""``azimuth serve``'s listeners: gRPC and REST on one port (plus, optionally, REST alone on ``http_port``).

Without TLS the gRPC server listens on a loopback port and the public port is a :class:`~.rest_front.Front`
that pipes HTTP/2 connections to it and serves HTTP/1.1 with the REST app. With TLS the gRPC server owns the
public port itself (the front does not terminate TLS) and REST is served on ``http_port`` only.
"""

from __future__ import annotations

import logging
from typing import Any

from azimuth.server.grpc_server import GrpcServer, TlsConfig
from azimuth.server.rest_app import RestApp, RestSettings
from azimuth.server.rest_front import Front

log = logging.getLogger("azimuth.server")


class AzimuthServer:
    """gRPC + REST over one ``Service``. ``port``/``http_port`` 0 = any free port (read them after start)."""

    def __init__(self, service: Any, host: str = "127.0.0.1", port: int = 19530, *, http_port: int | None = None,
                 auth: Any = None, tls: TlsConfig | None = None, rest: RestSettings | None = None,
                 workers: int = 16) -> None:
        self.service = service
        self.host = host
        self.app = RestApp(service, auth, rest)
        self.tls = tls
        if tls is None:
            self.grpc = GrpcServer(service, "127.0.0.1", 0, workers=workers, auth=auth)
            self.front: Front | None = Front(self.app.asgi, host, port, grpc_port=self.grpc.port)
        else:
            self.grpc = GrpcServer(service, host, port, workers=workers, auth=auth, tls=tls)
            self.front = None
        self.http: Front | None = Front(self.app.asgi, host, http_port) if http_port is not None else None
        self.port = port

    def start(self) -> AzimuthServer:
        self.grpc.start()
        try:
            if self.front is not None:
                self.port = self.front.start().port
            else:
                self.port = self.grpc.port
            if self.http is not None:
                self.http.start()
        except BaseException:
            self.stop()
            raise
        log.info("azimuth serving gRPC%s on %s:%s%s", "" if self.tls else " + REST", self.host, self.port,
                 f", REST on {self.host}:{self.http.port}" if self.http else "")
        return self

    @property
    def http_port(self) -> int | None:
        return self.http.port if self.http is not None else None

    def stop(self, grace: float = 5.0) -> None:
        for front in (self.front, self.http):
            if front is not None:
                front.stop(grace)
        self.grpc.stop(grace)
        self.app.close()

    def wait(self) -> None:
        self.grpc.wait()


__all__ = ["AzimuthServer"]
