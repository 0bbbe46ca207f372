"""Test budgets: property tests run a third of their examples by default and all of them with
``AZIMUTH_THOROUGH=1`` (``make test-slow``), keeping the default suite inside CI's time."""

from __future__ import annotations

import os

THOROUGH = os.environ.get("AZIMUTH_THOROUGH") == "1"


def examples(full: int) -> int:
    return full if THOROUGH else max(full // 3, 20)
