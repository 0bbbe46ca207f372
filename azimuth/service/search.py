"""Vector search: the anns field, metric and parameter checks, query vectors, filters, range and grouping
search, search by primary keys; results as per-query key/distance arrays plus output-field tables."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa

from azimuth.engine import query as scans
from azimuth.engine import search as engine_search
from azimuth.engine.catalog import CollectionMeta, IndexMeta
from azimuth.engine.collection import CollectionData, Snapshot
from azimuth.engine.indexing import vector_spec
from azimuth.errors import Code, server_error
from azimuth.ops import search as ops
from azimuth.ops.base import CallContext
from azimuth.service import checks
from azimuth.service.columns import primary_keys
from azimuth.service.context import ServiceContext
from azimuth.service.filters import OutputPlan, compile_for, resolve_output_fields
from azimuth.service.registry import handles
from azimuth.types.arrays import to_numpy
from azimuth.types.enums import DENSE_VECTOR_TYPES, VECTOR_TYPES, DataType

MAX_TOPK = 16384
MAX_NQ = 16384


def anns_field(data: CollectionData, name: str):
    vectors = [f for f in data.schema.fields if f.dtype in VECTOR_TYPES]
    if not name:
        if len(vectors) != 1:
            if not vectors:
                raise server_error(Code.INVALID_PARAMETER, "the collection has no vector field to search")
            raise server_error(Code.INVALID_PARAMETER, "multiple anns_fields exist, please specify a anns_field: "
                                                       + ", ".join(f.name for f in vectors))
        return vectors[0]
    for field in data.schema.fields:
        if field.name == name:
            if field.dtype not in VECTOR_TYPES:
                raise server_error(Code.INVALID_PARAMETER, f"field {name} is not a vector field; anns_field must "
                                                           f"be one of: {', '.join(f.name for f in vectors)}")
            return field
    raise server_error(Code.FIELD_NOT_FOUND, f"failed to get field schema by name: fieldName({name}) not found; "
                                             f"vector fields are: {', '.join(f.name for f in vectors)}")


def field_index(meta: CollectionMeta, field_name: str) -> IndexMeta:
    for index in meta.indexes:
        if index.field_name == field_name:
            return index
    raise server_error(Code.INDEX_NOT_FOUND, f"there is no vector index on field: [{field_name}], please create "
                                             "index firstly")


def spec_of(data: CollectionData, index: IndexMeta) -> Any:
    """The validated index spec, cached on the collection's runtime data (index definitions are immutable)."""
    spec = data.specs.get(index.id)
    if spec is None:
        spec = data.specs[index.id] = vector_spec(data.meta, index)
    return spec


def _dim_error(field, got: Any) -> Exception:
    return server_error(Code.INVALID_PARAMETER, f"vector dimension mismatch, expected vector size(byte) "
                                                f"{field.params.get('dim')}, actual {got}: the query vectors of "
                                                f"field {field.name} must have dim {field.params.get('dim')}")


def _issparse(value: Any) -> bool:
    return type(value).__module__.startswith("scipy.sparse")


def query_vectors(field, data: Any) -> Any:
    """Client query data → the array form the index library expects, validated against the field."""
    dtype = field.dtype
    dim = int(field.params.get("dim", 0) or 0)
    if data is None or (not _issparse(data) and hasattr(data, "__len__") and len(data) == 0):
        raise server_error(Code.INVALID_PARAMETER, "search data is empty: pass at least one query vector")
    if dtype == DataType.SPARSE_FLOAT_VECTOR:
        return _sparse_queries(data)
    if dtype == DataType.BINARY_VECTOR:
        rows = [bytes(v) if isinstance(v, (bytes, bytearray, memoryview)) else np.asarray(v, np.uint8).tobytes()
                for v in data]
        if any(len(r) != dim // 8 for r in rows):
            raise _dim_error(field, [len(r) * 8 for r in rows if len(r) != dim // 8][0])
        return np.frombuffer(b"".join(rows), dtype=np.uint8).reshape(len(rows), dim // 8)
    if dtype in DENSE_VECTOR_TYPES:
        arr = _dense_array(dtype, data)
        if arr.ndim != 2:
            raise server_error(Code.INVALID_PARAMETER, f"search data of field {field.name} must be a list of "
                                                       "vectors (a 2-D array), got a flat vector")
        if arr.shape[1] != dim:
            raise _dim_error(field, arr.shape[1])
        if arr.dtype.kind == "f" and not np.isfinite(arr if arr.dtype == np.float32 else arr.astype(np.float32)).all():
            raise server_error(Code.INVALID_PARAMETER, "query vectors contain NaN or Inf")
        return arr
    raise server_error(Code.INVALID_PARAMETER, f"cannot search field {field.name} of type {dtype.name}")


def _dense_array(dtype: DataType, data: Any) -> np.ndarray:
    import ml_dtypes

    target = {DataType.FLOAT16_VECTOR: np.float16, DataType.BFLOAT16_VECTOR: ml_dtypes.bfloat16,
              DataType.INT8_VECTOR: np.int8}.get(dtype, np.float32)
    try:
        if isinstance(data, np.ndarray):
            arr = data
        elif data and isinstance(data[0], (bytes, bytearray)):
            arr = np.stack([np.frombuffer(v, dtype=target) for v in data])
        else:
            arr = np.asarray(data)
        if arr.dtype == object or arr.dtype.kind in "USb":
            raise ValueError("not numeric")
        if dtype == DataType.BFLOAT16_VECTOR:
            return np.ascontiguousarray(arr.astype(ml_dtypes.bfloat16).view(np.uint16))
        if dtype == DataType.FLOAT16_VECTOR:
            return np.ascontiguousarray(arr.astype(np.float16))
        if dtype == DataType.INT8_VECTOR:
            return np.ascontiguousarray(arr.astype(np.int8))
        return np.ascontiguousarray(arr, dtype=np.float32)
    except (ValueError, TypeError):
        raise server_error(Code.INVALID_PARAMETER, f"search data must be numeric vectors for a "
                                                   f"{dtype.name} field") from None


def _sparse_queries(data: Any) -> Any:
    import scipy.sparse as sp

    from azimuth.engine.vectors import SPARSE_LIMIT, sparse_width

    if _issparse(data):
        m = sp.csr_matrix(data, dtype=np.float32)
        return sp.csr_matrix((m.data, m.indices.astype(np.int64), m.indptr.astype(np.int64)),
                             shape=(m.shape[0], sparse_width(m.indices)))
    indptr, indices, values = [0], [], []
    for row in data:
        if sp.issparse(row):
            coo = sp.coo_matrix(row)
            pairs = zip(coo.col.tolist(), coo.data.tolist())
        elif isinstance(row, dict):
            pairs = row.items()
        elif isinstance(row, (list, tuple)):
            pairs = row
        else:
            raise server_error(Code.INVALID_PARAMETER, "sparse query vectors must be dicts {index: value}, "
                                                       "lists of (index, value) pairs or scipy sparse rows")
        for index, value in pairs:
            if not 0 <= int(index) < SPARSE_LIMIT:
                raise server_error(Code.INVALID_PARAMETER, f"sparse vector index {index} out of range")
            indices.append(int(index))
            values.append(float(value))
        indptr.append(len(indices))
    columns = np.asarray(indices, np.int64)
    return sp.csr_matrix((np.asarray(values, np.float32), columns, np.asarray(indptr, np.int64)),
                         shape=(len(indptr) - 1, sparse_width(columns)))


def check_metric(spec: Any, search_params: dict[str, Any]) -> None:
    metric = search_params.get("metric_type")
    if metric is None and isinstance(search_params.get("params"), dict):
        metric = search_params["params"].get("metric_type")
    if metric and str(metric).upper() != spec.metric_type:
        raise server_error(Code.INVALID_PARAMETER, f"metric type not match: invalid parameter[expected="
                                                   f"{spec.metric_type}][actual={str(metric).upper()}]")


def check_window(limit: int, offset: int) -> None:
    if not isinstance(limit, int) or not 1 <= limit <= MAX_TOPK:
        raise server_error(Code.INVALID_PARAMETER, f"topk [{limit}] is invalid, it should be in range "
                                                   f"[1, {MAX_TOPK}], but got {limit}")
    if offset < 0 or offset + limit > MAX_TOPK:
        raise server_error(Code.INVALID_PARAMETER, f"(offset+limit) should be in range [1, {MAX_TOPK}], but got "
                                                   f"{offset + limit}")


def output_plan(data: CollectionData, requested: tuple[str, ...]) -> tuple[OutputPlan, bool]:
    """Output plan for hits; the bool says whether the primary key belongs in each hit's entity."""
    if not requested:
        return OutputPlan([data.pk_name], (data.pk_name,), ()), False
    plan = resolve_output_fields(data, requested)
    if plan.count:
        raise server_error(Code.INVALID_PARAMETER, "count(*) is not a valid output field for search")
    return plan, data.pk_name in requested or "*" in requested


def stored_vectors(svc: ServiceContext, meta: CollectionMeta, data: CollectionData, field, ids: tuple,
                   snapshot: Snapshot) -> Any:
    pk_type = data.arrow_schema.field(data.pk_name).type
    pks = primary_keys(ids, pk_type, data.schema.primary_field.dtype)
    table = scans.lookup(snapshot, pks, data.arrow_schema, [data.pk_name, field.name], data.pk_name)
    found = {k: i for i, k in enumerate(table.column(data.pk_name).to_pylist())}
    missing = [k for k in ids if k not in found]
    if missing:
        raise server_error(Code.INVALID_PARAMETER, f"search by ids: primary keys not found: {missing[:10]}")
    order = pa.array(np.array([found[k] for k in ids], dtype=np.int64))
    from azimuth.engine.vectors import column_array, vectors_of

    column = column_array(table.take(order), field.name)
    values = vectors_of(column, field.dtype)
    if field.dtype == DataType.BFLOAT16_VECTOR:
        return np.ascontiguousarray(values)
    return values


def hits_result(data: CollectionData, snapshot: Snapshot, cands: engine_search.Candidates, plan: OutputPlan,
                pk_in_entity: bool, offset: int, round_decimal: int) -> ops.SearchHits:
    segs, rows, dist = cands.segments, cands.rows, cands.distances
    if offset:
        segs, rows, dist = segs[:, offset:], rows[:, offset:], dist[:, offset:]
    nq = segs.shape[0]
    valid = segs >= 0
    full = bool(valid.all())  # the usual case: every query found k hits, nothing to mask out
    flat_seg = segs.reshape(-1) if full else segs[valid]
    flat_row = rows.reshape(-1) if full else rows[valid]
    columns = plan.columns if plan.columns else [data.pk_name]
    if data.pk_name not in columns:
        columns = [data.pk_name, *columns]
    with_entities = bool(plan.fields[1:] or plan.dynamic_keys is None or plan.dynamic_keys or pk_in_entity)
    if with_entities or not pa.types.is_integer(data.arrow_schema.field(data.pk_name).type):
        picks = [(s, None) for s in snapshot.segments]
        table = scans.gather(picks, flat_seg, flat_row, data.arrow_schema, columns)
        pks = to_numpy(table.column(data.pk_name)) if table.num_rows else np.empty(0)
    else:  # integer keys only: index each segment's key column directly (no Arrow projection)
        pks = _keys_of(snapshot, data.pk_name, flat_seg, flat_row)
    if round_decimal is not None and round_decimal >= 0:
        dist = np.round(dist.astype(np.float64), round_decimal)
    if full:
        bounds = [q * segs.shape[1] for q in range(nq + 1)]
    else:
        bounds = np.concatenate([[0], np.cumsum(valid.sum(axis=1))]).tolist()
    ids, distances, entities = [], [], []
    entity_columns = [c for c in columns if c != data.pk_name or pk_in_entity]
    for q in range(nq):
        lo, hi = bounds[q], bounds[q + 1]
        q_ids = pks[lo:hi]
        q_dist = dist[q] if full else dist[q][valid[q]]
        keep = _first_occurrences(q_ids)
        ids.append(q_ids[keep] if keep is not None else q_ids)
        distances.append(q_dist[keep] if keep is not None else q_dist)
        if with_entities:
            part = table.slice(lo, hi - lo).select(entity_columns)
            entities.append(part.take(pa.array(keep)) if keep is not None else part)
    fields = tuple(f for f in plan.fields if f != data.pk_name or pk_in_entity)
    return ops.SearchHits(data.pk_name, ids, distances, entities if with_entities else None, fields,
                          plan.dynamic_keys, snapshot.ts)


def _keys_of(snapshot: Snapshot, pk_name: str, segs: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Integer primary keys of hits ``(segs[i], rows[i])``, read from zero-copy views of the key columns."""
    if len(segs) and (segs == segs[0]).all():  # the usual case: every hit in one segment
        return snapshot.segments[int(segs[0])].numeric_column(pk_name)[rows]
    out = np.empty(len(segs), dtype=np.int64)
    for number in np.unique(segs).tolist():
        where = segs == number
        out[where] = snapshot.segments[number].numeric_column(pk_name)[rows[where]]
    return out


def _first_occurrences(values: np.ndarray) -> np.ndarray | None:
    """Indexes keeping the first (best) hit of each primary key, or None when all are unique."""
    if len(values) < 2:
        return None
    if len(values) <= 256 and len(set(values.tolist())) == len(values):
        return None
    _, first = np.unique(values, return_index=True)
    if len(first) == len(values):
        return None
    return np.sort(first)


def text_search(svc: ServiceContext, data: CollectionData, snapshot: Snapshot, field, spec: Any, op: ops.Search,
                plan: OutputPlan, pk_in_entity: bool) -> ops.SearchHits:
    """Search a BM25 function's output field with query text."""
    from azimuth.engine.text import is_text_query, query_terms

    if not is_text_query(op.data):
        raise server_error(Code.INVALID_PARAMETER, f"field {field.name} holds BM25 scores of a text field: search it "
                                                   "with query strings (data=['some words']), not vectors")
    if len(op.data) > MAX_NQ:
        raise server_error(Code.INVALID_PARAMETER, f"nq [{len(op.data)}] is invalid, it should be in range "
                                                   f"[1, {MAX_NQ}]")
    compiled = compile_for(data, op.filter, op.filter_params)
    predicate = None if compiled.is_empty else compiled.evaluate
    k1 = float(spec.params.get("bm25_k1", 1.2))
    b = float(spec.params.get("bm25_b", 0.75))
    cands = engine_search.bm25_knn(snapshot, field.name, field.dtype, query_terms(list(op.data)),
                                   op.limit + op.offset, predicate, k1, b)
    return hits_result(data, snapshot, cands, plan, pk_in_entity, op.offset, op.round_decimal)


@handles(ops.Search)
def search(svc: ServiceContext, op: ops.Search, ctx: CallContext) -> ops.SearchHits:
    meta = checks.collection(svc.engine, checks.db_of(op.db_name, ctx), op.collection_name)
    data = svc.engine.data(meta.id)
    partitions = checks.partitions_for_read(meta, op.partition_names)
    field = anns_field(data, op.anns_field)
    index = field_index(meta, field.name)
    spec = spec_of(data, index)
    check_metric(spec, op.search_params)
    check_window(op.limit, op.offset)
    plan, pk_in_entity = output_plan(data, op.output_fields)
    snapshot = svc.engine.snapshot(meta.id, partitions, op.snapshot_ts, pin=op.iterator)
    if spec.metric_type == "BM25":
        return text_search(svc, data, snapshot, field, spec, op, plan, pk_in_entity)
    if op.ids is not None:
        if op.data is not None:
            raise server_error(Code.INVALID_PARAMETER, "search takes either data or ids, not both")
        queries = stored_vectors(svc, meta, data, field, op.ids, snapshot)
    else:
        queries = query_vectors(field, op.data)
    nq = queries.shape[0]
    if nq > MAX_NQ:
        raise server_error(Code.INVALID_PARAMETER, f"nq [{nq}] is invalid, it should be in range [1, {MAX_NQ}]")
    from azimuth.engine.index import normalize_search_params

    k = op.limit + op.offset
    params = normalize_search_params(spec, op.search_params, k)
    compiled = compile_for(data, op.filter, op.filter_params)
    predicate = None if compiled.is_empty else compiled.evaluate
    key = str(index.id)
    if op.group_by_field:
        from azimuth.service.grouping import grouped_search

        cands = grouped_search(svc, data, snapshot, field, spec, key, queries, params, predicate, op)
    elif "radius" in params:
        cands = engine_search.within_range(snapshot, field.name, spec, key, queries, params, predicate, k)
    else:
        cands = engine_search.knn(snapshot, field.name, spec, key, queries, k, params, predicate)
    if op.ranker:
        from azimuth.service.hybrid import rerank_single

        return rerank_single(svc, data, snapshot, op, cands, spec.metric_type, plan, pk_in_entity)
    offset = 0 if op.group_by_field else op.offset
    return hits_result(data, snapshot, cands, plan, pk_in_entity, offset, op.round_decimal)
