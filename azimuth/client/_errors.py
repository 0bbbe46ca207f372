"""Foreign errors → Azimuth's exception tree: the one place ``grpc.RpcError`` becomes a ``MilvusException``.

Milvus errors returned inside a response ``Status`` are decoded by the codec (``codec/grpc/status.py``); this
module handles failures of the call itself (connection, deadline, authentication, unknown RPC, size limits).
"""

from __future__ import annotations

from typing import Any

from azimuth.errors import Code, ConnectError, MilvusException


def from_rpc_error(exc: Any, address: str, rpc: str) -> MilvusException:
    """The exception for a failed gRPC call (``exc`` is a ``grpc.RpcError``)."""
    import grpc

    code = exc.code() if hasattr(exc, "code") else None
    details = exc.details() if hasattr(exc, "details") else str(exc)
    if code == grpc.StatusCode.UNAVAILABLE:
        return ConnectError(Code.UNAVAILABLE, f"Fail connecting to server on {address}, illegal connection params "
                                              f"or server unavailable ({details})", retriable=True)
    if code == grpc.StatusCode.DEADLINE_EXCEEDED:
        return MilvusException(Code.UNEXPECTED, f"{rpc} timed out: the deadline was exceeded ({details})")
    if code == grpc.StatusCode.UNAUTHENTICATED:
        return MilvusException(Code.NOT_AUTHENTICATED, details or "auth check failure, please check username and "
                                                                  "password are correct", is_input_error=True)
    if code == grpc.StatusCode.PERMISSION_DENIED:
        return MilvusException(Code.PERMISSION_DENIED, details, is_input_error=True)
    if code == grpc.StatusCode.UNIMPLEMENTED:
        return MilvusException(Code.UNIMPLEMENTED, f"the server at {address} does not implement {rpc}")
    if code == grpc.StatusCode.RESOURCE_EXHAUSTED:
        return MilvusException(Code.PARAMETER_TOO_LARGE, f"{rpc} was refused: {details}; send smaller batches",
                               is_input_error=True)
    if code == grpc.StatusCode.INVALID_ARGUMENT:
        return MilvusException(Code.INVALID_PARAMETER, details, is_input_error=True)
    return MilvusException(Code.UNEXPECTED, f"{rpc} failed: {getattr(code, 'name', code)}: {details}")


def is_unavailable(exc: Any) -> bool:
    import grpc

    return hasattr(exc, "code") and exc.code() == grpc.StatusCode.UNAVAILABLE


__all__ = ["from_rpc_error", "is_unavailable"]
