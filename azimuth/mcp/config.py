"""Configuration of ``azimuth mcp``: connection, transport, toolsets and result limits.

One frozen :class:`MCPConfig` is built from the command line and the environment (flags win over variables;
no ``.env`` file is read unless ``--env-file`` names one) and handed to :func:`azimuth.mcp.server.build_server`.
Everything else in :mod:`azimuth.mcp` reads settings from it and nowhere else.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

TOOLSETS = ("read", "write", "admin")
DEFAULT_TOOLSETS = frozenset({"read", "write"})
TRANSPORTS = ("stdio", "streamable-http", "sse")


@dataclass(frozen=True)
class Limits:
    """Bounds that keep every tool result small enough for a model's context."""

    max_limit: int = 100
    max_field_chars: int = 2000
    max_result_chars: int = 20000
    max_insert_rows: int = 1000
    max_ids: int = 100

    def as_dict(self) -> dict[str, int]:
        return {"max_limit": self.max_limit, "max_field_chars": self.max_field_chars,
                "max_result_chars": self.max_result_chars, "max_insert_rows": self.max_insert_rows}


@dataclass(frozen=True)
class MCPConfig:
    """Everything the MCP server needs to know; immutable once the server is built."""

    uri: str = "http://localhost:19530"
    token: str = ""
    db_name: str = "default"
    default_collection: str = ""
    toolsets: frozenset[str] = DEFAULT_TOOLSETS
    read_only: bool = False
    limits: Limits = field(default_factory=Limits)
    transport: str = "stdio"
    host: str = "127.0.0.1"
    port: int = 8000
    path: str = "/mcp"
    stateless: bool = False
    json_response: bool = False
    allowed_hosts: tuple[str, ...] = ()
    bearer_token: str = ""
    log_level: str = "WARNING"

    def __post_init__(self) -> None:
        unknown = sorted(set(self.toolsets) - set(TOOLSETS))
        if unknown:
            raise ValueError(f"unknown toolset(s) {', '.join(unknown)}; valid toolsets are: {', '.join(TOOLSETS)}")
        if self.transport not in TRANSPORTS:
            raise ValueError(f"unknown transport {self.transport!r}; valid transports are: {', '.join(TRANSPORTS)}")

    @property
    def active_toolsets(self) -> tuple[str, ...]:
        """The toolsets whose tools are registered; ``--read-only`` leaves only ``read``."""
        chosen = {"read"} if self.read_only else set(self.toolsets) | {"read"}
        return tuple(name for name in TOOLSETS if name in chosen)

    def enabled(self, toolset: str) -> bool:
        return toolset in self.active_toolsets

    @property
    def engine(self) -> str:
        """``"server"`` for network URIs, ``"embedded"`` for a local data directory."""
        return "server" if self.uri.startswith(("http://", "https://", "tcp://", "grpc://", "grpcs://", "unix:")) else "embedded"

    def safe_uri(self) -> str:
        """The URI with any credentials removed, fit to show to a model."""
        uri = self.uri
        if "://" in uri and "@" in uri.split("://", 1)[1].split("/", 1)[0]:
            scheme, rest = uri.split("://", 1)
            uri = f"{scheme}://{rest.split('@', 1)[1]}"
        return uri.split("?", 1)[0]

    def with_overrides(self, **changes: object) -> MCPConfig:
        return replace(self, **changes)  # type: ignore[arg-type]


def parse_toolsets(text: str) -> frozenset[str]:
    """``"read,write"`` → ``{"read", "write"}``; ``"all"`` means every toolset."""
    names = {part.strip().lower() for part in text.split(",") if part.strip()}
    if "all" in names:
        return frozenset(TOOLSETS)
    return frozenset(names) | {"read"}


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"environment variable {name} must be an integer, got {raw!r}") from None
    if value <= 0:
        raise ValueError(f"environment variable {name} must be positive, got {value}")
    return value


def _flag(env: Mapping[str, str], name: str) -> bool:
    return env.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def limits_from_env(env: Mapping[str, str]) -> Limits:
    """``MILVUS_MCP_MAX_LIMIT``, ``..._MAX_FIELD_CHARS``, ``..._MAX_RESULT_CHARS``, ``..._MAX_INSERT_ROWS``."""
    base = Limits()
    return Limits(
        max_limit=_int(env, "MILVUS_MCP_MAX_LIMIT", base.max_limit),
        max_field_chars=_int(env, "MILVUS_MCP_MAX_FIELD_CHARS", base.max_field_chars),
        max_result_chars=_int(env, "MILVUS_MCP_MAX_RESULT_CHARS", base.max_result_chars),
        max_insert_rows=_int(env, "MILVUS_MCP_MAX_INSERT_ROWS", base.max_insert_rows),
    )


def config_from_env(env: Mapping[str, str] | None = None) -> MCPConfig:
    """The configuration the environment alone describes (flags are applied on top by the CLI)."""
    env = os.environ if env is None else env
    toolsets = env.get("MILVUS_MCP_TOOLSETS", "").strip()
    return MCPConfig(
        uri=env.get("MILVUS_URI", "").strip() or MCPConfig.uri,
        token=env.get("MILVUS_TOKEN", ""),
        db_name=env.get("MILVUS_DB", "").strip() or "default",
        default_collection=env.get("MILVUS_COLLECTION", "").strip(),
        toolsets=parse_toolsets(toolsets) if toolsets else DEFAULT_TOOLSETS,
        read_only=_flag(env, "MILVUS_MCP_READ_ONLY"),
        limits=limits_from_env(env),
        bearer_token=env.get("MILVUS_MCP_HTTP_BEARER_TOKEN", ""),
    )


def read_env_file(path: str) -> dict[str, str]:
    """``KEY=VALUE`` lines (``#`` comments, optional quotes), as ``--env-file`` loads them."""
    values: dict[str, str] = {}
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            line = line.strip()
            if not line or line.startswith("#") or "=" not in line:
                continue
            key, value = line.split("=", 1)
            key = key.strip().removeprefix("export ").strip()
            value = value.strip()
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
                value = value[1:-1]
            values[key] = value
    return values


__all__ = ["DEFAULT_TOOLSETS", "TOOLSETS", "TRANSPORTS", "Limits", "MCPConfig", "config_from_env",
           "limits_from_env", "parse_toolsets", "read_env_file"]
