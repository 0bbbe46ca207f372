"""``python -m azimuth.mcp``: the same as ``azimuth mcp``."""

from __future__ import annotations

import sys

from azimuth.mcp.cli import main

if __name__ == "__main__":
    sys.exit(main())
