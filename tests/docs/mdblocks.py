"""Fenced examples of the Markdown docs, with the markers that tell the docs tests how to run them.

Conventions (also described in ``docs/contributing-docs.md``):

* every ```` ```python ```` block runs; the blocks of one page run in order, in one namespace, in a fresh
  temporary directory;
* a ```` ```bash ```` block runs when every command in it is a ``curl`` call (other shell blocks show commands
  such as ``azimuth serve`` or ``make bench`` and are not run);
* a ```` ```text ```` block right after a runnable block is its expected standard output, compared like a
  doctest (``...`` matches anything, whitespace is normalised);
* an HTML comment right before a block sets how it runs: ``<!-- requires: server [ARGS] -->`` (an ``azimuth
  serve ARGS`` on a free loopback port; ``localhost:19530`` in the block is replaced by its address),
  ``<!-- requires: rest -->`` (the same, and the server must answer REST; implied by curl blocks),
  ``<!-- skip: reason -->``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

_FENCE = re.compile(r"^(?P<indent>[ ]{0,3})(?P<fence>`{3,})(?P<info>[^`]*)$")
_MARKER = re.compile(r"^<!--\s*(?P<key>requires|skip)\s*:\s*(?P<value>.*?)\s*-->$")
SHELL = {"bash", "sh", "shell", "console"}
PYTHON = {"python", "py", "python3"}


@dataclass
class Block:
    lang: str  # "python" or "curl"
    code: str
    line: int  # 1-based line of the opening fence
    requires: str = ""  # "", "server ARGS" or "rest"
    skip: str = ""
    expected: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def server_args(self) -> str | None:
        """Extra ``azimuth serve`` arguments when the block needs a server, else ``None``."""
        if self.requires == "rest" or self.lang == "curl":
            return ""
        if self.requires.startswith("server"):
            return self.requires[len("server"):].strip()
        return None


def _is_curl(code: str) -> bool:
    commands = [c.strip() for c in code.replace("\\\n", " ").splitlines()]
    commands = [c for c in commands if c and not c.startswith("#")]
    return bool(commands) and all(c.startswith("curl ") for c in commands)


def parse(path: Path) -> list[Block]:
    """Every runnable block of ``path`` with its markers and expected output."""
    lines = path.read_text(encoding="utf-8").splitlines()
    blocks: list[Block] = []
    marker: dict[str, str] = {}
    last: Block | None = None  # the runnable block an output block may follow
    i = 0
    while i < len(lines):
        text = lines[i].strip()
        m = _MARKER.match(text)
        if m:
            marker[m["key"]] = m["value"]
            i += 1
            continue
        fence = _FENCE.match(lines[i])
        if not fence:
            if text:
                marker, last = {}, None
            i += 1
            continue
        info = fence["info"].strip().split()
        lang = info[0].lower() if info else ""
        start, body = i, []
        i += 1
        while i < len(lines) and not lines[i].strip().startswith(fence["fence"]):
            body.append(lines[i][len(fence["indent"]):])
            i += 1
        i += 1
        code = "\n".join(body) + "\n"
        if lang in ("text", "json") and last is not None and last.expected is None and not marker:
            last.expected = code
            last = None
            continue
        block: Block | None = None
        if lang in PYTHON:
            block = Block("python", code, start + 1)
        elif lang in SHELL and _is_curl(code):
            block = Block("curl", code, start + 1)
        if block is not None:
            block.requires = marker.get("requires", "")
            block.skip = marker.get("skip", "")
            blocks.append(block)
        last, marker = block, {}
    return blocks


def pages(root: Path) -> list[Path]:
    """README.md and every Markdown page under docs/."""
    return [root / "README.md", *sorted((root / "docs").rglob("*.md"))]
