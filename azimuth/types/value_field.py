"""Field default values: a small stand-in for Milvus's protobuf ``ValueField`` and the rules that pick its kind.

``FieldSchema.default_value`` and the ``default_value`` entry of ``describe_collection`` field dicts are
:class:`ValueField` objects. They behave like the protobuf message pymilvus returns: one of the ``*_data``
attributes is set (``WhichOneof("data")`` names it), the others read as zero values, ``str()`` is protobuf text
format, and they compare equal to a protobuf ``ValueField`` holding the same value. Instances are immutable.
"""

from __future__ import annotations

import math
import struct
from typing import Any

import numpy as np

from azimuth.errors import ParamError
from azimuth.types.enums import DataType

_ZERO: dict[str, Any] = {
    "bool_data": False,
    "int_data": 0,
    "long_data": 0,
    "float_data": 0.0,
    "double_data": 0.0,
    "string_data": "",
    "bytes_data": b"",
    "timestamptz_data": 0,
    "date_data": 0,
    "time_data": 0,
}
KINDS: tuple[str, ...] = tuple(_ZERO)


def _to_float32(value: float) -> float:
    return float(struct.unpack("f", struct.pack("f", value))[0])


class ValueField:
    """An immutable default value: exactly one ``*_data`` kind set (or none for an empty value)."""

    __slots__ = ("_kind", "_value")

    def __init__(self, **data: Any) -> None:
        if len(data) > 1:
            raise ParamError(message=f"a ValueField holds one value, got {sorted(data)}")
        kind: str | None = None
        value: Any = None
        for kind, value in data.items():
            if kind not in _ZERO:
                raise ParamError(message=f"unknown ValueField kind {kind!r}; kinds are: {', '.join(KINDS)}")
            value = _coerce(kind, value)
        object.__setattr__(self, "_kind", kind)
        object.__setattr__(self, "_value", value)

    @classmethod
    def from_message(cls, message: Any) -> ValueField:
        """Copy anything protobuf-``ValueField``-like (``WhichOneof("data")`` + attributes)."""
        kind = message.WhichOneof("data")
        if kind is None:
            return cls()
        return cls(**{kind: getattr(message, kind)})

    def WhichOneof(self, group: str) -> str | None:  # noqa: N802 - protobuf spelling
        if group != "data":
            raise ValueError(f'Protocol message has no oneof "{group}" field.')
        return self._kind

    def HasField(self, name: str) -> bool:  # noqa: N802 - protobuf spelling
        if name == "data":
            return self._kind is not None
        if name not in _ZERO:
            raise ValueError(f'Protocol message has no "{name}" field.')
        return self._kind == name

    @property
    def kind(self) -> str | None:
        """The name of the set ``*_data`` attribute, or None when empty."""
        return self._kind

    @property
    def value(self) -> Any:
        """The Python value held (None when empty)."""
        return self._value

    def __getattr__(self, name: str) -> Any:
        if name in _ZERO:
            return self._value if name == self._kind else _ZERO[name]
        raise AttributeError(name)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("ValueField is immutable")

    def __eq__(self, other: object) -> bool:
        if isinstance(other, ValueField):
            return self._kind == other._kind and self._value == other._value
        which = getattr(other, "WhichOneof", None)
        if which is None:
            return NotImplemented
        try:
            kind = which("data")
        except (ValueError, TypeError):
            return False
        return kind == self._kind and (kind is None or getattr(other, kind) == self._value)

    def __ne__(self, other: object) -> bool:
        result = self.__eq__(other)
        return result if result is NotImplemented else not result

    def __hash__(self) -> int:
        return hash((self._kind, self._value))

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (self._kind, self._value))

    def __deepcopy__(self, memo: dict[int, Any]) -> ValueField:
        return self

    def __copy__(self) -> ValueField:
        return self

    def __str__(self) -> str:
        if self._kind is None:
            return ""
        return f"{self._kind}: {_text(self._kind, self._value)}\n"

    __repr__ = __str__


def _rebuild(kind: str | None, value: Any) -> ValueField:
    return ValueField() if kind is None else ValueField(**{kind: value})


def _coerce(kind: str, value: Any) -> Any:
    if kind == "bool_data":
        return bool(value)
    if kind in ("float_data", "double_data"):
        as_float = float(value)
        return _to_float32(as_float) if kind == "float_data" else as_float
    if kind == "string_data":
        if not isinstance(value, str):
            raise ParamError(message=f"string_data must be str, got {type(value).__name__}")
        return value
    if kind == "bytes_data":
        return bytes(value)
    return int(value)


def _shortest(value: float, single: bool) -> str:
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    for precision in range(1, 18):
        text = f"{value:.{precision}g}"
        back = float(text)
        if (_to_float32(back) == value) if single else (back == value):
            return text
    return repr(value)


def _escape_bytes(raw: bytes) -> str:
    out: list[str] = []
    for byte in raw:
        char = chr(byte)
        if char in "\"'\\":
            out.append("\\" + char)
        elif char == "\n":
            out.append("\\n")
        elif char == "\r":
            out.append("\\r")
        elif char == "\t":
            out.append("\\t")
        elif 32 <= byte < 127:
            out.append(char)
        else:
            out.append(f"\\{byte:03o}")
    return "".join(out)


def _escape_text(text: str) -> str:
    table = {'"': '\\"', "'": "\\'", "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
    return "".join(table.get(ch, ch if ord(ch) >= 32 else f"\\{ord(ch):03o}") for ch in text)


def _text(kind: str, value: Any) -> str:
    if kind == "bool_data":
        return "true" if value else "false"
    if kind in ("float_data", "double_data"):
        return _shortest(value, kind == "float_data")
    if kind == "string_data":
        return f'"{_escape_text(value)}"'
    if kind == "bytes_data":
        return f'"{_escape_bytes(value)}"'
    return str(value)


def _is_scalar(value: Any) -> bool:
    return isinstance(value, (bool, int, float, str, bytes, np.generic))


def infer_default_value(value: Any, dtype: DataType | None = None) -> ValueField | None:
    """Pick the ``ValueField`` kind for a user default the way pymilvus does.

    Python ``int`` → ``long_data`` (whatever the field's integer width), numpy int8/16/32 → ``int_data``,
    ``float`` → ``float_data`` for FLOAT fields else ``double_data``, ``np.float32`` → ``float_data``,
    ``bool`` → ``bool_data``, ``str`` → ``string_data``. Anything else raises ``ParamError``.
    """
    if value is None:
        return None
    if hasattr(value, "WhichOneof"):
        field = ValueField.from_message(value)
        return None if field.kind is None else field
    inferred = _scalar_kind(value, dtype) if _is_scalar(value) else DataType.UNKNOWN
    kind = _KIND_OF_TYPE.get(inferred)
    if kind is None:
        raise ParamError(message=f"Default value unsupported data type: {inferred}")
    return ValueField(**{kind: value.item() if isinstance(value, np.generic) else value})


def _scalar_kind(value: Any, dtype: DataType | None) -> DataType:
    is_float = isinstance(value, (float, np.floating))
    if isinstance(value, np.float32) or (is_float and dtype == DataType.FLOAT):
        return DataType.FLOAT
    if is_float:
        return DataType.DOUBLE
    if isinstance(value, (bool, np.bool_)):
        return DataType.BOOL
    if isinstance(value, (int, np.int64)):
        return DataType.INT64
    if isinstance(value, (np.int32, np.int16, np.int8)):
        return DataType.INT32
    if isinstance(value, str):
        return DataType.VARCHAR
    if isinstance(value, bytes):
        return DataType.BINARY_VECTOR
    return DataType.UNKNOWN


_KIND_OF_TYPE: dict[DataType, str] = {
    DataType.BOOL: "bool_data",
    DataType.INT32: "int_data",
    DataType.INT64: "long_data",
    DataType.FLOAT: "float_data",
    DataType.DOUBLE: "double_data",
    DataType.VARCHAR: "string_data",
}

__all__ = ["KINDS", "ValueField", "infer_default_value"]
