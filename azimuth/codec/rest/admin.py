"""``/partitions/*``, ``/indexes/*``, ``/aliases/*`` and ``/databases/*`` (rest-v2 §10-§13): server handlers
and their client twins."""

from __future__ import annotations

from typing import Any

from azimuth.codec.rest import schema as rs
from azimuth.codec.rest.body import RestRequest
from azimuth.codec.rest.collections import NAME, db, named
from azimuth.codec.rest.table import Run, client, route
from azimuth.errors import Code, MilvusException
from azimuth.ops import collection as c
from azimuth.ops import database as d
from azimuth.ops import index as i
from azimuth.ops.results import AliasInfo, AliasList, DatabaseInfo, IndexInfo
from azimuth.types.index_params import IndexParam

PART = {**NAME, "partitionName": "str"}
PARTS = {**NAME, "partitionNames": "list[str]"}

# ---- partitions --------------------------------------------------------------------------------------------


@route("/partitions/list", "List partitions", NAME, ("collectionName",), "CollectionNameReq")
def _partitions(req: RestRequest, run: Run) -> dict[str, Any]:
    return {"data": list(run(c.ListPartitions(collection_name=req.collection, db_name=req.db)))}


@route("/partitions/has", "Whether a partition exists", PART, ("collectionName", "partitionName"), "PartitionReq")
def _has_partition(req: RestRequest, run: Run) -> dict[str, Any]:
    op = c.HasPartition(collection_name=req.collection, db_name=req.db,
                        partition_name=req.str("partitionName", required=True))
    return {"data": {"has": bool(run(op))}}


@route("/partitions/get_stats", "Row count of a partition", PART, ("collectionName", "partitionName"),
       "PartitionReq")
def _partition_stats(req: RestRequest, run: Run) -> dict[str, Any]:
    stats = run(c.GetPartitionStats(collection_name=req.collection, db_name=req.db,
                                    partition_name=req.str("partitionName", required=True)))
    return {"data": {"rowCount": int(stats.get("row_count", 0))}}


def _partition_handler(op_type: type) -> Any:
    def handle(req: RestRequest, run: Run) -> dict[str, Any]:
        run(op_type(collection_name=req.collection, db_name=req.db,
                    partition_name=req.str("partitionName", required=True)))
        return {"data": {}}

    return handle


def _partitions_handler(op_type: type) -> Any:
    def handle(req: RestRequest, run: Run) -> dict[str, Any]:
        run(op_type(collection_name=req.collection, db_name=req.db,
                    partition_names=req.names("partitionNames", required=True)))
        return {"data": {}}

    return handle


route("/partitions/create", "Create a partition", PART, ("collectionName", "partitionName"), "PartitionReq")(
    _partition_handler(c.CreatePartition))
route("/partitions/drop", "Drop a (released) partition", PART, ("collectionName", "partitionName"),
      "PartitionReq")(_partition_handler(c.DropPartition))
route("/partitions/load", "Load partitions", PARTS, ("collectionName", "partitionNames"), "PartitionsReq")(
    _partitions_handler(c.LoadPartitions))
route("/partitions/release", "Release partitions", PARTS, ("collectionName", "partitionNames"), "PartitionsReq")(
    _partitions_handler(c.ReleasePartitions))

client(c.ListPartitions, lambda op: ("/partitions/list", named(op)), lambda p, op, info: list(p["data"]))
client(c.HasPartition, lambda op: ("/partitions/has", named(op, partitionName=op.partition_name)),
       lambda p, op, info: bool(p["data"]["has"]))
client(c.GetPartitionStats, lambda op: ("/partitions/get_stats", named(op, partitionName=op.partition_name)),
       lambda p, op, info: {"row_count": int(p["data"]["rowCount"])})
client(c.CreatePartition, lambda op: ("/partitions/create", named(op, partitionName=op.partition_name)))
client(c.DropPartition, lambda op: ("/partitions/drop", named(op, partitionName=op.partition_name)))
client(c.LoadPartitions, lambda op: ("/partitions/load", named(op, partitionNames=list(op.partition_names))))
client(c.ReleasePartitions,
       lambda op: ("/partitions/release", named(op, partitionNames=list(op.partition_names))))

# ---- indexes -----------------------------------------------------------------------------------------------


@route("/indexes/create", "Create indexes", {**NAME, "indexParams": "list"}, ("collectionName", "indexParams"),
       "IndexParamReq")
def _create_index(req: RestRequest, run: Run) -> dict[str, Any]:
    indexes: list[IndexParam] = [rs.index_from_json(x) for x in req.get("indexParams", "list", required=True)]
    for index in indexes:
        run(i.CreateIndex(collection_name=req.collection, db_name=req.db, index=index))
    return {"data": {}}


def _index_list(infos: list[IndexInfo]) -> list[str]:
    return [x.index_name for x in infos]


@route("/indexes/list", "List index names", {**NAME, "fieldName": "str"}, ("collectionName",), "CollectionNameReq")
def _list_indexes(req: RestRequest, run: Run) -> dict[str, Any]:
    try:
        infos = run(i.DescribeIndex(collection_name=req.collection, db_name=req.db, field_name=req.str("fieldName")))
    except MilvusException as exc:
        if exc.code != Code.INDEX_NOT_FOUND:
            raise
        infos = []
    return {"data": _index_list(infos)}


def index_json(info: IndexInfo) -> dict[str, Any]:
    params = dict(info.params)
    return {"indexName": info.index_name, "fieldName": info.field_name,
            "indexType": str(params.get("index_type", "")), "metricType": str(params.get("metric_type", "") or ""),
            "indexState": info.state if info.state.startswith("Index") else info.state,
            "failReason": "", "totalRows": info.total_rows, "indexedRows": info.indexed_rows,
            "pendingRows": info.pending_index_rows, "minIndexVersion": 0, "maxIndexVersion": 0,
            "mmap.enabled": str(params.get("mmap.enabled", "")), "indexoffsetcache.enabled": "",
            "warmup": str(params.get("warmup", "")), "indexParams": rs.kv(params), "indexID": info.index_id}


def _index_info(raw: dict[str, Any]) -> IndexInfo:
    params: dict[str, Any] = {}
    for pair in raw.get("indexParams") or ():
        key, value = pair.get("key"), pair.get("value", "")
        if key == "params":
            import orjson

            try:
                value = orjson.loads(value)
            except orjson.JSONDecodeError:
                pass
        params[key] = value
    return IndexInfo(index_name=raw["indexName"], field_name=raw["fieldName"], params=params,
                     total_rows=int(raw.get("totalRows", 0)), indexed_rows=int(raw.get("indexedRows", 0)),
                     pending_index_rows=int(raw.get("pendingRows", 0)), state=str(raw.get("indexState", "Finished")),
                     index_id=int(raw.get("indexID", 0)))


@route("/indexes/describe", "Describe an index", {**NAME, "indexName": "str", "timestamp": "int"},
       ("collectionName", "indexName"), "IndexReq")
def _describe_index(req: RestRequest, run: Run) -> dict[str, Any]:
    infos = run(i.DescribeIndex(collection_name=req.collection, db_name=req.db,
                                index_name=req.str("indexName", required=True)))
    return {"data": [index_json(x) for x in infos]}


@route("/indexes/drop", "Drop an index (collection released)", {**NAME, "indexName": "str"},
       ("collectionName", "indexName"), "IndexReq")
def _drop_index(req: RestRequest, run: Run) -> dict[str, Any]:
    run(i.DropIndex(collection_name=req.collection, db_name=req.db, index_name=req.str("indexName", required=True)))
    return {"data": {}}


@route("/indexes/alter_properties", "Set index properties", {**NAME, "indexName": "str", "properties": "object"},
       ("collectionName", "indexName"), "IndexReqWithProperties")
def _alter_index(req: RestRequest, run: Run) -> dict[str, Any]:
    props = {k: rs.text(v) for k, v in req.object("properties").items()}
    run(i.AlterIndexProperties(collection_name=req.collection, db_name=req.db,
                               index_name=req.str("indexName", required=True), properties=props))
    return {"data": {}}


@route("/indexes/drop_properties", "Remove index properties",
       {**NAME, "indexName": "str", "propertyKeys": "list[str]"}, ("collectionName", "indexName"),
       "DropIndexPropertiesReq")
def _drop_index_props(req: RestRequest, run: Run) -> dict[str, Any]:
    run(i.AlterIndexProperties(collection_name=req.collection, db_name=req.db,
                               index_name=req.str("indexName", required=True), delete_keys=req.names("propertyKeys")))
    return {"data": {}}


def _describe_index_req(op: i.DescribeIndex) -> tuple[str, dict[str, Any]]:
    if op.index_name:
        return "/indexes/describe", named(op, indexName=op.index_name)
    return "/indexes/describe", named(op, indexName="", fieldName=op.field_name)


def _describe_index_result(payload: dict[str, Any], op: Any, info: Any) -> list[IndexInfo]:
    return [_index_info(x) for x in payload["data"]]


@route("/indexes/describe_all", "Describe every index of a collection (Azimuth; empty fieldName = all fields)",
       {**NAME, "fieldName": "str"}, ("collectionName",), "CollectionNameReq")
def _describe_all(req: RestRequest, run: Run) -> dict[str, Any]:
    infos = run(i.DescribeIndex(collection_name=req.collection, db_name=req.db, field_name=req.str("fieldName")))
    return {"data": [index_json(x) for x in infos]}


client(i.DescribeIndex, lambda op: ("/indexes/describe", named(op, indexName=op.index_name)) if op.index_name
       else ("/indexes/describe_all", named(op, fieldName=op.field_name)), _describe_index_result)
client(i.CreateIndex, lambda op: ("/indexes/create", named(op, indexParams=[rs.index_to_json(op.index)])))
client(i.DropIndex, lambda op: ("/indexes/drop", named(op, indexName=op.index_name or op.field_name)))
client(i.AlterIndexProperties, lambda op: (
    ("/indexes/drop_properties", named(op, indexName=op.index_name, propertyKeys=list(op.delete_keys)))
    if op.delete_keys else
    ("/indexes/alter_properties", named(op, indexName=op.index_name,
                                        properties={k: rs.text(v) for k, v in op.properties.items()}))))

# ---- aliases -----------------------------------------------------------------------------------------------
ALIAS = {"dbName": "str", "collectionName": "str", "aliasName": "str"}


@route("/aliases/list", "List aliases", {"dbName": "str", "collectionName": "str"}, (), "ListAliasesReq")
def _aliases(req: RestRequest, run: Run) -> dict[str, Any]:
    result = run(c.ListAliases(collection_name=req.str("collectionName"), db_name=req.db))
    return {"data": list(result.aliases)}


@route("/aliases/describe", "Describe an alias", {"dbName": "str", "aliasName": "str"}, ("aliasName",), "AliasReq")
def _describe_alias(req: RestRequest, run: Run) -> dict[str, Any]:
    info = run(c.DescribeAlias(alias=req.str("aliasName", required=True), db_name=req.db))
    return {"data": {"dbName": info.db_name, "collectionName": info.collection_name, "aliasName": info.alias}}


@route("/aliases/create", "Create an alias", ALIAS, ("collectionName", "aliasName"), "AliasCollectionReq")
def _create_alias(req: RestRequest, run: Run) -> dict[str, Any]:
    run(c.CreateAlias(collection_name=req.collection, db_name=req.db, alias=req.str("aliasName", required=True)))
    return {"data": {}}


@route("/aliases/alter", "Re-point an alias", ALIAS, ("collectionName", "aliasName"), "AliasCollectionReq")
def _alter_alias(req: RestRequest, run: Run) -> dict[str, Any]:
    run(c.AlterAlias(collection_name=req.collection, db_name=req.db, alias=req.str("aliasName", required=True)))
    return {"data": {}}


@route("/aliases/drop", "Drop an alias", {"dbName": "str", "aliasName": "str"}, ("aliasName",), "AliasReq")
def _drop_alias(req: RestRequest, run: Run) -> dict[str, Any]:
    run(c.DropAlias(alias=req.str("aliasName", required=True), db_name=req.db))
    return {"data": {}}


client(c.ListAliases, lambda op: ("/aliases/list", named(op) if op.collection_name else db(op)),
       lambda p, op, info: AliasList(op.db_name, op.collection_name, tuple(p["data"])))
client(c.DescribeAlias, lambda op: ("/aliases/describe", {**db(op), "aliasName": op.alias}),
       lambda p, op, info: AliasInfo(p["data"]["aliasName"], p["data"]["collectionName"], p["data"]["dbName"]))
client(c.CreateAlias, lambda op: ("/aliases/create", named(op, aliasName=op.alias)))
client(c.AlterAlias, lambda op: ("/aliases/alter", named(op, aliasName=op.alias)))
client(c.DropAlias, lambda op: ("/aliases/drop", {**db(op), "aliasName": op.alias}))

# ---- databases ---------------------------------------------------------------------------------------------
DB = {"dbName": "str"}


def _target(req: RestRequest) -> str:
    return req.str("dbName", required=True)


@route("/databases/list", "List databases", {}, (), "Request")
def _databases(req: RestRequest, run: Run) -> dict[str, Any]:
    return {"data": list(run(d.ListDatabases()))}


@route("/databases/describe", "Describe a database", DB, ("dbName",), "DatabaseReq")
def _describe_db(req: RestRequest, run: Run) -> dict[str, Any]:
    info = run(d.DescribeDatabase(db_name=_target(req)))
    return {"data": {"dbName": info.name, "dbID": info.db_id, "properties": rs.kv(info.properties)}}


@route("/databases/create", "Create a database", {**DB, "properties": "object"}, ("dbName",), "DatabaseReq")
def _create_db(req: RestRequest, run: Run) -> dict[str, Any]:
    props = {k: rs.text(v) for k, v in req.object("properties").items()}
    run(d.CreateDatabase(db_name=_target(req), properties=props))
    return {"data": {}}


@route("/databases/drop", "Drop an empty database", DB, ("dbName",), "DatabaseReq")
def _drop_db(req: RestRequest, run: Run) -> dict[str, Any]:
    run(d.DropDatabase(db_name=_target(req)))
    return {"data": {}}


@route("/databases/alter", "Set database properties", {**DB, "properties": "object"}, ("dbName",),
       "DatabaseReqWithProperties")
def _alter_db(req: RestRequest, run: Run) -> dict[str, Any]:
    props = {k: rs.text(v) for k, v in req.object("properties").items()}
    run(d.AlterDatabaseProperties(db_name=_target(req), properties=props))
    return {"data": {}}


route("/databases/alter_properties", "Set database properties (alias of alter)", {**DB, "properties": "object"},
      ("dbName",), "DatabaseReqWithProperties")(_alter_db)


@route("/databases/drop_properties", "Remove database properties", {**DB, "propertyKeys": "list[str]"},
       ("dbName",), "DropDatabasePropertiesReq")
def _drop_db_props(req: RestRequest, run: Run) -> dict[str, Any]:
    run(d.AlterDatabaseProperties(db_name=_target(req), delete_keys=req.names("propertyKeys")))
    return {"data": {}}


client(d.ListDatabases, lambda op: ("/databases/list", {}), lambda p, op, info: list(p["data"]))
client(d.DescribeDatabase, lambda op: ("/databases/describe", {"dbName": op.db_name}),
       lambda p, op, info: DatabaseInfo(p["data"]["dbName"], rs.from_kv(p["data"].get("properties")),
                                        int(p["data"].get("dbID", 0))))
client(d.CreateDatabase, lambda op: ("/databases/create", {"dbName": op.db_name, "properties": {
    k: rs.text(v) for k, v in op.properties.items()}}))
client(d.DropDatabase, lambda op: ("/databases/drop", {"dbName": op.db_name}))
client(d.AlterDatabaseProperties, lambda op: (
    ("/databases/drop_properties", {"dbName": op.db_name, "propertyKeys": list(op.delete_keys)}) if op.delete_keys
    else ("/databases/alter", {"dbName": op.db_name,
                               "properties": {k: rs.text(v) for k, v in op.properties.items()}})))

__all__ = ["index_json"]
