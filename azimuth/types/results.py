"""Result containers shaped like pymilvus's: search hits (``Hit``, ``Hits``, ``SearchResult``), query rows
(``ExtraList``) and mutation summaries (``OmitZeroDict``).

Inside Azimuth results are columnar; these classes are the edge where they become pymilvus-shaped rows.
``SearchResult.from_columns`` is on the search hot path: it converts each query's id/distance arrays with one
``tolist()`` call and builds the hit dicts directly, with no per-value numpy work. Entity dicts are used as given
(the caller supplies Python values). ``str()`` of every container matches pymilvus, including the odd bits
(query rows printed as quoted strings; zero values hidden in mutation results).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

ALWAYS_KEEP_ZERO_KEYS = frozenset({"scanned_remote_bytes", "scanned_total_bytes", "cache_hit_ratio"})


class Hit(dict):  # type: ignore[type-arg]
    """One search hit: ``{<pk name>: pk, "distance": d, "entity": {...}}`` with pymilvus's helpers.

    ``hit["x"]`` and ``hit.get("x")`` fall back to ``hit["entity"]["x"]``; unknown attributes read keys the same
    way; ``hit.entity`` is the hit itself (the ORM idiom ``hit.entity.get("x")``).
    """

    __slots__ = ("_pk_name",)

    def __init__(self, *args: Any, pk_name: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pk_name = pk_name

    def __getattr__(self, item: str) -> Any:
        if item == "entity":
            return self
        if item.startswith("__"):
            raise AttributeError(item)
        try:
            return self[item]
        except KeyError as exc:
            raise AttributeError(item) from exc

    def __getitem__(self, key: Any) -> Any:
        try:
            return dict.__getitem__(self, key)
        except KeyError:
            return dict.__getitem__(self, "entity")[key]

    def get(self, key: Any, default: Any = None) -> Any:
        try:
            return self[key]
        except (KeyError, TypeError):
            return default

    def to_dict(self) -> dict[str, Any]:
        return self

    @property
    def id(self) -> Any:
        return self.get(self._pk_name)

    @property
    def pk(self) -> Any:
        return self.id

    @property
    def distance(self) -> Any:
        return self.get("distance")

    @property
    def score(self) -> Any:
        return self.distance

    @property
    def highlight(self) -> Any:
        return self.get("highlight")

    @property
    def fields(self) -> Any:
        return self.get("entity")

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_hit, (dict(self), self._pk_name))


def _rebuild_hit(data: dict[str, Any], pk_name: str) -> Hit:
    return Hit(data, pk_name=pk_name)


class Hits(list):  # type: ignore[type-arg]
    """The hits of one query, best first, with ``.ids`` and ``.distances`` lists."""

    ids: list[Any]
    distances: list[float]

    def __init__(
        self,
        hits: Iterable[Hit] = (),
        *,
        ids: list[Any] | None = None,
        distances: list[float] | None = None,
        pk_name: str = "id",
    ) -> None:
        super().__init__(hits)
        self.ids = ids if ids is not None else [h.get(pk_name) for h in self]
        self.distances = distances if distances is not None else [h.get("distance") for h in self]

    def materialize(self) -> Hits:
        """Decode any lazily held values (none are held lazily here); returns self."""
        return self

    def __str__(self) -> str:
        reminder = f" ... and {len(self) - 10} entities remaining" if len(self) > 10 else ""
        return f"{self[:10]}{reminder}"

    __repr__ = __str__


class SearchResult(list):  # type: ignore[type-arg]
    """One ``Hits`` per query vector, plus ``.extra``, ``.recalls`` and ``.agg_buckets``."""

    def __init__(
        self,
        data: Iterable[Hits] = (),
        *,
        extra: dict[str, Any] | None = None,
        recalls: list[float] | None = None,
        agg_buckets: list[Any] | None = None,
        session_ts: int = 0,
    ) -> None:
        super().__init__(data)
        self.extra: dict[str, Any] = dict(extra) if extra else {}
        # recalls travel as float32 in Milvus, so they read back with float32 precision
        self.recalls: list[float] | None = (
            np.asarray(recalls, dtype=np.float32).tolist() if recalls is not None and len(recalls) else None
        )
        self.agg_buckets: list[Any] = agg_buckets if agg_buckets is not None else []
        self._session_ts = session_ts

    @classmethod
    def from_columns(
        cls,
        pk_name: str,
        ids: Sequence[np.ndarray | list[Any]],
        distances: Sequence[np.ndarray | list[float]],
        entities: Sequence[Sequence[dict[str, Any]]] | None = None,
        extra: dict[str, Any] | None = None,
        *,
        recalls: list[float] | None = None,
        offsets: Sequence[np.ndarray | list[int]] | None = None,
        highlights: Sequence[Sequence[dict[str, Any]]] | None = None,
        agg_buckets: list[Any] | None = None,
        session_ts: int = 0,
    ) -> SearchResult:
        """Build from per-query columns: ``ids[q]``/``distances[q]`` arrays, ``entities[q][i]`` dicts or None.

        ``offsets`` (element indices of struct element-level search) and ``highlights`` (per-hit highlight
        dicts) are optional per-query columns, added to the hits as ``"offset"`` / ``"highlight"``.
        """
        result = cls(extra=extra, recalls=recalls, agg_buckets=agg_buckets, session_ts=session_ts)
        new_hit = Hit.__new__
        append_hits = result.append
        for q in range(len(ids)):
            q_ids = ids[q]
            q_dist = distances[q]
            id_list = q_ids.tolist() if isinstance(q_ids, np.ndarray) else list(q_ids)
            dist_list = q_dist.tolist() if isinstance(q_dist, np.ndarray) else [float(d) for d in q_dist]
            q_entities = entities[q] if entities is not None else None
            q_offsets = offsets[q] if offsets is not None else None
            if isinstance(q_offsets, np.ndarray):
                q_offsets = q_offsets.tolist()
            hit_list: list[Hit] = []
            add = hit_list.append
            for i in range(len(id_list)):
                hit = new_hit(Hit)
                hit._pk_name = pk_name
                hit[pk_name] = id_list[i]
                hit["distance"] = dist_list[i]
                if q_offsets is not None:
                    hit["offset"] = q_offsets[i]
                hit["entity"] = q_entities[i] if q_entities is not None else {}
                add(hit)
            if highlights is not None:
                for hit, highlight in zip(hit_list, highlights[q]):
                    hit["highlight"] = highlight
            hits = Hits.__new__(Hits)
            list.__init__(hits, hit_list)
            hits.ids = id_list
            hits.distances = dist_list
            append_hits(hits)
        return result

    def materialize(self) -> SearchResult:
        for hits in self:
            hits.materialize()
        return self

    def get_session_ts(self) -> int:
        return self._session_ts

    def __str__(self) -> str:
        recall_msg = f",recalls: {self.recalls[:10]}" if self.recalls else ""
        extra_msg = f",{self.extra}" if self.extra else ""
        reminder = f" ... and {len(self) - 10} results remaining" if len(self) > 10 else ""
        return f"data: {self[:10]}{recall_msg}{reminder}{extra_msg}"

    __repr__ = __str__


class OmitZeroDict(dict):  # type: ignore[type-arg]
    """A dict whose ``str()`` hides falsy values (``repr()`` shows everything), like pymilvus mutation results."""

    def _shown(self) -> dict[Any, Any]:
        return {k: v for k, v in self.items() if v or k in ALWAYS_KEEP_ZERO_KEYS}

    def omit_zero_len(self) -> int:
        return len(self._shown())

    def __str__(self) -> str:
        return str(self._shown())

    def __repr__(self) -> str:
        return str(dict(self))


class ExtraList(list):  # type: ignore[type-arg]
    """Rows of a query/get with ``.extra`` (e.g. ``{"cost": 0}``); prints as ``data: [...], extra_info: {...}``."""

    def __init__(self, *args: Any, extra: dict[str, Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.extra = OmitZeroDict(extra or {})

    def materialize(self) -> ExtraList:
        return self

    def __str__(self) -> str:
        preview = [str(row) for row in self[:10]]
        more = " ..." if len(self) > 10 else ""
        return f"data: {preview}{more}, extra_info: {self.extra}"

    __repr__ = __str__


__all__ = ["ALWAYS_KEEP_ZERO_KEYS", "ExtraList", "Hit", "Hits", "OmitZeroDict", "SearchResult"]
