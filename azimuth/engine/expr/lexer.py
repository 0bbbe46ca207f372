"""Tokenizer of the filter-expression language.

Produces a flat list of :class:`Token` ending with an ``EOF`` token. Each token records its 0-based character
offset so that parse errors can point at the exact column. Integer literals are kept as exact Python ints (no
precision loss for int64), string literals have their escapes decoded (unknown escapes such as ``\\%`` are kept
verbatim so LIKE patterns can use them), ``r"..."`` strings are raw, and ``{name}`` is a template placeholder.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from azimuth.errors import Code, MilvusException, server_error

# kinds: NUM, STR, IDENT, OP, TPL, EOF
_OPERATORS = (
    "**", "==", "!=", ">=", "<=", "&&", "||", "=~", "!~", "<<", ">>",
    ">", "<", "+", "-", "*", "/", "%", "&", "|", "^", "!", "~", "(", ")", "[", "]", ",",
)  # fmt: skip
_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "\\": "\\", '"': '"', "'": "'", "/": "/"}


@dataclass(frozen=True)
class Token:
    kind: str
    value: Any
    pos: int
    text: str

    def describe(self) -> str:
        if self.kind == "EOF":
            return "end of expression"
        return repr(self.text)


def syntax_error(expr: str, pos: int, message: str) -> MilvusException:
    """The one shape of a syntax error: code 1100, names the expression, the column and the expectation."""
    pointer = f"\n  {expr}\n  {' ' * pos}^" if expr else ""
    return server_error(
        Code.INVALID_PARAMETER, f"cannot parse expression: {expr}, error: at column {pos + 1}: {message}{pointer}"
    )


def _is_ident_start(ch: str) -> bool:
    return ch.isalpha() or ch == "_" or ch == "$"


def _is_ident_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_" or ch == "$"


def tokenize(expr: str) -> list[Token]:
    """Split ``expr`` into tokens; raise a 1100 error at the first character that starts no token."""
    tokens: list[Token] = []
    i, n = 0, len(expr)
    while i < n:
        ch = expr[i]
        if ch.isspace():
            i += 1
            continue
        start = i
        if ch in "rR" and i + 1 < n and expr[i + 1] in "\"'":
            value, i = _read_string(expr, i + 1, raw=True)
            tokens.append(Token("STR", value, start, expr[start:i]))
        elif ch in "\"'":
            value, i = _read_string(expr, i, raw=False)
            tokens.append(Token("STR", value, start, expr[start:i]))
        elif ch.isdigit() or (ch == "." and i + 1 < n and expr[i + 1].isdigit()):
            value, i = _read_number(expr, i)
            tokens.append(Token("NUM", value, start, expr[start:i]))
        elif _is_ident_start(ch):
            i += 1
            while i < n and _is_ident_char(expr[i]):
                i += 1
            tokens.append(Token("IDENT", expr[start:i], start, expr[start:i]))
        elif ch == "{":
            end = expr.find("}", i)
            name = expr[i + 1 : end].strip() if end >= 0 else ""
            if end < 0 or not name or not all(_is_ident_char(c) for c in name):
                raise syntax_error(expr, i, "expected a template placeholder like {name}")
            tokens.append(Token("TPL", name, start, expr[start : end + 1]))
            i = end + 1
        else:
            for op in _OPERATORS:
                if expr.startswith(op, i):
                    tokens.append(Token("OP", op, start, op))
                    i += len(op)
                    break
            else:
                hint = ", expected '==' or '=~'" if ch == "=" else ""
                raise syntax_error(expr, i, f"unexpected character {ch!r}{hint}")
    tokens.append(Token("EOF", None, n, ""))
    return tokens


def _read_string(expr: str, i: int, *, raw: bool) -> tuple[str, int]:
    quote = expr[i]
    start = i
    i += 1
    out: list[str] = []
    n = len(expr)
    while i < n:
        ch = expr[i]
        if ch == quote:
            return "".join(out), i + 1
        if ch == "\\" and i + 1 < n:
            nxt = expr[i + 1]
            if raw:
                out.append(ch + nxt)
                i += 2
                continue
            if nxt in _SIMPLE_ESCAPES:
                out.append(_SIMPLE_ESCAPES[nxt])
                i += 2
                continue
            if nxt == "u":
                digits = expr[i + 2 : i + 6]
                if len(digits) != 4 or not all(c in "0123456789abcdefABCDEF" for c in digits):
                    raise syntax_error(expr, i, "expected 4 hex digits after \\u")
                out.append(chr(int(digits, 16)))
                i += 6
                continue
            out.append(ch + nxt)  # unknown escape kept verbatim (e.g. \% and \_ in LIKE patterns)
            i += 2
            continue
        out.append(ch)
        i += 1
    raise syntax_error(expr, start, f"unterminated string literal, expected a closing {quote}")


def _read_number(expr: str, i: int) -> tuple[int | float, int]:
    n = len(expr)
    start = i
    if expr.startswith(("0x", "0X", "0o", "0O", "0b", "0B"), i):
        base = {"x": 16, "o": 8, "b": 2}[expr[i + 1].lower()]
        i += 2
        while i < n and (expr[i].isalnum() or expr[i] == "_"):
            i += 1
        try:
            return int(expr[start:i], base), i
        except ValueError:
            raise syntax_error(expr, start, f"invalid number {expr[start:i]!r}") from None
    is_float = False
    while i < n and expr[i].isdigit():
        i += 1
    if i < n and expr[i] == ".":
        is_float = True
        i += 1
        while i < n and expr[i].isdigit():
            i += 1
    if i < n and expr[i] in "eE":
        j = i + 1
        if j < n and expr[j] in "+-":
            j += 1
        if j < n and expr[j].isdigit():
            is_float = True
            i = j
            while i < n and expr[i].isdigit():
                i += 1
    if i < n and _is_ident_char(expr[i]):
        raise syntax_error(expr, start, f"invalid number {expr[start:i + 1]!r}")
    text = expr[start:i]
    return (float(text) if is_float else int(text)), i
