"""The one exception tree of Azimuth.

Class names, error codes and ``str()`` format follow pymilvus so that code catching pymilvus exceptions keeps
working. Server-side failures carry the Milvus server code in ``.code`` (see :class:`Code`); client-side
argument errors are raised before any I/O.
"""

from __future__ import annotations

from enum import IntEnum


class ErrorCode(IntEnum):
    """The client-side error codes pymilvus exposes."""

    SUCCESS = 0
    UNEXPECTED_ERROR = 1
    RATE_LIMIT = 8
    FORCE_DENY = 9
    COLLECTION_NOT_FOUND = 100
    INDEX_NOT_FOUND = 700


class Code(IntEnum):
    """Milvus server error codes (2.4+ numbering) carried in ``MilvusException.code``."""

    SUCCESS = 0
    UNEXPECTED = 1
    UNAVAILABLE = 2
    MEMORY_LIMIT = 3
    RATE_LIMIT = 8
    QUOTA_EXCEEDED = 9
    UNIMPLEMENTED = 10
    COLLECTION_NOT_FOUND = 100
    COLLECTION_NOT_LOADED = 101
    COLLECTION_LIMIT = 102
    ALREADY_LOADED = 104
    ILLEGAL_SCHEMA = 105
    PARTITION_NOT_FOUND = 200
    PARTITION_NOT_LOADED = 201
    RESOURCE_GROUP_NOT_FOUND = 300
    REPLICA_NOT_FOUND = 400
    INDEX_NOT_FOUND = 700
    INDEX_NOT_SUPPORTED = 701
    INDEX_DUPLICATE = 702
    DATABASE_NOT_FOUND = 800
    DATABASE_LIMIT = 801
    DATABASE_INVALID_NAME = 802
    INVALID_PARAMETER = 1100
    MISSING_PARAMETER = 1101
    PARAMETER_TOO_LARGE = 1102
    NOT_AUTHENTICATED = 1400
    PERMISSION_DENIED = 1401
    ALIAS_NOT_FOUND = 1600
    ALIAS_COLLECTION_CONFLICT = 1601
    ALIAS_EXISTS = 1602
    FIELD_NOT_FOUND = 1700
    FIELD_INVALID_NAME = 1701
    IMPORT_FAILED = 2100
    UNSUPPORTED = 3000
    SCHEMA_MISMATCH = 3100
    STORAGE_CORRUPTED = 3200
    STORAGE_LOCKED = 3201
    UNDEFINED = 65535


RETRIABLE_CODES = frozenset({1, 2, 4, 8, 103, 106})


class MilvusException(Exception):
    """Base of every error Azimuth raises on purpose."""

    def __init__(
        self,
        code: int = ErrorCode.UNEXPECTED_ERROR,
        message: str = "",
        compatible_code: int = 1,
        *,
        is_input_error: bool = False,
        retriable: bool = False,
    ) -> None:
        super().__init__(message)
        self._code = int(code)
        self._message = message
        self._compatible_code = compatible_code
        self._is_input_error = is_input_error
        self._retriable = retriable

    @property
    def code(self) -> int:
        return self._code

    @property
    def message(self) -> str:
        return self._message

    @property
    def compatible_code(self) -> int:
        return self._compatible_code

    @property
    def is_input_error(self) -> bool:
        return self._is_input_error

    @property
    def retriable(self) -> bool:
        return self._retriable

    def __str__(self) -> str:
        return f"<{type(self).__name__}: (code={self.code}, message={self.message})>"

    def __reduce__(self):  # keeps exceptions picklable across processes
        return (_rebuild, (type(self), self._code, self._message, self._is_input_error, self._retriable))


def _rebuild(cls: type, code: int, message: str, is_input_error: bool, retriable: bool) -> MilvusException:
    return cls(code, message, is_input_error=is_input_error, retriable=retriable)


class ParamError(MilvusException):
    """Bad or ambiguous arguments, detected before any I/O."""


class ConnectError(MilvusException):
    """The server could not be reached."""


class MilvusUnavailableException(MilvusException):
    """The server answered that it is unavailable."""


class CollectionNotExistException(MilvusException):
    """The collection does not exist."""


class DescribeCollectionException(MilvusException):
    """Describing a collection failed (usually: it does not exist)."""


class PartitionAlreadyExistException(MilvusException):
    """The partition exists already."""


class IndexNotExistException(MilvusException):
    """The index does not exist."""


class AmbiguousIndexName(MilvusException):
    """Several indexes exist; an index name is needed."""


class CannotInferSchemaException(MilvusException):
    """A schema could not be inferred from the data."""


class SchemaNotReadyException(MilvusException):
    """The schema is missing or inconsistent."""


class DataTypeNotMatchException(MilvusException):
    """A value has the wrong type."""


class DataTypeNotSupportException(MilvusException):
    """A data type is not supported here."""


class DataNotMatchException(MilvusException):
    """Rows do not match the collection schema."""


class SchemaMismatchRetryableException(MilvusException):
    """The schema used by the client is stale; refresh it and retry."""


class ConnectionNotExistException(MilvusException):
    """No connection with that alias."""


class ConnectionConfigException(MilvusException):
    """The connection configuration (URI, credentials) is invalid."""


class PrimaryKeyException(MilvusException):
    """The primary key definition is invalid."""


class PartitionKeyException(MilvusException):
    """The partition key definition is invalid."""


class ClusteringKeyException(MilvusException):
    """The clustering key definition is invalid."""


class FieldsTypeException(MilvusException):
    """The fields of a schema are invalid."""


class FunctionsTypeException(MilvusException):
    """The functions of a schema are invalid."""


class FieldTypeException(MilvusException):
    """One field is invalid."""


class AutoIDException(MilvusException):
    """auto_id is used incorrectly."""


class InvalidConsistencyLevel(MilvusException):
    """The consistency level is not one Milvus knows."""


class ServerVersionIncompatibleException(MilvusException):
    """The server version is not supported."""


class StorageError(MilvusException):
    """The data directory is corrupt, unreadable or locked by another process."""


class PyMilvusDeprecationWarning(FutureWarning):
    """Warns about deprecated pymilvus APIs with a scheduled removal (a FutureWarning, so shown by default)."""


def server_error(code: int, message: str, *, input_error: bool = True) -> MilvusException:
    """A plain ``MilvusException`` as a Milvus server would return it."""
    return MilvusException(int(code), message, is_input_error=input_error, retriable=int(code) in RETRIABLE_CODES)


def collection_not_found(name: str, db_name: str = "default") -> MilvusException:
    return server_error(Code.COLLECTION_NOT_FOUND, f"collection not found[database={db_name}][collection={name}]")


def invalid_parameter(message: str) -> MilvusException:
    return server_error(Code.INVALID_PARAMETER, message)


__all__ = [name for name in dir() if not name.startswith("_")]
