"""Sealed segments get their scalar and vector indexes attached (and reloaded on reopen, never rebuilt), and
filters consult the scalar ones."""

from __future__ import annotations

import os

from azimuth import DataType, MilvusClient
from azimuth.client import embedded


def service_of(path: str):
    return embedded._OPEN[os.path.abspath(path)][0]


def test_indexes_attached_used_and_reloaded(tmp_path, monkeypatch):
    path = str(tmp_path / "w.db")
    client = MilvusClient(path)
    schema = MilvusClient.create_schema()
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("v", DataType.FLOAT_VECTOR, dim=4)
    schema.add_field("n", DataType.INT64)
    ip = MilvusClient.prepare_index_params()
    ip.add_index("v", index_type="HNSW", metric_type="L2", params={"M": 8, "efConstruction": 40})
    ip.add_index("n", index_type="STL_SORT")
    client.create_collection("c", schema=schema, index_params=ip)
    client.insert("c", [{"id": i, "v": [i, 0, 0, 1], "n": i % 10} for i in range(3000)])
    client.flush("c")
    client.release_collection("c")
    client.load_collection("c")  # waits for nothing; index builds finish in the background
    engine = service_of(path).engine
    meta = next(iter(engine.catalog.collections.values()))
    engine.builder.wait(meta.id)
    segment = engine.data(meta.id).partitions[meta.partitions[0].id].sealed[0]
    assert set(segment.filter_indexes) == {"n"} and len(segment.indexes) == 2
    calls = []
    index = segment.filter_indexes["n"]
    original = type(index).isin

    def spy(self, values):
        calls.append(values)
        return original(self, values)

    monkeypatch.setattr(type(index), "isin", spy)
    assert len(client.query("c", filter="n in [3, 4]", output_fields=["id"])) == 600
    assert calls
    client.close()
    import azimuth.engine.indexing as indexing

    monkeypatch.setattr(indexing, "build_for", lambda *a, **k: (_ for _ in ()).throw(AssertionError("rebuilt")))
    reopened = MilvusClient(path)
    engine = service_of(path).engine
    segment = engine.data(meta.id).partitions[meta.partitions[0].id].sealed[0]
    assert set(segment.filter_indexes) == {"n"} and len(segment.indexes) == 2
    assert len(reopened.query("c", filter="n == 3", output_fields=["id"])) == 300
    reopened.close()
