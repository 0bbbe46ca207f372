"""``/resource_groups/*`` (rest-v2 §18), ``/segments/describe`` and ``/common/run_analyzer`` (§19): server
handlers and their client twins.

Resource group configs are plain dicts in ops, in the form pymilvus's ``ResourceGroupConfig`` takes
(``requests``/``limits`` with ``node_num``, ``transfer_from``/``transfer_to`` lists of ``{"resource_group"}``,
``node_filter.node_labels`` as ``[{"key", "value"}]``); the REST map form of ``node_labels`` is accepted and
normalised, anything else is 1100. ``resource_groups/describe`` answers without the envelope, as Milvus does.
``segments/describe`` finds the collection by ``collectionID`` in the request's database.
"""

from __future__ import annotations

from typing import Any

from azimuth.codec.rest.body import RestRequest
from azimuth.codec.rest.collections import NAME, db, named
from azimuth.codec.rest.table import Run, client, route
from azimuth.errors import Code, MilvusException, server_error
from azimuth.ops import admin as a
from azimuth.ops import collection as c

GROWING, FLUSHED = 2, 4  # common.SegmentState
ALL_STATES = (2, 3, 4, 5)  # Growing, Sealed, Flushed, Flushing

# ---- resource groups ---------------------------------------------------------------------------------------


def _bad_config(detail: str) -> Exception:
    return server_error(Code.INVALID_PARAMETER, f"invalid resource group config: {detail}")


def rg_config(raw: Any) -> dict[str, Any]:
    """A checked, normalised ResourceGroupConfig dict."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise _bad_config("the config must be an object")
    out: dict[str, Any] = {}
    for key, value in raw.items():
        if key in ("requests", "limits"):
            num = value.get("node_num", 0) if isinstance(value, dict) else None
            if not isinstance(value, dict) or set(value) - {"node_num"} or isinstance(num, bool) \
                    or not isinstance(num, int) or num < 0:
                raise _bad_config(f"{key} must be {{\"node_num\": <int >= 0>}}")
            out[key] = {"node_num": num} if num else {}
        elif key in ("transfer_from", "transfer_to"):
            if not isinstance(value, list) or not all(
                    isinstance(x, dict) and set(x) <= {"resource_group"} and isinstance(x.get("resource_group", ""),
                                                                                        str) for x in value):
                raise _bad_config(f"{key} must be a list of {{\"resource_group\": <name>}}")
            out[key] = [dict(x) for x in value]
        elif key == "node_filter":
            labels = value.get("node_labels", []) if isinstance(value, dict) else None
            if isinstance(labels, dict):
                labels = [{"key": str(k), "value": v if isinstance(v, str) else str(v)} for k, v in labels.items()]
            if not isinstance(value, dict) or set(value) - {"node_labels"} or not isinstance(labels, list) or not all(
                    isinstance(x, dict) and set(x) <= {"key", "value"}
                    and all(isinstance(v, str) for v in x.values()) for x in labels):
                raise _bad_config("node_filter must be {\"node_labels\": {<key>: <value>}}")
            out[key] = {"node_labels": labels} if labels else {}
        else:
            raise _bad_config(f"unknown key {key!r}")
    return out


RG = {"dbName": "str", "name": "str"}


@route("/resource_groups/list", "List resource groups", {"dbName": "str"})
def _list_groups(req: RestRequest, run: Run) -> dict[str, Any]:
    return {"data": list(run(a.ListResourceGroups()))}


def _drop_empty(mapping: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in mapping.items() if v not in (0, "", {}, [], None)}


@route("/resource_groups/describe", "Describe a resource group (no envelope, as Milvus)", RG, ("name",),
       "ResourceGroupReq")
def _describe_group(req: RestRequest, run: Run) -> dict[str, Any]:
    desc = run(a.DescribeResourceGroup(group_name=req.str("name", required=True)))
    group = _drop_empty({
        "name": desc.name, "capacity": desc.capacity, "num_available_node": desc.num_available_node,
        "num_loaded_replica": dict(desc.num_loaded_replica), "num_outgoing_node": dict(desc.num_outgoing_node),
        "num_incoming_node": dict(desc.num_incoming_node), "config": dict(desc.config),
        "nodes": [{"node_id": n, "address": addr, "hostname": host} for n, addr, host in desc.nodes]})
    return {"__raw__": {"resource_group": group}}


@route("/resource_groups/create", "Create a resource group", {**RG, "config": "object"}, ("name",),
       "ResourceGroupReq")
def _create_group(req: RestRequest, run: Run) -> dict[str, Any]:
    run(a.CreateResourceGroup(group_name=req.str("name", required=True), config=rg_config(req.get("config"))))
    return {"data": {}}


@route("/resource_groups/drop", "Drop a resource group", RG, ("name",), "ResourceGroupReq")
def _drop_group(req: RestRequest, run: Run) -> dict[str, Any]:
    run(a.DropResourceGroup(group_name=req.str("name", required=True)))
    return {"data": {}}


@route("/resource_groups/alter", "Change the configs of resource groups", {"dbName": "str",
                                                                          "resource_groups": "object"},
       ("resource_groups",), "UpdateResourceGroupReq")
def _alter_groups(req: RestRequest, run: Run) -> dict[str, Any]:
    configs = {name: rg_config(config) for name, config in req.object("resource_groups", required=True).items()}
    run(a.UpdateResourceGroups(configs=configs))
    return {"data": {}}


@route("/resource_groups/transfer_replica", "Move replicas of a collection between resource groups",
       {**NAME, "sourceRgName": "str", "targetRgName": "str", "replicaNum": "int"},
       ("sourceRgName", "targetRgName", "collectionName", "replicaNum"), "TransferReplicaReq")
def _transfer_replica(req: RestRequest, run: Run) -> dict[str, Any]:
    source, target = req.str("sourceRgName", required=True), req.str("targetRgName", required=True)
    name = req.collection
    count = req.int("replicaNum", required=True)
    if count <= 0:
        raise server_error(Code.INVALID_PARAMETER, f"replicaNum must be greater than 0, got {count}")
    run(a.TransferReplica(collection_name=name, db_name=req.db, source_group=source, target_group=target,
                          num_replicas=count))
    return {"data": {}}


def _describe_group_result(payload: dict[str, Any], op: Any, info: Any) -> a.ResourceGroupDesc:
    g = payload.get("resource_group") or {}
    return a.ResourceGroupDesc(str(g.get("name", op.group_name)), int(g.get("capacity", 0)),
                               int(g.get("num_available_node", 0)), dict(g.get("num_loaded_replica") or {}),
                               dict(g.get("num_outgoing_node") or {}), dict(g.get("num_incoming_node") or {}),
                               dict(g.get("config") or {}),
                               tuple((int(n.get("node_id", 0)), str(n.get("address", "")), str(n.get("hostname", "")))
                                     for n in g.get("nodes") or ()))


client(a.ListResourceGroups, lambda op: ("/resource_groups/list", {}), lambda p, op, info: list(p["data"]))
client(a.DescribeResourceGroup, lambda op: ("/resource_groups/describe", {"name": op.group_name}),
       _describe_group_result)
client(a.CreateResourceGroup, lambda op: ("/resource_groups/create", {"name": op.group_name, "config": op.config}))
client(a.DropResourceGroup, lambda op: ("/resource_groups/drop", {"name": op.group_name}))
client(a.UpdateResourceGroups, lambda op: ("/resource_groups/alter", {"resource_groups": dict(op.configs)}))
client(a.TransferReplica, lambda op: ("/resource_groups/transfer_replica", named(
    op, sourceRgName=op.source_group, targetRgName=op.target_group, replicaNum=op.num_replicas)))

# ---- segments ----------------------------------------------------------------------------------------------


def _collection_by_id(req: RestRequest, run: Run, collection_id: int) -> str:
    for name in run(c.ListCollections(db_name=req.db)):
        try:
            info = run(c.DescribeCollection(collection_name=name, db_name=req.db))
        except MilvusException:  # dropped meanwhile
            continue
        if info.collection_id == collection_id:
            return name
    raise server_error(Code.COLLECTION_NOT_FOUND,
                       f"collection not found[database={req.db}][collection={collection_id}]")


def _segment_json(s: a.SegmentDesc) -> dict[str, Any]:
    return {"segmentID": s.segment_id, "collectionID": s.collection_id, "partitionID": s.partition_id,
            "vChannel": s.insert_channel, "numRows": s.num_rows, "state": s.state, "level": s.level,
            "isSorted": s.is_sorted, "insertLogs": [], "deltaLogs": [], "statsLogs": []}


@route("/segments/describe", "Segments of a collection (growing and flushed)",
       {"dbName": "str", "collectionID": "int", "segmentIDs": "list[int]"}, ("collectionID",), "GetSegmentsInfoReq")
def _describe_segments(req: RestRequest, run: Run) -> dict[str, Any]:
    name = _collection_by_id(req, run, req.int("collectionID", required=True))
    wanted = set(req.get("segmentIDs", "list[int]", []))
    found = run(a.ListPersistentSegments(collection_name=name, db_name=req.db, states=ALL_STATES))
    return {"data": {"segmentInfos": [_segment_json(s) for s in found if not wanted or s.segment_id in wanted]}}


def _segments_result(payload: dict[str, Any], op: a.ListPersistentSegments, info: Any) -> list[a.SegmentDesc]:
    states = set(op.states) or {FLUSHED}
    out = []
    for s in (payload.get("data") or {}).get("segmentInfos") or ():
        desc = a.SegmentDesc(int(s["segmentID"]), int(s["collectionID"]), int(s.get("partitionID", 0)),
                             int(s.get("numRows", 0)), int(s.get("state", 0)), int(s.get("level", 2)),
                             bool(s.get("isSorted", True)), insert_channel=str(s.get("vChannel", "")))
        if desc.state in states:
            out.append(desc)
    return out


client(a.ListPersistentSegments,
       lambda op, info: ("/segments/describe", {**db(op), "collectionID": info.collection_id}), _segments_result,
       needs_schema=True)

# ---- analyzer ----------------------------------------------------------------------------------------------


@route("/common/run_analyzer", "Tokenize texts with an analyzer",
       {**NAME, "text": "list[str]", "analyzerParams": "str", "fieldName": "str", "analyzerNames": "list[str]",
        "withDetail": "bool", "withHash": "bool"}, ("text",), "RunAnalyzerReq")
def _run_analyzer(req: RestRequest, run: Run) -> dict[str, Any]:
    with_detail, with_hash = req.bool("withDetail"), req.bool("withHash")
    results = run(a.RunAnalyzer(texts=req.names("text", required=True), analyzer_params=req.str("analyzerParams"),
                                with_hash=with_hash, with_detail=with_detail,
                                collection_name=req.str("collectionName"), field_name=req.str("fieldName"),
                                analyzer_names=req.names("analyzerNames"), db_name=req.db))
    out = []
    for tokens in results:
        items = []
        for t in tokens:
            item: dict[str, Any] = {"token": t.token}
            if with_detail:
                item.update(startOffset=t.start_offset, endOffset=t.end_offset, position=t.position,
                            positionLength=t.position_length)
            if with_hash:
                item["hash"] = t.hash
            items.append(item)
        out.append({"tokens": items})
    return {"data": {"results": out}}


def _analyzer_req(op: a.RunAnalyzer) -> tuple[str, dict[str, Any]]:
    body: dict[str, Any] = {**db(op), "text": list(op.texts), "withDetail": op.with_detail, "withHash": op.with_hash}
    if op.analyzer_params:
        body["analyzerParams"] = op.analyzer_params
    if op.collection_name:
        body.update(collectionName=op.collection_name, fieldName=op.field_name)
    if op.analyzer_names:
        body["analyzerNames"] = list(op.analyzer_names)
    return "/common/run_analyzer", body


def _analyzer_result(payload: dict[str, Any], op: Any, info: Any) -> list[list[a.AnalyzerToken]]:
    return [[a.AnalyzerToken(str(t["token"]), int(t.get("startOffset", 0)), int(t.get("endOffset", 0)),
                             int(t.get("position", 0)), int(t.get("positionLength", 1)), int(t.get("hash", 0)))
             for t in result.get("tokens") or ()] for result in (payload.get("data") or {}).get("results") or ()]


client(a.RunAnalyzer, _analyzer_req, _analyzer_result)

__all__ = ["rg_config"]
