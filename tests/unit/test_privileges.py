"""The privilege table and the effective-privilege rules of :mod:`azimuth.service.privileges`.

The table is checked against Milvus's own catalogue: the ``privilege_ext_obj`` option each request message carries
in ``milvus.proto`` (as shipped in pymilvus), which Milvus's privilege interceptor reads."""

from __future__ import annotations

import pytest
from pymilvus.grpc_gen import common_pb2, milvus_pb2

import azimuth.service.service  # noqa: F401  (registers every handler)
from azimuth.engine.catalog import RoleMeta, SecurityMeta, UserMeta
from azimuth.errors import MilvusException
from azimuth.ops import collection as c
from azimuth.ops import data as d
from azimuth.ops import database as db_ops
from azimuth.ops.base import OPS, CallContext
from azimuth.service import rbac
from azimuth.service.privileges import COLLECTION_PRIVILEGES, REQUIRED, PermissionDenied, effective, object_type
from azimuth.service.registry import HANDLERS
from azimuth.service.service import Service


def _milvus_catalogue() -> dict[str, tuple[str, str]]:
    ext = common_pb2.privilege_ext_obj
    out = {}
    for method in milvus_pb2.DESCRIPTOR.services_by_name["MilvusService"].methods:
        options = method.input_type.GetOptions()
        if options.HasExtension(ext):
            e = options.Extensions[ext]
            out[method.name] = (common_pb2.ObjectPrivilege.Name(e.object_privilege).removeprefix("Privilege"),
                                common_pb2.ObjectType.Name(e.object_type))
    return out


MILVUS = _milvus_catalogue()


@pytest.mark.parametrize("op_name", sorted(name for name, cls in OPS.items() if cls in HANDLERS))
def test_every_op_needs_what_milvus_requires(op_name):
    assert REQUIRED.get(op_name) == MILVUS.get(op_name)


def test_table_entries_agree_with_milvus_and_name_known_privileges():
    for rpc, rule in REQUIRED.items():
        assert MILVUS[rpc] == rule, rpc
        assert rule[0] in rbac.PRIVILEGES, rule
        assert object_type(rule[0]) == rule[1], rule
    assert COLLECTION_PRIVILEGES <= rbac.PRIVILEGES
    for members in rbac.BUILTIN_GROUPS.values():
        assert set(members) <= rbac.PRIVILEGES


def _security(*grants: dict, roles=("r",), groups=None) -> SecurityMeta:
    sec = SecurityMeta()
    sec.users["u"] = UserMeta("u", "", "", "", list(roles), 0)
    for name in ("admin", "public", "r"):
        sec.roles[name] = RoleMeta(name)
    sec.roles["r"].grants.extend(grants)
    sec.privilege_groups.update(groups or {})
    return sec


def _grant(privilege, object_type="Collection", name="c1", db="default"):
    return {"object_type": object_type, "object_name": name, "db_name": db, "privilege": privilege}


def test_plain_grants_match_object_and_database():
    g = effective(_security(_grant("Search")), "u")
    assert g.permits("Search", "Collection", "c1", "default")
    assert not g.permits("Search", "Collection", "c2", "default")
    assert not g.permits("Search", "Collection", "c1", "other")
    assert not g.permits("Query", "Collection", "c1", "default")
    g = effective(_security(_grant("Search", name="*", db="*")), "u")
    assert g.permits("Search", "Collection", "anything", "any_db")


def test_groups_expand_with_the_object_type_of_each_member():
    g = effective(_security(_grant("CollectionReadOnly")), "u")
    assert g.permits("Query", "Collection", "c1", "default")
    assert g.permits("DescribeCollection", "Global", "*", "default")  # a Global member applies to the database
    assert not g.permits("Insert", "Collection", "c1", "default")
    g = effective(_security(_grant("mine", name="c2"), groups={"mine": ["Insert"]}), "u")
    assert g.permits("Insert", "Collection", "c2", "default")
    assert not g.permits("Insert", "Collection", "c1", "default")
    g = effective(_security(_grant("ClusterAdmin", "Global", "*", "*")), "u")
    assert g.permits("CreateOwnership", "Global", "*", "db9")


def test_all_privilege():
    g = effective(_security(_grant("All", "Global", "*")), "u")
    assert g.permits("DropDatabase", "Global", "*", "default") and g.permits("Insert", "Collection", "x", "default")
    assert not g.permits("Insert", "Collection", "x", "other")
    g = effective(_security(_grant("All")), "u")
    assert g.permits("Insert", "Collection", "c1", "default")
    assert not g.permits("Insert", "Collection", "c2", "default")
    assert not g.permits("CreateCollection", "Global", "*", "default")


def test_admin_role_bypasses_and_public_counts_but_is_not_listed():
    assert effective(_security(roles=("admin",)), "u").bypass
    sec = _security()
    sec.roles["public"].grants.append(_grant("Search", name="*", db="*"))
    g = effective(sec, "u")
    assert g.permits("Search", "Collection", "c9", "db9")
    assert g.visible_collections("default") == frozenset() and g.databases == frozenset()
    g = effective(_security(_grant("Search"), _grant("Query", name="c3", db="other")), "u")
    assert g.visible_collections("default") == {"c1"} and g.databases == {"default", "other"}
    assert effective(_security(_grant("All", "Global", "*")), "u").visible_collections("default") is None


def test_service_checks_only_calls_made_for_a_user(tmp_path):
    service = Service.open(tmp_path)
    try:
        service.execute(db_ops.CreateDatabase(db_name="x"))  # embedded / no --auth: no user, no checks
        service.execute(c.ListCollections(), CallContext())
        service.execute(rbac.ops.CreateUser(user_name="bob", password="password1"))
        with pytest.raises(PermissionDenied) as err:
            service.execute(d.Query(collection_name="c", filter="id > 0"), CallContext(user="bob"))
        assert isinstance(err.value, MilvusException) and err.value.code == 1401
        assert err.value.message == "PrivilegeQuery: permission deny to bob in the `default` database"
        assert service.execute(c.ListCollections(), CallContext(user="bob")) == []
        bob = CallContext(user="bob")
        assert service.execute(rbac.ops.SelectUser(user_name="bob"), bob)[0].user_name == "bob"  # itself
        assert service.execute(rbac.ops.SelectGrant(role_name="public"), bob) == []  # its own roles: allowed
        with pytest.raises(PermissionDenied):
            service.execute(rbac.ops.SelectGrant(role_name="admin"), bob)
        with pytest.raises(PermissionDenied):
            service.execute(rbac.ops.SelectUser(user_name="root"), bob)
        with pytest.raises(PermissionDenied):
            service.execute(db_ops.CreateDatabase(db_name="y"), CallContext(user="bob"))
    finally:
        service.close()
