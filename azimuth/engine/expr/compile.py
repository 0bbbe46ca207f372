"""Compile a filter once, evaluate it column-wise over Arrow tables: the engine's filter entry point.

``compile_filter(text, schema, params)`` parses, binds and type-checks (errors: code 1100, or 3000 for features not
implemented yet) and returns a :class:`CompiledFilter` whose ``evaluate(table)`` gives a numpy bool mask. All work
is numpy / pyarrow.compute over whole columns; only JSON text is parsed per row, once per chunk and path, cached
(:mod:`.jsoncol`). Given the segment's scalar indexes (``evaluate(table, indexes)``), leaf predicates that an index
can answer skip the scan (:mod:`.indexed`); the mask is identical either way.

Null semantics (three-valued, as Milvus 2.5+ with nullable fields): a predicate on a null scalar, a null ARRAY row
or a null JSON row is *unknown*; ``not`` keeps unknown unknown; ``and`` is false if any side is false, ``or`` is
true if any side is true; an unknown final result excludes the row. So ``x > 1`` and ``not (x > 1)`` both exclude
a null ``x``, and ``x != 1`` means ``not (x == 1)``. A value that is *absent* on a non-null row — a missing JSON key,
a JSON ``null``, a value of another type, an out-of-range ``arr[i]`` — makes comparisons false (definitely), so
``meta["k"] != 1`` and ``not (meta["k"] > 1)`` are true there, as in Milvus. ``is null``, ``is not null`` and
``exists`` are never unknown; ``is null`` is true for null rows, missing keys, JSON null and out-of-range
indexes; the empty string is not null.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa

from azimuth.engine.expr import ast as A
from azimuth.engine.expr import indexed, jsoncol
from azimuth.engine.expr.bind import _dtype_kind, bind
from azimuth.engine.expr.parser import parse
from azimuth.engine.expr.schema import FilterField, FilterSchema
from azimuth.engine.expr.strings import like_mask, regex_mask
from azimuth.engine.expr.vals import (
    Part,
    Vals,
    arith,
    compare_literal,
    compare_vals,
    from_arrow,
    isin,
    validity,
)
from azimuth.errors import Code, server_error
from azimuth.types.arrays import pc, to_numpy
from azimuth.types.arrow import META_FIELD

if TYPE_CHECKING:
    from azimuth.engine.scalar_index import ScalarIndex

__all__ = ["CompiledFilter", "FilterField", "FilterSchema", "compile_filter"]


@dataclass(frozen=True)
class Tri:
    """Three-valued predicate result: ``t`` rows definitely true, ``f`` definitely false (None = ``~t``)."""

    t: np.ndarray
    f: np.ndarray | None = None

    def false(self) -> np.ndarray:
        return ~self.t if self.f is None else self.f


def _tri(match: np.ndarray, valid: np.ndarray | None) -> Tri:
    if valid is None:
        return Tri(match)
    return Tri(match & valid, valid & ~match)


def _concat_vals(parts: list[Vals]) -> Vals:
    if len(parts) == 1:
        return parts[0]
    n = sum(p.n for p in parts)
    out = Vals(n)
    if any(p.valid is not None for p in parts):
        out.valid = np.concatenate([np.ones(p.n, bool) if p.valid is None else p.valid for p in parts])
    for name in ("ints", "floats", "strs", "bools", "others"):
        comps = [getattr(p, name) for p in parts]
        if all(c is None for c in comps):
            continue
        datas, masks = [], []
        for p, c in zip(parts, comps):
            if c is None:
                datas.append(pa.nulls(p.n, pa.string()) if name in ("strs", "others") else
                             np.zeros(p.n, dtype={"ints": np.int64, "floats": np.float64, "bools": bool}[name]))
                masks.append(np.zeros(p.n, bool))
            else:
                datas.append(c.data)
                masks.append(p.mask_of(c))
        if name in ("strs", "others"):
            data: Any = pa.concat_arrays([d.cast(pa.string()) for d in datas])
        else:
            data = np.concatenate([np.asarray(d) for d in datas])
        setattr(out, name, Part(data, np.concatenate(masks)))
    if any(p.exists is not None for p in parts):
        out.exists = np.concatenate([np.zeros(p.n, bool) if p.exists is None else p.exists for p in parts])
    return out


class _Evaluation:
    """State of one ``evaluate`` call: the table, its scalar indexes, memoised operand values, the sampling RNG."""

    def __init__(self, table: pa.Table, schema: FilterSchema, seed: int | None,
                 indexes: Mapping[str, ScalarIndex] | None = None) -> None:  # fmt: skip
        self.table = table
        self.schema = schema
        self.n = table.num_rows
        self.seed = seed
        self.indexes = indexes or None
        self.memo: dict[Any, Any] = {}

    def _column(self, name: str) -> pa.ChunkedArray | None:
        if name not in self.table.column_names:
            return None
        return self.table.column(name)

    def _combined(self, name: str) -> pa.Array | None:
        col = self._column(name)
        if col is None:
            return None
        return col.chunk(0) if col.num_chunks == 1 else col.combine_chunks()

    def _null_vals(self) -> Vals:
        return Vals(self.n, np.zeros(self.n, bool))

    # ------------------------------------------------------------ operands
    def vals(self, v: A.Value) -> Vals:
        key = ("v", v)
        if key not in self.memo:
            self.memo[key] = self._vals(v)
        return self.memo[key]

    def _vals(self, v: A.Value) -> Vals:
        if isinstance(v, A.Column):
            arr = self._combined(v.name)
            if arr is None:
                return self._null_vals()
            return from_arrow(arr, _dtype_kind(v.dtype), validity(arr), None)
        if isinstance(v, A.JsonPath):
            col = self._column(v.field)
            if col is None:
                return Vals(self.n, None if v.field == META_FIELD else np.zeros(self.n, bool),
                            exists=np.zeros(self.n, bool))  # fmt: skip
            return _concat_vals([jsoncol.json_vals(c, v.path) for c in col.chunks] or [Vals(0)])
        if isinstance(v, A.ArrayElem):
            return self._array_elem(v)
        if isinstance(v, A.ArrayLen):
            if isinstance(v.source, A.JsonPath):
                col = self._column(v.source.field)
                if col is None:
                    return Vals(self.n, None if v.source.field == META_FIELD else np.zeros(self.n, bool))
                return _concat_vals([jsoncol.json_lengths(c, v.source.path) for c in col.chunks] or [Vals(0)])
            arr = self._combined(v.source.name)
            if arr is None:
                return self._null_vals()
            return from_arrow(pc.list_value_length(arr), "int", validity(arr), None)
        if isinstance(v, A.Arith):
            if isinstance(v.left, A.Const):
                return arith(v.op, self.vals(v.right), v.left.value, const_left=True)
            assert isinstance(v.right, A.Const)
            return arith(v.op, self.vals(v.left), v.right.value)
        raise TypeError(f"not an operand: {v!r}")

    def _array_elem(self, v: A.ArrayElem) -> Vals:
        arr = self._combined(v.field)
        if arr is None:
            return self._null_vals()
        valid = validity(arr)
        offsets = to_numpy(arr.offsets)
        lengths = offsets[1:] - offsets[:-1]
        has = lengths > v.index
        if valid is not None:
            has &= valid
        values = arr.values
        if len(values) == 0:
            values = pa.nulls(1, values.type)
        idx = np.where(has, offsets[:-1] + v.index, 0)
        elems = values.take(pa.array(idx, pa.int64()))
        return from_arrow(elems, _dtype_kind(v.element_type), valid, has)

    def _elements(self, src: A.Column | A.JsonPath) -> tuple[Vals, np.ndarray, np.ndarray, np.ndarray | None]:
        """Flattened elements of an ARRAY column / JSON arrays: (values, parent row, is-array rows, validity)."""
        none = np.zeros(self.n, bool)
        if isinstance(src, A.JsonPath):
            col = self._column(src.field)
            if col is None:
                return Vals(0), np.zeros(0, np.int64), none, (None if src.field == META_FIELD else none)
            pieces, parents, lists, valids, start = [], [], [], [], 0
            for c in col.chunks:
                e, p, is_list, vd = jsoncol.json_elements(c, src.path)
                pieces.append(e)
                parents.append(p + start)
                lists.append(is_list)
                valids.append(np.ones(len(c), bool) if vd is None else vd)
                start += len(c)
            if not pieces:
                return Vals(0), np.zeros(0, np.int64), none, None
            valid = np.concatenate(valids)
            return _concat_vals(pieces), np.concatenate(parents), np.concatenate(lists), None if valid.all() else valid
        arr = self._combined(src.name)
        if arr is None:
            return Vals(0), np.zeros(0, np.int64), none, none
        assert src.element_type is not None
        flat = pc.list_flatten(arr)
        parents = to_numpy(pc.list_parent_indices(arr)).astype(np.int64)
        valid = validity(arr)
        is_list = np.ones(self.n, bool) if valid is None else valid
        return from_arrow(flat, _dtype_kind(src.element_type), None, None), parents, is_list, valid

    # ------------------------------------------------------------ predicates
    def pred(self, p: A.Pred) -> Tri:
        n = self.n
        if self.indexes is not None:
            if isinstance(p, (A.Cmp, A.In, A.Like, A.Contains)):
                answer = indexed.leaf(self.table, self.indexes, p)
                if answer is not None:
                    return _tri(*answer)
            elif isinstance(p, A.And):
                rest, answers = indexed.merge_ranges(self.table, self.indexes, p.items)
                parts = [_tri(*a) for a in answers] + [self.pred(i) for i in rest]
                t = np.logical_and.reduce([x.t for x in parts])
                if all(x.f is None for x in parts):
                    return Tri(t)
                return Tri(t, np.logical_or.reduce([x.false() for x in parts]))
        if isinstance(p, A.And):
            parts = [self.pred(i) for i in p.items]
            t = np.logical_and.reduce([x.t for x in parts])
            if all(x.f is None for x in parts):
                return Tri(t)
            return Tri(t, np.logical_or.reduce([x.false() for x in parts]))
        if isinstance(p, A.Or):
            parts = [self.pred(i) for i in p.items]
            t = np.logical_or.reduce([x.t for x in parts])
            if all(x.f is None for x in parts):
                return Tri(t)
            return Tri(t, np.logical_and.reduce([x.false() for x in parts]))
        if isinstance(p, A.Not):
            inner = self.pred(p.item)
            return Tri(~inner.t) if inner.f is None else Tri(inner.f, inner.t)
        if isinstance(p, A.Cmp):
            lv = self.vals(p.left)
            if p.right_is_value:
                rv = self.vals(p.right)
                valid = lv.valid if rv.valid is None else rv.valid if lv.valid is None else lv.valid & rv.valid
                return _tri(compare_vals(lv, p.op, rv), valid)
            return _tri(compare_literal(lv, p.op, p.right), lv.valid)
        if isinstance(p, A.In):
            v = self.vals(p.source)
            return _tri(isin(v, p.values), v.valid)
        if isinstance(p, A.Like):
            v = self.vals(p.source)
            return _tri(like_mask(v, p.pattern), v.valid)
        if isinstance(p, A.Regex):
            v = self.vals(p.source)
            return _tri(regex_mask(v, p.pattern), v.valid)
        if isinstance(p, A.IsNull):
            return Tri(~self.vals(p.source).present())
        if isinstance(p, A.Exists):
            v = self.vals(p.source)
            return Tri(np.zeros(n, bool) if v.exists is None else v.exists.copy())
        if isinstance(p, A.Contains):
            return self._contains(p)
        if isinstance(p, A.BoolLit):
            return Tri(np.full(n, p.value, dtype=bool))
        if isinstance(p, A.Sample):
            rng = np.random.default_rng(self.seed)
            return Tri(rng.random(n) < p.ratio)
        raise TypeError(f"not a predicate: {p!r}")

    def _contains(self, p: A.Contains) -> Tri:
        elems, parents, is_list, valid = self._elements(p.source)
        groups = [p.values] if p.mode != "all" else [(x,) for x in p.values]
        match = is_list.copy()
        for values in groups:
            rows = np.zeros(self.n, bool)
            if elems.n:
                rows[parents[isin(elems, values)]] = True
            match &= rows
        if p.mode != "all" and not p.values:
            match[:] = False
        return _tri(match, valid)


def _referenced(p: Any, out: set[str]) -> None:
    if isinstance(p, A.Column):
        out.add(p.name)
    elif isinstance(p, A.JsonPath):
        out.add(p.field)
    elif isinstance(p, A.ArrayElem):
        out.add(p.field)
    elif isinstance(p, (A.And, A.Or)):
        for i in p.items:
            _referenced(i, out)
    elif isinstance(p, A.Not):
        _referenced(p.item, out)
    elif isinstance(p, A.Cmp):
        _referenced(p.left, out)
        if p.right_is_value:
            _referenced(p.right, out)
    elif isinstance(p, A.Arith):
        _referenced(p.left, out)
        _referenced(p.right, out)
    elif isinstance(p, (A.In, A.Like, A.Regex, A.IsNull, A.Exists, A.Contains, A.ArrayLen)):
        _referenced(p.source, out)


@dataclass
class CompiledFilter:
    """A parsed, type-checked filter, ready to evaluate on any number of tables with the same schema."""

    text: str
    schema: FilterSchema
    ast: A.Pred | None
    seed: int | None = None
    referenced_fields: frozenset[str] = field(default=frozenset())

    def __post_init__(self) -> None:
        refs: set[str] = set()
        if self.ast is not None:
            _referenced(self.ast, refs)
        self.referenced_fields = frozenset(refs)

    @property
    def is_empty(self) -> bool:
        return self.ast is None

    @property
    def deterministic(self) -> bool:
        """Whether every evaluation on the same rows gives the same mask (false for unseeded random_sample)."""
        return self.seed is not None or "random_sample" not in self.text.lower()

    def evaluate(self, table: pa.Table, indexes: Mapping[str, ScalarIndex] | None = None) -> np.ndarray:
        """Boolean mask (numpy, ``len == table.num_rows``) of the rows the filter keeps.

        ``indexes`` maps a field name, or ``json_path_key(field, path)`` for a JSON-path index, to a scalar index
        built over exactly these rows; leaf predicates it can answer skip the scan. The mask is the same either way.
        """
        if self.ast is None:
            return np.ones(table.num_rows, dtype=bool)
        return _Evaluation(table, self.schema, self.seed, indexes).pred(self.ast).t

    def pk_values(self) -> list | None:
        """Literal keys if the whole filter is ``pk in [...]`` or ``pk == v``; else ``None``."""
        pk = self.schema.primary
        p = self.ast
        if pk is None or p is None:
            return None
        if isinstance(p, A.In) and isinstance(p.source, A.Column) and p.source.name == pk.name:
            values = list(p.values)
        elif (isinstance(p, A.Cmp) and p.op == "==" and not p.right_is_value
              and isinstance(p.left, A.Column) and p.left.name == pk.name):  # fmt: skip
            values = [p.right]
        else:
            return None
        keys = (int(v) if isinstance(v, float) else v for v in values if not isinstance(v, float) or v.is_integer())
        return list(dict.fromkeys(keys))


def compile_filter(
    text: str, schema: FilterSchema, params: dict | None = None, *, seed: int | None = None
) -> CompiledFilter:
    """Parse and type-check ``text`` against ``schema``; ``params`` fill ``{name}`` templates.

    ``seed`` seeds ``random_sample`` (``None``: a fresh random draw per evaluation).
    """
    if not isinstance(text, str):
        raise server_error(Code.INVALID_PARAMETER, f"filter must be a string, got {type(text).__name__}")
    node = parse(text, params)
    pred = None if node is None else bind(node, schema, text)
    return CompiledFilter(text, schema, pred, seed)
