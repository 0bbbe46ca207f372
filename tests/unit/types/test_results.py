"""Result containers: shapes, helpers and str() compared with pymilvus 3.0.2."""

from __future__ import annotations

import copy
import pickle
import time
from typing import Any

import numpy as np
import pytest
from pymilvus.client.search_result import Hit as PmHit
from pymilvus.client.search_result import SearchResult as PmSearchResult
from pymilvus.client.types import HybridExtraList, OmitZeroDict as PmOmitZeroDict
from pymilvus.grpc_gen import common_pb2, schema_pb2

from azimuth.types import ExtraList, Hit, Hits, OmitZeroDict, SearchResult


def _pm_result(
    pk_name: str, ids: list[list[Any]], scores: list[list[float]], columns: dict[str, list[list[Any]]],
    cost: int | None = None, recalls: list[float] | None = None,
) -> PmSearchResult:
    flat_ids = [i for q in ids for i in q]
    data = schema_pb2.SearchResultData(
        num_queries=len(ids), top_k=max(len(q) for q in ids), topks=[len(q) for q in ids],
        scores=[s for q in scores for s in q], primary_field_name=pk_name, output_fields=list(columns),
    )
    if flat_ids and isinstance(flat_ids[0], str):
        data.ids.str_id.data.extend(flat_ids)
    else:
        data.ids.int_id.data.extend(flat_ids)
    for name, per_query in columns.items():
        values = [v for q in per_query for v in q]
        fd = data.fields_data.add(field_name=name)
        if isinstance(values[0], str):
            fd.type = 21
            fd.scalars.string_data.data.extend(values)
        else:
            fd.type = 5
            fd.scalars.long_data.data.extend(values)
    if recalls:
        data.recalls.extend(recalls)
    status = common_pb2.Status(extra_info={"report_value": str(cost)}) if cost is not None else None
    return PmSearchResult(data, status=status)


def _ours(
    pk_name: str, ids: list[list[Any]], scores: list[list[float]], columns: dict[str, list[list[Any]]],
    cost: int | None = None, recalls: list[float] | None = None,
) -> SearchResult:
    entities = None
    if columns:
        entities = [[{n: columns[n][q][i] for n in columns} for i in range(len(ids[q]))] for q in range(len(ids))]
    id_arrays = [np.array(q, dtype=object if q and isinstance(q[0], str) else np.int64) for q in ids]
    return SearchResult.from_columns(
        pk_name, id_arrays, [np.array(s, dtype=np.float32) for s in scores], entities,
        {"cost": cost} if cost is not None else None, recalls=recalls,
    )


SCENARIOS = [
    ("id", [[7, 3, 1]], [[0.93, 0.5, 0.25]], {}, None, None),
    ("pk", [[1, 2], [3]], [[0.1, 0.2], [1.5]], {"color": [["red", "blue"], ["green"]]}, 4, None),
    ("doc", [["a", "b"]], [[1.0, 2.0]], {"n": [[5, 6]]}, 0, [0.9]),
    ("id", [list(range(12))] * 12, [[float(i) / 8 for i in range(12)]] * 12, {}, 2, [1.0] * 12),
]


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_search_result_matches_pymilvus(scenario: tuple[Any, ...]) -> None:
    theirs = _pm_result(*scenario)
    ours = _ours(*scenario)
    assert str(ours) == str(theirs)
    assert repr(ours) == repr(theirs)
    assert ours == theirs and len(ours) == len(theirs)
    assert ours.extra == theirs.extra
    assert ours.recalls == (list(theirs.recalls) if theirs.recalls is not None else None)
    assert ours.agg_buckets == theirs.agg_buckets == []
    for our_hits, their_hits in zip(ours, theirs):
        assert str(our_hits) == str(their_hits)
        assert our_hits.ids == list(their_hits.ids) and our_hits.distances == list(their_hits.distances)
        for a, b in zip(our_hits, their_hits):
            assert a == b
            assert (a.id, a.pk, a.distance, a.score, a.fields, a.highlight) == (b.id, b.pk, b.distance, b.score,
                                                                                b.fields, b.highlight)
            for key in b["entity"]:
                assert a[key] == b[key] and a.get(key) == b.get(key) and getattr(a, key) == getattr(b, key)
    assert ours.materialize() is ours


def test_python_types_and_fresh_entities() -> None:
    res = SearchResult.from_columns("id", [np.array([1, 2], dtype=np.int64)], [np.array([0.5, 0.25], np.float32)],
                                    None)
    hits = res[0]
    assert type(hits[0]["id"]) is int and type(hits[0]["distance"]) is float
    assert hits[0]["entity"] == {} and hits[0]["entity"] is not hits[1]["entity"]
    assert isinstance(hits, Hits) and isinstance(hits[0], Hit) and res.extra == {} and res.recalls is None
    strs = SearchResult.from_columns("k", [np.array(["x", "y"])], [[0.1, 0.2]], [[{"a": 1}, {"a": 2}]])
    assert type(strs[0][0]["k"]) is str and strs[0].ids == ["x", "y"] and strs[0][1]["a"] == 2
    empty = SearchResult.from_columns("id", [np.array([], np.int64)], [np.array([], np.float32)], None)
    assert empty == [[]] and empty[0].ids == [] and str(empty) == "data: [[]]"


def test_offsets_and_highlights() -> None:
    res = SearchResult.from_columns(
        "id", [np.array([4])], [np.array([0.5])], [[{"t": "x"}]], offsets=[np.array([2])],
        highlights=[[{"t": {"fragments": ["<b>x</b>"], "scores": [1.0]}}]],
    )
    hit = res[0][0]
    assert list(hit) == ["id", "distance", "offset", "entity", "highlight"]
    assert hit["offset"] == 2 and hit.highlight == {"t": {"fragments": ["<b>x</b>"], "scores": [1.0]}}


def test_hit_helpers_like_pymilvus() -> None:
    data = {"my_id": 1, "distance": 0.3, "entity": {"emb": [1, 2], "desc": "d"}}
    ours, theirs = Hit(data, pk_name="my_id"), PmHit(data, pk_name="my_id")
    assert ours == theirs == data and str(ours) == str(theirs)
    assert ours.entity is ours and ours.entity.get("desc") == "d"
    assert ours.to_dict() is ours
    assert ours.id == ours.pk == 1 and ours.distance == ours.score == 0.3
    assert ours["emb"] == [1, 2] and ours.emb == [1, 2] and ours.get("nope", 5) == 5 and ours.highlight is None
    with pytest.raises(KeyError):
        _ = ours["nope"]
    with pytest.raises(AttributeError):
        _ = ours.nope
    assert ours.fields == {"emb": [1, 2], "desc": "d"}
    back = pickle.loads(pickle.dumps(ours))
    assert back == ours and back.id == 1 and isinstance(back, Hit)
    assert copy.deepcopy(ours) == ours and copy.deepcopy(ours).pk == 1


def test_hits_constructor_and_str() -> None:
    hits = Hits([Hit({"id": i, "distance": 0.0, "entity": {}}, pk_name="id") for i in range(11)])
    assert hits.ids == list(range(11)) and hits.distances == [0.0] * 11
    assert str(hits).endswith(" ... and 1 entities remaining")
    result = SearchResult([hits], extra={"cost": 3}, recalls=[0.5])
    assert str(result) == f"data: [{hits}],recalls: [0.5],{{'cost': 3}}"


def test_omit_zero_dict_like_pymilvus() -> None:
    for raw in ({"insert_count": 0, "ids": [], "cost": 0}, {"insert_count": 2, "ids": [1, 2], "cost": 0},
                {"delete_count": 1, "cost": 0, "scanned_total_bytes": 0}):
        ours, theirs = OmitZeroDict(raw), PmOmitZeroDict(raw)
        assert str(ours) == str(theirs) and repr(ours) == repr(theirs) and f"{ours}" == f"{theirs}"
        assert ours == raw and ours["cost"] == 0 and ours.omit_zero_len() == theirs.omit_zero_len()


def test_extra_list_prints_like_pymilvus_query_results() -> None:
    rows = [{"id": i, "v": [0.5, 1.0]} for i in range(12)]
    for data, extra in ((rows[:2], {"cost": 0}), (rows, {"cost": 5}), ([], {"cost": 0})):
        ours = ExtraList(copy.deepcopy(data), extra=extra)
        theirs = HybridExtraList([], copy.deepcopy(data), extra=extra)
        assert str(ours) == str(theirs) and repr(ours) == repr(theirs)
        assert ours == data and ours.extra == extra
    assert ExtraList([1]).extra == {} and str(ExtraList([1])) == "data: ['1'], extra_info: {}"


def test_from_columns_is_fast() -> None:
    ids = [np.arange(10, dtype=np.int64)]
    dists = [np.linspace(0, 1, 10, dtype=np.float32)]
    ents = [[{"c": i} for i in range(10)]]
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(1000):
            SearchResult.from_columns("id", ids, dists, ents)
        best = min(best, (time.perf_counter() - start) / 1000)
    assert best < 50e-6, f"{best * 1e6:.1f} µs per 10-hit result"
