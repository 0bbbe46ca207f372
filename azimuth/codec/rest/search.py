"""``/entities/search`` and ``/entities/hybrid_search`` (alias ``advanced_search``), rest-v2 §9.6-§9.7.

Query vectors are decoded for the type of the searched field (base64 or byte arrays for binary / float16 /
bfloat16, both sparse object forms, text for BM25 outputs); a malformed vector is 1801. ``searchParams`` follow
§6.7: every key except ``params`` is merged into ``params`` (a conflicting duplicate is 1100), ``radius`` /
``range_filter`` / ``metric_type`` are lifted to the top level, ``metricType`` is accepted and ignored. Results of
all queries are one flat row array (PK, ``distance``, output fields) with per-query counts in ``topks``.
Azimuth adds ``outputFields`` (the entity fields of the hits) to search responses.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

import numpy as np
import pyarrow as pa

from azimuth.codec.rest import schema as rs
from azimuth.codec.rest import values
from azimuth.codec.rest.body import RestRequest
from azimuth.codec.rest.collections import NAME, named
from azimuth.codec.rest.entities import DEFAULT_LIMIT, collection_info, filter_params, int_pk, pk_values
from azimuth.codec.rest.errors import JSON_ONLY, MISSING_PARAMS, rest_error, unsupported
from azimuth.codec.rest.table import Run, alias, client, route
from azimuth.errors import Code, server_error
from azimuth.ops import search as s
from azimuth.ops.results import CollectionInfo
from azimuth.types.enums import VECTOR_TYPES, DataType

_BYTE_TYPES = (DataType.BINARY_VECTOR, DataType.FLOAT16_VECTOR, DataType.BFLOAT16_VECTOR)
FUSION = ("rrf", "weighted")


def anns_field(info: CollectionInfo, name: str) -> Any:
    vectors = [f for f in info.schema.fields if DataType(f.dtype) in VECTOR_TYPES]
    if not name:
        if len(vectors) != 1:
            raise rest_error(JSON_ONLY, "search without annsField, but already found multiple vector fields: "
                                        + ", ".join(f.name for f in vectors) if vectors else
                                        "the collection has no vector field")
        return vectors[0]
    for field in info.schema.fields:
        if field.name == name:
            if DataType(field.dtype) not in VECTOR_TYPES:
                raise rest_error(JSON_ONLY, f"field {name} is not a vector field")
            return field
    raise rest_error(JSON_ONLY, f"field not found: {name}")


def _vector(field: Any, value: Any) -> Any:
    dtype = DataType(field.dtype)
    dim = int(field.params.get("dim", 0) or 0)
    if isinstance(value, str):
        if dtype in _BYTE_TYPES:
            try:
                return base64.b64decode(value, validate=True)
            except (binascii.Error, ValueError):
                raise rest_error(JSON_ONLY, f"the query vector of {field.name} is not valid base64") from None
        return value  # query text for function-output fields (BM25)
    if dtype == DataType.SPARSE_FLOAT_VECTOR:
        if not isinstance(value, dict):
            raise rest_error(JSON_ONLY, "a sparse query vector must be an object")
        if "indices" in value or "values" in value:
            return dict(zip(value.get("indices") or [], value.get("values") or []))
        return value
    if not isinstance(value, list) or any(isinstance(x, bool) or not isinstance(x, (int, float)) for x in value):
        raise rest_error(JSON_ONLY, f"the query vectors of {field.name} must be arrays of numbers")
    if dtype == DataType.BINARY_VECTOR:
        if len(value) * 8 != dim:
            raise rest_error(JSON_ONLY, f"dimension: {dim}, but length of []byte: {len(value)}")
        return bytes(int(x) & 0xFF for x in value)
    if len(value) != dim:
        raise rest_error(JSON_ONLY, f"dimension: {dim}, but length of []float: {len(value)}")
    return value


def query_data(field: Any, data: Any) -> list[Any]:
    if not isinstance(data, list) or not data:
        raise rest_error(JSON_ONLY, "data must be a non-empty array of query vectors")
    return [_vector(field, v) for v in data]


def merge_params(raw: Any, where: str = "searchParams") -> dict[str, Any]:
    """§6.7: the op's ``search_params`` from a REST ``searchParams`` object."""
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise rest_error(JSON_ONLY, f"{where} must be an object")
    inner = raw.get("params", {})
    if inner is None:
        inner = {}
    if not isinstance(inner, dict):
        raise server_error(Code.INVALID_PARAMETER, f"{where}.params must be a dict")
    inner = dict(inner)
    for key, value in raw.items():
        if key in ("params", "metricType"):
            continue
        key = "ignore_growing" if key == "ignoreGrowing" else key
        if key in inner and inner[key] != value:
            raise server_error(Code.INVALID_PARAMETER, f"ambiguous parameter: {key}, in search_param: {value}, in "
                                                       f"search_param.params: {inner[key]}")
        inner[key] = value
    merged: dict[str, Any] = {"params": inner}
    for key in ("metric_type", "radius", "range_filter"):
        if key in inner:
            merged[key] = inner[key]
    return merged


def ranker_from_function_score(raw: Any) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise server_error(Code.INVALID_PARAMETER, "functionScore must be an object")
    functions = raw.get("functions") or []
    if len(functions) != 1:
        raise unsupported("a functionScore with other than one function")
    function = rs.function_from_json(functions[0], schema_function=False)
    if function.type != rs.FunctionType.RERANK:
        raise server_error(Code.INVALID_PARAMETER, "functionScore functions must be of type Rerank")
    params = dict(function.params or {})
    strategy = str(params.pop("reranker", "")).lower()
    if strategy == "model":
        raise unsupported("the model reranker (it calls an external inference service)")
    for key, value in list(params.items()):
        if isinstance(value, str):
            try:
                import orjson

                params[key] = orjson.loads(value)
            except Exception:  # plain text stays text
                pass
    return {"strategy": strategy, "params": params, "input_fields": list(function.input_field_names)}


def _group(req: RestRequest) -> dict[str, Any]:
    field = req.str("groupingField")
    if not field:
        return {}
    size = req.int("groupSize", 0)
    out: dict[str, Any] = {"group_by_field": field}
    if size > 0:
        out["group_size"] = size
        out["strict_group_size"] = req.bool("strictGroupSize")
    return out


def hits_payload(req: RestRequest, hits: s.SearchHits, info: CollectionInfo) -> dict[str, Any]:
    int64_str = not req.int64_numbers and int_pk(info)
    counts = [len(q) for q in hits.ids]
    total = sum(counts)
    out: dict[str, Any] = {"data": [], "cost": 0, "outputFields": list(hits.fields)}
    if total == 0:
        return out
    pk = hits.pk_name
    ids = np.concatenate([np.asarray(q) for q in hits.ids]).tolist()
    if int64_str:
        ids = [str(v) for v in ids]
    dist = list(np.concatenate([np.asarray(q) for q in hits.distances]).astype(np.float32))
    if hits.entities is not None:
        table = pa.concat_tables(hits.entities) if len(hits.entities) > 1 else hits.entities[0]
        rows = values.table_to_json_rows(table, info.schema, hits.fields, hits.dynamic_keys,
                                         int64_str=not req.int64_numbers)
        out["data"] = [{pk: i, "distance": x, **row} for i, x, row in zip(ids, dist, rows)]
    else:
        out["data"] = [{pk: i, "distance": x} for i, x in zip(ids, dist)]
    out["topks"] = counts
    return out


SEARCH = {**NAME, "data": "list", "ids": "list", "annsField": "str", "filter": "str", "exprParams": "object",
          "limit": "int", "offset": "int", "outputFields": "list[str]", "searchParams": "object",
          "partitionNames": "list[str]", "groupingField": "str", "groupSize": "int", "strictGroupSize": "bool",
          "consistencyLevel": "str", "functionScore": "object"}


@route("/entities/search", "Vector search (by vectors, texts or primary keys)", SEARCH, ("collectionName",),
       "SearchReqV2")
def _search(req: RestRequest, run: Run) -> dict[str, Any]:
    info = collection_info(req, run)
    field = anns_field(info, req.str("annsField"))
    has_data, has_ids = req.has("data") and req.get("data") is not None, req.has("ids") and req.get("ids") is not None
    if has_data and has_ids:
        raise server_error(Code.INVALID_PARAMETER, "data and ids cannot be both set in a search request")
    if not has_data and not has_ids:
        raise rest_error(MISSING_PARAMS, "Key: 'SearchReqV2.Data' Error:Field validation for 'Data' failed on the "
                                         "'required' tag")
    data = query_data(field, req.get("data", "list")) if has_data else None
    ids = pk_values(req.get("ids", "list"), info) if has_ids else None
    ranker = ranker_from_function_score(req.get("functionScore")) if req.has("functionScore") else {}
    group = _group(req)
    op = s.Search(collection_name=req.collection, db_name=req.db, anns_field=field.name, data=data, ids=ids,
                  filter=req.str("filter"), filter_params=filter_params(req), limit=req.int("limit", DEFAULT_LIMIT),
                  offset=req.int("offset"), output_fields=req.names("outputFields"),
                  partition_names=req.names("partitionNames"), search_params=merge_params(req.get("searchParams")),
                  consistency_level=rs.consistency(req.get("consistencyLevel", "str")), ranker=ranker, **group)
    return hits_payload(req, run(op), info)


@route("/entities/hybrid_search", "Multi-vector search fused by a ranker",
       {**NAME, "search": "list", "rerank": "object", "functionScore": "object", "limit": "int", "offset": "int",
        "outputFields": "list[str]", "partitionNames": "list[str]", "groupingField": "str", "groupSize": "int",
        "strictGroupSize": "bool", "consistencyLevel": "str"}, ("collectionName", "search"), "HybridSearchReq")
def _hybrid(req: RestRequest, run: Run) -> dict[str, Any]:
    info = collection_info(req, run)
    requests = []
    for raw in req.get("search", "list", required=True):
        if not isinstance(raw, dict):
            raise rest_error(JSON_ONLY, "every entry of search must be an object")
        sub = RestRequest(raw, struct="SubSearchReq")
        field = anns_field(info, sub.str("annsField"))
        limit = sub.int("limit", 0)
        if limit <= 0:
            raise server_error(Code.INVALID_PARAMETER, f"limit of a sub-search must be positive, got {limit}")
        requests.append(s.AnnRequest(field.name, query_data(field, sub.get("data", "list", required=True)),
                                     merge_params(sub.get("params"), "search[].params"), limit, sub.str("filter"),
                                     filter_params(sub)))
    if req.has("functionScore"):
        ranker = ranker_from_function_score(req.get("functionScore"))
    else:
        rerank = RestRequest(req.object("rerank"), struct="Rerank")
        strategy = rerank.str("strategy")
        if strategy not in FUSION:
            raise server_error(Code.INVALID_PARAMETER, f"unsupported rank type: {strategy!r}")
        ranker = {"strategy": strategy, "params": rerank.object("params")}
    op = s.HybridSearch(collection_name=req.collection, db_name=req.db, requests=tuple(requests), ranker=ranker,
                        limit=req.int("limit", DEFAULT_LIMIT), offset=req.int("offset"),
                        output_fields=req.names("outputFields"), partition_names=req.names("partitionNames"),
                        consistency_level=rs.consistency(req.get("consistencyLevel", "str")), **_group(req))
    return hits_payload(req, run(op), info)


alias("/entities/advanced_search", "/entities/hybrid_search", "Multi-vector search (alias of hybrid_search)")

# ---- client side -------------------------------------------------------------------------------------------


def vectors_json(data: Any) -> list[Any]:
    """Query data as JSON values: floats/ints as arrays, raw bytes base64, sparse rows as string-keyed objects."""
    import scipy.sparse as sp

    if sp.issparse(data):
        data = [data.getrow(i) for i in range(data.shape[0])]
    elif isinstance(data, np.ndarray):
        data = list(data) if data.ndim == 2 else [data]
    out: list[Any] = []
    for v in data:
        if isinstance(v, (bytes, bytearray, memoryview)):
            out.append(base64.b64encode(bytes(v)).decode())
        elif isinstance(v, np.ndarray):
            out.append(v.astype(np.float64).tolist() if v.dtype.kind == "V" or v.dtype.itemsize == 2
                       and v.dtype != np.int16 else v.tolist())
        elif sp.issparse(v):
            coo = sp.coo_matrix(v)
            out.append({str(k): float(x) for k, x in zip(coo.col.tolist(), coo.data.tolist())})
        elif isinstance(v, dict):
            out.append({str(k): float(x) for k, x in v.items()})
        elif isinstance(v, (list, tuple)) and v and isinstance(v[0], (list, tuple)):
            out.append({str(k): float(x) for k, x in v})
        else:
            out.append(list(v) if isinstance(v, tuple) else v)
    return out


def params_json(params: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in params.items() if k not in ("params", "metric_type", "radius", "range_filter")}
    out["params"] = dict(params.get("params") or {})
    return out


def ranker_json(ranker: dict[str, Any], body: dict[str, Any]) -> None:
    if not ranker:
        return
    strategy = str(ranker.get("strategy", "")).lower()
    if strategy in FUSION:
        body["rerank"] = {"strategy": strategy, "params": dict(ranker.get("params") or {})}
        return
    params = {"reranker": strategy, **{k: rs.text(v) for k, v in (ranker.get("params") or {}).items()}}
    body["functionScore"] = {"functions": [{"name": f"{strategy}_ranker", "type": "Rerank", "params": params,
                                            "inputFieldNames": list(ranker.get("input_fields") or []),
                                            "outputFieldNames": []}]}


def _common(op: Any, body: dict[str, Any]) -> dict[str, Any]:
    body.update(limit=op.limit, outputFields=list(op.output_fields))
    if op.offset:
        body["offset"] = op.offset
    if op.partition_names:
        body["partitionNames"] = list(op.partition_names)
    if op.consistency_level is not None:
        body["consistencyLevel"] = rs.CONSISTENCY[op.consistency_level]
    if op.group_by_field:
        body.update(groupingField=op.group_by_field, groupSize=op.group_size, strictGroupSize=op.strict_group_size)
    return body


def _search_req(op: s.Search) -> tuple[str, dict[str, Any]]:
    body = named(op, annsField=op.anns_field, filter=op.filter, searchParams=params_json(op.search_params))
    if op.ids is not None:
        body["ids"] = list(op.ids)
    else:
        body["data"] = vectors_json(op.data)
    if op.filter_params:
        body["exprParams"] = dict(op.filter_params)
    ranker_json(op.ranker, body)
    return "/entities/search", _common(op, body)


def _hybrid_req(op: s.HybridSearch) -> tuple[str, dict[str, Any]]:
    subs = []
    for r in op.requests:
        sub: dict[str, Any] = {"data": vectors_json(r.data), "annsField": r.anns_field, "limit": r.limit,
                               "filter": r.filter, "params": params_json(r.search_params)}
        if r.filter_params:
            sub["exprParams"] = dict(r.filter_params)
        subs.append(sub)
    body = named(op, search=subs)
    ranker_json(op.ranker or {"strategy": "rrf", "params": {}}, body)
    return "/entities/hybrid_search", _common(op, body)


def hits_result(payload: dict[str, Any], op: Any, info: CollectionInfo) -> s.SearchHits:
    pk = info.schema.primary_field
    pk_name = pk.name if pk is not None else "id"
    rows = payload.get("data") or []
    topks = payload.get("topks") or ([len(rows)] if rows else [])
    fields = tuple(payload.get("outputFields") or ())
    integer = pk is not None and DataType(pk.dtype) == DataType.INT64
    id_values = [r[pk_name] for r in rows]
    all_ids = np.asarray([int(v) for v in id_values], dtype=np.int64) if integer else np.asarray(id_values, object)
    all_dist = np.asarray([r["distance"] for r in rows], dtype=np.float32)
    bounds = np.concatenate([[0], np.cumsum(topks)]).astype(int).tolist()
    nq = len(topks) or _nq(op)
    if not topks:
        bounds = [0] * (nq + 1)
    ids = [all_ids[bounds[q]:bounds[q + 1]] for q in range(nq)]
    dists = [all_dist[bounds[q]:bounds[q + 1]] for q in range(nq)]
    entities = None
    if fields or op.output_fields:
        table, names = values.rows_to_result_table(rows, info.schema, skip=("distance",))
        keep = [n for n in table.column_names if n in fields or n == values.META_FIELD]
        table = table.select(keep) if rows else table
        entities = [table.slice(bounds[q], bounds[q + 1] - bounds[q]) for q in range(nq)]
    return s.SearchHits(pk_name, ids, dists, entities, fields, None)


def _nq(op: Any) -> int:
    if isinstance(op, s.HybridSearch):
        return len(op.requests[0].data) if op.requests else 0
    if op.ids is not None:
        return len(op.ids)
    data = op.data
    return int(data.shape[0]) if hasattr(data, "shape") and len(getattr(data, "shape", ())) == 2 else len(data)


client(s.Search, lambda op, info: _search_req(op), hits_result, needs_schema=True)
client(s.HybridSearch, lambda op, info: _hybrid_req(op), hits_result, needs_schema=True)

__all__ = ["anns_field", "hits_payload", "merge_params", "query_data", "vectors_json"]
