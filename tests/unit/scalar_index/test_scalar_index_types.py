"""Every scalar index type × field type: what builds, what is rejected, and each predicate against brute force."""

from __future__ import annotations

import json
import math

import numpy as np
import pyarrow as pa
import pytest

from azimuth.engine.scalar_index import build_scalar_index, canonical_index_type
from azimuth.errors import MilvusException
from azimuth.types.enums import DataType as D

INTS = [5, None, -3, 2**63 - 1, -(2**63), 5, 0, 7, None, 2**53 + 1]
FLOATS = [0.5, None, -1.5, float("nan"), float("inf"), -0.0, 0.0, 3.0, 1e300, 2.0**53]
STRS = ["ab", None, "abc", "", "b", "é", "ab", "a\u00ff", "zz", "ab%"]
BOOLS = [True, None, False, True, True, False, None, False, True, True]

COLUMNS = {
    D.INT8: pa.array([1, None, -3, 127, -128, 1, 0, 7, None, 2], pa.int8()),
    D.INT16: pa.array([1, None, -3, 300, -300, 1, 0, 7, None, 2], pa.int16()),
    D.INT32: pa.array([1, None, -3, 2**31 - 1, -(2**31), 1, 0, 7, None, 2], pa.int32()),
    D.INT64: pa.array(INTS, pa.int64()),
    D.FLOAT: pa.array(FLOATS[:8] + [1e30, 2.0**24], pa.float32()),
    D.DOUBLE: pa.array(FLOATS, pa.float64()),
    D.VARCHAR: pa.array(STRS, pa.string()),
    D.BOOL: pa.array(BOOLS, pa.bool_()),
}
ACCEPTS = {
    "INVERTED": {D.INT8, D.INT16, D.INT32, D.INT64, D.FLOAT, D.DOUBLE, D.VARCHAR, D.BOOL},
    "STL_SORT": {D.INT8, D.INT16, D.INT32, D.INT64, D.FLOAT, D.DOUBLE, D.VARCHAR, D.BOOL},
    "BITMAP": {D.INT8, D.INT16, D.INT32, D.INT64, D.VARCHAR, D.BOOL},
    "TRIE": {D.VARCHAR},
    "AUTOINDEX": {D.INT8, D.INT16, D.INT32, D.INT64, D.FLOAT, D.DOUBLE, D.VARCHAR, D.BOOL},
}
CASES = [(t, d) for t in ACCEPTS for d in COLUMNS]


def _py(v: object, dtype: D) -> object:
    return float(np.float32(v)) if dtype == D.FLOAT and v is not None else v


def _brute(values: list, pred) -> list[bool]:
    return [v is not None and not (isinstance(v, float) and math.isnan(v)) and bool(pred(v)) for v in values]


def _probes(dtype: D) -> list:
    if dtype == D.VARCHAR:
        return ["ab", "", "abc", "zz", "é", "a", "b", "abz"]
    if dtype == D.BOOL:
        return [True, False]
    if dtype in (D.FLOAT, D.DOUBLE):
        return [0.5, 0.0, -0.0, 3, 1e300, float("inf"), -float("inf"), float("nan"), 2**53 + 1, 7]
    return [1, 5, 0, -3, 2.5, -2.5, 2**63 - 1, -(2**63), 2**64, -(2**70), 2**53 + 1, 7.0, float("inf")]


@pytest.mark.parametrize(("index_type", "dtype"), CASES, ids=[f"{t}-{d.name}" for t, d in CASES])
def test_type_matrix_and_predicates(index_type: str, dtype: D) -> None:
    col = COLUMNS[dtype]
    if dtype not in ACCEPTS[index_type]:
        with pytest.raises(MilvusException, match="does not support"):
            build_scalar_index(index_type, dtype, col, {})
        return
    index = build_scalar_index(index_type, dtype, pa.chunked_array([col.slice(0, 4), col.slice(4)]), {})
    assert index.index_type == index_type and index.num_rows == len(col) and not index.is_array
    values = [_py(v, dtype) for v in col.to_pylist()]
    probes = _probes(dtype)
    for p in probes:
        assert index.equal(p).tolist() == _brute(values, lambda v, p=p: type(v) is not bool and v == p
                                                 or type(v) is bool and p is v), p  # fmt: skip
    assert index.isin(probes[:3]).tolist() == np.logical_or.reduce([index.equal(p) for p in probes[:3]]).tolist()
    assert index.isin([]).tolist() == [False] * len(col)
    if dtype == D.BOOL:
        assert index.range(True, True, None, False) is None
        return
    for lo in probes:
        for hi in probes[:4]:
            if isinstance(lo, float) and math.isnan(lo):
                assert not index.range(lo, True, hi, True).any()
                continue
            for li, hinc in ((True, True), (False, False), (True, False)):
                got = index.range(lo, li, hi, hinc).tolist()
                want = _brute(values, lambda v, lo=lo, hi=hi, li=li, hinc=hinc:
                              (v >= lo if li else v > lo) and (v <= hi if hinc else v < hi))  # fmt: skip
                assert got == want, (lo, li, hi, hinc)
    if dtype == D.VARCHAR:
        for pre in ["", "a", "ab", "é", "zzz", "ab%"]:
            assert index.prefix(pre).tolist() == _brute(values, lambda v, pre=pre: v.startswith(pre))
    else:
        assert not index.prefix("a").any()  # a column index: a string matches nothing


def test_trie_alias_and_unknown_type() -> None:
    assert canonical_index_type("Trie") == "TRIE"
    assert canonical_index_type(None) == "AUTOINDEX"  # type: ignore[arg-type]
    with pytest.raises(MilvusException, match="invalid scalar index type"):
        build_scalar_index("HNSW", D.INT64, COLUMNS[D.INT64], {})
    with pytest.raises(MilvusException):
        build_scalar_index("STL_SORT", D.JSON, pa.array(["{}"]), {})


def test_timestamptz_stl_sort() -> None:
    col = pa.array([3, None, 1, 2], pa.timestamp("us", tz="UTC"))
    index = build_scalar_index("STL_SORT", D.TIMESTAMPTZ, col, {})
    assert index.range(2, True, None, False).tolist() == [True, False, False, True]


@pytest.mark.parametrize("index_type", ["INVERTED", "BITMAP", "AUTOINDEX"])
def test_array_fields(index_type: str) -> None:
    col = pa.array([[1, 2], None, [], [2, 2, 3], [None, 4]], pa.list_(pa.int64()))
    index = build_scalar_index(index_type, D.ARRAY, col, {})
    assert index.is_array
    assert index.equal(2).tolist() == [True, False, False, True, False]
    assert index.isin([1, 4]).tolist() == [True, False, False, False, True]
    assert index.contains([2], "one").tolist() == [True, False, False, True, False]
    assert index.contains([2, 3], "all").tolist() == [False, False, False, True, False]
    assert index.contains([], "all").tolist() == [True, False, True, True, True]
    assert index.contains([], "any").tolist() == [False] * 5
    assert index.contains([9, 1], "any").tolist() == [True, False, False, False, False]
    assert index.contains(["x"], "one").tolist() == [False] * 5  # column index: other types never match
    strs = build_scalar_index(index_type, D.ARRAY, pa.array([["a"], ["b", "a"], None], pa.list_(pa.string())), {})
    assert strs.contains(["a"], "one").tolist() == [True, True, False]
    if index_type != "BITMAP":
        fl = build_scalar_index(index_type, D.ARRAY, pa.array([[1.5], [float("nan")]], pa.list_(pa.float64())), {})
        assert fl.contains([1.5], "one").tolist() == [True, False]
    else:
        with pytest.raises(MilvusException):
            build_scalar_index(index_type, D.ARRAY, pa.array([[1.5]], pa.list_(pa.float64())), {})


DOCS = [{"a": 1, "s": "en", "t": [1, 2.5], "b": True}, None, {"a": 2.5, "s": "fr", "t": ["x", 1], "b": False},
        {"a": "x", "s": 3, "t": 7}, {"a": 2**53 + 1, "t": [], "b": 1}, {"a": [1], "s": "en", "t": [[1], 2]},
        {"a": None, "s": "english"}, {"a": True}]  # fmt: skip
JSON_COL = pa.array([None if d is None else json.dumps(d) for d in DOCS], pa.string())


def test_json_path_double() -> None:
    index = build_scalar_index("INVERTED", D.JSON, JSON_COL, {"json_path": 'meta["a"]', "json_cast_type": "DOUBLE"})
    assert index.json_path == 'meta["a"]' and index.json_cast_type == "double"
    assert index.equal(1).tolist() == [True] + [False] * 7
    assert index.equal(2**53).tolist() == [False] * 8  # ints compare exactly
    assert index.equal(2**53 + 1).tolist() == [False] * 4 + [True] + [False] * 3
    assert index.range(1, False, None, False).tolist() == [False, False, True, False, True, False, False, False]
    assert index.isin([1, 2.5]).tolist() == [True, False, True] + [False] * 5
    assert index.equal("x") is None and index.equal(True) is None and index.isin([1, "x"]) is None
    assert index.prefix("x") is None and index.contains([1], "one") is None


def test_json_path_varchar_bool_and_arrays() -> None:
    s = build_scalar_index("AUTOINDEX", D.JSON, JSON_COL, {"json_path": "meta['s']", "json_cast_type": "varchar"})
    assert s.equal("en").tolist() == [True, False, False, False, False, True, False, False]
    assert s.prefix("en").tolist() == [True, False, False, False, False, True, True, False]
    assert s.range("en", False, "z", False).tolist() == [False, False, True, False, False, False, True, False]
    assert s.equal(3) is None
    b = build_scalar_index("INVERTED", D.JSON, JSON_COL, {"json_path": 'meta["b"]', "json_cast_type": "bool"})
    assert b.equal(True).tolist() == [True] + [False] * 7 and b.equal(1) is None
    t = build_scalar_index("INVERTED", D.JSON, JSON_COL, {"json_path": 'meta["t"]', "json_cast_type": "array_double"})
    assert t.is_array
    assert t.contains([1], "one").tolist() == [True, False, True, False, False, False, False, False]
    assert t.contains([], "all").tolist() == [True, False, True, False, True, True, False, False]
    assert t.contains([1, 2.5], "all").tolist() == [True] + [False] * 7
    assert t.contains(["x"], "one") is None
    ts = build_scalar_index("INVERTED", D.JSON, JSON_COL, {"json_path": 'meta["t"]', "json_cast_type": "array_varchar"})
    assert ts.contains(["x"], "any").tolist() == [False, False, True] + [False] * 5


@pytest.mark.parametrize("params", [{}, {"json_path": 'meta["a"]'}, {"json_path": "meta[", "json_cast_type": "double"},
                                    {"json_path": 'meta["a"]', "json_cast_type": "int"},
                                    {"json_path": 'meta["a"]', "json_cast_type": "double", "json_cast_function": "X"}])
def test_json_params_rejected(params: dict) -> None:
    with pytest.raises(MilvusException):
        build_scalar_index("INVERTED", D.JSON, JSON_COL, params)


def test_large_result_uses_complement_and_matches() -> None:
    rng = np.random.default_rng(1)
    data = rng.integers(0, 100, 10_000)
    data_list = [None if i % 7 == 0 else int(v) for i, v in enumerate(data)]
    index = build_scalar_index("STL_SORT", D.INT64, pa.array(data_list, pa.int64()), {})
    want = [v is not None and 3 <= v < 97 for v in data_list]
    assert index.range(3, True, 97, False).tolist() == want
    assert index.isin(list(range(2, 99))).tolist() == [v is not None and 2 <= v < 99 for v in data_list]
