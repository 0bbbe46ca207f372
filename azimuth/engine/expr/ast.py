"""Node types of the filter-expression language.

Two layers live here. *Syntax* nodes (suffix ``N``) are what the parser produces from text, before anything is
known about the collection. *Bound* nodes are the typed AST produced by :mod:`azimuth.engine.expr.bind` against
a schema: field references are resolved to columns, JSON paths or array elements, ``!=`` / ``not in`` / ``!~`` /
``is not null`` are rewritten as ``Not`` of their positive form, chained ranges become ``And`` of two comparisons,
and constants are folded. Both evaluators (vectorised and reference) consume only bound nodes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Union

from azimuth.types.enums import DataType

# ---------------------------------------------------------------- syntax layer (parser output)


@dataclass(frozen=True)
class LitN:
    """A literal value: bool, int, float, str, or a (possibly nested) list of them."""

    value: Any
    pos: int


@dataclass(frozen=True)
class NameN:
    """A bare identifier (a field name, a dynamic key, or ``$meta``)."""

    name: str
    pos: int


@dataclass(frozen=True)
class SubN:
    """``base[key]`` with a literal string or integer key."""

    base: Node
    key: Any
    pos: int


@dataclass(frozen=True)
class CallN:
    """A function call; ``name`` is lower-cased."""

    name: str
    args: tuple[Node, ...]
    pos: int


@dataclass(frozen=True)
class ListN:
    """A bracketed list whose items are still expressions (folded to constants by the binder)."""

    items: tuple[Node, ...]
    pos: int


@dataclass(frozen=True)
class UnaryN:
    """Prefix arithmetic ``-x`` / ``+x``."""

    op: str
    operand: Node
    pos: int


@dataclass(frozen=True)
class BinN:
    """Arithmetic or bitwise binary operation: ``+ - * / % ** & | ^``."""

    op: str
    left: Node
    right: Node
    pos: int


@dataclass(frozen=True)
class CmpN:
    """A comparison chain: ``operands[0] ops[0] operands[1] ops[1] ...``."""

    ops: tuple[str, ...]
    operands: tuple[Node, ...]
    pos: int


@dataclass(frozen=True)
class InN:
    operand: Node
    values: Node
    negated: bool
    pos: int


@dataclass(frozen=True)
class LikeN:
    operand: Node
    pattern: Node
    negated: bool
    pos: int


@dataclass(frozen=True)
class RegexN:
    operand: Node
    pattern: Node
    negated: bool
    pos: int


@dataclass(frozen=True)
class NullN:
    operand: Node
    negated: bool
    pos: int


@dataclass(frozen=True)
class ExistsN:
    operand: Node
    pos: int


@dataclass(frozen=True)
class LogicN:
    """``and`` / ``or`` over two or more operands."""

    op: str
    items: tuple[Node, ...]
    pos: int


@dataclass(frozen=True)
class NotN:
    operand: Node
    pos: int


Node = Union[LitN, NameN, SubN, CallN, ListN, UnaryN, BinN, CmpN, InN, LikeN, RegexN, NullN, ExistsN, LogicN, NotN]

# ---------------------------------------------------------------- bound layer (typed AST)


@dataclass(frozen=True)
class Column:
    """A scalar or ARRAY column read as a whole."""

    name: str
    dtype: DataType
    nullable: bool = False
    element_type: DataType | None = None


@dataclass(frozen=True)
class JsonPath:
    """A value inside a JSON column (``field`` is the JSON field name or ``$meta``); empty path = the root."""

    field: str
    path: tuple[str | int, ...]


@dataclass(frozen=True)
class ArrayElem:
    """``arr[index]`` on an ARRAY column; out-of-range indexes resolve to no value."""

    field: str
    index: int
    element_type: DataType
    nullable: bool = False


@dataclass(frozen=True)
class ArrayLen:
    """``array_length(source)`` where source is an ARRAY column or a JSON path."""

    source: Column | JsonPath


@dataclass(frozen=True)
class Const:
    """A folded constant used as an arithmetic operand."""

    value: Any


@dataclass(frozen=True)
class Arith:
    """Arithmetic/bitwise operation; exactly one side (recursively) reads data, the other is a ``Const``."""

    op: str
    left: Value
    right: Value


Source = Union[Column, JsonPath, ArrayElem, ArrayLen]
Value = Union[Column, JsonPath, ArrayElem, ArrayLen, Arith, Const]


@dataclass(frozen=True)
class Cmp:
    """``left op right`` with op in ``== < <= > >=``; ``right`` is a Python literal or another value."""

    op: str
    left: Value
    right: Any
    right_is_value: bool = False
    f32: bool = False  # left is a FLOAT column compared directly: the literal was rounded to float32


@dataclass(frozen=True)
class In:
    source: Value
    values: tuple[Any, ...]
    f32: bool = False


@dataclass(frozen=True)
class Like:
    source: Source
    pattern: str
    regex: str  # the equivalent anchored regular expression


@dataclass(frozen=True)
class Regex:
    source: Source
    pattern: str


@dataclass(frozen=True)
class IsNull:
    source: Source


@dataclass(frozen=True)
class Exists:
    source: JsonPath


@dataclass(frozen=True)
class Contains:
    """``json_contains*`` / ``array_contains*``: mode is ``one``, ``all`` or ``any``."""

    source: Column | JsonPath
    values: tuple[Any, ...]
    mode: str


@dataclass(frozen=True)
class And:
    items: tuple[Pred, ...]


@dataclass(frozen=True)
class Or:
    items: tuple[Pred, ...]


@dataclass(frozen=True)
class Not:
    item: Pred


@dataclass(frozen=True)
class BoolLit:
    value: bool


@dataclass(frozen=True)
class Sample:
    """``random_sample(ratio)``: keeps each row with probability ``ratio`` (top-level AND term only)."""

    ratio: float


Pred = Union[Cmp, In, Like, Regex, IsNull, Exists, Contains, And, Or, Not, BoolLit, Sample]

COMPARE_FLIP = {"==": "==", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}
