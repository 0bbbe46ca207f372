"""Tool errors an agent can act on: a stable code, the message, a hint and the valid options.

Every tool body runs under :func:`azimuth.mcp.results.run_tool`, which turns a :class:`ToolFailure` (raised by
our own checks) or an ``azimuth.MilvusException`` (raised by the SDK) into a ``CallToolResult`` with
``is_error=True``: text ``"CODE: message. Hint: ..."`` and ``structured_content={"error": {...}}``. Translation
of SDK exceptions lives here and only here; it may ask the server for the valid options (collections, fields,
databases, partitions), which is why :func:`translate` is asynchronous.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

from azimuth.errors import (
    Code,
    ConnectError,
    DataNotMatchException,
    DataTypeNotMatchException,
    MilvusException,
    MilvusUnavailableException,
    ParamError,
)

FILTER_DOC = "milvus://docs/filter-expressions"

#: Every code a tool may return, with the hint used when the situation gives no better one.
CODES: dict[str, str] = {
    "COLLECTION_NOT_FOUND": "Call milvus_list_collections to see the collections of this database.",
    "DATABASE_NOT_FOUND": "Call milvus_list_databases to see the databases.",
    "PARTITION_NOT_FOUND": "Call milvus_list_partitions to see the partitions of the collection.",
    "INDEX_NOT_FOUND": "Call milvus_list_indexes to see the indexes of the collection.",
    "FIELD_NOT_FOUND": "Use one of the fields listed in 'valid' (milvus_get_collection_info shows the schema).",
    "DIMENSION_MISMATCH": "Send vectors with exactly the dimension the field declares.",
    "INVALID_FILTER": f"Check the filter syntax; the cheat sheet is the resource {FILTER_DOC}.",
    "METRIC_MISMATCH": "Leave metric_type out to use the index's metric, or pass the metric the index was built with.",
    "NO_TEXT_SEARCH": "Use milvus_vector_search with a vector, or milvus_query with a text_match/like filter.",
    "LIMIT_EXCEEDED": "Ask for fewer results and page with offset/next_offset.",
    "ALREADY_EXISTS": "Pick another name, or use the existing object.",
    "SCHEMA_VIOLATION": "Make every row match the schema shown by milvus_get_collection_info.",
    "INVALID_ARGUMENT": "Fix the argument named in the message and call again.",
    "MISSING_ARGUMENT": "Pass the argument named in the message.",
    "CONFIRMATION_REQUIRED": "Pass confirm equal to the collection name to show the drop is intended.",
    "EMPTY_FILTER": "Pass ids, or a filter matching what to delete (use filter_expr='id >= 0' to delete everything); "
                    "dry_run=true counts the matches first.",
    "NOT_LOADED": "Call milvus_load_collection first.",
    "READ_ONLY": "This server runs read-only; restart it without --read-only (and with the write toolset) to write.",
    "TOOLSET_DISABLED": "Restart the server with the toolset enabled (--toolsets read,write,admin).",
    "NO_SESSION": "This connection keeps no session state: pass db_name to each tool instead.",
    "PERMISSION_DENIED": "Use a token with the needed privileges.",
    "DB_LOCKED": "Run `azimuth serve --data-dir <dir>` and start the MCP server with --uri http://127.0.0.1:19530.",
    "CONNECTION_FAILED": "Check that the Milvus server is running and reachable at the configured URI.",
    "UNSUPPORTED": "This server does not support the operation; see the message for an alternative.",
    "INTERNAL": "Retry once; if it persists, report the message.",
}

RETRYABLE = frozenset({"CONNECTION_FAILED", "INTERNAL"})


class ToolFailure(Exception):
    """A failure to report to the model as a tool error (never as success text)."""

    def __init__(self, code: str, message: str, hint: str = "", valid: list[Any] | None = None,
                 retryable: bool | None = None) -> None:
        super().__init__(message)
        if code not in CODES:
            raise ValueError(f"unknown tool error code {code!r}")
        self.code = code
        self.message = message.rstrip(".")
        self.hint = hint or CODES[code]
        self.valid = list(valid) if valid else []
        self.retryable = code in RETRYABLE if retryable is None else retryable

    def payload(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "hint": self.hint, "retryable": self.retryable,
                "valid": self.valid}

    def text(self) -> str:
        valid = f" Valid: {', '.join(map(str, self.valid[:50]))}." if self.valid else ""
        return f"{self.code}: {self.message}. Hint: {self.hint}{valid}"


#: Returns the fields (or other options) of the collection named in the failing call; may itself fail.
OptionsLookup = Callable[[], Awaitable[list[str]]]

_DIM = re.compile(r"(?:expected|dim(?:ension)?)\D{0,30}?(\d+)", re.IGNORECASE)


def _expected_dim(message: str) -> int | None:
    found = _DIM.search(message)
    return int(found.group(1)) if found else None


async def _options(lookup: OptionsLookup | None) -> list[str]:
    if lookup is None:
        return []
    try:
        return list(await lookup())
    except Exception:  # the options are a courtesy: never let them hide the real error
        return []


async def translate(exc: MilvusException, *, collections: OptionsLookup | None = None,
                    fields: OptionsLookup | None = None, databases: OptionsLookup | None = None,
                    partitions: OptionsLookup | None = None) -> ToolFailure:
    """The tool error for an SDK exception, with valid options looked up where they help."""
    code, message = exc.code, exc.message or str(exc)
    lower = message.lower()
    if code == Code.STORAGE_LOCKED:
        return ToolFailure("DB_LOCKED", message)
    if isinstance(exc, (ConnectError, MilvusUnavailableException)) or code == Code.UNAVAILABLE:
        return ToolFailure("CONNECTION_FAILED", message)
    if code == Code.COLLECTION_NOT_FOUND or "collection not found" in lower or "can't find collection" in lower:
        return ToolFailure("COLLECTION_NOT_FOUND", message, valid=await _options(collections))
    if code == Code.DATABASE_NOT_FOUND or "database not found" in lower:
        return ToolFailure("DATABASE_NOT_FOUND", message, valid=await _options(databases))
    if code == Code.PARTITION_NOT_FOUND or "partition not found" in lower:
        return ToolFailure("PARTITION_NOT_FOUND", message, valid=await _options(partitions))
    if code == Code.INDEX_NOT_FOUND or "index not found" in lower or "index doesn't exist" in lower:
        return ToolFailure("INDEX_NOT_FOUND", message)
    if code in (Code.COLLECTION_NOT_LOADED, Code.PARTITION_NOT_LOADED) or "not loaded" in lower:
        return ToolFailure("NOT_LOADED", message)
    if code in (Code.NOT_AUTHENTICATED, Code.PERMISSION_DENIED):
        return ToolFailure("PERMISSION_DENIED", message)
    if "metric type not match" in lower or "metric_type" in lower and "mismatch" in lower:
        return ToolFailure("METRIC_MISMATCH", message)
    if "dimension" in lower and ("mismatch" in lower or "expected" in lower) or "dim mismatch" in lower:
        expected = _expected_dim(message)
        hint = CODES["DIMENSION_MISMATCH"] + (f" The field expects dimension {expected}." if expected else "")
        return ToolFailure("DIMENSION_MISMATCH", message, hint=hint)
    if code == Code.FIELD_NOT_FOUND or "field not found" in lower or "not found" in lower and "field" in lower:
        return ToolFailure("FIELD_NOT_FOUND", message, valid=await _options(fields))
    if "parse expr" in lower or "cannot parse expression" in lower or "invalid expression" in lower \
            or "filter" in lower and ("syntax" in lower or "parse" in lower):
        return ToolFailure("INVALID_FILTER", message)
    if "already exist" in lower or "duplicate" in lower or code in (Code.INDEX_DUPLICATE, Code.ALIAS_EXISTS):
        return ToolFailure("ALREADY_EXISTS", message, valid=await _options(collections))
    if "auto id" in lower or "auto_id" in lower:
        return ToolFailure("SCHEMA_VIOLATION", message, hint="The primary key is generated (auto_id): leave it out "
                           "of the rows, or create the collection with auto_id=false to supply your own ids.")
    if isinstance(exc, (DataNotMatchException, DataTypeNotMatchException)) or code == Code.SCHEMA_MISMATCH \
            or "missed an field" in lower or "schema" in lower and "row" in lower:
        return ToolFailure("SCHEMA_VIOLATION", message, valid=await _options(fields))
    if code in (Code.UNIMPLEMENTED, Code.UNSUPPORTED) and "expression" in lower:
        return ToolFailure("INVALID_FILTER", message)
    if code in (Code.UNIMPLEMENTED, Code.UNSUPPORTED):
        return ToolFailure("UNSUPPORTED", message)
    if isinstance(exc, ParamError) or exc.is_input_error or code in (
            Code.INVALID_PARAMETER, Code.MISSING_PARAMETER, Code.PARAMETER_TOO_LARGE, Code.ILLEGAL_SCHEMA):
        return ToolFailure("INVALID_ARGUMENT", message)
    return ToolFailure("INTERNAL", message, retryable=bool(exc.retriable) or None)


__all__ = ["CODES", "FILTER_DOC", "ToolFailure", "translate"]
