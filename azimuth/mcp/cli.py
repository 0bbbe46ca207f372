"""Command line of ``azimuth mcp`` (also ``python -m azimuth.mcp``): flags, environment, start-up checks.

Flags win over environment variables; an ``--env-file`` is read only when named. Start-up failures (a locked
local database, an unreachable server, a bad option) print one clear message on stderr and exit with status 2.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from azimuth.mcp.config import TRANSPORTS, MCPConfig, config_from_env, parse_toolsets, read_env_file


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``azimuth mcp`` options (``--milvus-*`` spellings of the reference server are accepted too)."""
    parser.add_argument("--uri", "--milvus-uri", dest="uri", default=None,
                        help="Milvus URI: http://host:19530 or a local ./data.db path (env MILVUS_URI)")
    parser.add_argument("--token", "--milvus-token", dest="token", default=None,
                        help="user:password or API key (env MILVUS_TOKEN)")
    parser.add_argument("--db", "--milvus-db", dest="db", default=None, help="database (env MILVUS_DB)")
    parser.add_argument("--collection", default=None, help="default collection (env MILVUS_COLLECTION)")
    parser.add_argument("--transport", choices=TRANSPORTS, default=None, help="default: stdio")
    parser.add_argument("--sse", dest="transport", action="store_const", const="sse", help="alias of --transport sse")
    parser.add_argument("--streamable-http", dest="transport", action="store_const", const="streamable-http",
                        help="alias of --transport streamable-http")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--path", default="/mcp", help="HTTP path of the MCP endpoint")
    parser.add_argument("--stateless", action="store_true", help="stateless streamable HTTP (no sessions)")
    parser.add_argument("--json-response", action="store_true", help="plain JSON responses instead of SSE")
    parser.add_argument("--allowed-hosts", default="", help="comma-separated Host values accepted over HTTP")
    parser.add_argument("--read-only", action="store_true", default=None, help="only the read toolset")
    parser.add_argument("--toolsets", default=None,
                        help="comma-separated: read,write,admin or all (env MILVUS_MCP_TOOLSETS; default read,write)")
    parser.add_argument("--env-file", default=None, help="read environment variables from this file first")
    parser.add_argument("--log-level", default=None, help="stderr log level (default WARNING)")


def config_from_args(args: argparse.Namespace, environ: dict[str, str] | None = None) -> MCPConfig:
    env = dict(os.environ if environ is None else environ)
    if args.env_file:
        env = {**read_env_file(args.env_file), **env}
    base = config_from_env(env)
    changes: dict[str, object] = {}
    if args.uri:
        changes["uri"] = args.uri
    if args.token is not None:
        changes["token"] = args.token
    if args.db:
        changes["db_name"] = args.db
    if args.collection:
        changes["default_collection"] = args.collection
    if args.transport:
        changes["transport"] = args.transport
    if args.toolsets:
        changes["toolsets"] = parse_toolsets(args.toolsets)
    if args.read_only:
        changes["read_only"] = True
    if args.log_level:
        changes["log_level"] = args.log_level
    if args.allowed_hosts:
        changes["allowed_hosts"] = tuple(h.strip() for h in args.allowed_hosts.split(",") if h.strip())
    changes.update(host=args.host, port=args.port, path=args.path, stateless=args.stateless,
                   json_response=args.json_response)
    return base.with_overrides(**changes)


def run_from_args(args: argparse.Namespace) -> int:
    """Validate, check the connection, then serve; returns the exit status."""
    import anyio

    from azimuth.mcp.server import StartupError, configure_logging, preflight, run

    try:
        config = config_from_args(args)
    except (ValueError, OSError) as exc:
        print(f"azimuth mcp: {exc}", file=sys.stderr)
        return 2
    configure_logging(config.log_level)
    try:
        anyio.run(preflight, config)
    except StartupError as exc:
        print(f"azimuth mcp: {exc}", file=sys.stderr)
        return 2
    try:
        run(config)
    except KeyboardInterrupt:
        pass
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="azimuth mcp", description="MCP server for Milvus / Azimuth")
    add_arguments(parser)
    return run_from_args(parser.parse_args(argv))


__all__ = ["add_arguments", "config_from_args", "main", "run_from_args"]
