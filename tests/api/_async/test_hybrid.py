"""hybrid_search with RRF and weighted rankers, function rerankers (decay, boost) on search and hybrid search."""

from __future__ import annotations

import math

import numpy as np
import pytest

from azimuth import AnnSearchRequest, AsyncMilvusClient, DataType, Function, FunctionType, RRFRanker, WeightedRanker
from azimuth.errors import MilvusException, ParamError


@pytest.fixture
async def multi(client):
    schema = AsyncMilvusClient.create_schema()
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("dense", DataType.FLOAT_VECTOR, dim=8)
    schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
    schema.add_field("year", DataType.INT64)
    ip = AsyncMilvusClient.prepare_index_params()
    ip.add_index("dense", index_type="FLAT", metric_type="L2")
    ip.add_index("sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="IP")
    await client.create_collection("h", schema=schema, index_params=ip)
    rng = np.random.default_rng(5)
    dense = rng.normal(size=(200, 8)).astype(np.float32)
    rows = [{"id": i, "dense": dense[i], "sparse": {i % 17: 1.0 + i % 3, 100 + i % 5: 0.5}, "year": 1990 + i % 40}
            for i in range(200)]
    await client.insert("h", rows)
    return client, dense


def reqs(dense):
    return [
        AnnSearchRequest(data=[dense[3]], anns_field="dense", param={"metric_type": "L2"}, limit=10),
        AnnSearchRequest(data=[{3: 1.0, 103: 0.5}], anns_field="sparse", param={}, limit=10),
    ]


async def test_rrf_matches_manual_fusion(multi):
    client, dense = multi
    a = await client.search("h", data=[dense[3]], anns_field="dense", limit=10)
    b = await client.search("h", data=[{3: 1.0, 103: 0.5}], anns_field="sparse", limit=10)
    expected: dict[int, float] = {}
    for hits in (a[0], b[0]):
        for rank, hit in enumerate(hits, start=1):
            expected[hit.id] = expected.get(hit.id, 0.0) + 1 / (60 + rank)
    res = await client.hybrid_search("h", reqs(dense), RRFRanker(), limit=5, output_fields=["year"])
    best = sorted(expected.items(), key=lambda kv: -kv[1])[:5]
    assert [h.id for h in res[0]] == [k for k, _ in best]
    assert [h.distance for h in res[0]] == pytest.approx([v for _, v in best], rel=1e-5)
    assert res[0][0]["entity"]["year"] == 1990 + res[0][0].id % 40


async def test_weighted_ranker(multi):
    client, dense = multi
    res = await client.hybrid_search("h", reqs(dense), WeightedRanker(1.0, 0.0), limit=3)
    only_dense = await client.search("h", data=[dense[3]], anns_field="dense", limit=3)
    assert [h.id for h in res[0]] == [h.id for h in only_dense[0]]
    top = only_dense[0][0].distance
    assert res[0][0].distance == pytest.approx(1 - 2 * math.atan(top) / math.pi, rel=1e-5)
    with pytest.raises(MilvusException):
        await client.hybrid_search("h", reqs(dense), WeightedRanker(1.0), limit=3)
    with pytest.raises(TypeError):
        WeightedRanker(True, 0.5)


async def test_function_rankers(multi):
    client, dense = multi
    decay = Function("d", FunctionType.RERANK, input_field_names=["year"],
                     params={"reranker": "decay", "function": "gauss", "origin": 2000, "scale": 5})
    res = await client.search("h", data=[dense[3]], anns_field="dense", limit=10, ranker=decay,
                              output_fields=["year"])
    years = [h["entity"]["year"] for h in res[0]]
    assert len(years) == 10
    scores = [h.distance for h in res[0]]
    assert scores == sorted(scores, reverse=True)
    boost = Function("b", FunctionType.RERANK, input_field_names=[],
                     params={"reranker": "boost", "filter": "year >= 2020", "weight": 100.0})
    res = await client.search("h", data=[dense[3]], anns_field="dense", limit=10, ranker=boost,
                              output_fields=["year"])
    first_old = next((i for i, h in enumerate(res[0]) if h["entity"]["year"] < 2020), len(res[0]))
    assert all(h["entity"]["year"] >= 2020 for h in res[0][:first_old])
    assert any(h["entity"]["year"] >= 2020 for h in res[0])
    rrf_fn = Function("r", FunctionType.RERANK, input_field_names=[], params={"reranker": "rrf", "k": 60})
    via_fn = await client.hybrid_search("h", reqs(dense), rrf_fn, limit=5)
    via_cls = await client.hybrid_search("h", reqs(dense), RRFRanker(60), limit=5)
    assert via_fn[0].ids == via_cls[0].ids
    with pytest.raises(ParamError):
        await client.hybrid_search("h", reqs(dense), boost, limit=5)
    with pytest.raises(ParamError):
        await client.search("h", data=[dense[3]], anns_field="dense", limit=3, ranker=RRFRanker())


async def test_hybrid_bad_input(multi):
    client, dense = multi
    with pytest.raises(ParamError):
        await client.hybrid_search("h", reqs(dense), RRFRanker(), limit=0)
    mismatched = [AnnSearchRequest([dense[1], dense[2]], "dense", {}, 5), AnnSearchRequest([dense[1]], "dense", {}, 5)]
    with pytest.raises(MilvusException):
        await client.hybrid_search("h", mismatched, RRFRanker(), limit=5)
    with pytest.raises(ParamError):
        AnnSearchRequest([dense[1]], "dense", {}, 5, expr="id > 1", filter="id > 2")
    filtered = [AnnSearchRequest([dense[3]], "dense", {}, 10, filter="id > {x}", expr_params={"x": 100})]
    res = await client.hybrid_search("h", filtered, RRFRanker(), limit=10)
    assert all(h.id > 100 for h in res[0])
