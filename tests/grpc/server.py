"""Test helper: an in-process ``azimuth serve`` on a free loopback port, and per-test databases on it."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from pathlib import Path

from azimuth.server.grpc_server import GrpcServer
from azimuth.service.service import Service


@contextlib.contextmanager
def running_server(data_dir: str | Path, **kwargs) -> Iterator[str]:
    """Start a server on 127.0.0.1:<free port>; yields its URI; stops it (and closes the data dir) after."""
    server = GrpcServer(Service.open(data_dir), "127.0.0.1", 0, workers=8, **kwargs).start()
    try:
        yield f"http://127.0.0.1:{server.port}"
    finally:
        server.stop(grace=2)


def fresh_database(uri: str) -> str:
    from azimuth import MilvusClient

    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = MilvusClient(uri)
    try:
        admin.create_database(name)
    finally:
        admin.close()
    return name


def drop_database(uri: str, name: str) -> None:
    from azimuth import MilvusClient

    admin = MilvusClient(uri, db_name=name)
    try:
        for collection in admin.list_collections():
            admin.drop_collection(collection)
        admin.drop_database(name)
    except Exception:  # a test may have dropped it already
        pass
    finally:
        admin.close()
