"""Answering leaf predicates from scalar indexes, for the vectorised evaluator.

``leaf(table, indexes, pred)`` returns ``(match, valid)`` — the rows where the predicate is true and the row
validity of its source (``None`` = all valid) — or ``None`` when no index applies, in which case the evaluator
scans. It covers ``==`` / range comparisons with a literal, ``in``, ``like`` with an exact or prefix pattern, and
``array_contains*`` / ``json_contains*``, on a column or a JSON path (key :func:`json_path_key`).
``merge_ranges`` pairs a lower and an upper bound on the same indexed source inside an ``and`` (a chained range
such as ``1 < x < 9``) into one index lookup. Indexes answer with the evaluator's exact semantics (see
:mod:`azimuth.engine.scalar_index.parts`), so the result never depends on whether an index exists.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa

from azimuth.engine.expr import ast as A
from azimuth.engine.expr.strings import like_tokens
from azimuth.engine.scalar_index.paths import json_path_key
from azimuth.types.arrays import valid_mask

if TYPE_CHECKING:
    from azimuth.engine.scalar_index import ScalarIndex

Answer = tuple[np.ndarray, "np.ndarray | None"]
_LOWER, _UPPER = (">", ">="), ("<", "<=")


def _lookup(table: pa.Table, indexes: Mapping[str, ScalarIndex], src: Any, array: bool) -> ScalarIndex | None:
    if isinstance(src, A.Column):
        key, field = src.name, src.name
    elif isinstance(src, A.JsonPath):
        key, field = json_path_key(src.field, src.path), src.field
    else:
        return None
    index = indexes.get(key)
    if index is None or index.num_rows != table.num_rows or bool(index.is_array) != array:
        return None
    if (index.json_path is None) != isinstance(src, A.Column) or field not in table.column_names:
        return None
    return index


def _validity(table: pa.Table, src: A.Column | A.JsonPath) -> np.ndarray | None:
    col = table.column(src.name if isinstance(src, A.Column) else src.field)
    if col.null_count == 0:
        return None
    return valid_mask(col)


def _is_literal(v: Any) -> bool:
    return isinstance(v, (bool, int, float, str))


def leaf(table: pa.Table, indexes: Mapping[str, ScalarIndex], p: A.Pred) -> Answer | None:
    """Index answer for one leaf predicate, or ``None`` (scan instead)."""
    if isinstance(p, A.Contains):
        index = _lookup(table, indexes, p.source, array=True)
        match = None if index is None else index.contains(p.values, p.mode)
    elif isinstance(p, (A.Cmp, A.In, A.Like)):
        src = p.left if isinstance(p, A.Cmp) else p.source
        index = _lookup(table, indexes, src, array=False)
        match = None if index is None else _scalar(index, p)
    else:
        return None
    if match is None:
        return None
    return match, _validity(table, p.source if isinstance(p, (A.Contains, A.In, A.Like)) else p.left)


def _scalar(index: ScalarIndex, p: A.Cmp | A.In | A.Like) -> np.ndarray | None:
    if isinstance(p, A.In):
        return index.isin(p.values) if all(_is_literal(v) for v in p.values) else None
    if isinstance(p, A.Like):
        toks = like_tokens(p.pattern)
        kinds = [k for k, _ in toks]
        if kinds in ([], ["lit"]):
            return index.equal(toks[0][1] if toks else "")
        if kinds == ["%"]:
            return index.prefix("")
        if kinds == ["lit", "%"]:
            return index.prefix(toks[0][1])
        return None
    if p.right_is_value or not _is_literal(p.right):
        return None
    if p.op == "==":
        return index.equal(p.right)
    if p.op in _LOWER:
        return index.range(p.right, p.op == ">=", None, False)
    return index.range(None, False, p.right, p.op == "<=")


def _range_key(table: pa.Table, indexes: Mapping[str, ScalarIndex], p: A.Pred) -> Any:
    if (isinstance(p, A.Cmp) and not p.right_is_value and p.op in _LOWER + _UPPER
            and isinstance(p.left, (A.Column, A.JsonPath)) and isinstance(p.right, (int, float, str))
            and not isinstance(p.right, bool)
            and _lookup(table, indexes, p.left, array=False) is not None):  # fmt: skip
        return p.left
    return None


def merge_ranges(
    table: pa.Table, indexes: Mapping[str, ScalarIndex], items: tuple[A.Pred, ...]
) -> tuple[list[A.Pred], list[Answer]]:
    """Split ``and`` operands into (operands still to evaluate, answers of lower+upper bound pairs)."""
    keyed = [(_range_key(table, indexes, p), p) for p in items]
    sources = [k for k, _ in keyed if k is not None]
    if len(sources) < 2:
        return list(items), []
    used: set[int] = set()
    answers: list[Answer] = []
    for i, (src, lo) in enumerate(keyed):
        if src is None or i in used or not isinstance(lo, A.Cmp) or lo.op not in _LOWER:
            continue
        for j, (src2, hi) in enumerate(keyed):
            if j in used or src2 != src or not isinstance(hi, A.Cmp) or hi.op not in _UPPER:
                continue
            if isinstance(lo.right, str) != isinstance(hi.right, str):
                continue
            index = _lookup(table, indexes, src, array=False)
            assert index is not None
            match = index.range(lo.right, lo.op == ">=", hi.right, hi.op == "<=")
            if match is not None:
                used.update((i, j))
                answers.append((match, _validity(table, src)))
            break
    return [p for k, p in enumerate(items) if k not in used], answers
