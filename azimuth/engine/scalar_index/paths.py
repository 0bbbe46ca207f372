"""JSON-path names for scalar indexes: one canonical text per path, shared by index builders and the evaluator.

``json_path_key("meta", ("a", 0))`` is ``meta["a"][0]``: string keys in double quotes with JSON escapes, integer
keys bare. :func:`parse_json_path` reads the ``json_path`` index parameter (``meta["a"]["b"]``, single quotes
accepted) back into ``(field, parts)``. This module imports nothing heavy so the evaluator can use it freely.
"""

from __future__ import annotations

import json
import re

__all__ = ["json_path_key", "parse_json_path"]

_FIELD = re.compile(r"\s*(\$?[A-Za-z_][A-Za-z0-9_]*)\s*")
_SUB = re.compile(r"\[\s*(\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'|-?\d+)\s*\]\s*")


def json_path_key(field: str, path_parts: tuple[str | int, ...] | list[str | int]) -> str:
    """Canonical text of the JSON path ``field[part]...`` (the key of JSON-path indexes)."""
    out = [field]
    for part in path_parts:
        if isinstance(part, int) and not isinstance(part, bool):
            out.append(f"[{part}]")
        else:
            out.append("[" + json.dumps(str(part), ensure_ascii=False) + "]")
    return "".join(out)


def _unquote(token: str) -> str | int:
    if token[0] == '"':
        return str(json.loads(token))
    if token[0] == "'":
        body = token[1:-1].replace("\\'", "'").replace('"', '\\"')
        return str(json.loads('"' + body + '"'))
    return int(token)


def parse_json_path(text: str) -> tuple[str, tuple[str | int, ...]]:
    """``'meta["a"][0]'`` → ``("meta", ("a", 0))``; raises ``ValueError`` on anything else."""
    m = _FIELD.match(text)
    if m is None:
        raise ValueError(f"invalid json_path {text!r}: expected a field name followed by [\"key\"] parts")
    field, pos, parts = m.group(1), m.end(), []
    while pos < len(text):
        s = _SUB.match(text, pos)
        if s is None:
            raise ValueError(f"invalid json_path {text!r} at position {pos}: expected [\"key\"] or [index]")
        part = _unquote(s.group(1))
        if isinstance(part, int) and part < 0:
            raise ValueError(f"invalid json_path {text!r}: negative index {part}")
        parts.append(part)
        pos = s.end()
    return field, tuple(parts)
