"""Plain-Python reference evaluator: the obviously-correct, row-by-row twin of :mod:`.compile`.

It shares only the parser and the bound AST with the vectorised path and exists for differential tests. Rows are
dicts as ``pyarrow.Table.to_pylist()`` gives them: JSON columns as text (parsed here with the standard ``json``
module), ARRAY columns as lists, TIMESTAMPTZ as datetimes. The semantics are those documented in
:mod:`.compile`: three-valued logic with ``None`` as *unknown*; absent values make comparisons false; ints
compare exactly, also against floats; arithmetic on ints is int64 (wrapping, truncating division, C remainder)
and otherwise float64; two operands of mixed int/float type compare through float64.
"""

from __future__ import annotations

import json
import operator
import re
from datetime import datetime, timedelta, timezone
from typing import Any

import numpy as np

from azimuth.engine.expr import ast as A
from azimuth.types.arrow import META_FIELD

NULL_ROW = object()  # the field itself is null on this row → predicates are unknown
ABSENT = object()  # no value (missing key, out of range) → comparisons are false
_OPS = {"==": operator.eq, "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_MICRO = timedelta(microseconds=1)


def _is_num(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _wrap64(v: int) -> int:
    return (v + 2**63) % 2**64 - 2**63


def json_equal(a: Any, b: Any) -> bool:
    """JSON equality: bools only equal bools, numbers compare numerically, containers element-wise."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if _is_num(a) and _is_num(b):
        return a == b
    if isinstance(a, str) and isinstance(b, str):
        return a == b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(json_equal(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(json_equal(a[k], b[k]) for k in a)
    return False


def _compare(a: Any, op: str, b: Any, *, mixed_as_float: bool) -> bool:
    if a is ABSENT or a is None or b is ABSENT or b is None:
        return False
    if isinstance(a, bool) or isinstance(b, bool):
        return op == "==" and isinstance(a, bool) and isinstance(b, bool) and a == b
    if _is_num(a) and _is_num(b):
        if mixed_as_float and isinstance(a, float) != isinstance(b, float):
            return _OPS[op](float(a), float(b))
        return _OPS[op](a, b)
    if isinstance(a, str) and isinstance(b, str):
        return _OPS[op](a, b)
    if isinstance(a, (list, dict)) and isinstance(b, (list, dict)):
        return op == "==" and json_equal(a, b)
    return False


class _Row:
    def __init__(self, row: dict[str, Any]) -> None:
        self.row = row
        self.parsed: dict[str, Any] = {}

    def value(self, v: A.Value) -> Any:
        row = self.row
        if isinstance(v, A.Const):
            return v.value
        if isinstance(v, A.Column):
            x = row.get(v.name)
            if x is None:
                return NULL_ROW
            if isinstance(x, datetime):
                return (x - _EPOCH) // _MICRO
            return x
        if isinstance(v, A.JsonPath):
            doc = self._doc(v.field)
            if doc is NULL_ROW or doc is ABSENT:
                return doc
            for key in v.path:
                if isinstance(key, str):
                    if not isinstance(doc, dict) or key not in doc:
                        return ABSENT
                    doc = doc[key]
                else:
                    if not isinstance(doc, list) or not 0 <= key < len(doc):
                        return ABSENT
                    doc = doc[key]
            return doc
        if isinstance(v, A.ArrayElem):
            arr = row.get(v.field)
            if arr is None:
                return NULL_ROW
            return arr[v.index] if v.index < len(arr) else ABSENT
        if isinstance(v, A.ArrayLen):
            x = self.value(v.source)
            if x is NULL_ROW:
                return x
            return len(x) if isinstance(x, list) else ABSENT
        if isinstance(v, A.Arith):
            const_left = isinstance(v.left, A.Const)
            inner = self.value(v.right if const_left else v.left)
            c = (v.left if const_left else v.right).value  # type: ignore[union-attr]
            if inner is NULL_ROW:
                return inner
            if not _is_num(inner):
                return ABSENT
            return _arith(v.op, inner, c, const_left)
        raise TypeError(v)

    def _doc(self, name: str) -> Any:
        if name not in self.parsed:
            if name not in self.row:
                self.parsed[name] = ABSENT if name == META_FIELD else NULL_ROW
            else:
                text = self.row[name]
                if text is None:
                    self.parsed[name] = NULL_ROW
                else:
                    try:
                        self.parsed[name] = json.loads(text)
                    except ValueError:
                        self.parsed[name] = ABSENT
        return self.parsed[name]

    def pred(self, p: A.Pred, sample: bool) -> bool | None:
        if isinstance(p, A.And):
            vals = [self.pred(i, sample) for i in p.items]
            return False if False in vals else (None if None in vals else True)
        if isinstance(p, A.Or):
            vals = [self.pred(i, sample) for i in p.items]
            return True if True in vals else (None if None in vals else False)
        if isinstance(p, A.Not):
            x = self.pred(p.item, sample)
            return None if x is None else not x
        if isinstance(p, A.BoolLit):
            return p.value
        if isinstance(p, A.Sample):
            return sample
        if isinstance(p, A.IsNull):
            return self.value(p.source) in (NULL_ROW, ABSENT, None)
        if isinstance(p, A.Exists):
            x = self.value(p.source)
            return x is not NULL_ROW and x is not ABSENT
        if isinstance(p, A.Cmp):
            a = self.value(p.left)
            b = self.value(p.right) if p.right_is_value else p.right
            if a is NULL_ROW or b is NULL_ROW:
                return None
            return _compare(a, p.op, b, mixed_as_float=p.right_is_value)
        src = self.value(p.source)  # type: ignore[union-attr]
        if src is NULL_ROW:
            return None
        if isinstance(p, A.In):
            return any(_compare(src, "==", x, mixed_as_float=False) for x in p.values)
        if isinstance(p, A.Like):
            return isinstance(src, str) and re.fullmatch(p.regex, src, re.DOTALL) is not None
        if isinstance(p, A.Regex):
            return isinstance(src, str) and re.search(p.pattern, src) is not None
        if isinstance(p, A.Contains):
            if not isinstance(src, list):
                return False
            found = [any(json_equal(e, x) for e in src) for x in p.values]
            return all(found) if p.mode == "all" else any(found)
        raise TypeError(p)



def _arith(op: str, a: int | float, c: int | float, const_left: bool) -> int | float:
    if isinstance(a, int) and isinstance(c, int) and op != "**":
        if op == "+":
            return _wrap64(a + c)
        if op == "-":
            return _wrap64(c - a if const_left else a - c)
        if op == "*":
            return _wrap64(a * c)
        if op == "/":
            q = abs(a) // abs(c)
            return _wrap64(q if (a < 0) == (c < 0) else -q)
        if op == "%":
            r = abs(a) % abs(c)
            return -r if a < 0 else r
        return _wrap64({"&": operator.and_, "|": operator.or_, "^": operator.xor}[op](a, c))
    x, y = np.float64(a), np.float64(c)
    if const_left:
        x, y = y, x
    with np.errstate(all="ignore"):
        r = {"+": np.add, "-": np.subtract, "*": np.multiply, "/": np.divide, "%": np.fmod, "**": np.power}[op](x, y)
    return float(r)


def evaluate_reference(ast_or_compiled: Any, rows: list[dict[str, Any]], *, seed: int | None = None) -> list[bool]:
    """Evaluate a bound predicate (or a ``CompiledFilter``) on each row; unknown counts as False."""
    ast = ast_or_compiled
    if hasattr(ast_or_compiled, "evaluate"):
        ast = ast_or_compiled.ast
        seed = ast_or_compiled.seed if seed is None else seed
    if ast is None:
        return [True] * len(rows)
    ratio = _sample_ratio(ast)
    draws = np.random.default_rng(seed).random(len(rows)) < ratio if ratio is not None else None
    out = []
    for i, row in enumerate(rows):
        res = _Row(row).pred(ast, bool(draws[i]) if draws is not None else True)
        out.append(res is True)
    return out


def _sample_ratio(ast: A.Pred) -> float | None:
    items = ast.items if isinstance(ast, A.And) else (ast,)
    for p in items:
        if isinstance(p, A.Sample):
            return p.ratio
    return None

