"""Enumerations shared by the whole package: data types, function types, load states, consistency levels."""

from __future__ import annotations

from enum import IntEnum

from azimuth.errors import InvalidConsistencyLevel


class DataType(IntEnum):
    """Milvus field data types; ``str()`` of a member is its value, as in pymilvus."""

    NONE = 0
    BOOL = 1
    INT8 = 2
    INT16 = 3
    INT32 = 4
    INT64 = 5
    FLOAT = 10
    DOUBLE = 11
    STRING = 20
    VARCHAR = 21
    TEXT = 25
    ARRAY = 22
    JSON = 23
    GEOMETRY = 24
    TIMESTAMPTZ = 26
    BINARY_VECTOR = 100
    FLOAT_VECTOR = 101
    FLOAT16_VECTOR = 102
    BFLOAT16_VECTOR = 103
    SPARSE_FLOAT_VECTOR = 104
    INT8_VECTOR = 105
    STRUCT = 201
    _ARRAY_OF_VECTOR = 106
    _ARRAY_OF_STRUCT = 200
    UNKNOWN = 999

    def __str__(self) -> str:
        return str(self._value_)


INTEGER_TYPES = frozenset({DataType.INT8, DataType.INT16, DataType.INT32, DataType.INT64})
FLOAT_TYPES = frozenset({DataType.FLOAT, DataType.DOUBLE})
NUMERIC_TYPES = INTEGER_TYPES | FLOAT_TYPES
STRING_TYPES = frozenset({DataType.VARCHAR, DataType.STRING, DataType.TEXT})
DENSE_VECTOR_TYPES = frozenset(
    {DataType.FLOAT_VECTOR, DataType.FLOAT16_VECTOR, DataType.BFLOAT16_VECTOR, DataType.INT8_VECTOR}
)
VECTOR_TYPES = DENSE_VECTOR_TYPES | {DataType.BINARY_VECTOR, DataType.SPARSE_FLOAT_VECTOR}
SCALAR_TYPES = frozenset(
    {DataType.BOOL, DataType.JSON, DataType.ARRAY, DataType.GEOMETRY, DataType.TIMESTAMPTZ}
) | NUMERIC_TYPES | STRING_TYPES
ARRAY_ELEMENT_TYPES = frozenset({DataType.BOOL, DataType.VARCHAR, DataType.STRING}) | NUMERIC_TYPES


class FunctionType(IntEnum):
    UNKNOWN = 0
    BM25 = 1
    TEXTEMBEDDING = 2
    RERANK = 3
    MINHASH = 4


class IndexType(IntEnum):
    """Legacy index-type enum kept for old code."""

    INVALID = 0
    FLAT = 1
    IVFLAT = 2
    IVF_SQ8 = 3
    RNSG = 4
    IVF_SQ8H = 5
    IVF_PQ = 6
    HNSW = 11
    ANNOY = 12


class LoadState(IntEnum):
    NotExist = 0
    NotLoad = 1
    Loading = 2
    Loaded = 3

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {self._name_}>"

    def __str__(self) -> str:
        return self._name_


class ConsistencyLevel(IntEnum):
    Strong = 0
    Session = 1
    Bounded = 2
    Eventually = 3
    Customized = 4

    @classmethod
    def parse(cls, value: object) -> ConsistencyLevel:
        """Accept a level name (any case) or its int; anything else raises ``InvalidConsistencyLevel``."""
        if isinstance(value, cls):
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            try:
                return cls(value)
            except ValueError:
                pass
        if isinstance(value, str):
            for member in cls:
                if member.name.lower() == value.lower():
                    return member
        raise InvalidConsistencyLevel(
            1, f"invalid consistency level: {value!r}; use one of Strong, Session, Bounded, Eventually, Customized"
        )


class IndexState(IntEnum):
    IndexStateNone = 0
    Unissued = 1
    InProgress = 2
    Finished = 3
    Failed = 4
    Retry = 5


__all__ = [
    "ARRAY_ELEMENT_TYPES",
    "ConsistencyLevel",
    "DENSE_VECTOR_TYPES",
    "DataType",
    "FLOAT_TYPES",
    "FunctionType",
    "INTEGER_TYPES",
    "IndexState",
    "IndexType",
    "LoadState",
    "NUMERIC_TYPES",
    "SCALAR_TYPES",
    "STRING_TYPES",
    "VECTOR_TYPES",
]
