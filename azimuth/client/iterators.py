"""``query_iterator``: pages through one snapshot in primary-key order.

The first page fixes the snapshot timestamp; each next page asks for keys greater than the last one returned
at that same timestamp, so rows inserted, deleted or upserted meanwhile never make it skip or repeat a row.
With ``iterator_cp_file`` the snapshot and cursor are saved after every page and a new iterator resumes there.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from azimuth.client import _base as base
from azimuth.errors import DataTypeNotMatchException, ParamError
from azimuth.ops import data as data_ops
from azimuth.ops.results import CollectionInfo, QueryResult

MAX_BATCH_SIZE = 16384


class QueryIterator:
    def __init__(
        self,
        run: Callable[[data_ops.Query], QueryResult],
        info: CollectionInfo,
        query: data_ops.Query,
        batch_size: int,
        limit: int,
        offset: int = 0,
        checkpoint_file: str | None = None,
    ) -> None:
        if not isinstance(batch_size, int) or batch_size < 0:
            raise ParamError(message="batch size cannot be less than zero")
        if batch_size > MAX_BATCH_SIZE:
            raise ParamError(message=f"batch size cannot be larger than {MAX_BATCH_SIZE}")
        if not isinstance(query.filter, str):
            raise DataTypeNotMatchException(message=f"The type of expr must be string ,but {type(query.filter)} "
                                                    "is given.")
        self._run = run
        self._info = info
        self._query = query
        self._batch = batch_size or 1000
        self._remaining = -1 if limit is None or limit < 0 else int(limit)
        self._cursor: Any = None
        self._ts = 0
        self._checkpoint = checkpoint_file
        self._closed = False
        if checkpoint_file:
            self._resume(checkpoint_file)
        if offset:
            self._skip(int(offset))

    def _resume(self, path: str) -> None:
        if not os.path.exists(path):
            return
        with open(path, encoding="utf-8") as handle:
            lines = [line.strip() for line in handle if line.strip()]
        if len(lines) < 2:
            return
        try:
            self._ts = int(lines[0])
        except ValueError:
            raise ParamError(message=f"cannot parse input cp session_ts:{lines[0]}") from None
        pk_type = self._info.schema.primary_field.dtype
        self._cursor = int(lines[1]) if int(pk_type) == 5 else lines[1]

    def _save(self) -> None:
        if self._checkpoint and self._cursor is not None:
            with open(self._checkpoint, "w", encoding="utf-8") as handle:
                handle.write(f"{self._ts}\n{self._cursor}\n")

    def _page(self, size: int, *, keys_only: bool = False) -> QueryResult:
        query = self._query
        fields = (self._info.schema.primary_field.name,) if keys_only else query.output_fields
        op = data_ops.Query(
            collection_name=query.collection_name, db_name=query.db_name, filter=query.filter,
            output_fields=fields, partition_names=query.partition_names, limit=size,
            filter_params=query.filter_params, pk_after=self._cursor, snapshot_ts=self._ts, iterator=True,
        )
        result = self._run(op)
        self._ts = result.snapshot_ts
        if result.table is not None and result.table.num_rows:
            pk = self._info.schema.primary_field.name
            self._cursor = result.table.column(pk)[-1].as_py()
        return result

    def _skip(self, count: int) -> None:
        while count > 0:
            result = self._page(min(count, MAX_BATCH_SIZE), keys_only=True)
            if result.table is None or result.table.num_rows == 0:
                return
            count -= result.table.num_rows

    def next(self) -> list[dict]:
        if self._closed or self._remaining == 0:
            return []
        size = self._batch if self._remaining < 0 else min(self._batch, self._remaining)
        result = self._page(size)
        rows = base.query_rows(result, self._info)
        if self._remaining > 0:
            self._remaining -= len(rows)
        self._save()
        return rows

    def close(self) -> None:
        self._closed = True
        if self._checkpoint and os.path.exists(self._checkpoint):
            os.remove(self._checkpoint)

    def __iter__(self):
        while True:
            page = self.next()
            if not page:
                return
            yield page


FAR = 3.0e38  # an open bound for range searches (finite: range bounds must be numbers)


class SearchIterator:
    """``search_iterator``: hits of one query vector in distance order over one snapshot, page by page.

    The first page is a plain top-``batch_size`` search; later pages are range searches bounded by the last
    distance returned, skipping the keys already returned at exactly that distance, so ties are neither lost nor
    repeated and concurrent writes (invisible to the pinned snapshot) change nothing.
    """

    def __init__(self, run: Callable[[Any], Any], info: CollectionInfo, search: Any, batch_size: int, limit: int,
                 external_filter: Callable | None = None) -> None:
        if not isinstance(batch_size, int) or batch_size < 0:
            raise ParamError(message="batch size cannot be less than zero")
        if batch_size > MAX_BATCH_SIZE:
            raise ParamError(message=f"batch size cannot be larger than {MAX_BATCH_SIZE}")
        if search.offset:
            raise ParamError(message="Offset is not supported for search_iterator_v2")
        self._run = run
        self._info = info
        self._search = search
        self._batch = batch_size or 1000
        self._remaining = None if limit is None or limit < 0 else int(limit)
        self._filter = external_filter
        self._ts = 0
        self._last: float | None = None
        self._at_last: set = set()
        self._descending: bool | None = None
        self._done = False

    def _page(self, size: int) -> Any:
        from dataclasses import replace

        params = dict(self._search.search_params)
        inner = dict(params.get("params") or {})
        if "ef" in inner:
            inner["ef"] = max(int(inner["ef"]), size)
        if self._last is not None:
            inner["range_filter"] = self._last
            inner["radius"] = -FAR if self._descending else FAR
        params["params"] = inner
        for key in ("radius", "range_filter"):
            params.pop(key, None)
        op = replace(self._search, limit=size, search_params=params, snapshot_ts=self._ts, iterator=True)
        hits = self._run(op)
        self._ts = hits.snapshot_ts
        return base.search_result(hits, self._info)[0]

    def next(self) -> Any:
        from azimuth.types.results import Hits

        if self._done or self._remaining == 0:
            return Hits([])
        size = self._batch if self._remaining is None else min(self._batch, self._remaining)
        while True:
            page = self._page(min(size + len(self._at_last), MAX_BATCH_SIZE))
            fresh = [hit for hit in page if hit.id not in self._at_last]
            if self._descending is None and len(page) >= 2:
                self._descending = page[0].distance > page[-1].distance
            if self._descending is None and len(page) == 1:
                self._descending = self._info.schema is not None and self._metric_descending()
            if not fresh:
                self._done = True
                return Hits([])
            fresh = fresh[:size]
            last = fresh[-1].distance
            self._at_last = {h.id for h in fresh if h.distance == last} | (
                self._at_last if last == self._last else set())
            self._last = last
            if self._filter is not None:
                fresh = list(self._filter(Hits(fresh)))
                if not fresh:
                    continue
            if self._remaining is not None:
                fresh = fresh[: self._remaining]
                self._remaining -= len(fresh)
            return Hits(fresh, pk_name=self._info.schema.primary_field.name)

    def _metric_descending(self) -> bool:
        metric = str((self._search.search_params or {}).get("metric_type", "")).upper()
        return metric in ("IP", "COSINE", "BM25")

    def close(self) -> None:
        self._done = True

    def __iter__(self):
        while True:
            page = self.next()
            if not page:
                return
            yield page
