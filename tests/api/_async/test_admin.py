"""Administration surface: users, roles, privileges, privilege groups, resource groups, replicas, segments,
compaction plans, optimize, schema functions, analyzer, session; unsupported features raise code 3000."""

from __future__ import annotations

import pytest

from azimuth import AsyncMilvusClient, DataType
from azimuth.errors import MilvusException, ParamError, PyMilvusDeprecationWarning
from azimuth.types.enums import FunctionType
from azimuth.types.function import Function
from tests.api.helpers import rows

DEFAULT_RG = "__default_resource_group"


# tests built on calls whose RPC has no Milvus REST v2 endpoint: on transport="rest" those calls raise code 3000
# (test_calls_without_rest_endpoint_raise_code_3000)
NO_REST_ENDPOINT = frozenset({"test_replicas", "test_flush_state_and_compaction_plans",
                              "test_schema_functions_and_field_drops", "test_add_struct_field_is_refused"})


@pytest.fixture(autouse=True)
def _skip_without_rest_endpoint(request, transport):
    if transport == "rest" and request.node.originalname in NO_REST_ENDPOINT:
        pytest.skip("uses calls without a Milvus REST v2 endpoint")


async def test_users(client):
    assert await client.list_users() == ["root"]
    await client.create_user("alice", "secret123", description="first")
    assert await client.list_users() == ["alice", "root"]
    assert await client.describe_user("alice") == {"user_name": "alice", "roles": (), "description": "first"}
    assert await client.describe_user("nobody") == {}
    with pytest.raises(MilvusException) as err:
        await client.create_user("alice", "secret123")
    assert err.value.code == 1100
    with pytest.raises(MilvusException):
        await client.create_user("bob", "123")  # password too short
    with pytest.raises(MilvusException) as err:
        await client.update_password("alice", "wrong-pass", "newsecret1")
    assert err.value.code == 1401
    await client.update_password("alice", "secret123", "newsecret1")
    await client.update_user("alice", "second")
    assert (await client.describe_user("alice"))["description"] == "second"
    with pytest.raises(MilvusException):
        await client.drop_user("root")
    await client.drop_user("alice")
    await client.drop_user("alice")  # idempotent
    assert await client.list_users() == ["root"]


async def test_roles_and_privileges(client):
    assert await client.list_roles() == ["admin", "public"]
    await client.create_role("reader", description="reads")
    await client.alter_role("reader", "reads docs")
    await client.create_user("alice", "secret123")
    await client.grant_role("alice", "reader")
    assert (await client.describe_user("alice"))["roles"] == ("reader",)
    await client.grant_privilege("reader", "Collection", "Search", "docs")
    await client.grant_privilege("reader", "Collection", "Search", "docs")  # idempotent
    await client.grant_privilege_v2("reader", "CollectionReadOnly", "*")
    role = await client.describe_role("reader")
    assert role["role"] == "reader" and role["description"] == "reads docs"
    assert [(p["object_type"], p["object_name"], p["privilege"]) for p in role["privileges"]] == [
        ("Collection", "docs", "Search"), ("Collection", "*", "CollectionReadOnly")]
    assert role["privileges"][0]["db_name"] == "default" and role["privileges"][0]["role_name"] == "reader"
    with pytest.raises(MilvusException):
        await client.grant_privilege("reader", "Collection", "NoSuchPrivilege", "docs")
    with pytest.raises(MilvusException):
        await client.grant_role("alice", "ghost")
    with pytest.raises(MilvusException):
        await client.drop_role("reader")  # still has privileges
    with pytest.raises(MilvusException):
        await client.drop_role("admin")
    await client.revoke_privilege("reader", "Collection", "Search", "docs")
    await client.revoke_privilege_v2("reader", "CollectionReadOnly", "*")
    assert (await client.describe_role("reader"))["privileges"] == []
    await client.revoke_role("alice", "reader")
    assert (await client.describe_user("alice"))["roles"] == ()
    await client.grant_role("alice", "reader")
    await client.grant_privilege("reader", "Global", "*", "*")
    await client.drop_role("reader", force_drop=True)
    assert await client.list_roles() == ["admin", "public"]
    assert (await client.describe_user("alice"))["roles"] == ()


async def test_privilege_groups(client):
    builtin = {g["privilege_group"] for g in await client.list_privilege_groups()}
    assert {"CollectionReadOnly", "DatabaseAdmin", "ClusterReadOnly"} <= builtin
    await client.create_privilege_group("search_only")
    await client.add_privileges_to_group("search_only", ["Search", "Query"])
    await client.remove_privileges_from_group("search_only", ["Query"])
    groups = {g["privilege_group"]: list(g["privileges"]) for g in await client.list_privilege_groups()}
    assert groups["search_only"] == ["Search"]
    await client.create_role("r")
    await client.grant_privilege_v2("r", "search_only", "docs")
    with pytest.raises(MilvusException):
        await client.drop_privilege_group("search_only")  # granted
    await client.revoke_privilege_v2("r", "search_only", "docs")
    await client.drop_privilege_group("search_only")
    with pytest.raises(MilvusException):
        await client.add_privileges_to_group("search_only", ["Search"])


async def test_resource_groups(client):
    assert await client.list_resource_groups() == [DEFAULT_RG]
    info = await client.describe_resource_group(DEFAULT_RG)
    assert info.name == DEFAULT_RG and info.num_available_node == 1 and info.nodes[0].node_id == 1
    await client.create_resource_group("rg1", config={"requests": {"node_num": 1}, "limits": {"node_num": 1}})
    await client.update_resource_groups({"rg1": {"requests": {"node_num": 2}, "limits": {"node_num": 2}}})
    assert (await client.describe_resource_group("rg1")).config.requests.node_num == 2
    assert await client.list_resource_groups() == [DEFAULT_RG, "rg1"]
    with pytest.raises(MilvusException) as err:
        await client.describe_resource_group("nope")
    assert err.value.code == 300
    await client.create_collection("c", dimension=4)
    assert (await client.describe_resource_group(DEFAULT_RG)).num_loaded_replica == {"c": 1}
    await client.transfer_replica(DEFAULT_RG, "rg1", "c", 1)
    assert (await client.describe_resource_group("rg1")).num_loaded_replica == {"c": 1}
    assert (await client.describe_resource_group(DEFAULT_RG)).num_loaded_replica == {}
    with pytest.raises(MilvusException):
        await client.transfer_replica(DEFAULT_RG, "rg1", "c", 0)
    with pytest.raises(MilvusException):
        await client.drop_resource_group("rg1")  # holds a replica
    await client.transfer_replica("rg1", DEFAULT_RG, "c", 1)
    await client.drop_resource_group("rg1")
    with pytest.raises(MilvusException):
        await client.drop_resource_group(DEFAULT_RG)
    assert await client.list_resource_groups() == [DEFAULT_RG]


async def test_replicas(client):
    await client.create_resource_group("rg1")
    await client.create_collection("c", dimension=4)
    replicas = await client.describe_replica("c")
    assert len(replicas) == 1 and replicas[0].resource_group == DEFAULT_RG and replicas[0].group_nodes == (1,)
    await client.transfer_replica(DEFAULT_RG, "rg1", "c", 1)
    assert (await client.describe_replica("c"))[0].resource_group == "rg1"


async def test_segments_and_flush(client):
    await client.create_collection("c", dimension=8)
    await client.insert("c", rows(20))
    growing = await client.list_segments("c")
    assert [(s.state_name, s.num_rows) for s in growing] == [("Growing", 20)]
    assert await client.list_persistent_segments("c") == []
    await client.flush("c")
    await client.insert("c", rows(5, start=20))
    await client.flush_all()
    flushed = await client.list_persistent_segments("c")
    assert sorted(s.num_rows for s in flushed) == [5, 20] and all(s.state_name == "Flushed" for s in flushed)
    assert all(s.collection_name == "c" for s in flushed)
    await client.compact("c")
    assert sum(s.num_rows for s in await client.list_persistent_segments("c")) == 25
    with pytest.raises(MilvusException):
        await client.list_persistent_segments("missing")


async def test_flush_state_and_compaction_plans(client):
    await client.create_collection("c", dimension=8)
    await client.insert("c", rows(20))
    await client.flush_all()
    assert await client.get_flush_all_state() is True
    job = await client.compact("c")
    plans = await client.get_compaction_plans(job)
    assert plans.state.name == "Completed"
    assert (await client.list_compaction_tasks("c")).collection_name == "c"


async def test_collection_functions(client):
    schema = client.create_schema()
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("text", DataType.VARCHAR, max_length=200, enable_analyzer=True)
    schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
    schema.add_field("vector", DataType.FLOAT_VECTOR, dim=4)
    index = client.prepare_index_params()
    index.add_index("vector", metric_type="L2")
    index.add_index("sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="IP")
    await client.create_collection("c", schema=schema, index_params=index)
    bm25 = Function("bm25", FunctionType.BM25, input_field_names=["text"], output_field_names=["sparse"])
    with pytest.warns(PyMilvusDeprecationWarning):
        await client.add_collection_function("c", bm25)
    assert [f["name"] for f in (await client.describe_collection("c"))["functions"]] == ["bm25"]
    with pytest.warns(PyMilvusDeprecationWarning), pytest.raises(MilvusException):
        await client.add_collection_function("c", bm25)  # exists
    changed = Function("bm25", FunctionType.BM25, input_field_names=["text"], output_field_names=["sparse"],
                       description="tuned")
    await client.alter_collection_function("c", "bm25", changed)
    assert (await client.describe_collection("c"))["functions"][0]["description"] == "tuned"
    with pytest.warns(PyMilvusDeprecationWarning):
        await client.drop_collection_function("c", "bm25")
    assert (await client.describe_collection("c"))["functions"] == []


async def test_optimize(client):
    await client.create_collection("c", dimension=8)
    await client.insert("c", rows(30))
    result = await client.optimize("c", target_size="512MB")
    assert result.status == "success" and result.collection_name == "c" and result.target_size == "512MB"
    assert "refreshing load" in [str(p.value) for p in result.progress]
    assert len(await client.query("c", filter="id >= 0")) == 30
    with pytest.raises(ParamError):
        await client.optimize("c", target_size="12XB")


async def test_schema_functions_and_field_drops(client):
    schema = client.create_schema()
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("text", DataType.VARCHAR, max_length=200, enable_analyzer=True)
    schema.add_field("note", DataType.VARCHAR, max_length=20, nullable=True)
    schema.add_field("vector", DataType.FLOAT_VECTOR, dim=4)
    index = client.prepare_index_params()
    index.add_index("vector", metric_type="L2")
    await client.create_collection("c", schema=schema, index_params=index)
    await client.drop_collection_field("c", "note")
    names = [f["name"] for f in (await client.describe_collection("c"))["fields"]]
    assert names == ["id", "text", "vector"]
    await client.insert("c", [{"id": 1, "text": "hello", "vector": [0.1, 0.2, 0.3, 0.4]}])
    assert await client.query("c", filter="id == 1", output_fields=["text"]) == [{"id": 1, "text": "hello"}]
    with pytest.raises(MilvusException):
        await client.drop_collection_field("c", "id")
    with pytest.raises(ParamError):
        await client.drop_collection_field("c")
    bm25 = Function("bm25", FunctionType.BM25, input_field_names=["text"], output_field_names=["sparse"])
    sparse = client.create_field_schema("sparse", DataType.SPARSE_FLOAT_VECTOR)
    params = client.prepare_index_params()
    params.add_index("sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25")
    await client.add_function_field("c", sparse, bm25, params)
    described = await client.describe_collection("c")
    assert [f["name"] for f in described["functions"]] == ["bm25"]
    assert "sparse" in [f["name"] for f in described["fields"]]
    changed = Function("bm25", FunctionType.BM25, input_field_names=["text"], output_field_names=["sparse"],
                       description="tuned")
    await client.alter_collection_function("c", "bm25", changed)
    assert (await client.describe_collection("c"))["functions"][0]["description"] == "tuned"
    with pytest.warns(PyMilvusDeprecationWarning):
        with pytest.raises(MilvusException):
            await client.drop_collection_function("c", "missing")
    await client.release_collection("c")
    await client.drop_index("c", "sparse")
    await client.drop_function_field("c", "bm25")
    described = await client.describe_collection("c")
    assert described["functions"] == [] and "sparse" not in [f["name"] for f in described["fields"]]


async def test_field_ids_are_kept_across_drops_and_adds(client, client_args, transport):
    """A field id is assigned once (100, 101, ... at create) and never changes or returns: dropping a field leaves
    the other ids alone, an added field gets the largest id ever used + 1, and function field ids follow."""
    schema = client.create_schema(enable_dynamic_field=False)
    schema.add_field("a", DataType.INT64, is_primary=True)
    schema.add_field("b", DataType.VARCHAR, max_length=20, nullable=True)
    schema.add_field("c", DataType.VARCHAR, max_length=200, enable_analyzer=True)
    schema.add_field("d", DataType.SPARSE_FLOAT_VECTOR)
    schema.add_field("v", DataType.FLOAT_VECTOR, dim=4)
    schema.add_function(Function("bm25", FunctionType.BM25, input_field_names=["c"], output_field_names=["d"]))
    await client.create_collection("ids", schema=schema)
    uri, _ = client_args
    # drop_collection_field has no REST v2 endpoint: on REST the schema changes go over gRPC (same port)
    changer = AsyncMilvusClient(uri) if transport == "rest" else client
    try:
        await _field_id_story(client, changer)
    finally:
        if changer is not client:
            await changer.close()


async def _field_id_story(client, changer):
    async def ids():
        described = await client.describe_collection("ids")
        function = described["functions"][0]
        return ({f["name"]: f["field_id"] for f in described["fields"]},
                (function["input_field_ids"], function["output_field_ids"]))

    assert await ids() == ({"a": 100, "b": 101, "c": 102, "d": 103, "v": 104}, ([102], [103]))
    await changer.drop_collection_field("ids", "b")
    assert await ids() == ({"a": 100, "c": 102, "d": 103, "v": 104}, ([102], [103]))
    await changer.add_collection_field("ids", "e", DataType.INT64, nullable=True)
    assert await ids() == ({"a": 100, "c": 102, "d": 103, "v": 104, "e": 105}, ([102], [103]))
    await changer.drop_collection_field("ids", field_id=105)
    await changer.add_collection_field("ids", "f", DataType.INT64, nullable=True)
    assert await ids() == ({"a": 100, "c": 102, "d": 103, "v": 104, "f": 106}, ([102], [103]))
    await client.rename_collection("ids", "renamed")
    described = await client.describe_collection("renamed")
    assert [(f["name"], f["field_id"]) for f in described["fields"]] == [
        ("a", 100), ("c", 102), ("d", 103), ("v", 104), ("f", 106)]


async def test_add_struct_field_is_refused(client):
    await client.create_collection("c", dimension=4)
    struct = client.create_struct_field_schema()
    struct.add_field("a", DataType.INT64)
    with pytest.raises(MilvusException) as err:
        await client.add_collection_struct_field("c", "s", struct, max_capacity=4)
    assert err.value.code == 3000 and "STRUCT" in err.value.message


async def test_run_analyzer(client):
    result = await client.run_analyzer("Hello, World! foo_bar 42")
    assert result.tokens == ["hello", "world", "foo", "bar", "42"]
    many = await client.run_analyzer(["A b", "é"], with_detail=True, with_hash=True)
    assert [t["token"] for t in many[0].tokens] == ["a", "b"]
    assert many[0].tokens[1].start_offset == 2 and many[0].tokens[1].position == 1
    assert isinstance(many[1].tokens[0].hash, int)
    plain = await client.run_analyzer("Hello World", analyzer_params={"tokenizer": "whitespace"})
    assert plain.tokens == ["Hello", "World"]
    with pytest.raises(MilvusException) as err:
        await client.run_analyzer("x", analyzer_params={"tokenizer": "jieba"})
    assert err.value.code == 3000 and "jieba" in err.value.message


@pytest.mark.parametrize("call", [
    lambda c: c.describe_replica("c"), lambda c: c.get_flush_all_state(), lambda c: c.get_compaction_plans(1),
    lambda c: c.list_compaction_tasks("c"), lambda c: c.drop_collection_field("c", "note"),
])
async def test_calls_without_rest_endpoint_raise_code_3000(client, transport, call):
    if transport != "rest":
        pytest.skip("only the REST transport lacks these endpoints")
    with pytest.raises(MilvusException) as err:
        await call(client)
    assert err.value.code == 3000 and "no Milvus REST v2 endpoint" in err.value.message


async def test_session_delegates(client):
    await client.create_collection("c", dimension=8)
    await client.insert("c", rows(3))
    session = client.session("cluster-a")
    assert len(await session.query("c", filter="id >= 0")) == 3
    assert len(await session.get("c", ids=[1])) == 1
    session.close()
    with pytest.raises(MilvusException):
        await session.query("c", filter="id >= 0")


@pytest.mark.parametrize("call", [
    lambda c: c.create_snapshot("s", "c"), lambda c: c.list_snapshots(), lambda c: c.describe_snapshot("s", "c"),
    lambda c: c.drop_snapshot("s", "c"), lambda c: c.restore_snapshot("s", "c", "d"),
    lambda c: c.get_restore_snapshot_state(1), lambda c: c.list_restore_snapshot_jobs(),
    lambda c: c.pin_snapshot_data("s", "c"), lambda c: c.unpin_snapshot_data(1),
    lambda c: c.add_file_resource("f", "/tmp/f"), lambda c: c.remove_file_resource("f"),
    lambda c: c.list_file_resources(), lambda c: c.refresh_external_collection("c"),
    lambda c: c.get_refresh_external_collection_progress(1), lambda c: c.list_refresh_external_collection_jobs(),
    lambda c: c.update_replicate_configuration([]), lambda c: c.get_replicate_configuration(),
    lambda c: c.get_replicate_info("a", "b"),
])
async def test_unsupported_features_raise_code_3000(client, call):
    with pytest.raises(MilvusException) as err:
        await call(client)
    assert err.value.code == 3000 and "not supported by Azimuth" in err.value.message


async def test_dump_messages_is_not_supported(client):
    with pytest.raises(MilvusException) as err:
        # unasync: async-only
        async for _ in client.dump_messages("ch", {}):
            pass
        # unasync: end
        # unasync: sync-only
        # for _ in client.dump_messages("ch", {}):
        #     pass
        # unasync: end
    assert err.value.code == 3000 and "dump_messages" in err.value.message
