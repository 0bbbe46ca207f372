"""``Collection``: the v1 handle on one collection, built only on the synchronous ``MilvusClient``.

The constructor opens an existing collection (checking a given schema and consistency level against the
server's) or creates a new one. Every method maps to one client call (or a few, for ``indexes``/``index``);
data arguments take every v1 shape (see ``_data``), results come back as the legacy objects (``MutationResult``,
``SearchResult``, futures for ``_async=True``). Deprecation warnings follow pymilvus 3.0.2.
"""

from __future__ import annotations

import time
from typing import Any

from azimuth.errors import (
    AmbiguousIndexName,
    AutoIDException,
    DataTypeNotMatchException,
    IndexNotExistException,
    MilvusException,
    PartitionAlreadyExistException,
    SchemaNotReadyException,
)
from azimuth.orm import _support as sup
from azimuth.orm._data import VECTOR_TYPES, fields_from_dataframe, is_dataframe, to_rows
from azimuth.orm._deprecation import deprecated, deprecated_class
from azimuth.orm.connections import DEFAULT_ALIAS, handler
from azimuth.orm.index import Index
from azimuth.orm.mutation import MutationFuture, MutationResult, SearchFuture, Status, submit
from azimuth.orm.partition import Partition
from azimuth.types.enums import ConsistencyLevel, DataType
from azimuth.types.field_schema import FieldSchema
from azimuth.types.results import SearchResult
from azimuth.types.schema import CollectionSchema

UNLIMITED = -1


def check_schema(schema: Any) -> None:
    """pymilvus's pre-create checks: a schema with fields, at least one of them a vector."""
    if schema is None:
        raise SchemaNotReadyException(message=sup.NO_SCHEMA)
    if len(schema.fields) < 1:
        raise SchemaNotReadyException(message=sup.EMPTY_SCHEMA)
    if not any(f.dtype in VECTOR_TYPES for f in schema.fields):
        raise SchemaNotReadyException(message=sup.NO_VECTOR)


def _check_expr(expr: Any, optional: bool = True) -> None:
    if (expr is not None or not optional) and not isinstance(expr, str):
        raise DataTypeNotMatchException(message=sup.EXPR_TYPE % type(expr))


@deprecated_class(
    "Collection",
    exclude=frozenset({"query_iterator", "search_iterator"}),
    warn_properties=frozenset({"aliases", "is_empty", "num_entities", "partitions", "indexes"}),
)
class Collection:
    """A collection on the connection named ``using``; see the module docstring."""

    def __init__(self, name: str, schema: CollectionSchema | None = None, using: str = DEFAULT_ALIAS,
                 **kwargs: Any) -> None:
        self._name = name
        self._using = using
        self._kwargs = kwargs
        self._num_shards: int | None = None
        self.compaction_id: int = 0
        self.clustering_compaction_id: int = 0
        client, call = handler(using, kwargs)
        timeout = call.pop("timeout", None)
        if client.has_collection(name, timeout=timeout, **call):
            resp = client.describe_collection(name, timeout=timeout, **call)
            server_level = int(resp.get("consistency_level", ConsistencyLevel.Bounded))
            wanted = kwargs.get("consistency_level", server_level)
            if int(ConsistencyLevel.parse(wanted)) != server_level:
                raise SchemaNotReadyException(message=sup.LEVEL_INCONSISTENT)
            server_schema = CollectionSchema.construct_from_dict(resp)
            if schema is None:
                self._schema = server_schema
            else:
                if not isinstance(schema, CollectionSchema):
                    raise SchemaNotReadyException(message=sup.SCHEMA_TYPE)
                if server_schema != schema:
                    raise SchemaNotReadyException(message=sup.SCHEMA_INCONSISTENT)
                self._schema = schema
            self._consistency_level = server_level
            return
        if schema is None:
            raise SchemaNotReadyException(message=sup.NOT_EXIST_NO_SCHEMA % name)
        if not isinstance(schema, CollectionSchema):
            raise SchemaNotReadyException(message=sup.SCHEMA_TYPE)
        schema.verify()
        check_schema(schema)
        level = kwargs.get("consistency_level", "Bounded")
        client.create_collection(name, schema=schema, timeout=timeout, **call)
        self._schema = schema
        self._consistency_level = int(ConsistencyLevel.parse(level))

    def __repr__(self) -> str:
        return f"<Collection>:\n-------------\n<name>: {self.name}\n<description>: {self.description}\n" \
               f"<schema>: {self._schema}\n"

    def _client(self, kwargs: dict[str, Any] | None = None) -> tuple[Any, dict[str, Any]]:
        return handler(self._using, kwargs)

    @classmethod
    def construct_from_dataframe(cls, name: str, dataframe: Any, **kwargs: Any) -> tuple[Collection, Any]:
        """Create (or open) ``name`` with a schema inferred from ``dataframe`` and insert its rows."""
        if not is_dataframe(dataframe):
            raise SchemaNotReadyException(message="Data type must be pandas.DataFrame.")
        primary_field = kwargs.pop("primary_field", None)
        if primary_field is None:
            raise SchemaNotReadyException(message="Schema must have a primary key field.")
        columns = list(dataframe.columns)
        if primary_field not in columns:
            raise SchemaNotReadyException(message="Primary field must in dataframe.")
        pk_index = columns.index(primary_field)
        if "auto_id" in kwargs and not isinstance(kwargs.get("auto_id"), bool):
            raise AutoIDException(message="Param auto_id must be bool type.")
        auto_id = kwargs.pop("auto_id", False)
        if auto_id:
            if not dataframe[primary_field].isnull().all():
                raise SchemaNotReadyException(message="Auto_id is True, primary field should not have data.")
            dataframe = dataframe.drop(columns=[primary_field])
        using = kwargs.get("using", DEFAULT_ALIAS)
        client, call = handler(using, kwargs)
        if client.has_collection(name, **call):
            schema = CollectionSchema.construct_from_dict(client.describe_collection(name, **call))
        else:
            fields = fields_from_dataframe(dataframe)
            if auto_id:
                fields.insert(pk_index, FieldSchema(primary_field, DataType.INT64, is_primary=True, auto_id=True))
            for field in fields:
                if not auto_id and field.name == primary_field:
                    field.is_primary = True
                    field.auto_id = False
            schema = CollectionSchema(fields=fields)
        check_schema(schema)
        collection = cls(name, schema, **kwargs)
        return collection, collection.insert(data=dataframe)

    # ---- properties -------------------------------------------------------------------------------------------
    @property
    def schema(self) -> CollectionSchema:
        """The collection's ``CollectionSchema``."""
        return self._schema

    @property
    def aliases(self) -> list[str]:
        """The aliases pointing at this collection (asks the server)."""
        client, call = self._client()
        return list(client.describe_collection(self._name, **call).get("aliases", []))

    @property
    def description(self) -> str:
        """The schema's description."""
        return self._schema.description

    @property
    def name(self) -> str:
        """The collection name."""
        return self._name

    @property
    def is_empty(self) -> bool:
        """True when the collection holds no rows."""
        return self.num_entities == 0

    @property
    def num_shards(self) -> int:
        """The shard count (fetched once with ``describe``)."""
        if self._num_shards is None:
            self._num_shards = int(self.describe().get("num_shards", 1))
        return self._num_shards

    @property
    def num_entities(self) -> int:
        """The number of stored rows (``get_collection_stats``)."""
        client, call = self._client()
        return int(client.get_collection_stats(self._name, **call)["row_count"])

    @property
    def primary_field(self) -> FieldSchema | None:
        """The primary key ``FieldSchema``."""
        return self._schema.primary_field

    # ---- lifecycle --------------------------------------------------------------------------------------------
    def flush(self, timeout: float | None = None, **kwargs: Any) -> None:
        """Seal the collection's growing data into persistent segments."""
        client, call = self._client(kwargs)
        client.flush(self._name, timeout=timeout, **call)

    def drop(self, timeout: float | None = None, **kwargs: Any) -> None:
        """Drop the collection with its data, indexes and partitions."""
        client, call = self._client(kwargs)
        client.drop_collection(self._name, timeout=timeout, **call)

    def truncate(self, timeout: float | None = None, **kwargs: Any) -> None:
        """Delete every row, keeping the schema, indexes and partitions."""
        client, call = self._client(kwargs)
        client.truncate_collection(self._name, timeout=timeout, **call)

    def set_properties(self, properties: dict, timeout: float | None = None, **kwargs: Any) -> None:
        """Set collection properties such as ``{"collection.ttl.seconds": 3600}``."""
        client, call = self._client(kwargs)
        client.alter_collection_properties(self._name, properties=properties, timeout=timeout, **call)

    def load(self, partition_names: list[str] | None = None, replica_number: int | None = None,
             timeout: float | None = None, **kwargs: Any) -> None:
        """Load the collection, or only ``partition_names``, so it can be searched and queried.

        Pass ``_refresh=True`` to reload a loaded collection and pick up new segments.
        """
        client, call = self._client(kwargs)
        if partition_names is not None:
            client.load_partitions(self._name, partition_names, timeout=timeout, **call)
        elif kwargs.get("_refresh"):
            client.refresh_load(self._name, timeout=timeout, **call)
        else:
            client.load_collection(self._name, timeout=timeout, **call)

    def release(self, timeout: float | None = None, **kwargs: Any) -> None:
        """Release the collection from memory; searches and queries fail until it is loaded again."""
        client, call = self._client(kwargs)
        client.release_collection(self._name, timeout=timeout, **call)

    def describe(self, timeout: float | None = None) -> dict[str, Any]:
        """Describe the collection: the dict returned by ``MilvusClient.describe_collection``."""
        client, call = self._client()
        return client.describe_collection(self._name, timeout=timeout, **call)

    # ---- writes -----------------------------------------------------------------------------------------------
    def _mutate(self, kind: str, fn: Any, kwargs: dict[str, Any]) -> Any:
        def run() -> MutationResult:
            return MutationResult.from_client(fn(), kind)

        if kwargs.get("_async", False):
            return MutationFuture(submit(run, kwargs.get("_callback")))
        return run()

    def insert(self, data: Any, partition_name: str | None = None, timeout: float | None = None,
               **kwargs: Any) -> Any:
        """Insert rows (list of dicts, column lists in schema order, or a pandas DataFrame).

        Returns:
            A ``MutationResult`` (``primary_keys``, ``insert_count``, ...), or a ``MutationFuture`` with
                ``_async=True``.
        """
        rows = to_rows(data, self._schema, insert=True)
        client, call = self._client(kwargs)
        return self._mutate("insert", lambda: client.insert(self._name, rows, timeout=timeout,
                                                            partition_name=partition_name or "", **call), kwargs)

    def upsert(self, data: Any, partition_name: str | None = None, timeout: float | None = None,
               **kwargs: Any) -> Any:
        """Insert rows, replacing those with the same primary keys; same data shapes as ``insert``.

        Returns:
            A ``MutationResult``, or a ``MutationFuture`` with ``_async=True``.
        """
        rows = to_rows(data, self._schema, insert=False)
        client, call = self._client(kwargs)
        return self._mutate("upsert", lambda: client.upsert(self._name, rows, timeout=timeout,
                                                            partition_name=partition_name or "", **call), kwargs)

    def delete(self, expr: str, partition_name: str | None = None, timeout: float | None = None,
               **kwargs: Any) -> Any:
        """Delete the rows matching the boolean expression ``expr``, e.g. ``"id in [1, 2]"``.

        Returns:
            A ``MutationResult`` (``delete_count``), or a ``MutationFuture`` with ``_async=True``.

        Raises:
            DataTypeNotMatchException: ``expr`` is not a string.
        """
        _check_expr(expr, optional=False)
        client, call = self._client(kwargs)
        return self._mutate("delete", lambda: client.delete(self._name, filter=expr, timeout=timeout,
                                                            partition_name=partition_name or "", **call), kwargs)

    # ---- reads ------------------------------------------------------------------------------------------------
    def search(self, data: Any, anns_field: str, param: dict, limit: int, expr: str | None = None,
               partition_names: list[str] | None = None, output_fields: list[str] | None = None,
               timeout: float | None = None, round_decimal: int = -1, ranker: Any = None,
               function_chains: Any = None, highlighter: Any = None, search_aggregation: Any = None,
               **kwargs: Any) -> Any:
        """Search ``anns_field`` for the vectors in ``data``.

        Args:
            param: search params, ``{"metric_type": ..., "params": {...}}``.
            limit: hits per query vector.
            expr: optional filter expression.

        Returns:
            A ``SearchResult`` (empty for empty ``data``), or a ``SearchFuture`` with ``_async=True``.

        Raises:
            DataTypeNotMatchException: ``expr`` is not a string.
        """
        _check_expr(expr)
        is_async = kwargs.get("_async", False)
        if (isinstance(data, list) and len(data) == 0) or (hasattr(data, "shape") and data.shape[0] == 0):
            return SearchFuture(None) if is_async else SearchResult()
        client, call = self._client(kwargs)

        def run() -> Any:
            return client.search(self._name, data=data, filter=expr or "", limit=limit,
                                 output_fields=output_fields, search_params=dict(param or {}), timeout=timeout,
                                 partition_names=partition_names, anns_field=anns_field, ranker=ranker,
                                 function_chains=function_chains, highlighter=highlighter,
                                 search_aggregation=search_aggregation, round_decimal=round_decimal, **call)

        return SearchFuture(submit(run, kwargs.get("_callback"))) if is_async else run()

    def hybrid_search(self, reqs: list, rerank: Any, limit: int, partition_names: list[str] | None = None,
                      output_fields: list[str] | None = None, timeout: float | None = None,
                      round_decimal: int = -1, ranker: Any = None, **kwargs: Any) -> Any:
        """Run several ``AnnSearchRequest`` searches and fuse the hits with ``rerank`` (or ``ranker``).

        Returns:
            A ``SearchResult`` (empty for empty ``reqs``), or a ``SearchFuture`` with ``_async=True``.
        """
        is_async = kwargs.get("_async", False)
        if isinstance(reqs, list) and len(reqs) == 0:
            return SearchFuture(None) if is_async else SearchResult()
        client, call = self._client(kwargs)

        def run() -> Any:
            return client.hybrid_search(self._name, reqs, ranker if ranker is not None else rerank, limit,
                                        output_fields=output_fields, timeout=timeout,
                                        partition_names=partition_names, round_decimal=round_decimal, **call)

        return SearchFuture(submit(run, kwargs.get("_callback"))) if is_async else run()

    def query(self, expr: str, output_fields: list[str] | None = None, partition_names: list[str] | None = None,
              timeout: float | None = None, **kwargs: Any) -> Any:
        """Return the rows matching ``expr`` as a list of dicts (pass ``limit``/``offset`` as keywords).

        Raises:
            DataTypeNotMatchException: ``expr`` is not a string.
        """
        _check_expr(expr, optional=False)
        client, call = self._client(kwargs)
        return client.query(self._name, filter=expr, output_fields=output_fields, timeout=timeout,
                            partition_names=partition_names, **call)

    @deprecated("Collection.query_iterator", replacement="MilvusClient.query_iterator()")
    def query_iterator(self, batch_size: int | None = 1000, limit: int | None = UNLIMITED, expr: str | None = None,
                       output_fields: list[str] | None = None, partition_names: list[str] | None = None,
                       timeout: float | None = None, **kwargs: Any) -> Any:
        """Iterate over the rows matching ``expr`` in batches (see ``MilvusClient.query_iterator``)."""
        _check_expr(expr)
        client, call = self._client(kwargs)
        return client.query_iterator(self._name, batch_size=batch_size, limit=limit, filter=expr or "",
                                     output_fields=output_fields, partition_names=partition_names,
                                     timeout=timeout, **call)

    @deprecated("Collection.search_iterator", replacement="MilvusClient.search_iterator()")
    def search_iterator(self, data: Any, anns_field: str, param: dict, batch_size: int | None = 1000,
                        limit: int | None = UNLIMITED, expr: str | None = None,
                        partition_names: list[str] | None = None, output_fields: list[str] | None = None,
                        timeout: float | None = None, round_decimal: int = -1, **kwargs: Any) -> Any:
        """Iterate over the hits of one query vector in batches (see ``MilvusClient.search_iterator``)."""
        _check_expr(expr)
        client, call = self._client(kwargs)
        return client.search_iterator(self._name, data, batch_size=batch_size, filter=expr, limit=limit,
                                      output_fields=output_fields, search_params=dict(param or {}),
                                      timeout=timeout, partition_names=partition_names, anns_field=anns_field,
                                      round_decimal=round_decimal, **call)

    # ---- partitions -------------------------------------------------------------------------------------------
    @property
    def partitions(self) -> list[Partition]:
        """``Partition`` objects for every partition, ``_default`` included."""
        client, call = self._client()
        return [Partition(self, name, construct_only=True) for name in client.list_partitions(self._name, **call)]

    def partition(self, partition_name: str, **kwargs: Any) -> Partition | None:
        """The ``Partition`` named ``partition_name``, or ``None`` when it does not exist."""
        if not self.has_partition(partition_name, **kwargs):
            return None
        return Partition(self, partition_name, construct_only=True, **kwargs)

    def create_partition(self, partition_name: str, description: str = "", **kwargs: Any) -> Partition:
        """Create a partition and return its ``Partition``.

        Raises:
            PartitionAlreadyExistException: the partition exists.
        """
        if self.has_partition(partition_name, **kwargs):
            raise PartitionAlreadyExistException(message=sup.PARTITION_EXISTS)
        return Partition(self, partition_name, description=description, **kwargs)

    def has_partition(self, partition_name: str, timeout: float | None = None, **kwargs: Any) -> bool:
        """Tell whether the partition exists."""
        client, call = self._client(kwargs)
        return client.has_partition(self._name, partition_name, timeout=timeout, **call)

    def drop_partition(self, partition_name: str, timeout: float | None = None, **kwargs: Any) -> None:
        """Drop a (released) partition and its data."""
        client, call = self._client(kwargs)
        client.drop_partition(self._name, partition_name, timeout=timeout, **call)

    # ---- indexes ----------------------------------------------------------------------------------------------
    def _describe_index(self, index_name: str, timeout: float | None, kwargs: dict[str, Any]) -> dict | None:
        client, call = self._client(kwargs)
        if not index_name:
            names = client.list_indexes(self._name, **call)
            if len(names) > 1:
                raise AmbiguousIndexName(message=sup.AMBIGUOUS_INDEX)
            if not names:
                return None
            index_name = names[0]
        return client.describe_index(self._name, index_name, timeout=timeout, **call)

    @property
    def indexes(self) -> list[Index]:
        """``Index`` objects for every index of the collection."""
        client, call = self._client()
        out = []
        for name in client.list_indexes(self._name, **call):
            info = client.describe_index(self._name, name, **call)
            if info is not None:
                out.append(Index(self, info["field_name"], sup.legacy_index_params(info),
                                 index_name=info["index_name"], construct_only=True))
        return out

    def index(self, **kwargs: Any) -> Index:
        """Return the collection's ``Index`` (pass ``index_name=`` when there are several).

        Raises:
            IndexNotExistException: no such index.
            AmbiguousIndexName: several indexes and no ``index_name``.
        """
        info = self._describe_index(kwargs.pop("index_name", ""), None, kwargs)
        if info is None:
            raise IndexNotExistException(message=sup.INDEX_NOT_EXIST)
        return Index(self, info["field_name"], sup.legacy_index_params(info), index_name=info["index_name"],
                     construct_only=True)

    def create_index(self, field_name: str, index_params: dict | None = None, timeout: float | None = None,
                     **kwargs: Any) -> Status:
        """Build an index on ``field_name`` from v1 params (``index_type``, ``metric_type``, ``params``).

        Returns:
            A ``Status`` (``OK()`` is True on success).
        """
        client, call = self._client(kwargs)
        spec = dict(index_params or {})
        index_type = spec.pop("index_type", "")
        params = spec.pop("params", None) or {}
        if isinstance(params, str):
            params = sup._decode(params)
        ip = client.prepare_index_params()
        ip.add_index(field_name, index_type=index_type, index_name=kwargs.get("index_name", ""),
                     params=dict(params), **spec)
        client.create_index(self._name, ip, timeout=timeout, **call)
        return Status()

    def alter_index(self, index_name: str, extra_params: dict, timeout: float | None = None,
                    **kwargs: Any) -> None:
        """Set properties of the index ``index_name``, e.g. ``{"mmap.enabled": True}``."""
        client, call = self._client(kwargs)
        client.alter_index_properties(self._name, index_name, extra_params, timeout=timeout, **call)

    def has_index(self, timeout: float | None = None, **kwargs: Any) -> bool:
        """Tell whether the collection has an index (or the index ``index_name=``)."""
        return self._describe_index(kwargs.pop("index_name", ""), timeout, kwargs) is not None

    def drop_index(self, timeout: float | None = None, **kwargs: Any) -> None:
        """Drop the collection's index (or the index ``index_name=``); does nothing when there is none."""
        info = self._describe_index(kwargs.pop("index_name", ""), timeout, kwargs)
        if info is not None:
            client, call = self._client(kwargs)
            client.drop_index(self._name, info["index_name"], timeout=timeout, **call)

    # ---- compaction & replicas --------------------------------------------------------------------------------
    def compact(self, is_clustering: bool | None = False, timeout: float | None = None, **kwargs: Any) -> None:
        """Start a compaction; its id is kept in ``compaction_id`` (``clustering_compaction_id``)."""
        client, call = self._client(kwargs)
        job = client.compact(self._name, is_clustering=bool(is_clustering), timeout=timeout, **call)
        if is_clustering:
            self.clustering_compaction_id = job
        else:
            self.compaction_id = job

    def get_compaction_state(self, timeout: float | None = None, is_clustering: bool | None = False,
                             **kwargs: Any) -> sup.CompactionState:
        """Return the ``CompactionState`` of the last compaction started by ``compact``."""
        client, call = self._client(kwargs)
        job = self.clustering_compaction_id if is_clustering else self.compaction_id
        return sup.CompactionState(job, str(client.get_compaction_state(job, timeout=timeout, **call)))

    def wait_for_compaction_completed(self, timeout: float | None = None, is_clustering: bool | None = False,
                                      **kwargs: Any) -> sup.CompactionState:
        """Wait until the last compaction has completed and return its ``CompactionState``.

        Raises:
            MilvusException: ``timeout`` seconds passed first.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            state = self.get_compaction_state(is_clustering=is_clustering, **kwargs)
            if state.state_name == "Completed":
                return state
            if deadline is not None and time.monotonic() > deadline:
                raise MilvusException(message=f"wait for compaction timeout, compaction_id: {state.compaction_id}")
            time.sleep(0.05)

    def get_compaction_plans(self, timeout: float | None = None, is_clustering: bool | None = False,
                             **kwargs: Any) -> Any:
        """Return the ``CompactionPlans`` of the last compaction started by ``compact``."""
        client, call = self._client(kwargs)
        plans = sup.require(client, "get_compaction_plans", "Collection.get_compaction_plans")
        job = self.clustering_compaction_id if is_clustering else self.compaction_id
        return plans(job, timeout=timeout, **call)

    def get_replicas(self, timeout: float | None = None, **kwargs: Any) -> Any:
        """Return the collection's replicas (``MilvusClient.describe_replica``)."""
        client, call = self._client(kwargs)
        return sup.require(client, "describe_replica", "Collection.get_replicas")(self._name, timeout=timeout,
                                                                                    **call)
