"""A scalar index over one field (or one JSON path) of one segment: predicate → boolean row mask.

:class:`FieldIndex` groups typed :mod:`.parts` by value *category*: ``num`` (an ``int`` and/or a ``float`` part),
``str`` and ``bool``. A query value is routed to the parts of its category; ints and floats are both numbers, so a
JSON ``double`` index answers ``== 3`` from its int part (exact int64 comparison) *and* its float part, exactly as
the scanning evaluator does. Masks never include null rows.

When an index cannot answer, methods return ``None`` and the caller scans. A *column* index knows every value of
its field is of its one category, so a literal of another category simply matches nothing. A *JSON-path* index
(``strict``) holds only the values of its cast type, so a literal of another category → ``None``.

Array indexes (ARRAY fields, ``array_*`` JSON casts) index elements: ``equal``/``isin`` give the rows whose array
contains the value(s), and :meth:`FieldIndex.contains` implements ``array_contains*`` / ``json_contains*`` using
``list_rows`` (rows that hold an array). Storage: ``meta.json`` plus one ``.npy`` per array, memory-mapped on load.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from azimuth.engine.scalar_index.parts import Part, Span, StringPart, merge_spans, part_from_arrays
from azimuth.types.enums import DataType

FORMAT_VERSION = 1
_CATEGORY_PARTS = {"num": ("int", "float"), "str": ("str",), "bool": ("bool",)}


@runtime_checkable
class ScalarIndex(Protocol):
    """What the evaluator needs from a scalar index; every method returns a row mask or ``None`` (cannot answer)."""

    index_type: str
    field_name: str
    json_path: str | None
    num_rows: int
    is_array: bool

    def save(self, directory: str | os.PathLike[str]) -> None: ...
    def equal(self, value: Any) -> np.ndarray | None: ...
    def isin(self, values: Iterable[Any]) -> np.ndarray | None: ...
    def range(self, low: Any, low_inclusive: bool, high: Any, high_inclusive: bool) -> np.ndarray | None: ...
    def prefix(self, text: str) -> np.ndarray | None: ...
    def contains(self, values: Iterable[Any], mode: str) -> np.ndarray | None: ...


def category(value: Any) -> str:
    """Value category of a literal: ``bool``, ``num``, ``str`` or ``other`` (lists, None, ...)."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "num"
    if isinstance(value, str):
        return "str"
    return "other"


class FieldIndex:
    """The scalar index implementation shared by INVERTED, STL_SORT, BITMAP, TRIE and AUTOINDEX."""

    def __init__(
        self,
        index_type: str,
        dtype: DataType,
        num_rows: int,
        parts: dict[str, Part],
        *,
        json_path: str | None = None,
        json_cast_type: str | None = None,
        is_array: bool = False,
        list_rows: np.ndarray | None = None,
        params: dict[str, Any] | None = None,
    ) -> None:
        self.index_type = index_type
        self.dtype = DataType(dtype)
        self.num_rows = int(num_rows)
        self.parts = parts
        self.json_path = json_path
        self.json_cast_type = json_cast_type
        self.is_array = is_array
        self.list_rows = list_rows
        self.params = dict(params or {})
        self.field_name = ""
        self.strict = json_path is not None
        self._present: dict[str, np.ndarray] = {}

    def __repr__(self) -> str:
        where = self.json_path or self.field_name or "?"
        return f"<{self.index_type} scalar index on {where}: {self.num_rows} rows, parts {sorted(self.parts)}>"

    # ------------------------------------------------------------ masks
    def _covers(self, cat: str) -> bool:
        return any(k in self.parts for k in _CATEGORY_PARTS.get(cat, ()))

    def _part_present(self, name: str, part: Part) -> np.ndarray:
        hit = self._present.get(name)
        if hit is None:
            hit = np.zeros(self.num_rows, dtype=bool)
            hit[part.targets] = True
            self._present[name] = hit
        return hit

    def _mask(self, found: list[tuple[str, list[Span]]]) -> np.ndarray:
        mask = np.zeros(self.num_rows, dtype=bool)
        for name, spans in found:
            part = self.parts[name]
            spans = merge_spans(spans)
            total = sum(b - a for a, b in spans)
            if total == 0:
                continue
            if not self.is_array and total * 2 > len(part):
                # most entries match: start from the part's rows and clear the (smaller) rest
                hit = self._part_present(name, part).copy()
                prev = 0
                for a, b in [*spans, (len(part), len(part))]:
                    if a > prev:
                        hit[part.targets[prev:a]] = False
                    prev = b
                mask |= hit
            else:
                for a, b in spans:
                    mask[part.targets[a:b]] = True
        return mask

    def _route(self, values: Iterable[Any]) -> dict[str, list[Any]] | None:
        groups: dict[str, list[Any]] = {}
        for v in values:
            cat = category(v)
            if not self._covers(cat):
                if self.strict:
                    return None
                continue
            groups.setdefault(cat, []).append(v)
        return groups

    # ------------------------------------------------------------ predicates
    def isin(self, values: Iterable[Any]) -> np.ndarray | None:
        """Rows whose value (arrays: some element) equals one of ``values``."""
        groups = self._route(values)
        if groups is None:
            return None
        found = []
        try:
            for cat, vals in groups.items():
                for name in _CATEGORY_PARTS[cat]:
                    if name in self.parts:
                        found.append((name, self.parts[name].points(vals)))
        except UnicodeEncodeError:
            return None
        return self._mask(found)

    def equal(self, value: Any) -> np.ndarray | None:
        return self.isin((value,))

    def range(self, low: Any, low_inclusive: bool, high: Any, high_inclusive: bool) -> np.ndarray | None:
        """Rows with ``low <(=) value <(=) high``; either bound may be ``None`` (open)."""
        cats = {category(b) for b in (low, high) if b is not None}
        if len(cats) != 1:
            return None if cats else self._mask([(n, [(0, len(p))]) for n, p in self.parts.items()])
        cat = cats.pop()
        if cat not in ("num", "str"):
            return None
        if not self._covers(cat):
            return None if self.strict else np.zeros(self.num_rows, dtype=bool)
        found = []
        try:
            for name in _CATEGORY_PARTS[cat]:
                if name in self.parts:
                    found.append((name, [self.parts[name].span(low, low_inclusive, high, high_inclusive)]))
        except UnicodeEncodeError:
            return None
        return self._mask(found)

    def prefix(self, text: str) -> np.ndarray | None:
        """Rows whose string value starts with ``text``."""
        part = self.parts.get("str")
        if not isinstance(part, StringPart):
            return None if self.strict else np.zeros(self.num_rows, dtype=bool)
        try:
            return self._mask([("str", [part.prefix(text)])])
        except UnicodeEncodeError:
            return None

    def contains(self, values: Iterable[Any], mode: str) -> np.ndarray | None:
        """``array_contains`` (mode ``one``), ``..._all`` (``all``), ``..._any`` (``any``) on an array index."""
        if not self.is_array or self.list_rows is None:
            return None
        values = tuple(values)
        match = np.array(self.list_rows, dtype=bool)
        if mode != "all":
            if not values:
                return np.zeros(self.num_rows, dtype=bool)
            hit = self.isin(values)
            return None if hit is None else match & hit
        for v in values:
            hit = self.isin((v,))
            if hit is None:
                return None
            match &= hit
        return match

    # ------------------------------------------------------------ storage
    def save(self, directory: str | os.PathLike[str]) -> None:
        """Write the index into ``directory`` (created if missing): ``.npy`` arrays, then ``meta.json``."""
        path = Path(directory)
        path.mkdir(parents=True, exist_ok=True)
        for name, part in self.parts.items():
            for key, arr in part.arrays().items():
                np.save(path / f"{name}.{key}.npy", np.ascontiguousarray(arr))
        if self.list_rows is not None:
            np.save(path / "list_rows.npy", np.ascontiguousarray(self.list_rows, dtype=bool))
        meta = {
            "format": FORMAT_VERSION,
            "index_type": self.index_type,
            "dtype": int(self.dtype),
            "num_rows": self.num_rows,
            "parts": {name: part.kind for name, part in self.parts.items()},
            "json_path": self.json_path,
            "json_cast_type": self.json_cast_type,
            "is_array": self.is_array,
            "params": self.params,
            "field_name": self.field_name,
        }
        tmp = path / "meta.json.tmp"
        tmp.write_text(json.dumps(meta, sort_keys=True))
        os.replace(tmp, path / "meta.json")


def _load_array(path: Path) -> np.ndarray:
    try:
        return np.load(path, mmap_mode="r", allow_pickle=False)
    except ValueError:  # zero-length arrays cannot be memory-mapped
        return np.load(path, allow_pickle=False)


_PART_ARRAYS = {"str": ("offsets", "data", "bounds", "targets")}


def load_scalar_index(directory: str | os.PathLike[str]) -> FieldIndex:
    """Open an index written by :meth:`FieldIndex.save`; arrays are memory-mapped, nothing is rebuilt."""
    path = Path(directory)
    try:
        meta = json.loads((path / "meta.json").read_text())
    except (OSError, ValueError) as exc:
        raise ValueError(f"no readable scalar index in {path}: {exc}") from exc
    if meta.get("format") != FORMAT_VERSION:
        found = meta.get("format")
        raise ValueError(f"scalar index in {path} has format {found!r}; this build reads {FORMAT_VERSION}")
    parts: dict[str, Part] = {}
    for name, kind in meta["parts"].items():
        keys = _PART_ARRAYS.get(kind, ("keys", "targets"))
        parts[name] = part_from_arrays(kind, {k: _load_array(path / f"{name}.{k}.npy") for k in keys})
    list_rows = _load_array(path / "list_rows.npy") if meta["is_array"] else None
    index = FieldIndex(
        meta["index_type"], DataType(meta["dtype"]), meta["num_rows"], parts,
        json_path=meta["json_path"], json_cast_type=meta["json_cast_type"], is_array=meta["is_array"],
        list_rows=list_rows, params=meta.get("params"),
    )  # fmt: skip
    index.field_name = meta.get("field_name") or ""
    return index
