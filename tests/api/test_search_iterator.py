"""search_iterator (sync client only): distance order, no repeats or skips while writes go on, limits."""

from __future__ import annotations

import numpy as np
import pytest

from azimuth import MilvusClient
from azimuth.errors import ParamError
from tests.grpc.server import running_server


@pytest.fixture(params=["embedded", "grpc"])
def uri(request, tmp_path):
    if request.param == "embedded":
        yield str(tmp_path / "si.db")
        return
    with running_server(tmp_path / "server") as address:
        yield address


@pytest.fixture
def setup(uri):
    client = MilvusClient(uri)
    client.create_collection("c", dimension=8, metric_type="L2")
    vecs = np.random.default_rng(2).normal(size=(700, 8)).astype(np.float32)
    vecs[100] = vecs[101] = vecs[102] = vecs[0] + 0.5  # ties
    client.insert("c", [{"id": i, "vector": vecs[i], "g": i % 3} for i in range(700)])
    client.flush("c")
    yield client, vecs
    client.close()


def drain(it):
    out = []
    while True:
        page = it.next()
        if not page:
            return out
        out.extend((h.id, h.distance) for h in page)


def test_iterates_all_in_distance_order(setup):
    client, vecs = setup
    got = drain(client.search_iterator("c", data=[vecs[0]], batch_size=64))
    ids = [i for i, _ in got]
    assert sorted(ids) == list(range(700))
    d = [x for _, x in got]
    assert d == sorted(d)


def test_writes_during_iteration(setup):
    client, vecs = setup
    it = client.search_iterator("c", data=[vecs[0]], batch_size=50, filter="g != 1")
    seen = []
    step = 0
    while True:
        page = it.next()
        if not page:
            break
        seen.extend(h.id for h in page)
        step += 1
        client.insert("c", [{"id": 10_000 + step, "vector": vecs[0], "g": 0}])  # would rank first
        client.delete("c", ids=[(step * 37) % 700])
    assert sorted(seen) == [i for i in range(700) if i % 3 != 1]


def test_limit_and_external_filter(setup):
    client, vecs = setup
    assert len(drain(client.search_iterator("c", data=[vecs[0]], batch_size=30, limit=75))) == 75
    evens = drain(client.search_iterator("c", data=[vecs[0]], batch_size=40,
                                         external_filter_func=lambda hits: [h for h in hits if h.id % 2 == 0]))
    assert sorted(i for i, _ in evens) == list(range(0, 700, 2))


def test_bad_arguments(setup):
    client, vecs = setup
    with pytest.raises(ParamError):
        client.search_iterator("c", data=[vecs[0], vecs[1]], batch_size=10)
    with pytest.raises(ParamError):
        client.search_iterator("c", data=[vecs[0]], batch_size=20000)
    with pytest.raises(ParamError):
        client.search_iterator("c", data=[vecs[0]], batch_size=10, offset=5)
