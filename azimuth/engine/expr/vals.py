"""Columnar operand values for the vectorised evaluator, and the vectorised operations on them.

A :class:`Vals` describes one operand over ``n`` rows. ``valid`` is the row-level validity (``None`` = all rows
valid): a predicate on an invalid row is *unknown*. The typed components (``ints``, ``floats``, ``strs``,
``bools``, ``others``) each hold data plus a mask of the rows whose value has that type; a scalar column has one
component, a JSON path may have several (mixed types), and a row with no component has no value (missing key,
out-of-range index, type mismatch), for which every comparison is definitely false. ``others`` holds canonical
JSON text of lists/objects. Comparisons are exact: int64 against any literal (big ints are never routed through
float64), floats against big int literals too.
"""

from __future__ import annotations

import math
import operator
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
import pyarrow as pa

from azimuth.types.arrays import filled, pc, valid_mask

_OPS: dict[str, Callable[[Any, Any], Any]] = {
    "==": operator.eq, "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge,
}  # fmt: skip
_PC_OPS = {"==": "equal", "<": "less", "<=": "less_equal", ">": "greater", ">=": "greater_equal"}  # pc functions


@dataclass
class Part:
    """One typed component: ``data`` (numpy array or Arrow array) and the mask of rows that have it."""

    data: Any
    mask: np.ndarray | None  # None = every valid row
    arrow: pa.Array | None = None  # the original Arrow array, for hash-based ``is_in``


@dataclass
class Vals:
    n: int
    valid: np.ndarray | None = None
    ints: Part | None = None
    floats: Part | None = None
    strs: Part | None = None
    bools: Part | None = None
    others: Part | None = None
    exists: np.ndarray | None = field(default=None)  # JSON only: the key is present (even with a null value)

    def parts(self) -> list[Part]:
        return [p for p in (self.ints, self.floats, self.strs, self.bools, self.others) if p is not None]

    def present(self) -> np.ndarray:
        """Rows that have a (non-null) value of any type."""
        out = np.zeros(self.n, dtype=bool)
        for p in self.parts():
            out |= self._mask(p)
        return out

    def _mask(self, p: Part) -> np.ndarray:
        if p.mask is not None:
            return p.mask
        return np.ones(self.n, dtype=bool) if self.valid is None else self.valid

    def mask_of(self, p: Part) -> np.ndarray:
        return self._mask(p)


def _and(a: np.ndarray | None, b: np.ndarray | None) -> np.ndarray | None:
    if a is None:
        return b
    if b is None:
        return a
    return a & b


def _np_bool(arr: pa.Array | pa.ChunkedArray) -> np.ndarray:
    return np.asarray(filled(arr, False), dtype=bool)


def numeric_numpy(arr: pa.Array) -> np.ndarray:
    """Numbers of a primitive Arrow array as numpy (nulls as 0), zero-copy when possible."""
    return filled(arr, 0)


def validity(arr: pa.Array) -> np.ndarray | None:
    return None if arr.null_count == 0 else valid_mask(arr)


def from_arrow(arr: pa.Array, kind: str, valid: np.ndarray | None, mask: np.ndarray | None) -> Vals:
    """Wrap a primitive Arrow array of ``kind`` (int/float/str/bool/ts) as a one-component :class:`Vals`."""
    n = len(arr)
    if arr.null_count:
        mask = _and(mask, valid_mask(arr))
    if kind == "ts":
        arr = arr.cast(pa.int64())
        kind = "int"
    v = Vals(n, valid)
    if kind == "int":
        v.ints = Part(numeric_numpy(arr), mask, arr)
    elif kind == "float":
        v.floats = Part(numeric_numpy(arr), mask)
    elif kind == "str":
        v.strs = Part(arr, mask)
    elif kind == "bool":
        v.bools = Part(_np_bool(arr), mask)
    elif kind == "array":  # a whole ARRAY column: only its presence is observable (``is null``)
        v.others = Part(None, mask)
    else:
        raise ValueError(kind)
    return v


# ------------------------------------------------------------------ comparisons with a literal


def _cmp_int(data: np.ndarray, op: str, lit: int | float) -> np.ndarray:
    if isinstance(lit, float):
        if math.isnan(lit):
            return np.zeros(len(data), dtype=bool)
        if math.isinf(lit):
            lit = 2**64 if lit > 0 else -(2**64)
        elif lit.is_integer():
            lit = int(lit)
        else:
            if op == "==":
                return np.zeros(len(data), dtype=bool)
            fl = math.floor(lit)
            op = {">": ">", ">=": ">", "<": "<=", "<=": "<="}[op]
            lit = fl
    info = np.iinfo(data.dtype)
    if lit > info.max:
        return np.full(len(data), op in ("<", "<="), dtype=bool)
    if lit < info.min:
        return np.full(len(data), op in (">", ">="), dtype=bool)
    return _OPS[op](data, data.dtype.type(lit))


def _cmp_float(data: np.ndarray, op: str, lit: int | float) -> np.ndarray:
    try:
        lf = float(lit)
    except OverflowError:
        lf = math.inf if lit > 0 else -math.inf
    if isinstance(lit, int) and lf != lit:  # the literal is not a float: compare against its float neighbour
        if op == "==":
            return np.zeros(len(data), dtype=bool)
        if lf > lit:
            op = {"<": "<", "<=": "<", ">": ">=", ">=": ">="}[op]
        else:
            op = {"<": "<=", "<=": "<=", ">": ">", ">=": ">"}[op]
    return _OPS[op](data, np.float64(lf))


def compare_literal(v: Vals, op: str, lit: Any) -> np.ndarray:
    """Rows whose value ``op`` the literal holds (False where there is no comparable value)."""
    out = np.zeros(v.n, dtype=bool)
    if isinstance(lit, bool):
        if v.bools is not None and op == "==":
            out |= (v.bools.data == lit) & v.mask_of(v.bools)
        return out
    if isinstance(lit, (int, float)):
        if v.ints is not None:
            out |= _cmp_int(v.ints.data, op, lit) & v.mask_of(v.ints)
        if v.floats is not None:
            out |= _cmp_float(v.floats.data, op, lit) & v.mask_of(v.floats)
        return out
    if isinstance(lit, str):
        if v.strs is not None:
            out |= _np_bool(getattr(pc, _PC_OPS[op])(v.strs.data, pa.scalar(lit, pa.string()))) & v.mask_of(v.strs)
        return out
    if isinstance(lit, list):
        if v.others is not None and op == "==":
            key = canonical(lit)
            out |= _np_bool(pc.equal(v.others.data, pa.scalar(key, pa.string()))) & v.mask_of(v.others)
        return out
    return out


def compare_vals(a: Vals, op: str, b: Vals) -> np.ndarray:
    """Row-wise ``a op b`` between two operands; ints vs ints exactly, any float pair through float64."""
    out = np.zeros(a.n, dtype=bool)
    f = _OPS[op]
    for pa_, pb in ((a.ints, b.ints), (a.ints, b.floats), (a.floats, b.ints), (a.floats, b.floats)):
        if pa_ is None or pb is None:
            continue
        m = a.mask_of(pa_) & b.mask_of(pb)
        if pa_ is a.ints and pb is b.ints:
            x, y = pa_.data, pb.data
        else:
            x, y = pa_.data.astype(np.float64), pb.data.astype(np.float64)
        out |= f(x, y) & m
    if a.strs is not None and b.strs is not None:
        out |= _np_bool(getattr(pc, _PC_OPS[op])(a.strs.data, b.strs.data)) & a.mask_of(a.strs) & b.mask_of(b.strs)
    if op == "==":
        for pa_, pb in ((a.bools, b.bools),):
            if pa_ is not None and pb is not None:
                out |= (pa_.data == pb.data) & a.mask_of(pa_) & b.mask_of(pb)
        if a.others is not None and b.others is not None:
            out |= _np_bool(pc.equal(a.others.data, b.others.data)) & a.mask_of(a.others) & b.mask_of(b.others)
    return out


def isin(v: Vals, values: tuple[Any, ...]) -> np.ndarray:
    """Rows whose value equals one of ``values`` (JSON equality: bools apart, ints and floats numerically)."""
    out = np.zeros(v.n, dtype=bool)
    nums = [x for x in values if isinstance(x, (int, float)) and not isinstance(x, bool)]
    if v.ints is not None and nums:
        info = np.iinfo(v.ints.data.dtype)
        ints = sorted(
            {int(x) for x in nums if (isinstance(x, int) or x.is_integer()) and info.min <= x <= info.max}
        )
        if ints:
            if v.ints.arrow is not None and pa.types.is_integer(v.ints.arrow.type):
                hit = _np_bool(pc.is_in(v.ints.arrow, value_set=pa.array(ints, type=v.ints.arrow.type)))
            else:
                hit = np.isin(v.ints.data, np.array(ints, dtype=v.ints.data.dtype))
            out |= hit & v.mask_of(v.ints)
    if v.floats is not None and nums:
        fl = []
        for x in nums:
            try:
                if float(x) == x:
                    fl.append(float(x))
            except OverflowError:
                pass
        if fl:
            out |= np.isin(v.floats.data.astype(np.float64), np.array(fl, dtype=np.float64)) & v.mask_of(v.floats)
    strs = [x for x in values if isinstance(x, str)]
    if v.strs is not None and strs:
        out |= _np_bool(pc.is_in(v.strs.data, value_set=pa.array(strs, pa.string()))) & v.mask_of(v.strs)
    bools = {x for x in values if isinstance(x, bool)}
    if v.bools is not None and bools:
        hit = np.zeros(v.n, dtype=bool)
        for b in bools:
            hit |= v.bools.data == b
        out |= hit & v.mask_of(v.bools)
    lists = [canonical(x) for x in values if isinstance(x, list)]
    if v.others is not None and lists:
        out |= _np_bool(pc.is_in(v.others.data, value_set=pa.array(lists, pa.string()))) & v.mask_of(v.others)
    return out


# ------------------------------------------------------------------ arithmetic


def _int_op(op: str, a: np.ndarray, c: int, const_left: bool) -> np.ndarray:
    c64 = np.int64(c)
    with np.errstate(all="ignore"):
        if op == "+":
            return a + c64
        if op == "-":
            return c64 - a if const_left else a - c64
        if op == "*":
            return a * c64
        if op == "/":
            q = a // c64
            fix = ((a % c64) != 0) & ((a < 0) != (c < 0))
            return q + fix.astype(np.int64)
        if op == "%":
            return np.fmod(a, c64)
        if op == "&":
            return a & c64
        if op == "|":
            return a | c64
        if op == "^":
            return a ^ c64
    raise ValueError(op)


def _float_op(op: str, a: np.ndarray, c: float, const_left: bool) -> np.ndarray:
    with np.errstate(all="ignore"):
        if op == "+":
            return a + c
        if op == "-":
            return c - a if const_left else a - c
        if op == "*":
            return a * c
        if op == "/":
            return a / c
        if op == "%":
            return np.fmod(a, c)
        if op == "**":
            return np.power(a, c)
    raise ValueError(op)


def arith(op: str, v: Vals, const: int | float, const_left: bool = False) -> Vals:
    """``v op const`` (or ``const op v``): ints stay int64 (wrapping) with int constants, else float64."""
    out = Vals(v.n, v.valid)
    int_float: tuple[np.ndarray, np.ndarray] | None = None
    if v.ints is not None:
        a = v.ints.data.astype(np.int64, copy=False)
        if isinstance(const, int) and op != "**":
            out.ints = Part(_int_op(op, a, const, const_left), v.ints.mask)
        elif op not in "&|^":
            int_float = (_float_op(op, a.astype(np.float64), float(const), const_left), v.mask_of(v.ints))
    if v.floats is not None and op not in ("&", "|", "^"):
        fdata = _float_op(op, v.floats.data.astype(np.float64), float(const), const_left)
        if int_float is None:
            out.floats = Part(fdata, v.floats.mask)
        else:
            fm = v.mask_of(v.floats)
            out.floats = Part(np.where(int_float[1], int_float[0], fdata), int_float[1] | fm)
    elif int_float is not None:
        out.floats = Part(int_float[0], int_float[1])
    return out


def canonical(value: Any) -> str:
    """Canonical JSON text of a list/object so that JSON-equal values have equal text (1 == 1.0, bool apart)."""
    import json

    return json.dumps(_normalise(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _normalise(value: Any) -> Any:
    if isinstance(value, bool) or value is None or isinstance(value, (str, int)):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    if isinstance(value, list):
        return [_normalise(x) for x in value]
    if isinstance(value, dict):
        return {k: _normalise(x) for k, x in value.items()}
    return value
