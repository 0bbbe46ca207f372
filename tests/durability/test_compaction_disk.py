"""Compaction reclaims disk on the embedded engine and survives reopen."""

from __future__ import annotations

from pathlib import Path

from azimuth import MilvusClient


def disk_bytes(path: str) -> int:
    return sum(f.stat().st_size for f in Path(path).glob("collections/**/data.arrow"))


def test_compaction_reclaims_disk_and_reopens(tmp_path):
    path = str(tmp_path / "c.db")
    client = MilvusClient(path)
    client.create_collection("c", dimension=64)
    for start in range(0, 4000, 1000):
        client.insert("c", [{"id": i, "vector": [float(i % 7)] * 64} for i in range(start, start + 1000)])
        client.flush("c")
    before = disk_bytes(path)
    client.delete("c", filter="id < 3000")
    client.compact("c")
    after = disk_bytes(path)
    assert after < before * 0.4
    client.close()
    reopened = MilvusClient(path)
    assert reopened.get_collection_stats("c")["row_count"] == 1000
    assert len(reopened.query("c", filter="id >= 0", output_fields=["id"])) == 1000
    reopened.close()
