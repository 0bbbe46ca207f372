"""Evaluation of every operator and function: vectorised result == expected == reference evaluator."""

from __future__ import annotations

import orjson
import pyarrow as pa
import pytest

from azimuth.engine.expr import FilterField, FilterSchema, compile_filter, evaluate_reference
from azimuth.engine.expr.jsoncol import clear_cache
from azimuth.types.enums import DataType as D

SCHEMA = FilterSchema(
    (
        FilterField("id", D.INT64, is_primary=True),
        FilterField("x", D.INT32, nullable=True),
        FilterField("i8", D.INT8),
        FilterField("f", D.FLOAT),
        FilterField("d", D.DOUBLE, nullable=True),
        FilterField("title", D.VARCHAR, nullable=True),
        FilterField("b", D.BOOL),
        FilterField("meta", D.JSON, nullable=True),
        FilterField("tags", D.ARRAY, element_type=D.INT64, nullable=True),
        FilterField("words", D.ARRAY, element_type=D.VARCHAR),
        FilterField("ts", D.TIMESTAMPTZ),
        FilterField("vec", D.FLOAT_VECTOR),
    ),
    dynamic=True,
)

META = [
    {"lang": "en", "a": {"b": 1}, "arr": [1, 2, "x"], "n": 10},
    None,
    {"lang": "fr", "a": {"b": 1.0}, "arr": [[1, 2], 3], "n": 2.5},
    {"lang": 5, "arr": [], "n": "10"},
    {"lang": None, "a": {"b": True}, "n": 9007199254740993},
]
DYN = [{"color": "red", "size": 3}, {}, {"color": "blue", "size": 4.5}, {"color": None}, {"size": 10}]


def make_table() -> pa.Table:
    return pa.table(
        {
            "id": pa.array([1, 2, 3, 9007199254740993, -5], pa.int64()),
            "x": pa.array([1, None, 3, 4, -7], pa.int32()),
            "i8": pa.array([-128, 0, 5, 127, 1], pa.int8()),
            "f": pa.array([0.1, 0.5, 1.5, -2.0, 3.0], pa.float32()),
            "d": pa.array([0.1, None, 1.5, -2.0, float("inf")], pa.float64()),
            "title": pa.array(["intro a", "Intro", "b%c", "", None]),
            "b": [True, False, True, False, True],
            "meta": pa.array([None if m is None else orjson.dumps(m).decode() for m in META], pa.string()),
            "tags": pa.array([[1, 2], [3], None, [], [2, 2, 5]], pa.list_(pa.int64())),
            "words": pa.array([["a", "b"], [], ["c"], ["a"], ["b", "c"]], pa.list_(pa.string())),
            "ts": pa.array([0, 1_700_000_000_000_000, 1_735_689_600_000_000, 1_800_000_000_000_000, 5],
                           pa.timestamp("us", tz="UTC")),
            "$meta": pa.array([orjson.dumps(m).decode() for m in DYN], pa.string()),
        }
    )


TABLE = make_table()
ROWS = TABLE.to_pylist()

CASES: list[tuple[str, list[int]]] = [
    # comparisons
    ("x > 1", [2, 3]),
    ("x >= 3", [2, 3]),
    ("x < 3", [0, 4]),
    ("x <= 1", [0, 4]),
    ("x == 3", [2]),
    ("x != 3", [0, 3, 4]),
    ("3 < x", [3]),
    ("x > 1.5", [2, 3]),
    ("x >= 3.0", [2, 3]),
    ("x == 3.5", []),
    ("x != 3.5", [0, 2, 3, 4]),
    ("x < 1e30", [0, 2, 3, 4]),
    ("i8 > -1000", [0, 1, 2, 3, 4]),
    ("i8 < 128", [0, 1, 2, 3, 4]),
    ("i8 == -128", [0]),
    ("id == 9007199254740993", [3]),
    ("id == 9007199254740992", []),
    ("id > 9007199254740992", [3]),
    ("id in [9007199254740993, 1]", [0, 3]),
    ("id in [9007199254740992]", []),
    ("f == 0.1", [0]),
    ("f > 0.1", [1, 2, 4]),
    ("d == 0.1", [0]),
    ("d > 1e308", [4]),
    ("d < 0", [3]),
    ('title == "Intro"', [1]),
    ('title > "b"', [0, 2]),
    ('title < "b"', [1, 3]),
    ('title == ""', [3]),
    ("b == true", [0, 2, 4]),
    ("b == False", [1, 3]),
    ("b", [0, 2, 4]),
    ("not b", [1, 3]),
    ("true", [0, 1, 2, 3, 4]),
    ("FALSE", []),
    ("ts > ISO '2024-01-01T00:00:00Z'", [2, 3]),
    ("ts <= '2023-11-14T22:13:20Z'", [0, 1, 4]),
    # ranges
    ("1 < x < 4", [2]),
    ("1 <= x <= 4", [0, 2, 3]),
    ("10 >= x >= 3", [2, 3]),
    ("-10 < x < 2", [0, 4]),
    # in
    ("x in [1, 4]", [0, 3]),
    ("x not in [1, 4]", [2, 4]),
    ("x in []", []),
    ('title in ["Intro", ""]', [1, 3]),
    ('title not in ["Intro"]', [0, 2, 3]),
    ("f in [0.1, 3]", [0, 4]),
    ("x in [1.0, 3.5]", [0]),
    # like
    ('title like "intro%"', [0]),
    ('title like "%a"', [0]),
    ('title like "%tr%"', [0, 1]),
    ('title like "_ntro"', [1]),
    ('title like "Intro"', [1]),
    ('title like "b\\\\%c"', [2]),
    ('title like "b\\%c"', [2]),
    ('title like "%"', [0, 1, 2, 3]),
    ('title not like "%tr%"', [2, 3]),
    ('title like "i%o_a"', [0]),
    # regex
    ('title =~ "^I"', [1]),
    ('title =~ "tr"', [0, 1]),
    ('title !~ "tr"', [2, 3]),
    ('title =~ "(?<=n)t"', [0, 1]),
    # logic and nulls (three-valued)
    ("not (x > 1)", [0, 4]),
    ("x > 1 or b", [0, 2, 3, 4]),
    ("not (x > 1 or b)", []),
    ("x > 100 or not b", [1, 3]),
    ("not (x > 100) or not b", [0, 1, 2, 3, 4]),
    ("x > 1 && b || title == 'Intro'", [1, 2]),
    ("!(x == 1)", [2, 3, 4]),
    ("x is null", [1]),
    ("x IS NOT NULL", [0, 2, 3, 4]),
    ("title is null", [4]),
    ("title is not null", [0, 1, 2, 3]),
    ("i8 is null", []),
    ("meta is null", [1]),
    ("tags is null", [2]),
    ("tags is not null", [0, 1, 3, 4]),
    # arithmetic and bitwise
    ("x % 2 == 0", [3]),
    ("x % 2 == -1", [4]),
    ("x * 2 < 5", [0, 4]),
    ("x + 1 == 4", [2]),
    ("x - 1 == 0", [0]),
    ("10 - x == 7", [2]),
    ("x / 2 == 1", [2]),
    ("x / 2 == -3", [4]),
    ("x ** 2 > 10", [3, 4]),
    ("x * 1.5 == 4.5", [2]),
    ("-x == 7", [4]),
    ("x & 1 == 1", [0, 2, 4]),
    ("x | 8 == 12", [3]),
    ("x ^ 1 == 5", [3]),
    ("f * 2 > 2", [2, 4]),
    ("i8 * 2 == -256", [0]),
    # JSON
    ('meta["lang"] == "en"', [0]),
    ('meta["lang"] != "en"', [2, 3, 4]),
    ('meta["lang"] == 5', [3]),
    ('meta["a"]["b"] == 1', [0, 2]),
    ('meta["a"]["b"] == true', [4]),
    ('meta["arr"][0] == 1', [0]),
    ('meta["arr"][2] == "x"', [0]),
    ('meta["arr"][0] == [1, 2]', [2]),
    ('meta["n"] > 5', [0, 4]),
    ('meta["n"] == 9007199254740993', [4]),
    ('meta["n"] < 3', [2]),
    ('meta["n"] in [10, "10"]', [0, 3]),
    ('meta["n"] * 2 == 5', [2]),
    ('not (meta["n"] > 5)', [2, 3]),
    ('meta["lang"] like "e%"', [0]),
    ('meta["lang"] is null', [1, 4]),
    ('meta["lang"] is not null', [0, 2, 3]),
    ('meta["missing"] is null', [0, 1, 2, 3, 4]),
    ('exists meta["lang"]', [0, 2, 3, 4]),
    ('exists meta["a"]["b"]', [0, 2, 4]),
    ('json_contains(meta["arr"], 1)', [0]),
    ('JSON_CONTAINS(meta["arr"], [1, 2])', [2]),
    ('json_contains_all(meta["arr"], [1, "x"])', [0]),
    ('json_contains_any(meta["arr"], [3, "y"])', [2]),
    ('json_contains_all(meta["arr"], [])', [0, 2, 3]),
    ('array_length(meta["arr"]) == 0', [3]),
    ('array_length(meta["arr"]) >= 2', [0, 2]),
    # dynamic field
    ('color == "red"', [0]),
    ('$meta["color"] == "blue"', [2]),
    ('color != "red"', [1, 2, 3, 4]),
    ("color is null", [1, 3, 4]),
    ("exists color", [0, 2, 3]),
    ("size > 3", [2, 4]),
    ("size % 2 == 0", [4]),
    ('color in ["red", "blue"]', [0, 2]),
    # arrays
    ("tags[0] == 1", [0]),
    ("tags[1] == 2", [0, 4]),
    ("tags[0] != 1", [1, 3, 4]),
    ("tags[5] is null", [0, 1, 2, 3, 4]),
    ("tags[0] is null", [2, 3]),
    ("tags[0] in [2, 3]", [1, 4]),
    ("tags[0] + 1 == 4", [1]),
    ("array_contains(tags, 2)", [0, 4]),
    ("ARRAY_CONTAINS(tags, 99)", []),
    ("array_contains_all(tags, [2, 5])", [4]),
    ("array_contains_any(tags, [3, 5])", [1, 4]),
    ("not array_contains(tags, 2)", [1, 3]),
    ("array_length(tags) == 0", [3]),
    ("array_length(tags) > 1", [0, 4]),
    ("array_length(words) == 1", [2, 3]),
    ('array_contains(words, "a")', [0, 3]),
    ('words[0] like "b%"', [4]),
    ('json_contains(words, "c")', [2, 4]),
    # field vs field
    ("x < id", [3, 4]),
    ("x == i8", []),
    ("f == d", [2, 3]),
    ("i8 > x", [2, 3, 4]),
]


@pytest.mark.parametrize(("expr", "expected"), CASES, ids=[c[0] for c in CASES])
def test_case(expr: str, expected: list[int]) -> None:
    clear_cache()
    compiled = compile_filter(expr, SCHEMA)
    fast = compiled.evaluate(TABLE)
    assert fast.dtype == bool and len(fast) == TABLE.num_rows
    assert [i for i, v in enumerate(fast) if v] == expected
    assert [i for i, v in enumerate(evaluate_reference(compiled, ROWS)) if v] == expected
    again = compiled.evaluate(TABLE)  # warm JSON cache gives the same answer
    assert (again == fast).all()


def test_empty_filter_matches_all() -> None:
    c = compile_filter("  ", SCHEMA)
    assert c.is_empty and c.evaluate(TABLE).all() and c.referenced_fields == frozenset()


def test_chunked_columns() -> None:
    chunked = pa.concat_tables([TABLE.slice(0, 2), TABLE.slice(2, 1), TABLE.slice(3)])
    assert chunked.column("meta").num_chunks == 3
    for expr, expected in CASES:
        mask = compile_filter(expr, SCHEMA).evaluate(chunked)
        assert [i for i, v in enumerate(mask) if v] == expected, expr


def test_sliced_table() -> None:
    sliced = TABLE.slice(1, 3)
    for expr, expected in CASES:
        mask = compile_filter(expr, SCHEMA).evaluate(sliced)
        assert [i + 1 for i, v in enumerate(mask) if v] == [i for i in expected if 1 <= i <= 3], expr


def test_empty_table() -> None:
    empty = TABLE.slice(0, 0)
    for expr, _ in CASES:
        assert len(compile_filter(expr, SCHEMA).evaluate(empty)) == 0


def test_templates_fill_literals() -> None:
    c = compile_filter("x in {xs} and title != {t} or id == {big}", SCHEMA,
                       {"xs": [1, 3, 4], "t": "b%c", "big": 9007199254740993})
    assert c.evaluate(TABLE).tolist() == [True, False, False, True, False]


def test_pk_values() -> None:
    assert compile_filter("id in [3, 1, 3, 2.0, 2.5]", SCHEMA).pk_values() == [3, 1, 2]
    assert compile_filter("id == 9007199254740993", SCHEMA).pk_values() == [9007199254740993]
    assert compile_filter("id in {ids}", SCHEMA, {"ids": [7]}).pk_values() == [7]
    assert compile_filter("id > 3", SCHEMA).pk_values() is None
    assert compile_filter("id in [1] and x > 1", SCHEMA).pk_values() is None
    assert compile_filter("x in [1]", SCHEMA).pk_values() is None
    assert compile_filter("", SCHEMA).pk_values() is None


def test_referenced_fields() -> None:
    c = compile_filter('x > 1 and meta["a"] == 1 or color == "r" or tags[0] == 1 or array_length(words) > 0',
                       SCHEMA)
    assert c.referenced_fields == frozenset({"x", "meta", "$meta", "tags", "words"})


def test_random_sample_is_seeded_and_and_ed() -> None:
    big = pa.table({"x": pa.array(range(10_000), pa.int32())})
    rows = big.to_pylist()
    c = compile_filter("random_sample(0.3) and x >= 5000", SCHEMA, seed=7)
    mask = c.evaluate(big)
    assert (mask == c.evaluate(big)).all()
    assert mask.tolist() == evaluate_reference(c, rows)
    assert not mask[:5000].any() and 1200 < mask.sum() < 1800


def test_missing_columns() -> None:
    t = pa.table({"id": pa.array([1, 2], pa.int64())})
    assert compile_filter("x > 0", SCHEMA).evaluate(t).tolist() == [False, False]
    assert compile_filter("x is null", SCHEMA).evaluate(t).tolist() == [True, True]
    assert compile_filter('color != "a"', SCHEMA).evaluate(t).tolist() == [True, True]
