"""``azimuth serve --auth`` enforces RBAC grants as Milvus does: over gRPC (our client gets ``MilvusException``
code 1401, pymilvus gets the ``PERMISSION_DENIED`` status real Milvus sends) and over REST (HTTP 403, code 1401),
with the message ``Privilege<Name>: permission deny to <user> in the `<db>` database``."""

from __future__ import annotations

import itertools

import grpc
import httpx
import pymilvus
import pytest

from azimuth import DataType, MilvusClient
from azimuth.errors import MilvusException
from azimuth.server.auth import Authenticator
from tests.rest.server import running_rest_server

VEC = [[0.1, 0.2, 0.3, 0.4]]
_IDS = itertools.count(1)


@pytest.fixture(scope="module")
def uri(tmp_path_factory):
    with running_rest_server(tmp_path_factory.mktemp("rbac"), auth=Authenticator()) as address:
        root = MilvusClient(address, token="root:Milvus")
        for name in ("c1", "c2"):
            root.create_collection(name, dimension=4)
            root.insert(name, [{"id": 1, "vector": VEC[0]}])
        root.create_database("other")
        other = MilvusClient(address, token="root:Milvus", db_name="other")
        other.create_collection("c1", dimension=4)
        other.close()
        root.close()
        yield address


@pytest.fixture
def root(uri):
    client = MilvusClient(uri, token="root:Milvus")
    yield client
    client.close()


class Person:
    """A fresh user with a fresh role of its own, and clients logged in as that user."""

    def __init__(self, uri: str, root: MilvusClient) -> None:
        n = next(_IDS)
        self.uri, self.name, self.role, self.password = uri, f"user{n}", f"role{n}", "password1"
        root.create_user(self.name, self.password)
        root.create_role(self.role)
        root.grant_role(self.name, self.role)
        self.token = f"{self.name}:{self.password}"
        self.client = MilvusClient(uri, token=self.token)

    def db(self, name: str) -> MilvusClient:
        return MilvusClient(self.uri, token=self.token, db_name=name)


@pytest.fixture
def person(uri, root):
    p = Person(uri, root)
    yield p
    p.client.close()
    root.drop_user(p.name)
    if p.role in root.list_roles():
        root.drop_role(p.role, force_drop=True)  # Milvus allows 10 custom roles


def denied(call, privilege: str, user: str, db: str = "default") -> None:
    with pytest.raises(MilvusException) as err:
        call()
    assert type(err.value) is MilvusException
    assert err.value.code == 1401
    assert err.value.message == f"Privilege{privilege}: permission deny to {user} in the `{db}` database"


def search(client: MilvusClient, name: str = "c1") -> list:
    return client.search(name, VEC, limit=1)


def test_a_user_without_grants_is_denied(person):
    c = person.client
    denied(lambda: search(c), "Search", person.name)
    denied(lambda: c.query("c1", "id >= 0"), "Query", person.name)
    denied(lambda: c.insert("c1", [{"id": 2, "vector": VEC[0]}]), "Insert", person.name)
    denied(lambda: c.create_collection("mine", dimension=4), "CreateCollection", person.name)
    denied(lambda: c.drop_collection("c1"), "DropCollection", person.name)
    denied(lambda: c.load_collection("c1"), "Load", person.name)
    denied(lambda: c.list_users(), "SelectOwnership", person.name)
    denied(lambda: c.create_user("mallory", "password1"), "CreateOwnership", person.name)
    denied(lambda: c.grant_role(person.name, "admin"), "ManageOwnership", person.name)
    denied(lambda: c.create_database("mine"), "CreateDatabase", person.name, "mine")
    # open to everybody, or granted to the public role by default (as in Milvus)
    assert c.has_collection("c1")
    assert c.describe_collection("c1")["collection_name"] == "c1"
    assert c.list_indexes("c1") == ["vector"]
    assert c.list_collections() == [] and c.list_databases() == []
    assert c.get_server_version()


def test_a_grant_on_one_collection_allows_only_that_collection(person, root):
    root.grant_privilege(person.role, "Collection", "Search", "c1")
    assert search(person.client)[0]
    denied(lambda: search(person.client, "c2"), "Search", person.name)
    denied(lambda: person.client.query("c1", "id >= 0"), "Query", person.name)
    other = person.db("other")
    denied(lambda: search(other), "Search", person.name, "other")
    other.close()
    assert person.client.list_collections() == ["c1"]
    assert person.client.list_databases() == ["default"]


def test_revoking_takes_effect_at_once(person, root):
    root.grant_privilege(person.role, "Collection", "Search", "c1")
    search(person.client)
    root.revoke_privilege(person.role, "Collection", "Search", "c1")
    denied(lambda: search(person.client), "Search", person.name)
    root.grant_privilege(person.role, "Collection", "Search", "c1")
    search(person.client)
    root.revoke_role(person.name, person.role)
    denied(lambda: search(person.client), "Search", person.name)
    root.grant_role(person.name, person.role)
    search(person.client)
    root.drop_role(person.role, force_drop=True)
    denied(lambda: search(person.client), "Search", person.name)


def test_built_in_privilege_groups(person, root):
    c = person.client
    root.grant_privilege_v2(person.role, "CollectionReadOnly", "c1")
    search(c)
    assert {"id": 1} in c.query("c1", "id >= 0", output_fields=["id"])
    assert c.get_load_state("c1")["state"].name == "Loaded"
    denied(lambda: c.insert("c1", [{"id": 2, "vector": VEC[0]}]), "Insert", person.name)
    denied(lambda: search(c, "c2"), "Search", person.name)
    root.grant_privilege_v2(person.role, "CollectionReadWrite", "c2")
    assert c.upsert("c2", [{"id": 1, "vector": VEC[0]}])["upsert_count"] == 1
    c.flush("c2")
    denied(lambda: c.rename_collection("c2", "c3"), "RenameCollection", person.name)
    denied(lambda: c.create_collection("mine", dimension=4), "CreateCollection", person.name)
    root.grant_privilege_v2(person.role, "DatabaseAdmin", "*", db_name="default")
    schema = MilvusClient.create_schema()
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("vector", DataType.FLOAT_VECTOR, dim=4)
    c.create_collection("mine", schema=schema)  # no index: the quick setup would also need CreateIndex and Load
    denied(lambda: c.create_index("mine", c.prepare_index_params("vector", metric_type="L2")), "CreateIndex",
           person.name)
    assert "mine" in c.list_collections()
    c.drop_collection("mine")
    other = person.db("other")
    denied(lambda: other.create_collection("mine", schema=schema), "CreateCollection", person.name, "other")
    other.close()
    denied(lambda: c.list_users(), "SelectOwnership", person.name)
    root.grant_privilege_v2(person.role, "ClusterAdmin", "*", db_name="*")
    assert person.name in c.list_users()
    c.create_user(f"{person.name}x", "password1")
    c.drop_user(f"{person.name}x")


def test_custom_privilege_groups_follow_their_members(person, root):
    group = f"g_{person.role}"
    root.create_privilege_group(group)
    root.add_privileges_to_group(group, ["Search", "Query"])
    root.grant_privilege_v2(person.role, group, "c2")
    search(person.client, "c2")
    person.client.query("c2", "id >= 0")
    denied(lambda: search(person.client), "Search", person.name)
    insert = lambda: person.client.insert("c2", [{"id": 5, "vector": VEC[0]}])  # noqa: E731
    denied(insert, "Insert", person.name)
    root.add_privileges_to_group(group, ["Insert"])
    assert insert()["insert_count"] == 1
    root.remove_privileges_from_group(group, ["Insert", "Search"])
    denied(insert, "Insert", person.name)
    denied(lambda: search(person.client, "c2"), "Search", person.name)
    root.revoke_privilege_v2(person.role, group, "c2")
    root.drop_privilege_group(group)


def test_wildcards(person, root):
    c = person.client
    root.grant_privilege(person.role, "Collection", "Search", "*")
    search(c)
    search(c, "c2")
    other = person.db("other")
    denied(lambda: search(other), "Search", person.name, "other")
    root.grant_privilege_v2(person.role, "Search", "*", db_name="*")
    search(other)
    denied(lambda: other.query("c1", "id >= 0"), "Query", person.name, "other")
    root.grant_privilege(person.role, "Global", "*", "*", db_name="other")
    other.query("c1", "id >= 0")
    other.create_collection("mine", dimension=4)
    other.drop_collection("mine")
    denied(lambda: c.create_collection("mine", dimension=4), "CreateCollection", person.name)
    other.close()
    assert c.list_collections() == ["c1", "c2"]
    assert sorted(c.list_databases()) == ["default", "other"]


def test_all_on_one_collection(person, root):
    root.grant_privilege(person.role, "Collection", "*", "c1")
    search(person.client)
    person.client.insert("c1", [{"id": 3, "vector": VEC[0]}])
    denied(lambda: search(person.client, "c2"), "Search", person.name)


def test_root_and_admin_role_are_allowed_everything(person, root):
    root.grant_role(person.name, "admin")
    c = person.client
    search(c, "c2")
    c.create_collection("by_admin", dimension=4)
    assert "by_admin" in c.list_collections()
    c.drop_collection("by_admin")
    c.create_user(f"{person.name}y", "password1")
    c.drop_user(f"{person.name}y")
    assert "other" in c.list_databases()
    root.revoke_role(person.name, "admin")
    denied(lambda: search(c, "c2"), "Search", person.name)
    search(root, "c2")
    assert root.list_collections() == ["c1", "c2"]


def test_users_may_always_act_on_themselves(person, root):
    c = person.client
    assert c.describe_user(person.name)["roles"] == (person.role,)
    c.update_password(person.name, person.password, "password2")
    c = MilvusClient(person.uri, token=f"{person.name}:password2")
    c.update_user(person.name, "my own description")
    assert c.describe_user(person.name)["description"] == "my own description"
    denied(lambda: c.update_user("root", "mine now"), "UpdateUser", person.name)
    denied(lambda: c.describe_user("root"), "SelectUser", person.name)
    root.grant_privilege(person.role, "User", "SelectUser", "root")
    assert c.describe_user("root")["user_name"] == "root"
    c.close()


def test_a_collection_granted_is_reachable_through_its_alias(person, root):
    alias = f"a_{person.role}"
    root.create_alias("c1", alias)
    root.grant_privilege(person.role, "Collection", "Search", "c1")
    assert search(person.client, alias)[0]
    root.drop_alias(alias)


def test_pymilvus_sees_milvus_permission_denied(person, root):
    theirs = pymilvus.MilvusClient(person.uri, token=person.token)
    with pytest.raises(grpc.RpcError) as err:
        theirs.search("c1", VEC, limit=1)
    assert err.value.code() == grpc.StatusCode.PERMISSION_DENIED
    assert err.value.details() == f"PrivilegeSearch: permission deny to {person.name} in the `default` database"
    root.grant_privilege(person.role, "Collection", "Search", "c1")
    assert theirs.search("c1", VEC, limit=1)[0]
    assert theirs.list_collections() == ["c1"]
    with pytest.raises(grpc.RpcError) as err:
        theirs.insert("c1", [{"id": 9, "vector": VEC[0]}])
    assert err.value.code() == grpc.StatusCode.PERMISSION_DENIED
    assert "PrivilegeInsert" in err.value.details()
    theirs.close()


def test_search_iterators_need_only_search(person, root):
    root.grant_privilege(person.role, "Collection", "Search", "c1")
    root.revoke_privilege("public", "Collection", "IndexDetail", "*", db_name="*")
    try:
        it = person.client.search_iterator("c1", VEC, batch_size=10, limit=5)
        assert 1 in [hit["id"] for hit in it.next()]
        it.close()
    finally:
        root.grant_privilege("public", "Collection", "IndexDetail", "*", db_name="*")


def test_rest_denial_envelope(person, root):
    http = httpx.Client(base_url=person.uri, headers={"Authorization": f"Bearer {person.token}"}, timeout=30)
    body = {"collectionName": "c1", "data": VEC, "limit": 1}
    response = http.post("/v2/vectordb/entities/search", json=body)
    assert response.status_code == 403
    assert response.json() == {"code": 1401, "message": f"PrivilegeSearch: permission deny to {person.name} "
                                                         "in the `default` database"}
    root.grant_privilege(person.role, "Collection", "Search", "c1")
    response = http.post("/v2/vectordb/entities/search", json=body)
    assert response.status_code == 200 and response.json()["code"] == 0
    assert http.post("/v2/vectordb/collections/list", json={}).json()["data"] == ["c1"]
    response = http.post("/v2/vectordb/entities/search", json={**body, "dbName": "other"})
    assert response.status_code == 403 and "in the `other` database" in response.json()["message"]
    response = http.post("/v2/vectordb/collections/create", json={"collectionName": "x", "dimension": 4})
    assert response.status_code == 403 and response.json()["code"] == 1401
    assert "PrivilegeCreateCollection" in response.json()["message"]
    http.close()
    rest = MilvusClient(person.uri, token=person.token, transport="rest")
    denied(lambda: rest.insert("c1", [{"id": 4, "vector": VEC[0]}]), "Insert", person.name)
    assert rest.search("c1", VEC, limit=1)[0]
    rest.close()
    root_http = httpx.Client(base_url=person.uri, headers={"Authorization": "Bearer root:Milvus"}, timeout=30)
    assert root_http.post("/v2/vectordb/entities/search", json={**body, "collectionName": "c2"}).json()["code"] == 0
    root_http.close()


def test_public_role_has_milvus_defaults(root):
    grants = {(p["object_type"], p["object_name"], p["db_name"], p["privilege"])
              for p in root.describe_role("public")["privileges"]}
    assert grants == {("Global", "*", "*", "DescribeCollection"), ("Collection", "*", "*", "IndexDetail")}
