"""RPC table entries for collections, partitions, aliases, loading, databases and indexes.

Request field names follow ``milvus.proto``; properties are KeyValuePairs of strings; index build params are
flat KeyValuePairs (``index_type``, ``metric_type``, one pair per setting, a ``params`` pair holding JSON),
as pymilvus sends them. ``CreateCollection`` carries the schema as serialized ``CollectionSchema`` bytes; its
``index_params``/``load`` extras are not on the wire (see :func:`expand`).
"""

from __future__ import annotations

from typing import Any

import orjson

from azimuth.codec.grpc.proto import common_pb2, schema_pb2
from azimuth.codec.grpc.proto import milvus_pb2 as mpb
from azimuth.codec.grpc.schema import (
    field_from_proto,
    field_to_proto,
    from_kv,
    schema_from_bytes,
    schema_from_proto,
    schema_to_proto,
    to_kv,
)
from azimuth.codec.grpc.table import Hint, register
from azimuth.errors import Code, server_error
from azimuth.ops import collection as c
from azimuth.ops import database as d
from azimuth.ops import index as i
from azimuth.ops.base import Op
from azimuth.ops.results import (
    AliasInfo,
    AliasList,
    CollectionInfo,
    DatabaseInfo,
    IndexInfo,
    LoadStateResult,
    VersionInfo,
)
from azimuth.types.enums import IndexState
from azimuth.types.index_params import IndexParam


def expand(op: Op) -> list[Op]:
    """The RPC sequence of an op that Milvus splits in several calls (create with indexes, then load)."""
    if isinstance(op, c.CreateCollection) and (op.index_params or op.load):
        base = c.CreateCollection(collection_name=op.collection_name, db_name=op.db_name, schema=op.schema,
                                  consistency_level=op.consistency_level, properties=op.properties,
                                  num_shards=op.num_shards, num_partitions=op.num_partitions)
        steps: list[Op] = [base]
        steps += [i.CreateIndex(collection_name=op.collection_name, db_name=op.db_name, index=index)
                  for index in op.index_params]
        if op.load:
            steps.append(c.LoadCollection(collection_name=op.collection_name, db_name=op.db_name))
        return steps
    return [op]


# ---- collections -------------------------------------------------------------------------------------------


def _create_req(op: c.CreateCollection, hint: Hint) -> Any:
    if op.schema is None:
        raise server_error(Code.INVALID_PARAMETER, "a schema is required to create a collection")
    schema = schema_to_proto(op.schema, op.collection_name)
    return mpb.CreateCollectionRequest(
        db_name=op.db_name, collection_name=op.collection_name, schema=schema.SerializeToString(),
        shards_num=op.num_shards, consistency_level=op.consistency_level, properties=to_kv(op.properties),
        num_partitions=op.num_partitions)


def _create_op(req: Any) -> c.CreateCollection:
    return c.CreateCollection(collection_name=req.collection_name, db_name=req.db_name,
                              schema=schema_from_bytes(req.schema), consistency_level=int(req.consistency_level),
                              properties=from_kv(req.properties), num_shards=int(req.shards_num or 1),
                              num_partitions=int(req.num_partitions))


def _info_resp(info: CollectionInfo, hint: Hint) -> Any:
    return mpb.DescribeCollectionResponse(
        status=common_pb2.Status(), schema=schema_to_proto(info.schema, info.name, info.schema_version, info.db_name),
        collectionID=info.collection_id, created_timestamp=info.created_ts, update_timestamp=info.updated_ts,
        shards_num=info.num_shards, aliases=list(info.aliases), consistency_level=info.consistency_level,
        collection_name=info.name, properties=to_kv(info.properties), db_name=info.db_name,
        num_partitions=info.num_partitions)


def _info_result(resp: Any) -> CollectionInfo:
    return CollectionInfo(
        name=resp.collection_name or resp.schema.name, collection_id=resp.collectionID, db_name=resp.db_name,
        schema=schema_from_proto(resp.schema), schema_version=int(resp.schema.version), aliases=tuple(resp.aliases),
        consistency_level=int(resp.consistency_level), properties=from_kv(resp.properties),
        num_shards=int(resp.shards_num), num_partitions=int(resp.num_partitions),
        created_ts=int(resp.created_timestamp), updated_ts=int(resp.update_timestamp))


def _bool_resp(value: bool, hint: Hint) -> Any:
    return mpb.BoolResponse(status=common_pb2.Status(), value=bool(value))


def _stats_resp(stats: dict[str, Any], hint: Hint) -> Any:
    return mpb.GetCollectionStatisticsResponse(status=common_pb2.Status(), stats=to_kv(stats))


def _stats_result(resp: Any) -> dict[str, Any]:
    return {k: int(v) if v.lstrip("-").isdigit() else v for k, v in from_kv(resp.stats).items()}


def _names(field: str) -> Any:
    return lambda resp: list(getattr(resp, field))


register("CreateCollection", c.CreateCollection, _create_req, _create_op)
register("DescribeCollection", c.DescribeCollection,
         lambda op, h: mpb.DescribeCollectionRequest(db_name=op.db_name, collection_name=op.collection_name),
         lambda r: c.DescribeCollection(collection_name=r.collection_name, db_name=r.db_name),
         _info_resp, _info_result)
register("HasCollection", c.HasCollection,
         lambda op, h: mpb.HasCollectionRequest(db_name=op.db_name, collection_name=op.collection_name),
         lambda r: c.HasCollection(collection_name=r.collection_name, db_name=r.db_name),
         _bool_resp, lambda r: bool(r.value))
register("ShowCollections", c.ListCollections,
         lambda op, h: mpb.ShowCollectionsRequest(db_name=op.db_name),
         lambda r: c.ListCollections(db_name=r.db_name),
         lambda names, h: mpb.ShowCollectionsResponse(status=common_pb2.Status(), collection_names=list(names)),
         _names("collection_names"))
register("DropCollection", c.DropCollection,
         lambda op, h: mpb.DropCollectionRequest(db_name=op.db_name, collection_name=op.collection_name),
         lambda r: c.DropCollection(collection_name=r.collection_name, db_name=r.db_name))
register("RenameCollection", c.RenameCollection,
         lambda op, h: mpb.RenameCollectionRequest(db_name=op.db_name, oldName=op.collection_name,
                                                   newName=op.new_name, newDBName=op.new_db_name),
         lambda r: c.RenameCollection(collection_name=r.oldName, db_name=r.db_name, new_name=r.newName,
                                      new_db_name=r.newDBName))
register("TruncateCollection", c.TruncateCollection,
         lambda op, h: mpb.TruncateCollectionRequest(db_name=op.db_name, collection_name=op.collection_name),
         lambda r: c.TruncateCollection(collection_name=r.collection_name, db_name=r.db_name),
         lambda result, h: mpb.TruncateCollectionResponse(status=common_pb2.Status()))
register("GetCollectionStatistics", c.GetCollectionStats,
         lambda op, h: mpb.GetCollectionStatisticsRequest(db_name=op.db_name, collection_name=op.collection_name),
         lambda r: c.GetCollectionStats(collection_name=r.collection_name, db_name=r.db_name),
         _stats_resp, _stats_result)
register("AlterCollection", c.AlterCollectionProperties,
         lambda op, h: mpb.AlterCollectionRequest(db_name=op.db_name, collection_name=op.collection_name,
                                                  properties=to_kv(op.properties), delete_keys=list(op.delete_keys)),
         lambda r: c.AlterCollectionProperties(collection_name=r.collection_name, db_name=r.db_name,
                                               properties=from_kv(r.properties), delete_keys=tuple(r.delete_keys)))


def _add_field_op(req: Any) -> c.AddCollectionField:
    try:
        message = schema_pb2.FieldSchema.FromString(req.schema)
    except Exception:  # protobuf DecodeError
        raise server_error(Code.INVALID_PARAMETER, "the field schema is not a valid FieldSchema") from None
    return c.AddCollectionField(collection_name=req.collection_name, db_name=req.db_name,
                                field_schema=field_from_proto(message))


register("AddCollectionField", c.AddCollectionField,
         lambda op, h: mpb.AddCollectionFieldRequest(db_name=op.db_name, collection_name=op.collection_name,
                                                     schema=field_to_proto(op.field_schema).SerializeToString()),
         _add_field_op)
register("AlterCollectionField", c.AlterCollectionField,
         lambda op, h: mpb.AlterCollectionFieldRequest(db_name=op.db_name, collection_name=op.collection_name,
                                                       field_name=op.field_name, properties=to_kv(op.field_params)),
         lambda r: c.AlterCollectionField(collection_name=r.collection_name, db_name=r.db_name,
                                          field_name=r.field_name, field_params=from_kv(r.properties)))

# ---- loading and flushing ----------------------------------------------------------------------------------
register("LoadCollection", c.LoadCollection,
         lambda op, h: mpb.LoadCollectionRequest(db_name=op.db_name, collection_name=op.collection_name,
                                                 load_fields=list(op.load_fields), refresh=op.refresh),
         lambda r: c.LoadCollection(collection_name=r.collection_name, db_name=r.db_name,
                                    load_fields=tuple(r.load_fields), refresh=r.refresh))
register("ReleaseCollection", c.ReleaseCollection,
         lambda op, h: mpb.ReleaseCollectionRequest(db_name=op.db_name, collection_name=op.collection_name),
         lambda r: c.ReleaseCollection(collection_name=r.collection_name, db_name=r.db_name))
register("GetLoadState", c.GetLoadState,
         lambda op, h: mpb.GetLoadStateRequest(db_name=op.db_name, collection_name=op.collection_name,
                                               partition_names=list(op.partition_names)),
         lambda r: c.GetLoadState(collection_name=r.collection_name, db_name=r.db_name,
                                  partition_names=tuple(r.partition_names)),
         lambda res, h: mpb.GetLoadStateResponse(status=common_pb2.Status(), state=int(res.state)),
         lambda r: LoadStateResult(int(r.state)))
register("Flush", c.Flush,
         lambda op, h: mpb.FlushRequest(db_name=op.db_name, collection_names=[op.collection_name]),
         lambda r: c.Flush(collection_name=r.collection_names[0] if r.collection_names else "", db_name=r.db_name),
         lambda res, h: mpb.FlushResponse(status=common_pb2.Status()))
register("FlushAll", c.FlushAll,
         lambda op, h: mpb.FlushAllRequest(db_name=op.db_name),
         lambda r: c.FlushAll(db_name=r.db_name),
         lambda res, h: mpb.FlushAllResponse(status=common_pb2.Status()))
register("ManualCompaction", c.Compact,
         lambda op, h: mpb.ManualCompactionRequest(db_name=op.db_name, collection_name=op.collection_name,
                                                   majorCompaction=op.is_clustering,
                                                   target_size=op.target_size_mb),
         lambda r: c.Compact(collection_name=r.collection_name, db_name=r.db_name, is_clustering=r.majorCompaction,
                             target_size_mb=int(r.target_size)),
         lambda res, h: mpb.ManualCompactionResponse(status=common_pb2.Status(), compactionID=int(res or 0)),
         lambda r: int(r.compactionID))

register("GetCompactionState", c.GetCompactionState,
         lambda op, h: mpb.GetCompactionStateRequest(compactionID=op.job_id),
         lambda r: c.GetCompactionState(job_id=int(r.compactionID)),
         lambda state, h: mpb.GetCompactionStateResponse(status=common_pb2.Status(),
                                                         state=common_pb2.CompactionState.Value(state)),
         lambda r: common_pb2.CompactionState.Name(r.state))

# ---- partitions --------------------------------------------------------------------------------------------
for _rpc, _op, _req in (("CreatePartition", c.CreatePartition, mpb.CreatePartitionRequest),
                        ("DropPartition", c.DropPartition, mpb.DropPartitionRequest)):
    register(_rpc, _op,
             lambda op, h, _req=_req: _req(db_name=op.db_name, collection_name=op.collection_name,
                                           partition_name=op.partition_name),
             lambda r, _op=_op: _op(collection_name=r.collection_name, db_name=r.db_name,
                                    partition_name=r.partition_name))
register("HasPartition", c.HasPartition,
         lambda op, h: mpb.HasPartitionRequest(db_name=op.db_name, collection_name=op.collection_name,
                                               partition_name=op.partition_name),
         lambda r: c.HasPartition(collection_name=r.collection_name, db_name=r.db_name,
                                  partition_name=r.partition_name),
         _bool_resp, lambda r: bool(r.value))
register("ShowPartitions", c.ListPartitions,
         lambda op, h: mpb.ShowPartitionsRequest(db_name=op.db_name, collection_name=op.collection_name),
         lambda r: c.ListPartitions(collection_name=r.collection_name, db_name=r.db_name),
         lambda names, h: mpb.ShowPartitionsResponse(status=common_pb2.Status(), partition_names=list(names)),
         _names("partition_names"))
for _rpc, _op, _req in (("LoadPartitions", c.LoadPartitions, mpb.LoadPartitionsRequest),
                        ("ReleasePartitions", c.ReleasePartitions, mpb.ReleasePartitionsRequest)):
    register(_rpc, _op,
             lambda op, h, _req=_req: _req(db_name=op.db_name, collection_name=op.collection_name,
                                           partition_names=list(op.partition_names)),
             lambda r, _op=_op: _op(collection_name=r.collection_name, db_name=r.db_name,
                                    partition_names=tuple(r.partition_names)))
register("GetPartitionStatistics", c.GetPartitionStats,
         lambda op, h: mpb.GetPartitionStatisticsRequest(db_name=op.db_name, collection_name=op.collection_name,
                                                         partition_name=op.partition_name),
         lambda r: c.GetPartitionStats(collection_name=r.collection_name, db_name=r.db_name,
                                       partition_name=r.partition_name),
         lambda stats, h: mpb.GetPartitionStatisticsResponse(status=common_pb2.Status(), stats=to_kv(stats)),
         _stats_result)

# ---- aliases -----------------------------------------------------------------------------------------------
for _rpc, _op, _req in (("CreateAlias", c.CreateAlias, mpb.CreateAliasRequest),
                        ("AlterAlias", c.AlterAlias, mpb.AlterAliasRequest)):
    register(_rpc, _op,
             lambda op, h, _req=_req: _req(db_name=op.db_name, collection_name=op.collection_name, alias=op.alias),
             lambda r, _op=_op: _op(collection_name=r.collection_name, db_name=r.db_name, alias=r.alias))
register("DropAlias", c.DropAlias,
         lambda op, h: mpb.DropAliasRequest(db_name=op.db_name, alias=op.alias),
         lambda r: c.DropAlias(alias=r.alias, db_name=r.db_name))
register("DescribeAlias", c.DescribeAlias,
         lambda op, h: mpb.DescribeAliasRequest(db_name=op.db_name, alias=op.alias),
         lambda r: c.DescribeAlias(alias=r.alias, db_name=r.db_name),
         lambda a, h: mpb.DescribeAliasResponse(status=common_pb2.Status(), db_name=a.db_name, alias=a.alias,
                                                collection=a.collection_name),
         lambda r: AliasInfo(r.alias, r.collection, r.db_name))
register("ListAliases", c.ListAliases,
         lambda op, h: mpb.ListAliasesRequest(db_name=op.db_name, collection_name=op.collection_name),
         lambda r: c.ListAliases(collection_name=r.collection_name, db_name=r.db_name),
         lambda a, h: mpb.ListAliasesResponse(status=common_pb2.Status(), db_name=a.db_name,
                                              collection_name=a.collection_name, aliases=list(a.aliases)),
         lambda r: AliasList(r.db_name, r.collection_name, tuple(r.aliases)))

# ---- databases ---------------------------------------------------------------------------------------------
register("CreateDatabase", d.CreateDatabase,
         lambda op, h: mpb.CreateDatabaseRequest(db_name=op.db_name, properties=to_kv(op.properties)),
         lambda r: d.CreateDatabase(db_name=r.db_name, properties=from_kv(r.properties)))
register("DropDatabase", d.DropDatabase,
         lambda op, h: mpb.DropDatabaseRequest(db_name=op.db_name),
         lambda r: d.DropDatabase(db_name=r.db_name))
register("ListDatabases", d.ListDatabases,
         lambda op, h: mpb.ListDatabasesRequest(),
         lambda r: d.ListDatabases(),
         lambda names, h: mpb.ListDatabasesResponse(status=common_pb2.Status(), db_names=list(names)),
         _names("db_names"))
register("DescribeDatabase", d.DescribeDatabase,
         lambda op, h: mpb.DescribeDatabaseRequest(db_name=op.db_name),
         lambda r: d.DescribeDatabase(db_name=r.db_name),
         lambda info, h: mpb.DescribeDatabaseResponse(status=common_pb2.Status(), db_name=info.name,
                                                      dbID=info.db_id, created_timestamp=info.created_ts,
                                                      properties=to_kv(info.properties)),
         lambda r: DatabaseInfo(r.db_name, from_kv(r.properties), int(r.dbID), int(r.created_timestamp)))
register("AlterDatabase", d.AlterDatabaseProperties,
         lambda op, h: mpb.AlterDatabaseRequest(db_name=op.db_name, properties=to_kv(op.properties),
                                                delete_keys=list(op.delete_keys)),
         lambda r: d.AlterDatabaseProperties(db_name=r.db_name, properties=from_kv(r.properties),
                                             delete_keys=tuple(r.delete_keys)))
register("GetVersion", d.GetVersion,
         lambda op, h: mpb.GetVersionRequest(),
         lambda r: d.GetVersion(),
         lambda v, h: mpb.GetVersionResponse(status=common_pb2.Status(), version=v.version),
         lambda r: VersionInfo(r.version, deploy_mode="CLUSTER"))


# ---- indexes -----------------------------------------------------------------------------------------------


def _index_value(value: Any) -> str:
    if isinstance(value, dict):
        return orjson.dumps(value).decode()
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _index_kv(params: dict[str, Any]) -> list[Any]:
    return [common_pb2.KeyValuePair(key=str(k), value=_index_value(v)) for k, v in params.items() if v is not None]


def _index_params(pairs: Any) -> dict[str, Any]:
    out: dict[str, Any] = from_kv(pairs)
    if "params" in out:
        try:
            out["params"] = orjson.loads(out["params"])
        except orjson.JSONDecodeError:
            raise server_error(Code.INVALID_PARAMETER, f"index params are not valid JSON: {out['params']}") from None
    return out


def _create_index_req(op: i.CreateIndex, hint: Hint) -> Any:
    index = op.index
    if index is None:
        raise server_error(Code.INVALID_PARAMETER, "index params are empty")
    return mpb.CreateIndexRequest(db_name=op.db_name, collection_name=op.collection_name,
                                  field_name=index.field_name, index_name=index.index_name,
                                  extra_params=_index_kv(index.get_index_configs()))


def _create_index_op(req: Any) -> i.CreateIndex:
    configs = _index_params(req.extra_params)
    index_type = configs.pop("index_type", "")
    index = IndexParam(req.field_name, index_type, req.index_name, **configs)
    return i.CreateIndex(collection_name=req.collection_name, db_name=req.db_name, index=index)


def _index_desc(info: IndexInfo) -> Any:
    state = IndexState[info.state] if info.state in IndexState.__members__ else IndexState.Finished
    return mpb.IndexDescription(
        index_name=info.index_name, indexID=info.index_id, params=_index_kv(info.params),
        field_name=info.field_name, indexed_rows=info.indexed_rows, total_rows=info.total_rows,
        pending_index_rows=info.pending_index_rows, state=int(state))


def _index_info(desc: Any) -> IndexInfo:
    return IndexInfo(index_name=desc.index_name, field_name=desc.field_name, params=_index_params(desc.params),
                     total_rows=int(desc.total_rows), indexed_rows=int(desc.indexed_rows),
                     pending_index_rows=int(desc.pending_index_rows),
                     state=common_pb2.IndexState.Name(desc.state), index_id=int(desc.indexID))


register("CreateIndex", i.CreateIndex, _create_index_req, _create_index_op)
register("DescribeIndex", i.DescribeIndex,
         lambda op, h: mpb.DescribeIndexRequest(db_name=op.db_name, collection_name=op.collection_name,
                                                index_name=op.index_name, field_name=op.field_name),
         lambda r: i.DescribeIndex(collection_name=r.collection_name, db_name=r.db_name, index_name=r.index_name,
                                   field_name=r.field_name),
         lambda infos, h: mpb.DescribeIndexResponse(status=common_pb2.Status(),
                                                    index_descriptions=[_index_desc(x) for x in infos]),
         lambda r: [_index_info(desc) for desc in r.index_descriptions])
register("DropIndex", i.DropIndex,
         lambda op, h: mpb.DropIndexRequest(db_name=op.db_name, collection_name=op.collection_name,
                                            index_name=op.index_name, field_name=op.field_name),
         lambda r: i.DropIndex(collection_name=r.collection_name, db_name=r.db_name, index_name=r.index_name,
                               field_name=r.field_name))
register("AlterIndex", i.AlterIndexProperties,
         lambda op, h: mpb.AlterIndexRequest(db_name=op.db_name, collection_name=op.collection_name,
                                             index_name=op.index_name, extra_params=_index_kv(op.properties),
                                             delete_keys=list(op.delete_keys)),
         lambda r: i.AlterIndexProperties(collection_name=r.collection_name, db_name=r.db_name,
                                          index_name=r.index_name, properties=from_kv(r.extra_params),
                                          delete_keys=tuple(r.delete_keys)))

__all__ = ["expand"]
