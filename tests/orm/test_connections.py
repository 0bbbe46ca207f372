"""``connections`` semantics (configs, aliases, addresses, errors), deprecation warnings, and the timestamp helpers
compared with pymilvus's."""

from __future__ import annotations

import warnings
from datetime import datetime, timedelta, timezone

import pytest

import azimuth
from azimuth import Collection, ConnectionConfigException, ConnectionNotExistException, utility
from azimuth.errors import PyMilvusDeprecationWarning
from azimuth.orm import Connections, connections

pytestmark = pytest.mark.filterwarnings("ignore::azimuth.errors.PyMilvusDeprecationWarning")


@pytest.fixture
def clean():
    """Leaves the registry as it found it."""
    saved = (dict(connections._alias_config), dict(connections._alias_handlers))
    yield
    for alias in list(connections._alias_handlers):
        if alias not in saved[1]:
            connections.disconnect(alias)
    connections._alias_config.clear()
    connections._alias_config.update(saved[0])


def test_singleton_and_default_config(clean):
    assert Connections() is connections
    connections._alias_config.setdefault("default", {"user": "", "address": "localhost:19530"})
    assert ("default", None) in connections.list_connections() or connections.has_connection("default")


def test_add_connection_and_addresses(clean):
    connections.add_connection(dev={"host": "example.com", "port": "19531"}, web={"uri": "https://h.io"},
                               raw={"address": "10.0.0.1:1"})
    assert connections.get_connection_addr("dev") == {"address": "example.com:19531", "user": ""}
    assert connections.get_connection_addr("web") == {"address": "h.io:443", "user": "", "secure": True}
    assert connections.get_connection_addr("raw")["address"] == "10.0.0.1:1"
    assert not connections.has_connection("dev")
    assert connections.get_connection_addr("unknown") == {}
    with pytest.raises(ConnectionConfigException, match="Alias should be string"):
        connections.has_connection(1)
    with pytest.raises(ConnectionConfigException, match="out of range"):
        connections.add_connection(bad={"host": "h", "port": 70000})
    with pytest.raises(ConnectionConfigException, match="Illegal uri"):
        connections.add_connection(bad={"uri": "http://"})


def test_local_db_lifecycle(clean, tmp_path):
    path = str(tmp_path / "a.db")
    connections.connect("local", uri=path)
    assert connections.has_connection("local")
    config = connections.get_connection_addr("local")
    assert config["db_name"] == "default" and config["user"] == "" and "password" not in config
    connections.connect("local", uri=path)  # same address again: fine
    with pytest.raises(ConnectionConfigException, match="already creating connections"):
        connections.connect("local", uri=str(tmp_path / "b.db"))
    connections.disconnect("local")
    assert not connections.has_connection("local") and connections.get_connection_addr("local")
    with pytest.raises(ConnectionNotExistException, match="should create connection first"):
        Collection("x", using="local")
    connections.connect("local")  # reconnects from the kept config
    assert utility.list_collections(using="local") == []
    connections.remove_connection("local")
    assert connections.get_connection_addr("local") == {}
    with pytest.raises(ConnectionConfigException, match="configuration of the connection named 'local'"):
        connections.connect("local")


def test_bad_local_paths(clean, tmp_path):
    with pytest.raises(ConnectionConfigException, match="endswith"):
        connections.connect("x", uri=str(tmp_path / "file.txt"))
    with pytest.raises(ConnectionConfigException, match="not exists"):
        connections.connect("x", uri=str(tmp_path / "missing" / "a.db"))


def test_grpc_uri_with_credentials_and_db(clean, server_uri):
    admin = azimuth.MilvusClient(server_uri)
    admin.create_database("conn_db")
    try:
        connections.connect("remote", uri=server_uri + "/conn_db", db_name="")
        assert connections.get_connection_addr("remote")["db_name"] == "conn_db"
        host, port = server_uri.rsplit("//", 1)[1].split(":")
        connections.connect("hp", host=host, port=port, db_name="conn_db")
        assert connections.get_connection_addr("hp")["address"] == f"{host}:{port}"
        assert utility.list_collections(using="hp") == []
    finally:
        connections.remove_connection("remote")
        connections.remove_connection("hp")
        admin.drop_database("conn_db")
        admin.close()


def test_warnings_match_pymilvus(clean, tmp_path):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        connections.connect("w", uri=str(tmp_path / "w.db"))
        coll = Collection("c", azimuth.CollectionSchema([
            azimuth.FieldSchema("id", azimuth.DataType.INT64, is_primary=True),
            azimuth.FieldSchema("v", azimuth.DataType.FLOAT_VECTOR, dim=2)]), using="w")
        coll.create_partition("p")  # builds a Partition inside: one warning only
        coll.query_iterator(expr="id > 0").close()
        utility.mkts_from_unixtime(1.0)  # timestamp helpers do not warn
    messages = [str(w.message) for w in caught if w.category is PyMilvusDeprecationWarning]
    assert messages == [
        "`connections.connect` is an ORM-style PyMilvus API and will be removed in PyMilvus 3.1. "
        "Use `MilvusClient` instead.",
        "`Collection` is an ORM-style PyMilvus API and will be removed in PyMilvus 3.1. Use `MilvusClient` instead.",
        "`Collection.create_partition` is an ORM-style PyMilvus API and will be removed in PyMilvus 3.1. "
        "Use `MilvusClient` instead.",
        "`Collection.query_iterator` is an ORM-style PyMilvus API and will be removed in PyMilvus 3.1. "
        "Use `MilvusClient.query_iterator()` instead.",
    ]
    assert all(w.filename == __file__ for w in caught)


def test_timestamp_helpers_match_pymilvus():
    pymilvus = pytest.importorskip("pymilvus")
    ts = (1_700_000_000_123 << 18) | 5
    cases = [
        ("mkts_from_hybridts", (ts,), {"milliseconds": 2.5}),
        ("mkts_from_hybridts", (ts,), {"delta": timedelta(milliseconds=30)}),
        ("mkts_from_unixtime", (1_700_000_000.25,), {"milliseconds": 1}),
        ("mkts_from_datetime", (datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc),), {}),
        ("hybridts_to_unixtime", (ts,), {}),
        ("hybridts_to_datetime", (ts,), {"tz": timezone.utc}),
    ]
    for name, args, kwargs in cases:
        assert getattr(utility, name)(*args, **kwargs) == getattr(pymilvus.utility, name)(*args, **kwargs), name
    with pytest.raises(azimuth.MilvusException, match="hybridts should be type of int"):
        utility.mkts_from_hybridts("x")
    with pytest.raises(azimuth.MilvusException, match="tz should be type"):
        utility.hybridts_to_datetime(ts, tz="UTC")
