"""RPC table entries for administration: credentials and RBAC, resource groups and replicas, segment /
flush / compaction introspection, schema functions and field drops, and the analyzer.

Passwords travel base64-encoded, as pymilvus sends them. Resource group configs are ``ResourceGroupConfig``
messages on the wire and plain dicts (``json_format`` field names) in ops.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

import orjson
from google.protobuf import json_format

from azimuth.codec.grpc.ddl import _index_kv
from azimuth.codec.grpc.proto import common_pb2, schema_pb2
from azimuth.codec.grpc.proto import milvus_pb2 as mpb
from azimuth.codec.grpc.schema import field_from_proto, field_to_proto, function_from_proto, function_to_proto
from azimuth.codec.grpc.table import Hint, register
from azimuth.ops import admin as a
from azimuth.types.index_params import IndexParam

OK = common_pb2.Status


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def _unb64(value: str) -> str:
    try:
        return base64.b64decode(value, validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return value


def _status(result: Any, hint: Hint) -> Any:
    return OK()


# ---- users -----------------------------------------------------------------------------------------------------
def _create_user_req(op: a.CreateUser, hint: Hint) -> Any:
    req = mpb.CreateCredentialRequest(username=op.user_name, password=_b64(op.password))
    if op.description is not None:
        req.description = op.description
    return req


def _update_cred_req(op: a.UpdateCredential, hint: Hint) -> Any:
    req = mpb.UpdateCredentialRequest(username=op.user_name, oldPassword=_b64(op.old_password),
                                      newPassword=_b64(op.new_password))
    if op.description is not None:
        req.description = op.description
    return req


register("CreateCredential", a.CreateUser, _create_user_req,
         lambda r: a.CreateUser(user_name=r.username, password=_unb64(r.password), description=r.description or None))
register("DeleteCredential", a.DropUser,
         lambda op, h: mpb.DeleteCredentialRequest(username=op.user_name),
         lambda r: a.DropUser(user_name=r.username))
register("UpdateCredential", a.UpdateCredential, _update_cred_req,
         lambda r: a.UpdateCredential(user_name=r.username, old_password=_unb64(r.oldPassword),
                                      new_password=_unb64(r.newPassword), description=r.description or None))
register("ListCredUsers", a.ListUsers,
         lambda op, h: mpb.ListCredUsersRequest(),
         lambda r: a.ListUsers(),
         lambda names, h: mpb.ListCredUsersResponse(status=OK(), usernames=list(names)),
         lambda r: list(r.usernames))


def _select_user_resp(users: list[a.UserResult], hint: Hint) -> Any:
    return mpb.SelectUserResponse(status=OK(), results=[
        mpb.UserResult(user=mpb.UserEntity(name=u.user_name), roles=[mpb.RoleEntity(name=r) for r in u.roles],
                       description=u.description) for u in users])


register("SelectUser", a.SelectUser,
         lambda op, h: mpb.SelectUserRequest(user=mpb.UserEntity(name=op.user_name) if op.user_name else None,
                                             include_role_info=op.include_role_info),
         lambda r: a.SelectUser(user_name=r.user.name, include_role_info=r.include_role_info),
         _select_user_resp,
         lambda r: [a.UserResult(x.user.name, tuple(e.name for e in x.roles), x.description) for x in r.results])

# ---- roles -------------------------------------------------------------------------------------------------------
register("CreateRole", a.CreateRole,
         lambda op, h: mpb.CreateRoleRequest(entity=mpb.RoleEntity(name=op.role_name, description=op.description)),
         lambda r: a.CreateRole(role_name=r.entity.name, description=r.entity.description))
register("DropRole", a.DropRole,
         lambda op, h: mpb.DropRoleRequest(role_name=op.role_name, force_drop=op.force_drop),
         lambda r: a.DropRole(role_name=r.role_name, force_drop=r.force_drop))
register("AlterRole", a.AlterRole,
         lambda op, h: mpb.AlterRoleRequest(role_name=op.role_name, description=op.description),
         lambda r: a.AlterRole(role_name=r.role_name, description=r.description))


def _select_role_resp(roles: list[a.RoleResult], hint: Hint) -> Any:
    return mpb.SelectRoleResponse(status=OK(), results=[
        mpb.RoleResult(role=mpb.RoleEntity(name=x.role_name, description=x.description),
                       users=[mpb.UserEntity(name=u) for u in x.users]) for x in roles])


register("SelectRole", a.SelectRole,
         lambda op, h: mpb.SelectRoleRequest(role=mpb.RoleEntity(name=op.role_name) if op.role_name else None,
                                             include_user_info=op.include_user_info),
         lambda r: a.SelectRole(role_name=r.role.name, include_user_info=r.include_user_info),
         _select_role_resp,
         lambda r: [a.RoleResult(x.role.name, x.role.description, tuple(u.name for u in x.users)) for x in r.results])


def _grant_entity(g: a.Grant) -> Any:
    return mpb.GrantEntity(role=mpb.RoleEntity(name=g.role_name), object=mpb.ObjectEntity(name=g.object_type),
                           object_name=g.object_name, db_name=g.db_name,
                           grantor=mpb.GrantorEntity(user=mpb.UserEntity(name=g.grantor),
                                                     privilege=mpb.PrivilegeEntity(name=g.privilege)))


def _select_grant_req(op: a.SelectGrant, hint: Hint) -> Any:
    entity = mpb.GrantEntity(role=mpb.RoleEntity(name=op.role_name), db_name=op.db_name,
                             object_name=op.object_name)
    if op.object_type:
        entity.object.name = op.object_type
    return mpb.SelectGrantRequest(entity=entity)


register("SelectGrant", a.SelectGrant, _select_grant_req,
         lambda r: a.SelectGrant(role_name=r.entity.role.name, object_type=r.entity.object.name,
                                 object_name=r.entity.object_name, db_name=r.entity.db_name),
         lambda grants, h: mpb.SelectGrantResponse(status=OK(), entities=[_grant_entity(g) for g in grants]),
         lambda r: [a.Grant(e.object.name, e.object_name, e.db_name, e.role.name, e.grantor.privilege.name,
                            e.grantor.user.name) for e in r.entities])
register("OperateUserRole", a.OperateUserRole,
         lambda op, h: mpb.OperateUserRoleRequest(username=op.user_name, role_name=op.role_name,
                                                  type=0 if op.add else 1),
         lambda r: a.OperateUserRole(user_name=r.username, role_name=r.role_name, add=r.type == 0))
register("OperatePrivilege", a.OperatePrivilege,
         lambda op, h: mpb.OperatePrivilegeRequest(
             entity=mpb.GrantEntity(role=mpb.RoleEntity(name=op.role_name),
                                    object=mpb.ObjectEntity(name=op.object_type), object_name=op.object_name,
                                    db_name=op.db_name,
                                    grantor=mpb.GrantorEntity(privilege=mpb.PrivilegeEntity(name=op.privilege))),
             type=0 if op.grant else 1),
         lambda r: a.OperatePrivilege(role_name=r.entity.role.name, object_type=r.entity.object.name,
                                      object_name=r.entity.object_name, privilege=r.entity.grantor.privilege.name,
                                      db_name=r.entity.db_name, grant=r.type == 0))
register("OperatePrivilegeV2", a.OperatePrivilegeV2,
         lambda op, h: mpb.OperatePrivilegeV2Request(
             role=mpb.RoleEntity(name=op.role_name),
             grantor=mpb.GrantorEntity(privilege=mpb.PrivilegeEntity(name=op.privilege)),
             type=0 if op.grant else 1, db_name=op.db_name, collection_name=op.collection_name),
         lambda r: a.OperatePrivilegeV2(role_name=r.role.name, privilege=r.grantor.privilege.name,
                                        collection_name=r.collection_name, db_name=r.db_name, grant=r.type == 0))

# ---- privilege groups ------------------------------------------------------------------------------------------
register("CreatePrivilegeGroup", a.CreatePrivilegeGroup,
         lambda op, h: mpb.CreatePrivilegeGroupRequest(group_name=op.group_name),
         lambda r: a.CreatePrivilegeGroup(group_name=r.group_name))
register("DropPrivilegeGroup", a.DropPrivilegeGroup,
         lambda op, h: mpb.DropPrivilegeGroupRequest(group_name=op.group_name),
         lambda r: a.DropPrivilegeGroup(group_name=r.group_name))
register("ListPrivilegeGroups", a.ListPrivilegeGroups,
         lambda op, h: mpb.ListPrivilegeGroupsRequest(),
         lambda r: a.ListPrivilegeGroups(),
         lambda groups, h: mpb.ListPrivilegeGroupsResponse(status=OK(), privilege_groups=[
             mpb.PrivilegeGroupInfo(group_name=name, privileges=[mpb.PrivilegeEntity(name=p) for p in privileges])
             for name, privileges in groups]),
         lambda r: [(g.group_name, tuple(p.name for p in g.privileges)) for g in r.privilege_groups])
register("OperatePrivilegeGroup", a.OperatePrivilegeGroup,
         lambda op, h: mpb.OperatePrivilegeGroupRequest(
             group_name=op.group_name, privileges=[mpb.PrivilegeEntity(name=p) for p in op.privileges],
             type=0 if op.add else 1),
         lambda r: a.OperatePrivilegeGroup(group_name=r.group_name, privileges=tuple(p.name for p in r.privileges),
                                           add=r.type == 0))


# ---- resource groups and replicas ----------------------------------------------------------------------------------
def _config_dict(message: Any) -> dict[str, Any]:
    return json_format.MessageToDict(message, preserving_proto_field_name=True)


def _create_rg_req(op: a.CreateResourceGroup, hint: Hint) -> Any:
    req = mpb.CreateResourceGroupRequest(resource_group=op.group_name)
    if op.config:
        json_format.ParseDict(op.config, req.config)
    return req


def _update_rg_req(op: a.UpdateResourceGroups, hint: Hint) -> Any:
    req = mpb.UpdateResourceGroupsRequest()
    for name, config in op.configs.items():
        json_format.ParseDict(config, req.resource_groups[name])
    return req


def _describe_rg_resp(desc: a.ResourceGroupDesc, hint: Hint) -> Any:
    group = mpb.ResourceGroup(name=desc.name, capacity=desc.capacity, num_available_node=desc.num_available_node,
                              num_loaded_replica=desc.num_loaded_replica, num_outgoing_node=desc.num_outgoing_node,
                              num_incoming_node=desc.num_incoming_node,
                              nodes=[common_pb2.NodeInfo(node_id=n, address=addr, hostname=host)
                                     for n, addr, host in desc.nodes])
    if desc.config:
        json_format.ParseDict(desc.config, group.config)
    return mpb.DescribeResourceGroupResponse(status=OK(), resource_group=group)


def _describe_rg_result(resp: Any) -> a.ResourceGroupDesc:
    g = resp.resource_group
    return a.ResourceGroupDesc(g.name, int(g.capacity), int(g.num_available_node), dict(g.num_loaded_replica),
                               dict(g.num_outgoing_node), dict(g.num_incoming_node), _config_dict(g.config),
                               tuple((n.node_id, n.address, n.hostname) for n in g.nodes))


register("CreateResourceGroup", a.CreateResourceGroup, _create_rg_req,
         lambda r: a.CreateResourceGroup(group_name=r.resource_group,
                                         config=_config_dict(r.config) if r.HasField("config") else {}))
register("DropResourceGroup", a.DropResourceGroup,
         lambda op, h: mpb.DropResourceGroupRequest(resource_group=op.group_name),
         lambda r: a.DropResourceGroup(group_name=r.resource_group))
register("UpdateResourceGroups", a.UpdateResourceGroups, _update_rg_req,
         lambda r: a.UpdateResourceGroups(configs={k: _config_dict(v) for k, v in r.resource_groups.items()}))
register("DescribeResourceGroup", a.DescribeResourceGroup,
         lambda op, h: mpb.DescribeResourceGroupRequest(resource_group=op.group_name),
         lambda r: a.DescribeResourceGroup(group_name=r.resource_group),
         _describe_rg_resp, _describe_rg_result)
register("ListResourceGroups", a.ListResourceGroups,
         lambda op, h: mpb.ListResourceGroupsRequest(),
         lambda r: a.ListResourceGroups(),
         lambda names, h: mpb.ListResourceGroupsResponse(status=OK(), resource_groups=list(names)),
         lambda r: list(r.resource_groups))
register("TransferReplica", a.TransferReplica,
         lambda op, h: mpb.TransferReplicaRequest(source_resource_group=op.source_group,
                                                  target_resource_group=op.target_group,
                                                  collection_name=op.collection_name, num_replica=op.num_replicas,
                                                  db_name=op.db_name),
         lambda r: a.TransferReplica(collection_name=r.collection_name, db_name=r.db_name,
                                     source_group=r.source_resource_group, target_group=r.target_resource_group,
                                     num_replicas=int(r.num_replica)))


def _replicas_resp(replicas: list[a.ReplicaDesc], hint: Hint) -> Any:
    return mpb.GetReplicasResponse(status=OK(), replicas=[
        mpb.ReplicaInfo(replicaID=x.replica_id, collectionID=x.collection_id, partition_ids=list(x.partition_ids),
                        shard_replicas=[mpb.ShardReplica(leaderID=leader, dm_channel_name=channel,
                                                         node_ids=list(nodes)) for channel, leader, nodes in x.shards],
                        node_ids=list(x.node_ids), resource_group_name=x.resource_group,
                        num_outbound_node=x.num_outbound_node) for x in replicas])


def _replicas_result(resp: Any) -> list[a.ReplicaDesc]:
    return [a.ReplicaDesc(int(x.replicaID), int(x.collectionID), tuple(x.partition_ids),
                          tuple((s.dm_channel_name, int(s.leaderID), tuple(s.node_ids)) for s in x.shard_replicas),
                          tuple(x.node_ids), x.resource_group_name, dict(x.num_outbound_node))
            for x in resp.replicas]


register("GetReplicas", a.GetReplicas,
         lambda op, h: mpb.GetReplicasRequest(collection_name=op.collection_name, db_name=op.db_name,
                                              collectionID=op.collection_id, with_shard_nodes=True),
         lambda r: a.GetReplicas(collection_name=r.collection_name, db_name=r.db_name,
                                 collection_id=int(r.collectionID)),
         _replicas_resp, _replicas_result)

# ---- segments, flush, compaction -----------------------------------------------------------------------------------
register("GetFlushAllState", a.GetFlushAllState,
         lambda op, h: mpb.GetFlushAllStateRequest(db_name=op.db_name),
         lambda r: a.GetFlushAllState(db_name=r.db_name),
         lambda flushed, h: mpb.GetFlushAllStateResponse(status=OK(), flushed=bool(flushed)),
         lambda r: bool(r.flushed))


def _persistent_resp(infos: list[a.SegmentDesc], hint: Hint) -> Any:
    return mpb.GetPersistentSegmentInfoResponse(status=OK(), infos=[
        mpb.PersistentSegmentInfo(segmentID=s.segment_id, collectionID=s.collection_id, partitionID=s.partition_id,
                                  num_rows=s.num_rows, state=s.state, level=s.level, is_sorted=s.is_sorted,
                                  storage_version=s.storage_version, insert_channel=s.insert_channel)
        for s in infos])


def _persistent_result(resp: Any) -> list[a.SegmentDesc]:
    return [a.SegmentDesc(int(s.segmentID), int(s.collectionID), int(s.partitionID), int(s.num_rows), int(s.state),
                          int(s.level), bool(s.is_sorted), int(s.storage_version), s.insert_channel)
            for s in resp.infos]


def _query_resp(infos: list[a.SegmentDesc], hint: Hint) -> Any:
    return mpb.GetQuerySegmentInfoResponse(status=OK(), infos=[
        mpb.QuerySegmentInfo(segmentID=s.segment_id, collectionID=s.collection_id, partitionID=s.partition_id,
                             mem_size=s.mem_size, num_rows=s.num_rows, index_name=s.index_name, indexID=s.index_id,
                             nodeID=s.node_ids[0] if s.node_ids else 0, state=s.state, nodeIds=list(s.node_ids),
                             level=s.level, is_sorted=s.is_sorted, storage_version=s.storage_version)
        for s in infos])


def _query_result(resp: Any) -> list[a.SegmentDesc]:
    return [a.SegmentDesc(int(s.segmentID), int(s.collectionID), int(s.partitionID), int(s.num_rows), int(s.state),
                          int(s.level), bool(s.is_sorted), int(s.storage_version), "", s.index_name,
                          int(s.indexID), int(s.mem_size), tuple(s.nodeIds) or ((int(s.nodeID),) if s.nodeID else ()))
            for s in resp.infos]


register("GetPersistentSegmentInfo", a.ListPersistentSegments,
         lambda op, h: mpb.GetPersistentSegmentInfoRequest(dbName=op.db_name, collectionName=op.collection_name,
                                                           states=list(op.states)),
         lambda r: a.ListPersistentSegments(collection_name=r.collectionName, db_name=r.dbName,
                                            states=tuple(int(s) for s in r.states)),
         _persistent_resp, _persistent_result)
register("GetQuerySegmentInfo", a.ListLoadedSegments,
         lambda op, h: mpb.GetQuerySegmentInfoRequest(dbName=op.db_name, collectionName=op.collection_name),
         lambda r: a.ListLoadedSegments(collection_name=r.collectionName, db_name=r.dbName),
         _query_resp, _query_result)
register("GetCompactionStateWithPlans", a.GetCompactionPlans,
         lambda op, h: mpb.GetCompactionPlansRequest(compactionID=op.job_id, db_name=op.db_name,
                                                     collection_name=op.collection_name),
         lambda r: a.GetCompactionPlans(job_id=int(r.compactionID), collection_name=r.collection_name,
                                        db_name=r.db_name),
         lambda plans, h: mpb.GetCompactionPlansResponse(status=OK(), state=plans.state, mergeInfos=[
             mpb.CompactionMergeInfo(sources=list(src), target=target) for src, target in plans.plans]),
         lambda r: a.CompactionPlansDesc(int(r.state), tuple((tuple(m.sources), int(m.target))
                                                             for m in r.mergeInfos)))


# ---- schema: functions and field drops -------------------------------------------------------------------------
def _index_value(raw: str) -> Any:
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        return raw


def _alter_schema_req(op: a.AlterCollectionSchema, hint: Hint) -> Any:
    req = mpb.AlterCollectionSchemaRequest(db_name=op.db_name, collection_name=op.collection_name)
    if op.field_schema is not None or op.function is not None:
        add = req.action.add_request
        if op.field_schema is not None:
            info = add.field_infos.add(field_schema=field_to_proto(op.field_schema))
            if op.index is not None:
                info.index_name = op.index.index_name
                info.extra_params.extend(_index_kv(op.index.get_index_configs()))
        if op.function is not None:
            add.func_schema.append(function_to_proto(op.function, 0, {}))
    else:
        drop = req.action.drop_request  # field_name / field_id / function_name are a oneof
        if op.drop_field_name:
            drop.field_name = op.drop_field_name
        elif op.drop_field_id:
            drop.field_id = op.drop_field_id
        else:
            drop.function_name = op.drop_function_name
            drop.drop_function_output_fields = True
    return req


def _alter_schema_op(req: Any) -> a.AlterCollectionSchema:
    base = {"collection_name": req.collection_name, "db_name": req.db_name}
    if req.action.HasField("add_request"):
        add = req.action.add_request
        field = index = None
        if add.field_infos:
            info = add.field_infos[0]
            field = field_from_proto(info.field_schema)
            configs = {kv.key: _index_value(kv.value) for kv in info.extra_params}
            if configs or info.index_name:
                index_type = configs.pop("index_type", "")
                index = IndexParam(field.name, index_type, info.index_name, **configs)
        function = function_from_proto(add.func_schema[0]) if add.func_schema else None
        return a.AlterCollectionSchema(**base, field_schema=field, function=function, index=index)
    drop = req.action.drop_request
    return a.AlterCollectionSchema(**base, drop_field_name=drop.field_name, drop_field_id=int(drop.field_id),
                                   drop_function_name=drop.function_name)


register("AlterCollectionSchema", a.AlterCollectionSchema, _alter_schema_req, _alter_schema_op,
         lambda result, h: mpb.AlterCollectionSchemaResponse(alter_status=OK()))
register("AddCollectionFunction", a.AddCollectionFunction,
         lambda op, h: mpb.AddCollectionFunctionRequest(db_name=op.db_name, collection_name=op.collection_name,
                                                        functionSchema=function_to_proto(op.function, 0, {})),
         lambda r: a.AddCollectionFunction(collection_name=r.collection_name, db_name=r.db_name,
                                           function=function_from_proto(r.functionSchema)))
register("AlterCollectionFunction", a.AlterCollectionFunction,
         lambda op, h: mpb.AlterCollectionFunctionRequest(db_name=op.db_name, collection_name=op.collection_name,
                                                          function_name=op.function_name,
                                                          functionSchema=function_to_proto(op.function, 0, {})),
         lambda r: a.AlterCollectionFunction(collection_name=r.collection_name, db_name=r.db_name,
                                             function_name=r.function_name,
                                             function=function_from_proto(r.functionSchema)))
register("DropCollectionFunction", a.DropCollectionFunction,
         lambda op, h: mpb.DropCollectionFunctionRequest(db_name=op.db_name, collection_name=op.collection_name,
                                                         function_name=op.function_name),
         lambda r: a.DropCollectionFunction(collection_name=r.collection_name, db_name=r.db_name,
                                            function_name=r.function_name))
register("AddCollectionStructField", a.AddCollectionStructField,
         lambda op, h: mpb.AddCollectionStructFieldRequest(
             db_name=op.db_name, collection_name=op.collection_name,
             struct_array_field_schema=schema_pb2.StructArrayFieldSchema(name=op.field_name)),
         lambda r: a.AddCollectionStructField(collection_name=r.collection_name, db_name=r.db_name,
                                              field_name=r.struct_array_field_schema.name))


# ---- analyzer --------------------------------------------------------------------------------------------------
def _analyzer_resp(results: list[list[a.AnalyzerToken]], hint: Hint) -> Any:
    return mpb.RunAnalyzerResponse(status=OK(), results=[
        mpb.AnalyzerResult(tokens=[mpb.AnalyzerToken(token=t.token, start_offset=t.start_offset,
                                                     end_offset=t.end_offset, position=t.position,
                                                     position_length=t.position_length, hash=t.hash)
                                   for t in tokens]) for tokens in results])


register("RunAnalyzer", a.RunAnalyzer,
         lambda op, h: mpb.RunAnalyzerRequest(
             analyzer_params=op.analyzer_params, placeholder=[t.encode() for t in op.texts],
             with_detail=op.with_detail, with_hash=op.with_hash, db_name=op.db_name,
             collection_name=op.collection_name, field_name=op.field_name, analyzer_names=list(op.analyzer_names)),
         lambda r: a.RunAnalyzer(texts=tuple(p.decode("utf-8", "replace") for p in r.placeholder),
                                 analyzer_params=r.analyzer_params, with_hash=r.with_hash, with_detail=r.with_detail,
                                 collection_name=r.collection_name, field_name=r.field_name,
                                 analyzer_names=tuple(r.analyzer_names), db_name=r.db_name),
         _analyzer_resp,
         lambda r: [[a.AnalyzerToken(t.token, int(t.start_offset), int(t.end_offset), int(t.position),
                                     int(t.position_length), int(t.hash)) for t in res.tokens] for res in r.results])

__all__: list[str] = []
