"""The one import site of the generated Milvus protobuf modules (from ``pymilvus.grpc_gen``).

Everything else in Azimuth reaches protobuf messages through this module, so the generated code has a single
home and a single version.
"""

from __future__ import annotations

from typing import Any

from google.protobuf import message_factory
from pymilvus.grpc_gen import common_pb2, milvus_pb2, milvus_pb2_grpc, schema_pb2

SERVICE_NAME = "milvus.proto.milvus.MilvusService"
SERVICE = milvus_pb2.DESCRIPTOR.services_by_name["MilvusService"]


def message_classes(rpc: str) -> tuple[type[Any], type[Any]]:
    """The (request, response) message classes of a MilvusService RPC."""
    method = SERVICE.methods_by_name[rpc]
    return (message_factory.GetMessageClass(method.input_type),
            message_factory.GetMessageClass(method.output_type))


RPC_NAMES: tuple[str, ...] = tuple(m.name for m in SERVICE.methods)

__all__ = ["RPC_NAMES", "SERVICE", "SERVICE_NAME", "common_pb2", "message_classes", "milvus_pb2",
           "milvus_pb2_grpc", "schema_pb2"]
