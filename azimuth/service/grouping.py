"""Grouping search: at most ``group_size`` hits per distinct value of ``group_by_field``, up to ``limit``
groups per query (after ``offset`` groups), groups ordered by their best hit. Candidates are fetched in growing
rounds until enough groups are full or the collection is exhausted."""

from __future__ import annotations

from typing import Any

import numpy as np

from azimuth.engine import query as scans
from azimuth.engine import search as engine_search
from azimuth.engine.collection import CollectionData, Snapshot
from azimuth.errors import Code, server_error
from azimuth.types.enums import VECTOR_TYPES, DataType

GROUPABLE = {DataType.BOOL, DataType.INT8, DataType.INT16, DataType.INT32, DataType.INT64, DataType.VARCHAR,
             DataType.STRING, DataType.TIMESTAMPTZ}
MAX_CANDIDATES = 16384


def _group_field(data: CollectionData, name: str):
    for field in data.schema.fields:
        if field.name == name:
            if field.dtype in VECTOR_TYPES or field.dtype not in GROUPABLE:
                raise server_error(Code.INVALID_PARAMETER, f"group by field {name} of type {field.dtype.name} is "
                                                           "not supported; use a bool, integer or varchar field")
            return field
    raise server_error(Code.FIELD_NOT_FOUND, f"group by field {name} not found in the collection schema")


def grouped_search(svc: Any, data: CollectionData, snapshot: Snapshot, field, spec, key: str, queries: Any,
                   params: dict[str, Any], predicate, op) -> engine_search.Candidates:
    group_field = _group_field(data, op.group_by_field)
    group_size = max(int(op.group_size or 1), 1)
    groups_wanted = op.offset + op.limit
    total = sum(s.num_rows for s in snapshot.segments)
    k = min(max(groups_wanted * group_size * 4, 64), MAX_CANDIDATES, max(total, 1))
    nq = queries.shape[0]
    while True:
        run_params = dict(params)
        if "ef" in run_params:
            run_params["ef"] = max(run_params["ef"], k)
        cands = engine_search.knn(snapshot, field.name, spec, key, queries, k, run_params, predicate)
        picked = [_pick(data, snapshot, cands, q, group_field.name, group_size, groups_wanted, op)
                  for q in range(nq)]
        enough = all(done for _, done in picked)
        if enough or k >= min(total, MAX_CANDIDATES):
            break
        k = min(k * 4, MAX_CANDIDATES, total)
    width = max((len(p[0]) for p in picked), default=0)
    segs = np.full((nq, width), -1, dtype=np.int64)
    rows = np.full((nq, width), -1, dtype=np.int64)
    dist = np.full((nq, width), -np.inf if spec.descending else np.inf, dtype=np.float32)
    for q, (chosen, _) in enumerate(picked):
        for j, (s, r, d) in enumerate(chosen):
            segs[q, j], rows[q, j], dist[q, j] = s, r, d
    return engine_search.Candidates(segs, rows, dist)


def _pick(data: CollectionData, snapshot: Snapshot, cands: engine_search.Candidates, q: int, group_name: str,
          group_size: int, groups_wanted: int, op) -> tuple[list[tuple[int, int, float]], bool]:
    valid = cands.segments[q] >= 0
    segs, rows, dist = cands.segments[q][valid], cands.rows[q][valid], cands.distances[q][valid]
    picks = [(s, None) for s in snapshot.segments]
    values = scans.gather(picks, segs, rows, data.arrow_schema, [group_name]).column(0).to_pylist()
    groups: dict[Any, list[tuple[int, int, float]]] = {}
    order: list[Any] = []
    for s, r, d, value in zip(segs.tolist(), rows.tolist(), dist.tolist(), values):
        if value is None:
            continue
        members = groups.get(value)
        if members is None:
            if len(order) >= groups_wanted:
                continue
            members = groups[value] = []
            order.append(value)
        if len(members) < group_size:
            members.append((s, r, d))
    full = len(order) >= groups_wanted and (not op.strict_group_size or
                                            all(len(groups[v]) >= group_size for v in order))
    chosen = [hit for value in order[op.offset:] for hit in groups[value]]
    return chosen, full
