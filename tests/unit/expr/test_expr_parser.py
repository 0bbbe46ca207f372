"""Parser and lexer: syntax, literals, templates, error positions and expectations."""

from __future__ import annotations

import pytest

from azimuth.engine.expr import ast as A
from azimuth.engine.expr.parser import parse
from azimuth.errors import Code, MilvusException


def err(expr: str, params: dict | None = None) -> MilvusException:
    with pytest.raises(MilvusException) as info:
        parse(expr, params)
    return info.value


@pytest.mark.parametrize("expr", ["", "   ", "\n\t"])
def test_empty_is_none(expr: str) -> None:
    assert parse(expr) is None


def test_int64_literal_is_exact() -> None:
    node = parse("x == 9007199254740993")
    assert isinstance(node, A.CmpN)
    assert node.operands[1] == A.LitN(9007199254740993, 5)
    assert isinstance(node.operands[1].value, int)


@pytest.mark.parametrize(
    ("src", "value"),
    [
        ('"a\\"b"', 'a"b'),
        ("'it\\'s'", "it's"),
        ('"back\\\\slash"', "back\\slash"),
        ('"tab\\tnl\\n"', "tab\tnl\n"),
        ('"\\u00e9t\\u00E9"', "été"),
        ('r"a\\d+"', "a\\d+"),
        ("R'x\\y'", "x\\y"),
        ('"100\\%"', "100\\%"),
        ("'single'", "single"),
        ("1.5e3", 1500.0),
        (".5", 0.5),
        ("0x1F", 31),
        ("12", 12),
    ],
)
def test_literals(src: str, value: object) -> None:
    node = parse(f"x == {src}")
    assert isinstance(node, A.CmpN)
    lit = node.operands[1]
    assert isinstance(lit, A.LitN) and lit.value == value and type(lit.value) is type(value)


@pytest.mark.parametrize("kw", ["and", "AND", "And", "&&"])
def test_and_keywords(kw: str) -> None:
    node = parse(f"a > 1 {kw} b < 2")
    assert isinstance(node, A.LogicN) and node.op == "and" and len(node.items) == 2


@pytest.mark.parametrize("kw", ["or", "OR", "||"])
def test_or_keywords(kw: str) -> None:
    node = parse(f"a > 1 {kw} b < 2 {kw} c == 3")
    assert isinstance(node, A.LogicN) and node.op == "or" and len(node.items) == 3


def test_precedence_and_binds_tighter_than_or() -> None:
    node = parse("a == 1 or b == 2 and c == 3")
    assert isinstance(node, A.LogicN) and node.op == "or"
    assert isinstance(node.items[1], A.LogicN) and node.items[1].op == "and"


@pytest.mark.parametrize("expr", ["not a == 1", "NOT a == 1", "!(a == 1)", "not (a == 1)"])
def test_not(expr: str) -> None:
    assert isinstance(parse(expr), A.NotN)


def test_arithmetic_precedence() -> None:
    node = parse("x + 2 * 3 ** 2 == 1")
    assert isinstance(node, A.CmpN)
    add = node.operands[0]
    assert isinstance(add, A.BinN) and add.op == "+"
    assert isinstance(add.right, A.BinN) and add.right.op == "*"
    assert isinstance(add.right.right, A.BinN) and add.right.right.op == "**"


def test_bitwise_binds_tighter_than_comparison() -> None:
    node = parse("x & 1 == 1")
    assert isinstance(node, A.CmpN) and isinstance(node.operands[0], A.BinN)


def test_chain_and_predicates() -> None:
    node = parse("1 < n <= 4")
    assert isinstance(node, A.CmpN) and node.ops == ("<", "<=")
    assert isinstance(parse("x not in [1, 2]"), A.InN)
    assert parse("x not in [1]").negated  # type: ignore[union-attr]
    assert isinstance(parse("x IS NOT NULL"), A.NullN)
    assert isinstance(parse("exists meta['k']"), A.ExistsN)
    assert isinstance(parse("EXISTS k"), A.ExistsN)
    assert isinstance(parse("t =~ 'a.*'"), A.RegexN)
    assert parse("t !~ 'a'").negated  # type: ignore[union-attr]
    assert isinstance(parse("t LIKE 'a%'"), A.LikeN)
    node = parse('meta["a"][0]["b"] == 1')
    assert isinstance(node, A.CmpN)
    sub = node.operands[0]
    assert isinstance(sub, A.SubN) and sub.key == "b"


def test_function_names_case_insensitive() -> None:
    node = parse("JSON_CONTAINS(meta['a'], 1)")
    assert isinstance(node, A.CallN) and node.name == "json_contains"


def test_templates() -> None:
    node = parse("x in {xs} and t == {name} and f > {f} and b == {b}",
                 {"xs": [1, [2, 3]], "name": "北京", "f": 1.5, "b": True})
    assert isinstance(node, A.LogicN)
    assert node.items[0].values == A.LitN([1, [2, 3]], 5)  # type: ignore[union-attr]
    assert node.items[1].operands[1].value == "北京"  # type: ignore[union-attr]


def test_template_missing_names_placeholder() -> None:
    e = err("x > {age} and y < 1", {"other": 1})
    assert e.code == Code.INVALID_PARAMETER
    assert "{age}" in e.message and "column 5" in e.message


def test_template_bad_type() -> None:
    e = err("x > {v}", {"v": {"a": 1}})
    assert e.code == 1100 and "{v}" in e.message


@pytest.mark.parametrize(
    ("expr", "column", "expected"),
    [
        ("x >", 4, "expected a field name, a literal"),
        ("(x > 1", 7, "expected ')'"),
        ("x > 1 y", 7, "expected 'and', 'or'"),
        ("x in [1, 2", 11, "expected ',' or ']'"),
        ('t == "abc', 6, "unterminated string"),
        ("x = 1", 3, "unexpected character"),
        ("x is nul", 6, "expected 'null'"),
        ("meta[x] == 1", 6, "string key or a non-negative integer index"),
        ("x == 1 and", 11, "got end of expression"),
        ("f(1, ", 6, "expected a field name"),
        ("x @ 1", 3, "unexpected character '@'"),
    ],
)
def test_syntax_errors_point_at_column(expr: str, column: int, expected: str) -> None:
    e = err(expr)
    assert e.code == Code.INVALID_PARAMETER
    assert e.message.startswith(f"cannot parse expression: {expr}")
    assert f"at column {column}" in e.message
    assert expected in e.message


@pytest.mark.parametrize(
    "expr",
    ["text_match(t, 'a')", "TEXT_MATCH(t, 'a')", "phrase_match(t, 'a b', 1)", "PHRASE_MATCH(t, 'a')",
     "ST_CONTAINS(g, 'POINT (1 1)')", "st_dwithin(g, 'POINT (1 1)', 5)", "element_filter(c, $[x] > 1)",
     "MATCH_ANY(c, $[x] > 1)", "x << 2 == 1", "ts > INTERVAL '1d'"],
)
def test_unsupported_features(expr: str) -> None:
    e = err(expr)
    assert e.code == Code.UNSUPPORTED and "not supported yet" in e.message
