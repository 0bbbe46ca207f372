"""Differential check: for the same bad row, our exception class (and message head) equals pymilvus's
client-side one; where pymilvus lets the row through (the server decides), we raise MilvusException(1100)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from tests.unit.rows.test_rows_value_errors import CASES

from azimuth.errors import MilvusException
from azimuth.types.enums import DataType
from azimuth.types.rows import rows_to_table
from azimuth.types.schema import CollectionSchema, FieldSchema

pymilvus = pytest.importorskip("pymilvus")
from pymilvus.client.prepare import Prepare  # noqa: E402

# Accepted by us, rejected by pymilvus: int8 vectors given as plain lists (REST/JSON clients send them so).
DELIBERATE = {(DataType.INT8_VECTOR, "list")}


def _schemas(dtype: DataType, kwargs: dict, dynamic: bool = False) -> tuple[CollectionSchema, list[dict]]:
    ours = CollectionSchema([FieldSchema("id", DataType.INT64, is_primary=True), FieldSchema("x", dtype, **kwargs)],
                            enable_dynamic_field=dynamic)
    theirs_kwargs = {k: (pymilvus.DataType(int(v)) if isinstance(v, DataType) else v) for k, v in kwargs.items()}
    theirs = pymilvus.CollectionSchema(
        [pymilvus.FieldSchema("id", pymilvus.DataType.INT64, is_primary=True),
         pymilvus.FieldSchema("x", pymilvus.DataType(int(dtype)), **theirs_kwargs)],
        enable_dynamic_field=dynamic,
    )
    return ours, theirs.to_dict()["fields"]


def _pymilvus_error(rows: list, fields_info: list[dict], dynamic: bool) -> Exception | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            Prepare.row_insert_param("c", rows, "", fields_info, enable_dynamic=dynamic)
        except Exception as exc:  # noqa: BLE001 - we compare whatever pymilvus raises
            return exc
    return None


def _compare(rows: list, ours_schema: CollectionSchema, fields_info: list[dict], dynamic: bool = False) -> None:
    theirs = _pymilvus_error(rows, fields_info, dynamic)
    with pytest.raises(MilvusException) as info:
        rows_to_table(rows, ours_schema)
    ours = info.value
    if theirs is None:
        assert type(ours) is MilvusException and ours.code == 1100, ours
        return
    assert type(ours).__name__ == type(theirs).__name__, (ours, theirs)
    assert ours.message.split(" Detail:")[0] == theirs.message.split(" Detail:")[0]


@pytest.mark.parametrize("case", CASES, ids=[f"{c[0].name}-{type(c[2]).__name__}-{str(c[2])[:12]}" for c in CASES])
def test_value_errors_match_pymilvus(case: tuple) -> None:
    dtype, kwargs, bad, _, _ = case
    if (dtype, type(bad).__name__) in DELIBERATE:
        pytest.skip("deliberately more lenient than pymilvus")
    ours, fields_info = _schemas(dtype, kwargs)
    _compare([{"id": 1, "x": bad}], ours, fields_info)


ROW_CASES = [
    ("unexpected key", [{"id": 1, "x": [1.0, 2.0], "y": 1}], False),
    ("missing field", [{"id": 1}], False),
    ("non-dict row", [{"id": 1, "x": [1.0, 2.0]}, 5], False),
    ("unserialisable dynamic value", [{"id": 1, "x": [1.0, 2.0], "y": object()}], True),
    ("wrong dim", [{"id": 1, "x": [1.0, 2.0, 3.0]}], False),
    ("int64 string pk", [{"id": "1", "x": [1.0, 2.0]}], False),
]


@pytest.mark.parametrize(("name", "rows", "dynamic"), ROW_CASES, ids=[c[0] for c in ROW_CASES])
def test_row_errors_match_pymilvus(name: str, rows: list, dynamic: bool) -> None:
    ours, fields_info = _schemas(DataType.FLOAT_VECTOR, {"dim": 2}, dynamic)
    _compare(rows, ours, fields_info, dynamic)


def test_valid_rows_pass_both() -> None:
    ours, fields_info = _schemas(DataType.FLOAT_VECTOR, {"dim": 2}, True)
    rows = [{"id": 1, "x": np.ones(2, np.float32), "k": "v"}, {"id": 2, "x": [0.5, 1]}]
    assert _pymilvus_error(rows, fields_info, True) is None
    assert rows_to_table(rows, ours).num_rows == 2


def test_pymilvus_schema_objects_are_accepted() -> None:
    schema = pymilvus.CollectionSchema(
        [pymilvus.FieldSchema("id", pymilvus.DataType.INT64, is_primary=True, auto_id=True),
         pymilvus.FieldSchema("v", pymilvus.DataType.FLOAT_VECTOR, dim=2),
         pymilvus.FieldSchema("n", pymilvus.DataType.INT32, nullable=True, default_value=3)],
        enable_dynamic_field=True,
    )
    table = rows_to_table([{"v": [1, 2], "z": 1}, {"v": [3, 4], "n": None}], schema)
    assert table.column_names == ["v", "n", "$meta"]
    assert table.column("n").to_pylist() == [None, None]
