"""``/collections/*`` (rest-v2 §8): server handlers and their client twins.

``collections/create`` has two forms: quick setup (``dimension``; an Int64/VarChar key, a FloatVector, dynamic
fields on, an AUTOINDEX with the chosen metric, loaded) and a custom ``schema`` (loaded only when ``indexParams``
are given). Both become one ``CreateCollection`` op. ``describe`` combines describe, load state and indexes.
"""

from __future__ import annotations

from typing import Any

from azimuth.codec.rest import schema as rs
from azimuth.codec.rest.body import RestRequest
from azimuth.codec.rest.errors import MISSING_PARAMS, rest_error
from azimuth.codec.rest.table import Run, client, empty, route
from azimuth.errors import Code, MilvusException, server_error
from azimuth.ops import admin as a
from azimuth.ops import collection as c
from azimuth.ops import index as i
from azimuth.ops.results import LoadStateResult
from azimuth.types.enums import DataType
from azimuth.types.index_params import IndexParam
from azimuth.types.schema import CollectionSchema, FieldSchema, create_schema

NAME = {"dbName": "str", "collectionName": "str"}
_PROPERTY_PARAMS = {"ttlSeconds": "collection.ttl.seconds", "partitionKeyIsolation": "partitionkey.isolation",
                    "mmap.enabled": "mmap.enabled", "warmup.scalarField": "warmup.scalarField",
                    "warmup.scalarIndex": "warmup.scalarIndex", "warmup.vectorField": "warmup.vectorField",
                    "warmup.vectorIndex": "warmup.vectorIndex"}


def db(op: Any) -> dict[str, Any]:
    """The body's ``dbName`` for an op (empty: the transport's ``DB-Name`` header applies)."""
    return {"dbName": op.db_name} if getattr(op, "db_name", "") else {}


def named(op: Any, **extra: Any) -> dict[str, Any]:
    return {**db(op), "collectionName": op.collection_name, **extra}


def not_found_describe(exc: MilvusException, req: RestRequest, name: str) -> MilvusException:
    """Milvus's describe / entities wording for a missing collection."""
    if exc.code == Code.COLLECTION_NOT_FOUND:
        return MilvusException(exc.code, f"can't find collection[database={req.db}][collection={name}]",
                               is_input_error=True)
    return exc


# ---- list / has / describe ---------------------------------------------------------------------------------


@route("/collections/list", "List the collections of a database", {"dbName": "str"})
def _list(req: RestRequest, run: Run) -> dict[str, Any]:
    return {"data": list(run(c.ListCollections(db_name=req.db)))}


@route("/collections/has", "Whether a collection exists", NAME, ("collectionName",), "CollectionNameReq")
def _has(req: RestRequest, run: Run) -> dict[str, Any]:
    return {"data": {"has": bool(run(c.HasCollection(collection_name=req.collection, db_name=req.db)))}}


def load_state_name(state: int) -> str:
    return rs.LOAD_STATES[state] if 0 <= state < len(rs.LOAD_STATES) else ""


@route("/collections/describe", "Describe a collection", NAME, ("collectionName",), "CollectionNameReq")
def _describe(req: RestRequest, run: Run) -> dict[str, Any]:
    name = req.collection
    try:
        info = run(c.DescribeCollection(collection_name=name, db_name=req.db))
    except MilvusException as exc:
        raise not_found_describe(exc, req, name) from None
    message = ""
    try:
        load = load_state_name(int(run(c.GetLoadState(collection_name=name, db_name=req.db)).state))
    except MilvusException as exc:
        load, message = "", exc.message
    try:
        indexes = list(run(i.DescribeIndex(collection_name=name, db_name=req.db)))
    except MilvusException as exc:
        if exc.code != Code.INDEX_NOT_FOUND:
            raise
        indexes, message = [], message + f"index not found[collection={name}];"
    return {"data": rs.describe_json(info, load, indexes), "message": message}


@route("/collections/get_stats", "Row count of a collection", NAME, ("collectionName",), "CollectionNameReq")
def _stats(req: RestRequest, run: Run) -> dict[str, Any]:
    stats = run(c.GetCollectionStats(collection_name=req.collection, db_name=req.db))
    return {"data": {"rowCount": _count(stats.get("row_count", 0))}}


def _count(value: Any) -> Any:
    try:
        return int(value)
    except (TypeError, ValueError):
        return value


@route("/collections/get_load_state", "Load state and progress", {**NAME, "partitionNames": "list[str]"},
       ("collectionName",), "GetLoadStateReq")
def _load_state(req: RestRequest, run: Run) -> dict[str, Any]:
    name = req.collection
    result = run(c.GetLoadState(collection_name=name, db_name=req.db, partition_names=req.names("partitionNames")))
    state = int(result.state)
    if state == 0:
        raise MilvusException(Code.COLLECTION_NOT_FOUND, f"collection not found[collection={name}]",
                              is_input_error=True)
    if state == 1:
        return {"data": {"loadState": "LoadStateNotLoad"}}
    progress = 100 if state == 3 else int(result.progress)
    return {"data": {"loadState": load_state_name(state), "loadProgress": progress}, "message": ""}


# ---- create ------------------------------------------------------------------------------------------------


def _params(req: RestRequest) -> tuple[dict[str, Any], dict[str, str]]:
    params = req.object("params")
    properties = {key: rs.text(value) for key, value in req.object("properties").items()}
    for key, prop in _PROPERTY_PARAMS.items():
        if key in params and params[key] is not None:
            properties[prop] = rs.text(params[key])
    return params, properties


def _quick_schema(req: RestRequest, params: dict[str, Any]) -> tuple[CollectionSchema, IndexParam]:
    dim = req.get("dimension", "int", 0)
    if not dim:
        raise server_error(Code.INVALID_PARAMETER, "invalid parameter, dimension is required for quickly create "
                                                   "collection(default metric type: COSINE)")
    schema_raw = req.object("schema")
    if schema_raw.get("functions"):
        raise server_error(Code.INVALID_PARAMETER, "functions are not supported for quickly create collection")
    id_type = req.str("idType", "Int64")
    if id_type not in ("Int64", "int64", "VarChar", "Varchar"):
        raise server_error(Code.INVALID_PARAMETER, "idType can only be [Int64, VarChar], default: Int64")
    dynamic = params.get("enableDynamicField", True)
    if isinstance(dynamic, str) and dynamic.lower() in ("true", "false"):
        dynamic = dynamic.lower() == "true"
    if not isinstance(dynamic, bool):
        raise server_error(Code.INVALID_PARAMETER, f"parse enableDynamicField fail: {dynamic!r} is not a bool")
    pk_name, vector_name = req.str("primaryFieldName", "id"), req.str("vectorFieldName", "vector")
    pk_args: dict[str, Any] = {"is_primary": True, "auto_id": req.bool("autoID")}
    if id_type.lower() == "varchar":
        max_length = params.get("max_length", params.get("maxLength"))
        if max_length is None:
            raise rest_error(MISSING_PARAMS, "max_length is required for a VarChar primary key (params.max_length)")
        pk_args["max_length"] = max_length
    try:
        schema = create_schema(enable_dynamic_field=dynamic, description=req.str("description"))
        schema.add_field(pk_name, DataType.VARCHAR if id_type.lower() == "varchar" else DataType.INT64, **pk_args)
        schema.add_field(vector_name, DataType.FLOAT_VECTOR, dim=dim)
    except MilvusException as exc:
        raise server_error(Code.INVALID_PARAMETER, exc.message) from None
    index = IndexParam(vector_name, "AUTOINDEX", "", metric_type=req.str("metricType", "COSINE") or "COSINE")
    return schema, index


@route("/collections/create", "Create a collection (quick setup or custom schema, optional indexes)",
       {**NAME, "dimension": "int", "metricType": "str", "idType": "str", "autoID": "bool",
        "primaryFieldName": "str", "vectorFieldName": "str", "description": "str", "schema": "object",
        "indexParams": "list", "params": "object", "properties": "object", "consistencyLevel": "str"},
       ("collectionName",), "CollectionReq")
def _create(req: RestRequest, run: Run) -> dict[str, Any]:
    name = req.collection
    params, properties = _params(req)
    schema_raw = req.get("schema", "object", {})
    indexes: list[IndexParam]
    if schema_raw and RestRequest(schema_raw).get("fields", "list"):
        schema = rs.schema_from_json(schema_raw)
        if req.str("description") and not schema.description:
            schema._description = req.str("description")
        indexes = [rs.index_from_json(x) for x in req.get("indexParams", "list", [])]
        names = {f.name for f in schema.fields}
        for index in indexes:
            if index.field_name not in names:
                raise rest_error(MISSING_PARAMS, f"`{index.field_name}` hasn't defined in schema")
        load = bool(indexes)
    else:
        schema, index = _quick_schema(req, params)
        indexes, load = [index], True
    level = rs.consistency(params.get("consistencyLevel", req.str("consistencyLevel")))
    shards = params.get("shardsNum", 1)
    try:
        shards = int(shards)
    except (TypeError, ValueError):
        shards = 1
    try:
        partitions = int(params.get("partitionsNum", 0) or 0)
    except (TypeError, ValueError):
        partitions = 0
    run(c.CreateCollection(collection_name=name, db_name=req.db, schema=schema,
                           consistency_level=2 if level is None else level, properties=properties,
                           num_shards=shards or 1, num_partitions=partitions, index_params=tuple(indexes),
                           load=load))
    return {"data": {}}


def _create_req(op: c.CreateCollection) -> tuple[str, dict[str, Any]]:
    if op.schema is None:
        raise server_error(Code.INVALID_PARAMETER, "a schema is required to create a collection")
    from azimuth.codec.rest.schema import CONSISTENCY, index_to_json, schema_to_json

    body = named(op, schema=schema_to_json(op.schema),
                 params={"shardsNum": op.num_shards, "consistencyLevel": CONSISTENCY[op.consistency_level],
                         **({"partitionsNum": op.num_partitions} if op.num_partitions else {})})
    if op.index_params:
        body["indexParams"] = [index_to_json(x) for x in op.index_params]
    if op.properties:
        body["properties"] = {k: rs.text(v) for k, v in op.properties.items()}
    if op.schema.description:
        body["description"] = op.schema.description
    return "/collections/create", body


client(c.CreateCollection, _create_req)

# ---- simple mutations --------------------------------------------------------------------------------------
_SIMPLE = {"/collections/drop": (c.DropCollection, "Drop a collection"),
           "/collections/load": (c.LoadCollection, "Load a collection (asynchronous)"),
           "/collections/release": (c.ReleaseCollection, "Release a collection"),
           "/collections/truncate": (c.TruncateCollection, "Remove every row, keep schema and indexes"),
           "/collections/flush": (c.Flush, "Seal and persist growing data")}


def _simple_handler(op_type: type) -> Any:
    def handle(req: RestRequest, run: Run) -> dict[str, Any]:
        run(op_type(collection_name=req.collection, db_name=req.db))
        return {"data": {}}

    return handle


for _path, (_op, _summary) in _SIMPLE.items():
    route(_path, _summary, NAME, ("collectionName",), "CollectionNameReq")(_simple_handler(_op))
    if _op is not c.LoadCollection:
        client(_op, lambda op, _p=_path: (_p, named(op)))


@route("/collections/refresh_load", "Reload a collection (refresh)", NAME, ("collectionName",), "CollectionNameReq")
def _refresh(req: RestRequest, run: Run) -> dict[str, Any]:
    run(c.LoadCollection(collection_name=req.collection, db_name=req.db, refresh=True))
    return {"data": {}}


client(c.LoadCollection, lambda op: ("/collections/refresh_load" if op.refresh else "/collections/load", named(op)))


@route("/collections/rename", "Rename a collection, optionally into another database",
       {**NAME, "newCollectionName": "str", "newDbName": "str"}, ("collectionName", "newCollectionName"),
       "RenameCollectionReq")
def _rename(req: RestRequest, run: Run) -> dict[str, Any]:
    run(c.RenameCollection(collection_name=req.collection, db_name=req.db,
                           new_name=req.str("newCollectionName", required=True), new_db_name=req.str("newDbName")))
    return {"data": {}}


client(c.RenameCollection, lambda op: ("/collections/rename", named(
    op, newCollectionName=op.new_name, **({"newDbName": op.new_db_name} if op.new_db_name else {}))))


@route("/collections/alter_properties", "Set collection properties", {**NAME, "properties": "object"},
       ("collectionName",), "CollectionReqWithProperties")
def _alter(req: RestRequest, run: Run) -> dict[str, Any]:
    props = {k: rs.text(v) for k, v in req.object("properties").items()}
    run(c.AlterCollectionProperties(collection_name=req.collection, db_name=req.db, properties=props))
    return {"data": {}}


@route("/collections/drop_properties", "Remove collection properties", {**NAME, "propertyKeys": "list[str]"},
       ("collectionName",), "DropCollectionPropertiesReq")
def _drop_props(req: RestRequest, run: Run) -> dict[str, Any]:
    run(c.AlterCollectionProperties(collection_name=req.collection, db_name=req.db,
                                    delete_keys=req.names("propertyKeys")))
    return {"data": {}}


def _alter_req(op: c.AlterCollectionProperties) -> tuple[str, dict[str, Any]]:
    if op.delete_keys:
        return "/collections/drop_properties", named(op, propertyKeys=list(op.delete_keys))
    return "/collections/alter_properties", named(op, properties={k: rs.text(v) for k, v in op.properties.items()})


client(c.AlterCollectionProperties, _alter_req)
client(c.DescribeCollection, lambda op: ("/collections/describe", named(op)),
       lambda p, op, info: rs.info_from_describe(p["data"], op.db_name))
client(c.HasCollection, lambda op: ("/collections/has", named(op)), lambda p, op, info: bool(p["data"]["has"]))
client(c.ListCollections, lambda op: ("/collections/list", db(op)), lambda p, op, info: list(p["data"]))
client(c.GetCollectionStats, lambda op: ("/collections/get_stats", named(op)),
       lambda p, op, info: {"row_count": _count(p["data"]["rowCount"])})


def _load_state_result(payload: dict[str, Any], op: Any, info: Any) -> LoadStateResult:
    state = rs.LOAD_STATES.index(payload["data"]["loadState"])
    return LoadStateResult(state, int(payload["data"].get("loadProgress", 100 if state == 3 else 0)))


client(c.GetLoadState, lambda op: ("/collections/get_load_state", named(
    op, **({"partitionNames": list(op.partition_names)} if op.partition_names else {}))), _load_state_result)

# ---- compaction --------------------------------------------------------------------------------------------


@route("/collections/compact", "Compact a collection", {**NAME, "isClustering": "bool"}, ("collectionName",),
       "CompactReq")
def _compact(req: RestRequest, run: Run) -> dict[str, Any]:
    job = run(c.Compact(collection_name=req.collection, db_name=req.db, is_clustering=req.bool("isClustering")))
    return {"data": {"compactionID": int(job or 0)}}


@route("/collections/get_compaction_state", "State of a compaction job", {"dbName": "str", "jobID": "int"},
       (), "GetCompactionStateReq")
def _compaction_state(req: RestRequest, run: Run) -> dict[str, Any]:
    job = req.int("jobID")
    state = run(c.GetCompactionState(job_id=job))
    return {"data": {"compactionID": job, "state": str(state), "executingPlanNumber": 0, "timeoutPlanNumber": 0,
                     "completedPlanNumber": 1 if state == "Completed" else 0}}


client(c.Compact, lambda op: ("/collections/compact", named(op, isClustering=op.is_clustering)),
       lambda p, op, info: int(p["data"]["compactionID"]))
client(c.GetCompactionState, lambda op: ("/collections/get_compaction_state", {"jobID": op.job_id}),
       lambda p, op, info: str(p["data"]["state"]))

# ---- fields and functions ----------------------------------------------------------------------------------


@route("/collections/fields/alter_properties", "Alter field parameters",
       {**NAME, "fieldName": "str", "fieldParams": "object"}, ("collectionName", "fieldName"),
       "FieldPropertiesReq")
def _alter_field(req: RestRequest, run: Run) -> dict[str, Any]:
    params = {k: rs.text(v) for k, v in req.object("fieldParams").items()}
    run(c.AlterCollectionField(collection_name=req.collection, db_name=req.db,
                               field_name=req.str("fieldName", required=True), field_params=params))
    return {"data": {}}


@route("/collections/fields/add", "Add a field to a collection", {**NAME, "schema": "object"},
       ("collectionName", "schema"), "AddCollectionFieldReq")
def _add_field(req: RestRequest, run: Run) -> dict[str, Any]:
    field: FieldSchema = rs.field_from_json(req.object("schema", required=True))
    run(c.AddCollectionField(collection_name=req.collection, db_name=req.db, field_schema=field))
    return {"data": {}}


def _add_field_req(op: c.AddCollectionField) -> tuple[str, dict[str, Any]]:
    if op.field_schema is None:
        raise server_error(Code.INVALID_PARAMETER, "field schema is empty")
    return "/collections/fields/add", named(op, schema=rs.field_to_json(op.field_schema))


client(c.AlterCollectionField, lambda op: ("/collections/fields/alter_properties", named(
    op, fieldName=op.field_name, fieldParams={k: rs.text(v) for k, v in op.field_params.items()})))
client(c.AddCollectionField, _add_field_req)


FUNCTION = {**NAME, "function": "object", "functionName": "str"}


@route("/collections/add_function", "Add a function to a collection", FUNCTION, ("collectionName", "function"),
       "AddFunctionReq")
def _add_function(req: RestRequest, run: Run) -> dict[str, Any]:
    function = rs.function_from_json(req.object("function", required=True))
    run(a.AddCollectionFunction(collection_name=req.collection, db_name=req.db, function=function))
    return {"data": {}}


@route("/collections/alter_function", "Alter a function of a collection (description, params)", FUNCTION,
       ("collectionName", "functionName", "function"), "AlterFunctionReq")
def _alter_function(req: RestRequest, run: Run) -> dict[str, Any]:
    name = req.str("functionName", required=True)
    function = rs.function_from_json(req.object("function", required=True))
    run(a.AlterCollectionFunction(collection_name=req.collection, db_name=req.db, function_name=name,
                                  function=function))
    return {"data": {}}


@route("/collections/drop_function", "Drop a function of a collection", {**NAME, "functionName": "str"},
       ("collectionName", "functionName"), "DropFunctionReq")
def _drop_function(req: RestRequest, run: Run) -> dict[str, Any]:
    run(a.DropCollectionFunction(collection_name=req.collection, db_name=req.db,
                                 function_name=req.str("functionName", required=True)))
    return {"data": {}}


client(a.AddCollectionFunction, lambda op: ("/collections/add_function", named(
    op, function=rs.function_to_json(op.function))))
client(a.AlterCollectionFunction, lambda op: ("/collections/alter_function", named(
    op, functionName=op.function_name, function=rs.function_to_json(op.function))))
client(a.DropCollectionFunction, lambda op: ("/collections/drop_function", named(op, functionName=op.function_name)))

__all__ = ["db", "empty", "named", "not_found_describe"]
