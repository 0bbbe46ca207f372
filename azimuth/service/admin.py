"""Single-node answers to Milvus's cluster administration: resource groups (``__default_resource_group`` holds
the one node; other groups are bookkeeping), replicas (one per loaded collection), segment listings from the
engine's real segments, flush-all state, compaction plans; schema functions and field drops as schema-metadata
changes; and the text analyzer. Operations a single embedded node cannot honour raise code 3000 naming them.
"""

from __future__ import annotations

import copy
import json
import re
from typing import Any

from azimuth.engine.catalog import CollectionMeta, ResourceGroupMeta
from azimuth.errors import Code, server_error
from azimuth.ops import admin as ops
from azimuth.ops import index as index_ops
from azimuth.ops.admin import AnalyzerToken, CompactionPlansDesc, ReplicaDesc, ResourceGroupDesc, SegmentDesc
from azimuth.ops.base import CallContext
from azimuth.service import checks
from azimuth.service.context import ServiceContext
from azimuth.service.registry import handles
from azimuth.types.enums import DataType, FunctionType
from azimuth.types.schema import CollectionSchema
from azimuth.types.schema_io import assign_field_ids, stamp_field_ids

DEFAULT_GROUP = "__default_resource_group"
DEFAULT_CAPACITY = 1000000
NODE_ID = 1
NODE = (NODE_ID, "localhost:19530", "localhost")
GROWING, FLUSHED = 2, 4  # common.SegmentState
COMPACTION_UNDEFINED, COMPACTION_COMPLETED = 0, 2  # common.CompactionState


# ---- resource groups and replicas ---------------------------------------------------------------------------------
def _group_of(svc: ServiceContext, collection_id: int) -> str:
    for group in svc.engine.catalog.security.resource_groups.values():
        if collection_id in group.collections:
            return group.name
    return DEFAULT_GROUP


def _groups(svc: ServiceContext) -> dict[str, ResourceGroupMeta]:
    groups = {DEFAULT_GROUP: ResourceGroupMeta(DEFAULT_GROUP)}
    groups.update(svc.engine.catalog.security.resource_groups)
    return groups


def _check_group_name(name: object) -> str:
    return checks.validate_name("resource group", name)


def _node_num(config: dict[str, Any], key: str) -> int:
    return int((config.get(key) or {}).get("node_num", 0) or 0)


@handles(ops.CreateResourceGroup)
def create_resource_group(svc: ServiceContext, op: ops.CreateResourceGroup, ctx: CallContext) -> None:
    _check_group_name(op.group_name)
    with svc.engine.ddl() as catalog:
        groups = catalog.security.resource_groups
        if op.group_name == DEFAULT_GROUP or op.group_name in groups:
            existing = groups.get(op.group_name)
            if existing is not None and existing.config == dict(op.config):
                return
            raise server_error(Code.INVALID_PARAMETER, f"resource group already exist: {op.group_name}")
        groups[op.group_name] = ResourceGroupMeta(op.group_name, dict(op.config))


@handles(ops.DropResourceGroup)
def drop_resource_group(svc: ServiceContext, op: ops.DropResourceGroup, ctx: CallContext) -> None:
    if op.group_name == DEFAULT_GROUP:
        raise server_error(Code.INVALID_PARAMETER, "the default resource group cannot be dropped")
    with svc.engine.ddl() as catalog:
        group = catalog.security.resource_groups.get(op.group_name)
        if group is None:
            return
        live = [cid for cid in group.collections if cid in catalog.collections]
        if live:
            raise server_error(Code.INVALID_PARAMETER, f"resource group {op.group_name} still holds "
                                                       f"{len(live)} replica(s); transfer them out first")
        del catalog.security.resource_groups[op.group_name]


@handles(ops.UpdateResourceGroups)
def update_resource_groups(svc: ServiceContext, op: ops.UpdateResourceGroups, ctx: CallContext) -> None:
    with svc.engine.ddl() as catalog:
        groups = catalog.security.resource_groups
        for name in op.configs:
            if name != DEFAULT_GROUP and name not in groups:
                raise server_error(Code.RESOURCE_GROUP_NOT_FOUND, f"resource group not found[rg={name}]")
        for name, config in op.configs.items():
            if name == DEFAULT_GROUP:
                groups.setdefault(DEFAULT_GROUP, ResourceGroupMeta(DEFAULT_GROUP))
            groups[name].config = dict(config)


@handles(ops.DescribeResourceGroup)
def describe_resource_group(svc: ServiceContext, op: ops.DescribeResourceGroup, ctx: CallContext
                            ) -> ResourceGroupDesc:
    group = _groups(svc).get(op.group_name)
    if group is None:
        raise server_error(Code.RESOURCE_GROUP_NOT_FOUND, f"resource group not found[rg={op.group_name}]")
    loaded: dict[str, int] = {}
    for meta in svc.engine.catalog.collections.values():
        if meta.loaded and _group_of(svc, meta.id) == group.name:
            loaded[meta.name] = loaded.get(meta.name, 0) + 1
    is_default = group.name == DEFAULT_GROUP
    config = group.config or ({"requests": {"node_num": 1}, "limits": {"node_num": DEFAULT_CAPACITY}}
                              if is_default else {})
    capacity = DEFAULT_CAPACITY if is_default else _node_num(config, "requests")
    return ResourceGroupDesc(group.name, capacity, 1 if is_default else 0, loaded, {}, {}, config,
                             (NODE,) if is_default else ())


@handles(ops.ListResourceGroups)
def list_resource_groups(svc: ServiceContext, op: ops.ListResourceGroups, ctx: CallContext) -> list[str]:
    return list(_groups(svc))


@handles(ops.TransferReplica)
def transfer_replica(svc: ServiceContext, op: ops.TransferReplica, ctx: CallContext) -> None:
    groups = _groups(svc)
    for name in (op.source_group, op.target_group):
        if name not in groups:
            raise server_error(Code.RESOURCE_GROUP_NOT_FOUND, f"resource group not found[rg={name}]")
    if op.source_group == op.target_group:
        raise server_error(Code.INVALID_PARAMETER, "source and target resource groups must differ")
    if op.num_replicas != 1:
        raise server_error(Code.INVALID_PARAMETER, f"a single-node Azimuth holds exactly one replica per "
                                                   f"collection; cannot transfer {op.num_replicas}")
    with svc.engine.ddl() as catalog:
        meta = checks.collection(svc.engine, checks.db_of(op.db_name, ctx), op.collection_name)
        if not meta.loaded:
            raise server_error(Code.COLLECTION_NOT_LOADED, f"collection not loaded[collection={meta.name}]")
        if _group_of(svc, meta.id) != op.source_group:
            raise server_error(Code.REPLICA_NOT_FOUND, f"no replica of collection {meta.name} in resource group "
                                                       f"{op.source_group}")
        security = catalog.security
        for group in security.resource_groups.values():
            if meta.id in group.collections:
                group.collections.remove(meta.id)
        if op.target_group != DEFAULT_GROUP:
            security.resource_groups[op.target_group].collections.append(meta.id)


@handles(ops.GetReplicas)
def get_replicas(svc: ServiceContext, op: ops.GetReplicas, ctx: CallContext) -> list[ReplicaDesc]:
    meta = svc.engine.catalog.collections.get(op.collection_id) if not op.collection_name else None
    if meta is None:
        meta = checks.collection(svc.engine, checks.db_of(op.db_name, ctx), op.collection_name)
    if not meta.loaded:
        return []
    partitions = tuple(p.id for p in meta.partitions if p.loaded)
    channel = f"azimuth-dml_0_{meta.id}v0"
    return [ReplicaDesc(meta.id, meta.id, partitions, ((channel, NODE_ID, (NODE_ID,)),), (NODE_ID,),
                        _group_of(svc, meta.id))]


# ---- segments, flush, compaction ------------------------------------------------------------------------------
def _index_of(meta: CollectionMeta, segment_indexes: dict[str, str]) -> tuple[str, int]:
    for index in meta.indexes:
        if index.name in segment_indexes:
            return index.name, index.id
    return "", 0


def segments(svc: ServiceContext, meta: CollectionMeta) -> list[SegmentDesc]:
    """The collection's segments as they are now: sealed ones (flushed) and growing ones."""
    data = svc.engine.data(meta.id)
    by_id = {s.id: s for s in meta.segments}
    out = []
    for part in list(data.partitions.values()):
        for segment in list(part.sealed):
            stored = by_id.get(segment.id)
            index_name, index_id = _index_of(meta, stored.indexes if stored else {})
            out.append(SegmentDesc(segment.id, meta.id, part.id, int(segment.num_rows), FLUSHED,
                                   insert_channel=f"azimuth-dml_0_{meta.id}v0", index_name=index_name,
                                   index_id=index_id))
        growing = part.growing
        if growing is not None and growing.num_rows:
            out.append(SegmentDesc(growing.id, meta.id, part.id, int(growing.num_rows), GROWING, level=2,
                                   is_sorted=False, insert_channel=f"azimuth-dml_0_{meta.id}v0",
                                   mem_size=int(growing.nbytes)))
    return sorted(out, key=lambda s: s.segment_id)


@handles(ops.ListPersistentSegments)
def list_persistent_segments(svc: ServiceContext, op: ops.ListPersistentSegments, ctx: CallContext
                             ) -> list[SegmentDesc]:
    meta = checks.collection(svc.engine, checks.db_of(op.db_name, ctx), op.collection_name)
    found = segments(svc, meta)
    if op.states:
        return [s for s in found if s.state in op.states]
    return [s for s in found if s.state == FLUSHED]


@handles(ops.ListLoadedSegments)
def list_loaded_segments(svc: ServiceContext, op: ops.ListLoadedSegments, ctx: CallContext) -> list[SegmentDesc]:
    meta = checks.collection(svc.engine, checks.db_of(op.db_name, ctx), op.collection_name)
    if not meta.loaded:
        return []
    loaded = {p.id for p in meta.partitions if p.loaded}
    return [s for s in segments(svc, meta) if s.partition_id in loaded]


@handles(ops.GetFlushAllState)
def get_flush_all_state(svc: ServiceContext, op: ops.GetFlushAllState, ctx: CallContext) -> bool:
    return True  # flush_all returns only once everything is on disk


@handles(ops.GetCompactionPlans)
def get_compaction_plans(svc: ServiceContext, op: ops.GetCompactionPlans, ctx: CallContext) -> CompactionPlansDesc:
    if op.collection_name and not op.job_id:
        checks.collection(svc.engine, checks.db_of(op.db_name, ctx), op.collection_name)
        return CompactionPlansDesc(COMPACTION_COMPLETED)
    known = op.job_id in svc.engine.compactions
    return CompactionPlansDesc(COMPACTION_COMPLETED if known else COMPACTION_UNDEFINED)


# ---- schema: functions and field drops ---------------------------------------------------------------------------
_FUNCTION_OUTPUTS = {FunctionType.BM25: DataType.SPARSE_FLOAT_VECTOR, FunctionType.MINHASH: DataType.BINARY_VECTOR}


def _schema_change(svc: ServiceContext, op: Any, ctx: CallContext, change: Any) -> None:
    engine = svc.engine
    with engine.ddl():
        meta = checks.collection(engine, checks.db_of(op.db_name, ctx), op.collection_name)
        schema = CollectionSchema.from_storage(copy.deepcopy(meta.schema))
        change(meta, schema)
        stamp_field_ids(schema)  # kept ids stay; added fields get the largest id ever used + 1
        meta.schema = schema.to_storage()
        meta.schema_version += 1
        meta.updated_ts = engine.clock.allocate()
        engine.data(meta.id).refresh_schema()


def _function(schema: CollectionSchema, name: str) -> Any:
    function = next((f for f in schema.functions if f.name == name), None)
    if function is None:
        raise server_error(Code.INVALID_PARAMETER, f"function {name} not found in collection schema; functions "
                                                   f"are: {', '.join(f.name for f in schema.functions) or 'none'}")
    return function


def _check_function(schema: CollectionSchema, function: Any) -> None:
    by_name = {f.name: f for f in schema.fields}
    for name in function.input_field_names:
        if name not in by_name:
            raise server_error(Code.FIELD_NOT_FOUND, f"function input field {name} not found in collection schema")
    for name in function.output_field_names:
        if name not in by_name:
            raise server_error(Code.FIELD_NOT_FOUND, f"function output field {name} not found in collection schema")
    try:
        function.verify(schema)
    except Exception as exc:  # ParamError from the schema classes
        raise server_error(Code.INVALID_PARAMETER, getattr(exc, "message", str(exc))) from None


def _remove_field(meta: CollectionMeta, schema: CollectionSchema, name: str) -> None:
    schema._fields = [f for f in schema._fields if f.name != name]


@handles(ops.AlterCollectionSchema)
def alter_collection_schema(svc: ServiceContext, op: ops.AlterCollectionSchema, ctx: CallContext) -> None:
    if op.field_schema is not None and op.function is None:  # a plain added field (pymilvus 3 sends it this way)
        from azimuth.ops.collection import AddCollectionField
        from azimuth.service.collections import add_collection_field

        add_collection_field(svc, AddCollectionField(collection_name=op.collection_name, db_name=op.db_name,
                                                     field_schema=op.field_schema), ctx)
        return
    if op.field_schema is not None or op.function is not None:
        _add_function_field(svc, op, ctx)
        return

    def drop(meta: CollectionMeta, schema: CollectionSchema) -> None:
        if op.drop_function_name:
            function = _function(schema, op.drop_function_name)
            schema._functions.remove(function)
            for name in function.output_field_names:
                _check_droppable(meta, schema, name, by_function=True)
                _remove_field(meta, schema, name)
            return
        name = op.drop_field_name
        if not name:
            ids = {v: k for k, v in assign_field_ids(schema).items()}
            name = ids.get(op.drop_field_id, "")
            if not name:
                raise server_error(Code.FIELD_NOT_FOUND, f"field id {op.drop_field_id} not found in collection "
                                                         f"{meta.name}")
        _check_droppable(meta, schema, name, by_function=False)
        _remove_field(meta, schema, name)

    _schema_change(svc, op, ctx, drop)


def _check_droppable(meta: CollectionMeta, schema: CollectionSchema, name: str, *, by_function: bool) -> None:
    field = next((f for f in schema.fields if f.name == name), None)
    if field is None:
        raise server_error(Code.FIELD_NOT_FOUND, f"field {name} not found in collection {meta.name}; fields are: "
                                                 f"{', '.join(f.name for f in schema.fields)}")
    if field.is_primary or field.is_partition_key or field.is_clustering_key:
        raise server_error(Code.INVALID_PARAMETER, f"cannot drop field {name}: primary, partition key and "
                                                   "clustering key fields cannot be dropped")
    if not by_function:
        used = [f.name for f in schema.functions if name in f.input_field_names or name in f.output_field_names]
        if used:
            raise server_error(Code.INVALID_PARAMETER, f"cannot drop field {name}: it is used by function(s) "
                                                       f"{', '.join(used)}; use drop_function_field")
    vectors = [f for f in schema.fields if int(f.dtype) >= 100]
    if int(field.dtype) >= 100 and len(vectors) == 1:
        raise server_error(Code.INVALID_PARAMETER, f"cannot drop field {name}: a collection needs at least one "
                                                   "vector field")
    if any(i.field_name == name for i in meta.indexes):
        raise server_error(Code.INVALID_PARAMETER, f"field {name} has an index; release the collection and drop "
                                                   "the index first")


def _add_function_field(svc: ServiceContext, op: ops.AlterCollectionSchema, ctx: CallContext) -> None:
    field, function = op.field_schema, op.function
    if field is None or function is None:
        raise server_error(Code.INVALID_PARAMETER, "adding a function field needs both field_schema and function")
    expected = _FUNCTION_OUTPUTS.get(function.type)
    if expected is None or field.dtype != expected:
        raise server_error(Code.INVALID_PARAMETER, "add_function_field supports BM25 → SPARSE_FLOAT_VECTOR and "
                                                   "MINHASH → BINARY_VECTOR output fields only")
    if list(function.output_field_names) != [field.name]:
        raise server_error(Code.INVALID_PARAMETER, f"the function must output exactly the new field {field.name}")

    def add(meta: CollectionMeta, schema: CollectionSchema) -> None:
        if any(f.name == field.name for f in schema.fields):
            raise server_error(Code.INVALID_PARAMETER, f"field {field.name} already exists in collection "
                                                       f"{meta.name}")
        if any(f.name == function.name for f in schema.functions):
            raise server_error(Code.INVALID_PARAMETER, f"function {function.name} already exists")
        added = copy.deepcopy(field)
        added.is_function_output = True
        added._field_id = None  # assigned by _schema_change
        schema._fields.append(added)
        schema._functions.append(function)
        _check_function(schema, function)

    _schema_change(svc, op, ctx, add)
    if op.index is not None:
        from azimuth.service import indexes

        indexes.create_index(svc, index_ops.CreateIndex(collection_name=op.collection_name, db_name=op.db_name,
                                                        index=op.index), ctx)


@handles(ops.AddCollectionFunction)
def add_collection_function(svc: ServiceContext, op: ops.AddCollectionFunction, ctx: CallContext) -> None:
    function = op.function
    if function is None:
        raise server_error(Code.INVALID_PARAMETER, "function is required")

    def add(meta: CollectionMeta, schema: CollectionSchema) -> None:
        if any(f.name == function.name for f in schema.functions):
            raise server_error(Code.INVALID_PARAMETER, f"function {function.name} already exists")
        schema._functions.append(function)
        _check_function(schema, function)
        schema._mark_output_fields()

    _schema_change(svc, op, ctx, add)


@handles(ops.AlterCollectionFunction)
def alter_collection_function(svc: ServiceContext, op: ops.AlterCollectionFunction, ctx: CallContext) -> None:
    function = op.function
    if function is None:
        raise server_error(Code.INVALID_PARAMETER, "function is required")

    def alter(meta: CollectionMeta, schema: CollectionSchema) -> None:
        current = _function(schema, op.function_name)
        if function.name != op.function_name:
            raise server_error(Code.INVALID_PARAMETER, f"the function name cannot change ({op.function_name} → "
                                                       f"{function.name})")
        if (function.type != current.type or list(function.input_field_names) != list(current.input_field_names)
                or list(function.output_field_names) != list(current.output_field_names)):
            raise server_error(Code.INVALID_PARAMETER, "only the description and params of a function can be "
                                                       "altered; its type and fields are fixed")
        schema._functions[schema._functions.index(current)] = function

    _schema_change(svc, op, ctx, alter)


@handles(ops.DropCollectionFunction)
def drop_collection_function(svc: ServiceContext, op: ops.DropCollectionFunction, ctx: CallContext) -> None:
    def drop(meta: CollectionMeta, schema: CollectionSchema) -> None:
        function = _function(schema, op.function_name)
        schema._functions.remove(function)
        for field in schema.fields:
            if field.name in function.output_field_names:
                field.is_function_output = False

    _schema_change(svc, op, ctx, drop)


@handles(ops.AddCollectionStructField)
def add_collection_struct_field(svc: ServiceContext, op: ops.AddCollectionStructField, ctx: CallContext) -> None:
    checks.collection(svc.engine, checks.db_of(op.db_name, ctx), op.collection_name)
    raise checks.unsupported("adding an ARRAY<STRUCT> field to an existing collection (add_collection_struct_field)")


# ---- analyzer ------------------------------------------------------------------------------------------------------
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_SPACE = re.compile(r"\S+")


def _murmur3_32(data: bytes, seed: int = 0) -> int:
    c1, c2, mask = 0xCC9E2D51, 0x1B873593, 0xFFFFFFFF
    h = seed
    length = len(data)
    body = length - length % 4
    for i in range(0, body, 4):
        k = int.from_bytes(data[i:i + 4], "little")
        k = (k * c1) & mask
        k = ((k << 15) | (k >> 17)) & mask
        h ^= (k * c2) & mask
        h = ((h << 13) | (h >> 19)) & mask
        h = (h * 5 + 0xE6546B64) & mask
    k = 0
    tail = data[body:]
    for i, byte in enumerate(tail):
        k |= byte << (8 * i)
    if tail:
        k = (k * c1) & mask
        k = ((k << 15) | (k >> 17)) & mask
        h ^= (k * c2) & mask
    h ^= length
    h ^= h >> 16
    h = (h * 0x85EBCA6B) & mask
    h ^= h >> 13
    h = (h * 0xC2B2AE35) & mask
    h ^= h >> 16
    return h


def _analyzer_params(svc: ServiceContext, op: ops.RunAnalyzer, ctx: CallContext) -> dict[str, Any]:
    if op.analyzer_names:
        raise checks.unsupported("multi-analyzer selection (analyzer_names)")
    raw: Any = op.analyzer_params
    if not raw and op.collection_name and op.field_name:
        meta = checks.collection(svc.engine, checks.db_of(op.db_name, ctx), op.collection_name)
        schema = CollectionSchema.from_storage(meta.schema)
        field = next((f for f in schema.fields if f.name == op.field_name), None)
        if field is None:
            raise server_error(Code.FIELD_NOT_FOUND, f"field {op.field_name} not found in collection {meta.name}")
        raw = field.params.get("analyzer_params") or {}
    if isinstance(raw, str) and raw:
        try:
            raw = json.loads(raw)
        except json.JSONDecodeError:
            raise server_error(Code.INVALID_PARAMETER, f"analyzer_params is not valid JSON: {raw}") from None
    return dict(raw or {})


def _analyze(params: dict[str, Any]) -> tuple[re.Pattern[str], list[Any]]:
    kind = params.get("type")
    if kind is not None and kind != "standard":
        raise checks.unsupported(f"the {kind!r} analyzer (Azimuth's analyzer is the standard one: standard or "
                                 "whitespace tokenizer with lowercase/stop/length filters)")
    tokenizer = params.get("tokenizer", "standard")
    if isinstance(tokenizer, dict):
        tokenizer = tokenizer.get("type", "standard")
    if tokenizer not in ("standard", "whitespace"):
        raise checks.unsupported(f"the {tokenizer!r} tokenizer")
    filters = params.get("filter", ["lowercase"] if kind == "standard" or not params else [])
    if kind == "standard" and "stop_words" in params:
        filters = list(filters) + [{"type": "stop", "stop_words": params["stop_words"]}]
    for item in filters:
        name = item.get("type") if isinstance(item, dict) else item
        if name not in ("lowercase", "stop", "length", "asciifolding"):
            raise checks.unsupported(f"the {name!r} token filter")
    return (_WORD if tokenizer == "standard" else _SPACE), list(filters)


def _tokens(text: str, pattern: re.Pattern[str], filters: list[Any]) -> list[AnalyzerToken]:
    tokens = []
    position = 0
    for match in pattern.finditer(text):
        token = match.group(0)
        keep = True
        for item in filters:
            name = item.get("type") if isinstance(item, dict) else item
            if name == "lowercase":
                token = token.lower()
            elif name == "stop" and token in set((item or {}).get("stop_words", []) if isinstance(item, dict)
                                                 else []):
                keep = False
            elif name == "length" and isinstance(item, dict) and len(token) > int(item.get("max", 1 << 30)):
                keep = False
        if keep:
            start = len(text[:match.start()].encode())
            end = start + len(match.group(0).encode())
            tokens.append(AnalyzerToken(token, start, end, position, 1, _murmur3_32(token.encode())))
        position += 1
    return tokens


@handles(ops.RunAnalyzer)
def run_analyzer(svc: ServiceContext, op: ops.RunAnalyzer, ctx: CallContext) -> list[list[AnalyzerToken]]:
    pattern, filters = _analyze(_analyzer_params(svc, op, ctx))
    return [_tokens(text, pattern, filters) for text in op.texts]
