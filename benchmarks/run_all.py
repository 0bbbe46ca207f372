"""``make bench``: every benchmark in one run, each in its own process (so peers' servers and locks never
overlap), tables printed as they finish and collected in ``benchmarks/results.md``."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SUITE = [
    ("insert_reopen", "insert throughput and reopen time (vs Milvus Lite)"),
    ("query_filters", "filtered query latency on 1M rows (vs reference evaluator and Milvus Lite)"),
    ("search_ann", "ANN search vs raw faiss and Milvus Lite (100k x 128, HNSW)"),
    ("grpc_serve", "pymilvus -> azimuth serve vs pymilvus -> Milvus Lite's server"),
    ("rest_vs_grpc", "REST vs gRPC vs embedded"),
]


def main(argv: list[str]) -> int:
    chosen = [name for name, _ in SUITE if not argv or name in argv]
    report = ["# Benchmark results", ""]
    failed = []
    for name in chosen:
        title = dict(SUITE)[name]
        print(f"\n=== {name}: {title}", flush=True)
        started = time.perf_counter()
        run = subprocess.run([sys.executable, "-m", f"benchmarks.{name}"], cwd=ROOT, capture_output=True, text=True)
        print(run.stdout, flush=True)
        if run.returncode != 0:
            failed.append(name)
            print(run.stderr[-3000:], file=sys.stderr, flush=True)
        report += [f"## {name} ({time.perf_counter() - started:.0f} s)", "", run.stdout.strip(), ""]
    (ROOT / "benchmarks" / "results.md").write_text("\n".join(report) + "\n")
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
