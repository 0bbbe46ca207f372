"""Every REST endpoint by plain HTTP: good inputs give Milvus's shapes, bad inputs Milvus's codes; no endpoint
answers 404 or 500 for a JSON body; the conventions of rest-v2 §1-§5."""

from __future__ import annotations

import base64

import pytest

from azimuth.codec.rest.table import ROUTES, ensure_routes

ensure_routes()
VEC = [[0.1, 0.2, 0.3, 0.4], [0.4, 0.3, 0.2, 0.1], [0.9, 0.1, 0.5, 0.5]]


def _docs(api, n: int = 3) -> None:
    api.ok("collections/create", collectionName="docs", dimension=4)
    rows = [{"id": i, "vector": VEC[i % 3], "title": f"t{i}"} for i in range(n)]
    assert api.ok("entities/insert", collectionName="docs", data=rows)["insertCount"] == n


@pytest.mark.parametrize("path", sorted(ROUTES))
def test_every_route_answers_an_envelope(api, path):
    response = api.raw(path.split("/v2/vectordb/", 1)[1], {"dbName": api.db})
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/json")
    body = response.json()
    if path.endswith("resource_groups/describe"):
        return
    assert isinstance(body["code"], int)
    if body["code"]:
        assert body["message"] and "data" not in body


def test_transport_conventions(api):
    assert api.raw("collections/list", content=b"").json()["code"] == 1801
    assert api.http.post("/v2/vectordb/collections/list", content=b"[1]").json()["code"] == 1801
    assert api.http.post("/v2/vectordb/nope/nothing", json={}).status_code == 404
    assert api.http.request("OPTIONS", "/v2/vectordb/collections/list").status_code == 204
    assert api.http.get("/healthz").json()["status"] == "ok"
    assert "/v2/vectordb/entities/search" in api.http.get("/v2/vectordb/openapi.json").json()["paths"]
    assert api.post("collections/has")["code"] == 1802
    assert api.post("entities/query", collectionName="docs", limit="10")["code"] == 1801
    assert api.post("collections/create", collectionName="x", dimension=4, autoID="true")["code"] == 1801


def test_collections_lifecycle(api):
    _docs(api)
    assert api.ok("collections/list") == ["docs"]
    assert api.ok("collections/has", collectionname="docs") == {"has": True}  # keys are case-insensitive
    described = api.post("collections/describe", collectionName="docs")
    assert described["message"] == "" and described["data"]["load"] == "LoadStateLoaded"
    data = described["data"]
    assert data["enableDynamicField"] is True and data["consistencyLevel"] == "Bounded"
    assert data["indexes"] == [{"indexName": "vector", "fieldName": "vector", "metricType": "COSINE"}]
    assert data["fields"][1]["params"] == [{"key": "dim", "value": "4"}]
    assert api.ok("collections/get_stats", collectionName="docs") == {"rowCount": 3}
    assert api.ok("collections/get_load_state", collectionName="docs")["loadState"] == "LoadStateLoaded"
    api.ok("collections/release", collectionName="docs")
    assert api.ok("collections/get_load_state", collectionName="docs") == {"loadState": "LoadStateNotLoad"}
    api.ok("collections/load", collectionName="docs")
    api.ok("collections/refresh_load", collectionName="docs")
    api.ok("collections/alter_properties", collectionName="docs", properties={"collection.ttl.seconds": 60})
    props = api.ok("collections/describe", collectionName="docs")["properties"]
    assert {"key": "collection.ttl.seconds", "value": "60"} in props
    api.ok("collections/drop_properties", collectionName="docs", propertyKeys=["collection.ttl.seconds"])
    api.ok("collections/flush", collectionName="docs")
    job = api.ok("collections/compact", collectionName="docs")["compactionID"]
    assert api.ok("collections/get_compaction_state", jobID=job)["state"] in ("Completed", "Executing")
    api.ok("collections/fields/add", collectionName="docs",
           schema={"fieldName": "rating", "dataType": "Int64", "nullable": True})
    api.ok("collections/rename", collectionName="docs", newCollectionName="docs2")
    api.ok("collections/truncate", collectionName="docs2")
    assert api.ok("collections/get_stats", collectionName="docs2") == {"rowCount": 0}
    api.ok("collections/drop", collectionName="docs2")
    missing = api.post("collections/describe", collectionName="docs2")
    assert missing["code"] == 100 and "can't find collection" in missing["message"]
    assert api.post("collections/get_load_state", collectionName="docs2")["code"] == 100
    assert api.post("collections/create", collectionName="q")["code"] == 1100
    assert api.post("collections/create", collectionName="q", dimension=4, idType="Float")["code"] == 1100
    bad_type = {"fields": [{"fieldName": "id", "dataType": "int64", "isPrimary": True}]}
    assert "case sensitive" in api.post("collections/create", collectionName="q", schema=bad_type)["message"]
    assert api.post("collections/add_function", collectionName="q")["code"] == 1802


def test_custom_schema_value_encodings(api):
    schema = {"enableDynamicField": True, "fields": [
        {"fieldName": "id", "dataType": "Int64", "isPrimary": True},
        {"fieldName": "tags", "dataType": "Array", "elementDataType": "VarChar",
         "elementTypeParams": {"max_capacity": 4, "max_length": 8}, "nullable": True},
        {"fieldName": "j", "dataType": "JSON"},
        {"fieldName": "flag", "dataType": "Bool"},
        {"fieldName": "n", "dataType": "Int32", "defaultValue": 7},
        {"fieldName": "bin", "dataType": "BinaryVector", "elementTypeParams": {"dim": 16}},
        {"fieldName": "half", "dataType": "Float16Vector", "elementTypeParams": {"dim": 2}},
        {"fieldName": "sp", "dataType": "SparseFloatVector"}]}
    index = [{"fieldName": "bin", "indexType": "BIN_FLAT", "metricType": "HAMMING"},
             {"fieldName": "half", "indexType": "FLAT", "metricType": "L2"},
             {"fieldName": "sp", "indexType": "SPARSE_INVERTED_INDEX", "metricType": "IP"}]
    api.ok("collections/create", collectionName="c", schema=schema, indexParams=index)
    big = 2**62 + 1
    rows = [{"id": big, "tags": ["a", "b"], "j": {"a": 1}, "flag": "true", "bin": "/wA=", "half": [0.5, 1.0],
             "sp": {"1": 0.5, "7": 0.25}, "extra": "x"},
            {"id": "5", "tags": None, "j": "[1, 2]", "flag": 0, "n": "3", "bin": [255, 0],
             "half": base64.b64encode(b"\x00\x38\x00\x3c").decode(), "sp": {"indices": [2], "values": [1.5]}}]
    assert api.ok("entities/insert", collectionName="c", data=rows)["insertIds"] == [big, 5]
    got = {r["id"]: r for r in api.ok("entities/get", collectionName="c", id=[big, "5"])}
    first = got[big]
    assert first["tags"] == {"Data": {"StringData": {"data": ["a", "b"]}}} and first["j"] == '{"a":1}'
    assert first["flag"] is True and first["n"] == 7 and first["bin"] == "/wA=" and first["extra"] == "x"
    assert first["sp"] == {"1": 0.5, "7": 0.25}
    assert got[5]["tags"] is None and got[5]["n"] == 3 and got[5]["bin"] == "/wA=" and got[5]["sp"] == {"2": 1.5}
    as_text = api.raw("entities/get", {"dbName": api.db, "collectionName": "c", "id": [big]},
                      headers={"Accept-Type-Allow-Int64": "false"}).json()
    assert as_text["data"][0]["id"] == str(big)
    bad = [{"id": 9, "j": {}, "flag": True, "bin": [1], "half": [1, 2], "sp": {}}]
    assert api.post("entities/insert", collectionName="c", data=bad)["code"] == 1804
    assert api.post("entities/insert", collectionName="c", data=[])["code"] == 1804
    assert api.post("entities/get", collectionName="c", id=[1.5])["code"] == 1806


def test_entities(api):
    _docs(api, 6)
    rows = api.ok("entities/query", collectionName="docs", filter="id >= {lo}", exprParams={"lo": 3},
                  outputFields=["id", "title"])
    assert sorted(r["id"] for r in rows) == [3, 4, 5] and set(rows[0]) == {"id", "title"}
    assert api.ok("entities/query", collectionName="docs", outputFields=["count(*)"]) == [{"count(*)": 6}]
    hits = api.post("entities/search", collectionName="docs", data=VEC[:2], limit=2, outputFields=["title"])
    assert hits["topks"] == [2, 2] and len(hits["data"]) == 4 and set(hits["data"][0]) == {"id", "distance", "title"}
    plain = api.post("entities/search", collectionName="docs", data=[VEC[0]], limit=3)
    assert set(plain["data"][0]) == {"id", "distance"}
    assert api.post("entities/search", collectionName="docs", ids=[1], limit=2)["topks"] == [2]
    assert api.post("entities/search", collectionName="docs", limit=2)["code"] == 1802
    assert api.post("entities/search", collectionName="docs", data=[[1, 2]], limit=2)["code"] == 1801
    sub = {"data": [VEC[0]], "annsField": "vector", "limit": 3}
    fused = api.post("entities/hybrid_search", collectionName="docs", search=[sub, sub],
                     rerank={"strategy": "rrf", "params": {"k": 60}}, limit=2)
    assert fused["code"] == 0 and fused["topks"] == [2]
    assert api.post("entities/advanced_search", collectionName="docs", search=[sub],
                    rerank={"strategy": "weighted", "params": {"weights": [1.0]}}, limit=2)["code"] == 0
    assert api.post("entities/hybrid_search", collectionName="docs", search=[sub],
                    rerank={"strategy": "nope"})["code"] == 1100
    api.ok("entities/upsert", collectionName="docs", data=[{"id": 0, "vector": VEC[1], "title": "new"}])
    api.ok("entities/upsert", collectionName="docs", data=[{"id": 0, "title": "newer"}], partialUpdate=True)
    assert api.ok("entities/get", collectionName="docs", id=0, outputFields=["title"])[0]["title"] == "newer"
    assert api.post("entities/delete", collectionName="docs")["code"] == 1802
    assert api.ok("entities/delete", collectionName="docs", filter="id in [0, 1]")["deleteCount"] == 2
    assert api.ok("entities/get", collectionName="docs", id=[0, 1]) == []
    assert api.post("entities/query", collectionName="missing")["code"] == 100


def test_partitions_indexes_aliases_databases(api):
    _docs(api)
    api.ok("partitions/create", collectionName="docs", partitionName="p")
    assert api.ok("partitions/list", collectionName="docs") == ["_default", "p"]
    assert api.ok("partitions/has", collectionName="docs", partitionName="p") == {"has": True}
    api.ok("entities/insert", collectionName="docs", partitionName="p", data=[{"id": 9, "vector": VEC[0]}])
    assert api.ok("partitions/get_stats", collectionName="docs", partitionName="p") == {"rowCount": 1}
    api.ok("partitions/release", collectionName="docs", partitionNames=["p"])
    api.ok("partitions/load", collectionName="docs", partitionNames=["p"])
    api.ok("partitions/release", collectionName="docs", partitionNames=["p"])
    api.ok("partitions/drop", collectionName="docs", partitionName="p")
    assert api.post("partitions/load", collectionName="docs")["code"] == 1802
    assert api.ok("indexes/list", collectionName="docs") == ["vector"]
    index = api.ok("indexes/describe", collectionName="docs", indexName="vector")[0]
    assert index["indexType"] == "AUTOINDEX" and index["indexState"] == "Finished"
    assert api.post("indexes/describe", collectionName="docs", indexName="nope")["code"] == 700
    api.ok("indexes/alter_properties", collectionName="docs", indexName="vector", properties={"mmap.enabled": True})
    api.ok("indexes/drop_properties", collectionName="docs", indexName="vector", propertyKeys=["mmap.enabled"])
    api.ok("collections/release", collectionName="docs")
    api.ok("indexes/drop", collectionName="docs", indexName="vector")
    assert api.ok("indexes/list", collectionName="docs") == []
    api.ok("indexes/create", collectionName="docs",
           indexParams=[{"fieldName": "vector", "indexType": "HNSW", "metricType": "L2", "params": {"M": 8}}])
    api.ok("aliases/create", collectionName="docs", aliasName="a1")
    assert api.ok("aliases/list") == ["a1"]
    assert api.ok("aliases/describe", aliasName="a1")["collectionName"] == "docs"
    api.ok("collections/create", collectionName="other", dimension=4)
    api.ok("aliases/alter", collectionName="other", aliasName="a1")
    api.ok("aliases/drop", aliasName="a1")
    assert api.post("aliases/describe", aliasName="a1")["code"] == 1600
    assert api.db in api.ok("databases/list")
    api.ok("databases/alter", properties={"database.max.collections": 5})
    described = api.ok("databases/describe")
    assert {"key": "database.max.collections", "value": "5"} in described["properties"]
    api.ok("databases/drop_properties", propertyKeys=["database.max.collections"])
    api.ok("databases/create", dbName=api.db + "_x")
    api.ok("databases/drop", dbName=api.db + "_x")
    assert api.post("databases/describe", dbName="nope_db")["code"] == 800


def test_db_name_header(api):
    _docs(api)
    response = api.http.post("/v2/vectordb/collections/list", json={}, headers={"DB-Name": api.db})
    assert response.json()["data"] == ["docs"]
    assert api.http.post("/v2/vectordb/collections/list", json={"dbName": "nope"}).json()["code"] == 800


def test_request_size_limit(tmp_path):
    import httpx

    from azimuth.server.rest_app import RestSettings
    from tests.rest.server import running_rest_server

    with running_rest_server(tmp_path / "small", rest=RestSettings(max_body=1000)) as uri:
        response = httpx.post(uri + "/v2/vectordb/collections/list", content=b"{" + b" " * 2000 + b"}")
        assert response.status_code == 413 and "too large" in response.json()["message"]
        assert httpx.post(uri + "/v2/vectordb/collections/list", json={}).json()["code"] == 0


def test_users_roles_and_privilege_groups(api):
    user, role, group = f"u_{api.db}", f"r_{api.db}", f"g_{api.db}"
    api.ok("users/create", userName=user, password="secret123", description="svc")
    assert api.post("users/create", userName=user, password="secret123")["code"] == 1100
    assert api.post("users/create", userName=user)["code"] == 1802
    assert user in api.ok("users/list")
    described = api.post("users/describe", userName=user)
    assert described["data"] == [] and described["description"] == "svc"
    assert "description" not in api.post("users/describe", userName="nobody_" + api.db)
    assert api.post("users/update_password", userName=user, password="wrong-pass", newPassword="x1234567")[
        "code"] == 1401
    api.ok("users/update_password", userName=user, password="secret123", newPassword="secret456")
    api.ok("users/update_password", userName=user, description="changed")
    assert api.post("users/update_password", userName=user)["code"] == 1802
    api.ok("roles/create", roleName=role, description="reads")
    assert role in api.ok("roles/list") and "admin" in api.ok("roles/list")
    api.ok("roles/alter", roleName=role, description="reads docs")
    api.ok("users/grant_role", userName=user, roleName=role)
    assert api.ok("users/describe", userName=user) == [role]
    api.ok("roles/grant_privilege", roleName=role, objectType="Collection", objectName="docs", privilege="Search")
    api.ok("roles/grant_privilege_v2", roleName=role, privilege="CollectionReadOnly", collectionName="*")
    assert api.post("roles/grant_privilege", roleName=role, objectType="Collection", objectName="docs",
                    privilege="Nope")["code"] == 1100
    described = api.post("roles/describe", roleName=role)
    assert described["description"] == "reads docs"
    assert {"objectType": "Collection", "objectName": "docs", "privilege": "Search", "dbName": api.db,
            "grantor": "root"} in described["data"]
    assert api.post("roles/drop", roleName=role)["code"] == 1100  # still has grants
    api.ok("roles/revoke_privilege", roleName=role, objectType="Collection", objectName="docs", privilege="Search")
    api.ok("roles/revoke_privilege_v2", roleName=role, privilege="CollectionReadOnly", collectionName="*")
    api.ok("users/revoke_role", userName=user, roleName=role)
    api.ok("roles/drop", roleName=role)
    api.ok("privilege_groups/create", privilegeGroupName=group)
    api.ok("privilege_groups/add_privileges_to_group", privilegeGroupName=group, privileges=["Search", "Query"])
    api.ok("privilege_groups/remove_privileges_from_group", privilegeGroupName=group, privileges=["Query"])
    groups = {g["privilegeGroupName"]: g["privileges"] for g in api.ok("privilege_groups/list")["privilegeGroups"]}
    assert groups[group] == "Search" and "," in groups["CollectionReadOnly"]
    api.ok("privilege_groups/drop", privilegeGroupName=group)
    api.ok("users/drop", userName=user)
    assert user not in api.ok("users/list")


def test_resource_groups_segments_analyzer_functions(api):
    _docs(api, 5)
    name = f"rg_{api.db}"
    assert "__default_resource_group" in api.ok("resource_groups/list")
    api.ok("resource_groups/create", name=name, config={"requests": {"node_num": 1}, "limits": {"node_num": 1},
                                                        "node_filter": {"node_labels": {"zone": "a"}}})
    assert api.post("resource_groups/create", name="bad_rg", config={"requests": "x"})["code"] == 1100
    api.ok("resource_groups/alter", resource_groups={name: {"requests": {"node_num": 2}}})
    described = api.raw("resource_groups/describe", {"name": name}).json()
    assert set(described) == {"resource_group"} and described["resource_group"]["config"] == {
        "requests": {"node_num": 2}}
    assert api.post("resource_groups/describe", name="nope")["code"] == 300
    api.ok("resource_groups/transfer_replica", sourceRgName="__default_resource_group", targetRgName=name,
           collectionName="docs", replicaNum=1)
    loaded = api.raw("resource_groups/describe", {"name": name}).json()["resource_group"]["num_loaded_replica"]
    assert loaded == {"docs": 1}
    assert api.post("resource_groups/transfer_replica", sourceRgName=name, targetRgName="__default_resource_group",
                    collectionName="docs", replicaNum=0)["code"] == 1100
    api.ok("resource_groups/transfer_replica", sourceRgName=name, targetRgName="__default_resource_group",
           collectionName="docs", replicaNum=1)
    api.ok("resource_groups/drop", name=name)
    collection_id = api.ok("collections/describe", collectionName="docs")["collectionID"]
    api.ok("collections/flush", collectionName="docs")
    infos = api.ok("segments/describe", collectionID=collection_id)["segmentInfos"]
    assert sum(s["numRows"] for s in infos) == 5 and all(s["collectionID"] == collection_id for s in infos)
    assert api.post("segments/describe", collectionID=collection_id + 12345)["code"] == 100
    tokens = api.ok("common/run_analyzer", text=["Hello, World!"], withDetail=True)["results"][0]["tokens"]
    assert [t["token"] for t in tokens] == ["hello", "world"] and tokens[1]["startOffset"] == 7
    assert api.post("common/run_analyzer", text=["x"], analyzerParams={"tokenizer": "standard"})["code"] == 1801
    assert api.post("common/run_analyzer", text=["x"],
                    analyzerParams='{"tokenizer": "jieba"}')["code"] == 3000
    schema = {"fields": [{"fieldName": "id", "dataType": "Int64", "isPrimary": True},
                         {"fieldName": "text", "dataType": "VarChar",
                          "elementTypeParams": {"max_length": 100, "enable_analyzer": True}},
                         {"fieldName": "sparse", "dataType": "SparseFloatVector"},
                         {"fieldName": "vector", "dataType": "FloatVector", "elementTypeParams": {"dim": 4}}]}
    api.ok("collections/create", collectionName="f", schema=schema)
    bm25 = {"name": "bm25", "type": "BM25", "inputFieldNames": ["text"], "outputFieldNames": ["sparse"]}
    api.ok("collections/add_function", collectionName="f", function=bm25)
    assert api.post("collections/add_function", collectionName="f", function={**bm25, "type": "Nope"})[
        "code"] == 1100
    api.ok("collections/alter_function", collectionName="f", functionName="bm25",
           function={**bm25, "description": "tuned"})
    assert api.ok("collections/describe", collectionName="f")["functions"][0]["description"] == "tuned"
    api.ok("collections/drop_function", collectionName="f", FunctionName="bm25")
    assert api.ok("collections/describe", collectionName="f")["functions"] == []
