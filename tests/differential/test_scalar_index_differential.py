"""Differential test: filters evaluate identically with and without scalar indexes (and equal the reference).

Two generators: the general expression/table generator of ``test_expr_differential`` (every operator, nulls,
mixed-type JSON, several chunks) with a random index configuration per field and JSON path, and a focused one
with many duplicate values and index-friendly predicates (ranges, chained ranges, ``in``, ``like`` prefixes,
``array_contains*``, JSON-path comparisons) so that index answers, not fallbacks, are exercised.
"""

from __future__ import annotations

import json
import tempfile

import pyarrow as pa
from tests.budget import examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from azimuth.engine.expr import FilterField, FilterSchema, compile_filter, evaluate_reference
from azimuth.engine.scalar_index import build_scalar_index, load_scalar_index, parse_json_path
from azimuth.types.enums import DataType as D
from tests.differential.test_expr_differential import SCHEMA, exprs, tables

NUMERIC = ["INVERTED", "STL_SORT", "AUTOINDEX"]
FIELD_TYPES = {
    "id": (D.INT64, NUMERIC + ["BITMAP"]), "x": (D.INT64, NUMERIC + ["BITMAP"]), "y": (D.INT16, NUMERIC + ["BITMAP"]),
    "f": (D.FLOAT, NUMERIC), "d": (D.DOUBLE, NUMERIC), "s": (D.VARCHAR, NUMERIC + ["BITMAP", "TRIE"]),
    "b": (D.BOOL, NUMERIC + ["BITMAP"]), "arr": (D.ARRAY, ["INVERTED", "BITMAP"]), "sarr": (D.ARRAY, ["INVERTED"]),
}  # fmt: skip
JSON_PATHS = {
    'j["a"]': ["double", "varchar", "bool", "array_double", "array_varchar"],
    'j["b"]': ["double", "varchar"],
    'j["c"]': ["array_double", "array_varchar", "array_bool"],
    'j["a"]["b"]': ["double", "bool"],
    '$meta["k1"]': ["double", "varchar", "array_double"],
    '$meta["k2"]': ["varchar", "double"],
}


@st.composite
def index_specs(draw: st.DrawFn, fields: dict, paths: dict, p: float = 0.5) -> dict:
    specs = {}
    present = st.floats(0, 1).map(lambda u: u < p)
    for name, (dtype, types) in fields.items():
        if draw(present):
            specs[name] = (draw(st.sampled_from(types)), dtype, {})
    for path, casts in paths.items():
        if draw(present):
            specs[path] = ("INVERTED", D.JSON, {"json_path": path, "json_cast_type": draw(st.sampled_from(casts))})
    return specs


def build(table: pa.Table, specs: dict, reload: bool) -> dict:
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        for key, (itype, dtype, params) in specs.items():
            field = parse_json_path(params["json_path"])[0] if params else key
            index = build_scalar_index(itype, dtype, table.column(field), params)
            if reload:
                index.save(f"{tmp}/{len(out)}")
                index = load_scalar_index(f"{tmp}/{len(out)}")
                index = _materialise(index)
            out[key] = index
    return out


def _materialise(index):  # the temporary directory goes away: copy the memory-mapped arrays into RAM
    import numpy as np

    for part in index.parts.values():
        for name, arr in part.arrays().items():
            setattr(part, name, np.array(arr))
    if index.list_rows is not None:
        index.list_rows = np.array(index.list_rows)
    return index


def check(compiled, table: pa.Table, indexes: dict, reference: bool) -> None:
    plain = compiled.evaluate(table).tolist()
    fast = compiled.evaluate(table, indexes).tolist()
    assert fast == plain, (compiled.text, sorted(indexes), [i for i, (a, b) in enumerate(zip(fast, plain)) if a != b])
    if reference:
        assert plain == evaluate_reference(compiled, table.to_pylist()), compiled.text


@settings(max_examples=examples(250), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(table=tables(), expr=exprs(), specs=index_specs(FIELD_TYPES, JSON_PATHS), reload=st.booleans())
def test_general_filters_same_with_indexes(table: pa.Table, expr: str, specs: dict, reload: bool) -> None:
    check(compile_filter(expr, SCHEMA), table, build(table, specs, reload), reference=False)


# ---------------------------------------------------------------- focused: duplicates and index-friendly atoms

FOCUS = FilterSchema(
    (
        FilterField("id", D.INT64, is_primary=True),
        FilterField("n", D.INT32, nullable=True),
        FilterField("g", D.FLOAT, nullable=True),
        FilterField("w", D.VARCHAR, nullable=True),
        FilterField("t", D.ARRAY, element_type=D.VARCHAR, nullable=True),
        FilterField("m", D.JSON, nullable=True),
    ),
    dynamic=False,
)
FOCUS_FIELDS = {"n": (D.INT32, NUMERIC + ["BITMAP"]), "g": (D.FLOAT, NUMERIC), "t": (D.ARRAY, ["INVERTED", "BITMAP"]),
                "w": (D.VARCHAR, NUMERIC + ["BITMAP", "TRIE"])}  # fmt: skip
FOCUS_PATHS = {'m["v"]': ["double", "varchar"], 'm["l"]': ["array_double", "array_varchar"]}
WORDS = ["", "a", "ab", "abc", "b", "ba", "é", "éa", "%", "a_"]
small_ints = st.integers(-3, 6)
nums = small_ints | st.sampled_from([0.5, -1.5, 2.0, 1e10, float("inf"), -float("inf"), 2**40, 2**31])
json_scalars = st.none() | small_ints | st.sampled_from([0.5, 2.5, -1.0]) | st.sampled_from(WORDS) | st.booleans()


@st.composite
def focus_tables(draw: st.DrawFn) -> pa.Table:
    n = draw(st.integers(0, 40))
    col = lambda s: draw(st.lists(s, min_size=n, max_size=n))  # noqa: E731
    docs = col(st.none() | st.fixed_dictionaries({}, optional={
        "v": json_scalars | st.lists(small_ints, max_size=2),
        "l": st.lists(small_ints | st.sampled_from(WORDS) | st.sampled_from([1.5]), max_size=3) | json_scalars}))
    table = pa.table({
        "id": pa.array(range(n), pa.int64()),
        "n": pa.array(col(st.none() | small_ints), pa.int32()),
        "g": pa.array(col(st.none() | st.sampled_from([0.5, -1.5, 2.0, 0.1, float("nan"), float("inf")])), pa.float32()),
        "w": pa.array(col(st.none() | st.sampled_from(WORDS)), pa.string()),
        "t": pa.array(col(st.none() | st.lists(st.sampled_from(WORDS), max_size=3)), pa.list_(pa.string())),
        "m": pa.array([None if d is None else json.dumps(d) for d in docs], pa.string()),
    })  # fmt: skip
    cut = draw(st.integers(0, n))
    return pa.concat_tables([table.slice(0, cut), table.slice(cut)])


def lit(v: object) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and abs(v) == float("inf"):
        return "1e999" if v > 0 else "-1e999"
    if isinstance(v, list):
        return "[" + ", ".join(lit(x) for x in v) + "]"
    return json.dumps(v) if isinstance(v, str) else repr(v)


@st.composite
def focus_atoms(draw: st.DrawFn) -> str:
    kind = draw(st.integers(0, 6))
    src = draw(st.sampled_from(["n", "g", 'm["v"]']))
    if kind == 0:
        return f"{src} {draw(st.sampled_from(['==', '!=', '<', '<=', '>', '>=']))} {lit(draw(nums))}"
    if kind == 1:
        lo, hi = sorted([draw(nums), draw(nums)])
        a, b = draw(st.sampled_from(["<", "<="])), draw(st.sampled_from(["<", "<="]))
        return f"{lit(lo)} {a} {src} {b} {lit(hi)}"
    if kind == 2:
        pool = nums if src != 'm["v"]' else (nums | st.sampled_from(WORDS) | st.booleans())
        return f"{src} {draw(st.sampled_from(['in', 'not in']))} {lit(draw(st.lists(pool, max_size=5)))}"
    s = draw(st.sampled_from(["w", 'm["v"]']))
    if kind == 3:
        return f"{s} {draw(st.sampled_from(['==', '<', '>=']))} {lit(draw(st.sampled_from(WORDS)))}"
    if kind == 4:
        pat = draw(st.sampled_from(WORDS)) + draw(st.sampled_from(["%", "", "_%", "%a"]))
        return f"{s} {draw(st.sampled_from(['like', 'not like']))} {lit(pat)}"
    if kind == 5:
        lo, hi = sorted([draw(st.sampled_from(WORDS)), draw(st.sampled_from(WORDS))])
        return f"{s} > {lit(lo)} and {s} <= {lit(hi)}"
    fn = draw(st.sampled_from(["array_contains", "array_contains_all", "array_contains_any", "json_contains_any"]))
    arr = draw(st.sampled_from(["t", 'm["l"]']))
    if fn == "json_contains_any" and arr == "t":
        fn = "array_contains_any"
    pool = st.sampled_from(WORDS) if arr == "t" else (st.sampled_from(WORDS) | small_ints)
    arg = draw(pool) if fn == "array_contains" else draw(st.lists(pool, max_size=3))
    return f"{fn}({arr}, {lit(arg)})"


focus_exprs = st.recursive(
    focus_atoms(),
    lambda inner: st.tuples(inner, st.sampled_from([" and ", " or "]), inner).map(lambda t: f"({t[0]}){t[1]}({t[2]})")
    | inner.map(lambda e: f"not ({e})"),
    max_leaves=4,
)


@settings(max_examples=examples(400), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(table=focus_tables(), expr=focus_exprs, specs=index_specs(FOCUS_FIELDS, FOCUS_PATHS, 0.85))
def test_index_friendly_filters_same_with_indexes(table: pa.Table, expr: str, specs: dict) -> None:
    check(compile_filter(expr, FOCUS), table, build(table, specs, reload=False), reference=True)
