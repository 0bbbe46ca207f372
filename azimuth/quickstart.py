"""``make run`` until the server exists: create a database under a directory, write, read back, report."""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

from azimuth import MilvusClient


def main(directory: str = "./azimuth_data") -> None:
    root = Path(directory)
    root.mkdir(parents=True, exist_ok=True)
    path = root / "quickstart.db"
    client = MilvusClient(str(path))
    print(f"opened embedded database {path}")
    if client.has_collection("quickstart"):
        client.drop_collection("quickstart")
    client.create_collection("quickstart", dimension=8)
    print("created collection 'quickstart' (id INT64, vector FLOAT_VECTOR(8), dynamic fields, COSINE AUTOINDEX)")
    rng = random.Random(7)
    rows = [
        {"id": i, "vector": [rng.random() for _ in range(8)], "title": f"document {i}", "year": 2000 + i % 25}
        for i in range(1000)
    ]
    started = time.perf_counter()
    result = client.insert("quickstart", rows)
    print(f"inserted {result['insert_count']} rows in {1000 * (time.perf_counter() - started):.1f} ms")
    got = client.get("quickstart", ids=[1, 2, 3], output_fields=["title", "year"])
    print("read back by id:")
    for row in got:
        print(f"  {row}")
    print(f"collection stats: {client.get_collection_stats('quickstart')}")
    client.close()
    reopened = MilvusClient(str(path))
    print(f"reopened: {reopened.get_collection_stats('quickstart')['row_count']} rows are still there")
    reopened.close()


if __name__ == "__main__":
    main(*sys.argv[1:])
