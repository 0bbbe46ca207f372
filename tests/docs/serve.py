"""``azimuth serve`` in a child process on a free loopback port, as a reader of the docs would start it."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

_READY = re.compile(r"Azimuth is serving .*? on [\w.\[\]:]*?:(\d+)")


@dataclass
class AzimuthProcess:
    proc: subprocess.Popen
    port: int
    log: Path

    @classmethod
    def start(cls, data_dir: Path, args: list[str], *, env: dict[str, str], timeout: float = 60) -> AzimuthProcess:
        data_dir.mkdir(parents=True, exist_ok=True)
        log = data_dir.with_suffix(".log")
        cmd = [sys.executable, "-m", "azimuth.cli", "serve", "--data-dir", str(data_dir / "data"),
               "--host", "127.0.0.1", "--port", "0", *args]
        with open(log, "wb") as out:
            proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            m = _READY.search(log.read_text(errors="replace"))
            if m:
                return cls(proc, int(m.group(1)), log)
            if proc.poll() is not None:
                break
            time.sleep(0.05)
        proc.kill()
        proc.wait()
        raise RuntimeError(f"azimuth serve did not start:\n{log.read_text(errors='replace')}")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
