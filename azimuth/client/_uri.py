"""URI → connection target: a local ``.db`` path (embedded engine) or a remote server address."""

from __future__ import annotations

import os
from dataclasses import dataclass
from urllib.parse import urlparse

from azimuth.errors import ConnectionConfigException


@dataclass(frozen=True)
class Target:
    kind: str  # "embedded" | "remote"
    path: str = ""
    address: str = ""
    secure: bool = False
    db_name: str = ""


def parse_uri(uri: str) -> Target:
    if not isinstance(uri, str) or not uri:
        raise ConnectionConfigException(message=f"uri: {uri!r} is illegal, needs start with [unix, http, https, "
                                                "tcp] or a local file endswith [.db]")
    if uri.endswith(".db") and "://" not in uri:
        path = os.path.abspath(os.path.expanduser(uri))
        parent = os.path.dirname(path)
        if not os.path.isdir(parent):
            raise ConnectionConfigException(message=f"Open local milvus failed, dir: {parent} not exists")
        return Target("embedded", path=path)
    parsed = urlparse(uri)
    if parsed.scheme not in ("http", "https", "tcp", "unix", "grpc", "grpcs"):
        raise ConnectionConfigException(message=f"uri: {uri} is illegal, needs start with [unix, http, https, tcp] "
                                                "or a local file endswith [.db]")
    host = parsed.hostname or "localhost"
    port = parsed.port or 19530
    db_name = parsed.path.strip("/") if parsed.path else ""
    return Target("remote", address=f"{host}:{port}", secure=parsed.scheme in ("https", "grpcs"), db_name=db_name)
