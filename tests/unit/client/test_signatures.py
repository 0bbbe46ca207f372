"""Both clients expose pymilvus 3.0.2's methods with the same signatures (names, order, kinds, defaults) and the
same sync/async nature; the method lists are exactly pymilvus's; and the sync client is the generated one."""

from __future__ import annotations

import inspect
import subprocess
import sys
from pathlib import Path

import pymilvus
import pytest

import azimuth

ROOT = Path(__file__).resolve().parents[3]
PAIRS = [(azimuth.MilvusClient, pymilvus.MilvusClient), (azimuth.AsyncMilvusClient, pymilvus.AsyncMilvusClient)]


def public_methods(cls: type) -> dict[str, object]:
    out = {}
    for name in dir(cls):
        if name.startswith("_") and name not in ("__init__", "__aenter__", "__aexit__", "__enter__", "__exit__"):
            continue
        value = inspect.getattr_static(cls, name)
        if callable(getattr(cls, name)) or isinstance(value, (classmethod, staticmethod)):
            out[name] = value
    return out


def shape(func: object) -> list[tuple[str, object, object]]:
    target = func.__func__ if isinstance(func, (classmethod, staticmethod)) else func
    sig = inspect.signature(target)
    return [(p.name, p.kind, p.default) for p in sig.parameters.values()]


@pytest.mark.parametrize("ours, theirs", PAIRS, ids=["sync", "async"])
def test_every_method_exists_in_pymilvus_with_same_signature(ours, theirs):
    our_methods = public_methods(ours)
    their_methods = public_methods(theirs)
    extra = sorted(set(our_methods) - set(their_methods))
    assert not extra, f"methods pymilvus does not have: {extra}"
    for name, method in our_methods.items():
        assert shape(method) == shape(their_methods[name]), name
        ours_async = inspect.iscoroutinefunction(getattr(ours, name))
        theirs_async = inspect.iscoroutinefunction(getattr(theirs, name))
        assert ours_async == theirs_async, f"{name}: coroutine mismatch"
        assert isinstance(method, classmethod) == isinstance(their_methods[name], classmethod), name


@pytest.mark.parametrize("ours, theirs", PAIRS, ids=["sync", "async"])
def test_the_whole_pymilvus_surface_exists(ours, theirs):
    """Every public method of pymilvus 3.0.2 (126 on MilvusClient, 123 on AsyncMilvusClient) exists on ours."""
    names = {n for n in public_methods(theirs) if not n.startswith("_")}
    assert len(names) == (126 if theirs is pymilvus.MilvusClient else 123)
    assert {n for n in public_methods(ours) if not n.startswith("_")} == names


def test_sync_and_async_cover_the_same_methods():
    sync = set(public_methods(azimuth.MilvusClient)) - {"__enter__", "__exit__", "query_iterator",
                                                        "search_iterator", "list_loaded_segments"}
    asynchronous = set(public_methods(azimuth.AsyncMilvusClient)) - {"__aenter__", "__aexit__"}
    assert sync == asynchronous


def test_generated_sync_code_is_up_to_date():
    result = subprocess.run([sys.executable, str(ROOT / "scripts/unasync.py"), "--check"], capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stderr
