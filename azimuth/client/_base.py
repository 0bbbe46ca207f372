"""What both clients share: connection settings, argument checks (before any I/O), op building and result
shaping. The clients themselves only sequence calls; every rule lives here once."""

from __future__ import annotations

from typing import Any

from azimuth.client._uri import Target, parse_uri
from azimuth.errors import (
    DataTypeNotMatchException,
    MilvusException,
    ParamError,
)
from azimuth.ops.base import DEFAULT_DB, CallContext
from azimuth.ops.results import CollectionInfo, IndexInfo, MutationResult, QueryResult
from azimuth.types import schema as schema_types
from azimuth.types.enums import ConsistencyLevel, LoadState
from azimuth.types.index_params import IndexParams, prepare_index_params
from azimuth.types.results import ExtraList, OmitZeroDict
from azimuth.types.rows import table_to_rows
from azimuth.types.schema import describe_fields, describe_functions

MAX_LIMIT = 16384


def validate_param(name: str, value: Any, expected: type | tuple[type, ...]) -> None:
    if value is None:
        raise ParamError(message=f"missing required argument: [{name}]")
    if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
        expected_name = getattr(expected, "__name__", str(expected))
        raise ParamError(message=f"wrong type of argument [{name}], expected type: [{expected_name}], got type: "
                                 f"[{type(value).__name__}]")


def as_name_list(value: Any, name: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise ParamError(message=f"wrong type of argument [{name}], expected a string or a list of strings")


def as_rows(data: Any) -> list[dict]:
    if isinstance(data, dict):
        return [data]
    if not isinstance(data, list):
        raise TypeError(f"wrong type of argument 'data',expected 'Dict' or list of 'Dict', got "
                        f"'{type(data).__name__}'")
    return data


def as_ids(ids: Any, kwargs: dict[str, Any]) -> tuple[Any, ...] | None:
    pks = kwargs.get("pks")
    if ids is None and pks is None:
        return None
    out: list[Any] = []
    for value in (ids, pks):
        if value is None:
            continue
        if isinstance(value, (int, str)) and not isinstance(value, bool):
            out.append(value)
        elif isinstance(value, (list, tuple)):
            for item in value:
                if isinstance(item, bool) or not isinstance(item, (int, str)):
                    raise TypeError(f"Unsupported type for primary key: {type(item).__name__}; ids must be int or str")
                out.append(item)
        else:
            raise TypeError(f"wrong type of argument ids: {type(value).__name__}; expected int, str or a list")
    return tuple(out)


def consistency(kwargs: dict[str, Any]) -> int | None:
    level = kwargs.get("consistency_level")
    return None if level is None else int(ConsistencyLevel.parse(level))


class ClientCore:
    """Connection settings and per-client state shared by the sync and async clients."""

    def __init__(self, uri: str, user: str, password: str, db_name: str, token: str, timeout: float | None,
                 kwargs: dict[str, Any]) -> None:
        self._target: Target = parse_uri(uri)
        self._uri = uri
        self._token = token or (f"{user}:{password}" if user and password else "")
        self._user = user
        self._db_name = db_name or self._target.db_name or DEFAULT_DB
        self._timeout = timeout
        self._options = kwargs
        self._schemas: dict[tuple[str, str], CollectionInfo] = {}
        self.is_self_hosted = True

    # ---- contexts & schema cache -------------------------------------------------------------------------
    def context(self, timeout: float | None, kwargs: dict[str, Any]) -> CallContext:
        db_name = kwargs.get("db_name") or self._db_name
        return CallContext.with_timeout(db_name, timeout if timeout is not None else self._timeout, self._user)

    def db(self, kwargs: dict[str, Any]) -> str:
        return kwargs.get("db_name") or self._db_name

    def cached_schema(self, db_name: str, name: str) -> CollectionInfo | None:
        return self._schemas.get((db_name, name))

    def remember_schema(self, db_name: str, name: str, info: CollectionInfo) -> None:
        self._schemas[(db_name, name)] = info

    def forget_schemas(self, db_name: str | None = None) -> None:
        if db_name is None:
            self._schemas.clear()
        else:
            for key in [k for k in self._schemas if k[0] == db_name]:
                del self._schemas[key]

    def server_type(self) -> str:
        server = "zilliz" if "zilliz" in self._target.address else "milvus"
        self.is_self_hosted = server == "milvus"
        return server


# ---- schema helpers exposed as client classmethods ---------------------------------------------------------
def create_schema(**kwargs: Any) -> schema_types.CollectionSchema:
    return schema_types.create_schema(**kwargs)


def create_field_schema(name: str, data_type: Any, desc: str = "", **kwargs: Any) -> schema_types.FieldSchema:
    return schema_types.create_field_schema(name, data_type, desc, **kwargs)


def create_struct_field_schema(**kwargs: Any) -> schema_types.StructFieldSchema:
    return schema_types.create_struct_field_schema(**kwargs)


def new_index_params(field_name: str = "", **kwargs: Any) -> IndexParams:
    return prepare_index_params(field_name, **kwargs)


# ---- result shaping ----------------------------------------------------------------------------------------
def describe_collection_dict(info: CollectionInfo) -> dict[str, Any]:
    schema = info.schema
    pk = schema.primary_field
    out: dict[str, Any] = {
        "collection_name": info.name,
        "auto_id": bool(pk.auto_id) if pk is not None else False,
        "num_shards": info.num_shards,
        "description": schema.description,
        "fields": describe_fields(schema),
        "functions": describe_functions(schema),
        "aliases": list(info.aliases),
        "collection_id": info.collection_id,
        "consistency_level": info.consistency_level,
        "consistency_level_name": ConsistencyLevel(info.consistency_level).name,
        "properties": dict(info.properties),
        "num_partitions": info.num_partitions,
        "enable_dynamic_field": bool(schema.enable_dynamic_field),
        "enable_namespace": bool(getattr(schema, "enable_namespace", False)),
        "schema_version": info.schema_version,
    }
    if info.created_ts:
        out["created_timestamp"] = info.created_ts
    if info.updated_ts:
        out["update_timestamp"] = info.updated_ts
    return out


def insert_result(result: MutationResult) -> OmitZeroDict:
    return OmitZeroDict({"insert_count": result.insert_count, "ids": list(result.ids), "cost": 0})


def upsert_result(result: MutationResult) -> OmitZeroDict:
    return OmitZeroDict({"upsert_count": result.upsert_count, "cost": 0, "ids": list(result.ids)})


def delete_result(result: MutationResult) -> OmitZeroDict:
    return OmitZeroDict({"delete_count": result.delete_count, "cost": 0})


def query_rows(result: QueryResult, info: CollectionInfo) -> ExtraList:
    if result.count is not None:
        return ExtraList([{"count(*)": result.count}], extra={})
    rows = table_to_rows(result.table, info.schema, list(result.fields),
                         None if result.dynamic_keys is None else list(result.dynamic_keys))
    return ExtraList(rows, extra={})


def index_dict(info: IndexInfo) -> dict[str, Any]:
    out = dict(info.params)
    out.update({
        "field_name": info.field_name,
        "index_name": info.index_name,
        "total_rows": info.total_rows,
        "indexed_rows": info.indexed_rows,
        "pending_index_rows": info.pending_index_rows,
        "state": info.state,
    })
    return out


def load_state_dict(state: int, progress: int = 100) -> dict[str, Any]:
    out: dict[str, Any] = {"state": LoadState(state)}
    if state == LoadState.Loading:
        out["progress"] = progress
    return out


# ---- argument checks ---------------------------------------------------------------------------------------
def check_query_args(filter: Any, ids: Any, limit: Any, offset: Any) -> None:
    if not isinstance(filter, str):
        raise DataTypeNotMatchException(message=f"The type of expr must be string ,but {type(filter)} is given.")
    if filter and ids is not None:
        raise ParamError(message="Ambiguous filter parameter, only one of filter and ids can be specified.")
    for name, value in (("limit", limit), ("offset", offset)):
        if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
            raise ParamError(message=f"`{name}` value {value} is illegal")


def closed_error() -> MilvusException:
    return MilvusException(message="should create connection first.")


def describe_error(exc: MilvusException) -> MilvusException:
    from azimuth.errors import DescribeCollectionException

    return DescribeCollectionException(exc.code, exc.message, is_input_error=True)


def alias_list_dict(result: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"aliases": list(result.aliases)}
    if result.collection_name:
        out["collection_name"] = result.collection_name
    if result.db_name:
        out["db_name"] = result.db_name
    return out


# ---- search --------------------------------------------------------------------------------------------------
_RESERVED_SEARCH_KEYS = ("metric_type", "params", "offset")


def is_sparse_matrix(value: Any) -> bool:
    """A scipy sparse matrix/array, recognised without importing scipy (slow to import, needed only then)."""
    return type(value).__module__.startswith("scipy.sparse")


def is_search_data(data: Any) -> bool:
    import numpy as np

    if is_sparse_matrix(data):
        return True
    if not isinstance(data, (list, np.ndarray)):
        return False
    return all(isinstance(v, (list, tuple, bytes, np.ndarray, str, dict)) or is_sparse_matrix(v) for v in data)


def check_search_input(data: Any, ids: Any, limit: Any) -> tuple[Any, tuple | None]:
    if ids is not None and data is not None:
        raise ParamError(message="Either ids or data must be provided, not both")
    if ids is None and data is None:
        raise ParamError(message="Either ids or data must be provided")
    if data is not None and not is_search_data(data):
        raise ParamError(message=f"`search_data` value {data} is illegal")
    if not isinstance(limit, int) or isinstance(limit, bool) or limit <= 0:
        raise ParamError(message=f"`limit` value {limit} is illegal")
    return data, (as_ids(ids, {}) if ids is not None else None)


def merged_search_params(search_params: Any, kwargs: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """pymilvus's search-params rules: top-level keys merge into ``params`` (a key in both with different values
    is ambiguous), ``offset`` comes from kwargs or the params (not both)."""
    params = dict(search_params or {})
    inner = params.get("params", {}) or {}
    if not isinstance(inner, dict):
        raise ParamError(message=f"Search params must be a dict, got {type(inner)}")
    inner = dict(inner)
    for key, value in params.items():
        if key in ("params", "offset"):
            continue
        if key in inner and inner[key] != value:
            raise ParamError(message=f"ambiguous parameter: {key} is set both in search_params ({value}) and in "
                                     f"search_params['params'] ({inner[key]})")
        inner[key] = value
    if "offset" in kwargs and "offset" in params:
        raise ParamError(message="Provide offset both in kwargs and param, expect just one")
    offset = kwargs.get("offset") if kwargs.get("offset") is not None else params.get("offset", 0)
    if offset is None:
        offset = 0
    if not isinstance(offset, int) or isinstance(offset, bool):
        raise ParamError(message=f"wrong type for offset, expect int, got {type(offset)}")
    merged = {"params": inner}
    if "metric_type" in inner:
        merged["metric_type"] = inner["metric_type"]
    for key in ("radius", "range_filter"):
        if key in inner:
            merged[key] = inner[key]
    return merged, offset


def knows_fields(info: CollectionInfo, names: Any) -> bool:
    """Whether the cached schema has every real field a result returned (else it is stale: refresh it)."""
    known = {f.name for f in info.schema.fields}
    return all(name in known for name in names if name not in ("$meta", "count(*)"))


def search_result(hits: Any, info: CollectionInfo, round_decimal: int = -1) -> Any:
    """pymilvus-shaped hits; ``round_decimal`` re-rounds distances that crossed a float32 wire."""
    from azimuth.types.results import SearchResult

    if round_decimal is not None and round_decimal >= 0:
        import numpy as np

        hits.distances[:] = [np.round(np.asarray(d, np.float64), round_decimal) for d in hits.distances]
    entities = None
    if hits.entities is not None:
        fields = list(hits.fields)
        keys = None if hits.dynamic_keys is None else list(hits.dynamic_keys)
        entities = [table_to_rows(t, info.schema, fields, keys, wrap_byte_vectors=False) for t in hits.entities]
    return SearchResult.from_columns(hits.pk_name, hits.ids, hits.distances, entities, extra={})


def unsupported_argument(name: str) -> MilvusException:
    return MilvusException(3000, f"{name} is not supported by Azimuth yet")


def ranker_spec(ranker: Any, *, hybrid: bool) -> dict[str, Any]:
    """A ranker object (RRFRanker, WeightedRanker, Function(RERANK), FunctionScore) as the op's ranker dict."""
    if ranker is None:
        return {}
    from azimuth.types.enums import FunctionType
    from azimuth.types.function import Function, FunctionScore
    from azimuth.types.rankers import BaseRanker

    if isinstance(ranker, BaseRanker):
        if not hybrid:
            raise ParamError(message="RRFRanker and WeightedRanker are for hybrid_search; search takes a "
                                     "Function(RERANK) or FunctionScore ranker")
        return ranker.dict()
    if isinstance(ranker, FunctionScore):
        if len(ranker.functions) != 1:
            raise unsupported_argument("a FunctionScore with several functions")
        ranker = ranker.functions[0]
    if isinstance(ranker, Function):
        if ranker.type != FunctionType.RERANK:
            raise ParamError(message=f"ranker function must be of type RERANK, got {ranker.type.name}")
        params = dict(ranker.params or {})
        strategy = str(params.pop("reranker", "")).lower()
        if strategy == "model":
            raise unsupported_argument("the model reranker (it calls an external inference service)")
        if strategy == "boost" and hybrid:
            raise ParamError(message="a boost ranker cannot be the top-level ranker of hybrid_search")
        return {"strategy": strategy, "params": params, "input_fields": list(ranker.input_field_names)}
    raise ParamError(message=f"The type of ranker must be a Function(RERANK), FunctionScore, RRFRanker or "
                             f"WeightedRanker, got {type(ranker).__name__}")


_SIZE_UNITS = {"b": 1, "kb": 1 << 10, "mb": 1 << 20, "gb": 1 << 30, "tb": 1 << 40, "pb": 1 << 50}


def target_size_mb(target_size: Any, unit: str) -> int:
    """``compact``'s target size in MB (0 = engine default)."""
    if target_size is None:
        return 0
    if not isinstance(target_size, int) or isinstance(target_size, bool):
        raise ParamError(message=f"target_size must be an int, got {type(target_size).__name__}")
    if target_size <= 0:
        raise ParamError(message=f"target_size must be a positive integer, got {target_size}")
    factor = _SIZE_UNITS.get(str(unit).lower())
    if factor is None:
        raise ParamError(message=f"invalid target_size_unit {unit!r}; use one of {', '.join(_SIZE_UNITS)}")
    return max(1, target_size * factor >> 20)
