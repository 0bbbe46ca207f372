"""The same classic v1 scripts run through pymilvus's ORM and Azimuth's ORM against one ``azimuth serve`` (each on
its own database) must observe the same results: counts, primary keys, stored rows, search hits and distances."""

from __future__ import annotations

import warnings

import pytest

import azimuth
from tests.grpc.server import drop_database, fresh_database
from tests.orm import scripts

pymilvus = pytest.importorskip("pymilvus")


@pytest.fixture
def both(server_uri):
    """Connects alias ``pm`` (pymilvus) and ``az`` (Azimuth) to two fresh databases on the same server."""
    names = [fresh_database(server_uri), fresh_database(server_uri)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pymilvus.connections.connect("pm", uri=server_uri, db_name=names[0])
        azimuth.connections.connect("az", uri=server_uri, db_name=names[1])
        yield
        pymilvus.connections.remove_connection("pm")
        azimuth.connections.remove_connection("az")
    for name in names:
        drop_database(server_uri, name)


@pytest.mark.parametrize("script", ["hello_milvus", "strings_and_json", "hybrid"])
def test_same_observations(both, script):
    run = getattr(scripts, script)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = run(pymilvus, using="pm")
        ours = run(azimuth, using="az")
    assert set(ours) == set(theirs)
    for key in theirs:
        assert ours[key] == theirs[key], key


def test_collection_written_by_pymilvus_opens_in_azimuth(both, server_uri):
    """A collection pymilvus's ORM created (same database) opens in Azimuth's ORM with an equal schema and data."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        name = fresh_database(server_uri)
        pymilvus.connections.connect("pm2", uri=server_uri, db_name=name)
        azimuth.connections.connect("az2", uri=server_uri, db_name=name)
        fields = [pymilvus.FieldSchema("id", pymilvus.DataType.INT64, is_primary=True, auto_id=True),
                  pymilvus.FieldSchema("title", pymilvus.DataType.VARCHAR, max_length=64),
                  pymilvus.FieldSchema("vec", pymilvus.DataType.FLOAT_VECTOR, dim=4)]
        theirs = pymilvus.Collection("shared", pymilvus.CollectionSchema(fields), using="pm2")
        keys = theirs.insert([["x", "y", "z"], scripts.vectors(3, 5, dim=4)]).primary_keys
        ours = azimuth.Collection("shared", using="az2")
        assert ours.schema.to_dict() == theirs.schema.to_dict()
        same = azimuth.Collection("shared", azimuth.CollectionSchema(
            [azimuth.FieldSchema("id", azimuth.DataType.INT64, is_primary=True, auto_id=True),
             azimuth.FieldSchema("title", azimuth.DataType.VARCHAR, max_length=64),
             azimuth.FieldSchema("vec", azimuth.DataType.FLOAT_VECTOR, dim=4)]), using="az2")
        assert same.name == "shared"
        added = ours.insert([["w"], scripts.vectors(1, 6, dim=4)])
        ours.flush()
        assert theirs.num_entities == ours.num_entities == 4
        ours.create_index("vec", {"index_type": "FLAT", "metric_type": "L2", "params": {}})
        assert theirs.has_index() and theirs.index().field_name == "vec"
        theirs.load()
        assert azimuth.utility.load_state("shared", using="az2") == azimuth.LoadState.Loaded
        rows = theirs.query(f"id in {list(keys) + list(added.primary_keys)}", output_fields=["title"],
                            consistency_level="Strong")
        assert sorted(r["title"] for r in rows) == ["w", "x", "y", "z"]
        pymilvus.connections.remove_connection("pm2")
        azimuth.connections.remove_connection("az2")
    drop_database(server_uri, name)
