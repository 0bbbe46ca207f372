"""One scenario done over REST and over gRPC (same server, two databases) gives identical stored data and
identical query and search results."""

from __future__ import annotations

import numpy as np

from azimuth import DataType, MilvusClient
from tests.rest.server import running_rest_server


def _scenario(client: MilvusClient) -> tuple[list, list, dict]:
    schema = MilvusClient.create_schema(enable_dynamic_field=True)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("v", DataType.FLOAT_VECTOR, dim=8)
    schema.add_field("tags", DataType.ARRAY, element_type=DataType.INT64, max_capacity=4, nullable=True)
    schema.add_field("meta", DataType.JSON)
    schema.add_field("score", DataType.FLOAT, default_value=1.5)
    params = MilvusClient.prepare_index_params()
    params.add_index("v", index_type="FLAT", metric_type="L2")
    client.create_collection("c", schema=schema, index_params=params)
    vecs = np.random.default_rng(1).random((40, 8), dtype=np.float32)
    rows = [{"id": i, "v": vecs[i], "tags": [i, i + 1] if i % 3 else None, "meta": {"k": i % 4},
             **({"score": float(i) / 8} if i % 2 else {}), **({"dyn": f"d{i}"} if i % 5 == 0 else {})}
            for i in range(40)]
    client.insert("c", rows)
    client.upsert("c", [{"id": 3, "v": vecs[0], "tags": [9], "meta": {"k": 9}}])
    client.delete("c", filter="id in [4, 5]")
    stored = client.query("c", filter="id >= 0", output_fields=["*"], limit=100)
    hits = client.search("c", vecs[:3], limit=5, output_fields=["tags", "meta", "dyn"], filter="id != 7")
    return sorted(stored, key=lambda r: r["id"]), [list(map(dict, q)) for q in hits], client.describe_collection("c")


def test_rest_and_grpc_agree(tmp_path):
    with running_rest_server(tmp_path / "s") as uri:
        admin = MilvusClient(uri)
        admin.create_database("over_grpc")
        admin.create_database("over_rest")
        grpc_client = MilvusClient(uri, db_name="over_grpc")
        rest_client = MilvusClient(uri, db_name="over_rest", transport="rest")
        g_rows, g_hits, g_desc = _scenario(grpc_client)
        r_rows, r_hits, r_desc = _scenario(rest_client)
        assert r_rows == g_rows and len(r_rows) == 38
        assert r_hits == g_hits
        for key in ("fields", "enable_dynamic_field", "auto_id", "consistency_level", "num_shards"):
            assert r_desc[key] == g_desc[key], key
        # data written over REST reads back identically over gRPC, and the other way round
        assert MilvusClient(uri, db_name="over_rest").query("c", filter="id >= 0", output_fields=["*"],
                                                            limit=100) == MilvusClient(
            uri, db_name="over_rest", transport="rest").query("c", filter="id >= 0", output_fields=["*"], limit=100)
        for handle in (admin, grpc_client, rest_client):
            handle.close()
