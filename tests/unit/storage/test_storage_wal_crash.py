"""Kill -9 a process in the middle of appending; every acknowledged record must survive, nothing partial."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from azimuth.engine.storage.wal import WriteAheadLog

ROOT = Path(__file__).resolve().parents[3]

WRITER = """
    import sys, threading
    from azimuth.engine.storage.wal import WriteAheadLog

    def payload(seq):
        size = 200_000 if seq % 7 == 0 else (seq * 131) % 3000
        return (seq.to_bytes(8, "little") * (size // 8 + 1))[:size]

    wal = WriteAheadLog(sys.argv[1], file_size_limit=int(sys.argv[2]))
    counter = wal.last_seq()
    print_lock = threading.Lock()

    def make():
        global counter
        counter += 1
        return counter, payload(counter)

    def worker():
        while True:
            seq = wal.append_with(make)
            with print_lock:
                sys.stdout.write(f"{seq}\\n")
                sys.stdout.flush()

    print("started", flush=True)
    threads = [threading.Thread(target=worker, daemon=True) for _ in range(4)]
    for thread in threads:
        thread.start()
    threads[0].join()
"""


def payload(seq: int) -> bytes:
    size = 200_000 if seq % 7 == 0 else (seq * 131) % 3000
    return (seq.to_bytes(8, "little") * (size // 8 + 1))[:size]


def _run_and_kill(directory: Path, acks_before_kill: int, file_size_limit: int) -> set[int]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(WRITER), str(directory), str(file_size_limit)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert child.stdout is not None
    acknowledged: set[int] = set()
    deadline = time.monotonic() + 60  # generous: a loaded CI box imports slowly
    try:
        assert child.stdout.readline().strip() == "started"
        while len(acknowledged) < acks_before_kill and time.monotonic() < deadline:
            line = child.stdout.readline()
            if not line:
                break
            acknowledged.add(int(line))
    finally:
        child.send_signal(signal.SIGKILL)
        rest, err = child.communicate(timeout=20)
    assert child.returncode == -signal.SIGKILL, err
    acknowledged.update(int(line) for line in rest.splitlines() if line.strip().isdigit())
    assert len(acknowledged) >= acks_before_kill, err
    return acknowledged


@pytest.mark.parametrize("acks", [150, 400])
def test_kill_9_loses_no_acknowledged_record(tmp_path: Path, acks: int) -> None:
    limit = 1 << 20
    all_acked: set[int] = set()
    for _round in range(2):  # the second round appends to a log recovered after the first kill
        all_acked |= _run_and_kill(tmp_path, acks, limit)
        with WriteAheadLog(tmp_path, file_size_limit=limit) as wal:
            replayed = list(wal.replay())
            seqs = [seq for seq, _ in replayed]
            assert seqs == list(range(1, len(seqs) + 1))  # a gap-free prefix of what was allocated
            assert all_acked <= set(seqs)
            for seq, data in replayed:
                assert data == payload(seq)
            assert wal.last_seq() == seqs[-1]
