"""Shared pieces of the benchmarks: data generators, timers, peers, and the result table."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent


def clustered(n: int, dim: int, clusters: int = 64, seed: int = 0) -> np.ndarray:
    """Gaussian-mixture vectors (float32): what real embeddings look like more than uniform noise does."""
    rng = np.random.default_rng(seed)
    centers = rng.normal(0, 1, (clusters, dim)).astype(np.float32)
    labels = rng.integers(0, clusters, n)
    return (centers[labels] + rng.normal(0, 0.35, (n, dim)).astype(np.float32)).astype(np.float32)


def timed(func: Callable[[], object]) -> float:
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


def child_env() -> dict[str, str]:
    """Environment of benchmark subprocesses: this repository importable, and bytecode caching on as in a normal
    install (a shell or CI with ``PYTHONDONTWRITEBYTECODE`` would otherwise make every fresh process recompile
    Azimuth's sources, while installed packages such as faiss or pymilvus ship compiled)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(ROOT)
    return env


def run_python(code: str, cwd: str | None = None) -> str:
    """Run ``code`` in a fresh interpreter (for reopen timings) and return its stdout."""
    env = child_env()
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=cwd, env=env,
                         check=False)
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-2000:])
    return out.stdout.strip()


def milvus_lite_available() -> bool:
    try:
        import milvus_lite  # noqa: F401
        import pymilvus  # noqa: F401
    except ImportError:
        return False
    return True


def print_table(title: str, header: list[str], rows: list[list[object]]) -> str:
    widths = [max(len(str(h)), *(len(str(r[i])) for r in rows)) for i, h in enumerate(header)]
    lines = [f"### {title}", "", "| " + " | ".join(str(h).ljust(w) for h, w in zip(header, widths)) + " |",
             "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    for row in rows:
        lines.append("| " + " | ".join(str(c).ljust(w) for c, w in zip(row, widths)) + " |")
    text = "\n".join(lines) + "\n"
    print(text, flush=True)
    return text


def clustered_queries(n: int, dim: int, clusters: int = 64, seed: int = 0, sample_seed: int = 1) -> np.ndarray:
    """A separate draw from the mixture of ``clustered(..., seed=seed)``: same centres, other labels and noise.

    (``clustered`` with another seed would move the centres too, so its vectors would not resemble the data.)
    """
    centers = np.random.default_rng(seed).normal(0, 1, (clusters, dim)).astype(np.float32)
    rng = np.random.default_rng(sample_seed)
    labels = rng.integers(0, clusters, n)
    return (centers[labels] + rng.normal(0, 0.35, (n, dim)).astype(np.float32)).astype(np.float32)


def run_python_limited(code: str, timeout: float, cwd: str | None = None, show_stderr: bool = False) -> str | None:
    """Like ``run_python`` but in its own process group, killed whole (servers it spawned too) after ``timeout``
    seconds; returns None on timeout. ``show_stderr`` passes the child's stderr (progress, tracebacks) through."""
    env = child_env()
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE,
                            stderr=None if show_stderr else subprocess.PIPE, text=True, cwd=cwd, env=env,
                            start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        return None
    if proc.returncode != 0:
        raise RuntimeError(err[-2000:] if err else f"exit code {proc.returncode} (traceback above)")
    return out.strip()


def peak_rss_bytes() -> int:
    """Peak resident set (VmHWM) of this process plus every live descendant (e.g. a Milvus Lite server)."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    parents[int(entry)] = int(fh.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    tree, frontier = {os.getpid()}, [os.getpid()]
    while frontier:
        pid = frontier.pop()
        for child, parent in parents.items():
            if parent == pid and child not in tree:
                tree.add(child)
                frontier.append(child)
    total = 0
    for pid in tree:
        try:
            with open(f"/proc/{pid}/status") as fh:
                for line in fh:
                    if line.startswith("VmHWM:"):
                        total += int(line.split()[1]) * 1024
        except OSError:
            continue
    return total
