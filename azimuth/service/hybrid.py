"""Hybrid search and rerankers: several ANN routes fused by RRF or weighted scores, optionally rescored by
decay or boost functions; plus the same rescoring for a single-vector search's ``ranker``."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa

from azimuth.engine import query as scans
from azimuth.engine import rank
from azimuth.engine import search as engine_search
from azimuth.engine.collection import CollectionData, Snapshot
from azimuth.errors import Code, server_error
from azimuth.ops import search as ops
from azimuth.ops.base import CallContext
from azimuth.service import checks
from azimuth.service.context import ServiceContext
from azimuth.service.filters import compile_for
from azimuth.service.registry import handles
from azimuth.service.search import (
    anns_field,
    check_metric,
    check_window,
    field_index,
    output_plan,
    query_vectors,
    spec_of,
)
from azimuth.types.arrays import to_numpy

FUSION = ("rrf", "weighted")
RESCORE = ("decay", "boost")


def route(svc: ServiceContext, data: CollectionData, snapshot: Snapshot, request: ops.AnnRequest,
          nq: int | None) -> tuple[list[np.ndarray], list[np.ndarray], str]:
    """One route's hits per query: (primary keys, raw distances, metric)."""
    from azimuth.engine.index import normalize_search_params

    field = anns_field(data, request.anns_field)
    index = field_index(data.meta, field.name)
    spec = spec_of(data, index)
    check_metric(spec, request.search_params)
    queries = query_vectors(field, request.data)
    if nq is not None and queries.shape[0] != nq:
        raise server_error(Code.INVALID_PARAMETER, "all requests of a hybrid search must have the same number of "
                                                   f"query vectors ({nq} vs {queries.shape[0]})")
    check_window(request.limit, 0)
    params = normalize_search_params(spec, request.search_params, request.limit)
    compiled = compile_for(data, request.filter, request.filter_params)
    predicate = None if compiled.is_empty else compiled.evaluate
    cands = engine_search.knn(snapshot, field.name, spec, str(index.id), queries, request.limit, params, predicate)
    keys, dists = hit_keys(data, snapshot, cands)
    return keys, dists, spec.metric_type


def hit_keys(data: CollectionData, snapshot: Snapshot, cands: engine_search.Candidates
             ) -> tuple[list[np.ndarray], list[np.ndarray]]:
    valid = cands.segments >= 0
    picks = [(s, None) for s in snapshot.segments]
    table = scans.gather(picks, cands.segments[valid], cands.rows[valid], data.arrow_schema, [data.pk_name])
    pks = to_numpy(table.column(0)) if table.num_rows else np.empty(0)
    bounds = np.concatenate([[0], np.cumsum(valid.sum(axis=1))])
    keys = [pks[bounds[q]:bounds[q + 1]] for q in range(valid.shape[0])]
    dists = [cands.distances[q][valid[q]] for q in range(valid.shape[0])]
    return keys, dists


def _param(params: dict[str, Any], name: str, default: Any = None) -> Any:
    value = params.get(name, default)
    if value is None:
        raise server_error(Code.INVALID_PARAMETER, f"reranker parameter {name} is required")
    return value


def fuse(ranker: dict[str, Any], routes: list[tuple[list[np.ndarray], list[np.ndarray], str]], q: int) -> dict:
    strategy = str(ranker.get("strategy", "rrf")).lower()
    params = ranker.get("params") or {}
    keys = [r[0][q] for r in routes]
    if strategy == "rrf":
        k = float(params.get("k", 60))
        if not 0 < k < 16384:
            raise server_error(Code.INVALID_PARAMETER, f"rrf k must be in (0, 16384), got {k}")
        return rank.rrf(keys, k)
    if strategy == "weighted":
        weights = [float(w) for w in _param(params, "weights")]
        if len(weights) != len(routes):
            raise server_error(Code.INVALID_PARAMETER, f"the number of weights ({len(weights)}) must equal the "
                                                       f"number of requests ({len(routes)})")
        if any(not 0 <= w <= 1 for w in weights):
            raise server_error(Code.INVALID_PARAMETER, f"rank weights must be in [0, 1], got {weights}")
        norm = params.get("norm_score", True)
        scores = [rank.normalize(r[1][q], r[2]) if norm else rank.oriented(r[1][q], r[2]) for r in routes]
        return rank.weighted(keys, scores, weights)
    raise server_error(Code.INVALID_PARAMETER, f"unknown ranker {strategy!r}; use rrf, weighted, decay or boost")


def rescore(svc: ServiceContext, data: CollectionData, snapshot: Snapshot, ranker: dict[str, Any],
            keys: list, scores: np.ndarray) -> np.ndarray:
    """Apply a decay or boost function to fused (larger = better) scores of one query's hits."""
    strategy = str(ranker.get("strategy")).lower()
    params = ranker.get("params") or {}
    if not keys:
        return scores
    pks = pa.array(keys, type=data.arrow_schema.field(data.pk_name).type)
    if strategy == "decay":
        fields = ranker.get("input_fields") or []
        if len(fields) != 1:
            raise server_error(Code.INVALID_PARAMETER, "a decay reranker needs exactly one numeric input field")
        table = scans.lookup(snapshot, pks, data.arrow_schema, [data.pk_name, fields[0]], data.pk_name)
        values = dict(zip(table.column(0).to_pylist(), table.column(1).to_pylist()))
        column = np.array([float(values.get(k) or 0.0) for k in keys])
        function = str(_param(params, "function")).lower()
        if function not in ("gauss", "exp", "linear"):
            raise server_error(Code.INVALID_PARAMETER, f"decay function must be gauss, exp or linear, got {function}")
        rate = float(params.get("decay", 0.5))
        scale = float(_param(params, "scale"))
        if not 0 < rate < 1 or scale <= 0:
            raise server_error(Code.INVALID_PARAMETER, "decay must be in (0, 1) and scale positive")
        factors = rank.decay(column, function, float(_param(params, "origin")), scale,
                             float(params.get("offset", 0)), rate)
        return (scores * factors).astype(np.float32)
    if strategy == "boost":
        weight = float(params.get("weight", 1.0))
        expression = params.get("filter") or ""
        if not expression:
            return (scores * weight).astype(np.float32)
        compiled = compile_for(data, expression, None)
        table = scans.lookup(snapshot, pks, data.arrow_schema, data.arrow_schema.names, data.pk_name)
        matched = set(table.filter(pa.array(compiled.evaluate(table))).column(data.pk_name).to_pylist())
        factor = np.array([weight if k in matched else 1.0 for k in keys])
        return (scores * factor).astype(np.float32)
    raise server_error(Code.INVALID_PARAMETER, f"unknown reranker {strategy!r}")


def entities_for(data: CollectionData, snapshot: Snapshot, keys: list, columns: list[str]) -> pa.Table:
    """Rows for ``keys`` in that order, projected onto ``columns``."""
    if not keys:
        return scans.project(data.arrow_schema.empty_table(), data.arrow_schema, columns)
    pks = pa.array(keys, type=data.arrow_schema.field(data.pk_name).type)
    cols = columns if data.pk_name in columns else [data.pk_name, *columns]
    table = scans.lookup(snapshot, pks, data.arrow_schema, cols, data.pk_name)
    position = {k: i for i, k in enumerate(table.column(data.pk_name).to_pylist())}
    return table.take(pa.array(np.array([position[k] for k in keys], dtype=np.int64))).select(columns)


@handles(ops.HybridSearch)
def hybrid_search(svc: ServiceContext, op: ops.HybridSearch, ctx: CallContext) -> ops.SearchHits:
    meta = checks.collection(svc.engine, checks.db_of(op.db_name, ctx), op.collection_name)
    data = svc.engine.data(meta.id)
    partitions = checks.partitions_for_read(meta, op.partition_names)
    if not op.requests:
        raise server_error(Code.INVALID_PARAMETER, "hybrid search needs at least one AnnSearchRequest")
    check_window(op.limit, op.offset)
    plan, pk_in_entity = output_plan(data, op.output_fields)
    snapshot = svc.engine.snapshot(meta.id, partitions)
    routes = []
    nq = None
    for request in op.requests:
        routes.append(route(svc, data, snapshot, request, nq))
        nq = len(routes[-1][0])
    strategy = str(op.ranker.get("strategy", "rrf")).lower()
    fusion = op.ranker if strategy in FUSION else {"strategy": "rrf", "params": {}}
    ranked = []
    for q in range(nq or 0):
        scores = fuse(fusion, routes, q)
        keys, values = rank.top(scores, len(scores), 0)
        if strategy in RESCORE:
            values = rescore(svc, data, snapshot, op.ranker, keys, values)
        ranked.append((keys, values))
    return ranked_hits(data, snapshot, ranked, op, plan, pk_in_entity)


def ranked_hits(data: CollectionData, snapshot: Snapshot, ranked: list[tuple[list, np.ndarray]], op: Any,
                plan: Any, pk_in_entity: bool) -> ops.SearchHits:
    """Per query (keys, scores; larger = better): sort, page by ``op.offset``/``op.limit``, round, and fetch the
    output fields of the hits that remain."""
    ids, distances, entities = [], [], []
    columns = [c for c in plan.columns if c != data.pk_name or pk_in_entity]
    for keys, values in ranked:
        order = np.argsort(-values, kind="stable")[op.offset : op.offset + op.limit]
        keys, values = [keys[i] for i in order.tolist()], values[order]
        if op.round_decimal is not None and op.round_decimal >= 0:
            values = np.round(values.astype(np.float64), op.round_decimal)
        ids.append(np.array(keys, dtype=object if keys and isinstance(keys[0], str) else None))
        distances.append(values)
        if columns:
            entities.append(entities_for(data, snapshot, keys, columns))
    fields = tuple(f for f in plan.fields if f != data.pk_name or pk_in_entity)
    return ops.SearchHits(data.pk_name, ids, distances, entities if columns else None, fields,
                          plan.dynamic_keys, snapshot.ts)


def rerank_single(svc: ServiceContext, data: CollectionData, snapshot: Snapshot, op: ops.Search,
                  cands: engine_search.Candidates, metric: str, plan, pk_in_entity: bool) -> ops.SearchHits:
    """A single-vector search's ``ranker`` (decay / boost): rescore its hits and re-sort them."""
    strategy = str(op.ranker.get("strategy")).lower()
    if strategy not in RESCORE:
        raise server_error(Code.INVALID_PARAMETER, f"ranker {strategy!r} is not valid for a single-vector search; "
                                                   "use decay or boost (rrf and weighted need hybrid_search)")
    keys_per_query, dists = hit_keys(data, snapshot, cands)
    ranked = []
    for keys_arr, dist in zip(keys_per_query, dists):
        keys = keys_arr.tolist()
        base = dist.astype(np.float64) if metric in rank.DESCENDING else rank.normalize(dist, metric)
        ranked.append((keys, rescore(svc, data, snapshot, op.ranker, keys, base.astype(np.float32))))
    return ranked_hits(data, snapshot, ranked, op, plan, pk_in_entity)
