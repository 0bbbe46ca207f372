"""Every Python and curl example of README.md and docs/*.md runs, and prints what the page says it prints.

One test per page: its blocks run in order in a child process (``runner.py``) inside a fresh temporary
directory; blocks marked ``<!-- requires: server ... -->`` get an ``azimuth serve`` of their own on a free
loopback port. The conventions are in ``mdblocks.py``.
"""

from __future__ import annotations

import doctest
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.docs import mdblocks
from tests.docs.serve import AzimuthProcess

ROOT = Path(__file__).resolve().parents[2]
# pages whose examples have a test of their own
OWN_TESTS = {"docs/rest.md": "tests/rest/test_docs_curl.py"}
PAGES = [p for p in mdblocks.pages(ROOT) if mdblocks.parse(p) and str(p.relative_to(ROOT)) not in OWN_TESTS]
HAS_REST = (ROOT / "azimuth" / "codec" / "rest").is_dir()
_CHECKER = doctest.OutputChecker()
_FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
_DEFAULT_ADDRESS = re.compile(r"(localhost|127\.0\.0\.1):19530")


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


def _page_id(path: Path) -> str:
    return str(path.relative_to(ROOT))


@pytest.mark.parametrize("page", PAGES, ids=_page_id)
def test_page_examples_run(page: Path, tmp_path: Path) -> None:
    blocks = mdblocks.parse(page)
    runnable, skipped = [], []
    for block in blocks:
        if block.skip:
            skipped.append(f"line {block.line}: {block.skip}")
        elif (block.requires == "rest" or block.lang == "curl") and not HAS_REST:
            skipped.append(f"line {block.line}: the REST API is not built yet")
        else:
            runnable.append(block)
    servers: dict[str, AzimuthProcess] = {}
    work = tmp_path / "work"
    work.mkdir()
    try:
        plan_blocks = []
        for block in runnable:
            code = block.code
            args = block.server_args
            if args is not None:
                if args not in servers:
                    servers[args] = AzimuthProcess.start(tmp_path / f"server{len(servers)}", args.split(),
                                                         env=child_env())
                code = _DEFAULT_ADDRESS.sub(f"127.0.0.1:{servers[args].port}", code)
            plan_blocks.append({"lang": block.lang, "code": code, "line": block.line})
        plan = tmp_path / "plan.json"
        result = tmp_path / "result.json"
        plan.write_text(json.dumps({"page": _page_id(page), "blocks": plan_blocks}), encoding="utf-8")
        subprocess.run([sys.executable, str(Path(__file__).with_name("runner.py")), str(plan), str(result)],
                       cwd=work, env=child_env(), timeout=120, check=True)
        outcomes = json.loads(result.read_text(encoding="utf-8"))
    finally:
        for server in servers.values():
            server.stop()
    for block, outcome in zip(runnable, outcomes, strict=False):
        where = f"{_page_id(page)}:{block.line}"
        assert not outcome["error"], f"example at {where} failed:\n{outcome['error']}"
        if block.expected is not None:
            got = outcome["stdout"]
            assert _CHECKER.check_output(block.expected, got, _FLAGS), (
                f"example at {where} printed something else than the page shows.\n--- page:\n{block.expected}"
                f"--- printed:\n{got}"
            )
    assert len(outcomes) == len(runnable), f"{_page_id(page)}: the runner stopped early"
    if skipped:
        print(f"{_page_id(page)}: skipped " + "; ".join(skipped))


def test_every_page_is_in_the_nav() -> None:
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    listed = set(re.findall(r":\s*([\w/.-]+\.md)\s*$", config, re.M))
    for page in sorted((ROOT / "docs").rglob("*.md")):
        name = str(page.relative_to(ROOT / "docs"))
        assert name in listed, f"docs/{name} is not in the nav of mkdocs.yml"


def test_markers_are_known() -> None:
    """A misspelt marker would silently change how a block runs."""
    for page in mdblocks.pages(ROOT):
        for n, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1):
            m = re.match(r"\s*<!--\s*([\w-]+)\s*:", line)
            if m:
                assert m.group(1) in ("requires", "skip", "bench"), f"{page.name}:{n}: unknown marker {m.group(1)!r}"
            r = re.match(r"\s*<!--\s*requires\s*:\s*(\S+)", line)
            if r:
                assert r.group(1) in ("server", "rest"), f"{page.name}:{n}: requires server or rest"
