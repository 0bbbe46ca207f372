"""A process that exits while an index build runs in the background exits cleanly and keeps the build (a queued
build that has not started is simply left for the next open)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np

from azimuth import DataType, MilvusClient


def _collection_with_unindexed_segment(path: str) -> None:
    client = MilvusClient(path)
    schema = client.create_schema()
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("vec", DataType.FLOAT_VECTOR, dim=32)
    index = client.prepare_index_params("vec", index_type="HNSW", metric_type="L2",
                                        params={"M": 16, "efConstruction": 200})
    client.create_collection("c", schema=schema, index_params=index)
    vectors = np.random.default_rng(3).standard_normal((30_000, 32)).astype(np.float32)
    client.insert("c", [{"id": i, "vec": v} for i, v in enumerate(vectors)])
    client.close()  # seals the rows; the index is built by whichever process opens the database next


def _run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=300)


def test_exit_during_a_background_build_is_clean_and_keeps_the_index(tmp_path: Path) -> None:
    path = str(tmp_path / "b.db")
    _collection_with_unindexed_segment(path)
    opened = _run(f"""
        import time
        from azimuth import MilvusClient
        from azimuth.client.embedded import _OPEN

        client = MilvusClient({path!r})
        print(client.describe_index("c", "vec")["pending_index_rows"])
        builder = next(iter(_OPEN.values()))[0].engine.builder
        deadline = time.monotonic() + 60
        while builder._running is None and time.monotonic() < deadline:  # the build has started: exit now
            time.sleep(0.005)
    """)
    assert opened.returncode == 0, opened.stderr
    assert "terminate" not in opened.stderr
    assert int(opened.stdout.split()[-1]) == 30_000  # the build had not finished when the process began to exit
    reopened = _run(f"""
        from azimuth import MilvusClient
        client = MilvusClient({path!r})
        info = client.describe_index("c", "vec")
        print(info["indexed_rows"], info["pending_index_rows"])
    """)
    assert reopened.returncode == 0, reopened.stderr
    assert reopened.stdout.split() == ["30000", "0"]  # finished as the first process exited, then loaded
