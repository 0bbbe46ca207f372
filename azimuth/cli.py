"""The ``azimuth`` command line."""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="azimuth", description="Azimuth: a Milvus-compatible vector database")
    commands = parser.add_subparsers(dest="command", required=True)
    quick = commands.add_parser("quickstart", help="create a demo database, write and read it back")
    quick.add_argument("--data-dir", default="./azimuth_data")
    commands.add_parser("version", help="print the version")
    serve = commands.add_parser("serve", help="serve the Milvus gRPC protocol over a data directory")
    serve.add_argument("--data-dir", default="./azimuth_data")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=19530)
    serve.add_argument("--auth", action="store_true", help="require user:password tokens (default root/Milvus)")
    serve.add_argument("--tls-cert", default="")
    serve.add_argument("--tls-key", default="")
    serve.add_argument("--tls-client-ca", default="", help="require client certificates signed by this CA")
    serve.add_argument("--log-level", default="INFO")
    serve.add_argument("--http-port", type=int, default=None, help="also serve REST alone on this port")
    serve.add_argument("--max-request-mb", type=int, default=64, help="largest REST request body accepted")
    mcp = commands.add_parser("mcp", help="serve Milvus tools to AI agents over the Model Context Protocol")
    from azimuth.mcp.cli import add_arguments as add_mcp_arguments

    add_mcp_arguments(mcp)
    args = parser.parse_args(argv)
    if args.command == "version":
        from azimuth import __version__

        print(__version__)
    elif args.command == "quickstart":
        from azimuth.quickstart import main as quickstart

        quickstart(args.data_dir)
    elif args.command == "serve":
        from azimuth.server.main import serve as run_server

        return run_server(args.data_dir, args.host, args.port, auth=args.auth, tls_cert=args.tls_cert,
                          http_port=args.http_port, max_request_mb=args.max_request_mb,
                          tls_key=args.tls_key, tls_client_ca=args.tls_client_ca, log_level=args.log_level)
    elif args.command == "mcp":
        from azimuth.mcp.cli import run_from_args

        return run_from_args(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
