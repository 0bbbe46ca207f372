"""FORMAT file: initialisation of new directories and refusal of foreign, garbled or newer ones."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from azimuth.engine.storage.format import FORMAT_FILE_NAME, FORMAT_VERSION, init_or_check_format
from azimuth.engine.storage.lock import DirectoryLock
from azimuth.errors import Code, StorageError


def test_new_directory_gets_a_format_file(tmp_path: Path) -> None:
    root = tmp_path / "db"
    assert init_or_check_format(root) == FORMAT_VERSION
    assert json.loads((root / FORMAT_FILE_NAME).read_text()) == {"format": "azimuth", "version": 1}
    assert init_or_check_format(root) == FORMAT_VERSION  # reopening is fine


def test_existing_empty_directory_counts_as_new(tmp_path: Path) -> None:
    assert init_or_check_format(tmp_path) == FORMAT_VERSION
    assert (tmp_path / FORMAT_FILE_NAME).exists()


def test_directory_holding_only_our_lock_counts_as_new(tmp_path: Path) -> None:
    with DirectoryLock(tmp_path):
        assert init_or_check_format(tmp_path) == FORMAT_VERSION


def test_foreign_non_empty_directory_is_refused_untouched(tmp_path: Path) -> None:
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8")
    with pytest.raises(StorageError) as info:
        init_or_check_format(tmp_path)
    assert info.value.code == Code.STORAGE_CORRUPTED
    assert "not an Azimuth data directory" in info.value.message
    assert not (tmp_path / FORMAT_FILE_NAME).exists()


def test_newer_version_is_refused(tmp_path: Path) -> None:
    (tmp_path / FORMAT_FILE_NAME).write_text(json.dumps({"format": "azimuth", "version": FORMAT_VERSION + 1}))
    with pytest.raises(StorageError) as info:
        init_or_check_format(tmp_path)
    assert info.value.code == Code.UNSUPPORTED
    assert "upgrade Azimuth" in info.value.message


@pytest.mark.parametrize(
    "content",
    [
        json.dumps({"format": "other-db", "version": 1}),
        json.dumps(["azimuth", 1]),
        json.dumps({"format": "azimuth", "version": "1"}),
        json.dumps({"format": "azimuth", "version": 0}),
        '{"format": "azim',
    ],
)
def test_foreign_or_garbled_format_file_is_refused(tmp_path: Path, content: str) -> None:
    (tmp_path / FORMAT_FILE_NAME).write_text(content)
    with pytest.raises(StorageError) as info:
        init_or_check_format(tmp_path)
    assert info.value.code == Code.STORAGE_CORRUPTED
    assert str(tmp_path) in info.value.message
