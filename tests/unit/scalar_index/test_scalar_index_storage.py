"""Save/load round trips (memory-mapped, never rebuilt), JSON path keys, and evaluator integration."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from azimuth.engine.expr import FilterField, FilterSchema, compile_filter, evaluate_reference
from azimuth.engine.scalar_index import (
    build_scalar_index,
    json_path_key,
    load_scalar_index,
    parse_json_path,
)
from azimuth.engine.scalar_index import build as build_module
from azimuth.types.enums import DataType as D

SCHEMA = FilterSchema(
    (
        FilterField("id", D.INT64, is_primary=True),
        FilterField("x", D.INT32, nullable=True),
        FilterField("f", D.FLOAT),
        FilterField("s", D.VARCHAR, nullable=True),
        FilterField("b", D.BOOL),
        FilterField("meta", D.JSON, nullable=True),
        FilterField("tags", D.ARRAY, element_type=D.INT64, nullable=True),
    ),
    dynamic=True,
)
TABLE = pa.table({
    "id": pa.array(range(8), pa.int64()),
    "x": pa.array([3, None, 7, 3, -1, 100, None, 8], pa.int32()),
    "f": pa.array([0.1, 0.5, float("nan"), 2.0, -1.0, 0.1, 3.5, 1e30], pa.float32()),
    "s": pa.array(["apple", "apricot", None, "banana", "", "ap", "b%", "apple"], pa.string()),
    "b": pa.array([True, False, True, True, False, False, True, False]),
    "meta": pa.array([json.dumps(d) if d is not None else None for d in
                      [{"lang": "en", "n": 1, "t": [1, 2]}, {"lang": "fr", "n": 2.5}, None, {"lang": "en", "n": "3"},
                       {"lang": 1, "t": ["en"]}, {"n": 2**60, "t": []}, {"lang": "de", "n": -4}, {"lang": "en"}]]),
    "tags": pa.array([[1, 2], None, [], [3], [1, 1], [2, 5], None, [9]], pa.list_(pa.int64())),
    "$meta": pa.array([json.dumps({"k": i % 3}) for i in range(8)]),
})  # fmt: skip
SPECS = {
    "x": ("STL_SORT", D.INT32, {}),
    "f": ("INVERTED", D.FLOAT, {}),
    "s": ("TRIE", D.VARCHAR, {}),
    "b": ("BITMAP", D.BOOL, {}),
    "tags": ("INVERTED", D.ARRAY, {}),
    'meta["lang"]': ("INVERTED", D.JSON, {"json_path": 'meta["lang"]', "json_cast_type": "varchar"}),
    'meta["n"]': ("INVERTED", D.JSON, {"json_path": "meta['n']", "json_cast_type": "double"}),
    'meta["t"]': ("AUTOINDEX", D.JSON, {"json_path": 'meta["t"]', "json_cast_type": "array_varchar"}),
    '$meta["k"]': ("INVERTED", D.JSON, {"json_path": '$meta["k"]', "json_cast_type": "double"}),
}
FILTERS = [
    "x > 3", "x >= 3 and x < 100", "3 <= x <= 8", "x in [3, 8, 2.5]", "x not in [3]", "x == 3.0", "x < 1e30",
    "f > 0.1", "f == 0.1", "0 <= f < 3", "f in [0.5, 2]", "s == 'apple'", 's like "ap%"', "s like '%'",
    's like "a_p%"', "s > 'b' and s < 'c'", "s in ['ap', 'zz', '']", "b == true", "b", "not b", "s != 'apple'",
    "array_contains(tags, 1)", "array_contains_all(tags, [1, 2])", "array_contains_any(tags, [5, 9])",
    "array_contains_all(tags, [])", 'meta["lang"] == "en"', 'meta["lang"] like "e%"', 'meta["lang"] in ["fr", "de"]',
    'meta["lang"] == 1', 'meta["n"] > 1', '0 < meta["n"] < 3', 'meta["n"] == "3"', 'meta["n"] in [1, -4]',
    'json_contains(meta["t"], "en")', 'json_contains_any(meta["t"], [1, "en"])', "k == 1", "k > 0 or x == 7",
    'not (meta["n"] > 0)', 'meta["lang"] == "en" and x == 3',
]  # fmt: skip


def _indexes(table: pa.Table) -> dict:
    out = {}
    for key, (itype, dtype, params) in SPECS.items():
        field = parse_json_path(params["json_path"])[0] if params else key
        index = build_scalar_index(itype, dtype, table.column(field), params)
        index.field_name = field
        out[key] = index
    return out


def test_path_keys() -> None:
    assert json_path_key("meta", ("a", 0, "b")) == 'meta["a"][0]["b"]'
    assert json_path_key("$meta", ('q"x',)) == '$meta["q\\"x"]'
    assert parse_json_path("meta['a'][0][\"b\"]") == ("meta", ("a", 0, "b"))
    assert parse_json_path("meta") == ("meta", ())
    for bad in ("meta[", "meta[a]", '["a"]', "meta[-1]", 'meta["a"]x'):
        with pytest.raises(ValueError):
            parse_json_path(bad)


@pytest.mark.parametrize("expr", FILTERS)
def test_indexes_do_not_change_results(expr: str) -> None:
    compiled = compile_filter(expr, SCHEMA)
    table = pa.concat_tables([TABLE.slice(0, 3), TABLE.slice(3)])
    want = evaluate_reference(compiled, TABLE.to_pylist())
    assert compiled.evaluate(table).tolist() == want
    assert compiled.evaluate(table, _indexes(table)).tolist() == want


def test_index_answers_are_used(monkeypatch: pytest.MonkeyPatch) -> None:
    from azimuth.engine.expr import jsoncol

    indexes = _indexes(TABLE)
    jsoncol.clear_cache()

    def fail(*args: object) -> None:
        raise AssertionError("JSON parsed although an index answers")

    monkeypatch.setattr(jsoncol, "json_vals", fail)
    monkeypatch.setattr(jsoncol, "json_elements", fail)
    for expr in ('meta["lang"] == "en"', '0 < meta["n"] < 3', 'json_contains(meta["t"], "en")', "k == 1"):
        assert compile_filter(expr, SCHEMA).evaluate(TABLE, indexes).any()


def test_mismatched_or_missing_indexes_are_ignored() -> None:
    compiled = compile_filter("x > 3", SCHEMA)
    small = build_scalar_index("STL_SORT", D.INT32, TABLE.column("x").slice(0, 4), {})
    want = compiled.evaluate(TABLE).tolist()
    assert compiled.evaluate(TABLE, {"x": small}).tolist() == want  # wrong row count → scan
    assert compiled.evaluate(TABLE, {}).tolist() == want
    arr = build_scalar_index("INVERTED", D.ARRAY, TABLE.column("tags"), {})
    assert compiled.evaluate(TABLE, {"x": arr}).tolist() == want  # an array index never answers x > 3


@pytest.mark.parametrize("key", list(SPECS))
def test_save_load_round_trip(tmp_path: Path, key: str, monkeypatch: pytest.MonkeyPatch) -> None:
    index = _indexes(TABLE)[key]
    index.save(tmp_path / "idx")

    def no_build(*args: object) -> None:
        raise AssertionError("load rebuilt the index")

    monkeypatch.setattr(build_module, "build_scalar_index", no_build)
    loaded = load_scalar_index(tmp_path / "idx")
    assert (loaded.index_type, loaded.json_path, loaded.is_array, loaded.num_rows, loaded.field_name) == (
        index.index_type, index.json_path, index.is_array, index.num_rows, index.field_name)  # fmt: skip
    for name, part in loaded.parts.items():
        for arr in part.arrays().values():
            assert isinstance(arr, np.memmap) or arr.size == 0, name
    for expr in FILTERS:
        compiled = compile_filter(expr, SCHEMA)
        assert compiled.evaluate(TABLE, {key: loaded}).tolist() == compiled.evaluate(TABLE).tolist(), expr


def test_load_errors(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no readable scalar index"):
        load_scalar_index(tmp_path)
    index = build_scalar_index("INVERTED", D.INT32, TABLE.column("x"), {})
    index.save(tmp_path)
    meta = json.loads((tmp_path / "meta.json").read_text())
    (tmp_path / "meta.json").write_text(json.dumps({**meta, "format": 99}))
    with pytest.raises(ValueError, match="format"):
        load_scalar_index(tmp_path)


def test_empty_segment(tmp_path: Path) -> None:
    for dtype, arr in ((D.INT64, pa.array([], pa.int64())), (D.VARCHAR, pa.array([], pa.string()))):
        index = build_scalar_index("INVERTED", dtype, pa.chunked_array([], arr.type), {})
        index.save(tmp_path / dtype.name)
        loaded = load_scalar_index(tmp_path / dtype.name)
        assert loaded.equal(1 if dtype == D.INT64 else "a").tolist() == []
