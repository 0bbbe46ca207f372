"""Client methods for segments, flush and compaction introspection, ``optimize``, schema functions and field
drops, the analyzer, ``session`` and the Milvus features Azimuth does not offer (snapshots, file resources,
external collections, replication): those raise ``MilvusException`` code 3000 naming the feature.
Mixed into ``AsyncMilvusClient``; ``scripts/unasync.py`` generates the sync twin.
"""

from __future__ import annotations

# unasync: async-only
import asyncio

# unasync: end
import copy
import time  # noqa: F401 (sync client)
import warnings
from typing import Any

from azimuth.client import _base as base
from azimuth.client._async.session import AsyncMilvusClientSession
from azimuth.client.optimize import AsyncOptimizeTask, OptimizeTask, ProgressStage  # noqa: F401
from azimuth.errors import Code, MilvusException, ParamError, PyMilvusDeprecationWarning
from azimuth.ops import admin as admin_ops
from azimuth.ops import collection as col_ops
from azimuth.ops import index as index_ops
from azimuth.types.admin_results import (
    DEFAULT_RETAINED_SEGMENT_STATES,
    AnalyzeResult,
    CompactionPlans,
    LoadedSegmentInfo,  # noqa: F401 (sync client)
    OptimizeResult,
    Plan,
    SegmentInfo,
)
from azimuth.types.enums import DataType, FunctionType, LoadState
from azimuth.types.function import Function
from azimuth.types.index_params import IndexParams
from azimuth.types.schema import FieldSchema


def not_supported(feature: str) -> MilvusException:
    """The ``MilvusException`` (code 3000) raised by Milvus features Azimuth does not offer."""
    return MilvusException(Code.UNSUPPORTED, f"{feature} is not supported by Azimuth (a single-node Milvus-"
                                             "compatible engine)")


def _segment_infos(infos: list[Any], collection_name: str) -> list[SegmentInfo]:
    return [SegmentInfo(s.segment_id, s.collection_id, collection_name, s.num_rows, s.is_sorted, s.state, s.level,
                        s.storage_version, s.partition_id, s.insert_channel, []) for s in infos]


def _plans(desc: Any, job_id: int = 0, collection_name: str = "") -> CompactionPlans:
    plans = CompactionPlans(job_id, desc.state, collection_name=collection_name)
    plans.plans = [Plan(list(sources), target) for sources, target in desc.plans]
    return plans


def _bound_index(field_name: str, index_params: Any) -> Any:
    if not isinstance(index_params, IndexParams):
        raise ParamError(message=f"wrong type of argument index_params, expected: IndexParams, got: "
                                 f"{type(index_params).__name__}")
    if len(index_params) != 1:
        raise ParamError(message="index_params must contain exactly one index for the function output field")
    index = list(index_params)[0]
    if index.field_name not in ("", field_name):
        raise ParamError(message=f"index_params field_name {index.field_name!r} does not match the function "
                                 f"output field {field_name!r}")
    if not index.index_type:
        raise ParamError(message="index_params must set an explicit index_type for the function output field")
    return index


class MaintenanceMixin:
    """Needs ``_core``, ``_call`` and the collection methods of the client it is mixed into."""

    _core: Any
    _call: Any

    # ---- flush, segments, compaction ---------------------------------------------------------------------
    async def get_flush_all_state(self, timeout: float | None = None, **kwargs: Any) -> bool:
        """Tell whether the last ``flush_all`` has completed."""
        return bool(await self._call(admin_ops.GetFlushAllState(db_name=self._core.db(kwargs)), timeout, kwargs))

    async def list_persistent_segments(self, collection_name: str, timeout: float | None = None,
                                       states: Any = None, **kwargs: Any) -> list[SegmentInfo]:
        """List the collection's persisted segments as ``SegmentInfo`` objects, optionally only in ``states``."""
        base.validate_param("collection_name", collection_name, str)
        op = admin_ops.ListPersistentSegments(collection_name=collection_name, db_name=self._core.db(kwargs),
                                              states=tuple(int(s) for s in states or ()))
        return _segment_infos(await self._call(op, timeout, kwargs), collection_name)

    async def list_segments(self, collection_name: str, states: Any = None, timeout: float | None = None,
                            **kwargs: Any) -> list[SegmentInfo]:
        """List the collection's segments as ``SegmentInfo`` objects.

        Args:
            states: segment states to include; by default the retained ones (not dropped).
        """
        if states is None:
            states = DEFAULT_RETAINED_SEGMENT_STATES
        return await self.list_persistent_segments(collection_name, timeout=timeout, states=states, **kwargs)

    # unasync: sync-only
    # def list_loaded_segments(self, collection_name: str, timeout: float | None = None,
    #                          **kwargs: Any) -> list[LoadedSegmentInfo]:
    #     """List the collection's loaded segments as ``LoadedSegmentInfo`` objects (with index and memory info)."""
    #     base.validate_param("collection_name", collection_name, str)
    #     op = admin_ops.ListLoadedSegments(collection_name=collection_name, db_name=self._core.db(kwargs))
    #     return [LoadedSegmentInfo(s.segment_id, s.collection_id, collection_name, s.num_rows, s.is_sorted, s.state,
    #                               s.level, s.storage_version, s.partition_id, "", [], s.index_name, s.index_id,
    #                               list(s.node_ids), s.mem_size) for s in self._call(op, timeout, kwargs)]
    #
    # unasync: end
    async def get_compaction_plans(self, job_id: int, timeout: float | None = None, **kwargs: Any) -> CompactionPlans:
        """Return the ``CompactionPlans`` of compaction job ``job_id`` (its state and source → target segments)."""
        desc = await self._call(admin_ops.GetCompactionPlans(job_id=int(job_id)), timeout, kwargs)
        return _plans(desc, job_id=int(job_id))

    async def list_compaction_tasks(self, collection_name: str, timeout: float | None = None,
                                    **kwargs: Any) -> CompactionPlans:
        """Return the ``CompactionPlans`` of the collection's compactions."""
        base.validate_param("collection_name", collection_name, str)
        op = admin_ops.GetCompactionPlans(collection_name=collection_name, db_name=self._core.db(kwargs))
        return _plans(await self._call(op, timeout, kwargs), collection_name=collection_name)

    # ---- optimize ----------------------------------------------------------------------------------------
    async def optimize(self, collection_name: str, target_size: str | None = None, wait: bool = True,
                       timeout: float | None = None, **kwargs: Any) -> Any:
        """Compact a collection into fewer, larger segments and rebuild its indexes.

        Waits for pending index builds, compacts, waits for the compaction and the index rebuild, then refreshes the
        load if the collection is loaded.

        Args:
            target_size: target segment size, e.g. ``"512MB"``, ``"1GB"`` or a number of bytes.
            wait: when False, return a task at once instead of the result; it has ``result(timeout)``,
                ``progress()``, ``done()`` and ``cancel()``.

        Returns:
            An ``OptimizeResult`` (status, compaction id, stages passed), or the task when ``wait=False``.

        Raises:
            ParamError: invalid ``target_size``.
        """
        base.validate_param("collection_name", collection_name, str)
        task = AsyncOptimizeTask(collection_name, target_size, timeout, self._execute_optimize, **kwargs)
        task.start()
        if wait:
            return await task.result(timeout=timeout)
        return task

    async def _execute_optimize(self, task: Any, collection_name: str, size_mb: int, timeout: float | None,
                                **kwargs: Any) -> OptimizeResult:
        task.check_cancelled()
        task.set_progress(ProgressStage.WAITING_FOR_INDEXES)
        await self._wait_for_indexes(collection_name, kwargs)
        task.check_cancelled()
        task.set_progress(ProgressStage.COMPACTING)
        job = await self._call(col_ops.Compact(collection_name=collection_name, db_name=self._core.db(kwargs)),
                               timeout, kwargs)
        task.check_cancelled()
        task.set_progress(ProgressStage.WAITING_FOR_COMPACTION)
        while await self._call(col_ops.GetCompactionState(job_id=job), timeout, kwargs) == "Executing":
            # unasync: async-only
            await asyncio.sleep(0.05)
            # unasync: end
            # unasync: sync-only
            # time.sleep(0.05)
            # unasync: end
            task.check_cancelled()
        task.set_progress(ProgressStage.WAITING_FOR_INDEX_REBUILD)
        await self._wait_for_indexes(collection_name, kwargs)
        task.check_cancelled()
        state = await self._call(col_ops.GetLoadState(collection_name=collection_name,
                                                      db_name=self._core.db(kwargs)), timeout, kwargs)
        if state.state == LoadState.Loaded:
            task.set_progress(ProgressStage.REFRESHING_LOAD)
            await self._call(col_ops.LoadCollection(collection_name=collection_name, db_name=self._core.db(kwargs),
                                                    refresh=True), timeout, kwargs)
        return OptimizeResult("success", collection_name, int(job), task._target_size, task.progress_history())

    async def _wait_for_indexes(self, collection_name: str, kwargs: dict[str, Any]) -> None:
        op = index_ops.DescribeIndex(collection_name=collection_name, db_name=self._core.db(kwargs))
        while True:
            try:
                infos = await self._call(op, None, kwargs)
            except MilvusException as exc:
                if exc.code == Code.INDEX_NOT_FOUND:
                    return
                raise
            if all(i.pending_index_rows == 0 and i.state in ("Finished", "None") for i in infos):
                return
            if any(i.state == "Failed" for i in infos):
                raise MilvusException(Code.UNEXPECTED, f"index build failed on collection {collection_name}")
            # unasync: async-only
            await asyncio.sleep(0.05)
            # unasync: end
            # unasync: sync-only
            # time.sleep(0.05)
            # unasync: end

    # ---- schema: functions and field drops ---------------------------------------------------------------
    async def drop_collection_field(self, collection_name: str, field_name: str = "", field_id: int = 0,
                                    timeout: float | None = None, **kwargs: Any) -> None:
        """Drop a field from a collection, named by ``field_name`` or by ``field_id``.

        Raises:
            ParamError: neither or both of ``field_name`` and ``field_id`` are given.
        """
        base.validate_param("collection_name", collection_name, str)
        if bool(field_name) == bool(field_id and field_id > 0):
            raise ParamError(message="Must specify exactly one valid Drop identifier "
                                     "(drop_field_name/drop_field_id/drop_function_name)")
        op = admin_ops.AlterCollectionSchema(collection_name=collection_name, db_name=self._core.db(kwargs),
                                             drop_field_name=field_name or "", drop_field_id=int(field_id or 0))
        await self._call(op, timeout, kwargs)

    async def add_function_field(self, collection_name: str, field_schema: FieldSchema, func: Function,
                                 index_params: IndexParams, timeout: float | None = None, **kwargs: Any) -> None:
        """Add a function output field (BM25 → SPARSE_FLOAT_VECTOR, or MINHASH → BINARY_VECTOR) with its index.

        Args:
            field_schema: the new output field.
            func: the function computing it from existing fields.
            index_params: exactly one index, with an explicit ``index_type``, for the output field.

        Raises:
            ParamError: another function type, a wrong output type, or ``index_params`` not holding exactly one
                typed index for that field.
        """
        base.validate_param("collection_name", collection_name, str)
        base.validate_param("field_schema", field_schema, FieldSchema)
        base.validate_param("func", func, Function)
        outputs = {FunctionType.BM25: DataType.SPARSE_FLOAT_VECTOR, FunctionType.MINHASH: DataType.BINARY_VECTOR}
        expected = outputs.get(func.type)
        if expected is None:
            raise ParamError(message="add_function_field only supports FunctionType.BM25 with SPARSE_FLOAT_VECTOR "
                                     f"or FunctionType.MINHASH with BINARY_VECTOR for now, got {func.type}")
        if field_schema.dtype != expected:
            raise ParamError(message=f"add_function_field requires {expected.name} output field for {func.type}, "
                                     f"got {field_schema.dtype}")
        index = copy.deepcopy(_bound_index(field_schema.name, index_params))
        index._field_name = field_schema.name
        op = admin_ops.AlterCollectionSchema(collection_name=collection_name, db_name=self._core.db(kwargs),
                                             field_schema=field_schema, function=func, index=index)
        await self._call(op, timeout, kwargs)

    async def drop_function_field(self, collection_name: str, function_name: str, timeout: float | None = None,
                                  **kwargs: Any) -> None:
        """Drop a schema function together with its output field and that field's index."""
        base.validate_param("collection_name", collection_name, str)
        if not isinstance(function_name, str) or not function_name:
            raise ParamError(message="Must specify exactly one valid Drop identifier "
                                     "(drop_field_name/drop_field_id/drop_function_name)")
        op = admin_ops.AlterCollectionSchema(collection_name=collection_name, db_name=self._core.db(kwargs),
                                             drop_function_name=function_name)
        await self._call(op, timeout, kwargs)

    async def alter_collection_function(self, collection_name: str, function_name: str, function: Function,
                                        timeout: float | None = None, **kwargs: Any) -> None:
        """Replace the definition of the schema function ``function_name``."""
        base.validate_param("function", function, Function)
        op = admin_ops.AlterCollectionFunction(collection_name=collection_name, db_name=self._core.db(kwargs),
                                               function_name=function_name, function=function)
        await self._call(op, timeout, kwargs)

    async def add_collection_function(self, collection_name: str, function: Function, timeout: float | None = None,
                                      **kwargs: Any) -> None:
        """Deprecated: use ``add_function_field``. Adds a schema function to a collection."""
        warnings.warn("add_collection_function is deprecated, use add_function_field instead",
                      PyMilvusDeprecationWarning, stacklevel=2)
        base.validate_param("function", function, Function)
        op = admin_ops.AddCollectionFunction(collection_name=collection_name, db_name=self._core.db(kwargs),
                                             function=function)
        await self._call(op, timeout, kwargs)

    async def drop_collection_function(self, collection_name: str, function_name: str,
                                       timeout: float | None = None, **kwargs: Any) -> None:
        """Deprecated: use ``drop_function_field``. Removes a schema function."""
        warnings.warn("drop_collection_function is deprecated, use drop_function_field instead",
                      PyMilvusDeprecationWarning, stacklevel=2)
        op = admin_ops.DropCollectionFunction(collection_name=collection_name, db_name=self._core.db(kwargs),
                                              function_name=function_name)
        await self._call(op, timeout, kwargs)

    async def add_collection_struct_field(self, collection_name: str, field_name: str, struct_schema: Any,
                                          max_capacity: int, desc: str | None = None, timeout: float | None = None,
                                          **kwargs: Any) -> None:
        """Add an ARRAY of STRUCT field to an existing collection (always nullable).

        Raises:
            ParamError: ``struct_schema`` is not a ``StructFieldSchema``, or ``nullable=False`` is passed.
        """
        from azimuth.types.field_schema import StructFieldSchema

        if not isinstance(struct_schema, StructFieldSchema):
            raise ParamError(message="struct_schema must be StructFieldSchema")
        if not kwargs.get("nullable", True):
            raise ParamError(message="Adding struct field to existing collection requires nullable=True")
        op = admin_ops.AddCollectionStructField(collection_name=collection_name, db_name=self._core.db(kwargs),
                                                field_name=field_name)
        await self._call(op, timeout, kwargs)

    # ---- analyzer ----------------------------------------------------------------------------------------
    # unasync: async-only
    async def run_analyzer(self, texts: str | list[str], analyzer_params: str | dict | None = None,
                           with_hash: bool = False, with_detail: bool = False, collection_name: str | None = None,
                           field_name: str | None = None, analyzer_names: str | list[str] | None = None,
                           timeout: float | None = None, **kwargs: Any) -> Any:
        """Tokenize text with an analyzer, as BM25 and text match would.

        Args:
            texts: a string, or a list of strings.
            analyzer_params: analyzer config (dict or JSON string); Azimuth supports the standard analyzer
                (``standard`` or ``whitespace`` tokenizer). Defaults to the standard analyzer.
            with_hash: include each token's hash.
            with_detail: include offsets and positions.
            collection_name: with ``field_name``, use the analyzer of that field instead of ``analyzer_params``.

        Returns:
            An ``AnalyzeResult`` (``.tokens``) for one string, a list of them for a list.

        Raises:
            ParamError: ``texts`` is not a string or a list of strings, or ``analyzer_params`` is neither a
                dict nor a string.
        """
        return await self._run_analyzer(texts, analyzer_params, with_hash, with_detail, collection_name, field_name,
                                        analyzer_names, timeout, kwargs)

    # unasync: end
    # unasync: sync-only
    # def run_analyzer(self, texts: str | list[str], analyzer_params: str | dict | None = None,
    #                  with_hash: bool = False, with_detail: bool = False, collection_name: str | None = None,
    #                  field_name: str | None = None, analyzer_names: str | list[str] | None = None,
    #                  timeout: float | None = None) -> Any:
    #     """Tokenize text with an analyzer, as BM25 and text match would.
    #
    #     Args:
    #         texts: a string, or a list of strings.
    #         analyzer_params: analyzer config (dict or JSON string); Azimuth supports the standard analyzer
    #             (``standard`` or ``whitespace`` tokenizer). Defaults to the standard analyzer.
    #         with_hash: include each token's hash.
    #         with_detail: include offsets and positions.
    #         collection_name: with ``field_name``, use the analyzer of that field instead of ``analyzer_params``.
    #
    #     Returns:
    #         An ``AnalyzeResult`` (``.tokens``) for one string, a list of them for a list.
    #
    #     Raises:
    #         ParamError: ``texts`` is not a string or a list of strings, or ``analyzer_params`` is neither a
    #             dict nor a string.
    #     """
    #     return self._run_analyzer(texts, analyzer_params, with_hash, with_detail, collection_name, field_name,
    #                               analyzer_names, timeout, {})
    #
    # unasync: end
    async def _run_analyzer(self, texts: Any, analyzer_params: Any, with_hash: bool, with_detail: bool,
                            collection_name: Any, field_name: Any, analyzer_names: Any, timeout: float | None,
                            kwargs: dict[str, Any]) -> Any:
        import json

        single = isinstance(texts, str)
        items = [texts] if single else texts
        if not isinstance(items, (list, tuple)) or not all(isinstance(t, str) for t in items):
            raise ParamError(message="texts must be a string or a list of strings")
        if isinstance(analyzer_params, dict):
            params = json.dumps(analyzer_params)
        elif analyzer_params is None or isinstance(analyzer_params, str):
            params = analyzer_params or ""
        else:
            raise ParamError(message=f"analyzer_params must be a dict or a JSON string, got "
                                     f"{type(analyzer_params).__name__}")
        names = (analyzer_names,) if isinstance(analyzer_names, str) else tuple(analyzer_names or ())
        op = admin_ops.RunAnalyzer(texts=tuple(items), analyzer_params=params, with_hash=bool(with_hash),
                                   with_detail=bool(with_detail), collection_name=collection_name or "",
                                   field_name=field_name or "", analyzer_names=names, db_name=self._core.db(kwargs))
        results = await self._call(op, timeout, kwargs)
        shaped = [AnalyzeResult(tokens, with_hash, with_detail) for tokens in results]
        return shaped[0] if single else shaped

    # ---- session -----------------------------------------------------------------------------------------
    def session(self, cluster_id: str) -> AsyncMilvusClientSession:
        """Return a session bound to ``cluster_id`` for ``search``, ``hybrid_search``, ``query`` and ``get``.

        Azimuth is a single node, so the session forwards every call to this client.
        """
        base.validate_param("cluster_id", cluster_id, str)
        return AsyncMilvusClientSession(self, cluster_id)

    # ---- features Azimuth does not offer -----------------------------------------------------------------
    async def create_snapshot(self, snapshot_name: str, collection_name: str, db_name: str = "",
                              description: str = "", compaction_protection_seconds: int = 0,
                              timeout: float | None = None, **kwargs: Any) -> None:
        """Not supported by Azimuth (snapshots).

        Raises:
            MilvusException: always, with code 3000.
        """
        raise not_supported("snapshots (create_snapshot)")

    async def drop_snapshot(self, snapshot_name: str, collection_name: str, db_name: str = "",
                            timeout: float | None = None, **kwargs: Any) -> None:
        """Not supported by Azimuth (snapshots).

        Raises:
            MilvusException: always, with code 3000.
        """
        raise not_supported("snapshots (drop_snapshot)")

    async def describe_snapshot(self, snapshot_name: str, collection_name: str, db_name: str = "",
                                timeout: float | None = None, **kwargs: Any) -> Any:
        """Not supported by Azimuth (snapshots).

        Raises:
            MilvusException: always, with code 3000.
        """
        raise not_supported("snapshots (describe_snapshot)")

    async def list_snapshots(self, collection_name: str = "", db_name: str = "", timeout: float | None = None,
                             **kwargs: Any) -> list[str]:
        """Not supported by Azimuth (snapshots).

        Raises:
            MilvusException: always, with code 3000.
        """
        raise not_supported("snapshots (list_snapshots)")

    async def restore_snapshot(self, snapshot_name: str, source_collection_name: str, target_collection_name: str,
                               source_db_name: str = "", target_db_name: str = "", timeout: float | None = None,
                               **kwargs: Any) -> int:
        """Not supported by Azimuth (snapshots).

        Raises:
            MilvusException: always, with code 3000.
        """
        raise not_supported("snapshots (restore_snapshot)")

    async def get_restore_snapshot_state(self, job_id: int, timeout: float | None = None, **kwargs: Any) -> Any:
        """Not supported by Azimuth (snapshots).

        Raises:
            MilvusException: always, with code 3000.
        """
        raise not_supported("snapshots (get_restore_snapshot_state)")

    async def list_restore_snapshot_jobs(self, collection_name: str = "", db_name: str = "",
                                         timeout: float | None = None, **kwargs: Any) -> list:
        """Not supported by Azimuth (snapshots).

        Raises:
            MilvusException: always, with code 3000.
        """
        raise not_supported("snapshots (list_restore_snapshot_jobs)")

    async def pin_snapshot_data(self, snapshot_name: str, collection_name: str, db_name: str = "",
                                ttl_seconds: int = 0, timeout: float | None = None, **kwargs: Any) -> int:
        """Not supported by Azimuth (snapshots).

        Raises:
            MilvusException: always, with code 3000.
        """
        raise not_supported("snapshots (pin_snapshot_data)")

    async def unpin_snapshot_data(self, pin_id: int, timeout: float | None = None, **kwargs: Any) -> None:
        """Not supported by Azimuth (snapshots).

        Raises:
            MilvusException: always, with code 3000.
        """
        raise not_supported("snapshots (unpin_snapshot_data)")

    async def add_file_resource(self, name: str, path: str, timeout: float | None = None, **kwargs: Any) -> None:
        """Not supported by Azimuth (file resources).

        Raises:
            MilvusException: always, with code 3000.
        """
        raise not_supported("file resources (add_file_resource)")

    async def remove_file_resource(self, name: str, timeout: float | None = None, **kwargs: Any) -> None:
        """Not supported by Azimuth (file resources).

        Raises:
            MilvusException: always, with code 3000.
        """
        raise not_supported("file resources (remove_file_resource)")

    async def list_file_resources(self, timeout: float | None = None, **kwargs: Any) -> list:
        """Not supported by Azimuth (file resources).

        Raises:
            MilvusException: always, with code 3000.
        """
        raise not_supported("file resources (list_file_resources)")

    async def refresh_external_collection(self, collection_name: str, external_source: str = "",
                                          external_spec: str = "", timeout: float | None = None,
                                          **kwargs: Any) -> int:
        """Not supported by Azimuth (external collections).

        Raises:
            MilvusException: always, with code 3000.
        """
        raise not_supported("external collections (refresh_external_collection)")

    async def get_refresh_external_collection_progress(self, job_id: int, timeout: float | None = None,
                                                       **kwargs: Any) -> Any:
        """Not supported by Azimuth (external collections).

        Raises:
            MilvusException: always, with code 3000.
        """
        raise not_supported("external collections (get_refresh_external_collection_progress)")

    async def list_refresh_external_collection_jobs(self, collection_name: str = "", timeout: float | None = None,
                                                    **kwargs: Any) -> list:
        """Not supported by Azimuth (external collections).

        Raises:
            MilvusException: always, with code 3000.
        """
        raise not_supported("external collections (list_refresh_external_collection_jobs)")

    # unasync: async-only
    async def update_replicate_configuration(self, clusters: list[dict] | None = None,
                                             cross_cluster_topology: list[dict] | None = None,
                                             force_promote: bool = False, timeout: float | None = None,
                                             **kwargs: Any) -> Any:
        """Not supported by Azimuth (cross-cluster replication).

        Raises:
            MilvusException: always, with code 3000.
        """
        raise not_supported("cross-cluster replication (update_replicate_configuration)")

    # unasync: end
    # unasync: sync-only
    # def update_replicate_configuration(self, clusters: list[dict], cross_cluster_topology: list[dict] | None = None,
    #                                    force_promote: bool = False, timeout: float | None = None,
    #                                    **kwargs: Any) -> Any:
    #     """Not supported by Azimuth (cross-cluster replication).
    #
    #     Raises:
    #         MilvusException: always, with code 3000.
    #     """
    #     raise not_supported("cross-cluster replication (update_replicate_configuration)")
    #
    # unasync: end
    async def get_replicate_configuration(self, timeout: float | None = None, **kwargs: Any) -> Any:
        """Not supported by Azimuth (cross-cluster replication).

        Raises:
            MilvusException: always, with code 3000.
        """
        raise not_supported("cross-cluster replication (get_replicate_configuration)")

    async def get_replicate_info(self, source_cluster_id: str, target_pchannel: str, timeout: float | None = None,
                                 **kwargs: Any) -> Any:
        """Not supported by Azimuth (cross-cluster replication).

        Raises:
            MilvusException: always, with code 3000.
        """
        raise not_supported("cross-cluster replication (get_replicate_info)")

    async def dump_messages(self, pchannel: str, start_message_id: dict, start_timetick: int = 0,
                            end_timetick: int = 0, timeout: float | None = None, **kwargs: Any) -> Any:
        """Not supported by Azimuth (WAL message dumps).

        A generator, as in pymilvus: the error is raised when iteration starts.

        Raises:
            MilvusException: always, with code 3000.
        """
        raise not_supported("WAL message dumps (dump_messages)")
        yield  # a generator, as in pymilvus  # noqa: B901
