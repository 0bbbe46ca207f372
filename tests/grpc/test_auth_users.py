"""``azimuth serve --auth`` checks tokens against the users kept in the catalog: users created, re-passworded or
dropped through the credential RPCs (by our client and by pymilvus) take effect at once and survive a restart."""

from __future__ import annotations

import pymilvus
import pytest

from azimuth import MilvusClient
from azimuth.errors import MilvusException
from azimuth.server.auth import Authenticator
from tests.grpc.server import running_server


def _rejected(address: str, token: str) -> bool:
    try:
        MilvusClient(address, token=token).list_collections()
    except MilvusException as exc:
        return exc.code == 1400
    return False


def test_users_created_over_the_wire_can_log_in(tmp_path):
    with running_server(tmp_path / "data", auth=Authenticator()) as address:
        root = MilvusClient(address, token="root:Milvus")
        root.create_user("alice", "secret123")
        root.create_role("reader")
        root.grant_role("alice", "reader")
        alice = MilvusClient(address, token="alice:secret123")
        assert alice.list_collections() == []
        assert alice.describe_user("alice")["roles"] == ("reader",)
        alice.close()
        root.update_password("alice", "secret123", "secret456")
        assert _rejected(address, "alice:secret123")
        MilvusClient(address, user="alice", password="secret456").close()
        theirs = pymilvus.MilvusClient(address, token="root:Milvus")
        theirs.create_user("bob", "password1")
        assert sorted(theirs.list_users()) == ["alice", "bob", "root"]
        theirs.close()
        MilvusClient(address, token="bob:password1").close()
        root.update_password("root", "Milvus", "rootpass1")
        root.close()
    with running_server(tmp_path / "data", auth=Authenticator()) as address:  # persisted in the catalog
        assert _rejected(address, "root:Milvus")
        root = MilvusClient(address, token="root:rootpass1")
        root.drop_user("bob")
        assert root.list_users() == ["alice", "root"]
        root.close()
        assert _rejected(address, "bob:password1")


def test_reset_connection_switches_credentials(tmp_path):
    with running_server(tmp_path / "data", auth=Authenticator()) as address:
        root = MilvusClient(address, token="root:Milvus", dedicated=True)
        root.update_password("root", "Milvus", "changed123", reset_connection=True)
        assert root.list_users() == ["root"]  # re-authenticated with the new password
        root.close()
        with pytest.raises(MilvusException):
            MilvusClient(address, token="root:Milvus").list_collections()
