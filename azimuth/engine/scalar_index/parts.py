"""Sorted runs: the one physical layout behind every scalar index type.

A *part* holds the entries of one value kind (``int``, ``float``, ``bool`` or ``str``) sorted by value, and for
each entry its *target* row (the row itself for scalar fields; the parent row of an element for arrays). A
predicate becomes one or more half-open spans of entry positions, found by binary search; the rows of a span are
``targets[a:b]``, scattered into a boolean mask.

Invariants: nulls are never entries (a null never matches); float NaN is never an entry (every comparison with
NaN is false); ``int`` keys are int64 (narrower integers and TIMESTAMPTZ microseconds widen exactly); ``float``
keys are float64 (float32 widens exactly); ``bool`` keys are int8 0/1. Equal keys keep ascending targets. String
parts keep the sorted distinct values as a UTF-8 blob plus int64 offsets, and ``bounds[c]:bounds[c+1]`` is the
span of the ``c``-th distinct value; string order is byte order, which is the order of Arrow comparisons.

Literal handling mirrors :mod:`azimuth.engine.expr.vals` exactly: ints compare exactly against int and float
literals (a fractional bound rounds inwards, out-of-range bounds clamp), floats compare in float64 and an int
literal that no float64 can hold shifts the bound to its float neighbour.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pyarrow as pa

from azimuth.types.arrays import pc, to_numpy

_I64_MIN, _I64_MAX = -(2**63), 2**63 - 1
_LIST_LOOKUP_LIMIT = 64  # more string values than this: one hash lookup instead of binary searches
Span = tuple[int, int]


def _int_low(lit: int | float, inclusive: bool) -> int | None:
    """Smallest integer ``x`` with ``x > lit`` (``>=`` if inclusive); ``None`` if none exists."""
    if isinstance(lit, float):
        if math.isnan(lit) or lit == math.inf:
            return None
        if lit == -math.inf:
            return _I64_MIN
        if inclusive or not lit.is_integer():
            return math.ceil(lit)
        return int(lit) + 1
    return lit if inclusive else lit + 1


def _int_high(lit: int | float, inclusive: bool) -> int | None:
    """Largest integer ``x`` with ``x < lit`` (``<=`` if inclusive); ``None`` if none exists."""
    if isinstance(lit, float):
        if math.isnan(lit) or lit == -math.inf:
            return None
        if lit == math.inf:
            return _I64_MAX
        if inclusive or not lit.is_integer():
            return math.floor(lit)
        return int(lit) - 1
    return lit if inclusive else lit - 1


def _float_bound(lit: int | float, op: str) -> tuple[float, str] | None:
    """``(float64 literal, operator)`` equivalent to ``x op lit`` on float64 ``x``; ``None`` for NaN."""
    if isinstance(lit, float) and math.isnan(lit):
        return None
    try:
        lf = float(lit)
    except OverflowError:
        lf = math.inf if lit > 0 else -math.inf
    if isinstance(lit, int) and lf != lit:
        if lf > lit:
            op = {"<": "<", "<=": "<", ">": ">=", ">=": ">="}[op]
        else:
            op = {"<": "<=", "<=": "<=", ">": ">", ">=": ">"}[op]
    return lf, op


def merge_spans(spans: list[Span]) -> list[Span]:
    """Non-empty spans sorted and merged where they overlap or touch."""
    out: list[Span] = []
    for a, b in sorted(s for s in spans if s[1] > s[0]):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


class Part:
    """Entries of one kind sorted by value, with the target row of each entry."""

    kind: str
    targets: np.ndarray

    def __len__(self) -> int:
        return len(self.targets)

    def arrays(self) -> dict[str, np.ndarray]:
        raise NotImplementedError

    def points(self, values: list[Any]) -> list[Span]:
        """Spans of the entries equal to any of ``values`` (all of this part's category)."""
        raise NotImplementedError

    def span(self, low: Any, low_inclusive: bool, high: Any, high_inclusive: bool) -> Span:
        raise NotImplementedError


class NumericPart(Part):
    """``int`` (int64 keys), ``float`` (float64 keys) or ``bool`` (int8 keys) entries."""

    def __init__(self, kind: str, keys: np.ndarray, targets: np.ndarray) -> None:
        self.kind = kind
        self.keys = keys
        self.targets = targets

    @classmethod
    def build(cls, kind: str, values: np.ndarray, targets: np.ndarray) -> NumericPart:
        dtype = {"int": np.int64, "float": np.float64, "bool": np.int8}[kind]
        values = np.asarray(values).astype(dtype, copy=False)
        targets = np.asarray(targets, dtype=np.int64)
        if kind == "float":
            keep = ~np.isnan(values)
            if not keep.all():
                values, targets = values[keep], targets[keep]
        order = np.argsort(values, kind="stable")
        return cls(kind, np.ascontiguousarray(values[order]), np.ascontiguousarray(targets[order]))

    def arrays(self) -> dict[str, np.ndarray]:
        return {"keys": self.keys, "targets": self.targets}

    def _search(self, key: Any, side: str) -> int:
        return int(np.searchsorted(self.keys, key, side))  # type: ignore[call-overload]

    def _low(self, lit: Any, inclusive: bool) -> int:
        m = len(self.keys)
        if self.kind == "int":
            b = _int_low(lit, inclusive)
            if b is None or b > _I64_MAX:
                return m
            return 0 if b < _I64_MIN else self._search(np.int64(b), "left")
        fb = _float_bound(lit, ">=" if inclusive else ">")
        if fb is None:
            return m
        return self._search(np.float64(fb[0]), "left" if fb[1] == ">=" else "right")

    def _high(self, lit: Any, inclusive: bool) -> int:
        m = len(self.keys)
        if self.kind == "int":
            b = _int_high(lit, inclusive)
            if b is None or b < _I64_MIN:
                return 0
            return m if b > _I64_MAX else self._search(np.int64(b), "right")
        fb = _float_bound(lit, "<=" if inclusive else "<")
        if fb is None:
            return 0
        return self._search(np.float64(fb[0]), "right" if fb[1] == "<=" else "left")

    def span(self, low: Any, low_inclusive: bool, high: Any, high_inclusive: bool) -> Span:
        a = 0 if low is None else self._low(low, low_inclusive)
        b = len(self.keys) if high is None else self._high(high, high_inclusive)
        return (a, max(a, b))

    def points(self, values: list[Any]) -> list[Span]:
        if self.kind == "bool":
            keys = np.array(sorted({int(bool(v)) for v in values}), dtype=np.int8)
        elif self.kind == "int":
            ints = {int(v) for v in values if isinstance(v, int) or (math.isfinite(v) and v.is_integer())}
            keys = np.array(sorted(v for v in ints if _I64_MIN <= v <= _I64_MAX), dtype=np.int64)
        else:
            fl = set()
            for v in values:
                try:
                    if float(v) == v:
                        fl.add(float(v))
                except OverflowError:
                    pass
            keys = np.array(sorted(fl), dtype=np.float64)
        if len(keys) == 0:
            return []
        lo = np.searchsorted(self.keys, keys, "left")
        hi = np.searchsorted(self.keys, keys, "right")
        return [(int(a), int(b)) for a, b in zip(lo, hi) if b > a]


class StringPart(Part):
    """String entries: sorted distinct values (UTF-8 blob + offsets) and the entry span of each."""

    kind = "str"

    def __init__(self, offsets: np.ndarray, data: np.ndarray, bounds: np.ndarray, targets: np.ndarray) -> None:
        self.offsets = offsets
        self.data = data
        self.bounds = bounds
        self.targets = targets
        self._dictionary: pa.Array | None = None

    @classmethod
    def build(cls, values: pa.Array, targets: np.ndarray) -> StringPart:
        values = values.cast(pa.large_string())
        targets = np.asarray(targets, dtype=np.int64)
        uniq = pc.unique(values)
        uniq = uniq.take(pc.array_sort_indices(uniq))
        if len(uniq):
            uniq = pa.concat_arrays([uniq])  # fresh buffers, offset 0
        codes = to_numpy(pc.index_in(values, value_set=uniq)).astype(np.int64)
        order = np.argsort(codes, kind="stable")
        counts = np.bincount(codes, minlength=len(uniq))
        bounds = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        offsets, data = np.zeros(1, np.int64), np.zeros(0, np.uint8)
        if len(uniq):
            bufs = uniq.buffers()
            offsets = np.frombuffer(bufs[1], dtype=np.int64)[: len(uniq) + 1].copy()
            if bufs[2] is not None:
                data = np.frombuffer(bufs[2], dtype=np.uint8).copy()
        return cls(offsets, data, bounds, np.ascontiguousarray(targets[order]))

    def arrays(self) -> dict[str, np.ndarray]:
        return {"offsets": self.offsets, "data": self.data, "bounds": self.bounds, "targets": self.targets}

    @property
    def distinct(self) -> int:
        return len(self.offsets) - 1

    def _entry(self, i: int) -> bytes:
        return self.data[int(self.offsets[i]) : int(self.offsets[i + 1])].tobytes()

    def _bisect(self, key: bytes, right: bool, width: int | None = None) -> int:
        """First distinct value (truncated to ``width`` bytes) ``> key`` (right) or ``>= key`` (left)."""
        lo, hi = 0, self.distinct
        while lo < hi:
            mid = (lo + hi) // 2
            e = self._entry(mid)
            if width is not None:
                e = e[:width]
            if e < key or (right and e == key):
                lo = mid + 1
            else:
                hi = mid
        return lo

    def dictionary(self) -> pa.Array:
        if self._dictionary is None:
            n = self.distinct
            self._dictionary = pa.LargeStringArray.from_buffers(
                n, pa.py_buffer(np.ascontiguousarray(self.offsets)), pa.py_buffer(np.ascontiguousarray(self.data))
            )
        return self._dictionary

    def _code_span(self, c0: int, c1: int) -> Span:
        return (int(self.bounds[c0]), int(self.bounds[max(c0, c1)]))

    def points(self, values: list[Any]) -> list[Span]:
        keys = sorted({str(v) for v in values})
        if len(keys) > _LIST_LOOKUP_LIMIT:
            codes = pc.index_in(pa.array(keys, pa.large_string()), value_set=self.dictionary())
            found = to_numpy(codes.drop_null())
            return [self._code_span(int(c), int(c) + 1) for c in found]
        out = []
        for k in keys:
            b = k.encode("utf-8")
            c = self._bisect(b, right=False)
            if c < self.distinct and self._entry(c) == b:
                out.append(self._code_span(c, c + 1))
        return out

    def span(self, low: Any, low_inclusive: bool, high: Any, high_inclusive: bool) -> Span:
        c0 = 0 if low is None else self._bisect(str(low).encode("utf-8"), right=not low_inclusive)
        c1 = self.distinct if high is None else self._bisect(str(high).encode("utf-8"), right=high_inclusive)
        return self._code_span(c0, c1)

    def prefix(self, text: str) -> Span:
        key = text.encode("utf-8")
        return self._code_span(self._bisect(key, right=False), self._bisect(key, right=True, width=len(key)))


def part_from_arrays(kind: str, arrays: dict[str, np.ndarray]) -> Part:
    if kind == "str":
        return StringPart(arrays["offsets"], arrays["data"], arrays["bounds"], arrays["targets"])
    return NumericPart(kind, arrays["keys"], arrays["targets"])
