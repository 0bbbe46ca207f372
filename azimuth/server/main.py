"""Entry point of ``azimuth serve``: open the data directory, start the gRPC server, stop it cleanly on
SIGINT/SIGTERM (in-flight calls finish, data is flushed, the directory lock is released)."""

from __future__ import annotations

import logging
import signal
import threading
from pathlib import Path
from typing import Any


def serve(data_dir: str = "./azimuth_data", host: str = "127.0.0.1", port: int = 19530, *, auth: bool = False,
          tls_cert: str = "", tls_key: str = "", tls_client_ca: str = "", log_level: str = "INFO",
          ready: threading.Event | None = None, http_port: int | None = None, max_request_mb: int = 64) -> int:
    from azimuth.server.auth import Authenticator
    from azimuth.server.grpc_server import TlsConfig
    from azimuth.server.rest_app import RestSettings
    from azimuth.server.rest_server import AzimuthServer
    from azimuth.service.service import Service

    logging.basicConfig(level=getattr(logging, log_level.upper(), logging.INFO),
                        format="%(asctime)s %(levelname)s %(name)s %(message)s")
    path = Path(data_dir)
    path.mkdir(parents=True, exist_ok=True)
    service = Service.open(path)
    tls = TlsConfig(tls_cert, tls_key, tls_client_ca) if tls_cert and tls_key else None
    try:
        server = AzimuthServer(service, host, port, http_port=http_port, auth=Authenticator(path) if auth else None,
                               tls=tls, rest=RestSettings(max_body=max_request_mb * 1024 * 1024)).start()
    except BaseException:
        service.close()
        raise
    stop = threading.Event()

    def on_signal(signum: int, frame: Any) -> None:
        logging.getLogger("azimuth.server").info("signal %s received, shutting down", signum)
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    rest = f"REST on {host}:{server.http_port}" if server.http_port else ""
    where = (f"gRPC on {host}:{server.port}, {rest}" if tls else
             f"gRPC and REST on {host}:{server.port}" + (f", {rest}" if rest else ""))
    print(f"Azimuth is serving the Milvus protocols: {where} (data: {path.resolve()})", flush=True)
    if ready is not None:
        ready.set()
    while not stop.wait(0.5):
        pass
    server.stop()
    return 0


__all__ = ["serve"]
