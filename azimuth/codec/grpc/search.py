"""RPC table entries for Search and HybridSearch, and ``SearchResults`` ⇄ :class:`SearchHits`.

A Search request carries the query vectors as a ``PlaceholderGroup`` (or primary keys in ``ids``), the filter in
``dsl`` with ``expr_template_values``, the settings as ``search_params`` KeyValuePairs and a single-search
ranker as ``function_score`` (see :mod:`.search_data`). A HybridSearch request holds one SearchRequest per route
and the fusion ranker in ``rank_params`` (``strategy``, ``params`` JSON, ``limit``, ``offset``,
``round_decimal``) or a function ranker in ``function_score``. An iterator page sets ``iterator=True`` and pins
its snapshot with ``guarantee_timestamp``; the snapshot comes back as ``session_ts``.

Results: ``SearchResultData`` holds every query's hits back to back — ``topks[q]`` hits per query, ``ids``,
``scores`` (float32) and one ``FieldData`` per output column covering all hits — plus ``output_fields`` (the
requested dynamic keys, or ``$meta`` for all of them) and ``primary_field_name``. Both directions slice and
concatenate whole columns; nothing loops over hits. pymilvus's server-side iterator (``search_iter_v2``) is
described by :func:`iterator_v2` and answered through :func:`with_iterator_v2`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa

from azimuth.codec.grpc import packing
from azimuth.codec.grpc import search_data as sd
from azimuth.codec.grpc.columns import decode_table, encode_table
from azimuth.codec.grpc.dml import decode_params, encode_params
from azimuth.codec.grpc.proto import common_pb2, schema_pb2
from azimuth.codec.grpc.proto import milvus_pb2 as mpb
from azimuth.codec.grpc.schema import column_types
from azimuth.codec.grpc.table import Hint, register
from azimuth.ops import search as ops
from azimuth.types.arrow import META_FIELD
from azimuth.types.enums import VECTOR_TYPES, DataType

_BOOL_EXPR = common_pb2.DslType.Value("BoolExprV1")
_SCORES_TAG = b"\x22"  # SearchResultData.scores: field 4, packed


def _anns_type(hint: Hint, anns_field: str) -> DataType | None:
    if hint is None:
        return None
    vectors = [f for f in hint.fields if f.dtype in VECTOR_TYPES]
    for field in vectors:
        if field.name == anns_field or (not anns_field and len(vectors) == 1):
            return DataType(field.dtype)
    return None


def _ids_message(ids: tuple[Any, ...]) -> Any:
    if ids and all(isinstance(v, str) for v in ids):
        return schema_pb2.IDs(str_id=schema_pb2.StringArray(data=list(ids)))
    return schema_pb2.IDs(int_id=packing.varint_message(schema_pb2.LongArray, np.asarray(ids, dtype=np.int64)))


def _ids_of(message: Any) -> tuple[Any, ...] | None:
    which = message.WhichOneof("id_field")
    if which == "str_id":
        return tuple(message.str_id.data)
    if which == "int_id":
        return tuple(packing.values(message.int_id, np.int64).tolist())
    return None


def _consistency(op: Any) -> dict[str, Any]:
    return {"use_default_consistency": op.consistency_level is None,
            "consistency_level": op.consistency_level or 0}


def _consistency_of(request: Any) -> int | None:
    return None if request.use_default_consistency else int(request.consistency_level)


# ---- Search ------------------------------------------------------------------------------------------------


def _route_request(op: Any, hint: Hint, *, limit: int, offset: int, extra: dict[str, Any],
                   partition_names: tuple[str, ...], **fields: Any) -> Any:
    fields.setdefault("db_name", getattr(op, "db_name", ""))
    fields.setdefault("collection_name", getattr(op, "collection_name", ""))
    request = mpb.SearchRequest(
        partition_names=list(partition_names), dsl=op.filter, dsl_type=_BOOL_EXPR,
        search_params=sd.search_settings(op, limit=limit, offset=offset, extra=extra),
        expr_template_values=encode_params(op.filter_params), **fields)
    ids = getattr(op, "ids", None)
    if ids is not None:
        request.ids.CopyFrom(_ids_message(ids))
        request.nq = len(ids)
    if op.data is not None:
        raw, nq = sd.placeholder_group(op.data, _anns_type(hint, op.anns_field))
        request.placeholder_group = raw
        request.nq = nq
    return request


def _search_req(op: ops.Search, hint: Hint) -> Any:
    extra: dict[str, Any] = {}
    if op.group_by_field:
        extra.update(group_by_field=op.group_by_field, group_size=op.group_size,
                     strict_group_size=op.strict_group_size)
    if op.iterator:
        extra["iterator"] = True
    request = _route_request(op, hint, limit=op.limit, offset=op.offset, extra=extra,
                             partition_names=op.partition_names, output_fields=list(op.output_fields),
                             guarantee_timestamp=op.snapshot_ts, **_consistency(op))
    if op.ranker:
        request.function_score.CopyFrom(sd.function_score(op.ranker))
    return request


def _search_op(request: Any) -> ops.Search:
    settings = sd.kv_dict(request.search_params)
    iterator = sd.bool_setting(settings, "iterator")
    return ops.Search(
        collection_name=request.collection_name, db_name=request.db_name,
        anns_field=settings.get("anns_field", ""), data=sd.query_data(request.placeholder_group),
        ids=_ids_of(request.ids) if request.HasField("ids") else None, filter=request.dsl,
        filter_params=decode_params(request.expr_template_values), limit=sd.int_setting(settings, "topk", 10),
        offset=sd.int_setting(settings, "offset", 0), output_fields=tuple(request.output_fields),
        partition_names=tuple(request.partition_names), search_params=sd.search_params_of(settings),
        group_by_field=settings.get("group_by_field", ""), group_size=sd.int_setting(settings, "group_size", 1),
        strict_group_size=sd.bool_setting(settings, "strict_group_size"),
        round_decimal=sd.int_setting(settings, "round_decimal", -1), consistency_level=_consistency_of(request),
        snapshot_ts=int(request.guarantee_timestamp) if iterator else 0,
        ranker=sd.ranker_of_function_score(request.function_score), iterator=iterator)


# ---- HybridSearch ------------------------------------------------------------------------------------------


def _hybrid_req(op: ops.HybridSearch, hint: Hint) -> Any:
    routes = [_route_request(r, hint, limit=r.limit, offset=0, extra={}, partition_names=op.partition_names,
                             collection_name=op.collection_name, db_name=op.db_name, **_consistency(op))
              for r in op.requests]
    rank: dict[str, Any] = {**sd.rank_settings(op.ranker), "limit": op.limit, "round_decimal": op.round_decimal,
                            "offset": op.offset}
    if op.group_by_field:
        rank.update(group_by_field=op.group_by_field, group_size=op.group_size,
                    strict_group_size=op.strict_group_size)
    request = mpb.HybridSearchRequest(
        db_name=op.db_name, collection_name=op.collection_name, partition_names=list(op.partition_names),
        requests=routes, rank_params=sd.kv_pairs(rank), output_fields=list(op.output_fields), **_consistency(op))
    if op.ranker and "input_fields" in op.ranker:
        request.function_score.CopyFrom(sd.function_score(op.ranker))
    return request


def _route_of(request: Any) -> ops.AnnRequest:
    settings = sd.kv_dict(request.search_params)
    return ops.AnnRequest(anns_field=settings.get("anns_field", ""), data=sd.query_data(request.placeholder_group),
                          search_params=sd.search_params_of(settings), limit=sd.int_setting(settings, "topk", 10),
                          filter=request.dsl, filter_params=decode_params(request.expr_template_values))


def _hybrid_op(request: Any) -> ops.HybridSearch:
    settings = sd.kv_dict(request.rank_params)
    ranker = sd.ranker_of_function_score(request.function_score) or sd.ranker_of_rank_settings(settings)
    return ops.HybridSearch(
        collection_name=request.collection_name, db_name=request.db_name,
        requests=tuple(_route_of(r) for r in request.requests), ranker=ranker,
        limit=sd.int_setting(settings, "limit", 10), offset=sd.int_setting(settings, "offset", 0),
        output_fields=tuple(request.output_fields), partition_names=tuple(request.partition_names),
        group_by_field=sd.parse_value(settings["group_by_field"]) if "group_by_field" in settings else "",
        group_size=sd.int_setting(settings, "group_size", 1),
        strict_group_size=sd.bool_setting(settings, "strict_group_size"),
        round_decimal=sd.int_setting(settings, "round_decimal", -1), consistency_level=_consistency_of(request))


# ---- results -----------------------------------------------------------------------------------------------


def _scores_data(distances: np.ndarray) -> Any:
    payload = np.ascontiguousarray(distances, dtype="<f4").tobytes()
    if not payload:
        return schema_pb2.SearchResultData()
    return schema_pb2.SearchResultData.FromString(_SCORES_TAG + packing.varint(len(payload)) + payload)


def _concat(parts: list[np.ndarray], dtype: Any = None) -> np.ndarray:
    if not parts:
        return np.empty(0, dtype=dtype or np.float32)
    return np.concatenate([np.asarray(p) for p in parts]) if len(parts) > 1 else np.asarray(parts[0])


def results_data(hits: ops.SearchHits, hint: Hint, limit: int = 0) -> Any:
    """``SearchResultData`` of ``hits``."""
    counts = np.fromiter((len(i) for i in hits.ids), dtype=np.int64, count=len(hits.ids))
    data = _scores_data(_concat(hits.distances))
    data.num_queries = len(hits.ids)
    data.top_k = int(limit or (counts.max() if len(counts) else 0))
    data.topks.extend(counts.tolist())
    data.primary_field_name = hits.pk_name
    ids = _concat(hits.ids, np.int64)
    if ids.dtype.kind in "OUS":
        data.ids.str_id.data.extend(ids.tolist())
    elif len(ids) <= 512:  # small: a list is cheaper than vectorised varint packing
        data.ids.int_id.data.extend(ids.tolist())
    else:
        data.ids.int_id.CopyFrom(packing.varint_message(schema_pb2.LongArray, ids.astype(np.int64, copy=False)))
    if hits.entities is not None and hits.entities:
        table = pa.concat_tables(hits.entities) if len(hits.entities) > 1 else hits.entities[0]
        if hits.dynamic_keys == () and META_FIELD in table.column_names:
            table = table.drop_columns([META_FIELD])
        data.fields_data.extend(encode_table(table, column_types(hint), compact=False))
        outputs = list(hits.fields)
        if META_FIELD in table.column_names:
            outputs = [f for f in outputs if f != META_FIELD]
            outputs += [META_FIELD] if hits.dynamic_keys is None else list(hits.dynamic_keys)
        data.output_fields.extend(outputs)
    return data


def _hits_resp(hits: ops.SearchHits, hint: Hint) -> Any:
    return mpb.SearchResults(status=common_pb2.Status(), results=results_data(hits, hint),
                             session_ts=hits.snapshot_ts)


def hits_of(data: Any, session_ts: int = 0) -> ops.SearchHits:
    """:class:`SearchHits` of a ``SearchResultData``."""
    counts = np.asarray(data.topks, dtype=np.int64)
    bounds = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(counts, out=bounds[1:])
    which = data.ids.WhichOneof("id_field")
    if which == "str_id":
        all_ids: np.ndarray = np.array(list(data.ids.str_id.data), dtype=object)
    elif which == "int_id":
        all_ids = packing.values(data.ids.int_id, np.int64)
    else:
        all_ids = np.empty(0, dtype=np.int64)
    scores = np.asarray(data.scores, dtype=np.float32)
    edges = bounds.tolist()
    ids = [all_ids[edges[q]:edges[q + 1]] for q in range(len(counts))]
    distances = [scores[edges[q]:edges[q + 1]] for q in range(len(counts))]
    entities = None
    fields: tuple[str, ...] = ()
    dynamic: tuple[str, ...] | None = ()
    if len(data.fields_data) or len(data.output_fields):
        table = decode_table(data.fields_data)
        columns = set(table.column_names)
        outputs = list(data.output_fields)
        fields = tuple(n for n in outputs if n in columns and n != META_FIELD) or tuple(
            n for n in table.column_names if n != META_FIELD)
        if META_FIELD in columns:
            dynamic = None if META_FIELD in outputs else tuple(n for n in outputs if n not in columns)
        entities = [_rows(table, edges[q], edges[q + 1]) for q in range(len(counts))]
    return ops.SearchHits(data.primary_field_name or "id", ids, distances, entities, fields, dynamic, session_ts)


def _rows(table: pa.Table, start: int, end: int) -> pa.Table:
    if table.num_columns:
        return table.slice(start, end - start)
    return pa.table({"__rows": pa.nulls(end - start)}).drop_columns(["__rows"])


def _hits_result(response: Any) -> ops.SearchHits:
    return hits_of(response.results, int(response.session_ts))


register("Search", ops.Search, _search_req, _search_op, _hits_resp, _hits_result,
         needs_schema=lambda op: op.data is not None)
register("HybridSearch", ops.HybridSearch, _hybrid_req, _hybrid_op, _hits_resp, _hits_result,
         needs_schema=lambda op: True)


# ---- pymilvus's server-side search iterator (search_iter_v2) -----------------------------------------------


@dataclass(frozen=True)
class IteratorV2:
    """One page request of pymilvus's search iterator: page size, the last distance returned, the token."""

    batch_size: int
    last_bound: float | None
    token: str


def iterator_v2(request: Any) -> IteratorV2 | None:
    settings = sd.kv_dict(request.search_params)
    if not sd.bool_setting(settings, "search_iter_v2"):
        return None
    bound = settings.get("search_iter_last_bound")
    try:
        last = float(bound) if bound not in (None, "") else None
    except ValueError:
        raise sd.bad(f"search_iter_last_bound [{bound}] is not a number") from None
    batch = sd.int_setting(settings, "search_iter_batch_size", sd.int_setting(settings, "topk", 10))
    return IteratorV2(batch, last, settings.get("search_iter_id", ""))


def with_iterator_v2(response: Any, token: str, last_bound: float) -> Any:
    response.results.search_iterator_v2_results.token = token
    response.results.search_iterator_v2_results.last_bound = float(last_bound)
    return response


__all__ = ["IteratorV2", "hits_of", "iterator_v2", "results_data", "with_iterator_v2"]
