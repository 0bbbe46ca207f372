"""MCP server over ``azimuth.AsyncMilvusClient``: tools, resources and prompts for AI agents.

Built only on the public SDK (``azimuth``, ``azimuth.types``, ``azimuth.errors``); it never imports the engine,
the service, the codecs or the server, so it works the same against a local ``.db`` path, ``azimuth serve`` or
a real Milvus.
"""

from __future__ import annotations

from azimuth.mcp.config import Limits, MCPConfig
from azimuth.mcp.server import StartupError, build_server

__all__ = ["Limits", "MCPConfig", "StartupError", "build_server"]
