"""Assembly of the MCP server: lifespan (one ``AsyncMilvusClient``), toolsets, resources, prompts, transports.

:func:`build_server` returns an ``MCPServer`` whose tool list depends only on the configuration (toolsets,
read-only flag, what the SDK client offers), so the tool-list snapshot test pins it. :func:`preflight` opens the
target once before serving so a local data directory held by another process fails fast with ``DB_LOCKED``
advice instead of a traceback. :func:`run` serves stdio or HTTP; nothing but protocol reaches stdout on stdio.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from mcp.server.mcpserver import MCPServer
from mcp.server.transport_security import TransportSecuritySettings
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from azimuth import AsyncMilvusClient, MilvusException, __version__
from azimuth.errors import Code
from azimuth.mcp import tools_admin, tools_read, tools_search, tools_write
from azimuth.mcp.common import with_default_collection
from azimuth.mcp.config import MCPConfig
from azimuth.mcp.errors import CODES
from azimuth.mcp.resources import RuntimeHolder, register_resources
from azimuth.mcp.runtime import Runtime

logger = logging.getLogger("azimuth.mcp")

INSTRUCTIONS = """\
Milvus vector database tools. Start with milvus_list_collections, then milvus_get_collection_info: its
search_capabilities say which search works (vector, text/BM25, semantic, hybrid). milvus_search picks the mode
for you. Filters use the Milvus expression grammar (resource milvus://docs/filter-expressions). Results are
bounded: page with offset/next_offset. Errors carry a code, a hint and the valid options."""

ClientFactory = Callable[[MCPConfig], AsyncMilvusClient]


class StartupError(RuntimeError):
    """The MCP server cannot start (e.g. the local data directory is locked); the message says what to do."""


def open_client(config: MCPConfig) -> AsyncMilvusClient:
    return AsyncMilvusClient(config.uri, token=config.token)


def locked_message(config: MCPConfig, exc: MilvusException) -> str:
    return (f"DB_LOCKED: {exc.message}\nAnother process holds the local database {config.uri!r}. Serve it with "
            f"`azimuth serve --data-dir {config.uri}` and start the MCP server with "
            "`azimuth mcp --uri http://127.0.0.1:19530` instead.")


async def connect(config: MCPConfig, factory: ClientFactory = open_client) -> AsyncMilvusClient:
    """An opened client; a locked local directory or an unreachable server raise :class:`StartupError`."""
    client = factory(config)
    try:
        await client.get_server_version()
    except MilvusException as exc:
        await client.close()
        if exc.code == Code.STORAGE_LOCKED or "is locked" in (exc.message or ""):
            raise StartupError(locked_message(config, exc)) from exc
        raise StartupError(f"CONNECTION_FAILED: cannot reach Milvus at {config.safe_uri()}: {exc.message}. "
                           f"Hint: {CODES['CONNECTION_FAILED']}") from exc
    return client


async def preflight(config: MCPConfig, factory: ClientFactory = open_client) -> None:
    """Open and close the target once, so that start-up problems are reported before serving."""
    client = await connect(config, factory)
    await client.close()


def build_server(config: MCPConfig, client_factory: ClientFactory = open_client) -> MCPServer:
    """An ``MCPServer`` exposing the enabled toolsets over a fresh client per lifespan."""
    holder = RuntimeHolder()

    @asynccontextmanager
    async def lifespan(server: MCPServer) -> AsyncIterator[Runtime]:
        client = await connect(config, client_factory)
        runtime = Runtime(config, client)
        holder.current = runtime
        try:
            yield runtime
        finally:
            if holder.current is runtime:
                holder.current = None
            await client.close()

    mcp: MCPServer = MCPServer("azimuth-milvus", instructions=INSTRUCTIONS, version=__version__, lifespan=lifespan,
                               log_level=config.log_level.upper())  # type: ignore[arg-type]
    for toolset, tools in (("read", tools_read.TOOLS + tools_search.TOOLS), ("write", tools_write.TOOLS),
                           ("admin", tools_admin.TOOLS)):
        if config.enabled(toolset):
            for fn, annotations in tools:
                _add(mcp, config, fn, annotations)
    if config.enabled("admin"):
        for fn, annotations, method in tools_admin.OPTIONAL_TOOLS:
            if hasattr(AsyncMilvusClient, method):
                _add(mcp, config, fn, annotations)
    register_resources(mcp, holder)

    @mcp.custom_route("/health", methods=["GET"])
    async def health(request: Request) -> Response:
        runtime = holder.current
        if runtime is None:
            return JSONResponse({"status": "starting"}, status_code=503)
        try:
            version = await runtime.client.get_server_version()
        except MilvusException as exc:
            return JSONResponse({"status": "unhealthy", "error": exc.message}, status_code=503)
        return JSONResponse({"status": "ok", "server_version": str(version)})

    return mcp


def _add(mcp: MCPServer, config: MCPConfig, fn: Callable[..., Any], annotations: Any) -> None:
    fn = with_default_collection(fn, config.default_collection)
    mcp.add_tool(fn, name=fn.__name__, annotations=annotations)


def http_app(mcp: MCPServer, config: MCPConfig, *, session_idle_timeout: float | None = 24 * 3600) -> Any:
    """The Starlette app for streamable HTTP, with the optional static bearer-token check."""
    security = None
    if config.allowed_hosts:
        hosts = list(config.allowed_hosts)
        security = TransportSecuritySettings(allowed_hosts=hosts, allowed_origins=[
            f"{scheme}://{host}" for host in hosts for scheme in ("http", "https")])
    app = mcp.streamable_http_app(streamable_http_path=config.path, json_response=config.json_response,
                                  stateless_http=config.stateless, transport_security=security, host=config.host,
                                  session_idle_timeout=None if config.stateless else session_idle_timeout)
    if config.bearer_token:
        app.add_middleware(_BearerMiddleware, token=config.bearer_token)  # type: ignore[arg-type]
    return app


class _BearerMiddleware:
    """Refuses HTTP requests without ``Authorization: Bearer <MILVUS_MCP_HTTP_BEARER_TOKEN>`` (``/health`` is open)."""

    def __init__(self, app: Any, token: str) -> None:
        self.app = app
        self.expected = f"Bearer {token}".encode()

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope.get("path") != "/health":
            headers = dict(scope.get("headers") or [])
            if headers.get(b"authorization", b"") != self.expected:
                response = JSONResponse({"error": "missing or wrong bearer token"}, status_code=401,
                                        headers={"WWW-Authenticate": "Bearer"})
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


def run(config: MCPConfig) -> None:
    """Serve until interrupted. stdio: protocol only on stdout; HTTP: logs on stderr."""
    mcp = build_server(config)
    if config.transport == "stdio":
        mcp.run("stdio")
    elif config.transport == "sse":
        mcp.run("sse", host=config.host, port=config.port)
    else:
        import anyio
        import uvicorn

        server = uvicorn.Server(uvicorn.Config(http_app(mcp, config), host=config.host, port=config.port,
                                               log_level=config.log_level.lower(), log_config=_uvicorn_logging(),
                                               timeout_keep_alive=75))
        anyio.run(server.serve)


def _uvicorn_logging() -> dict[str, Any]:
    """Uvicorn's loggers, all sent to stderr."""
    handler = {"class": "logging.StreamHandler", "stream": "ext://sys.stderr", "formatter": "plain"}
    return {"version": 1, "disable_existing_loggers": False,
            "formatters": {"plain": {"format": "%(levelname)s %(name)s: %(message)s"}},
            "handlers": {"stderr": handler},
            "loggers": {name: {"handlers": ["stderr"], "level": "INFO", "propagate": False}
                        for name in ("uvicorn", "uvicorn.error", "uvicorn.access")}}


def configure_logging(level: str) -> None:
    """Python logging to stderr only (stdout belongs to the protocol in stdio mode)."""
    logging.basicConfig(stream=sys.stderr, level=level.upper(), format="%(levelname)s %(name)s: %(message)s")


__all__ = ["INSTRUCTIONS", "StartupError", "build_server", "configure_logging", "connect", "http_app",
           "locked_message", "open_client", "preflight", "run"]
