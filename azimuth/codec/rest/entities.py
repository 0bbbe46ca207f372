"""``/entities/insert|upsert|delete|get|query`` (rest-v2 §9.1-§9.5): server handlers and client twins.

Entity handlers read the collection schema first (a missing collection is code 100 worded
``can't find collection[...]``), convert rows with :mod:`.values` and answer rows column-wise. Query pages of
iterators use three Azimuth extension keys that other servers ignore: ``snapshotTs`` and ``pkAfter`` in the
request (pin the snapshot, continue after a key) and ``sessionTs`` in the response (the snapshot used).
"""

from __future__ import annotations

from typing import Any

from azimuth.codec.rest import schema as rs
from azimuth.codec.rest import values
from azimuth.codec.rest.body import RestRequest
from azimuth.codec.rest.collections import NAME, named, not_found_describe
from azimuth.codec.rest.errors import MISSING_PARAMS, PK_TYPE, rest_error, unsupported
from azimuth.codec.rest.table import Run, client, route
from azimuth.errors import Code, MilvusException, server_error
from azimuth.ops import collection as c
from azimuth.ops import data as d
from azimuth.ops.results import CollectionInfo, MutationResult, QueryResult
from azimuth.types.enums import DataType

DEFAULT_LIMIT = 100
COUNT = "count(*)"


def collection_info(req: RestRequest, run: Run) -> CollectionInfo:
    """The collection's description (schema), with Milvus's entity-endpoint wording when it is missing."""
    name = req.collection
    try:
        return run(c.DescribeCollection(collection_name=name, db_name=req.db))
    except MilvusException as exc:
        raise not_found_describe(exc, req, name) from None


def int_pk(info: CollectionInfo) -> bool:
    pk = info.schema.primary_field
    return pk is not None and DataType(pk.dtype) == DataType.INT64


def id_values(ids: list[Any], info: CollectionInfo, int64_str: bool) -> list[Any]:
    return [str(v) for v in ids] if int64_str and int_pk(info) else list(ids)


def filter_params(req: RestRequest) -> dict[str, Any]:
    params = req.object("exprParams")
    for key, value in params.items():
        if value is None or isinstance(value, dict):
            raise server_error(Code.INVALID_PARAMETER, f"exprParams value of {key} must be a bool, number, string "
                                                       "or array")
    return params


# ---- insert / upsert ---------------------------------------------------------------------------------------
WRITE = {**NAME, "data": "list", "partitionName": "str"}


@route("/entities/insert", "Insert rows", WRITE, ("collectionName", "data"), "CollectionDataReq")
def _insert(req: RestRequest, run: Run) -> dict[str, Any]:
    info = collection_info(req, run)
    allow = info.properties.get("allow_insert_auto_id", "false") == "true"
    table = values.rows_to_insert_table(req.get("data", "list", []), info.schema, allow_auto_id_values=allow)
    result = run(d.Insert(collection_name=req.collection, db_name=req.db, partition_name=req.str("partitionName"),
                          data=table))
    ids = id_values(result.ids, info, not req.int64_numbers)
    return {"data": {"insertCount": result.insert_count, "insertIds": ids}, "cost": 0}


@route("/entities/upsert", "Insert or replace rows (partialUpdate: change only the given fields)",
       {**WRITE, "partialUpdate": "bool", "fieldOps": "list"}, ("collectionName", "data"), "CollectionDataReq")
def _upsert(req: RestRequest, run: Run) -> dict[str, Any]:
    info = collection_info(req, run)
    for op in req.get("fieldOps", "list", []):
        kind = str(op.get("op", "REPLACE") if isinstance(op, dict) else op).upper()
        if kind not in ("REPLACE", "ARRAY_APPEND", "ARRAY_REMOVE"):
            raise server_error(Code.INVALID_PARAMETER, f"unsupported partial update op: {kind}")
        if kind != "REPLACE":
            raise unsupported(f"the partial update op {kind}")
    partial = req.bool("partialUpdate")
    table = values.rows_to_insert_table(req.get("data", "list", []), info.schema, partial=partial, upsert=True,
                                        allow_auto_id_values=True)
    result = run(d.Upsert(collection_name=req.collection, db_name=req.db, partition_name=req.str("partitionName"),
                          data=table, partial_update=partial))
    ids = id_values(result.ids, info, not req.int64_numbers)
    return {"data": {"upsertCount": result.upsert_count, "upsertIds": ids}, "cost": 0}


def encode_write(op: d.Insert | d.Upsert, info: CollectionInfo) -> tuple[str, dict[str, Any]]:
    if op.data is None:
        raise server_error(Code.INVALID_PARAMETER, "no data to write")
    body = named(op, data=values.table_to_input_rows(op.data, info.schema))
    if op.partition_name:
        body["partitionName"] = op.partition_name
    if isinstance(op, d.Upsert):
        if op.partial_update:
            body["partialUpdate"] = True
        return "/entities/upsert", body
    return "/entities/insert", body


def _mutation(payload: dict[str, Any], op: Any, info: Any) -> MutationResult:
    data = payload["data"]
    if "insertCount" in data:
        return MutationResult(insert_count=int(data["insertCount"]), ids=list(data.get("insertIds") or []))
    if "upsertCount" in data:
        return MutationResult(upsert_count=int(data["upsertCount"]), ids=list(data.get("upsertIds") or []))
    return MutationResult(delete_count=int(data.get("deleteCount", 0)))


client(d.Insert, encode_write, _mutation, needs_schema=True)
client(d.Upsert, encode_write, _mutation, needs_schema=True)

# ---- delete ------------------------------------------------------------------------------------------------


@route("/entities/delete", "Delete rows matching a filter",
       {**NAME, "filter": "str", "partitionName": "str", "exprParams": "object"}, ("collectionName", "filter"),
       "CollectionFilterReq")
def _delete(req: RestRequest, run: Run) -> dict[str, Any]:
    collection_info(req, run)
    op = d.Delete(collection_name=req.collection, db_name=req.db, partition_name=req.str("partitionName"),
                  filter=req.str("filter", required=True), filter_params=filter_params(req))
    return {"data": {"deleteCount": int(run(op).delete_count)}}


def literal(value: Any) -> str:
    import orjson

    return orjson.dumps(value).decode() if isinstance(value, str) else str(int(value))


def ids_filter(info: CollectionInfo, ids: Any) -> str:
    pk = info.schema.primary_field
    if pk is None:
        raise server_error(Code.INVALID_PARAMETER, "the collection has no primary key")
    return f"{pk.name} in [{','.join(literal(v) for v in ids)}]"


def _delete_req(op: d.Delete, info: CollectionInfo | None) -> tuple[str, dict[str, Any]]:
    expr = op.filter if op.ids is None else ids_filter(info, op.ids)  # type: ignore[arg-type]
    body = named(op, filter=expr)
    if op.partition_name:
        body["partitionName"] = op.partition_name
    if op.filter_params:
        body["exprParams"] = dict(op.filter_params)
    return "/entities/delete", body


client(d.Delete, _delete_req, _mutation, needs_schema=True)

# ---- get / query -------------------------------------------------------------------------------------------


def pk_values(raw: Any, info: CollectionInfo) -> tuple[Any, ...]:
    """``id`` of entities/get (or ``ids`` of search) converted to the primary key type, else 1806."""
    items = raw if isinstance(raw, list) else [raw]
    out: list[Any] = []
    integer = int_pk(info)
    for value in items:
        if integer:
            if isinstance(value, bool) or not isinstance(value, (int, str, float)):
                raise rest_error(PK_TYPE, f"{value!r} is not an Int64 primary key")
            try:
                out.append(int(value) if not isinstance(value, float) or value.is_integer() else None)
            except ValueError:
                out.append(None)
            if out[-1] is None:
                raise rest_error(PK_TYPE, f"{value!r} is not an Int64 primary key")
        else:
            if not isinstance(value, str):
                raise rest_error(PK_TYPE, f"{value!r} is not a VarChar primary key")
            out.append(value)
    return tuple(out)


def query_payload(req: RestRequest, result: QueryResult, info: CollectionInfo) -> dict[str, Any]:
    if result.count is not None:
        return {"data": [{COUNT: result.count}], "cost": 0}
    rows = values.table_to_json_rows(result.table, info.schema, result.fields, result.dynamic_keys,
                                     int64_str=not req.int64_numbers)
    out: dict[str, Any] = {"data": rows, "cost": 0}
    if result.snapshot_ts:
        out["sessionTs"] = result.snapshot_ts
    return out


READ = {**NAME, "outputFields": "list[str]", "partitionNames": "list[str]", "consistencyLevel": "str"}


@route("/entities/get", "Rows by primary key", {**READ, "id": "any"}, ("collectionName", "id"),
       "CollectionIDReq")
def _get(req: RestRequest, run: Run) -> dict[str, Any]:
    info = collection_info(req, run)
    if not req.has("id"):
        raise rest_error(MISSING_PARAMS, "Key: 'CollectionIDReq.ID' Error:Field validation for 'ID' failed on the "
                                         "'required' tag")
    ids = pk_values(req.get("id"), info)
    op = d.Query(collection_name=req.collection, db_name=req.db, ids=ids, output_fields=req.names("outputFields"),
                 partition_names=req.names("partitionNames"),
                 consistency_level=rs.consistency(req.get("consistencyLevel", "str")))
    return query_payload(req, run(op), info)


@route("/entities/query", "Rows matching a filter (or count(*))",
       {**READ, "filter": "str", "limit": "int", "offset": "int", "exprParams": "object", "orderByFields": "list"},
       ("collectionName",), "QueryReqV2")
def _query(req: RestRequest, run: Run) -> dict[str, Any]:
    info = collection_info(req, run)
    outputs = req.names("outputFields")
    limit = req.int("limit", DEFAULT_LIMIT)
    if limit <= 0 or [o.lower() for o in outputs] == [COUNT]:
        limit = -1
    order = []
    for item in req.get("orderByFields", "list[str]", []):
        name, _, direction = item.partition(":")
        order.append((name.strip(), direction.strip().lower() != "desc"))
    pk_after = req.get("pkAfter")
    op = d.Query(collection_name=req.collection, db_name=req.db, filter=req.str("filter"), output_fields=outputs,
                 partition_names=req.names("partitionNames"), limit=limit, offset=req.int("offset"),
                 filter_params=filter_params(req), consistency_level=rs.consistency(req.get("consistencyLevel", "str")),
                 order_by=tuple(order), pk_after=pk_after, snapshot_ts=req.int("snapshotTs"),
                 iterator=bool(req.int("snapshotTs")) or pk_after is not None)
    return query_payload(req, run(op), info)


def _query_req(op: d.Query) -> tuple[str, dict[str, Any]]:
    body = named(op)
    if op.output_fields:
        body["outputFields"] = list(op.output_fields)
    if op.partition_names:
        body["partitionNames"] = list(op.partition_names)
    if op.consistency_level is not None:
        body["consistencyLevel"] = rs.CONSISTENCY[op.consistency_level]
    if op.ids is not None and op.pk_after is None and not op.snapshot_ts and op.limit < 0 and not op.offset:
        body["id"] = list(op.ids)
        return "/entities/get", body
    if op.ids is not None:
        raise AssertionError("key queries with paging are encoded with the schema")
    body.update(filter=op.filter, limit=op.limit if op.limit >= 0 else -1)
    if op.offset:
        body["offset"] = op.offset
    if op.filter_params:
        body["exprParams"] = dict(op.filter_params)
    if op.order_by:
        body["orderByFields"] = [f"{name}:{'asc' if asc else 'desc'}" for name, asc in op.order_by]
    if op.pk_after is not None:
        body["pkAfter"] = op.pk_after
    if op.snapshot_ts:
        body["snapshotTs"] = op.snapshot_ts
    return "/entities/query", body


def encode_query(op: d.Query, info: CollectionInfo) -> tuple[str, dict[str, Any]]:
    """A query whose keys must become a filter (paging over keys) needs the schema."""
    from dataclasses import replace

    if op.ids is not None and (op.pk_after is not None or op.snapshot_ts or op.limit >= 0 or op.offset):
        expr = ids_filter(info, op.ids)
        op = replace(op, ids=None, filter=f"({expr}) and ({op.filter})" if op.filter else expr)
    return _query_req(op)


def query_result(payload: dict[str, Any], op: d.Query, info: CollectionInfo) -> QueryResult:
    rows = payload.get("data") or []
    session = int(payload.get("sessionTs", 0) or 0)
    if [o.lower() for o in op.output_fields] == [COUNT]:
        return QueryResult(None, (COUNT,), (), count=int(rows[0][COUNT]) if rows else 0, snapshot_ts=session)
    table, fields = values.rows_to_result_table(rows, info.schema)
    return QueryResult(table, fields, None, snapshot_ts=session)


client(d.Query, encode_query, query_result, needs_schema=True)

__all__ = ["collection_info", "encode_query", "encode_write", "filter_params", "ids_filter", "pk_values",
           "query_payload"]
