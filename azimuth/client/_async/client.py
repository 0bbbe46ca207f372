"""AsyncMilvusClient: pymilvus's async client API over any transport. This file is the source of the sync
client: ``scripts/unasync.py`` generates ``client/_sync/client.py`` from it (never edit that file by hand).

Blocks between ``# unasync: async-only`` and ``# unasync: end`` exist only here; blocks between
``# unasync: sync-only`` and ``# unasync: end`` are commented out here and uncommented in the sync client.
"""

from __future__ import annotations

import warnings
from typing import Any

from azimuth.client import _base as base
from azimuth.client._async.admin import AdminMixin
from azimuth.client._async.maintenance import MaintenanceMixin
from azimuth.client.embedded import AsyncEmbeddedTransport
from azimuth.client.iterators import QueryIterator, SearchIterator  # noqa: F401 (sync client)
from azimuth.errors import (
    Code,
    MilvusException,
    ParamError,
    PyMilvusDeprecationWarning,
)
from azimuth.ops import collection as col_ops
from azimuth.ops import data as data_ops
from azimuth.ops import database as db_ops
from azimuth.ops import index as index_ops
from azimuth.ops import search as search_ops
from azimuth.ops.base import Op
from azimuth.ops.results import CollectionInfo
from azimuth.types.index_params import IndexParams
from azimuth.types.quick_setup import quick_setup_schema
from azimuth.types.rankers import AnnSearchRequest
from azimuth.types.rows import rows_to_table
from azimuth.types.schema import CollectionSchema


class AsyncMilvusClient(AdminMixin, MaintenanceMixin):
    # unasync: async-only
    """Asyncio client with the API of ``pymilvus.AsyncMilvusClient``.

    The constructor does not connect: the first awaited call opens the connection. Use the client as an async
    context manager to connect on entry and close on exit:

    ```python
    async with AsyncMilvusClient("./app.db") as client:
        await client.create_collection("docs", dimension=768)
    ```

    Otherwise call ``await client.close()`` when done. Every method is a coroutine except ``get_server_type``,
    ``session`` and the schema helpers (``create_schema``, ``prepare_index_params``, ...).

    ``uri`` picks the backend:

    * a local path ending in ``.db`` (e.g. ``"./app.db"``) runs the embedded engine in this process; the
      parent directory must exist;
    * ``http://host:port``, ``https://...`` (TLS), ``tcp://``, ``grpc://``, ``grpcs://`` or ``unix:`` reach an
      Azimuth or Milvus server (port 19530 when omitted). A path such as ``http://host:19530/mydb`` selects
      the database.

    Args:
        uri: where to connect (see above). Defaults to ``"http://localhost:19530"``.
        user: user name; with ``password`` it forms the token ``"user:password"`` when ``token`` is empty.
        password: the user's password.
        db_name: database used by calls that do not pass ``db_name``; ``""`` means the one in the URI path,
            else ``"default"``.
        token: ``"user:password"`` or an API key.
        timeout: default timeout of each call in seconds; ``None`` waits as long as needed.
        **kwargs: connection options: ``transport="rest"`` to use the REST API v2 instead of gRPC,
            ``secure``, ``server_pem_path``, ``client_pem_path``, ``client_key_path``, ``ca_pem_path``,
            ``server_name`` for TLS, ``grpc_options``, and ``dedicated=True`` for a connection not shared with
            other clients.

    Raises:
        ConnectionConfigException: the URI is malformed, or the directory of a ``.db`` path does not exist.
    """
    # unasync: end
    # unasync: sync-only
    # """Synchronous client with the API of ``pymilvus.MilvusClient``.
    #
    # The constructor connects at once, so a wrong address or bad credentials raise here. Call
    # ``client.close()`` when done.
    #
    # ``uri`` picks the backend:
    #
    # * a local path ending in ``.db`` (e.g. ``"./app.db"``) runs the embedded engine in this process; the
    #   parent directory must exist;
    # * ``http://host:port``, ``https://...`` (TLS), ``tcp://``, ``grpc://``, ``grpcs://`` or ``unix:`` reach an
    #   Azimuth or Milvus server (port 19530 when omitted). A path such as ``http://host:19530/mydb`` selects
    #   the database.
    #
    # Args:
    #     uri: where to connect (see above). Defaults to ``"http://localhost:19530"``.
    #     user: user name; with ``password`` it forms the token ``"user:password"`` when ``token`` is empty.
    #     password: the user's password.
    #     db_name: database used by calls that do not pass ``db_name``; ``""`` means the one in the URI path,
    #         else ``"default"``.
    #     token: ``"user:password"`` or an API key.
    #     timeout: default timeout of each call in seconds; ``None`` waits as long as needed.
    #     **kwargs: connection options: ``transport="rest"`` to use the REST API v2 instead of gRPC,
    #         ``secure``, ``server_pem_path``, ``client_pem_path``, ``client_key_path``, ``ca_pem_path``,
    #         ``server_name`` for TLS, ``grpc_options``, and ``dedicated=True`` for a connection not shared
    #         with other clients.
    #
    # Raises:
    #     ConnectionConfigException: the URI is malformed, or the directory of a ``.db`` path does not exist.
    #     MilvusException: the server cannot be reached or rejects the credentials.
    # """
    # unasync: end

    def __init__(
        self,
        uri: str = "http://localhost:19530",
        user: str = "",
        password: str = "",
        db_name: str = "",
        token: str = "",
        timeout: float | None = None,
        **kwargs: Any,
    ) -> None:
        self._core = base.ClientCore(uri, user, password, db_name, token, timeout, kwargs)
        self._transport: Any = None
        self._closed = False
        # unasync: sync-only
        # self._connect()
        # unasync: end

    # ---- lifecycle ---------------------------------------------------------------------------------------
    async def _connect(self) -> Any:
        if self._closed:
            raise base.closed_error()
        if self._transport is None:
            target = self._core._target
            if target.kind == "remote" and str(self._core._options.get("transport", "")).lower() == "rest":
                from azimuth.client.rest_transport import AsyncRestTransport

                self._transport = await AsyncRestTransport.open(target, self._core._token, self._core._options,
                                                                self._core._timeout)
            elif target.kind == "remote":
                from azimuth.client.grpc_transport import AsyncGrpcTransport

                self._transport = await AsyncGrpcTransport.open(target, self._core._token, self._core._options,
                                                                self._core._timeout)
            else:
                self._transport = await AsyncEmbeddedTransport.open(target.path)
        return self._transport

    async def _call(self, op: Op, timeout: float | None, kwargs: dict[str, Any]) -> Any:
        transport = await self._connect()
        result = await transport.call(op, self._core.context(timeout, kwargs))
        if op.mutates_schema:
            self._core.forget_schemas()
        return result

    async def _schema(self, collection_name: str, kwargs: dict[str, Any], refresh: bool = False) -> CollectionInfo:
        db_name = self._core.db(kwargs)
        info = None if refresh else self._core.cached_schema(db_name, collection_name)
        if info is None:
            op = col_ops.DescribeCollection(collection_name=collection_name, db_name=db_name)
            info = await self._call(op, None, kwargs)
            self._core.remember_schema(db_name, collection_name, info)
        return info

    async def close(self) -> None:
        """Close the connection; the client cannot be used afterwards.

        Calling it again is harmless. Any later call raises ``MilvusException`` ("should create connection first.").
        """
        if self._transport is not None:
            await self._transport.close()
        self._transport = None
        self._closed = True

    # unasync: async-only
    async def __aenter__(self) -> AsyncMilvusClient:
        await self._connect()
        return self

    async def __aexit__(self, exc_type: Any, exc_val: Any, exc_tb: Any) -> None:
        await self.close()

    # unasync: end
    def get_server_type(self) -> str:
        """Return ``"milvus"``, or ``"zilliz"`` when the server host name contains "zilliz".

        Also sets the ``is_self_hosted`` attribute. A plain method, not a coroutine.

        Raises:
            MilvusException: on the async client, when no call has connected it yet.
        """
        # unasync: async-only
        if self._transport is None:
            raise MilvusException(message="Client not connected: call any method (or use `async with`) first.")
        # unasync: end
        return self._core.server_type()

    async def get_server_version(self, timeout: float | None = None, detail: bool = False, **kwargs: Any) -> Any:
        """Return the server version string.

        Args:
            detail: return a dict with ``version``, ``build_time``, ``git_commit``, ``go_version`` and
                ``deploy_mode`` instead of the bare version.
        """
        info = await self._call(db_ops.GetVersion(), timeout, kwargs)
        if detail:
            return {"version": info.version, "build_time": info.build_time, "git_commit": info.git_commit,
                    "go_version": info.go_version, "deploy_mode": info.deploy_mode}
        return info.version

    # ---- schema building (no connection needed) ----------------------------------------------------------
    @classmethod
    def create_schema(cls, **kwargs: Any) -> CollectionSchema:
        """Return an empty ``CollectionSchema`` to fill with ``add_field`` (no connection needed).

        Keyword Args:
            auto_id (bool): let the server generate INT64 primary keys. Defaults to False.
            enable_dynamic_field (bool): store keys not in the schema in a hidden JSON field. Defaults to False.
            description (str): collection description.

        Field checks are deferred to ``schema.verify()`` / ``create_collection``.
        """
        return base.create_schema(**kwargs)

    @classmethod
    def create_field_schema(cls, name: str, data_type: Any, desc: str = "", **kwargs: Any) -> Any:
        """Build a standalone ``FieldSchema`` (no connection needed).

        Takes the same keyword arguments as ``CollectionSchema.add_field`` (``is_primary``, ``max_length``, ``dim``,
        ``nullable``, ``default_value``, ...).
        """
        return base.create_field_schema(name, data_type, desc, **kwargs)

    @classmethod
    def create_struct_field_schema(cls, **kwargs: Any) -> Any:
        """Return an empty ``StructFieldSchema`` for an ARRAY of STRUCT field; add sub-fields with ``add_field``."""
        return base.create_struct_field_schema(**kwargs)

    @classmethod
    def prepare_index_params(cls, field_name: str = "", **kwargs: Any) -> IndexParams:
        """Return an ``IndexParams`` to pass to ``create_index`` or ``create_collection``.

        Args:
            field_name: when given, ``add_index(field_name, **kwargs)`` is called on the new object straight away.
        """
        return base.new_index_params(field_name, **kwargs)

    # ---- collections -------------------------------------------------------------------------------------
    async def create_collection(
        self,
        collection_name: str,
        dimension: int | None = None,
        primary_field_name: str = "id",
        id_type: str = "int",
        vector_field_name: str = "vector",
        metric_type: str = "COSINE",
        auto_id: bool = False,
        timeout: float | None = None,
        schema: CollectionSchema | None = None,
        index_params: IndexParams | None = None,
        **kwargs: Any,
    ) -> None:
        """Create a collection, either by quick setup or from a schema.

        Quick setup (``schema=None``): an INT64 (``id_type="int"``) or VARCHAR (``id_type="string"``, pass
        ``max_length``) primary key plus a FLOAT_VECTOR field of ``dimension``, dynamic field enabled; an AUTOINDEX
        index with ``metric_type`` is built on the vector field and the collection is loaded.

        With ``schema``: the schema is verified; if ``index_params`` is given the indexes are built and the
        collection is loaded, otherwise it stays unindexed and unloaded until ``create_index`` +
        ``load_collection``.

        Creating an existing collection again with identical parameters does nothing; with different ones it fails.

        Args:
            dimension: vector dimension for quick setup (required then).
            metric_type: metric of the quick-setup index. Defaults to ``"COSINE"``.

        Keyword Args:
            consistency_level (str | int): default consistency of reads. Defaults to ``"Bounded"``.
            properties (dict): collection properties, e.g. ``{"collection.ttl.seconds": 3600}``.
            num_shards (int): shard count (``shards_num`` is accepted too, but not both). Defaults to 1.
            num_partitions (int): partitions of a partition-key collection. Defaults to 16.
            enable_dynamic_field (bool): overrides the schema's setting.

        Raises:
            ParamError: ``schema`` is not a ``CollectionSchema``, both ``num_shards`` and ``shards_num`` are given,
                or quick setup without an int ``dimension``.
            PrimaryKeyException: unknown ``id_type``.
        """
        base.validate_param("collection_name", collection_name, str)
        if "num_shards" in kwargs and "shards_num" in kwargs:
            raise ParamError(message="Cannot specify both num_shards and shards_num, please use only one of them")
        num_shards = kwargs.get("num_shards", kwargs.get("shards_num", 1))
        level = kwargs.get("consistency_level", "Bounded")
        if schema is None:
            schema = quick_setup_schema(dimension, primary_field_name, id_type, vector_field_name, auto_id, **kwargs)
            index_params = IndexParams()
            index_params.add_index(vector_field_name, index_type="AUTOINDEX", metric_type=metric_type)
        else:
            base.validate_param("schema", schema, CollectionSchema)
            if "enable_dynamic_field" in kwargs:
                schema.enable_dynamic_field = bool(kwargs["enable_dynamic_field"])
            if "description" in kwargs and not schema.description:
                schema._description = kwargs["description"]
            schema.verify()
            if index_params is not None:
                base.validate_param("index_params", index_params, IndexParams)
        op = col_ops.CreateCollection(
            collection_name=collection_name,
            db_name=self._core.db(kwargs),
            schema=schema,
            consistency_level=int(base.ConsistencyLevel.parse(level)),
            properties=dict(kwargs.get("properties") or {}),
            num_shards=int(num_shards),
            num_partitions=int(kwargs.get("num_partitions") or 0),
            index_params=tuple(index_params or ()),
            load=index_params is not None and len(index_params) > 0,
        )
        await self._call(op, timeout, kwargs)

    async def describe_collection(self, collection_name: str, timeout: float | None = None, **kwargs: Any) -> dict:
        """Describe a collection's schema and settings.

        Returns:
            A dict with ``collection_name``, ``fields`` (one dict per field, ``type`` a ``DataType``), ``functions``,
                ``aliases``, ``collection_id``, ``consistency_level``, ``properties``, ``num_partitions``,
                ``enable_dynamic_field`` and more.

        Raises:
            DescribeCollectionException: the collection does not exist (code 100).
        """
        base.validate_param("collection_name", collection_name, str)
        db_name = self._core.db(kwargs)
        try:
            info = await self._call(col_ops.DescribeCollection(collection_name=collection_name, db_name=db_name),
                                    timeout, kwargs)
        except MilvusException as exc:
            if exc.code == Code.COLLECTION_NOT_FOUND:
                raise base.describe_error(exc) from None
            raise
        self._core.remember_schema(db_name, collection_name, info)
        return base.describe_collection_dict(info)

    async def has_collection(self, collection_name: str, timeout: float | None = None, **kwargs: Any) -> bool:
        """Tell whether the collection exists in the current database (never raises for a missing one)."""
        op = col_ops.HasCollection(collection_name=collection_name, db_name=self._core.db(kwargs))
        return await self._call(op, timeout, kwargs)

    # unasync: async-only
    async def list_collections(self, timeout: float | None = None, **kwargs: Any) -> list[str]:
        """Names of the collections in the current database (or in the ``db_name`` keyword argument)."""
        return await self._call(col_ops.ListCollections(db_name=self._core.db(kwargs)), timeout, kwargs)

    # unasync: end
    # unasync: sync-only
    # def list_collections(self, **kwargs: Any) -> list[str]:
    #     """Names of the collections in the current database (or in the ``db_name`` keyword argument)."""
    #     return self._call(col_ops.ListCollections(db_name=self._core.db(kwargs)), kwargs.get("timeout"), kwargs)
    #
    # unasync: end
    async def drop_collection(self, collection_name: str, timeout: float | None = None, **kwargs: Any) -> None:
        """Drop a collection with its data, indexes and partitions.

        Dropping a missing collection succeeds silently. A collection that still has aliases cannot be dropped:
        drop the aliases first.
        """
        base.validate_param("collection_name", collection_name, str)
        await self._call(col_ops.DropCollection(collection_name=collection_name, db_name=self._core.db(kwargs)),
                         timeout, kwargs)

    async def rename_collection(self, old_name: str, new_name: str, target_db: str | None = "",
                                timeout: float | None = None, **kwargs: Any) -> None:
        """Rename a collection, optionally moving it to the database ``target_db``."""
        base.validate_param("old_name", old_name, str)
        base.validate_param("new_name", new_name, str)
        op = col_ops.RenameCollection(collection_name=old_name, db_name=self._core.db(kwargs), new_name=new_name,
                                      new_db_name=target_db or "")
        await self._call(op, timeout, kwargs)

    async def truncate_collection(self, collection_name: str, timeout: float | None = None, **kwargs: Any) -> None:
        """Delete every row of a collection, keeping its schema, indexes and partitions."""
        op = col_ops.TruncateCollection(collection_name=collection_name, db_name=self._core.db(kwargs))
        await self._call(op, timeout, kwargs)

    async def get_collection_stats(self, collection_name: str, timeout: float | None = None, **kwargs: Any) -> dict:
        """Return ``{"row_count": int}``, the number of stored rows (deleted rows may count until compaction)."""
        op = col_ops.GetCollectionStats(collection_name=collection_name, db_name=self._core.db(kwargs))
        stats = await self._call(op, timeout, kwargs)
        return {"row_count": int(stats["row_count"])}

    async def alter_collection_properties(self, collection_name: str, properties: dict,
                                          timeout: float | None = None, **kwargs: Any) -> None:
        """Set collection properties such as ``collection.ttl.seconds`` or ``mmap.enabled``.

        Values are stored, and reported by ``describe_collection``, as strings.
        """
        base.validate_param("properties", properties, dict)
        op = col_ops.AlterCollectionProperties(collection_name=collection_name, db_name=self._core.db(kwargs),
                                               properties=dict(properties))
        await self._call(op, timeout, kwargs)

    async def drop_collection_properties(self, collection_name: str, property_keys: list[str],
                                         timeout: float | None = None, **kwargs: Any) -> None:
        """Remove the collection properties named in ``property_keys``."""
        op = col_ops.AlterCollectionProperties(collection_name=collection_name, db_name=self._core.db(kwargs),
                                               delete_keys=base.as_name_list(property_keys, "property_keys"))
        await self._call(op, timeout, kwargs)

    async def add_collection_field(self, collection_name: str, field_name: str, data_type: Any, desc: str = "",
                                   timeout: float | None = None, **kwargs: Any) -> None:
        """Add a field to an existing collection; existing rows read it as null (or its ``default_value``).

        Keyword arguments are those of ``create_field_schema``; the new field must be ``nullable=True``.

        Raises:
            ParamError: a vector field without ``nullable=True``.
        """
        field_kwargs = {k: v for k, v in kwargs.items() if k not in ("db_name", "timeout")}
        field = base.create_field_schema(field_name, data_type, desc, **field_kwargs)
        if int(field.dtype) >= 100 and not field.nullable:
            raise ParamError(message="Adding vector field to existing collection requires nullable=True")
        op = col_ops.AddCollectionField(collection_name=collection_name, db_name=self._core.db(kwargs),
                                        field_schema=field)
        await self._call(op, timeout, kwargs)

    async def alter_collection_field(self, collection_name: str, field_name: str, field_params: dict,
                                     timeout: float | None = None, **kwargs: Any) -> None:
        """Change settings of one field, e.g. ``{"max_length": 512}`` or ``{"mmap.enabled": True}``."""
        base.validate_param("field_params", field_params, dict)
        op = col_ops.AlterCollectionField(collection_name=collection_name, db_name=self._core.db(kwargs),
                                          field_name=field_name, field_params=dict(field_params))
        await self._call(op, timeout, kwargs)

    # ---- loading -----------------------------------------------------------------------------------------
    async def load_collection(self, collection_name: str, timeout: float | None = None, **kwargs: Any) -> None:
        """Load a collection so it can be searched and queried; returns when loading has finished.

        Every vector field must have an index. Loading an already loaded collection succeeds.

        Keyword Args:
            replica_number (int): number of replicas. Defaults to 1.
            load_fields (list[str]): load only these fields (others cannot be filtered on or returned).
            refresh (bool): reload to pick up new segments.
        """
        base.validate_param("collection_name", collection_name, str)
        op = col_ops.LoadCollection(collection_name=collection_name, db_name=self._core.db(kwargs))
        await self._call(op, timeout, kwargs)

    async def release_collection(self, collection_name: str, timeout: float | None = None, **kwargs: Any) -> None:
        """Release a loaded collection; search, query and get then fail with code 101 until it is loaded again."""
        op = col_ops.ReleaseCollection(collection_name=collection_name, db_name=self._core.db(kwargs))
        await self._call(op, timeout, kwargs)

    # unasync: async-only
    async def get_load_state(self, collection_name: str, partition_names: list[str] | None = None,
                             timeout: float | None = None, **kwargs: Any) -> dict:
        """Return the load state of the collection, or of the listed partitions.

        Returns:
            ``{"state": LoadState.Loaded}`` (or ``NotLoad``, ``Loading`` with a ``"progress"`` percentage);
                ``{"state": LoadState.NotExist}`` for a missing collection, without raising.
        """
        names = base.as_name_list(partition_names, "partition_names")
        op = col_ops.GetLoadState(collection_name=collection_name, db_name=self._core.db(kwargs),
                                  partition_names=names)
        result = await self._call(op, timeout, kwargs)
        return base.load_state_dict(result.state, result.progress)

    async def refresh_load(self, collection_name: str, partition_names: list[str] | None = None,
                           timeout: float | None = None, **kwargs: Any) -> None:
        """Reload a loaded collection to pick up new segments."""
        op = col_ops.LoadCollection(collection_name=collection_name, db_name=self._core.db(kwargs), refresh=True)
        await self._call(op, timeout, kwargs)

    # unasync: end
    # unasync: sync-only
    # def get_load_state(self, collection_name: str, partition_name: str | None = "",
    #                    timeout: float | None = None, **kwargs: Any) -> dict:
    #     """Return the load state of the collection, or of one partition.
    #
    #     Returns:
    #         ``{"state": LoadState.Loaded}`` (or ``NotLoad``, ``Loading`` with a ``"progress"`` percentage);
    #             ``{"state": LoadState.NotExist}`` for a missing collection, without raising.
    #     """
    #     names = (partition_name,) if partition_name else ()
    #     op = col_ops.GetLoadState(collection_name=collection_name, db_name=self._core.db(kwargs),
    #                               partition_names=names)
    #     result = self._call(op, timeout, kwargs)
    #     return base.load_state_dict(result.state, result.progress)
    #
    # def refresh_load(self, collection_name: str, timeout: float | None = None, **kwargs: Any) -> None:
    #     """Reload a loaded collection to pick up new segments; returns when done."""
    #     op = col_ops.LoadCollection(collection_name=collection_name, db_name=self._core.db(kwargs), refresh=True)
    #     self._call(op, timeout, kwargs)
    #
    # unasync: end
    async def flush(self, collection_name: str, timeout: float | None = None, **kwargs: Any) -> None:
        """Seal the collection's growing data into persistent segments."""
        await self._call(col_ops.Flush(collection_name=collection_name, db_name=self._core.db(kwargs)), timeout,
                         kwargs)

    async def flush_all(self, timeout: float | None = None, **kwargs: Any) -> None:
        """Flush every collection of the current database."""
        await self._call(col_ops.FlushAll(db_name=self._core.db(kwargs)), timeout, kwargs)

    async def compact(self, collection_name: str, is_clustering: bool | None = False, is_l0: bool | None = False,
                      target_size: int | None = None, target_size_unit: str = "mb", timeout: float | None = None,
                      **kwargs: Any) -> int:
        """Start a compaction of the collection and return its job id (see ``get_compaction_state``).

        Args:
            is_clustering: run a clustering compaction (needs a clustering key).
            target_size: target segment size, in ``target_size_unit`` (``"mb"`` by default).
        """
        size_mb = base.target_size_mb(target_size, target_size_unit)
        op = col_ops.Compact(collection_name=collection_name, db_name=self._core.db(kwargs),
                             is_clustering=bool(is_clustering), target_size_mb=size_mb)
        return await self._call(op, timeout, kwargs)

    async def get_compaction_state(self, job_id: int, timeout: float | None = None, **kwargs: Any) -> str:
        """Return the state of the compaction job ``job_id``: ``"Executing"`` or ``"Completed"``."""
        return await self._call(col_ops.GetCompactionState(job_id=job_id), timeout, kwargs)

    # ---- partitions --------------------------------------------------------------------------------------
    async def create_partition(self, collection_name: str, partition_name: str, timeout: float | None = None,
                               **kwargs: Any) -> None:
        """Create a partition. Fails if it exists, or if the collection uses a partition key."""
        op = col_ops.CreatePartition(collection_name=collection_name, db_name=self._core.db(kwargs),
                                     partition_name=partition_name)
        await self._call(op, timeout, kwargs)

    async def drop_partition(self, collection_name: str, partition_name: str, timeout: float | None = None,
                             **kwargs: Any) -> None:
        """Drop a released partition and its data. ``_default`` cannot be dropped."""
        op = col_ops.DropPartition(collection_name=collection_name, db_name=self._core.db(kwargs),
                                   partition_name=partition_name)
        await self._call(op, timeout, kwargs)

    async def has_partition(self, collection_name: str, partition_name: str, timeout: float | None = None,
                            **kwargs: Any) -> bool:
        """Tell whether the partition exists (False, not an error, when the collection does not exist)."""
        op = col_ops.HasPartition(collection_name=collection_name, db_name=self._core.db(kwargs),
                                  partition_name=partition_name)
        try:
            return await self._call(op, timeout, kwargs)
        except MilvusException as exc:
            if exc.code == Code.COLLECTION_NOT_FOUND:
                return False
            raise

    async def list_partitions(self, collection_name: str, timeout: float | None = None, **kwargs: Any) -> list[str]:
        """Names of the collection's partitions, ``_default`` included."""
        op = col_ops.ListPartitions(collection_name=collection_name, db_name=self._core.db(kwargs))
        return await self._call(op, timeout, kwargs)

    async def load_partitions(self, collection_name: str, partition_names: str | list[str],
                              timeout: float | None = None, **kwargs: Any) -> None:
        """Load one partition (a name) or several (a list), waiting until they are loaded."""
        op = col_ops.LoadPartitions(collection_name=collection_name, db_name=self._core.db(kwargs),
                                    partition_names=base.as_name_list(partition_names, "partition_names"))
        await self._call(op, timeout, kwargs)

    async def release_partitions(self, collection_name: str, partition_names: str | list[str],
                                 timeout: float | None = None, **kwargs: Any) -> None:
        """Release one partition (a name) or several (a list)."""
        op = col_ops.ReleasePartitions(collection_name=collection_name, db_name=self._core.db(kwargs),
                                       partition_names=base.as_name_list(partition_names, "partition_names"))
        await self._call(op, timeout, kwargs)

    async def get_partition_stats(self, collection_name: str, partition_name: str, timeout: float | None = None,
                                  **kwargs: Any) -> dict:
        """Return ``{"row_count": int}`` for one partition.

        Raises:
            TypeError: ``partition_name`` is not a string.
        """
        if not isinstance(partition_name, str):
            raise TypeError(f"partition_name must be str, got {type(partition_name).__name__}")
        op = col_ops.GetPartitionStats(collection_name=collection_name, db_name=self._core.db(kwargs),
                                       partition_name=partition_name)
        stats = await self._call(op, timeout, kwargs)
        return {"row_count": int(stats["row_count"])}

    # ---- aliases -----------------------------------------------------------------------------------------
    async def create_alias(self, collection_name: str, alias: str, timeout: float | None = None,
                           **kwargs: Any) -> None:
        """Make ``alias`` another name for the collection, usable wherever a collection name is expected."""
        await self._call(col_ops.CreateAlias(collection_name=collection_name, db_name=self._core.db(kwargs),
                                             alias=alias), timeout, kwargs)

    async def alter_alias(self, collection_name: str, alias: str, timeout: float | None = None,
                          **kwargs: Any) -> None:
        """Point an existing ``alias`` at another collection (atomic switch)."""
        await self._call(col_ops.AlterAlias(collection_name=collection_name, db_name=self._core.db(kwargs),
                                            alias=alias), timeout, kwargs)

    async def drop_alias(self, alias: str, timeout: float | None = None, **kwargs: Any) -> None:
        """Remove an alias; the collection itself is unchanged."""
        await self._call(col_ops.DropAlias(alias=alias, db_name=self._core.db(kwargs)), timeout, kwargs)

    async def describe_alias(self, alias: str, timeout: float | None = None, **kwargs: Any) -> dict:
        """Return ``{"alias", "collection_name", "db_name"}`` for an alias."""
        info = await self._call(col_ops.DescribeAlias(alias=alias, db_name=self._core.db(kwargs)), timeout, kwargs)
        return {"alias": info.alias, "collection_name": info.collection_name, "db_name": info.db_name}

    async def list_aliases(self, collection_name: str = "", timeout: float | None = None, **kwargs: Any) -> Any:
        """List aliases, of one collection or (with ``collection_name=""``) of the whole database.

        Returns:
            The async client returns the alias names as a list. The sync client returns
                ``{"aliases": [...]}``, plus ``collection_name`` and ``db_name`` when known.
        """
        result = await self._call(col_ops.ListAliases(collection_name=collection_name,
                                                      db_name=self._core.db(kwargs)), timeout, kwargs)
        # unasync: async-only
        return list(result.aliases)
        # unasync: end
        # unasync: sync-only
        # return base.alias_list_dict(result)
        # unasync: end

    # ---- databases ---------------------------------------------------------------------------------------
    async def create_database(self, db_name: str, properties: dict | None = None, timeout: float | None = None,
                              **kwargs: Any) -> None:
        """Create a database, optionally with ``properties`` (values stored as strings)."""
        await self._call(db_ops.CreateDatabase(db_name=db_name, properties=dict(properties or {})), timeout, kwargs)

    async def drop_database(self, db_name: str, **kwargs: Any) -> None:
        """Drop an empty database."""
        await self._call(db_ops.DropDatabase(db_name=db_name), kwargs.get("timeout"), kwargs)
        self._core.forget_schemas(db_name)

    async def list_databases(self, timeout: float | None = None, **kwargs: Any) -> list[str]:
        """Names of all databases, ``default`` included."""
        return await self._call(db_ops.ListDatabases(), timeout, kwargs)

    async def describe_database(self, db_name: str, **kwargs: Any) -> dict:
        """Return ``{"name": db_name, **properties}`` for a database."""
        info = await self._call(db_ops.DescribeDatabase(db_name=db_name), kwargs.get("timeout"), kwargs)
        return {"name": info.name, **info.properties}

    async def alter_database_properties(self, db_name: str, properties: dict, **kwargs: Any) -> None:
        """Set database properties (merged with the existing ones)."""
        base.validate_param("properties", properties, dict)
        await self._call(db_ops.AlterDatabaseProperties(db_name=db_name, properties=dict(properties)),
                         kwargs.get("timeout"), kwargs)

    async def drop_database_properties(self, db_name: str, property_keys: list[str], **kwargs: Any) -> None:
        """Remove the database properties named in ``property_keys``."""
        op = db_ops.AlterDatabaseProperties(db_name=db_name,
                                            delete_keys=base.as_name_list(property_keys, "property_keys"))
        await self._call(op, kwargs.get("timeout"), kwargs)

    async def use_database(self, db_name: str, **kwargs: Any) -> None:
        """Make ``db_name`` the database of this client's later calls (it must exist)."""
        await self._call(db_ops.DescribeDatabase(db_name=db_name), kwargs.get("timeout"), kwargs)
        self._core._db_name = db_name

    async def using_database(self, db_name: str, **kwargs: Any) -> None:
        """Deprecated alias of ``use_database`` (emits ``PyMilvusDeprecationWarning``)."""
        warnings.warn("using_database is deprecated, use use_database instead", PyMilvusDeprecationWarning,
                      stacklevel=2)
        await self.use_database(db_name, **kwargs)

    # ---- indexes -----------------------------------------------------------------------------------------
    async def create_index(self, collection_name: str, index_params: IndexParams, timeout: float | None = None,
                           **kwargs: Any) -> None:
        """Build every index in ``index_params``, one after the other, and return when they are built.

        An entry without ``index_type`` gets ``AUTOINDEX``; without ``index_name`` the index is named after its field.
        Re-creating an identical index is accepted; a different second index on the same field fails.

        Raises:
            ParamError: ``index_params`` is not an ``IndexParams`` or is empty.
        """
        base.validate_param("collection_name", collection_name, str)
        base.validate_param("index_params", index_params, IndexParams)
        if len(index_params) == 0:
            raise ParamError(message="IndexParams is empty, no index can be created")
        for index in index_params:
            op = index_ops.CreateIndex(collection_name=collection_name, db_name=self._core.db(kwargs), index=index)
            await self._call(op, timeout, kwargs)

    async def describe_index(self, collection_name: str, index_name: str, timeout: float | None = None,
                             **kwargs: Any) -> dict | None:
        """Describe one index, or return ``None`` when it does not exist.

        Returns:
            A dict of the build settings as strings (``index_type``, ``metric_type``, build params) plus
                ``field_name``, ``index_name``, ``total_rows``, ``indexed_rows``, ``pending_index_rows`` and
                ``state`` (``"Finished"``, ``"InProgress"``, ...).
        """
        op = index_ops.DescribeIndex(collection_name=collection_name, db_name=self._core.db(kwargs),
                                     index_name=index_name)
        try:
            infos = await self._call(op, timeout, kwargs)
        except MilvusException as exc:
            if exc.code == Code.INDEX_NOT_FOUND:
                return None
            raise
        return base.index_dict(infos[0])

    async def list_indexes(self, collection_name: str, field_name: str | None = "", **kwargs: Any) -> list[str]:
        """Names of the collection's indexes, or only of those on ``field_name``; ``[]`` when there are none."""
        op = index_ops.DescribeIndex(collection_name=collection_name, db_name=self._core.db(kwargs),
                                     field_name=field_name or "")
        try:
            infos = await self._call(op, kwargs.get("timeout"), kwargs)
        except MilvusException as exc:
            if exc.code == Code.INDEX_NOT_FOUND:
                return []
            raise
        return [info.index_name for info in infos]

    async def drop_index(self, collection_name: str, index_name: str, timeout: float | None = None,
                         **kwargs: Any) -> None:
        """Drop an index. The collection must be released first."""
        op = index_ops.DropIndex(collection_name=collection_name, db_name=self._core.db(kwargs),
                                 index_name=index_name)
        await self._call(op, timeout, kwargs)

    async def alter_index_properties(self, collection_name: str, index_name: str, properties: dict,
                                     timeout: float | None = None, **kwargs: Any) -> None:
        """Set index properties such as ``{"mmap.enabled": True}``."""
        base.validate_param("properties", properties, dict)
        op = index_ops.AlterIndexProperties(collection_name=collection_name, db_name=self._core.db(kwargs),
                                            index_name=index_name, properties=dict(properties))
        await self._call(op, timeout, kwargs)

    async def drop_index_properties(self, collection_name: str, index_name: str, property_keys: list[str],
                                    timeout: float | None = None, **kwargs: Any) -> None:
        """Remove the index properties named in ``property_keys``."""
        op = index_ops.AlterIndexProperties(collection_name=collection_name, db_name=self._core.db(kwargs),
                                            index_name=index_name,
                                            delete_keys=base.as_name_list(property_keys, "property_keys"))
        await self._call(op, timeout, kwargs)

    # ---- writing -----------------------------------------------------------------------------------------
    async def _write(self, op_type: type, collection_name: str, rows: list[dict], partition_name: str,
                     timeout: float | None, kwargs: dict[str, Any], **fields: Any) -> Any:
        for attempt in (0, 1):
            info = await self._schema(collection_name, kwargs, refresh=attempt > 0)
            try:
                table = rows_to_table(rows, info.schema, partial=bool(fields.get("partial_update")),
                                      upsert=op_type is data_ops.Upsert,
                                      allow_auto_id_values=op_type is data_ops.Upsert
                                      or info.properties.get("allow_insert_auto_id", "false") == "true")
            except MilvusException:
                if attempt:
                    raise
                continue  # the cached schema may be stale: refresh once and convert again
            op = op_type(collection_name=collection_name, db_name=self._core.db(kwargs),
                         partition_name=partition_name or "", data=table, schema_version=info.schema_version,
                         collection_id=info.collection_id, **fields)
            try:
                return await self._call(op, timeout, kwargs)
            except MilvusException as exc:
                if exc.code != Code.SCHEMA_MISMATCH or attempt:
                    raise
        raise AssertionError("unreachable")

    async def insert(self, collection_name: str, data: dict | list[dict], timeout: float | None = None,
                     partition_name: str | None = "", **kwargs: Any) -> dict:
        """Insert rows (a dict or a list of dicts keyed by field name).

        Rows are checked against the schema before sending: unknown keys go to the dynamic field when it is
        enabled. Duplicate primary keys are not rejected; use ``upsert`` to replace rows.

        Args:
            partition_name: target partition. Defaults to ``_default``.

        Returns:
            ``{"insert_count": int, "ids": [...], "cost": int}``, ``ids`` in input order (generated ones with
                auto_id). An empty list returns ``{"insert_count": 0, "ids": []}`` without a call.

        Raises:
            TypeError: ``data`` is neither a dict nor a list.
            DataNotMatchException: a row has an unknown field (no dynamic field), misses a required field or
                sets a function output field.
        """
        rows = base.as_rows(data)
        if not rows:
            return {"insert_count": 0, "ids": []}
        result = await self._write(data_ops.Insert, collection_name, rows, partition_name or "", timeout, kwargs)
        return base.insert_result(result)

    async def upsert(self, collection_name: str, data: dict | list[dict], timeout: float | None = None,
                     partition_name: str | None = "", **kwargs: Any) -> dict:
        """Insert rows, replacing the existing rows with the same primary keys.

        Each row replaces the whole entity; on auto_id collections the replaced rows get new primary keys (returned
        in ``ids``).

        Keyword Args:
            partial_update (bool): merge mode: only the given fields change, the others keep their values.
                Defaults to False.

        Returns:
            ``{"upsert_count": int, "ids": [...], "cost": int}``.

        Raises:
            TypeError: ``data`` is neither a dict nor a list.
            DataNotMatchException: a row does not match the schema.
        """
        rows = base.as_rows(data)
        if not rows:
            return {"upsert_count": 0, "ids": []}
        partial = bool(kwargs.get("partial_update", False))
        result = await self._write(data_ops.Upsert, collection_name, rows, partition_name or "", timeout, kwargs,
                                   partial_update=partial)
        return base.upsert_result(result)

    async def delete(self, collection_name: str, ids: list | str | int | None = None, timeout: float | None = None,
                     filter: str | None = None, partition_name: str | None = None, **kwargs: Any) -> dict:
        """Delete rows by primary key (``ids``) or by ``filter`` expression, not both.

        Deleting keys that do not exist is not an error.

        Returns:
            ``{"delete_count": int, "cost": int}``: the number of ids sent, or of rows matched by the filter.

        Raises:
            ParamError: both ``ids`` and ``filter`` are given.
            DataTypeNotMatchException: neither is given (``filter`` must then be a string).
            TypeError: ``ids`` are not ints or strings.
        """
        pks = base.as_ids(ids, kwargs)
        if pks is not None and filter:
            raise ParamError(message="Ambiguous filter parameter, only one deletion condition can be specified.")
        if pks is None:
            if not isinstance(filter, str):
                raise base.DataTypeNotMatchException(
                    message=f"The type of expr must be string ,but {type(filter)} is given.")
        base.consistency(kwargs)
        op = data_ops.Delete(collection_name=collection_name, db_name=self._core.db(kwargs),
                             partition_name=partition_name or "", ids=pks, filter=filter or "",
                             filter_params=dict(kwargs.get("filter_params") or {}))
        return base.delete_result(await self._call(op, timeout, kwargs))

    # ---- reading -----------------------------------------------------------------------------------------
    async def query(self, collection_name: str, filter: str = "", output_fields: list[str] | None = None,
                    timeout: float | None = None, ids: list | str | int | None = None,
                    partition_names: list[str] | None = None, **kwargs: Any) -> list[dict]:
        """Return the rows matching ``filter`` (or with the primary keys ``ids``).

        Rows are flat dicts (dynamic keys included) and always carry the primary key. ``output_fields=None`` returns
        every field, vectors included; ``["count(*)"]`` returns ``[{"count(*)": n}]``.

        Keyword Args:
            limit (int): maximum rows; required when ``filter`` is empty. ``offset + limit`` must be at most 16384.
            offset (int): rows to skip.
            filter_params (dict): values for ``{name}`` placeholders in ``filter``.
            consistency_level (str | int): overrides the collection's level.

        Raises:
            DataTypeNotMatchException: ``filter`` is not a string.
            ParamError: both ``filter`` and ``ids``, or a non-int ``limit``/``offset``.
            MilvusException: the collection is not loaded (code 101).
        """
        limit, offset = kwargs.get("limit"), kwargs.get("offset", 0)
        base.check_query_args(filter, ids, limit, offset)
        pks = base.as_ids(ids, {})
        return await self._query(collection_name, filter, pks, output_fields, partition_names, timeout, kwargs)

    async def get(self, collection_name: str, ids: list | str | int, output_fields: list[str] | None = None,
                  timeout: float | None = None, partition_names: list[str] | None = None,
                  **kwargs: Any) -> list[dict]:
        """Return the rows with the given primary keys (a key or a list; missing keys are simply absent).

        ``output_fields=None`` returns every field, vectors included. An empty list returns ``[]`` without a call.
        """
        pks = base.as_ids(ids, {})
        if not pks:
            return []
        return await self._query(collection_name, "", pks, output_fields, partition_names, timeout, kwargs)

    async def _query(self, collection_name: str, filter: str, pks: tuple | None, output_fields: Any,
                     partition_names: Any, timeout: float | None, kwargs: dict[str, Any]) -> list[dict]:
        info = await self._schema(collection_name, kwargs)
        limit = kwargs.get("limit")
        op = data_ops.Query(
            collection_name=collection_name, db_name=self._core.db(kwargs), filter=filter, ids=pks,
            output_fields=base.as_name_list(output_fields, "output_fields"),
            partition_names=base.as_name_list(partition_names, "partition_names"),
            limit=-1 if limit is None else int(limit), offset=int(kwargs.get("offset") or 0),
            filter_params=dict(kwargs.get("filter_params") or {}), consistency_level=base.consistency(kwargs),
        )
        result = await self._call(op, timeout, kwargs)
        if not base.knows_fields(info, result.fields):
            info = await self._schema(collection_name, kwargs, refresh=True)  # another client changed it
        return base.query_rows(result, info)

    # ---- search -------------------------------------------------------------------------------------------
    # unasync: async-only
    async def search(self, collection_name: str, data: list | None = None, filter: str = "", limit: int = 10,
                     output_fields: list[str] | None = None, search_params: dict | None = None,
                     timeout: float | None = None, partition_names: list[str] | None = None,
                     anns_field: str | None = None, ranker: Any = None, function_chains: Any = None,
                     ids: list | str | int | None = None, search_aggregation: Any = None,
                     **kwargs: Any) -> Any:
        """Vector (or full-text) similarity search.

        Args:
            data: a list of query vectors (nested lists, 2-D numpy array, bytes for binary vectors, sparse dicts),
                or of strings for BM25 fields. A single flat vector is rejected; wrap it in a list.
            filter: boolean expression applied before ranking.
            limit: hits per query, 1 to 16384. Defaults to 10.
            output_fields: fields to return in each hit's ``entity``; ``None`` returns only the id and distance,
                ``["*"]`` every field.
            search_params: ``{"metric_type": ..., "params": {...}}`` with index search params (``ef``, ``nprobe``,
                ``radius``/``range_filter``, ...); top-level keys are merged into ``params``.
            anns_field: vector field to search; needed when the collection has several.
            ranker: a ``Function`` of type RERANK or a ``FunctionScore`` to rescore the hits.
            ids: search with the stored vectors of these primary keys instead of ``data``.

        Keyword Args:
            offset (int): hits to skip (``offset + limit`` at most 16384).
            group_by_field (str): return the best hit per value of this scalar field.
            filter_params (dict): values for ``{name}`` placeholders in ``filter``.
            round_decimal (int): round distances to this many decimals. Defaults to -1 (no rounding).
            consistency_level (str | int): overrides the collection's level.

        Returns:
            A ``SearchResult``: one list of hits per query, best first. Each hit is a dict with the primary key
                (under the primary field's name), ``distance`` and ``entity``.

        Raises:
            ParamError: both or neither of ``data`` and ``ids``, a flat vector, an invalid ``limit``, or both
                ``ranker`` and ``function_chains``.
            DataTypeNotMatchException: ``filter`` is not a string.
            MilvusException: code 3000 for ``function_chains`` or ``search_aggregation``
                (not supported yet); code 101 when the collection is not loaded.
        """
        return await self._search(collection_name, data, filter, limit, output_fields, search_params, timeout,
                                  partition_names, anns_field, ranker, function_chains, None, ids,
                                  search_aggregation, kwargs)

    # unasync: end
    # unasync: sync-only
    # def search(self, collection_name: str, data: list | None = None, filter: str = "", limit: int = 10,
    #            output_fields: list[str] | None = None, search_params: dict | None = None,
    #            timeout: float | None = None, partition_names: list[str] | None = None,
    #            anns_field: str | None = None, ranker: Any = None, function_chains: Any = None,
    #            highlighter: Any = None, ids: list | str | int | None = None, search_aggregation: Any = None,
    #            **kwargs: Any) -> Any:
    #     """Vector (or full-text) similarity search.
    #
    #     Args:
    #         data: a list of query vectors (nested lists, 2-D numpy array, bytes for binary vectors, sparse dicts),
    #             or of strings for BM25 fields. A single flat vector is rejected; wrap it in a list.
    #         filter: boolean expression applied before ranking.
    #         limit: hits per query, 1 to 16384. Defaults to 10.
    #         output_fields: fields to return in each hit's ``entity``; ``None`` returns only the id and distance,
    #             ``["*"]`` every field.
    #         search_params: ``{"metric_type": ..., "params": {...}}`` with index search params (``ef``, ``nprobe``,
    #             ``radius``/``range_filter``, ...); top-level keys are merged into ``params``.
    #         anns_field: vector field to search; needed when the collection has several.
    #         ranker: a ``Function`` of type RERANK or a ``FunctionScore`` to rescore the hits.
    #         ids: search with the stored vectors of these primary keys instead of ``data``.
    #
    #     Keyword Args:
    #         offset (int): hits to skip (``offset + limit`` at most 16384).
    #         group_by_field (str): return the best hit per value of this scalar field.
    #         filter_params (dict): values for ``{name}`` placeholders in ``filter``.
    #         round_decimal (int): round distances to this many decimals. Defaults to -1 (no rounding).
    #         consistency_level (str | int): overrides the collection's level.
    #
    #     Returns:
    #         A ``SearchResult``: one list of hits per query, best first. Each hit is a dict with the primary key
    #             (under the primary field's name), ``distance`` and ``entity``.
    #
    #     Raises:
    #         ParamError: both or neither of ``data`` and ``ids``, a flat vector, an invalid ``limit``, or both
    #             ``ranker`` and ``function_chains``.
    #         DataTypeNotMatchException: ``filter`` is not a string.
    #         MilvusException: code 3000 for ``function_chains``, ``highlighter`` or ``search_aggregation``
    #             (not supported yet); code 101 when the collection is not loaded.
    #     """
    #     return self._search(collection_name, data, filter, limit, output_fields, search_params, timeout,
    #                         partition_names, anns_field, ranker, function_chains, highlighter, ids,
    #                         search_aggregation, kwargs)
    #
    # unasync: end
    async def _search(self, collection_name: str, data: Any, filter: Any, limit: Any, output_fields: Any,
                      search_params: Any, timeout: float | None, partition_names: Any, anns_field: Any,
                      ranker: Any, function_chains: Any, highlighter: Any, ids: Any, search_aggregation: Any,
                      kwargs: dict[str, Any]) -> Any:
        base.validate_param("collection_name", collection_name, str)
        data, pks = base.check_search_input(data, ids, limit)
        if not isinstance(filter, str):
            raise base.DataTypeNotMatchException(message=f"The type of expr must be string ,but {type(filter)} "
                                                         "is given.")
        if ranker is not None and function_chains is not None:
            raise ParamError(message="ranker and function_chains are mutually exclusive")
        for name, value in (("function_chains", function_chains), ("highlighter", highlighter),
                            ("search_aggregation", search_aggregation)):
            if value is not None:
                raise base.unsupported_argument(name)
        params, offset = base.merged_search_params(search_params, kwargs)
        info = await self._schema(collection_name, kwargs)
        op = search_ops.Search(
            collection_name=collection_name, db_name=self._core.db(kwargs), anns_field=anns_field or "",
            data=data, ids=pks, filter=filter or "", filter_params=dict(kwargs.get("filter_params") or {}),
            limit=limit, offset=offset, output_fields=base.as_name_list(output_fields, "output_fields"),
            partition_names=base.as_name_list(partition_names, "partition_names"), search_params=params,
            group_by_field=kwargs.get("group_by_field") or "", group_size=int(kwargs.get("group_size") or 1),
            strict_group_size=bool(kwargs.get("strict_group_size", False)),
            round_decimal=int(kwargs.get("round_decimal", -1)), consistency_level=base.consistency(kwargs),
            ranker=base.ranker_spec(ranker, hybrid=False),
        )
        hits = await self._call(op, timeout, kwargs)
        if not base.knows_fields(info, hits.fields):
            info = await self._schema(collection_name, kwargs, refresh=True)  # another client changed it
        return base.search_result(hits, info, op.round_decimal)

    async def hybrid_search(self, collection_name: str, reqs: list, ranker: Any, limit: int = 10,
                            output_fields: list[str] | None = None, timeout: float | None = None,
                            partition_names: list[str] | None = None, **kwargs: Any) -> Any:
        """Run several ``AnnSearchRequest`` searches (e.g. on dense and sparse fields) and fuse their hits.

        Args:
            reqs: the sub-searches, each with its own field, params, limit and filter; all with the same number of
                queries.
            ranker: ``RRFRanker()``, ``WeightedRanker(...)`` (one weight per request) or a RERANK ``Function``.
            limit: hits per query after fusion. Defaults to 10.

        Returns:
            A ``SearchResult``, like ``search``.

        Raises:
            ParamError: ``reqs`` holds something else than ``AnnSearchRequest``, ``limit`` is not a positive int,
                or ``function_chains``/``search_aggregation`` is passed.
        """
        base.validate_param("collection_name", collection_name, str)
        if kwargs.get("function_chains") is not None:
            raise ParamError(message="function_chains is not supported for hybrid_search yet")
        if kwargs.get("search_aggregation") is not None:
            raise ParamError(message="search_aggregation is not supported for hybrid_search")
        if not isinstance(limit, int) or isinstance(limit, bool) or limit <= 0:
            raise ParamError(message=f"`limit` value {limit} is illegal")
        requests = []
        for req in reqs:
            if not isinstance(req, AnnSearchRequest):
                raise ParamError(message=f"reqs must be a list of AnnSearchRequest, got {type(req).__name__}")
            params, _ = base.merged_search_params(req.param, {})
            base.check_search_input(req.data, None, req.limit)
            requests.append(search_ops.AnnRequest(req.anns_field, req.data, params, req.limit, req.filter or "",
                                                  dict(req.expr_params or {})))
        info = await self._schema(collection_name, kwargs)
        op = search_ops.HybridSearch(
            collection_name=collection_name, db_name=self._core.db(kwargs), requests=tuple(requests),
            ranker=base.ranker_spec(ranker, hybrid=True), limit=limit, offset=int(kwargs.get("offset") or 0),
            output_fields=base.as_name_list(output_fields, "output_fields"),
            partition_names=base.as_name_list(partition_names, "partition_names"),
            round_decimal=int(kwargs.get("round_decimal", -1)), consistency_level=base.consistency(kwargs),
        )
        hits = await self._call(op, timeout, kwargs)
        if not base.knows_fields(info, hits.fields):
            info = await self._schema(collection_name, kwargs, refresh=True)  # another client changed it
        return base.search_result(hits, info, op.round_decimal)

    # unasync: sync-only
    # def query_iterator(self, collection_name: str, batch_size: int | None = 1000, limit: int | None = -1,
    #                    filter: str | None = "", output_fields: list[str] | None = None,
    #                    partition_names: list[str] | None = None, timeout: float | None = None,
    #                    **kwargs: Any) -> QueryIterator:
    #     """Iterate over the rows matching ``filter`` in batches, in primary-key order.
    #
    #     Call ``next()`` on the result for the next list of rows (an empty list at the end), then ``close()``.
    #
    #     Args:
    #         batch_size: rows per batch, 0 to 16384. Defaults to 1000.
    #         limit: total rows to return; -1 for all.
    #
    #     Keyword Args:
    #         offset (int): rows to skip first.
    #         iterator_cp_file (str): checkpoint file to resume an interrupted iteration.
    #
    #     Raises:
    #         DataTypeNotMatchException: ``filter`` is not a string.
    #     """
    #     if filter is not None and not isinstance(filter, str):
    #         raise base.DataTypeNotMatchException(
    #             message=f"The type of expr must be string ,but {type(filter)} is given.")
    #     info = self._schema(collection_name, kwargs)
    #     query = data_ops.Query(
    #         collection_name=collection_name, db_name=self._core.db(kwargs), filter=filter or "",
    #         output_fields=base.as_name_list(output_fields, "output_fields"),
    #         partition_names=base.as_name_list(partition_names, "partition_names"),
    #         filter_params=dict(kwargs.get("filter_params") or {}),
    #     )
    #     return QueryIterator(lambda op: self._call(op, timeout, kwargs), info, query, batch_size,
    #                          -1 if limit is None else limit, int(kwargs.get("offset") or 0),
    #                          kwargs.get("iterator_cp_file"))
    # unasync: end

    # unasync: sync-only
    # def search_iterator(self, collection_name: str, data: list, batch_size: int | None = 1000,
    #                     filter: str | None = None, limit: int | None = -1, output_fields: list[str] | None = None,
    #                     search_params: dict | None = None, timeout: float | None = None,
    #                     partition_names: list[str] | None = None, anns_field: str | None = None,
    #                     round_decimal: int = -1, *, external_filter_func: Any = None, **kwargs: Any) -> Any:
    #     """Iterate over the hits of one query vector in batches, best first.
    #
    #     Call ``next()`` on the result for the next batch of hits (empty at the end), then ``close()``.
    #
    #     Args:
    #         data: one query vector, in a list.
    #         batch_size: hits per batch. Defaults to 1000.
    #         limit: total hits to return; -1 for all.
    #         external_filter_func: callable run on each batch of hits to drop some client-side.
    #
    #     Raises:
    #         ParamError: ``data`` is empty or holds more than one vector.
    #     """
    #     if data is None or (hasattr(data, "__len__") and len(data) == 0):
    #         raise ParamError(message="The vector data for search cannot be empty")
    #     if hasattr(data, "__len__") and len(data) > 1:
    #         raise ParamError(message="search_iterator_v2 does not support processing multiple vectors "
    #                                  "simultaneously")
    #     base.check_search_input(data, None, 1)
    #     params, offset = base.merged_search_params(search_params, kwargs)
    #     info = self._schema(collection_name, kwargs)
    #     op = search_ops.Search(
    #         collection_name=collection_name, db_name=self._core.db(kwargs), anns_field=anns_field or "",
    #         data=data, filter=filter or "", filter_params=dict(kwargs.get("filter_params") or {}),
    #         limit=1, offset=offset, output_fields=base.as_name_list(output_fields, "output_fields"),
    #         partition_names=base.as_name_list(partition_names, "partition_names"), search_params=params,
    #         round_decimal=round_decimal,
    #     )
    #     return SearchIterator(lambda o: self._call(o, timeout, kwargs), info, op, batch_size,
    #                           -1 if limit is None else limit, external_filter_func)
    # unasync: end
