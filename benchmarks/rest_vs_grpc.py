"""REST vs gRPC vs embedded in one run: single-query search latency (p50/p99) and insert throughput.

One ``azimuth serve`` (in-process, gRPC + REST on one port) and one embedded data directory; the same client
code (``MilvusClient``) drives all three transports. Usage: ``python benchmarks/rest_vs_grpc.py [--n 20000]``.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from azimuth import MilvusClient
from azimuth.server.rest_server import AzimuthServer
from azimuth.service.service import Service


def bench(client: MilvusClient, n: int, dim: int, queries: int) -> tuple[float, float, float]:
    rng = np.random.default_rng(0)
    vectors = rng.random((n, dim), dtype=np.float32)
    client.create_collection("bench", dimension=dim)
    batch = 1000
    started = time.perf_counter()
    for lo in range(0, n, batch):
        client.insert("bench", [{"id": lo + i, "vector": v} for i, v in enumerate(vectors[lo:lo + batch])])
    insert_rate = n / (time.perf_counter() - started)
    probe = rng.random((queries, dim), dtype=np.float32)
    for q in probe[:20]:
        client.search("bench", [q], limit=10)
    times = []
    for q in probe:
        t = time.perf_counter()
        client.search("bench", [q], limit=10)
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return insert_rate, statistics.median(times), times[int(len(times) * 0.99) - 1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=20000)
    parser.add_argument("--dim", type=int, default=128)
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp())
    rows = []
    embedded = MilvusClient(str(root / "embedded.db"))
    rows.append(("embedded", *bench(embedded, args.n, args.dim, args.queries)))
    embedded.close()
    for transport in ("grpc", "rest"):
        server = AzimuthServer(Service.open(root / transport), "127.0.0.1", 0).start()
        uri = f"http://127.0.0.1:{server.port}"
        client = MilvusClient(uri, **({"transport": "rest"} if transport == "rest" else {}))
        rows.append((transport, *bench(client, args.n, args.dim, args.queries)))
        client.close()
        server.stop()
    print(f"n={args.n} dim={args.dim} queries={args.queries} (single query, limit 10, AUTOINDEX/COSINE)")
    print("| transport | insert rows/s | search p50 ms | search p99 ms |")
    print("|---|---:|---:|---:|")
    for name, rate, p50, p99 in rows:
        print(f"| {name} | {rate:,.0f} | {p50:.2f} | {p99:.2f} |")
    grpc_p50 = next(r[2] for r in rows if r[0] == "grpc")
    rest_p50 = next(r[2] for r in rows if r[0] == "rest")
    print(f"REST p50 / gRPC p50 = {rest_p50 / grpc_p50:.2f} (target <= 2)")


if __name__ == "__main__":
    main()
