"""Property test: arbitrary scalar / JSON / dynamic rows survive rows → table → rows unchanged."""

from __future__ import annotations

from tests.budget import examples
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.unit.rows.rows_testlib import make_schema

from azimuth.types.enums import DataType
from azimuth.types.rows import rows_to_table, table_to_rows
from azimuth.types.schema import FieldSchema

SCHEMA = make_schema(
    FieldSchema("n", DataType.INT64, nullable=True),
    FieldSchema("s", DataType.VARCHAR, max_length=200),
    FieldSchema("d", DataType.DOUBLE),
    FieldSchema("j", DataType.JSON),
    FieldSchema("a", DataType.ARRAY, element_type=DataType.INT32, max_capacity=5),
    dynamic=True,
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3),
    max_leaves=8,
)
rows_strategy = st.lists(
    st.fixed_dictionaries(
        {
            "n": st.none() | st.integers(-(2**63), 2**63 - 1),
            "s": st.text(max_size=50),
            "d": st.floats(allow_nan=False, allow_infinity=False),
            "j": json_values.filter(lambda v: v is not None and not isinstance(v, str)),  # str = JSON text
            "a": st.lists(st.integers(-(2**31), 2**31 - 1), max_size=5),
        },
        optional={"dyn": json_values, "other": st.integers(0, 9)},
    ),
    max_size=12,
)


@settings(max_examples=examples(150), deadline=None)
@given(rows_strategy)
def test_round_trip(rows: list[dict]) -> None:
    rows = [{"id": i, **r} for i, r in enumerate(rows)]
    out = table_to_rows(rows_to_table(rows, SCHEMA), SCHEMA, ["id", "n", "s", "d", "j", "a"], None)
    assert out == rows
