"""Bad values: the exception class pymilvus (client side) or Milvus (server side, code 1100) would raise."""

from __future__ import annotations

import math

import ml_dtypes
import numpy as np
import pytest
from tests.unit.rows.rows_testlib import make_schema

from azimuth.errors import DataNotMatchException, MilvusException, ParamError
from azimuth.types.enums import DataType
from azimuth.types.rows import rows_to_table
from azimuth.types.schema import FieldSchema

SERVER = "server"  # plain MilvusException with code 1100

CASES = [
    # (dtype, field kwargs, bad value, expected class, message fragment)
    (DataType.INT64, {}, "3", DataNotMatchException, "{x} field should be a int64, but got a {<class 'str'>}"),
    (DataType.INT64, {}, 1.5, DataNotMatchException, "cannot be interpreted as an integer"),
    (DataType.INT64, {}, True, DataNotMatchException, "got a boolean"),
    (DataType.INT64, {}, 2**64, DataNotMatchException, "Value out of range"),
    (DataType.INT32, {}, 2**40, DataNotMatchException, "field should be a int,"),
    (DataType.INT8, {}, 300, SERVER, "out of range [-128, 127]"),
    (DataType.INT16, {}, -40000, SERVER, "out of range [-32768, 32767]"),
    (DataType.FLOAT, {}, "1.5", DataNotMatchException, "must be real number, not str"),
    (DataType.FLOAT, {}, math.nan, SERVER, "NaN"),
    (DataType.DOUBLE, {}, math.inf, SERVER, "Inf"),
    (DataType.FLOAT, {}, 1e300, SERVER, "Inf"),
    (DataType.BOOL, {}, 1.0, DataNotMatchException, "field should be a bool"),
    (DataType.BOOL, {}, "true", DataNotMatchException, "field should be a bool"),
    (DataType.VARCHAR, {"max_length": 4}, 5, DataNotMatchException, "field should be a varchar"),
    (DataType.VARCHAR, {"max_length": 4}, b"ab", ParamError, "field (x) expects string input, got: <class 'int'>"),
    (DataType.VARCHAR, {"max_length": 4}, ["ab"], DataNotMatchException, "field should be a varchar"),
    (DataType.VARCHAR, {"max_length": 4}, "abcde", SERVER, "length: 5 bytes (UTF-8), max length: 4"),
    (DataType.VARCHAR, {"max_length": 4}, "ééé", SERVER, "length: 6 bytes"),
    (DataType.TEXT, {}, 5, DataNotMatchException, "field should be a text"),
    (DataType.JSON, {}, "not json", DataNotMatchException, "Invalid JSON string"),
    (DataType.JSON, {}, {1: "a"}, DataNotMatchException, "JSON key must be str."),
    (DataType.JSON, {}, {"a": {1, 2}}, DataNotMatchException, "field should be a json"),
    (DataType.ARRAY, {"element_type": DataType.INT64, "max_capacity": 2}, [1, 2, 3], SERVER, "max capacity (2)"),
    (DataType.ARRAY, {"element_type": DataType.INT64, "max_capacity": 4}, [1, "2"], DataNotMatchException,
     "field should be a array"),
    (DataType.ARRAY, {"element_type": DataType.INT64, "max_capacity": 4}, [1, None], DataNotMatchException,
     "field should be a array"),
    (DataType.ARRAY, {"element_type": DataType.INT64, "max_capacity": 4}, 5, DataNotMatchException,
     "field should be a array"),
    (DataType.ARRAY, {"element_type": DataType.VARCHAR, "max_capacity": 4, "max_length": 2}, ["abc"],
     SERVER, "exceeds max length"),
    (DataType.ARRAY, {"element_type": DataType.INT8, "max_capacity": 4}, [1, 1000], SERVER, "out of range"),
    (DataType.TIMESTAMPTZ, {}, 1735689600, DataNotMatchException, "field should be a string"),
    (DataType.TIMESTAMPTZ, {}, "yesterday", SERVER, "invalid timestamptz"),
    (DataType.GEOMETRY, {}, 5, DataNotMatchException, "field should be a geometry"),
    (DataType.GEOMETRY, {}, "CIRCLE (1 2)", SERVER, "invalid WKT"),
    (DataType.FLOAT_VECTOR, {"dim": 3}, [1.0, 2.0], SERVER,
     "the dim (2) of field data(x) is not equal to schema dim (3)"),
    (DataType.FLOAT_VECTOR, {"dim": 3}, [1.0, "a", 2.0], DataNotMatchException, "field should be a float_vector"),
    (DataType.FLOAT_VECTOR, {"dim": 3}, [1.0, None, 2.0], DataNotMatchException, "float_vector"),
    (DataType.FLOAT_VECTOR, {"dim": 3}, 1.0, DataNotMatchException, "float_vector"),
    (DataType.FLOAT_VECTOR, {"dim": 3}, "abc", DataNotMatchException, "float_vector"),
    (DataType.FLOAT_VECTOR, {"dim": 3}, np.array([1, 2, 3]), ParamError, "Expected an np.ndarray with dtype=float32"),
    (DataType.FLOAT_VECTOR, {"dim": 3}, np.ones(3, np.float16), ParamError, "dtype=float32"),
    (DataType.FLOAT_VECTOR, {"dim": 3}, np.ones(4, np.float32), SERVER, "the dim (4)"),
    (DataType.FLOAT_VECTOR, {"dim": 3}, [1.0, math.nan, 2.0], SERVER, "NaN or Inf"),
    (DataType.FLOAT16_VECTOR, {"dim": 2}, (1.0, 2.0), ParamError, "Expected bytes or np.ndarray(dtype=float16)"),
    (DataType.FLOAT16_VECTOR, {"dim": 2}, np.ones(2, np.int8), ParamError, "dtype=float16"),
    (DataType.FLOAT16_VECTOR, {"dim": 2}, b"\x00" * 6, SERVER, "the dim (3)"),
    (DataType.FLOAT16_VECTOR, {"dim": 2}, [1e6, 1.0], SERVER, "NaN or Inf"),
    (DataType.BFLOAT16_VECTOR, {"dim": 2}, np.ones(2, np.float16), ParamError, "dtype=bfloat16"),
    (DataType.BFLOAT16_VECTOR, {"dim": 2}, np.ones(3, ml_dtypes.bfloat16), SERVER, "the dim (3)"),
    (DataType.INT8_VECTOR, {"dim": 2}, np.ones(2, np.float32), ParamError, "dtype=int8"),
    (DataType.INT8_VECTOR, {"dim": 2}, "ab", ParamError, "Expected bytes or np.ndarray"),
    (DataType.INT8_VECTOR, {"dim": 2}, [1, 200], SERVER, "[-128, 127]"),
    (DataType.INT8_VECTOR, {"dim": 2}, [1, 2, 3], SERVER, "the dim (3)"),
    (DataType.BINARY_VECTOR, {"dim": 16}, b"\x00", SERVER, "the dim (8)"),
    (DataType.BINARY_VECTOR, {"dim": 16}, "ab", DataNotMatchException, "field should be a binary_vector"),
    (DataType.BINARY_VECTOR, {"dim": 16}, 2, DataNotMatchException, "has no len()"),
    (DataType.BINARY_VECTOR, {"dim": 16}, [0, 256], DataNotMatchException, "binary_vector"),
    (DataType.SPARSE_FLOAT_VECTOR, {}, {-1: 0.5}, ParamError, "index must be positive and less than 2^32-1: -1"),
    (DataType.SPARSE_FLOAT_VECTOR, {}, {2**32 - 1: 0.5}, ParamError, "less than 2^32-1"),
    (DataType.SPARSE_FLOAT_VECTOR, {}, {1: math.nan}, ParamError, "sparse vector value must not be NaN"),
    (DataType.SPARSE_FLOAT_VECTOR, {}, {1: math.inf}, SERVER, "infinite"),
    (DataType.SPARSE_FLOAT_VECTOR, {}, {1: 2}, ParamError, "invalid input for sparse float vector"),
    (DataType.SPARSE_FLOAT_VECTOR, {}, {"a": 0.5}, ParamError, "invalid input for sparse float vector"),
    (DataType.SPARSE_FLOAT_VECTOR, {}, [(1, 0.5, 3)], ParamError, "invalid input for sparse float vector"),
    (DataType.SPARSE_FLOAT_VECTOR, {}, "1:0.5", ParamError, "invalid input for sparse float vector"),
    (DataType.SPARSE_FLOAT_VECTOR, {}, [(1, 0.5), (1, 0.25)], SERVER, "index 1 more than once"),
]


def _ids(case: tuple) -> str:
    return f"{case[0].name}-{type(case[2]).__name__}-{str(case[2])[:12]}"


@pytest.mark.parametrize("case", CASES, ids=[_ids(c) for c in CASES])
def test_bad_value(case: tuple) -> None:
    dtype, kwargs, bad, expected, fragment = case
    schema = make_schema(FieldSchema("x", dtype, **kwargs))
    with pytest.raises(MilvusException) as info:
        rows_to_table([{"id": 1, "x": bad}], schema)
    err = info.value
    if expected is SERVER:
        assert type(err) is MilvusException, err
        assert err.code == 1100
    else:
        assert type(err) is expected, err
    assert fragment in err.message, err.message


def test_server_errors_name_the_original_row_despite_nulls() -> None:
    schema = make_schema(FieldSchema("v", DataType.FLOAT_VECTOR, dim=2, nullable=True))
    rows = [{"id": 0, "v": None}, {"id": 1, "v": [1, 2]}, {"id": 2, "v": None}, {"id": 3, "v": [1, 2, 3]}]
    with pytest.raises(MilvusException, match="at row 3"):
        rows_to_table(rows, schema)


def test_numpy_fast_path_reports_the_bad_row() -> None:
    schema = make_schema(FieldSchema("v", DataType.FLOAT_VECTOR, dim=4))
    rows = [{"id": i, "v": np.ones(4, np.float32)} for i in range(10)]
    rows[7]["v"] = np.ones(5, np.float32)
    with pytest.raises(MilvusException, match=r"the dim \(5\).*at row 7"):
        rows_to_table(rows, schema)
    rows[7]["v"] = np.ones(4, np.float32)
    rows[8]["v"] = np.full(4, np.inf, np.float32)
    with pytest.raises(MilvusException, match="at row 8"):
        rows_to_table(rows, schema)


def test_list_path_reports_the_bad_row() -> None:
    schema = make_schema(FieldSchema("v", DataType.FLOAT_VECTOR, dim=4))
    rows = [{"id": i, "v": [1.0] * 4} for i in range(10)]
    rows[5]["v"] = [1.0] * 3
    with pytest.raises(MilvusException, match=r"the dim \(3\).*at row 5"):
        rows_to_table(rows, schema)


def test_varchar_max_length_counts_utf8_bytes_like_milvus() -> None:
    schema = make_schema(FieldSchema("s", DataType.VARCHAR, max_length=3))
    assert rows_to_table([{"id": 1, "s": "abc"}], schema).num_rows == 1
    with pytest.raises(MilvusException) as info:
        rows_to_table([{"id": 1, "s": "ab"}, {"id": 2, "s": "aéé"}], schema)
    assert type(info.value) is MilvusException and "row number: 1" in info.value.message
