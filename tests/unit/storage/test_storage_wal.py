"""WriteAheadLog: round trips, rotation, truncation, torn tails vs corruption, group commit, failure modes."""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from azimuth.engine.storage import wal as wal_module
from azimuth.engine.storage.wal import WriteAheadLog
from azimuth.engine.storage.wal_format import FILE_HEADER_SIZE, RECORD_HEADER_SIZE
from azimuth.errors import Code, StorageError


def payload(seq: int, size: int | None = None) -> bytes:
    size = (seq * 37) % 300 if size is None else size
    return (seq.to_bytes(8, "little") * (size // 8 + 1))[:size]


def fill(wal: WriteAheadLog, seqs: range) -> None:
    for seq in seqs:
        wal.append(seq, payload(seq))


def files(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.log"))


def test_append_replay_round_trip(tmp_path: Path) -> None:
    with WriteAheadLog(tmp_path) as wal:
        assert wal.last_seq() == 0 and list(wal.replay()) == []
        fill(wal, range(1, 101))
        assert wal.last_seq() == 100
        assert list(wal.replay()) == [(s, payload(s)) for s in range(1, 101)]
        assert [s for s, _ in wal.replay(after_seq=95)] == [96, 97, 98, 99, 100]
    with WriteAheadLog(tmp_path) as wal:
        assert wal.torn_tail is None
        assert wal.last_seq() == 100
        assert list(wal.replay()) == [(s, payload(s)) for s in range(1, 101)]
        wal.append(101, b"after reopen")
        assert list(wal.replay(100)) == [(101, b"after reopen")]


def test_sequence_numbers_must_increase(tmp_path: Path) -> None:
    with WriteAheadLog(tmp_path) as wal:
        wal.append(5, b"a")
        for bad in (5, 4, 0):
            with pytest.raises(ValueError, match="must increase"):
                wal.append(bad, b"b")
        wal.append(9, b"gaps are allowed")
        assert [s for s, _ in wal.replay()] == [5, 9]


def test_buffer_payloads_and_empty_payloads(tmp_path: Path) -> None:
    vectors = np.arange(10_000 * 128, dtype=np.float32).reshape(10_000, 128)
    with WriteAheadLog(tmp_path) as wal:
        wal.append(1, vectors)  # any C-contiguous buffer; not copied by the log
        wal.append(2, memoryview(b"view"))
        wal.append(3, bytearray(b"ba"))
        wal.append(4, b"")
    with WriteAheadLog(tmp_path) as wal:
        records = list(wal.replay())
    assert [s for s, _ in records] == [1, 2, 3, 4]
    assert np.array_equal(np.frombuffer(records[0][1], dtype=np.float32).reshape(10_000, 128), vectors)
    assert [p for _, p in records[1:]] == [b"view", b"ba", b""]


def test_rotation_and_truncate_before(tmp_path: Path) -> None:
    with WriteAheadLog(tmp_path, file_size_limit=4096) as wal:
        fill(wal, range(1, 201))
        assert wal.file_count == len(files(tmp_path)) > 3
        assert wal.size_bytes == sum(p.stat().st_size for p in files(tmp_path))
        assert all(p.stat().st_size < 4096 + 400 for p in files(tmp_path))
        wal.truncate_before(120)
        remaining = [s for s, _ in wal.replay()]
        assert remaining[-1] == 200 and remaining[0] <= 120  # whole files only, nothing at or after 120 lost
        assert remaining == list(range(remaining[0], 201))
        assert files(tmp_path)[0].name != "00000001.log"
        wal.truncate_before(10**9)  # the newest file is never deleted
        assert wal.file_count == 1
        assert [s for s, _ in wal.replay()][-1] == 200
    with WriteAheadLog(tmp_path, file_size_limit=4096) as wal:
        assert wal.last_seq() == 200
        wal.append(201, b"x")


def test_last_seq_survives_when_only_an_empty_file_remains(tmp_path: Path) -> None:
    with WriteAheadLog(tmp_path, file_size_limit=FILE_HEADER_SIZE + 1) as wal:
        fill(wal, range(1, 4))
        wal.truncate_before(4)
        assert wal.file_count == 1
    with WriteAheadLog(tmp_path) as wal:
        assert wal.last_seq() == 3 and list(wal.replay()) == [(3, payload(3))]
    with WriteAheadLog(tmp_path, file_size_limit=FILE_HEADER_SIZE + 1) as wal:
        wal.append(4, b"x")  # rotates: the new file is empty until its first record arrives
        wal.append(5, b"y")
        wal.truncate_before(5)
    with WriteAheadLog(tmp_path) as wal:
        assert wal.last_seq() == 5
        with pytest.raises(ValueError):
            wal.append(5, b"z")


def test_torn_tail_at_every_offset_is_truncated(tmp_path: Path) -> None:
    source = tmp_path / "source"
    with WriteAheadLog(source) as wal:
        fill(wal, range(1, 4))
        wal.append(4, payload(4, 40))
    (log,) = files(source)
    full = log.read_bytes()
    last_start = len(full) - RECORD_HEADER_SIZE - 40
    for cut in range(last_start, len(full)):
        work = tmp_path / f"cut{cut}"
        shutil.copytree(source, work)
        with open(work / log.name, "r+b") as handle:
            handle.truncate(cut)
        with WriteAheadLog(work) as wal:
            assert [s for s, _ in wal.replay()] == [1, 2, 3]
            assert wal.last_seq() == 3
            assert (wal.torn_tail is None) == (cut == last_start)
            wal.append(4, b"rewritten")
        assert (work / log.name).stat().st_size == last_start + RECORD_HEADER_SIZE + len(b"rewritten")
        with WriteAheadLog(work) as wal:
            assert wal.torn_tail is None
            assert list(wal.replay())[-1] == (4, b"rewritten")
        shutil.rmtree(work)


def test_zero_filled_tail_is_truncated(tmp_path: Path) -> None:
    with WriteAheadLog(tmp_path) as wal:
        fill(wal, range(1, 6))
    (log,) = files(tmp_path)
    size = log.stat().st_size
    with open(log, "ab") as handle:
        handle.write(b"\0" * 5000)
    with WriteAheadLog(tmp_path) as wal:
        assert wal.torn_tail == (log, size, 5000)
        assert [s for s, _ in wal.replay()] == [1, 2, 3, 4, 5]


def _flip(path: Path, offset: int) -> None:
    with open(path, "r+b") as handle:
        handle.seek(offset)
        byte = handle.read(1)
        handle.seek(offset)
        handle.write(bytes([byte[0] ^ 0x40]))


def _record_offsets(path: Path) -> list[int]:
    data, offsets, pos = path.read_bytes(), [], FILE_HEADER_SIZE
    while pos < len(data):
        offsets.append(pos)
        pos += RECORD_HEADER_SIZE + int.from_bytes(data[pos + 4 : pos + 8], "little")
    return offsets


@pytest.mark.parametrize("where", ["payload", "length field", "seq field", "magic"])
def test_corruption_in_the_middle_is_an_error(tmp_path: Path, where: str) -> None:
    with WriteAheadLog(tmp_path) as wal:
        fill(wal, range(1, 11))
    (log,) = files(tmp_path)
    offset = _record_offsets(log)[4]
    delta = {"payload": RECORD_HEADER_SIZE + 3, "length field": 6, "seq field": 9, "magic": 0}[where]
    _flip(log, offset + delta)
    with pytest.raises(StorageError) as info:
        WriteAheadLog(tmp_path)
    assert info.value.code == Code.STORAGE_CORRUPTED
    assert str(log) in info.value.message and f"offset {offset}" in info.value.message
    assert log.stat().st_size > offset + 100  # nothing was truncated


def test_corrupt_crc_of_the_tail_record_is_truncated(tmp_path: Path) -> None:
    with WriteAheadLog(tmp_path) as wal:
        fill(wal, range(1, 11))
    (log,) = files(tmp_path)
    last = _record_offsets(log)[-1]
    _flip(log, last + RECORD_HEADER_SIZE - 2)  # the header checksum of the last record
    with WriteAheadLog(tmp_path) as wal:
        assert wal.torn_tail is not None and wal.torn_tail[1] == last
        assert [s for s, _ in wal.replay()] == list(range(1, 10))
    assert log.stat().st_size == last


def test_torn_payload_that_looks_like_records_is_still_a_torn_tail(tmp_path: Path) -> None:
    inner = tmp_path / "inner"
    with WriteAheadLog(inner) as wal:
        fill(wal, range(1, 4))
    embedded = files(inner)[0].read_bytes()  # a payload full of valid-looking records
    outer = tmp_path / "outer"
    with WriteAheadLog(outer) as wal:
        wal.append(1, b"a")
        wal.append(2, embedded + b"tail")
    (log,) = files(outer)
    with open(log, "r+b") as handle:
        handle.truncate(log.stat().st_size - 2)
    with WriteAheadLog(outer) as wal:
        assert list(wal.replay()) == [(1, b"a")]


def test_damage_in_an_older_file_is_an_error(tmp_path: Path) -> None:
    with WriteAheadLog(tmp_path, file_size_limit=2048) as wal:
        fill(wal, range(1, 80))
    first = files(tmp_path)[0]
    with open(first, "r+b") as handle:  # even a "torn" end is damage when newer files exist
        handle.truncate(first.stat().st_size - 5)
    with pytest.raises(StorageError, match="00000001.log") as info:
        WriteAheadLog(tmp_path, file_size_limit=2048)
    assert info.value.code == Code.STORAGE_CORRUPTED


def test_missing_middle_file_and_bad_file_header_are_errors(tmp_path: Path) -> None:
    with WriteAheadLog(tmp_path, file_size_limit=2048) as wal:
        fill(wal, range(1, 80))
    logs = files(tmp_path)
    logs[1].unlink()
    with pytest.raises(StorageError, match="missing 00000002.log"):
        WriteAheadLog(tmp_path)
    other = tmp_path / "other"
    with WriteAheadLog(other) as wal:
        fill(wal, range(1, 3))
    _flip(files(other)[0], 2)
    with pytest.raises(StorageError, match="not an Azimuth WAL file header"):
        WriteAheadLog(other)


def test_concurrent_appenders_share_fsyncs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_fsync = wal_module.fsync_fd

    def slow_fsync(fd: int, *, data_only: bool = False) -> None:  # a real disk's latency, even on tmpfs
        time.sleep(0.001)
        real_fsync(fd, data_only=data_only)

    monkeypatch.setattr(wal_module, "fsync_fd", slow_fsync)
    wal = WriteAheadLog(tmp_path, file_size_limit=64 << 10)
    counter = 0

    def make() -> tuple[int, bytes]:
        nonlocal counter
        counter += 1
        return counter, payload(counter)

    def worker() -> None:
        for _ in range(150):
            wal.append_with(make)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert wal.last_seq() == 1200
    assert wal.fsync_count < 1200
    wal.close()
    with WriteAheadLog(tmp_path) as reopened:
        assert list(reopened.replay()) == [(s, payload(s)) for s in range(1, 1201)]


def test_append_with_allocator_failure_appends_nothing(tmp_path: Path) -> None:
    with WriteAheadLog(tmp_path) as wal:
        def broken() -> tuple[int, bytes]:
            raise RuntimeError("no")

        with pytest.raises(RuntimeError):
            wal.append_with(broken)
        assert wal.append_with(lambda: (7, b"ok")) == 7
        assert list(wal.replay()) == [(7, b"ok")]


def test_io_failure_poisons_the_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    wal = WriteAheadLog(tmp_path)
    wal.append(1, b"kept")

    def failing(fd: int, buffers: list[bytes]) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(wal_module, "writev_all", failing)
    with pytest.raises(StorageError, match="No space left"):
        wal.append(2, b"lost")
    monkeypatch.undo()
    with pytest.raises(StorageError, match="reopen"):
        wal.append(3, b"refused")
    wal.close()
    with WriteAheadLog(tmp_path) as wal:
        assert list(wal.replay()) == [(1, b"kept")]


def test_closed_log_refuses_use(tmp_path: Path) -> None:
    wal = WriteAheadLog(tmp_path)
    wal.close()
    wal.close()
    with pytest.raises(ValueError, match="closed"):
        wal.append(1, b"x")
    with pytest.raises(ValueError, match="closed"):
        list(wal.replay())


def test_replay_is_a_snapshot(tmp_path: Path) -> None:
    with WriteAheadLog(tmp_path) as wal:
        fill(wal, range(1, 4))
        records = wal.replay()
        wal.append(4, b"later")
        assert [s for s, _ in records] == [1, 2, 3]
        assert list(wal.replay()) == [(s, payload(s)) for s in range(1, 4)] + [(4, b"later")]


def test_unsynced_mode_skips_fsync(tmp_path: Path) -> None:
    with WriteAheadLog(tmp_path, sync=False) as wal:
        fill(wal, range(1, 50))
        assert wal.fsync_count == 0
    with WriteAheadLog(tmp_path) as wal:
        assert wal.last_seq() == 49
