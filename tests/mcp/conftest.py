"""Fixtures for the MCP server tests: a fresh embedded database per test and an in-memory SDK client."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from mcp import Client

from azimuth.mcp import MCPConfig, build_server
from azimuth.mcp.config import TOOLSETS


@pytest.fixture
def db_path(tmp_path: Path) -> str:
    return str(tmp_path / "mcp.db")


@pytest.fixture
def make_client(db_path: str) -> Callable[..., Client]:
    """``make_client(**config_overrides)`` → an in-memory ``Client`` over a server on the test database."""

    def make(mode: str = "legacy", **overrides: Any) -> Client:
        config = MCPConfig(uri=db_path, toolsets=frozenset(TOOLSETS)).with_overrides(**overrides)
        return Client(build_server(config), mode=mode)

    return make


async def ok(c: Client, tool: str, args: dict[str, Any] | None = None) -> dict[str, Any]:
    """Call a tool that must succeed; returns its structured content (and checks the text is the same JSON)."""
    import json

    result = await c.call_tool(tool, args or {})
    assert not result.is_error, result.content[0].text
    assert json.loads(result.content[0].text) == result.structured_content
    return result.structured_content  # type: ignore[return-value]


async def err(c: Client, tool: str, args: dict[str, Any] | None = None) -> dict[str, Any]:
    """Call a tool that must fail with a structured, actionable error; returns the error object."""
    result = await c.call_tool(tool, args or {})
    assert result.is_error, result.content[0].text
    error = (result.structured_content or {}).get("error")
    assert error, result.content[0].text
    text = result.content[0].text
    assert text.startswith(error["code"] + ":") and "Hint:" in text and error["hint"]
    return error  # type: ignore[no-any-return]


async def seed(c: Client, name: str = "docs", rows: int = 20, dim: int = 4) -> list[dict[str, Any]]:
    """A quick-setup collection with ``rows`` rows: id, vector, title, year, tag (dynamic fields)."""
    await ok(c, "milvus_create_collection", {"collection_name": name, "dimension": dim, "auto_id": False})
    data = [{"id": i, "vector": [float(i), 1.0, float(i % 3), 0.5][:dim] + [0.0] * max(0, dim - 4),
             "title": f"doc {i}", "year": 2000 + i, "tag": "even" if i % 2 == 0 else "odd"} for i in range(rows)]
    if rows:
        await ok(c, "milvus_insert_data", {"collection_name": name, "data": data})
    return data
