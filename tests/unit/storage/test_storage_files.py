"""Atomic replacement, directory fsync, short-write handling and the JSON document helpers."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from azimuth.engine.storage.files import atomic_write, fsync_dir, read_json, write_json_atomic, writev_all
from azimuth.errors import Code, StorageError


def test_atomic_write_creates_and_replaces(tmp_path: Path) -> None:
    target = tmp_path / "doc.bin"
    atomic_write(target, b"first")
    assert target.read_bytes() == b"first"
    atomic_write(target, memoryview(b"second version"))
    assert target.read_bytes() == b"second version"
    assert sorted(os.listdir(tmp_path)) == ["doc.bin"]  # no temporary files left behind


def test_atomic_write_failure_keeps_old_content_and_cleans_up(tmp_path: Path) -> None:
    target = tmp_path / "blocked"
    target.mkdir()
    (target / "inside").write_text("x")  # a non-empty directory cannot be replaced by a file
    with pytest.raises(OSError):
        atomic_write(target, b"data")
    assert target.is_dir()
    assert sorted(os.listdir(tmp_path)) == ["blocked"]


def test_fsync_dir_accepts_directories(tmp_path: Path) -> None:
    fsync_dir(tmp_path)
    fsync_dir(str(tmp_path))


def test_json_round_trip(tmp_path: Path) -> None:
    doc = {"name": "docs", "ids": [1, 2, 3], "nested": {"unicode": "é✓"}, "none": None}
    write_json_atomic(tmp_path / "m.json", doc)
    assert read_json(tmp_path / "m.json") == doc


@pytest.mark.parametrize("content", [b"", b"   \n", b'{"a": [1, 2', b"\xff\xfe garbage", b'{"a": 1}}'])
def test_corrupt_json_is_a_storage_error_naming_the_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "manifest.json"
    path.write_bytes(content)
    with pytest.raises(StorageError) as info:
        read_json(path)
    assert info.value.code == Code.STORAGE_CORRUPTED
    assert str(path) in info.value.message
    assert "backup" in info.value.message


def test_truncated_json_written_by_us_is_detected(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    write_json_atomic(path, {"key": list(range(100))})
    data = path.read_bytes()
    for cut in (1, len(data) // 2, len(data) - 3):
        path.write_bytes(data[:cut])
        with pytest.raises(StorageError):
            read_json(path)


def test_missing_json_file_raises_file_not_found(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        read_json(tmp_path / "absent.json")


def test_writev_all_resumes_short_writes_and_many_buffers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_writev = os.writev
    calls = 0

    def stingy(fd: int, buffers: list[bytes]) -> int:  # the kernel may write less than asked
        nonlocal calls
        calls += 1
        assert len(buffers) <= 1024
        return real_writev(fd, [bytes(memoryview(b))[:7] for b in buffers][:1])

    monkeypatch.setattr(os, "writev", stingy)
    buffers: list[bytes | bytearray | memoryview] = [b"header", memoryview(b"payload-one"), b"", bytearray(b"x")]
    buffers += [bytes([i % 256]) * 3 for i in range(1500)]
    expected = b"".join(bytes(b) for b in buffers)
    path = tmp_path / "out"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT)
    try:
        writev_all(fd, buffers)
    finally:
        os.close(fd)
    assert path.read_bytes() == expected
    assert calls > 1500
