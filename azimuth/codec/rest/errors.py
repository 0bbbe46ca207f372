"""Exceptions ⇄ the REST error envelope ``{"code": n, "message": s}``.

REST-layer codes (1800-1807, 10001) are produced here with the message stems Milvus uses
(``"<stem>, error: <detail>"``); engine codes pass through unchanged. Azimuth adds one key to error envelopes,
``"exception"``, naming the exception class when it is a subclass of ``MilvusException`` so that the REST
client transport raises the same class as the embedded one (other clients ignore unknown keys).
"""

from __future__ import annotations

from typing import Any

from azimuth import errors
from azimuth.errors import Code, MilvusException

NOT_AUTHENTICATED = 1800
JSON_ONLY = 1801
MISSING_PARAMS = 1802
MARSHAL_SCHEMA = 1803
INSERT_DATA = 1804
SEARCH_RESULT = 1805
PK_TYPE = 1806
LIMITED = 1807
TIMEOUT = 10001

STEMS: dict[int, str] = {
    NOT_AUTHENTICATED: "user hasn't authenticated",
    JSON_ONLY: "can only accept json format request",
    MISSING_PARAMS: "missing required parameters",
    MARSHAL_SCHEMA: "fail to marshal collection schema",
    INSERT_DATA: "fail to deal the insert data",
    SEARCH_RESULT: "fail to parse search result",
    PK_TYPE: "please check the primary key and its' type can only in [int, string]",
    LIMITED: "request is rejected by limiter",
    TIMEOUT: "request timeout",
}

_CLASSES: dict[str, type[MilvusException]] = {
    name: cls for name, cls in vars(errors).items() if isinstance(cls, type) and issubclass(cls, MilvusException)
}


def rest_error(code: int, detail: str = "") -> MilvusException:
    """A REST-layer error with Milvus's message stem for ``code``."""
    stem = STEMS.get(code, "")
    message = f"{stem}, error: {detail}" if detail and stem else (stem or detail)
    return MilvusException(code, message, is_input_error=True)


def missing(struct: str, key: str) -> MilvusException:
    """1802 in the validator's words (``Key: 'Struct.Field' ... 'required' tag``)."""
    field = key[:1].upper() + key[1:]
    return rest_error(MISSING_PARAMS, f"Key: '{struct}.{field}' Error:Field validation for '{field}' failed on "
                                      "the 'required' tag")


def unsupported(feature: str) -> MilvusException:
    """Code 3000 for an endpoint whose feature this server does not have."""
    return MilvusException(Code.UNSUPPORTED, f"{feature} is not supported by Azimuth (a single-node server "
                                             "without this feature)", is_input_error=True)


def to_envelope(exc: BaseException) -> dict[str, Any]:
    """The error envelope reporting ``exc`` (a non-Milvus exception is an internal error, code 65535)."""
    if not isinstance(exc, MilvusException):
        return {"code": int(Code.UNDEFINED), "message": f"internal error: {type(exc).__name__}: {exc}"}
    out: dict[str, Any] = {"code": int(exc.code), "message": exc.message}
    if type(exc) is not MilvusException:
        out["exception"] = type(exc).__name__
    return out


def from_envelope(body: dict[str, Any]) -> MilvusException:
    """The exception an error envelope stands for."""
    cls = _CLASSES.get(str(body.get("exception", "")), MilvusException)
    code = body.get("code")
    return cls(int(code) if isinstance(code, int) else int(Code.UNEXPECTED), str(body.get("message", "")))


__all__ = ["INSERT_DATA", "JSON_ONLY", "MISSING_PARAMS", "PK_TYPE", "from_envelope", "missing", "rest_error",
           "to_envelope", "unsupported"]
