"""Every ``curl`` command of docs/rest.md runs (with the real ``curl`` binary) against a started server, in order,
and answers a success envelope; ``# {...}`` lines after a command are the exact expected answer."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[2] / "docs" / "rest.md"


def _commands() -> list[tuple[str, str | None]]:
    text = DOC.read_text()
    out: list[tuple[str, str | None]] = []
    for block in re.findall(r"```bash\n(.*?)```", text, re.S):
        current: list[str] = []
        for line in block.splitlines():
            if line.startswith("# "):
                out[-1] = (out[-1][0], line[2:])
                continue
            current.append(line)
            if not line.endswith("\\") and _balanced("\n".join(current)):
                out.append(("\n".join(current), None))
                current = []
    return out


def _balanced(command: str) -> bool:
    try:
        shlex.split(command.replace("\\\n", " "))
        return True
    except ValueError:
        return False


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_curl_examples(tmp_path):
    from tests.rest.server import running_rest_server

    commands = _commands()
    assert len(commands) >= 20
    with running_rest_server(tmp_path / "docs") as uri:
        for command, expected in commands:
            args = shlex.split(command.replace("\\\n", " ").replace("http://localhost:19530", uri))
            done = subprocess.run(args, capture_output=True, text=True, timeout=30)
            assert done.returncode == 0, (command, done.stderr)
            answer = json.loads(done.stdout)
            if "healthz" not in command:
                assert answer["code"] == 0, (command, answer)
            if expected is not None:
                assert answer == json.loads(expected), (command, answer)
