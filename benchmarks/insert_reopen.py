"""Insert throughput and reopen time: Azimuth (embedded) against Milvus Lite through pymilvus, in one run.

Insert: 100k × 128 float vectors in batches of 10,000, once as Python lists and once as numpy arrays.
Reopen: a new process opens the database, loads the collection and does its first ``get``.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

from benchmarks.common import milvus_lite_available, print_table, run_python

REOPEN = """
import time
start = time.perf_counter()
from {module} import MilvusClient
imported = time.perf_counter()
client = MilvusClient({path!r})
client.load_collection("bench")
row = client.get("bench", ids=[12345])
assert row, "row 12345 missing"
done = time.perf_counter()
print(done - imported, done - start)
"""


INSERT = """
import time
import numpy as np
from benchmarks.common import clustered
from {module} import MilvusClient
data = clustered({rows}, {dim})
client = MilvusClient({path!r})
client.create_collection("bench", dimension={dim}, metric_type="L2")
client.insert("bench", [{{"id": -1, "vector": data[0].tolist()}}])  # warm-up (first-call imports), untimed
client.delete("bench", ids=[-1])
total = 0.0
for start in range(0, len(data), {batch}):
    chunk = data[start : start + {batch}]
    vectors = chunk.tolist() if {as_lists} else list(chunk)
    rows = [{{"id": start + i, "vector": v}} for i, v in enumerate(vectors)]
    began = time.perf_counter()
    client.insert("bench", rows)
    total += time.perf_counter() - began
client.close()
print(len(data) / total)
"""


def insert_rate(module: str, path: str, rows: int, dim: int, as_lists: bool, batch: int) -> float:
    """Rows/s of the insert calls (row building excluded), measured in a fresh process."""
    code = INSERT.format(module=module, path=path, rows=rows, dim=dim, batch=batch, as_lists=as_lists)
    return float(run_python(code))


def reopen_seconds(module: str, path: str) -> tuple[float, float]:
    """Best of three fresh processes: (open+load+first get, the same including the package import)."""
    runs = [tuple(map(float, run_python(REOPEN.format(module=module, path=path)).split())) for _ in range(3)]
    return min(r[0] for r in runs), min(r[1] for r in runs)


def main() -> list[str]:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--dim", type=int, default=128)
    parser.add_argument("--batch", type=int, default=10_000)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="azimuth-bench-"))
    peers = [("Azimuth", "azimuth")]
    if milvus_lite_available():
        peers.append(("Milvus Lite 3.2.2", "pymilvus"))
    results = {}
    for name, module in peers:
        lists = insert_rate(module, str(work / f"{module}-lists.db"), args.rows, args.dim, True, args.batch)
        arrays = insert_rate(module, str(work / f"{module}.db"), args.rows, args.dim, False, args.batch)
        reopen = reopen_seconds(module, str(work / f"{module}.db"))
        results[name] = (lists, arrays, reopen)
    rows = []
    base = results.get("Milvus Lite 3.2.2")
    for name, (lists, arrays, reopen) in results.items():
        ratio = "" if base is None else f"{lists / base[0]:.1f}× / {arrays / base[1]:.1f}×"
        rows.append([name, f"{lists:,.0f}", f"{arrays:,.0f}", ratio, f"{reopen[0] * 1000:.0f} ms",
                     f"{reopen[1] * 1000:.0f} ms"])
    table = print_table(
        f"Insert {args.rows:,} × {args.dim} (batches of {args.batch:,}) and reopen",
        ["system", "rows/s (lists)", "rows/s (numpy)", "vs Milvus Lite (lists / numpy)", "reopen: open+load+get",
         "reopen incl. import"],
        rows,
    )
    shutil.rmtree(work, ignore_errors=True)
    return [table]


if __name__ == "__main__":
    main()
