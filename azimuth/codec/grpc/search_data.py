"""Search inputs on the Milvus wire: query vectors ⇄ ``PlaceholderGroup``, search settings ⇄ ``search_params``
KeyValuePairs, rankers ⇄ ``rank_params`` / ``FunctionScore``.

A ``PlaceholderGroup`` holds one ``PlaceholderValue`` (tag ``$0``) whose ``values`` are one byte string per
query: little-endian float32 / float16 / bfloat16 / int8 elements for dense vectors, packed bits for binary
vectors, ``(uint32 index, float32 value)`` pairs for sparse vectors, UTF-8 for text. The encoder picks the
placeholder type from the anns field's data type when the schema is known (float lists searched against a
FLOAT16 field travel as float16, as the embedded engine would convert them), else from the data itself.
Decoding yields what the service's query-vector check accepts: a 2-D numpy array, a list of ``bytes``, a CSR
matrix or a list of strings; ragged dense rows stay a list so the service reports them.

Search settings travel as pymilvus sends them: ``topk``, ``offset``, ``round_decimal``, ``metric_type``,
``anns_field``, ``group_by_field``/``group_size``/``strict_group_size``, ``iterator`` and ``params`` (JSON of
all index and range parameters). Values are strings (``str(value)``; booleans as ``True``/``False``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import orjson
import scipy.sparse as sp

from azimuth.codec.grpc.proto import common_pb2, schema_pb2
from azimuth.errors import Code, server_error
from azimuth.types.enums import DataType

PT = common_pb2.PlaceholderType
_DENSE_TYPES = {
    DataType.FLOAT_VECTOR: (PT.FloatVector, "<f4"),
    DataType.FLOAT16_VECTOR: (PT.Float16Vector, "<f2"),
    DataType.BFLOAT16_VECTOR: (PT.BFloat16Vector, "bfloat16"),
    DataType.INT8_VECTOR: (PT.Int8Vector, "i1"),
}
_SPARSE_LIMIT = (1 << 32) - 1
_PAIR = np.dtype([("index", "<u4"), ("value", "<f4")])
RERANK_FUNCTION = int(schema_pb2.FunctionType.Value("Rerank"))


def bad(message: str) -> Exception:
    return server_error(Code.INVALID_PARAMETER, message)


# ---- query vectors -----------------------------------------------------------------------------------------


def _numpy_dtype(name: str) -> Any:
    if name == "bfloat16":
        import ml_dtypes

        return ml_dtypes.bfloat16
    return np.dtype(name)


def _rows_bytes(matrix: np.ndarray) -> list[bytes]:
    raw = np.ascontiguousarray(matrix).tobytes()
    width = len(raw) // matrix.shape[0] if matrix.shape[0] else 0
    return [raw[i * width:(i + 1) * width] for i in range(matrix.shape[0])]


def _dense_values(data: Any, dtype: DataType) -> tuple[int, list[bytes]]:
    kind, name = _DENSE_TYPES[dtype]
    target = _numpy_dtype(name)
    try:
        array = data if isinstance(data, np.ndarray) else np.asarray(data)
        if array.dtype == object or array.dtype.kind in "USb" or array.ndim != 2:
            raise ValueError("ragged")
        return kind, _rows_bytes(array.astype(target))
    except (ValueError, TypeError):
        pass
    rows = []
    for row in data:  # ragged rows: send each as it is, the server reports the dimension mismatch
        try:
            array = np.asarray(row)
            if array.dtype == object or array.dtype.kind in "USb":
                raise ValueError("not numeric")
            rows.append(array.astype(target).tobytes())
        except (ValueError, TypeError):
            raise bad(f"search data must be numeric vectors for a {dtype.name} field") from None
    return kind, rows


def _sparse_rows(data: Any) -> list[bytes]:
    if sp.issparse(data):
        matrix = sp.csr_matrix(data, dtype=np.float32)
        matrix.sort_indices()
        pairs = np.empty(matrix.nnz, dtype=_PAIR)
        pairs["index"] = matrix.indices
        pairs["value"] = matrix.data
        raw = pairs.tobytes()
        bounds = (matrix.indptr * 8).tolist()
        return [raw[bounds[i]:bounds[i + 1]] for i in range(matrix.shape[0])]
    rows = []
    for row in data:
        if sp.issparse(row):
            coo = sp.coo_matrix(row)
            indices, values = coo.col.astype(np.int64), coo.data
        elif isinstance(row, dict):
            indices, values = list(row.keys()), list(row.values())
        elif isinstance(row, (list, tuple)):
            indices, values = [p[0] for p in row], [p[1] for p in row]
        else:
            raise bad("sparse query vectors must be dicts {index: value}, lists of (index, value) pairs or scipy "
                      "sparse rows")
        try:
            index_array = np.asarray(indices, dtype=np.int64)
            value_array = np.asarray(values, dtype=np.float32)
        except (ValueError, TypeError):
            raise bad("sparse vector indices must be integers and values numbers") from None
        out_of_range = index_array[(index_array < 0) | (index_array >= _SPARSE_LIMIT)]
        if len(out_of_range):
            raise bad(f"sparse vector index {int(out_of_range[0])} out of range")
        order = np.argsort(index_array, kind="stable")
        pairs = np.empty(len(order), dtype=_PAIR)
        pairs["index"] = index_array[order]
        pairs["value"] = value_array[order]
        rows.append(pairs.tobytes())
    return rows


def _is_sparse_input(data: Any) -> bool:
    if sp.issparse(data):
        return True
    first = data[0] if len(data) else None
    return isinstance(first, dict) or sp.issparse(first)


def placeholder_group(data: Any, dtype: DataType | None) -> tuple[bytes, int]:
    """``(serialized PlaceholderGroup, nq)`` for the query data of a field of type ``dtype`` (None: unknown)."""
    if data is None or (not sp.issparse(data) and len(data) == 0):
        raise bad("search data is empty: pass at least one query vector")
    if not sp.issparse(data) and isinstance(data[0], str):  # text of a full-text (BM25) search
        kind, values = PT.VarChar, [v.encode() if isinstance(v, str) else bytes(v) for v in data]
    elif dtype == DataType.SPARSE_FLOAT_VECTOR or _is_sparse_input(data):
        kind, values = PT.SparseFloatVector, _sparse_rows(data)
    elif isinstance(data[0], (bytes, bytearray, memoryview)):
        kind = _DENSE_TYPES[dtype][0] if dtype in _DENSE_TYPES else PT.BinaryVector
        values = [bytes(v) for v in data]
    elif dtype == DataType.BINARY_VECTOR:
        kind = PT.BinaryVector
        try:
            values = [np.asarray(v, np.uint8).tobytes() for v in data]
        except (ValueError, TypeError):
            raise bad("binary query vectors must be bytes or lists of uint8") from None
    else:
        numpy_kind = getattr(getattr(data, "dtype", None) or getattr(data[0], "dtype", None), "name", "")
        if dtype not in _DENSE_TYPES:
            dtype = {"float16": DataType.FLOAT16_VECTOR, "bfloat16": DataType.BFLOAT16_VECTOR,
                     "int8": DataType.INT8_VECTOR}.get(numpy_kind, DataType.FLOAT_VECTOR)
        kind, values = _dense_values(data, dtype)
    value = common_pb2.PlaceholderValue(tag="$0", type=kind, values=values)
    return common_pb2.PlaceholderGroup(placeholders=[value]).SerializeToString(), len(values)


def _stack(values: list[bytes], dtype: Any) -> Any:
    width = np.dtype(dtype).itemsize
    sizes = {len(v) for v in values}
    if any(size % width for size in sizes):
        raise bad(f"query vector byte length is not a multiple of the element size {width}")
    if len(sizes) != 1:
        return [np.frombuffer(v, dtype=dtype) for v in values]
    return np.frombuffer(b"".join(values), dtype=dtype).reshape(len(values), sizes.pop() // width)


def _sparse_matrix(values: list[bytes]) -> sp.csr_matrix:
    sizes = np.fromiter((len(v) for v in values), dtype=np.int64, count=len(values))
    if (sizes % 8).any():
        raise bad("a sparse query vector is not a sequence of (uint32 index, float32 value) pairs")
    pairs = np.frombuffer(b"".join(values), dtype=_PAIR)
    indptr = np.zeros(len(values) + 1, dtype=np.int64)
    np.cumsum(sizes // 8, out=indptr[1:])
    indices = pairs["index"].astype(np.int64)
    width = int(indices.max()) + 1 if len(indices) else 1
    return sp.csr_matrix((pairs["value"].copy(), indices, indptr), shape=(len(values), width))


def query_data(raw: bytes) -> Any:
    """The query data of a serialized ``PlaceholderGroup`` (None when it is empty)."""
    if not raw:
        return None
    try:
        group = common_pb2.PlaceholderGroup.FromString(raw)
    except Exception:  # protobuf DecodeError
        raise bad("malformed placeholder group") from None
    if len(group.placeholders) != 1:
        raise bad(f"a search takes one placeholder, got {len(group.placeholders)}")
    holder = group.placeholders[0]
    values = list(holder.values)
    if not values:
        return None
    kind = holder.type
    if kind == PT.FloatVector:
        return _stack(values, np.float32)
    if kind == PT.Float16Vector:
        return _stack(values, np.float16)
    if kind == PT.BFloat16Vector:
        return _stack(values, _numpy_dtype("bfloat16"))
    if kind == PT.Int8Vector:
        return _stack(values, np.int8)
    if kind == PT.BinaryVector:
        return values
    if kind == PT.SparseFloatVector:
        return _sparse_matrix(values)
    if kind == PT.VarChar:
        return [v.decode("utf-8", "replace") for v in values]
    raise bad(f"placeholder type {PT.Name(kind)} is not supported by Azimuth")


# ---- search settings ---------------------------------------------------------------------------------------


def text(value: Any) -> str:
    """A KeyValuePair value as pymilvus writes it (JSON for dicts and lists, ``str`` otherwise)."""
    if isinstance(value, (dict, list, tuple)):
        return orjson.dumps(value, option=orjson.OPT_SERIALIZE_NUMPY).decode()
    return str(value)


def kv_pairs(values: dict[str, Any]) -> list[Any]:
    return [common_pb2.KeyValuePair(key=str(k), value=text(v)) for k, v in values.items()]


def kv_dict(pairs: Any) -> dict[str, str]:
    return {kv.key: kv.value for kv in pairs}


def parse_value(value: str) -> Any:
    """A KeyValuePair value back as a Python value: JSON when it parses, ``True``/``False``, else the text."""
    if value in ("True", "False"):
        return value == "True"
    try:
        return orjson.loads(value)
    except orjson.JSONDecodeError:
        return value


def int_setting(settings: dict[str, str], key: str, default: int) -> int:
    if key not in settings:
        return default
    try:
        return int(settings[key])
    except ValueError:
        raise bad(f"{key} [{settings[key]}] is invalid, it should be an integer") from None


def bool_setting(settings: dict[str, str], key: str) -> bool:
    return settings.get(key, "").strip().lower() == "true"


def search_settings(op: Any, *, limit: int, offset: int, extra: dict[str, Any] | None = None) -> list[Any]:
    """``search_params`` KeyValuePairs of a Search op (or one hybrid route)."""
    merged = dict(op.search_params or {})
    inner = dict(merged.get("params") or {})
    for key in ("metric_type", "radius", "range_filter"):
        if key in merged and key not in inner:
            inner[key] = merged[key]
    values: dict[str, Any] = {"topk": limit, "round_decimal": getattr(op, "round_decimal", -1),
                              "ignore_growing": False}
    if offset:
        values["offset"] = offset
    if inner.get("metric_type"):
        values["metric_type"] = inner["metric_type"]
    if op.anns_field:
        values["anns_field"] = op.anns_field
    values.update(extra or {})
    values["params"] = inner
    return kv_pairs(values)


def search_params_of(settings: dict[str, str]) -> dict[str, Any]:
    """The op's merged ``search_params`` dict from the wire settings (the shape the client builds)."""
    raw = settings.get("params", "") or "{}"
    try:
        inner = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise bad(f"search params are not valid JSON: {raw[:200]}") from None
    if not isinstance(inner, dict):
        raise bad("search params must be a JSON object")
    inner.pop("offset", None)
    if settings.get("metric_type") and "metric_type" not in inner:
        inner["metric_type"] = settings["metric_type"]
    merged: dict[str, Any] = {"params": inner}
    for key in ("metric_type", "radius", "range_filter"):
        if key in inner:
            merged[key] = inner[key]
    return merged


# ---- rankers -----------------------------------------------------------------------------------------------

_TEXT_PARAMS = ("reranker", "function", "filter")


def function_score(ranker: dict[str, Any]) -> Any:
    """A function ranker (``{"strategy", "params", "input_fields"}``) as a one-function ``FunctionScore``."""
    params = {"reranker": ranker.get("strategy", ""), **dict(ranker.get("params") or {})}
    function = schema_pb2.FunctionSchema(name=str(ranker.get("name") or "rerank"), type=RERANK_FUNCTION,
                                         input_field_names=list(ranker.get("input_fields") or []),
                                         params=kv_pairs(params))
    return schema_pb2.FunctionScore(functions=[function])


def ranker_of_function_score(score: Any) -> dict[str, Any]:
    """The op ranker dict of a ``FunctionScore`` (empty when it has no function)."""
    if not len(score.functions):
        return {}
    if len(score.functions) > 1:
        raise server_error(Code.UNSUPPORTED, "a FunctionScore with several functions is not supported by "
                                             "Azimuth yet")
    function = score.functions[0]
    if function.type != RERANK_FUNCTION:
        raise bad(f"ranker function must be of type Rerank, got {function.type}")
    params = {kv.key: kv.value if kv.key in _TEXT_PARAMS else parse_value(kv.value) for kv in function.params}
    strategy = str(params.pop("reranker", "")).lower()
    return {"strategy": strategy, "params": params, "input_fields": list(function.input_field_names)}


def rank_settings(ranker: dict[str, Any]) -> dict[str, Any]:
    """``rank_params`` entries of a fusion ranker (RRF / weighted)."""
    if not ranker or "input_fields" in ranker:
        return {}
    return {"strategy": ranker.get("strategy", "rrf"), "params": dict(ranker.get("params") or {})}


def ranker_of_rank_settings(settings: dict[str, str]) -> dict[str, Any]:
    if "strategy" not in settings:
        return {}
    params = parse_value(settings.get("params", "{}") or "{}")
    if not isinstance(params, dict):
        raise bad("rank params must be a JSON object")
    return {"strategy": settings["strategy"], "params": params}


__all__ = ["bool_setting", "function_score", "int_setting", "kv_dict", "kv_pairs", "parse_value",
           "placeholder_group", "query_data", "rank_settings", "ranker_of_function_score",
           "ranker_of_rank_settings", "search_params_of", "search_settings", "text"]
