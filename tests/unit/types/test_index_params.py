"""IndexParams / IndexParam: pymilvus-compatible shape (differential against pymilvus 3.0.2)."""

from __future__ import annotations

from typing import Any

import pytest
from pymilvus import MilvusClient
from pymilvus.milvus_client.index import IndexParam as PmIndexParam

from azimuth.errors import ParamError
from azimuth.types import IndexParam, IndexParams, prepare_index_params

CASES: list[tuple[str, dict[str, Any]]] = [
    ("vec", {"index_type": "HNSW", "metric_type": "COSINE", "params": {"M": 16, "efConstruction": 200}}),
    ("vec", {"index_type": "IVF_FLAT", "index_name": "ivf", "metric_type": "L2", "nlist": 64}),
    ("vec", {"metric_type": "IP", "params": {"nlist": 1}, "nlist": 2}),
    ("title", {"index_type": "INVERTED"}),
    ("meta", {"index_type": "INVERTED", "params": {"json_path": "meta['a']", "json_cast_type": "varchar"}}),
    ("vec", {"params": None}),
    ("", {}),
]


@pytest.mark.parametrize(("field", "kwargs"), CASES)
def test_prepare_matches_pymilvus(field: str, kwargs: dict[str, Any]) -> None:
    ours = prepare_index_params(field, **kwargs)
    theirs = MilvusClient.prepare_index_params(field, **kwargs)
    assert isinstance(ours, list) and len(ours) == len(theirs)
    assert str(ours) == str(theirs) and repr(ours) == repr(theirs)
    for a, b in zip(ours, theirs):
        assert a.to_dict() == b.to_dict()
        assert (a.field_name, a.index_type, a.index_name) == (b.field_name, b.index_type, b.index_name)
        assert a.get_index_configs() == dict(b.get_index_configs())
        assert str(a) == str(b)


def test_add_index_flattens_params_and_keeps_metric() -> None:
    p = IndexParams()
    p.add_index("vec", "HNSW", "h", metric_type="L2", params={"M": 8, "metric_type": "IP"}, efConstruction=40)
    p.add_index("title")
    assert len(p) == 2
    first = p[0]
    assert first.params == {"M": 8, "metric_type": "L2", "efConstruction": 40}
    assert first.metric_type == "L2"
    assert first.to_dict() == {"field_name": "vec", "index_type": "HNSW", "index_name": "h", "M": 8,
                               "metric_type": "L2", "efConstruction": 40}
    assert p[1].to_dict() == {"field_name": "title", "index_type": "", "index_name": ""}
    assert p[1].get_index_configs() == {} and p[1].metric_type is None
    assert first.get_index_configs() == {"M": 8, "metric_type": "L2", "efConstruction": 40, "index_type": "HNSW"}
    assert "index_type" not in first.params  # get_index_configs returns a copy


def test_iter_and_equality() -> None:
    a = IndexParam("v", "FLAT", "", metric_type="L2")
    b = IndexParam("v", "FLAT", "", params={"metric_type": "L2"})
    assert dict(a) == a.to_dict()
    assert a == b and a == a.to_dict() and a != IndexParam("v", "FLAT", "x", metric_type="L2")
    assert a != "v" and a != ["v"]
    assert prepare_index_params("v", index_type="FLAT", metric_type="L2") == [a]
    # pymilvus's own IndexParam.__eq__ raises TypeError (not iterable); ours compares the dicts.
    with pytest.raises(TypeError):
        _ = PmIndexParam("v", "FLAT", "") == PmIndexParam("v", "FLAT", "")


def test_errors() -> None:
    with pytest.raises(ParamError, match="params must be a dict or None"):
        IndexParam("v", "", "", params=[1])
    with pytest.raises(ParamError, match=r"wrong type of argument \[field_name\]"):
        prepare_index_params(5)  # type: ignore[arg-type]
    assert prepare_index_params() == [] and isinstance(prepare_index_params(), IndexParams)
