"""Fixtures of the ORM suite: the ``default`` alias connected over each transport.

``embedded``: a local ``.db`` file per test. ``grpc``: one in-process ``azimuth serve`` per module and a fresh
database per test (the alias is connected with ``db_name``).
"""

from __future__ import annotations

import warnings

import pytest

from azimuth.errors import PyMilvusDeprecationWarning
from azimuth.orm import connections
from tests.grpc.server import drop_database, fresh_database, running_server


@pytest.fixture(scope="module")
def server_uri(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("orm_serve")) as uri:
        yield uri


@pytest.fixture
def quiet_orm():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PyMilvusDeprecationWarning)
        yield


@pytest.fixture(params=["embedded", "grpc"])
def orm(request, tmp_path, quiet_orm):
    """Connects alias ``default``; yields the transport name; removes the alias afterwards."""
    if request.param == "embedded":
        connections.connect(uri=str(tmp_path / "orm.db"))
        yield "embedded"
        connections.remove_connection("default")
        return
    uri = request.getfixturevalue("server_uri")
    name = fresh_database(uri)
    connections.connect(uri=uri, db_name=name)
    yield "grpc"
    connections.remove_connection("default")
    drop_database(uri, name)
