"""One REST request as the handlers see it: the JSON body with Milvus's key rules, the resolved database and
the response options taken from headers.

Key rules (rest-v2 §1): declared keys match case-insensitively, except ``data``, ``id`` and ``search`` (exact);
unknown keys are ignored; a declared key holding the wrong JSON type fails with 1801; a required key that is
missing or empty fails with 1802. The database is body ``dbName`` → ``DB-Name`` header → ``default`` (§3).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson

from azimuth.codec.rest.errors import JSON_ONLY, missing, rest_error
from azimuth.ops.base import DEFAULT_DB

EXACT_KEYS = frozenset({"data", "id", "search"})
_TRUE = frozenset({"true", "1", "t"})
_FALSE = frozenset({"false", "0", "f"})
_JSON_TYPE_NAMES = {dict: "object", list: "array", str: "string", bool: "bool", int: "number", float: "number",
                    type(None): "null"}

# kind → accepted Python types of the parsed JSON value
_KINDS: dict[str, tuple[type, ...]] = {
    "str": (str,), "int": (int,), "bool": (bool,), "number": (int, float), "object": (dict,), "list": (list,),
    "any": (object,),
}


def parse_flag(text: str | None, default: bool) -> bool:
    """A boolean header (``true``/``1``/``t``, ``false``/``0``/``f``, any case); absent or unparsable → default."""
    if text is None:
        return default
    value = text.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    return default


def parse_body(raw: bytes) -> dict[str, Any]:
    """The JSON object of a request body; anything else is 1801."""
    if not raw or not raw.strip():
        raise rest_error(JSON_ONLY, "the request body should be nil, however {} is valid")
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise rest_error(JSON_ONLY, f"invalid JSON: {exc}") from None
    if not isinstance(body, dict):
        raise rest_error(JSON_ONLY, f"the request body must be a JSON object, got {_json_type(body)}")
    return body


def _json_type(value: Any) -> str:
    return _JSON_TYPE_NAMES.get(type(value), type(value).__name__)


class RestRequest:
    """The body of one request plus header-derived options. ``struct`` names the request in 1802 messages."""

    def __init__(self, body: dict[str, Any], headers: Mapping[str, str] | None = None, struct: str = "Request"
                 ) -> None:
        self.body = body
        self.struct = struct
        headers = headers or {}
        self._lower: dict[str, str] = {}
        for key in body:
            self._lower.setdefault(key.lower(), key)
        self.header_db = str(headers.get("db-name", "") or "")
        self.int64_numbers = parse_flag(headers.get("accept-type-allow-int64"), True)

    # ---- key access --------------------------------------------------------------------------------------
    def has(self, key: str) -> bool:
        return self._key(key) is not None

    def _key(self, key: str) -> str | None:
        if key in EXACT_KEYS:
            return key if key in self.body else None
        return self._lower.get(key.lower())

    def get(self, key: str, kind: str = "any", default: Any = None, *, required: bool = False) -> Any:
        """The value of declared key ``key`` checked against ``kind`` (str/int/bool/number/object/list/any,
        or ``list[str]``/``list[int]``); null counts as absent."""
        actual = self._key(key)
        value = self.body.get(actual) if actual is not None else None
        if value is None:
            if required:
                raise missing(self.struct, key)
            return default
        self._check(key, value, kind)
        if required and value in ("", [], {}):
            raise missing(self.struct, key)
        return value

    def validate(self, props: Mapping[str, str]) -> None:
        """Check every declared key present in the body against its kind (1801 on a wrong JSON type)."""
        for key, kind in props.items():
            actual = self._key(key)
            if actual is not None and self.body[actual] is not None and kind != "any":
                self._check(key, self.body[actual], kind)

    def _check(self, key: str, value: Any, kind: str) -> None:
        if kind.startswith("list[") and kind.endswith("]"):
            inner = kind[5:-1]
            if not isinstance(value, list) or not all(self._fits(v, inner) for v in value):
                raise rest_error(JSON_ONLY, f"{key} must be an array of {inner}, got {_json_type(value)}")
            return
        if not self._fits(value, kind):
            raise rest_error(JSON_ONLY, f"the value of key {key} must be of type {kind}, got {_json_type(value)}")

    @staticmethod
    def _fits(value: Any, kind: str) -> bool:
        if kind in ("int", "number") and isinstance(value, bool):
            return False
        if kind == "int" and isinstance(value, float):
            return value.is_integer()
        return isinstance(value, _KINDS.get(kind, (object,)))

    def str(self, key: str, default: str = "", *, required: bool = False) -> str:
        return self.get(key, "str", default, required=required)

    def int(self, key: str, default: int = 0, *, required: bool = False) -> int:
        return int(self.get(key, "int", default, required=required))

    def bool(self, key: str, default: bool = False) -> bool:
        return bool(self.get(key, "bool", default))

    def names(self, key: str, *, required: bool = False) -> tuple[str, ...]:
        return tuple(self.get(key, "list[str]", [], required=required))

    def object(self, key: str, *, required: bool = False) -> dict[str, Any]:
        return dict(self.get(key, "object", {}, required=required))

    # ---- database ----------------------------------------------------------------------------------------
    @property
    def db(self) -> str:
        """The database of the request: body ``dbName`` → ``DB-Name`` header → ``default``."""
        return self.get("dbName", "str", "") or self.header_db or DEFAULT_DB

    @property
    def collection(self) -> str:
        return self.str("collectionName", required=True)


__all__ = ["EXACT_KEYS", "RestRequest", "parse_body", "parse_flag"]
