"""Compile-time checks: unknown fields, type mismatches, bad function use — all code 1100 with clear messages."""

from __future__ import annotations

import pytest

from azimuth.engine.expr import FilterField, FilterSchema, compile_filter
from azimuth.errors import Code, MilvusException
from azimuth.types.enums import DataType as D

FIELDS = (
    FilterField("id", D.INT64, is_primary=True),
    FilterField("title", D.VARCHAR),
    FilterField("n", D.INT32),
    FilterField("f", D.FLOAT),
    FilterField("b", D.BOOL),
    FilterField("meta", D.JSON),
    FilterField("tags", D.ARRAY, element_type=D.INT64),
    FilterField("vec", D.FLOAT_VECTOR),
    FilterField("geo", D.GEOMETRY),
)
STATIC = FilterSchema(FIELDS)
DYNAMIC = FilterSchema(FIELDS, dynamic=True)


def err(expr: str, schema: FilterSchema = STATIC, params: dict | None = None) -> MilvusException:
    with pytest.raises(MilvusException) as info:
        compile_filter(expr, schema, params)
    return info.value


def test_unknown_field_names_it_and_lists_fields() -> None:
    e = err("titel == 'a'")
    assert e.code == Code.INVALID_PARAMETER
    assert "field titel not exist" in e.message and "id, title, n" in e.message
    assert e.message.startswith("cannot parse expression: titel == 'a'")


def test_unknown_name_is_dynamic_key_on_dynamic_collection() -> None:
    c = compile_filter("titel == 'a'", DYNAMIC)
    assert c.referenced_fields == frozenset({"$meta"})


def test_meta_needs_dynamic() -> None:
    assert "dynamic" in err('$meta["a"] == 1').message
    compile_filter('$meta["a"] == 1', DYNAMIC)


@pytest.mark.parametrize(
    ("expr", "needle"),
    [
        ("title > 3", "title"),
        ("n == 'x'", "n"),
        ("n == true", "n"),
        ("b > true", "BOOL"),
        ("b == 1", "b"),
        ("vec > 1", "vector field vec"),
        ("vec is null", "vector field vec"),
        ("tags == 1", "array_contains"),
        ("tags > [1]", "tags"),
        ("title in [1, 2]", "in"),
        ("n in ['a']", "in"),
        ("n in 3", "list"),
        ("n like 'a%'", "like"),
        ("title like 3", "string pattern"),
        ("n =~ 'a'", "=~"),
        ("title =~ '('", "invalid regular expression"),
        ("array_contains(n, 1)", "array_contains"),
        ("array_contains(tags, 'a')", "array_contains"),
        ("array_contains_all(tags, 1)", "must be a list"),
        ("json_contains(meta)", "two arguments"),
        ("array_length(n) == 1", "array_length"),
        ("array_length(tags)", "must be compared"),
        ("exists n", "exists"),
        ("title + 1 == 2", "title"),
        ("n & 1.5 == 1", "bitwise"),
        ("f & 1 == 1", "bitwise"),
        ("n / 0 == 1", "division by zero"),
        ("n % 0 == 1", "division by zero"),
        ("n + id == 1", "one field and constants"),
        ("2 / n == 1", "left operand"),
        ("1 == 1", "at least one field"),
        ("n", "boolean expression"),
        ("tags['a'] == 1", "integer index"),
        ("n[0] == 1", "cannot index"),
        ("1 < n > 4", "same way"),
        ("1 < n < 4 < 5", "at most two"),
        ("random_sample(1.5)", "(0, 1)"),
        ("random_sample(0.5) or n > 1", "AND-ed"),
        ("not random_sample(0.5)", "AND-ed"),
        ("random_sample(0.5) and random_sample(0.2)", "once"),
        ("unknown_fn(n)", "unknown function"),
        ("n + 99999999999999999999 > 1", "int64 range"),
        ("title == n", "cannot compare"),
        ("meta['a'] == ISO '2024-01-01'", "TIMESTAMPTZ"),
    ],
)
def test_type_errors(expr: str, needle: str) -> None:
    e = err(expr)
    assert e.code == Code.INVALID_PARAMETER, e.message
    assert needle in e.message, e.message
    assert e.message.startswith(f"cannot parse expression: {expr}")


def test_geometry_is_unsupported() -> None:
    assert err("geo == 'POINT (1 1)'").code == Code.UNSUPPORTED


def test_filter_must_be_string() -> None:
    with pytest.raises(MilvusException):
        compile_filter(3, STATIC)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "expr", ["meta['a'] > 'x'", "meta['a'] == [1, 'a']", "meta in [1]", "n + 1 in [2, 3]", "-n < 3", "f == 1"]
)
def test_accepted(expr: str) -> None:
    compile_filter(expr, STATIC)
