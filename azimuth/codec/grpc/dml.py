"""RPC table entries for Insert, Upsert, Delete and Query, plus the expression helpers they need.

Milvus addresses rows by expression only: deleting or reading by primary keys is sent as ``pk in [...]`` and a
key cursor (``pk_after``) as ``pk > x and (filter)``; both need the collection schema (``needs_schema``).
Query options travel as ``query_params`` KeyValuePairs (``limit``, ``offset``, ``iterator``,
``order_by_fields``); an iterator's snapshot is ``guarantee_timestamp`` with ``iterator=True`` and comes back as
``session_ts``. Filter parameters travel as ``expr_template_values``. The schema version and collection id a
client converted rows with travel in ``base.properties`` (``schema_version``, ``collection_id``; other servers
ignore them).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import orjson

from azimuth.codec.grpc import packing
from azimuth.codec.grpc.columns import count_column, decode_table, encode_table
from azimuth.codec.grpc.proto import common_pb2, schema_pb2
from azimuth.codec.grpc.proto import milvus_pb2 as mpb
from azimuth.codec.grpc.schema import column_types
from azimuth.codec.grpc.table import Hint, register
from azimuth.errors import Code, server_error
from azimuth.ops import data as ops
from azimuth.ops.results import MutationResult, QueryResult
from azimuth.types.arrow import META_FIELD

SCHEMA_VERSION_KEY = "schema_version"
COLLECTION_ID_KEY = "collection_id"


# ---- expressions -------------------------------------------------------------------------------------------


def _literal(value: Any) -> str:
    if isinstance(value, str):
        return orjson.dumps(value).decode()
    return str(int(value))


def pk_name(schema: Hint) -> str:
    if schema is None or schema.primary_field is None:
        raise server_error(Code.INVALID_PARAMETER, "the collection schema is needed to address rows by key")
    return schema.primary_field.name


def ids_expr(schema: Hint, ids: tuple[Any, ...]) -> str:
    return f"{pk_name(schema)} in [{','.join(_literal(v) for v in ids)}]"


def _template(value: Any) -> Any:
    if isinstance(value, bool):
        return schema_pb2.TemplateValue(bool_val=value)
    if isinstance(value, (int, np.integer)):
        return schema_pb2.TemplateValue(int64_val=int(value))
    if isinstance(value, (float, np.floating)):
        return schema_pb2.TemplateValue(float_val=float(value))
    if isinstance(value, str):
        return schema_pb2.TemplateValue(string_val=value)
    if isinstance(value, (list, tuple, np.ndarray)):
        return schema_pb2.TemplateValue(array_val=_template_array(list(value)))
    raise server_error(Code.INVALID_PARAMETER, f"unsupported filter parameter value {value!r}")


def _template_array(values: list[Any]) -> Any:
    out = schema_pb2.TemplateArrayValue()
    if not values:
        return out
    kinds = {type(v) for v in values}
    if kinds <= {bool}:
        out.bool_data.data.extend(values)
    elif all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in values):
        out.long_data.data.extend(int(v) for v in values)
    elif all(isinstance(v, (int, float, np.number)) and not isinstance(v, bool) for v in values):
        out.double_data.data.extend(float(v) for v in values)
    elif kinds <= {str}:
        out.string_data.data.extend(values)
    elif all(isinstance(v, (list, tuple)) for v in values):
        out.array_data.data.extend(_template_array(list(v)) for v in values)
    else:
        out.json_data.data.extend(orjson.dumps(v) for v in values)
    return out


def _from_template(value: Any) -> Any:
    kind = value.WhichOneof("val")
    if kind == "array_val":
        return _from_template_array(value.array_val)
    return getattr(value, kind) if kind else None


def _from_template_array(array: Any) -> list[Any]:
    kind = array.WhichOneof("data")
    if kind is None:
        return []
    if kind == "array_data":
        return [_from_template_array(a) for a in array.array_data.data]
    if kind == "json_data":
        return [orjson.loads(v) for v in array.json_data.data]
    return list(getattr(array, kind).data)


def encode_params(params: dict[str, Any]) -> dict[str, Any]:
    return {str(k): _template(v) for k, v in params.items()}


def decode_params(values: Any) -> dict[str, Any]:
    return {k: _from_template(v) for k, v in values.items()}


# ---- mutations ---------------------------------------------------------------------------------------------


def _base(version: int, collection_id: int = 0) -> Any:
    base = common_pb2.MsgBase()
    if version >= 0:
        base.properties[SCHEMA_VERSION_KEY] = str(version)
    if collection_id:
        base.properties[COLLECTION_ID_KEY] = str(collection_id)
    return base


def _version(request: Any, key: str = "schema_version", default: int = -1) -> int:
    try:
        return int(request.base.properties.get(key, default))
    except ValueError:
        return default


def _write_req(op: ops.Insert | ops.Upsert, hint: Hint) -> Any:
    table = op.data
    if table is None:
        raise server_error(Code.INVALID_PARAMETER, "no data to write")
    fields = encode_table(table, column_types(hint), compact=True)
    common = dict(base=_base(op.schema_version, op.collection_id), db_name=op.db_name, collection_name=op.collection_name,
                  partition_name=op.partition_name, fields_data=fields, num_rows=table.num_rows)
    if isinstance(op, ops.Upsert):
        return mpb.UpsertRequest(partial_update=op.partial_update, **common)
    return mpb.InsertRequest(**common)


def _write_op(request: Any, op_type: type) -> Any:
    table = decode_table(request.fields_data, request.num_rows)
    extra = {"partial_update": request.partial_update} if op_type is ops.Upsert else {}
    return op_type(collection_name=request.collection_name, db_name=request.db_name,
                   partition_name=request.partition_name, data=table, schema_version=_version(request),
                   collection_id=_version(request, COLLECTION_ID_KEY, 0), **extra)


def _ids_message(ids: list[Any]) -> Any:
    if ids and all(isinstance(v, str) for v in ids):
        return schema_pb2.IDs(str_id=schema_pb2.StringArray(data=ids))
    return schema_pb2.IDs(int_id=packing.varint_message(schema_pb2.LongArray, np.asarray(ids, dtype=np.int64)))


def _mutation_resp(result: MutationResult, hint: Hint) -> Any:
    return mpb.MutationResult(status=common_pb2.Status(), IDs=_ids_message(list(result.ids)),
                              insert_cnt=result.insert_count, delete_cnt=result.delete_count,
                              upsert_cnt=result.upsert_count, timestamp=result.timestamp)


def _mutation_result(resp: Any) -> MutationResult:
    which = resp.IDs.WhichOneof("id_field")
    if which == "str_id":
        ids: list[Any] = list(resp.IDs.str_id.data)
    elif which == "int_id":
        ids = packing.values(resp.IDs.int_id, np.int64).tolist()
    else:
        ids = []
    return MutationResult(insert_count=int(resp.insert_cnt), delete_count=int(resp.delete_cnt),
                          upsert_count=int(resp.upsert_cnt), ids=ids, timestamp=int(resp.timestamp))


def _delete_req(op: ops.Delete, hint: Hint) -> Any:
    expr = op.filter if op.ids is None else ids_expr(hint, op.ids)
    return mpb.DeleteRequest(db_name=op.db_name, collection_name=op.collection_name,
                             partition_name=op.partition_name, expr=expr,
                             expr_template_values=encode_params(op.filter_params))


def _delete_op(request: Any) -> ops.Delete:
    return ops.Delete(collection_name=request.collection_name, db_name=request.db_name,
                      partition_name=request.partition_name, filter=request.expr,
                      filter_params=decode_params(request.expr_template_values))


register("Insert", ops.Insert, _write_req, lambda r: _write_op(r, ops.Insert), _mutation_resp, _mutation_result,
         needs_schema=lambda op: True)
register("Upsert", ops.Upsert, _write_req, lambda r: _write_op(r, ops.Upsert), _mutation_resp, _mutation_result,
         needs_schema=lambda op: True)
register("Delete", ops.Delete, _delete_req, _delete_op, _mutation_resp, _mutation_result,
         needs_schema=lambda op: op.ids is not None)


# ---- query -------------------------------------------------------------------------------------------------


def _query_req(op: ops.Query, hint: Hint) -> Any:
    expr = op.filter if op.ids is None else ids_expr(hint, op.ids)
    params: dict[str, str] = {}
    ts = 0
    if op.pk_after is not None:
        cursor = f"{pk_name(hint)} > {_literal(op.pk_after)}"
        expr = f"{cursor} and ({expr})" if expr else cursor
        params["iterator"] = "True"
        params["reduce_stop_for_best"] = "False"
        ts = op.snapshot_ts
    elif op.snapshot_ts or op.iterator:
        params["iterator"] = "True"
        ts = op.snapshot_ts
    if op.limit >= 0:
        params["limit"] = str(op.limit)
    if op.offset:
        params["offset"] = str(op.offset)
    if op.order_by:
        params["order_by_fields"] = ",".join(f"{name}:{'asc' if asc else 'desc'}" for name, asc in op.order_by)
    request = mpb.QueryRequest(
        db_name=op.db_name, collection_name=op.collection_name, expr=expr, output_fields=list(op.output_fields),
        partition_names=list(op.partition_names), guarantee_timestamp=ts,
        query_params=[common_pb2.KeyValuePair(key=k, value=v) for k, v in params.items()],
        expr_template_values=encode_params(op.filter_params),
        use_default_consistency=op.consistency_level is None, consistency_level=op.consistency_level or 0)
    return request


def _int_param(params: dict[str, str], key: str, default: int) -> int:
    if key not in params:
        return default
    try:
        return int(params[key])
    except ValueError:
        raise server_error(Code.INVALID_PARAMETER, f"{key} [{params[key]}] is invalid, should be an integer") from None


def _order_by(text: str) -> tuple[tuple[str, bool], ...]:
    out = []
    for item in filter(None, (part.strip() for part in text.split(","))):
        name, _, direction = item.partition(":")
        out.append((name.strip(), direction.strip().lower() != "desc"))
    return tuple(out)


def _query_op(request: Any) -> ops.Query:
    params = {kv.key: kv.value for kv in request.query_params}
    iterator = params.get("iterator", "").lower() == "true"
    return ops.Query(
        collection_name=request.collection_name, db_name=request.db_name, filter=request.expr,
        output_fields=tuple(request.output_fields), partition_names=tuple(request.partition_names),
        limit=_int_param(params, "limit", -1), offset=_int_param(params, "offset", 0),
        filter_params=decode_params(request.expr_template_values),
        consistency_level=None if request.use_default_consistency else int(request.consistency_level),
        order_by=_order_by(params.get("order_by_fields", "")),
        snapshot_ts=int(request.guarantee_timestamp) if iterator else 0, iterator=iterator,
    )


def _query_resp(result: QueryResult, hint: Hint) -> Any:
    response = mpb.QueryResults(status=common_pb2.Status(), session_ts=result.snapshot_ts)
    if result.count is not None:
        response.fields_data.append(count_column(result.count))
        response.output_fields.append("count(*)")
        return response
    table = result.table
    if table is None:
        return response
    if result.dynamic_keys == () and META_FIELD in table.column_names:
        table = table.drop_columns([META_FIELD])
    response.fields_data.extend(encode_table(table, column_types(hint), compact=False))
    outputs = list(result.fields)
    if META_FIELD in table.column_names:
        outputs += [META_FIELD] if result.dynamic_keys is None else list(result.dynamic_keys)
    response.output_fields.extend(outputs)
    if hint is not None and hint.primary_field is not None:
        response.primary_field_name = hint.primary_field.name
    return response


def _query_result(resp: Any) -> QueryResult:
    fields_data = list(resp.fields_data)
    if len(fields_data) == 1 and fields_data[0].field_name == "count(*)" and not fields_data[0].is_dynamic:
        counts = packing.values(fields_data[0].scalars.long_data, np.int64)
        return QueryResult(None, ("count(*)",), (), count=int(counts[0]) if len(counts) else 0,
                           snapshot_ts=int(resp.session_ts))
    table = decode_table(fields_data)
    columns = set(table.column_names)
    outputs = list(resp.output_fields)
    fields = tuple(n for n in outputs if n in columns and n != META_FIELD) or tuple(
        n for n in table.column_names if n != META_FIELD)
    dynamic: tuple[str, ...] | None = ()
    if META_FIELD in columns:
        dynamic = None if META_FIELD in outputs else tuple(n for n in outputs if n not in columns)
    return QueryResult(table, fields, dynamic, snapshot_ts=int(resp.session_ts))


register("Query", ops.Query, _query_req, _query_op, _query_resp, _query_result,
         needs_schema=lambda op: op.ids is not None or op.pk_after is not None)

__all__ = ["decode_params", "encode_params", "ids_expr", "pk_name"]
