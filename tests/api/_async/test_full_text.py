"""Full-text search: a BM25 function turns a text field into term vectors; search it with query strings."""

from __future__ import annotations

import math

import pytest

from azimuth import AsyncMilvusClient, DataType, Function, FunctionType, MilvusException

DOCS = [
    "the quick brown fox jumps over the lazy dog",
    "a fast brown car",
    "lazy afternoons in the sun",
    "the fox and the hound",
    "quantum physics for dogs",
]


@pytest.fixture
async def corpus(client):
    schema = AsyncMilvusClient.create_schema()
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("text", DataType.VARCHAR, max_length=200, enable_analyzer=True)
    schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
    schema.add_field("year", DataType.INT64)
    schema.add_function(Function("bm25", FunctionType.BM25, input_field_names=["text"],
                                 output_field_names=["sparse"]))
    ip = AsyncMilvusClient.prepare_index_params("sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25")
    await client.create_collection("docs", schema=schema, index_params=ip)
    await client.insert("docs", [{"id": i, "text": t, "year": 2000 + i} for i, t in enumerate(DOCS[:3])])
    await client.flush("docs")
    await client.insert("docs", [{"id": i, "text": t, "year": 2000 + i} for i, t in enumerate(DOCS) if i >= 3])
    return client


def expected_bm25(query: str, k1: float = 1.2, b: float = 0.75) -> list[tuple[int, float]]:
    tokenized = [d.split() for d in DOCS]
    avgdl = sum(len(d) for d in tokenized) / len(tokenized)
    out = []
    for i, words in enumerate(tokenized):
        score = 0.0
        for term in set(query.split()):
            tf = words.count(term)
            if not tf:
                continue
            df = sum(1 for d in tokenized if term in d)
            idf = math.log(1 + (len(DOCS) - df + 0.5) / (df + 0.5))
            score += idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * len(words) / avgdl))
        if score:
            out.append((i, score))
    return sorted(out, key=lambda x: -x[1])


async def test_bm25_scores_and_order(corpus):
    res = await corpus.search("docs", data=["brown fox"], anns_field="sparse", limit=10, output_fields=["text"])
    expect = expected_bm25("brown fox")
    assert [h.id for h in res[0]] == [i for i, _ in expect]
    assert [h.distance for h in res[0]] == pytest.approx([s for _, s in expect], rel=1e-4)
    assert res[0][0]["entity"]["text"] == DOCS[expect[0][0]]


async def test_bm25_with_filter_and_case(corpus):
    res = await corpus.search("docs", data=["LAZY Dog"], anns_field="sparse", limit=10, filter="year >= 2001")
    assert [h.id for h in res[0]] == [2]
    none = await corpus.search("docs", data=["zebra"], anns_field="sparse", limit=5)
    assert len(none[0]) == 0


async def test_bm25_rules(corpus):
    with pytest.raises(MilvusException):
        await corpus.insert("docs", [{"id": 9, "text": "x", "sparse": {1: 1.0}, "year": 1}])
    with pytest.raises(MilvusException):
        await corpus.search("docs", data=[{1: 0.5}], anns_field="sparse", limit=3)
    with pytest.raises(MilvusException):
        await corpus.query("docs", filter="id >= 0", output_fields=["sparse"])
    rows = await corpus.query("docs", filter="id == 1")
    assert "sparse" not in rows[0] and rows[0]["text"] == DOCS[1]
    await corpus.delete("docs", ids=[0])
    res = await corpus.search("docs", data=["fox"], anns_field="sparse", limit=10)
    assert [h.id for h in res[0]] == [3]
