"""Compact, bounded tool results and the one place where tool bodies are run.

- :func:`run_tool` runs a tool body and turns :class:`ToolFailure` / ``MilvusException`` into an ``is_error``
  result; success becomes one ``TextContent`` of compact JSON plus the same object as ``structured_content``.
- :func:`clean` makes any SDK value JSON-safe (numpy, bytes, sparse rows) and cuts long strings, marking the cut.
- :func:`shape_row` drops vector fields unless asked; :func:`fit` keeps whole rows until the response would pass
  ``max_result_chars`` and reports what was dropped.
"""

from __future__ import annotations

import base64
import json
import logging
import math
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from mcp.types import CallToolResult, TextContent

from azimuth import MilvusException
from azimuth.mcp.errors import ToolFailure

logger = logging.getLogger("azimuth.mcp")

Body = Callable[[], Awaitable[dict[str, Any]]]
OnMilvusError = Callable[[MilvusException], Awaitable[ToolFailure]]


def compact(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=_json_default)


def _json_default(value: Any) -> Any:
    if hasattr(value, "tolist"):
        return value.tolist()
    if isinstance(value, (bytes, bytearray, memoryview)):
        return base64.b64encode(bytes(value)).decode("ascii")
    if hasattr(value, "name"):
        return value.name
    return str(value)


def success(payload: dict[str, Any]) -> CallToolResult:
    """A successful result: compact JSON text plus the same object as structured content."""
    return CallToolResult(content=[TextContent(type="text", text=compact(payload))], structured_content=payload)


def failure(error: ToolFailure) -> CallToolResult:
    return CallToolResult(content=[TextContent(type="text", text=error.text())],
                          structured_content={"error": error.payload()}, is_error=True)


async def run_tool(name: str, body: Body, on_milvus_error: OnMilvusError) -> CallToolResult:
    """Run a tool body; every failure becomes a tool error the model can read, never success text."""
    try:
        return success(await body())
    except ToolFailure as exc:
        logger.info("tool %s refused: %s", name, exc.code)
        return failure(exc)
    except MilvusException as exc:
        try:
            error = await on_milvus_error(exc)
        except Exception:  # translating must never hide the original failure
            error = ToolFailure("INTERNAL", exc.message or str(exc))
        logger.info("tool %s failed: %s %s", name, error.code, exc.message)
        return failure(error)
    except ValueError as exc:  # argument checks of the SDK's schema helpers (e.g. a bad field definition)
        logger.info("tool %s rejected input: %r", name, exc)
        return failure(ToolFailure("INVALID_ARGUMENT", str(exc) or type(exc).__name__))
    except Exception as exc:
        logger.exception("tool %s crashed", name)
        return failure(ToolFailure("INTERNAL", f"{type(exc).__name__}: {exc}"))


# ---- value shaping ---------------------------------------------------------------------------------------
def round6(value: Any) -> Any:
    """Distances rounded to 6 significant digits (non-finite values pass through as strings)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return value
    if not math.isfinite(number):
        return str(number)
    return float(f"{number:.6g}")


def clean(value: Any, max_chars: int) -> Any:
    """A JSON-safe copy of ``value`` with strings longer than ``max_chars`` cut and marked."""
    if isinstance(value, str):
        if len(value) > max_chars:
            return f"{value[:max_chars]}… [truncated {len(value) - max_chars} chars]"
        return value
    if value is None or isinstance(value, (bool, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, dict):
        return {str(k): clean(v, max_chars) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean(v, max_chars) for v in value]
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {"base64": base64.b64encode(bytes(value)).decode("ascii")}
    if hasattr(value, "tolist"):  # numpy scalars and arrays
        return clean(value.tolist(), max_chars)
    if hasattr(value, "items"):
        return {str(k): clean(v, max_chars) for k, v in value.items()}
    return str(value)


def shape_row(row: dict[str, Any], vector_fields: set[str], include_vectors: bool, max_chars: int) -> dict:
    return {key: clean(value, max_chars) for key, value in row.items()
            if include_vectors or key not in vector_fields}


def fit(items: Iterable[Any], budget: int) -> tuple[list[Any], bool]:
    """Keep whole items while their compact JSON fits ``budget`` characters; report whether any were dropped."""
    kept: list[Any] = []
    used = 0
    for item in items:
        size = len(compact(item)) + 1
        if kept and used + size > budget:
            return kept, True
        if not kept and size > budget:
            return [], True
        kept.append(item)
        used += size
    return kept, False


def check_limit(limit: int, cap: int) -> None:
    if limit < 1:
        raise ToolFailure("INVALID_ARGUMENT", f"limit must be at least 1, got {limit}")
    if limit > cap:
        raise ToolFailure("LIMIT_EXCEEDED", f"limit {limit} is above the cap of {cap}",
                          hint=f"Use limit <= {cap} and page with offset/next_offset.", valid=[cap])


def check_offset(offset: int) -> None:
    if offset < 0:
        raise ToolFailure("INVALID_ARGUMENT", f"offset must be >= 0, got {offset}")


__all__ = ["check_limit", "check_offset", "clean", "compact", "failure", "fit", "round6", "run_tool",
           "shape_row", "success"]
