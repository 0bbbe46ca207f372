"""Exceptions ⇄ ``common.Status``: one table, read in both directions.

``Status.code`` carries the Milvus server code (``errors.Code``), ``error_code`` the legacy enum pymilvus still
checks in places (``CollectionNotExists`` for ``has_collection``, ``SchemaMismatch`` for its retry, ...),
``retriable`` and ``extra_info["is_input_error"]`` the classification. When Azimuth raised a subclass of
``MilvusException`` (``ParamError``, ``StorageError``...), its class name travels in ``extra_info["exception"]``
so the client raises the same class as the embedded transport would.
"""

from __future__ import annotations

from typing import Any

from azimuth import errors
from azimuth.codec.grpc.proto import common_pb2
from azimuth.errors import Code, MilvusException

# server code -> legacy ErrorCode (the reverse direction uses the same table)
LEGACY: tuple[tuple[int, int], ...] = (
    (Code.COLLECTION_NOT_FOUND, common_pb2.CollectionNotExists),
    (Code.INDEX_NOT_FOUND, common_pb2.IndexNotExist),
    (Code.INVALID_PARAMETER, common_pb2.IllegalArgument),
    (Code.MISSING_PARAMETER, common_pb2.IllegalArgument),
    (Code.PERMISSION_DENIED, common_pb2.PermissionDenied),
    (Code.NOT_AUTHENTICATED, common_pb2.PermissionDenied),
    (Code.RATE_LIMIT, common_pb2.RateLimit),
    (Code.SCHEMA_MISMATCH, common_pb2.SchemaMismatch),
    (Code.UNAVAILABLE, common_pb2.NotReadyServe),
    (Code.MEMORY_LIMIT, common_pb2.MemoryQuotaExhausted),
    (Code.SUCCESS, common_pb2.Success),
)
_TO_LEGACY = {int(code): legacy for code, legacy in LEGACY}
_FROM_LEGACY: dict[int, int] = {}
for _code, _legacy in LEGACY:
    _FROM_LEGACY.setdefault(_legacy, int(_code))

_EXCEPTION_CLASSES: dict[str, type[MilvusException]] = {
    name: cls for name, cls in vars(errors).items()
    if isinstance(cls, type) and issubclass(cls, MilvusException)
}

OK = common_pb2.Status()


def to_status(exc: BaseException) -> Any:
    """The ``common.Status`` reporting ``exc`` (non-Milvus exceptions become code 1, unexpected)."""
    if not isinstance(exc, MilvusException):
        return common_pb2.Status(code=int(Code.UNEXPECTED), error_code=common_pb2.UnexpectedError,
                                 reason=f"internal error: {type(exc).__name__}: {exc}")
    code = int(exc.code)
    status = common_pb2.Status(
        code=code,
        error_code=_TO_LEGACY.get(code, common_pb2.UnexpectedError),
        reason=exc.message,
        retriable=bool(exc.retriable),
    )
    status.extra_info["is_input_error"] = "true" if exc.is_input_error else "false"
    if type(exc) is not MilvusException:
        status.extra_info["exception"] = type(exc).__name__
    return status


def is_ok(status: Any) -> bool:
    return status.code == 0 and status.error_code == 0


def from_status(status: Any) -> MilvusException:
    """The exception a failed ``status`` stands for (same class and code as Azimuth raised on the server)."""
    code = int(status.code) or _FROM_LEGACY.get(int(status.error_code), int(Code.UNEXPECTED))
    if status.error_code == common_pb2.SchemaMismatch:
        code = int(Code.SCHEMA_MISMATCH)
    cls = _EXCEPTION_CLASSES.get(status.extra_info.get("exception", ""), MilvusException)
    return cls(code, status.reason, int(status.error_code) or 1,
               is_input_error=status.extra_info.get("is_input_error") == "true", retriable=bool(status.retriable))


def check(status: Any) -> None:
    """Raise the exception of a failed ``status``."""
    if not is_ok(status):
        raise from_status(status)


__all__ = ["LEGACY", "OK", "check", "from_status", "is_ok", "to_status"]
