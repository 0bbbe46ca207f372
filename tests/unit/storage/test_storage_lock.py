"""DirectoryLock: refusal in the same and in other processes, release on exit/kill, behaviour across fork."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from azimuth.engine.storage.lock import DirectoryLock
from azimuth.errors import Code, StorageError

ROOT = Path(__file__).resolve().parents[3]


def _python(code: str, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


HOLD = """
    import sys, time
    from azimuth.engine.storage.lock import DirectoryLock
    lock = DirectoryLock(sys.argv[1])
    print("locked", flush=True)
    time.sleep(60)
"""

TRY = """
    import sys
    from azimuth.engine.storage.lock import DirectoryLock
    from azimuth.errors import StorageError
    try:
        DirectoryLock(sys.argv[1])
    except StorageError as exc:
        print(exc.code, exc.message, flush=True)
    else:
        print("acquired", flush=True)
"""


def test_second_open_in_same_process_is_refused(tmp_path: Path) -> None:
    with DirectoryLock(tmp_path) as lock:
        assert lock.held
        with pytest.raises(StorageError) as info:
            DirectoryLock(tmp_path / ".")  # a different spelling of the same directory
        assert info.value.code == Code.STORAGE_LOCKED
        message = info.value.message
        assert f"process {os.getpid()}" in message
        assert str(tmp_path.resolve()) in message
        assert "azimuth serve" in message
    assert not lock.held
    DirectoryLock(tmp_path).release()  # free again


def test_release_is_idempotent_and_allows_reopen(tmp_path: Path) -> None:
    lock = DirectoryLock(tmp_path / "new" / "dir")  # created on demand
    lock.release()
    lock.release()
    again = DirectoryLock(tmp_path / "new" / "dir")
    assert again.held
    again.release()


def test_other_process_is_refused_with_holder_named(tmp_path: Path) -> None:
    with DirectoryLock(tmp_path):
        child = _python(TRY, str(tmp_path))
        out, err = child.communicate(timeout=20)
    assert child.returncode == 0, err
    assert out.startswith(str(int(Code.STORAGE_LOCKED)))
    assert f"locked by process {os.getpid()}" in out
    assert "same process" not in out
    child = _python(TRY, str(tmp_path))
    assert child.communicate(timeout=20)[0].strip() == "acquired"


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_lock_is_released_when_holder_dies(tmp_path: Path, sig: signal.Signals) -> None:
    holder = _python(HOLD, str(tmp_path))
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        with pytest.raises(StorageError) as info:
            DirectoryLock(tmp_path)
        assert info.value.code == Code.STORAGE_LOCKED
        assert f"process {holder.pid}" in info.value.message
    finally:
        holder.send_signal(sig)
        holder.communicate(timeout=20)
    with DirectoryLock(tmp_path) as lock:
        assert lock.held


FORK = """
    import os, sys, time
    from azimuth.engine.storage.lock import DirectoryLock
    from azimuth.errors import StorageError
    lock = DirectoryLock(sys.argv[1])
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            DirectoryLock(sys.argv[1])
            print("child acquired", flush=True)
        except StorageError:
            print("child refused", flush=True)
        print("grandchild", os.getpid(), flush=True)
        os.write(write_end, b"x")
        time.sleep(30)
        os._exit(0)
    os.read(read_end, 1)
    os._exit(0)  # exits holding the lock; the forked child lives on
"""


def test_forked_child_does_not_keep_the_lock_alive(tmp_path: Path) -> None:
    parent = _python(FORK, str(tmp_path))
    assert parent.stdout is not None
    first, second = parent.stdout.readline().strip(), parent.stdout.readline().strip()
    assert first == "child refused"
    grandchild = int(second.split()[1])
    assert parent.wait(timeout=20) == 0  # the lock owner is gone (it never released explicitly)
    try:
        os.kill(grandchild, 0)  # still alive
        with DirectoryLock(tmp_path) as lock:  # yet the lock is free once its owner exited
            assert lock.held
    finally:
        os.kill(grandchild, signal.SIGKILL)
        parent.stdout.close()
        assert parent.stderr is not None
        parent.stderr.close()
