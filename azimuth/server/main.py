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
          ready: threading.Event | None = None) -> int:
    from azimuth.server.auth import Authenticator
    from azimuth.server.grpc_server import GrpcServer, TlsConfig
    from azimuth.service.service import Service

    logging.basicConfig(level=getattr(logging, log_level.upper(), logging.INFO),
                        format="%(asctime)s %(levelname)s %(name)s %(message)s")
    path = Path(data_dir)
    path.mkdir(parents=True, exist_ok=True)
    service = Service.open(path)
    tls = TlsConfig(tls_cert, tls_key, tls_client_ca) if tls_cert and tls_key else None
    try:
        server = GrpcServer(service, host, port, auth=Authenticator(path) if auth else None, tls=tls).start()
    except BaseException:
        service.close()
        raise
    stop = threading.Event()

    def on_signal(signum: int, frame: Any) -> None:
        logging.getLogger("azimuth.server").info("signal %s received, shutting down", signum)
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    print(f"Azimuth is serving the Milvus gRPC protocol on {host}:{server.port} (data: {path.resolve()})",
          flush=True)
    if ready is not None:
        ready.set()
    while not stop.wait(0.5):
        pass
    server.stop()
    return 0


__all__ = ["serve"]
