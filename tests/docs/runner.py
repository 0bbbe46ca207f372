"""Runs the examples of one docs page in a child process: ``python runner.py plan.json result.json``.

The plan is ``{"blocks": [{"lang", "code", "line"}, ...]}``; Python blocks share one namespace, curl blocks run
in bash. The working directory is the page's fresh temporary directory. The result records, per block, its
output and the traceback of the first failure (later blocks are not run).
"""

from __future__ import annotations

import contextlib
import io
import json
import subprocess
import sys
import traceback


def run(plan: dict) -> list[dict]:
    namespace: dict = {"__name__": "__main__"}
    results = []
    for block in plan["blocks"]:
        out = io.StringIO()
        error = ""
        if block["lang"] == "python":
            try:
                code = compile(block["code"], f"<{plan['page']}:{block['line']}>", "exec")
                with contextlib.redirect_stdout(out):
                    exec(code, namespace)
            except BaseException:  # noqa: BLE001 - reported to the test
                error = traceback.format_exc()
        else:
            # one line per response, as a terminal shows it
            script = 'curl() { command curl --silent --show-error "$@"; echo; }\n' + block["code"]
            proc = subprocess.run(["bash", "-euo", "pipefail", "-c", script], capture_output=True, text=True,
                                  timeout=60)
            out.write(proc.stdout)
            if proc.returncode:
                error = f"exit status {proc.returncode}\n{proc.stderr}"
        results.append({"line": block["line"], "stdout": out.getvalue(), "error": error})
        if error:
            break
    return results


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as f:
        plan = json.load(f)
    results = run(plan)
    with open(sys.argv[2], "w", encoding="utf-8") as f:
        json.dump(results, f)
    sys.stdout.flush()
    # leaked client threads or servers must not keep the child alive
    import os

    os._exit(0)
