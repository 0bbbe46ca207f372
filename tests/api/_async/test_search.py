"""search through the client: result shapes, metrics, filters, output fields, range and grouping search, search
by ids, partitions, sealed + growing data, and bad input."""

from __future__ import annotations

import numpy as np
import pytest

from azimuth import AsyncMilvusClient, DataType, MilvusException
from azimuth.errors import ParamError

DIM = 16


def brute(vectors: np.ndarray, query: np.ndarray, k: int, metric: str) -> list[int]:
    if metric == "L2":
        scores = ((vectors - query) ** 2).sum(axis=1)
        return np.argsort(scores, kind="stable")[:k].tolist()
    if metric == "COSINE":
        v = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
        scores = -(v @ (query / np.linalg.norm(query)))
    else:
        scores = -(vectors @ query)
    return np.argsort(scores, kind="stable")[:k].tolist()


@pytest.fixture
def vecs():
    return np.random.default_rng(3).normal(size=(600, DIM)).astype(np.float32)


async def make(client, vecs, metric="L2", index="FLAT", params=None, flush_half=True):
    schema = AsyncMilvusClient.create_schema(enable_dynamic_field=True)
    schema.add_field("pk", DataType.INT64, is_primary=True)
    schema.add_field("vec", DataType.FLOAT_VECTOR, dim=DIM)
    schema.add_field("cat", DataType.INT64)
    schema.add_field("name", DataType.VARCHAR, max_length=20)
    ip = AsyncMilvusClient.prepare_index_params("vec", index_type=index, metric_type=metric, params=params or {})
    await client.create_collection("s", schema=schema, index_params=ip)
    rows = [{"pk": i, "vec": vecs[i], "cat": i % 5, "name": f"n{i}", "extra": i * 2} for i in range(len(vecs))]
    await client.insert("s", rows[:400])
    if flush_half:
        await client.flush("s")
    await client.insert("s", rows[400:])


@pytest.mark.parametrize("metric", ["L2", "IP", "COSINE"])
async def test_flat_search_is_exact_across_sealed_and_growing(client, vecs, metric):
    await make(client, vecs, metric)
    queries = vecs[[5, 450]] + 0.01
    res = await client.search("s", data=queries, limit=7)
    assert len(res) == 2
    for q, hits in zip(queries, res):
        assert [h.id for h in hits] == brute(vecs, q, 7, metric)
        assert hits[0]["entity"] == {} and set(hits[0]) == {"pk", "distance", "entity"}
        d = [h["distance"] for h in hits]
        assert d == sorted(d, reverse=metric != "L2")
    if metric == "L2":
        assert res[0][0]["distance"] == pytest.approx(float(((vecs[5] - queries[0]) ** 2).sum()), abs=1e-4)


async def test_output_fields_and_hit_helpers(client, vecs):
    await make(client, vecs)
    res = await client.search("s", data=[vecs[1].tolist()], limit=2, output_fields=["cat", "extra"])
    hit = res[0][0]
    assert hit["pk"] == 1 and hit.id == 1 and hit.pk == 1
    assert hit["entity"] == {"cat": 1, "extra": 2}
    assert hit["cat"] == 1 and hit.entity.get("extra") == 2 and hit.distance == hit["distance"]
    assert res[0].ids[0] == 1 and len(res[0].distances) == 2
    full = await client.search("s", data=[vecs[1]], limit=1, output_fields=["*"])
    assert set(full[0][0]["entity"]) >= {"vec", "cat", "name", "extra"}


async def test_filtered_search(client, vecs):
    await make(client, vecs)
    q = vecs[10]
    res = await client.search("s", data=[q], limit=5, filter="cat == {c} and pk > 100", filter_params={"c": 3},
                              output_fields=["cat"])
    allowed = np.array([i % 5 == 3 and i > 100 for i in range(len(vecs))])
    expect = [int(np.flatnonzero(allowed)[j]) for j in brute(vecs[allowed], q, 5, "L2")]
    assert [h.id for h in res[0]] == expect
    assert all(h["entity"]["cat"] == 3 for h in res[0])
    none = await client.search("s", data=[q], limit=5, filter="pk < 0")
    assert len(none) == 1 and len(none[0]) == 0


async def test_deleted_and_upserted_rows(client, vecs):
    await make(client, vecs)
    await client.delete("s", ids=[7, 450])
    res = await client.search("s", data=[vecs[7], vecs[450]], limit=3)
    assert 7 not in res[0].ids and 450 not in res[1].ids
    await client.upsert("s", [{"pk": 8, "vec": vecs[200], "cat": 0, "name": "moved"}])
    res = await client.search("s", data=[vecs[200]], limit=2, output_fields=["name"])
    assert sorted(res[0].ids) == [8, 200]


async def test_offset_round_decimal_and_limits(client, vecs):
    await make(client, vecs)
    full = await client.search("s", data=[vecs[0]], limit=6)
    paged = await client.search("s", data=[vecs[0]], limit=3, offset=3)
    assert paged[0].ids == full[0].ids[3:]
    paged2 = await client.search("s", data=[vecs[0]], limit=3, search_params={"offset": 3})
    assert paged2[0].ids == full[0].ids[3:]
    rounded = await client.search("s", data=[vecs[0] + 0.1], limit=2, round_decimal=2)
    assert all(round(h["distance"], 2) == h["distance"] for h in rounded[0])
    with pytest.raises(ParamError):
        await client.search("s", data=[vecs[0]], limit=0)
    with pytest.raises(MilvusException):
        await client.search("s", data=[vecs[0]], limit=16385)
    with pytest.raises(MilvusException):
        await client.search("s", data=[vecs[0]], limit=10, offset=16380)
    with pytest.raises(ParamError):
        await client.search("s", data=[vecs[0]], limit=3, offset=1, search_params={"offset": 2})


async def test_range_search(client, vecs):
    await make(client, vecs)
    q = vecs[0]
    d = ((vecs - q) ** 2).sum(axis=1)
    radius, low = float(np.sort(d)[20]), float(np.sort(d)[5])
    res = await client.search("s", data=[q], limit=100, search_params={"params": {"radius": radius,
                                                                                  "range_filter": low}})
    got = sorted(res[0].ids)
    assert got == sorted(np.flatnonzero((d >= low) & (d < radius)).tolist())


async def test_grouping_search(client, vecs):
    await make(client, vecs)
    res = await client.search("s", data=[vecs[0]], limit=3, group_by_field="cat", group_size=2,
                              output_fields=["cat"])
    cats = [h["entity"]["cat"] for h in res[0]]
    assert len(set(cats)) == 3 and all(cats.count(c) == 2 for c in set(cats))


async def test_search_by_ids_and_partitions(client, vecs):
    await make(client, vecs)
    res = await client.search("s", ids=[12], limit=1)
    assert res[0][0]["pk"] == 12
    await client.create_partition("s", "p")
    await client.insert("s", [{"pk": 10_000, "vec": vecs[0], "cat": 1, "name": "p"}], partition_name="p")
    res = await client.search("s", data=[vecs[0]], limit=1, partition_names=["p"])
    assert res[0].ids == [10_000]


async def test_hnsw_and_ivf_recall(client, vecs):
    await make(client, vecs, "L2", "HNSW", {"M": 8, "efConstruction": 64})
    await client.flush("s")
    hits = 0
    for i in range(0, 600, 60):
        res = await client.search("s", data=[vecs[i]], limit=10, search_params={"params": {"ef": 64}})
        hits += len(set(res[0].ids) & set(brute(vecs, vecs[i], 10, "L2")))
    assert hits / 100 >= 0.9
    with pytest.raises(MilvusException):
        await client.search("s", data=[vecs[0]], limit=10, search_params={"params": {"ef": 5}})


async def test_bad_search_input(client, vecs):
    await make(client, vecs)
    with pytest.raises(ParamError):
        await client.search("s", data=vecs[0].tolist(), limit=3)  # a flat vector
    with pytest.raises(ParamError):
        await client.search("s", data=[vecs[0]], ids=[1], limit=3)
    with pytest.raises(MilvusException) as err:
        await client.search("s", data=[[1.0, 2.0]], limit=3)
    assert err.value.code == 1100
    with pytest.raises(MilvusException) as err:
        await client.search("s", data=[vecs[0]], limit=3, anns_field="cat")
    with pytest.raises(MilvusException) as err:
        await client.search("s", data=[vecs[0]], limit=3, search_params={"metric_type": "IP"})
    assert "metric type not match" in err.value.message
    with pytest.raises(MilvusException):
        await client.search("s", data=[vecs[0]], limit=3, anns_field="nope")
    await client.release_collection("s")
    with pytest.raises(MilvusException) as err:
        await client.search("s", data=[vecs[0]], limit=3)
    assert err.value.code == 101
    with pytest.raises(MilvusException) as err:
        await client.search("missing", data=[vecs[0]], limit=3)
    assert err.value.code == 100


async def test_other_vector_types(client):
    await client.create_collection("t", schema=__import__("tests.api.helpers", fromlist=["x"]).all_types_schema(),
                                   index_params=__import__("tests.api.helpers", fromlist=["x"]).all_types_index_params())
    import ml_dtypes

    rows = []
    rng = np.random.default_rng(0)
    for i in range(50):
        v = rng.normal(size=4).astype(np.float32)
        rows.append({"pk": f"k{i}", "b": True, "i8": 1, "i16": 1, "i32": 1, "i64": i, "f": 1.0, "d": 1.0,
                     "s": "x", "j": {}, "arr": [1], "sarr": ["a"], "fv": v, "f16": v.astype(np.float16),
                     "bf16": v.astype(ml_dtypes.bfloat16), "i8v": (v * 20).astype(np.int8),
                     "bv": bytes([i, 255 - i]), "sv": {i: 1.0, 1000 + i: 0.5}})
    await client.insert("t", rows)
    for field, query in (("fv", rows[3]["fv"]), ("f16", rows[3]["f16"]), ("bf16", rows[3]["bf16"]),
                         ("i8v", rows[3]["i8v"]), ("bv", rows[3]["bv"]), ("sv", {3: 1.0, 1003: 0.5})):
        res = await client.search("t", data=[query], anns_field=field, limit=3)
        assert res[0][0]["pk"] == "k3", field
    with pytest.raises(MilvusException):
        await client.search("t", data=[rows[0]["fv"]], limit=3)  # several vector fields: anns_field required
