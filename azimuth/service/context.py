"""The state handlers share: the engine (and, later, server-wide settings)."""

from __future__ import annotations

from dataclasses import dataclass

from azimuth.engine.engine import Engine


@dataclass
class ServiceContext:
    engine: Engine
