"""Test helper: an in-process ``azimuth serve`` (gRPC + REST on one loopback port chosen at run time)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from azimuth.server.rest_server import AzimuthServer
from azimuth.service.service import Service


@contextlib.contextmanager
def running_rest_server(data_dir: str | Path, **kwargs) -> Iterator[str]:
    """Start a server on 127.0.0.1:<free port>; yields ``http://127.0.0.1:<port>``; stops it after."""
    server = AzimuthServer(Service.open(data_dir), "127.0.0.1", 0, workers=8, **kwargs).start()
    try:
        yield f"http://127.0.0.1:{server.port}"
    finally:
        server.stop(grace=2)
