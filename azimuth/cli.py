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
    args = parser.parse_args(argv)
    if args.command == "version":
        from azimuth import __version__

        print(__version__)
    elif args.command == "quickstart":
        from azimuth.quickstart import main as quickstart

        quickstart(args.data_dir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
