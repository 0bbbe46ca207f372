"""Compaction reclaims disk on the embedded engine and survives reopen."""

from __future__ import annotations

import os

from azimuth import MilvusClient


def disk_bytes(path: str) -> int:
    """Bytes of segment data files; tolerant of directories that background work removes meanwhile."""
    total = 0
    for directory, _, files in os.walk(os.path.join(path, "collections")):
        if "data.arrow" in files:
            try:
                total += os.stat(os.path.join(directory, "data.arrow")).st_size
            except FileNotFoundError:
                pass
    return total


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
    collection_dirs = [os.path.join(path, "collections", c) for c in os.listdir(os.path.join(path, "collections"))]
    stray = [os.path.join(c, s) for c in collection_dirs for s in os.listdir(c)
             if not os.path.exists(os.path.join(c, s, "data.arrow"))]
    assert stray == []  # no directory of a retired segment is left behind
    reopened = MilvusClient(path)
    assert reopened.get_collection_stats("c")["row_count"] == 1000
    assert len(reopened.query("c", filter="id >= 0", output_fields=["id"])) == 1000
    reopened.close()
