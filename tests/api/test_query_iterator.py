"""query_iterator (sync client only, as in pymilvus): one snapshot, pk order, no skips or repeats under writes."""

from __future__ import annotations

import threading

import pytest

from azimuth import MilvusClient
from azimuth.errors import DataTypeNotMatchException, ParamError
from tests.grpc.server import running_server


@pytest.fixture(params=["embedded", "grpc"])
def uri(request, tmp_path):
    if request.param == "embedded":
        yield str(tmp_path / "it.db")
        return
    with running_server(tmp_path / "server") as address:
        yield address


@pytest.fixture
def client(uri):
    handle = MilvusClient(uri)
    handle.create_collection("c", dimension=4)
    handle.insert("c", [{"id": i * 2, "vector": [i, 1, 1, 1], "n": i} for i in range(1000)])
    yield handle
    handle.close()


def drain(iterator) -> list[int]:
    seen = []
    while True:
        page = iterator.next()
        if not page:
            break
        seen.extend(r["id"] for r in page)
    iterator.close()
    return seen


def test_pages_in_key_order(client):
    it = client.query_iterator("c", batch_size=64, filter="n >= 10", output_fields=["n"])
    first = it.next()
    assert len(first) == 64 and set(first[0]) == {"id", "n"}
    rest = drain(it)
    seen = [r["id"] for r in first] + rest
    assert seen == sorted(seen) == [i * 2 for i in range(10, 1000)]


def test_limit_and_offset(client):
    assert drain(client.query_iterator("c", batch_size=30, limit=100)) == [i * 2 for i in range(100)]
    assert drain(client.query_iterator("c", batch_size=30, limit=10, offset=5)) == [i * 2 for i in range(5, 15)]


def test_writes_during_iteration_never_cause_skips_or_repeats(client):
    it = client.query_iterator("c", batch_size=50)
    seen = []
    step = 0
    while True:
        page = it.next()
        if not page:
            break
        seen.extend(r["id"] for r in page)
        step += 1
        client.insert("c", [{"id": 1 + 2 * (step * 37 % 1000), "vector": [0, 0, 0, 1]}])  # odd keys: new rows
        client.delete("c", ids=[2 * ((step * 53) % 1000)])  # even keys: maybe not visited yet
        client.upsert("c", [{"id": 2 * ((step * 71) % 1000), "vector": [9, 9, 9, 9], "n": -1}])
        if step % 5 == 0:
            client.flush("c")
    assert seen == [i * 2 for i in range(1000)]


def test_concurrent_writer_thread(client):
    stop = threading.Event()

    def writer():
        k = 0
        while not stop.is_set():
            client.upsert("c", [{"id": (k % 1000) * 2, "vector": [1, 2, 3, 4], "n": k}])
            client.insert("c", [{"id": 10_000 + k, "vector": [1, 2, 3, 4]}])
            k += 1

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        seen = drain(client.query_iterator("c", batch_size=100))
    finally:
        stop.set()
        thread.join()
    assert seen == [i * 2 for i in range(1000)]


def test_checkpoint_file_resumes(client, tmp_path):
    cp = str(tmp_path / "cp.txt")
    it = client.query_iterator("c", batch_size=100, iterator_cp_file=cp)
    first = [r["id"] for r in it.next()]
    resumed = client.query_iterator("c", batch_size=100, iterator_cp_file=cp)
    assert [r["id"] for r in resumed.next()] == [i * 2 for i in range(100, 200)]
    assert first == [i * 2 for i in range(100)]


def test_bad_arguments(client):
    with pytest.raises(ParamError):
        client.query_iterator("c", batch_size=20000)
    with pytest.raises(ParamError):
        client.query_iterator("c", batch_size=-1)
    with pytest.raises(DataTypeNotMatchException):
        client.query_iterator("c", filter=3)


def test_compaction_during_iteration_keeps_the_snapshot(client):
    client.flush("c")
    it = client.query_iterator("c", batch_size=100)
    seen = [r["id"] for r in it.next()]
    client.delete("c", filter="id >= 1000")  # rows the iterator has not reached yet
    client.compact("c")
    seen += drain(it)
    assert seen == [i * 2 for i in range(1000)]
    assert client.query("c", filter="", output_fields=["count(*)"])[0]["count(*)"] == 500
