"""pymilvus → ``azimuth serve`` against pymilvus → Milvus Lite's gRPC server, measured in one run.

Both servers run in their own process on a free loopback port; the same pymilvus code drives each: 100k × 128
float vectors (clustered), HNSW M=16 efConstruction=200 (L2), searches with ef=64, top 10. Measured: insert
rows/s (batches of 10k rows, pymilvus's row API), single-query p50 latency, batch throughput (100 queries per
call), and the total QPS of 8 concurrent clients (8 processes, single queries). Prints a markdown table with
the Azimuth/Milvus Lite ratios and the targets of issue #5 (p50 ≤ 1 ms, ≥ 50× faster; insert ≥ 20×).

    python benchmarks/grpc_serve.py [--rows 100000] [--queries 300]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.common import child_env, clustered  # noqa: E402

DIM = 128
EF = 64
TOP_K = 10
CONCURRENCY = 8
LITE_SERVER = """
import sys, time
from milvus_lite.adapter.grpc.server import start_server_in_thread
server, db, port = start_server_in_thread(sys.argv[1], port=int(sys.argv[2]))
print("serving", port, flush=True)
while True:
    time.sleep(3600)
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(peer: str, data_dir: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = child_env()
    if peer == "azimuth":
        cmd = [sys.executable, "-c", "import sys; from azimuth.cli import main; sys.exit(main(sys.argv[1:]))",
               "serve", "--data-dir", data_dir, "--port", str(port), "--log-level", "WARNING"]
    else:
        cmd = [sys.executable, "-c", LITE_SERVER, data_dir, str(port)]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = proc.stdout.readline()
    if "serving" not in line.lower():
        proc.kill()
        raise RuntimeError(f"{peer} server did not start: {line!r}")
    return proc, f"http://127.0.0.1:{port}"


def wait_indexed(client, name: str, rows: int, timeout: float = 900) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        info = client.describe_index(name, "vector")
        if int(info.get("indexed_rows", 0)) >= rows or (info.get("state") == "Finished"
                                                         and not info.get("pending_index_rows")):
            return
        time.sleep(0.5)


def _search_worker(uri: str, queries: np.ndarray, start_evt, out) -> None:
    from pymilvus import MilvusClient

    client = MilvusClient(uri)
    client.search("bench", data=[queries[0]], limit=TOP_K, search_params={"params": {"ef": EF}})
    start_evt.wait()
    began = time.perf_counter()
    for q in queries:
        client.search("bench", data=[q], limit=TOP_K, search_params={"params": {"ef": EF}})
    out.put((len(queries), time.perf_counter() - began))
    client.close()


def measure(peer: str, vectors: np.ndarray, queries: np.ndarray) -> dict[str, float]:
    from pymilvus import DataType, MilvusClient

    data_dir = tempfile.mkdtemp(prefix=f"bench-{peer}-")
    proc, uri = start(peer, data_dir)
    try:
        client = MilvusClient(uri)
        schema = client.create_schema(auto_id=False, enable_dynamic_field=False)
        schema.add_field("id", DataType.INT64, is_primary=True)
        schema.add_field("vector", DataType.FLOAT_VECTOR, dim=DIM)
        index = client.prepare_index_params()
        index.add_index("vector", index_type="HNSW", metric_type="L2", params={"M": 16, "efConstruction": 200})
        client.create_collection("bench", schema=schema, index_params=index)
        n = len(vectors)
        began = time.perf_counter()
        for lo in range(0, n, 10_000):
            client.insert("bench", [{"id": lo + i, "vector": vectors[lo + i]} for i in range(min(10_000, n - lo))])
        insert_rate = n / (time.perf_counter() - began)
        client.flush("bench")
        wait_indexed(client, "bench", n)
        params = {"params": {"ef": EF}}
        for q in queries[:20]:
            client.search("bench", data=[q], limit=TOP_K, search_params=params)
        samples = []
        for q in queries:
            t = time.perf_counter()
            client.search("bench", data=[q], limit=TOP_K, search_params=params)
            samples.append(time.perf_counter() - t)
        batches = [queries[i:i + 100] for i in range(0, len(queries), 100)]
        began = time.perf_counter()
        for batch in batches:
            client.search("bench", data=batch, limit=TOP_K, search_params=params)
        batch_qps = sum(len(b) for b in batches) / (time.perf_counter() - began)
        ctx = mp.get_context("spawn")
        start_evt, out = ctx.Event(), ctx.Queue()
        per_client = max(20, len(queries) // 2)
        workers = [ctx.Process(target=_search_worker, args=(uri, queries[:per_client], start_evt, out))
                   for _ in range(CONCURRENCY)]
        for w in workers:
            w.start()
        time.sleep(3.0)  # let every worker connect and warm up
        start_evt.set()
        results = [out.get(timeout=900) for _ in workers]
        for w in workers:
            w.join()
        concurrent_qps = sum(r[0] for r in results) / max(r[1] for r in results)
        client.close()
        return {"insert": insert_rate, "p50_ms": statistics.median(samples) * 1000, "batch_qps": batch_qps,
                "concurrent_qps": concurrent_qps}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()


def table(az: dict[str, float], lite: dict[str, float], rows: int) -> str:
    def ratio(a: float, b: float) -> str:
        return f"{a / b:.1f}×" if b else "n/a"

    lines = [
        f"pymilvus → server, {rows:,} × {DIM}, HNSW M=16 efConstruction=200, ef={EF}, top {TOP_K}",
        "",
        "| metric | azimuth serve | Milvus Lite server | azimuth / lite | target |",
        "|---|---:|---:|---:|---|",
        f"| single-query p50 | {az['p50_ms']:.2f} ms | {lite['p50_ms']:.2f} ms | "
        f"{ratio(lite['p50_ms'], az['p50_ms'])} faster | ≤ 1 ms, ≥ 50× |",
        f"| batch throughput (100/call) | {az['batch_qps']:,.0f} q/s | {lite['batch_qps']:,.0f} q/s | "
        f"{ratio(az['batch_qps'], lite['batch_qps'])} | — |",
        f"| insert | {az['insert']:,.0f} rows/s | {lite['insert']:,.0f} rows/s | "
        f"{ratio(az['insert'], lite['insert'])} | ≥ 20× |",
        f"| {CONCURRENCY} concurrent clients | {az['concurrent_qps']:,.0f} q/s | {lite['concurrent_qps']:,.0f} q/s | "
        f"{ratio(az['concurrent_qps'], lite['concurrent_qps'])} | — |",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args()
    vectors = clustered(args.rows, DIM, seed=0)
    queries = clustered(args.queries, DIM, seed=1)
    az = measure("azimuth", vectors, queries)
    print("azimuth:", {k: round(v, 3) for k, v in az.items()}, flush=True)
    lite = measure("milvus-lite", vectors, queries)
    print("milvus lite:", {k: round(v, 3) for k, v in lite.items()}, flush=True)
    print()
    print(table(az, lite, args.rows))


if __name__ == "__main__":
    main()
