"""The gRPC server on bad input, with auth, after fork; the column codec round trip on its own."""

from __future__ import annotations

import os

import grpc
import numpy as np
import pyarrow as pa
import pytest

from azimuth import MilvusClient
from azimuth.codec.grpc.columns import ColumnType, decode_table, encode_table
from azimuth.codec.grpc.proto import SERVICE_NAME
from azimuth.errors import MilvusException
from azimuth.server.auth import Authenticator
from azimuth.types.enums import DataType
from tests.grpc.server import running_server


@pytest.fixture(scope="module")
def uri(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("wire")) as address:
        yield address


def _raw_call(uri: str, rpc: str, payload: bytes) -> grpc.RpcError | bytes:
    with grpc.insecure_channel(uri.split("//")[1]) as channel:
        method = channel.unary_unary(f"/{SERVICE_NAME}/{rpc}")
        try:
            return method(payload, timeout=5)
        except grpc.RpcError as exc:
            return exc


def test_malformed_and_unknown_rpcs_keep_the_server_alive(uri):
    bad = _raw_call(uri, "Insert", b"\xff\xff\xff\xff")
    assert isinstance(bad, grpc.RpcError) and bad.code() == grpc.StatusCode.INVALID_ARGUMENT
    unknown = _raw_call(uri, "NoSuchRpc", b"")
    assert isinstance(unknown, grpc.RpcError) and unknown.code() == grpc.StatusCode.UNIMPLEMENTED
    client = MilvusClient(uri)
    client.create_collection("alive", dimension=4)
    with pytest.raises(MilvusException) as err:  # wrong FieldData: vector of the wrong dimension
        client.insert("alive", [{"id": 1, "vector": [0.1, 0.2]}])
    assert err.value.code in (1100, 1)
    assert client.list_collections() == ["alive"]
    client.close()


def test_fork_reopens_channels(uri):
    client = MilvusClient(uri)
    client.list_collections()
    pid = os.fork()
    if pid == 0:  # child: the inherited channel is replaced by a fresh one
        try:
            client.list_collections()
            os._exit(0)
        except BaseException:
            os._exit(1)
    _, status = os.waitpid(pid, 0)
    assert os.WEXITSTATUS(status) == 0
    assert isinstance(client.list_collections(), list)
    client.close()


def test_auth(tmp_path):
    (tmp_path / "auth").mkdir()
    with running_server(tmp_path / "data", auth=Authenticator(tmp_path / "auth")) as address:
        with pytest.raises(MilvusException) as err:
            MilvusClient(address, token="root:wrong").list_collections()
        assert err.value.code == 1400
        root = MilvusClient(address, token="root:Milvus")
        assert root.list_collections() == []
        root.close()
        admin = MilvusClient(address, user="root", password="Milvus")
        admin.close()


def test_column_codec_roundtrip():
    table = pa.table({
        "i": pa.array([1, None, -3], type=pa.int64()),
        "s": pa.array(["a", None, "ç"]),
        "j": pa.array(['{"a":1}', "[1]", None]),
        "fv": pa.FixedSizeListArray.from_arrays(pa.array(np.arange(6, dtype=np.float32)), 2),
        "sv": pa.array([[(1, 0.5)], [], [(3, 1.0), (9, 2.0)]], type=pa.map_(pa.uint32(), pa.float32())),
        "arr": pa.array([[1, 2], None, []], type=pa.list_(pa.int64())),
    })
    types = {"i": ColumnType(DataType.INT64), "s": ColumnType(DataType.VARCHAR), "j": ColumnType(DataType.JSON),
             "fv": ColumnType(DataType.FLOAT_VECTOR), "sv": ColumnType(DataType.SPARSE_FLOAT_VECTOR),
             "arr": ColumnType(DataType.ARRAY, DataType.INT64)}
    for compact in (True, False):
        decoded = decode_table(encode_table(table, types, compact=compact))
        assert decoded.to_pylist() == table.to_pylist()
