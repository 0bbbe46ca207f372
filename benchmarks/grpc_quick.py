"""Quick measurement of pymilvus → ``azimuth serve`` (subprocess): insert rows/s (100k × 128 in batches of 10k,
rows as numpy vectors), p50 of ``get`` of one id and of a filtered ``query``."""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
from pymilvus import MilvusClient


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main() -> None:
    port = free_port()
    data = tempfile.mkdtemp()
    env = {**os.environ, "PYTHONPATH": os.path.dirname(os.path.dirname(os.path.abspath(__file__)))}
    proc = subprocess.Popen([sys.executable, "-m", "azimuth.cli", "serve", "--data-dir", data, "--port", str(port),
                             "--log-level", "WARNING"], env=env, stdout=subprocess.PIPE)
    try:
        proc.stdout.readline()
        client = MilvusClient(f"http://127.0.0.1:{port}")
        client.create_collection("bench", dimension=128)
        vectors = np.random.default_rng(0).random((100_000, 128), dtype=np.float32)
        started = time.perf_counter()
        for batch in range(10):
            rows = [{"id": batch * 10_000 + i, "vector": vectors[batch * 10_000 + i]} for i in range(10_000)]
            client.insert("bench", rows)
        elapsed = time.perf_counter() - started
        print(f"insert: {100_000 / elapsed:,.0f} rows/s ({elapsed:.2f} s for 100k x 128)")
        samples = []
        for i in range(300):
            t = time.perf_counter()
            client.get("bench", ids=[i * 7], output_fields=["id"])
            samples.append(time.perf_counter() - t)
        print(f"get 1 id p50: {statistics.median(samples) * 1000:.2f} ms")
        samples = []
        for i in range(300):
            t = time.perf_counter()
            client.query("bench", filter=f"id >= {i * 100} and id < {i * 100 + 10}", output_fields=["id"])
            samples.append(time.perf_counter() - t)
        print(f"query (10 rows, range filter) p50: {statistics.median(samples) * 1000:.2f} ms")
        client.close()
    finally:
        proc.terminate()
        proc.wait(timeout=30)


if __name__ == "__main__":
    main()
