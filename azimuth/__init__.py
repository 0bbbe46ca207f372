"""Azimuth: a Milvus-compatible vector database and SDK.

``MilvusClient("./app.db")`` runs the embedded engine in-process; the same clients speak to servers.
"""

from __future__ import annotations

__version__ = "0.1.0"

from typing import TYPE_CHECKING  # noqa: E402

from azimuth.client._sync.client import MilvusClient  # noqa: E402
from azimuth.errors import (  # noqa: E402
    AmbiguousIndexName,
    AutoIDException,
    CannotInferSchemaException,
    ClusteringKeyException,
    CollectionNotExistException,
    ConnectError,
    ConnectionConfigException,
    ConnectionNotExistException,
    DataNotMatchException,
    DataTypeNotMatchException,
    DataTypeNotSupportException,
    DescribeCollectionException,
    ErrorCode,
    FieldsTypeException,
    FieldTypeException,
    FunctionsTypeException,
    IndexNotExistException,
    InvalidConsistencyLevel,
    MilvusException,
    MilvusUnavailableException,
    ParamError,
    PartitionAlreadyExistException,
    PartitionKeyException,
    PrimaryKeyException,
    PyMilvusDeprecationWarning,
    SchemaNotReadyException,
    ServerVersionIncompatibleException,
)
from azimuth.orm import (  # noqa: E402
    Collection,
    Connections,
    Index,
    MutationFuture,
    MutationResult,
    Partition,
    Role,
    SearchFuture,
    connections,
    db,
    utility,
)

if TYPE_CHECKING:  # imported lazily below (module ``__getattr__``), so synchronous programs never load asyncio
    from azimuth.client._async.client import AsyncMilvusClient
from azimuth.types.enums import ConsistencyLevel, DataType, FunctionType, IndexType, LoadState  # noqa: E402
from azimuth.types.index_params import IndexParams  # noqa: E402
from azimuth.types.rankers import AnnSearchRequest, RRFRanker, WeightedRanker  # noqa: E402
from azimuth.types.results import ExtraList, Hit, Hits, OmitZeroDict, SearchResult  # noqa: E402
from azimuth.types.schema import (  # noqa: E402
    CollectionSchema,
    FieldSchema,
    Function,
    FunctionScore,
    StructFieldSchema,
)

__all__ = [
    "Collection",
    "Connections",
    "Index",
    "MutationFuture",
    "MutationResult",
    "Partition",
    "Role",
    "SearchFuture",
    "connections",
    "db",
    "utility",
    "AmbiguousIndexName",
    "AnnSearchRequest",
    "RRFRanker",
    "WeightedRanker",
    "AsyncMilvusClient",
    "AutoIDException",
    "CannotInferSchemaException",
    "ClusteringKeyException",
    "CollectionNotExistException",
    "CollectionSchema",
    "ConnectError",
    "ConnectionConfigException",
    "ConnectionNotExistException",
    "ConsistencyLevel",
    "DataNotMatchException",
    "DataType",
    "DataTypeNotMatchException",
    "DataTypeNotSupportException",
    "DescribeCollectionException",
    "ErrorCode",
    "ExtraList",
    "FieldSchema",
    "FieldTypeException",
    "FieldsTypeException",
    "Function",
    "FunctionScore",
    "FunctionType",
    "FunctionsTypeException",
    "Hit",
    "Hits",
    "IndexNotExistException",
    "IndexParams",
    "IndexType",
    "InvalidConsistencyLevel",
    "LoadState",
    "MilvusClient",
    "MilvusException",
    "MilvusUnavailableException",
    "OmitZeroDict",
    "ParamError",
    "PartitionAlreadyExistException",
    "PartitionKeyException",
    "PrimaryKeyException",
    "PyMilvusDeprecationWarning",
    "SchemaNotReadyException",
    "SearchResult",
    "ServerVersionIncompatibleException",
    "StructFieldSchema",
    "__version__",
]


def __getattr__(name: str):
    """``AsyncMilvusClient`` is imported on first use, so synchronous programs never load asyncio."""
    if name == "AsyncMilvusClient":
        from azimuth.client._async.client import AsyncMilvusClient

        globals()[name] = AsyncMilvusClient
        return AsyncMilvusClient
    raise AttributeError(f"module 'azimuth' has no attribute {name!r}")
