"""Recursive-descent parser: filter text (+ template params) → syntax tree (:mod:`.ast` ``*N`` nodes).

Precedence, loosest first: ``or``/``||``; ``and``/``&&``; prefix ``not``/``!``; a predicate (comparison chain,
``in``, ``not in``, ``like``, ``=~``, ``!~``, ``is [not] null``, ``exists``); ``|``; ``^``; ``&``; ``+ -``;
``* / %``; unary ``- +``; ``**`` (right-associative); postfix ``[key]``. Bitwise operators bind tighter than
comparisons, so ``x & 1 == 1`` means ``(x & 1) == 1``. Keywords and function names are case-insensitive.
``{name}`` placeholders are replaced by literal values from ``params`` while parsing. Every error is a
``MilvusException`` with code 1100 naming the column and what was expected; functions that belong to features not
implemented yet (text match, geo, struct arrays) raise code 3000.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from azimuth.engine.expr.ast import (
    BinN,
    CallN,
    CmpN,
    ExistsN,
    InN,
    LikeN,
    ListN,
    LitN,
    LogicN,
    NameN,
    Node,
    NotN,
    NullN,
    RegexN,
    SubN,
    UnaryN,
)
from azimuth.engine.expr.lexer import Token, syntax_error, tokenize
from azimuth.errors import Code, MilvusException, server_error

_CMP_OPS = frozenset({"==", "!=", "<", "<=", ">", ">="})
_UNSUPPORTED_FUNCS = frozenset(
    {"text_match", "phrase_match", "element_filter", "match_any", "match_all", "match_least", "match_most",
     "match_exact", "st_equals", "st_touches", "st_overlaps", "st_crosses", "st_contains", "st_intersects",
     "st_within", "st_dwithin", "st_isvalid"}
)  # fmt: skip


def unsupported(expr: str, what: str) -> MilvusException:
    return server_error(Code.UNSUPPORTED, f"cannot parse expression: {expr}, error: {what} is not supported yet")


def _param_value(expr: str, name: str, value: Any) -> Any:
    """Normalise a template value into the literal domain (bool, int, float, str, nested lists)."""
    if isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple)):
        return [_param_value(expr, name, v) for v in value]
    item = getattr(value, "item", None)  # numpy scalars
    if callable(item) and getattr(value, "ndim", None) == 0:
        return _param_value(expr, name, item())
    if hasattr(value, "tolist"):
        return _param_value(expr, name, value.tolist())
    raise server_error(
        Code.INVALID_PARAMETER,
        f"cannot parse expression: {expr}, error: template placeholder {{{name}}} has a value of unsupported "
        f"type {type(value).__name__}; use bool, int, float, str or a list of them",
    )


class Parser:
    """Parses one expression; use :func:`parse`."""

    def __init__(self, expr: str, params: dict[str, Any] | None) -> None:
        self.expr = expr
        self.params = params or {}
        self.tokens = tokenize(expr)
        self.i = 0

    # ------------------------------------------------------------ token helpers
    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def _advance(self) -> Token:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def _is_op(self, *ops: str) -> bool:
        return self.tok.kind == "OP" and self.tok.value in ops

    def _is_kw(self, *words: str, offset: int = 0) -> bool:
        tok = self.tokens[min(self.i + offset, len(self.tokens) - 1)]
        return tok.kind == "IDENT" and tok.value.lower() in words

    def _fail(self, expected: str, tok: Token | None = None) -> MilvusException:
        tok = tok or self.tok
        return syntax_error(self.expr, tok.pos, f"expected {expected}, got {tok.describe()}")

    def _expect_op(self, op: str, expected: str) -> Token:
        if not self._is_op(op):
            raise self._fail(expected)
        return self._advance()

    # ------------------------------------------------------------ grammar
    def parse(self) -> Node:
        node = self.parse_or()
        if self.tok.kind != "EOF":
            raise self._fail("'and', 'or', an operator or the end of the expression")
        return node

    def parse_or(self) -> Node:
        pos = self.tok.pos
        items = [self.parse_and()]
        while self._is_kw("or") or self._is_op("||"):
            self._advance()
            items.append(self.parse_and())
        return items[0] if len(items) == 1 else LogicN("or", tuple(items), pos)

    def parse_and(self) -> Node:
        pos = self.tok.pos
        items = [self.parse_not()]
        while self._is_kw("and") or self._is_op("&&"):
            self._advance()
            items.append(self.parse_not())
        return items[0] if len(items) == 1 else LogicN("and", tuple(items), pos)

    def parse_not(self) -> Node:
        if (self._is_kw("not") and not self._is_kw("in", "like", offset=1)) or self._is_op("!"):
            pos = self._advance().pos
            return NotN(self.parse_not(), pos)
        return self.parse_predicate()

    def parse_predicate(self) -> Node:
        if self._is_kw("exists"):
            pos = self._advance().pos
            return ExistsN(self.parse_bitor(), pos)
        pos = self.tok.pos
        left = self.parse_bitor()
        if self.tok.kind == "OP" and self.tok.value in _CMP_OPS:
            ops: list[str] = []
            operands = [left]
            while self.tok.kind == "OP" and self.tok.value in _CMP_OPS:
                ops.append(self._advance().value)
                operands.append(self.parse_bitor())
            return CmpN(tuple(ops), tuple(operands), pos)
        negated = False
        if self._is_kw("not") and self._is_kw("in", "like", offset=1):
            self._advance()
            negated = True
        if self._is_kw("in"):
            self._advance()
            return InN(left, self.parse_bitor(), negated, pos)
        if self._is_kw("like"):
            self._advance()
            return LikeN(left, self.parse_bitor(), negated, pos)
        if self._is_op("=~", "!~"):
            neg = self._advance().value == "!~"
            return RegexN(left, self.parse_bitor(), neg, pos)
        if self._is_kw("is"):
            self._advance()
            neg = False
            if self._is_kw("not"):
                self._advance()
                neg = True
            if not self._is_kw("null"):
                raise self._fail("'null' after 'is'" if not neg else "'null' after 'is not'")
            self._advance()
            return NullN(left, neg, pos)
        return left

    def _binary_level(self, ops: tuple[str, ...], inner: Any) -> Node:
        left = inner()
        while self._is_op(*ops):
            tok = self._advance()
            left = BinN(tok.value, left, inner(), tok.pos)
        return left

    def parse_bitor(self) -> Node:
        return self._binary_level(("|",), self.parse_bitxor)

    def parse_bitxor(self) -> Node:
        return self._binary_level(("^",), self.parse_bitand)

    def parse_bitand(self) -> Node:
        return self._binary_level(("&",), self.parse_shift)

    def parse_shift(self) -> Node:
        node = self.parse_additive()
        if self._is_op("<<", ">>"):
            raise unsupported(self.expr, f"operator {self.tok.value!r}")
        return node

    def parse_additive(self) -> Node:
        return self._binary_level(("+", "-"), self.parse_multiplicative)

    def parse_multiplicative(self) -> Node:
        return self._binary_level(("*", "/", "%"), self.parse_unary)

    def parse_unary(self) -> Node:
        if self._is_op("-", "+"):
            tok = self._advance()
            return UnaryN(tok.value, self.parse_unary(), tok.pos)
        if self._is_op("<<", ">>", "~"):
            raise unsupported(self.expr, f"operator {self.tok.value!r}")
        return self.parse_power()

    def parse_power(self) -> Node:
        base = self.parse_postfix()
        if self._is_op("**"):
            tok = self._advance()
            return BinN("**", base, self.parse_unary(), tok.pos)
        return base

    def parse_postfix(self) -> Node:
        node = self.parse_primary()
        while self._is_op("["):
            open_tok = self._advance()
            key_tok = self.tok
            if key_tok.kind == "STR" or (key_tok.kind == "NUM" and isinstance(key_tok.value, int)):
                key: Any = key_tok.value
            elif key_tok.kind == "TPL":
                key = self._template(key_tok)
                if isinstance(key, bool) or not isinstance(key, (str, int)):
                    raise self._fail("a string key or a non-negative integer index")
            else:
                raise self._fail("a string key or a non-negative integer index")
            self._advance()
            self._expect_op("]", "']' to close the index")
            node = SubN(node, key, open_tok.pos)
        return node

    def _template(self, tok: Token) -> Any:
        name = tok.value
        if name not in self.params:
            raise server_error(
                Code.INVALID_PARAMETER,
                f"cannot parse expression: {self.expr}, error: template placeholder {{{name}}} at column "
                f"{tok.pos + 1} has no value in filter_params (given: {sorted(self.params) or 'none'})",
            )
        return _param_value(self.expr, name, self.params[name])

    def parse_primary(self) -> Node:
        tok = self.tok
        if tok.kind in ("NUM", "STR"):
            self._advance()
            return LitN(tok.value, tok.pos)
        if tok.kind == "TPL":
            self._advance()
            return LitN(self._template(tok), tok.pos)
        if self._is_op("("):
            self._advance()
            node = self.parse_or()
            self._expect_op(")", "')' to close '('")
            return node
        if self._is_op("["):
            self._advance()
            items: list[Node] = []
            if not self._is_op("]"):
                items.append(self.parse_or())
                while self._is_op(","):
                    self._advance()
                    items.append(self.parse_or())
            self._expect_op("]", "',' or ']' in the list")
            return ListN(tuple(items), tok.pos)
        if tok.kind == "IDENT":
            return self._identifier(tok)
        raise self._fail("a field name, a literal, '(' or '['")

    def _identifier(self, tok: Token) -> Node:
        low = tok.value.lower()
        self._advance()
        if low in ("true", "false"):
            return LitN(low == "true", tok.pos)
        if low in ("and", "or", "not", "in", "like", "is", "null"):
            raise self._fail("a field name, a literal, '(' or '['", tok)
        if low == "iso" and self.tok.kind == "STR":
            text_tok = self._advance()
            return LitN(parse_iso(self.expr, text_tok), tok.pos)
        if low == "interval":
            raise unsupported(self.expr, "INTERVAL arithmetic")
        if self._is_op("("):
            if low in _UNSUPPORTED_FUNCS:
                raise unsupported(self.expr, f"function {tok.value}")
            self._advance()
            args: list[Node] = []
            if not self._is_op(")"):
                args.append(self.parse_or())
                while self._is_op(","):
                    self._advance()
                    args.append(self.parse_or())
            self._expect_op(")", f"',' or ')' in the arguments of {tok.value}")
            return CallN(low, tuple(args), tok.pos)
        return NameN(tok.value, tok.pos)


def parse_iso(expr: str, tok: Token) -> datetime:
    text = str(tok.value).strip()
    try:
        value = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text)
    except ValueError:
        raise syntax_error(expr, tok.pos, f"expected an ISO 8601 timestamp, got {tok.text}") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value


def parse(expr: str, params: dict[str, Any] | None = None) -> Node | None:
    """Parse ``expr``; ``None`` for an empty or all-whitespace filter (which matches every row)."""
    if not expr or not expr.strip():
        return None
    return Parser(expr, params).parse()
