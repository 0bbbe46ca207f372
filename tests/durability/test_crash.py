"""A write that returned survives kill -9; a second process gets a clear lock error; corrupt and truncated files
give a clear error, never a crash."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from azimuth import MilvusClient, MilvusException

WRITER = textwrap.dedent(
    """
    import sys
    import numpy as np
    from azimuth import MilvusClient

    path, batch = sys.argv[1], int(sys.argv[2])
    client = MilvusClient(path)
    if not client.has_collection("c"):
        client.create_collection("c", dimension=16)
    rng = np.random.default_rng(0)
    start = 0
    while True:
        vecs = rng.random((batch, 16), dtype=np.float32)
        rows = [{"id": start + i, "vector": vecs[i], "n": start + i} for i in range(batch)]
        client.insert("c", rows)
        if start % (batch * 7) == 0:
            client.delete("c", ids=[start])
            print(f"D {start}", flush=True)
        if start % (batch * 11) == 0:
            client.flush("c")
        print(f"A {start} {start + batch}", flush=True)
        start += batch
    """
)


def run_writer(path: str, batch: int, acknowledged_at_least: int) -> tuple[set[int], set[int]]:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    child = subprocess.Popen([sys.executable, "-c", WRITER, path, str(batch)], stdout=subprocess.PIPE, text=True,
                             env=env)
    acked: set[int] = set()
    deleted: set[int] = set()
    deadline = time.monotonic() + 60
    try:
        assert child.stdout is not None
        for line in child.stdout:
            parts = line.split()
            if parts[0] == "A":
                acked.update(range(int(parts[1]), int(parts[2])))
            else:
                deleted.add(int(parts[1]))
            if len(acked) >= acknowledged_at_least or time.monotonic() > deadline:
                break
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    return acked, deleted


@pytest.mark.parametrize("batch", [1, 250])
def test_acknowledged_writes_survive_sigkill(tmp_path, batch):
    path = str(tmp_path / "crash.db")
    acked, deleted = run_writer(path, batch, 400 if batch == 1 else 6000)
    assert acked
    client = MilvusClient(path)
    rows = client.query("c", filter="id >= 0", output_fields=["n"])
    found = {r["id"] for r in rows}
    assert acked - deleted <= found, f"lost {len(acked - deleted - found)} acknowledged rows"
    assert not (found & deleted)
    assert all(r["n"] == r["id"] for r in rows)  # nothing half-written
    # a second round on the recovered directory keeps working
    client.insert("c", [{"id": 10**9, "vector": [0.5] * 16, "n": 10**9}])
    assert client.get("c", ids=[10**9])[0]["n"] == 10**9
    client.close()


def test_second_process_gets_lock_error_naming_holder(tmp_path):
    path = str(tmp_path / "locked.db")
    holder = MilvusClient(path)
    holder.create_collection("c", dimension=4)
    code = f"from azimuth import MilvusClient\ntry:\n    MilvusClient({path!r})\nexcept Exception as e:\n" \
           "    print(type(e).__name__, e)\n"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env).stdout
    assert "StorageError" in out and str(os.getpid()) in out and "locked" in out
    holder.close()
    reopened = MilvusClient(path)
    assert reopened.has_collection("c")
    reopened.close()


def _populated(tmp_path) -> str:
    path = str(tmp_path / "data.db")
    client = MilvusClient(path)
    client.create_collection("c", dimension=4)
    client.insert("c", [{"id": i, "vector": [i, 1, 2, 3]} for i in range(100)])
    client.flush("c")
    client.insert("c", [{"id": 1000 + i, "vector": [i, 1, 2, 3]} for i in range(10)])
    client.close()
    return path


def test_truncated_wal_tail_is_recovered(tmp_path):
    path = _populated(tmp_path)
    code = (
        "import os\nfrom azimuth import MilvusClient\n"
        f"c = MilvusClient({path!r})\n"
        "c.insert('c', [{'id': 5000, 'vector': [1, 1, 1, 1]}])\n"
        "c.insert('c', [{'id': 5001, 'vector': [1, 1, 1, 1]}])\n"
        "os._exit(0)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    subprocess.run([sys.executable, "-c", code], check=True, env=env)
    last = sorted((Path(path) / "wal").glob("*.log"))[-1]
    last.write_bytes(last.read_bytes()[:-7])  # a torn write: the last record is cut short
    reopened = MilvusClient(path)
    assert reopened.get("c", ids=[5000]) and not reopened.get("c", ids=[5001])
    assert reopened.get_collection_stats("c")["row_count"] == 111
    reopened.close()


@pytest.mark.parametrize("victim", ["catalog.json", "FORMAT", "segment"])
def test_corrupt_files_give_clear_errors(tmp_path, victim):
    path = _populated(tmp_path)
    if victim == "segment":
        target = next(Path(path).glob("collections/*/*/data.arrow"))
    else:
        target = Path(path) / victim
    target.write_bytes(target.read_bytes()[: max(len(target.read_bytes()) // 2, 1)] + b"\x00garbage")
    with pytest.raises(MilvusException) as err:
        MilvusClient(path)
    assert err.value.code in (3200, 3000)
    assert str(target.name) in err.value.message or "corrupt" in err.value.message.lower()
    # the failed open released the lock: a later open reports the same clear error, not a lock error
    with pytest.raises(MilvusException) as again:
        MilvusClient(path)
    assert again.value.code == err.value.code
