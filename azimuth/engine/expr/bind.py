"""Semantic analysis: syntax tree + :class:`FilterSchema` → typed AST (bound nodes of :mod:`.ast`).

Resolves names (fields, JSON paths, ARRAY elements, dynamic ``$meta`` keys), folds constants, rewrites negative
forms (``!=``, ``not in``, ``not like``, ``!~``, ``is not null``) as ``Not`` of the positive one, splits chained
ranges, and rejects ill-typed filters with code 1100 (``title > 3`` on a VARCHAR, vector fields, unknown fields on
a non-dynamic collection, ``array_contains`` on a non-array...). Literals compared directly with a FLOAT column
are rounded to float32, as Milvus compares in the field's precision.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Any

import numpy as np

from azimuth.engine.expr import ast as A
from azimuth.engine.expr.lexer import Token
from azimuth.engine.expr.parser import parse_iso, unsupported
from azimuth.engine.expr.schema import FilterSchema
from azimuth.errors import Code, MilvusException, server_error
from azimuth.types.arrow import META_FIELD
from azimuth.types.enums import FLOAT_TYPES, INTEGER_TYPES, STRING_TYPES, VECTOR_TYPES, DataType

_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1
_NOT_CONST = object()
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def to_f32(value: int | float) -> float:
    """``value`` rounded to the nearest float32 (overflowing to ±inf), as a Python float."""
    try:
        f = float(value)
    except OverflowError:
        return float("inf") if value > 0 else float("-inf")
    with np.errstate(all="ignore"):
        return float(np.float32(f))


def like_to_regex(pattern: str) -> str:
    """LIKE pattern → regex body (match with DOTALL, anchored at both ends): ``%`` any run, ``_`` one char."""
    out: list[str] = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            i += 1
            ch = pattern[i]
            out.append("\\" + ch if ch in ".^$*+?()[]{}|\\" else ch)
        elif ch == "%":
            out.append(".*")
        elif ch == "_":
            out.append(".")
        else:
            out.append("\\" + ch if ch in ".^$*+?()[]{}|\\" else ch)
        i += 1
    return "".join(out)


def _is_num(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _kind(v: A.Value) -> str:
    if isinstance(v, A.Column):
        return _dtype_kind(v.dtype)
    if isinstance(v, A.ArrayElem):
        return _dtype_kind(v.element_type)
    if isinstance(v, A.JsonPath):
        return "json"
    return "num"  # ArrayLen, Arith


def _dtype_kind(dtype: DataType) -> str:
    if dtype in INTEGER_TYPES:
        return "int"
    if dtype in FLOAT_TYPES:
        return "float"
    if dtype in STRING_TYPES:
        return "str"
    if dtype == DataType.BOOL:
        return "bool"
    if dtype == DataType.TIMESTAMPTZ:
        return "ts"
    if dtype == DataType.ARRAY:
        return "array"
    return "other"


class Binder:
    """Binds one parsed expression against a schema; use :func:`bind`."""

    def __init__(self, expr: str, schema: FilterSchema) -> None:
        self.expr = expr
        self.schema = schema

    def error(self, message: str, code: int = Code.INVALID_PARAMETER) -> MilvusException:
        return server_error(code, f"cannot parse expression: {self.expr}, error: {message}")

    # ------------------------------------------------------------ constants
    def const(self, node: A.Node) -> Any:
        """The constant value of ``node`` or ``_NOT_CONST``."""
        if isinstance(node, A.LitN):
            return node.value
        if isinstance(node, A.ListN):
            items = [self.const(i) for i in node.items]
            return _NOT_CONST if any(i is _NOT_CONST for i in items) else items
        if isinstance(node, A.UnaryN):
            v = self.const(node.operand)
            if v is _NOT_CONST:
                return v
            if not _is_num(v):
                raise self.error(f"unary {node.op} needs a number")
            return -v if node.op == "-" else v
        if isinstance(node, A.BinN):
            lv, rv = self.const(node.left), self.const(node.right)
            if lv is _NOT_CONST or rv is _NOT_CONST:
                return _NOT_CONST
            return self._fold(node.op, lv, rv)
        return _NOT_CONST

    def _fold(self, op: str, a: Any, b: Any) -> Any:
        if not (_is_num(a) and _is_num(b)):
            raise self.error(f"operator {op} needs numbers, got {a!r} and {b!r}")
        try:
            if op in "&|^" and not (isinstance(a, int) and isinstance(b, int)):
                raise self.error(f"bitwise {op} needs integers")
            return {
                "+": lambda: a + b, "-": lambda: a - b, "*": lambda: a * b, "**": lambda: a**b,
                "/": lambda: a / b, "%": lambda: a % b, "&": lambda: a & b, "|": lambda: a | b, "^": lambda: a ^ b,
            }[op]()  # fmt: skip
        except ZeroDivisionError:
            raise self.error("division by zero") from None

    # ------------------------------------------------------------ values
    def value(self, node: A.Node) -> A.Value:
        if isinstance(node, A.NameN):
            return self._name(node.name)
        if isinstance(node, A.SubN):
            base = self.value(node.base)
            if isinstance(base, A.JsonPath):
                return A.JsonPath(base.field, (*base.path, node.key))
            if isinstance(base, A.Column) and base.dtype == DataType.ARRAY:
                if not isinstance(node.key, int) or node.key < 0:
                    raise self.error(f"ARRAY field {base.name} needs a non-negative integer index, got {node.key!r}")
                assert base.element_type is not None
                return A.ArrayElem(base.name, node.key, base.element_type, base.nullable)
            raise self.error(f"cannot index {self._describe(base)} with [{node.key!r}]")
        if isinstance(node, A.CallN) and node.name == "array_length":
            if len(node.args) != 1:
                raise self.error("array_length takes exactly one argument")
            src = self.value(node.args[0])
            if not (isinstance(src, A.JsonPath) or (isinstance(src, A.Column) and src.dtype == DataType.ARRAY)):
                raise self.error(f"array_length needs an ARRAY field or a JSON path, got {self._describe(src)}")
            return A.ArrayLen(src)
        if isinstance(node, (A.BinN, A.UnaryN)):
            return self._arith(node)
        if isinstance(node, A.CallN):
            raise self.error(f"function {node.name} does not return a value usable here")
        raise self.error("expected a field, a JSON path or an arithmetic expression over a field")

    def _name(self, name: str) -> A.Value:
        if name == META_FIELD:
            if not self.schema.dynamic:
                raise self.error("$meta is not available: the collection has no dynamic field")
            return A.JsonPath(META_FIELD, ())
        f = self.schema.field(name)
        if f is None:
            if self.schema.dynamic:
                return A.JsonPath(META_FIELD, (name,))
            names = ", ".join(x.name for x in self.schema.fields)
            raise self.error(f"field {name} not exist; available fields are: {names}")
        dtype = DataType(f.dtype)
        if dtype in VECTOR_TYPES:
            raise self.error(f"vector field {name} ({dtype.name}) cannot be used in a filter expression")
        if dtype == DataType.JSON:
            return A.JsonPath(name, ())
        if dtype == DataType.GEOMETRY:
            raise unsupported(self.expr, f"filtering on GEOMETRY field {name}")
        if dtype not in (INTEGER_TYPES | FLOAT_TYPES | STRING_TYPES | {DataType.BOOL, DataType.TIMESTAMPTZ,
                                                                       DataType.ARRAY}):
            raise self.error(f"field {name} of type {dtype.name} cannot be used in a filter expression")
        elem = DataType(f.element_type) if f.element_type is not None else None
        return A.Column(name, dtype, bool(f.nullable), elem)

    def _arith(self, node: A.BinN | A.UnaryN) -> A.Value:
        if isinstance(node, A.UnaryN):
            inner = self.value(node.operand)
            self._check_numeric(inner, node.op)
            return inner if node.op == "+" else A.Arith("*", inner, A.Const(-1))
        op = node.op
        lc, rc = self.const(node.left), self.const(node.right)
        if lc is not _NOT_CONST and rc is not _NOT_CONST:
            raise self.error("internal: constant arithmetic reached the value binder")
        if lc is _NOT_CONST and rc is _NOT_CONST:
            raise self.error(f"arithmetic operator {op} must be between one field and constants")
        if lc is not _NOT_CONST:
            if op in ("&", "|", "^", "+", "*"):
                return self._arith_node(op, self.value(node.right), lc)
            if op == "-":
                inner = self.value(node.right)
                self._check_arith(op, inner, lc)
                return A.Arith("-", A.Const(lc), inner)
            raise self.error(f"the field must be the left operand of {op}")
        return self._arith_node(op, self.value(node.left), rc)

    def _arith_node(self, op: str, inner: A.Value, const: Any) -> A.Value:
        self._check_arith(op, inner, const)
        return A.Arith(op, inner, A.Const(const))

    def _check_arith(self, op: str, inner: A.Value, const: Any) -> None:
        self._check_numeric(inner, op)
        if not _is_num(const):
            raise self.error(f"operator {op} needs a numeric constant, got {const!r}")
        if isinstance(const, int) and not _INT64_MIN <= const <= _INT64_MAX:
            raise self.error(f"constant {const} is out of the int64 range")
        if op in ("/", "%") and const == 0:
            raise self.error("division by zero")
        if op in ("&", "|", "^"):
            if not isinstance(const, int) or _kind(inner) in ("float",):
                raise self.error(f"bitwise operator {op} needs integer operands")

    def _check_numeric(self, v: A.Value, op: str) -> None:
        if _kind(v) not in ("int", "float", "json", "num"):
            raise self.error(f"operator {op} cannot be applied to {self._describe(v)}")

    def _describe(self, v: A.Value) -> str:
        if isinstance(v, A.Column):
            return f"field {v.name} ({v.dtype.name})"
        if isinstance(v, A.ArrayElem):
            return f"{v.field}[{v.index}] ({v.element_type.name})"
        if isinstance(v, A.JsonPath):
            return f"JSON path {v.field}{''.join(f'[{k!r}]' for k in v.path)}"
        return "an arithmetic expression"

    # ------------------------------------------------------------ predicates
    def pred(self, node: A.Node) -> A.Pred:
        if isinstance(node, A.LogicN):
            items = [self.pred(i) for i in node.items]
            cls = A.And if node.op == "and" else A.Or
            flat: list[A.Pred] = []
            for it in items:
                flat.extend(it.items if isinstance(it, cls) else (it,))
            return cls(tuple(flat))
        if isinstance(node, A.NotN):
            return A.Not(self.pred(node.operand))
        if isinstance(node, A.CmpN):
            return self._chain(node)
        if isinstance(node, A.InN):
            return self._in(node)
        if isinstance(node, A.LikeN):
            return self._like(node)
        if isinstance(node, A.RegexN):
            src = self._stringish(self.value(node.operand), "=~")
            pat = self.const(node.pattern)
            if not isinstance(pat, str):
                raise self.error("a regular expression must be a string literal")
            try:
                re.compile(pat)
            except re.error as e:
                raise self.error(f"invalid regular expression {pat!r}: {e}") from None
            r = A.Regex(src, pat)
            return A.Not(r) if node.negated else r
        if isinstance(node, A.NullN):
            src = self.value(node.operand)
            if not isinstance(src, (A.Column, A.JsonPath, A.ArrayElem)):
                raise self.error("'is null' needs a field or a JSON path")
            p = A.IsNull(src)
            return A.Not(p) if node.negated else p
        if isinstance(node, A.ExistsN):
            src = self.value(node.operand)
            if not isinstance(src, A.JsonPath):
                raise self.error(f"exists needs a JSON path or a dynamic key, got {self._describe(src)}")
            return A.Exists(src)
        if isinstance(node, A.CallN):
            return self._call(node)
        if isinstance(node, A.LitN) and isinstance(node.value, bool):
            return A.BoolLit(node.value)
        if isinstance(node, (A.NameN, A.SubN)):
            v = self.value(node)
            if _kind(v) in ("bool", "json"):
                return A.Cmp("==", v, True)
        raise self.error(f"expected a boolean expression at column {getattr(node, 'pos', 0) + 1}")

    def _chain(self, node: A.CmpN) -> A.Pred:
        if len(node.ops) > 2:
            raise self.error("a chained comparison can have at most two operators")
        if len(node.ops) == 2:
            a, b = node.ops
            lower = {"<", "<="}
            if not ((a in lower and b in lower) or (a in (">", ">=") and b in (">", ">="))):
                raise self.error(f"invalid range: operators {a} and {b} must point the same way")
            first = self._compare(a, node.operands[0], node.operands[1])
            second = self._compare(b, node.operands[1], node.operands[2])
            return A.And((first, second))
        return self._compare(node.ops[0], node.operands[0], node.operands[1])

    def _compare(self, op: str, lnode: A.Node, rnode: A.Node) -> A.Pred:
        lc, rc = self.const(lnode), self.const(rnode)
        if lc is not _NOT_CONST and rc is not _NOT_CONST:
            raise self.error("a comparison needs at least one field")
        if lc is not _NOT_CONST:
            op, lnode, rnode, rc = A.COMPARE_FLIP[op], rnode, lnode, lc
        left = self.value(lnode)
        if rc is _NOT_CONST:
            right = self.value(rnode)
            self._check_pair(op, left, right)
            cmp: A.Pred = A.Cmp("==" if op == "!=" else op, left, right, right_is_value=True)
        else:
            lit, f32 = self._literal_for(op, left, rc)
            cmp = A.Cmp("==" if op == "!=" else op, left, lit, f32=f32)
        return A.Not(cmp) if op == "!=" else cmp

    def _check_pair(self, op: str, left: A.Value, right: A.Value) -> None:
        kl, kr = _kind(left), _kind(right)
        numeric = {"int", "float", "num"}
        ok = (
            "json" in (kl, kr)
            or (kl in numeric and kr in numeric)
            or (kl == kr and kl in ("str", "bool", "ts"))
        )
        if not ok or "array" in (kl, kr):
            raise self.error(f"cannot compare {self._describe(left)} with {self._describe(right)}")
        if "bool" in (kl, kr) and op not in ("==", "!="):
            raise self.error(f"operator {op} is not supported on BOOL values")

    def _literal_for(self, op: str, left: A.Value, lit: Any) -> tuple[Any, bool]:
        kind = _kind(left)
        desc = self._describe(left)
        if kind == "array":
            raise self.error(f"cannot compare {desc} with a literal; use array_contains, array_length or an index")
        if kind == "json":
            if isinstance(lit, list) and op not in ("==", "!="):
                raise self.error(f"operator {op} cannot compare with a list")
            if isinstance(lit, datetime):
                raise self.error("timestamps can only be compared with TIMESTAMPTZ fields")
            return lit, False
        if kind in ("int", "float", "num"):
            if not _is_num(lit):
                raise self.error(f"comparisons between {desc} and {_lit_type(lit)} are not supported")
            if (isinstance(left, A.Column) and left.dtype == DataType.FLOAT) or (
                isinstance(left, A.ArrayElem) and left.element_type == DataType.FLOAT
            ):
                return to_f32(lit), True
            return lit, False
        if kind == "str":
            if not isinstance(lit, str):
                raise self.error(f"comparisons between {desc} and {_lit_type(lit)} are not supported")
            return lit, False
        if kind == "bool":
            if not isinstance(lit, bool):
                raise self.error(f"comparisons between {desc} and {_lit_type(lit)} are not supported")
            if op not in ("==", "!="):
                raise self.error(f"operator {op} is not supported on BOOL values")
            return lit, False
        if kind == "ts":
            return self._timestamp(lit, desc), False
        raise self.error(f"{desc} cannot be compared")

    def _timestamp(self, lit: Any, desc: str) -> int:
        if isinstance(lit, str):
            lit = parse_iso(self.expr, Token("STR", lit, 0, repr(lit)))
        if isinstance(lit, datetime):
            return (lit - _EPOCH) // timedelta(microseconds=1)
        if isinstance(lit, int) and not isinstance(lit, bool):
            return lit
        raise self.error(f"comparisons between {desc} and {_lit_type(lit)} are not supported")

    def _element_kind(self, src: A.Value) -> str:
        if isinstance(src, A.Column) and src.dtype == DataType.ARRAY:
            assert src.element_type is not None
            return _dtype_kind(src.element_type)
        return _kind(src)

    def _check_elements(self, src: A.Value, values: list[Any], what: str) -> tuple[tuple[Any, ...], bool]:
        kind = self._element_kind(src)
        f32 = (
            (isinstance(src, A.Column) and src.dtype == DataType.FLOAT)
            or (isinstance(src, A.Column) and src.element_type == DataType.FLOAT)
            or (isinstance(src, A.ArrayElem) and src.element_type == DataType.FLOAT)
        )
        out: list[Any] = []
        for v in values:
            if kind == "json":
                if isinstance(v, datetime):
                    raise self.error("timestamps can only be compared with TIMESTAMPTZ fields")
                out.append(v)
            elif kind in ("int", "float", "num"):
                if not _is_num(v):
                    raise self.error(f"{what}: {self._describe(src)} cannot match {_lit_type(v)} value {v!r}")
                out.append(to_f32(v) if f32 else v)
            elif kind == "str" and isinstance(v, str) or kind == "bool" and isinstance(v, bool):
                out.append(v)
            elif kind == "ts":
                out.append(self._timestamp(v, self._describe(src)))
            else:
                raise self.error(f"{what}: {self._describe(src)} cannot match {_lit_type(v)} value {v!r}")
        return tuple(out), f32

    def _in(self, node: A.InN) -> A.Pred:
        src = self.value(node.operand)
        values = self.const(node.values)
        if not isinstance(values, list):
            raise self.error("'in' needs a list of constants, e.g. x in [1, 2, 3]")
        if _kind(src) == "array":
            raise self.error(f"'in' cannot be applied to {self._describe(src)}; use array_contains_any")
        vals, f32 = self._check_elements(src, values, "in")
        p = A.In(src, vals, f32)
        return A.Not(p) if node.negated else p

    def _stringish(self, src: A.Value, op: str) -> A.Source:
        if _kind(src) not in ("str", "json") or isinstance(src, (A.Arith, A.ArrayLen)):
            raise self.error(f"{op} needs a VARCHAR field or a JSON path, got {self._describe(src)}")
        return src  # type: ignore[return-value]

    def _like(self, node: A.LikeN) -> A.Pred:
        src = self._stringish(self.value(node.operand), "like")
        pat = self.const(node.pattern)
        if not isinstance(pat, str):
            raise self.error("like needs a string pattern")
        p = A.Like(src, pat, like_to_regex(pat))
        return A.Not(p) if node.negated else p

    def _call(self, node: A.CallN) -> A.Pred:
        name = node.name
        if name == "random_sample":
            if len(node.args) != 1:
                raise self.error("random_sample takes exactly one argument")
            p = self.const(node.args[0])
            if not _is_num(p) or not 0 < p < 1:
                raise self.error(f"random_sample ratio must be a number in (0, 1), got {p!r}")
            return A.Sample(float(p))
        modes = {"contains": "one", "contains_all": "all", "contains_any": "any"}
        for prefix in ("json_", "array_"):
            if name.startswith(prefix) and name[len(prefix) :] in modes:
                return self._contains(node, modes[name[len(prefix) :]])
        if name == "array_length":
            raise self.error("array_length(...) must be compared with a value, e.g. array_length(a) == 2")
        raise self.error(f"unknown function {node.name}")

    def _contains(self, node: A.CallN, mode: str) -> A.Pred:
        if len(node.args) != 2:
            raise self.error(f"{node.name} takes exactly two arguments")
        src = self.value(node.args[0])
        if not (isinstance(src, A.JsonPath) or (isinstance(src, A.Column) and src.dtype == DataType.ARRAY)):
            raise self.error(f"{node.name} needs an ARRAY field or a JSON path, got {self._describe(src)}")
        val = self.const(node.args[1])
        if val is _NOT_CONST:
            raise self.error(f"the second argument of {node.name} must be a constant")
        if mode == "one":
            values = [val]
        elif isinstance(val, list):
            values = val
        else:
            raise self.error(f"the second argument of {node.name} must be a list")
        vals, _ = self._check_elements(src, values, node.name)
        return A.Contains(src, vals, mode)


def _lit_type(v: Any) -> str:
    if isinstance(v, bool):
        return "Bool"
    if isinstance(v, int):
        return "Int64"
    if isinstance(v, float):
        return "Double"
    if isinstance(v, str):
        return "VarChar"
    if isinstance(v, list):
        return "Array"
    return type(v).__name__


def _check_sample(root: A.Pred, binder: Binder) -> None:
    def walk(p: A.Pred, top: bool) -> None:
        if isinstance(p, A.Sample):
            if not top:
                raise binder.error("random_sample can only be AND-ed with other conditions at the top level")
        elif isinstance(p, A.And):
            for it in p.items:
                walk(it, top)
        elif isinstance(p, A.Or):
            for it in p.items:
                walk(it, False)
        elif isinstance(p, A.Not):
            walk(p.item, False)

    walk(root, True)
    samples = [p for p in (root.items if isinstance(root, A.And) else (root,)) if isinstance(p, A.Sample)]
    if len(samples) > 1:
        raise binder.error("random_sample can appear only once")


def bind(node: A.Node, schema: FilterSchema, expr: str) -> A.Pred:
    """Type-check ``node`` against ``schema`` and return the bound predicate."""
    binder = Binder(expr, schema)
    pred = binder.pred(node)
    _check_sample(pred, binder)
    return pred
