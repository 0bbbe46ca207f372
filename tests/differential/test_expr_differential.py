"""Differential test: the vectorised filter evaluator equals the plain-Python reference on random data/filters.

Hypothesis draws tables (ints incl. int64 extremes and 2**53+1, floats incl. inf/nan, strings with LIKE
metacharacters, bools, nullable columns, JSON with mixed types and missing keys, ARRAY columns, a dynamic
``$meta`` field, several Arrow chunks) and filter *texts* covering every operator and function, then checks
``CompiledFilter.evaluate`` against ``evaluate_reference`` row by row.
"""

from __future__ import annotations

import json

import pyarrow as pa
from tests.budget import examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from azimuth.engine.expr import FilterField, FilterSchema, compile_filter, evaluate_reference
from azimuth.types.enums import DataType as D

SCHEMA = FilterSchema(
    (
        FilterField("id", D.INT64, is_primary=True),
        FilterField("x", D.INT64, nullable=True),
        FilterField("y", D.INT16),
        FilterField("f", D.FLOAT),
        FilterField("d", D.DOUBLE, nullable=True),
        FilterField("s", D.VARCHAR, nullable=True),
        FilterField("b", D.BOOL, nullable=True),
        FilterField("j", D.JSON, nullable=True),
        FilterField("arr", D.ARRAY, element_type=D.INT64, nullable=True),
        FilterField("sarr", D.ARRAY, element_type=D.VARCHAR),
    ),
    dynamic=True,
)

BIG = [0, 1, -1, 2, 3, 7, -7, 2**53, 2**53 + 1, 2**63 - 1, -(2**63), 100]
ints = st.one_of(st.sampled_from(BIG), st.integers(-10, 10))
i16 = st.integers(-(2**15), 2**15 - 1) | st.integers(-5, 5)
floats = st.sampled_from([0.0, -0.5, 0.5, 1.5, 0.1, 3.0, 1e300, -2.0, float("inf"), float("nan"), 2.0**53])
text = st.text(alphabet="ab%_\\é", max_size=4)
LIKE_ALPHABET = "ab%_\\é"
keys = st.sampled_from(["a", "b", "c"])
scalar_json = st.one_of(st.none(), st.booleans(), ints, floats.filter(lambda v: v == v and abs(v) != float("inf")),
                        text)
json_values = st.recursive(
    scalar_json,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(keys, inner, max_size=3),
    max_leaves=6,
)
json_docs = st.dictionaries(keys, json_values, max_size=3)
meta_docs = st.dictionaries(st.sampled_from(["k1", "k2"]), scalar_json | st.lists(ints, max_size=2), max_size=2)


@st.composite
def tables(draw: st.DrawFn) -> pa.Table:
    n = draw(st.integers(0, 25))
    col = lambda s: draw(st.lists(s, min_size=n, max_size=n))  # noqa: E731
    table = pa.table(
        {
            "id": pa.array(col(ints), pa.int64()),
            "x": pa.array(col(st.none() | ints), pa.int64()),
            "y": pa.array(col(i16), pa.int16()),
            "f": pa.array(col(floats), pa.float32()),
            "d": pa.array(col(st.none() | floats), pa.float64()),
            "s": pa.array(col(st.none() | text), pa.string()),
            "b": pa.array(col(st.none() | st.booleans()), pa.bool_()),
            "j": pa.array([None if v is None else json.dumps(v) for v in col(st.none() | json_docs)], pa.string()),
            "arr": pa.array(col(st.none() | st.lists(ints, max_size=3)), pa.list_(pa.int64())),
            "sarr": pa.array(col(st.lists(text, max_size=3)), pa.list_(pa.string())),
            "$meta": pa.array([json.dumps(v) for v in col(meta_docs)], pa.string()),
        }
    )
    cuts = sorted(draw(st.lists(st.integers(0, n), max_size=3)))
    if cuts:
        bounds = [0, *cuts, n]
        table = pa.concat_tables([table.slice(a, b - a) for a, b in zip(bounds, bounds[1:])])
    return table


def lit(v: object) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return repr(v) if v == v and abs(v) != float("inf") else "1e999"
    if isinstance(v, str):
        return json.dumps(v)
    if isinstance(v, list):
        return "[" + ", ".join(lit(x) for x in v) + "]"
    return str(v)


REGEXES = ["a", "^b", "é$", "a.b", "[ab]%", "\\\\", "^$", "_"]
OPS = st.sampled_from(["==", "!=", "<", "<=", ">", ">="])
JPATH = st.sampled_from(['j["a"]', 'j["b"]', 'j["a"]["b"]', 'j["c"][0]', 'j["a"][1]', "k1", '$meta["k2"]', "k2"])
num_lit = st.one_of(ints, floats.filter(lambda v: v == v))
any_lit = st.one_of(num_lit, text, st.booleans())


@st.composite
def atoms(draw: st.DrawFn) -> str:
    kind = draw(st.integers(0, 17))
    op = draw(OPS)
    if kind == 0:
        return f"{draw(st.sampled_from(['id', 'x', 'y', 'f', 'd']))} {op} {lit(draw(num_lit))}"
    if kind == 1:
        return f"s {op} {lit(draw(text))}"
    if kind == 2:
        return f"b {draw(st.sampled_from(['==', '!=']))} {lit(draw(st.booleans()))}"
    if kind == 3:
        return f"{draw(JPATH)} {op} {lit(draw(any_lit))}"
    if kind == 4:
        field = draw(st.sampled_from(["x", "y", "f", "d", 'j["a"]', "k1", "arr[0]", "array_length(arr)"]))
        aop = draw(st.sampled_from(["+", "-", "*", "/", "%", "**"]))
        c = draw(st.sampled_from([1, 2, 3, -2, 0.5, 2.0, 7]))
        if aop in "/%" and c == 0:
            c = 1
        return f"{field} {aop} {lit(c)} {op} {lit(draw(num_lit))}"
    if kind == 5:
        bop = draw(st.sampled_from(["&", "|", "^"]))
        return f"{draw(st.sampled_from(['x', 'y', 'id']))} {bop} {draw(st.integers(-4, 7))} {op} {draw(ints)}"
    if kind == 6:
        field = draw(st.sampled_from(["x", "y", "f", "s", 'j["a"]', "k1", "arr[1]", "sarr[0]"]))
        if field in ("s", "sarr[0]"):
            values = draw(st.lists(text, max_size=4))
        elif field in ('j["a"]', "k1"):
            values = draw(st.lists(any_lit | st.lists(ints, max_size=2), max_size=4))
        else:
            values = draw(st.lists(num_lit, max_size=4))
        return f"{field} {draw(st.sampled_from(['in', 'not in']))} {lit(values)}"
    if kind == 7:
        field = draw(st.sampled_from(["s", 'j["a"]', "k2", "sarr[0]"]))
        neg = draw(st.sampled_from(["like", "not like"]))
        pattern = draw(st.text(alphabet=LIKE_ALPHABET, max_size=5))
        return f"{field} {neg} {lit(pattern)}"
    if kind == 8:
        field = draw(st.sampled_from(["s", 'j["b"]', "k1"]))
        pat = draw(st.sampled_from(REGEXES))
        return f"{field} {draw(st.sampled_from(['=~', '!~']))} {lit(pat)}"
    if kind == 9:
        field = draw(st.sampled_from(["x", "d", "s", "b", "j", "arr", "sarr", "id", *JPATH.elements,
                                      "arr[1]", "sarr[0]"]))
        return f"{field} is {draw(st.sampled_from(['', 'not ']))}null"
    if kind == 10:
        return f"exists {draw(JPATH.filter(lambda p: p.startswith(('j', '$')) or p in ('k1', 'k2')))}"
    if kind == 11:
        fn = draw(st.sampled_from(["json_contains", "json_contains_all", "json_contains_any"]))
        src = draw(st.sampled_from(['j["a"]', 'j["c"]', "k1", "k2", "arr"]))
        pool = ints if src == "arr" else (any_lit | st.lists(ints, max_size=2))
        arg = draw(pool) if fn == "json_contains" else draw(st.lists(pool, max_size=3))
        return f"{fn}({src}, {lit(arg)})"
    if kind == 12:
        fn = draw(st.sampled_from(["array_contains", "array_contains_all", "array_contains_any"]))
        src, pool = draw(st.sampled_from([("arr", ints), ("sarr", text)]))
        arg = draw(pool) if fn == "array_contains" else draw(st.lists(pool, max_size=3))
        return f"{fn}({src}, {lit(arg)})"
    if kind == 13:
        src = draw(st.sampled_from(["arr", "sarr", 'j["a"]', 'j["c"]', "k1"]))
        return f"array_length({src}) {op} {draw(st.integers(0, 3))}"
    if kind == 14:
        field = draw(st.sampled_from(["arr[0]", "arr[2]", "x", "d"]))
        lo, hi = sorted([draw(num_lit), draw(num_lit)])
        a, b = draw(st.sampled_from([("<", "<"), ("<=", "<"), ("<=", "<=")]))
        if draw(st.booleans()):
            return f"{lit(lo)} {a} {field} {b} {lit(hi)}"
        return f"{lit(hi)} {a.replace('<', '>')} {field} {b.replace('<', '>')} {lit(lo)}"
    if kind == 15:
        pair = draw(st.sampled_from([("x", "y"), ("f", "d"), ("id", "x"), ("y", "f"), ("s", "sarr[0]"),
                                     ('j["a"]', "x"), ("k1", 'j["b"]'), ("arr[0]", "id"), ("b", "b")]))
        if pair == ("b", "b"):
            op = draw(st.sampled_from(["==", "!="]))
        return f"{pair[0]} {op} {pair[1]}"
    if kind == 16:
        return draw(st.sampled_from(["b", "true", "false", "not b"]))
    return f"sarr[{draw(st.integers(0, 2))}] {op} {lit(draw(text))}"


def exprs() -> st.SearchStrategy[str]:
    return st.recursive(
        atoms(),
        lambda inner: st.one_of(
            st.tuples(inner, st.sampled_from([" and ", " or ", " && ", " || ", " AND "]), inner).map(
                lambda t: f"({t[0]}){t[1]}({t[2]})"
            ),
            inner.map(lambda e: f"not ({e})"),
            inner.map(lambda e: f"!({e})"),
        ),
        max_leaves=5,
    )


@settings(max_examples=examples(400), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(table=tables(), expr=exprs())
def test_vectorised_equals_reference(table: pa.Table, expr: str) -> None:
    compiled = compile_filter(expr, SCHEMA)
    fast = compiled.evaluate(table).tolist()
    ref = evaluate_reference(compiled, table.to_pylist())
    assert fast == ref, (expr, [i for i, (a, b) in enumerate(zip(fast, ref)) if a != b])


@settings(max_examples=examples(60), deadline=None)
@given(table=tables(), expr=exprs(), seed=st.integers(0, 2**32))
def test_random_sample_equals_reference(table: pa.Table, expr: str, seed: int) -> None:
    compiled = compile_filter(f"({expr}) and random_sample(0.5)", SCHEMA, seed=seed)
    assert compiled.evaluate(table).tolist() == evaluate_reference(compiled, table.to_pylist())
