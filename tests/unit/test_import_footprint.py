"""Memory and start-up footprint of a synchronous serving process.

A synchronous program never loads asyncio (which loads the TLS libraries). Vector search with a range filter loads
neither pandas (Azimuth reads Arrow buffers itself instead of pyarrow's ``to_numpy``/``fill_null``, which import
it) nor ``pyarrow.compute`` (imported on first use). (Building Arrow arrays from Python values, as inserts and ``in`` filters do, makes pyarrow import pandas when it
is installed; that is pyarrow's behaviour.)"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from azimuth import DataType, MilvusClient


def test_sync_serving_loads_no_asyncio_and_filtered_search_no_pandas(tmp_path: Path) -> None:
    path = str(tmp_path / "f.db")
    client = MilvusClient(path)
    schema = client.create_schema()
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("vec", DataType.FLOAT_VECTOR, dim=4)
    schema.add_field("tag", DataType.INT64, nullable=True)
    schema.add_field("flag", DataType.BOOL)
    index_params = client.prepare_index_params("vec", index_type="HNSW", metric_type="L2")
    client.create_collection("c", schema=schema, index_params=index_params)
    client.insert("c", [{"id": i, "vec": [float(i)] * 4, "tag": None if i % 3 else i, "flag": i % 2 == 0}
                        for i in range(200)])
    client.flush("c")
    client.create_index("c", client.prepare_index_params("tag", index_type="INVERTED"))
    client.close()
    script = textwrap.dedent(f"""
        import sys
        import numpy as np
        from azimuth import MilvusClient

        client = MilvusClient({path!r})
        client.load_collection("c")
        hits = client.search("c", np.ones((1, 4), "f4"), filter="tag < 90 and flag", limit=5)
        hits += client.search("c", np.ones((1, 4), "f4"), filter="tag is null and id > 3", limit=5)
        assert [len(h) for h in hits] == [5, 5] and hits[0][0]["id"] == 0, hits
        searched = sorted(m for m in ("pandas", "asyncio", "ssl", "pyarrow.compute") if m in sys.modules)
        rows = client.query("c", filter="tag is null or id in [1, 2]", output_fields=["tag", "flag"])
        assert len(rows) == 133, len(rows)
        client.close()
        print(searched, sorted(m for m in ("asyncio", "ssl") if m in sys.modules))
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "[] []"


def test_async_client_is_still_importable_from_the_package() -> None:
    import azimuth
    from azimuth import AsyncMilvusClient

    assert azimuth.AsyncMilvusClient is AsyncMilvusClient
    assert "AsyncMilvusClient" in azimuth.__all__
