"""Vectorised LIKE and regex matching over the string component of an operand.

LIKE patterns are split into literal runs, ``%`` and ``_``; exact, prefix (``abc%``), suffix (``%abc``) and
infix (``%abc%``) patterns use Arrow's dedicated kernels, anything else an anchored RE2 regex. Regex filters
(``=~``) use RE2 substring search; if RE2 rejects a pattern that Python ``re`` accepts (look-arounds,
back-references), the pattern is applied with Python ``re`` to the *distinct* values only.
"""

from __future__ import annotations

import re

import numpy as np
import pyarrow as pa

from azimuth.engine.expr.bind import like_to_regex
from azimuth.engine.expr.vals import Vals, _np_bool
from azimuth.types.arrays import pc


def like_tokens(pattern: str) -> list[tuple[str, str]]:
    """``[("lit", text) | ("%", "") | ("_", "")]`` with adjacent literals merged and ``%%`` collapsed."""
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            tok = ("lit", pattern[i + 1])
            i += 2
        elif ch in "%_":
            tok = (ch, "")
            i += 1
        else:
            tok = ("lit", ch)
            i += 1
        if tok[0] == "lit" and out and out[-1][0] == "lit":
            out[-1] = ("lit", out[-1][1] + tok[1])
        elif tok[0] == "%" and out and out[-1][0] == "%":
            continue
        else:
            out.append(tok)
    return out


def _like_arrow(arr: pa.Array, pattern: str) -> pa.Array:
    toks = like_tokens(pattern)
    kinds = [k for k, _ in toks]
    lits = [t for k, t in toks if k == "lit"]
    if kinds == []:
        return pc.equal(arr, "")
    if kinds == ["lit"]:
        return pc.equal(arr, lits[0])
    if kinds == ["%"]:
        return pc.is_valid(arr)
    if kinds == ["lit", "%"]:
        return pc.starts_with(arr, lits[0])
    if kinds == ["%", "lit"]:
        return pc.ends_with(arr, lits[0])
    if kinds == ["%", "lit", "%"]:
        return pc.match_substring(arr, lits[0])
    return pc.match_substring_regex(arr, "(?s)^" + like_to_regex(pattern) + "$")


def like_mask(v: Vals, pattern: str) -> np.ndarray:
    if v.strs is None:
        return np.zeros(v.n, bool)
    return _np_bool(_like_arrow(v.strs.data, pattern)) & v.mask_of(v.strs)


def regex_mask(v: Vals, pattern: str) -> np.ndarray:
    if v.strs is None:
        return np.zeros(v.n, bool)
    arr = v.strs.data
    try:
        hit = pc.match_substring_regex(arr, pattern)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        compiled = re.compile(pattern)
        uniq = pc.unique(arr)
        keep = [s for s in uniq.to_pylist() if s is not None and compiled.search(s)]
        hit = pc.is_in(arr, value_set=pa.array(keep, pa.string()))
    return _np_bool(hit) & v.mask_of(v.strs)
