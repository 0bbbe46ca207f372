"""The RPC table: one :class:`RpcCodec` per Milvus RPC that carries an op, keyed by RPC name and by op type.

Each entry has the four pure functions of its RPC: ``encode_request`` (client: op → request),
``decode_request`` (server: request → op), ``encode_result`` (server: result → response) and ``decode_result``
(client: response → result). Errors travel in the response's ``Status`` (see :mod:`.status`). Data ops
(``needs_schema``) need the collection schema to type their columns. Adding an op = adding one entry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from azimuth.codec.grpc import status as status_codec
from azimuth.codec.grpc.proto import common_pb2, message_classes
from azimuth.ops.base import Op
from azimuth.types.schema import CollectionSchema

Hint = CollectionSchema | None


@dataclass(frozen=True)
class RpcCodec:
    rpc: str
    op_type: type[Op]
    encode_request: Callable[[Any, Hint], Any]
    decode_request: Callable[[Any], Any]
    encode_result: Callable[[Any, Hint], Any]
    decode_result: Callable[[Any], Any]
    needs_schema: Callable[[Any], bool] = lambda op: False
    request_type: Any = None
    response_type: Any = None


CODECS: dict[str, RpcCodec] = {}
BY_OP: dict[type[Op], RpcCodec] = {}


def register(rpc: str, op_type: type[Op], encode_request: Callable[[Any, Hint], Any],
             decode_request: Callable[[Any], Any], encode_result: Callable[[Any, Hint], Any] | None = None,
             decode_result: Callable[[Any], Any] | None = None,
             needs_schema: Callable[[Any], bool] | None = None) -> RpcCodec:
    request_type, response_type = message_classes(rpc)
    if encode_result is None:
        encode_result = _encode_none
    if decode_result is None:
        decode_result = _decode_none
    codec = RpcCodec(rpc, op_type, encode_request, decode_request, encode_result, decode_result,
                     needs_schema or (lambda op: False), request_type, response_type)
    CODECS[rpc] = codec
    BY_OP[op_type] = codec
    return codec


def _encode_none(result: Any, hint: Hint) -> Any:
    return common_pb2.Status()


def _decode_none(response: Any) -> None:
    return None


def status_field(response_type: Any) -> str | None:
    """The name of the ``Status`` field of a response type (None when the response *is* a Status)."""
    if response_type is common_pb2.Status:
        return None
    for field in response_type.DESCRIPTOR.fields:
        if field.message_type is not None and field.message_type.full_name == "milvus.proto.common.Status":
            return field.name
    return None


def error_response(response_type: Any, exc: BaseException) -> Any:
    """A response of ``response_type`` reporting ``exc``."""
    status = status_codec.to_status(exc)
    name = status_field(response_type)
    if name is None:
        return status if response_type is common_pb2.Status else response_type()
    return response_type(**{name: status})


def response_status(response: Any) -> Any:
    name = status_field(type(response))
    if name is None:
        return response if isinstance(response, common_pb2.Status) else common_pb2.Status()
    return getattr(response, name)


def ensure_codecs() -> None:
    """Import the modules that fill the table."""
    from azimuth.codec.grpc import admin, ddl, dml, search  # noqa: F401


__all__ = ["BY_OP", "CODECS", "RpcCodec", "ensure_codecs", "error_response", "register", "response_status",
           "status_field"]
