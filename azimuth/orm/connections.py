"""``connections``: the v1 registry of named connections (aliases), each backed by one ``azimuth.MilvusClient``.

An alias has a *config* (address, user, db_name, options — kept after ``disconnect``) and, once connected, a
*handler* (the client). ``remove_connection`` forgets both. Connecting an alias that already has a handler to a
different address raises ``ConnectionConfigException``, as pymilvus does. Local ``*.db`` URIs open the embedded
engine; ``http[s]://``, ``tcp://``, ``grpc://`` URIs and host/port pairs reach a server. The ORM modules obtain the
client and the alias's current database through :func:`handler` and :func:`db_of`.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any
from urllib import parse

from azimuth.client._sync.client import MilvusClient
from azimuth.errors import ConnectionConfigException, ConnectionNotExistException
from azimuth.orm._deprecation import deprecated

DEFAULT_ALIAS = "default"
DEFAULT_HOST = "localhost"
DEFAULT_PORT = "19530"
REMOTE_SCHEMES = ("unix", "http", "https", "tcp", "grpc")

CONN_DIFF_CONF = "Alias of %r already creating connections, but the configure is not the same as passed in."
ALIAS_TYPE = "Alias should be string, but %r is given."
CONN_LACK_CONF = "You need to pass in the configuration of the connection named %r ."
CONNECT_FIRST = "should create connection first."
_SECRET_KEYS = ("password", "token", "keep_alive")


def _check_alias(alias: Any) -> None:
    if not isinstance(alias, str):
        raise ConnectionConfigException(message=ALIAS_TYPE % type(alias))


def _check_host_port(host: Any, port: Any) -> None:
    if not isinstance(host, str):
        raise ConnectionConfigException(message="Type of 'host' must be str.")
    if not isinstance(port, (str, int)) or isinstance(port, bool) or not str(port).isdigit():
        raise ConnectionConfigException(message="Type of 'port' must be str or int.")
    if not 0 <= int(port) < 65535:
        raise ConnectionConfigException(message=f"port number {port} out of range, valid range [0, 65535)")


def _parse_uri(uri: str) -> tuple[str, parse.ParseResult]:
    illegal = f"Illegal uri: [{uri}], expected form 'http[s]://[user:password@]example.com[:12345]'"
    try:
        parsed = parse.urlparse(uri)
        port = parsed.port
    except Exception as exc:  # urlparse raises ValueError on bad ports
        raise ConnectionConfigException(message=f"{illegal}: <{type(exc).__name__}, {exc}>") from None
    if not parsed.netloc:
        raise ConnectionConfigException(message=illegal)
    host = parsed.hostname or DEFAULT_HOST
    port_text = str(port) if port is not None else ("443" if parsed.scheme == "https" else DEFAULT_PORT)
    _check_host_port(host, port_text)
    return f"{host}:{port_text}", parsed


def _is_local(uri: Any) -> bool:
    return isinstance(uri, str) and bool(uri) and parse.urlparse(uri).scheme.lower() not in REMOTE_SCHEMES


def _full_address(address: str = "", uri: str = "", host: Any = "", port: Any = "") -> tuple[str, Any]:
    if address:
        if not isinstance(address, str) or ":" not in address:
            raise ConnectionConfigException(message=f"Illegal address: {address}, should be in form "
                                                    "'localhost:19530'")
        return address, None
    if uri:
        if _is_local(uri):
            return str(Path(uri).expanduser().resolve()), None
        if uri.startswith("unix:"):
            return uri, None
        return _parse_uri(uri)
    host = host if host != "" else DEFAULT_HOST
    port = port if port != "" else DEFAULT_PORT
    _check_host_port(host, port)
    return f"{host}:{port}", None


class Connections:
    """The connection registry (a singleton: ``Connections() is connections``)."""

    _instance: Connections | None = None
    _instance_lock = threading.Lock()

    def __new__(cls) -> Connections:
        with cls._instance_lock:
            if cls._instance is None:
                instance = super().__new__(cls)
                instance._setup()
                cls._instance = instance
        return cls._instance

    def _setup(self) -> None:
        self._alias_config: dict[str, dict[str, Any]] = {}
        self._alias_handlers: dict[str, MilvusClient] = {}
        self._lock = threading.RLock()
        self._env_uri: tuple[str, parse.ParseResult] | None = None
        env = os.environ.get("MILVUS_URI", "")
        default_alias = os.environ.get("MILVUS_CONN_ALIAS", DEFAULT_ALIAS)
        if env:
            self._env_uri = _parse_uri(env)
            config = {"user": self._env_uri[1].username or "", "address": self._env_uri[0]}
        else:
            config = {"user": "", "address": f"{DEFAULT_HOST}:{DEFAULT_PORT}"}
        self._alias_config[default_alias] = config

    # ---- configuration ---------------------------------------------------------------------------------------
    @deprecated("connections.add_connection")
    def add_connection(self, **kwargs: Any) -> None:
        """Register configs without connecting: ``add_connection(dev={"host": "h", "port": "19530"})``."""
        for alias, config in kwargs.items():
            addr, parsed = _full_address(config.get("address", ""), config.get("uri", ""),
                                         config.get("host", ""), config.get("port", ""))
            with self._lock:
                if alias in self._alias_handlers and self._alias_config[alias].get("address") != addr:
                    raise ConnectionConfigException(message=CONN_DIFF_CONF % alias)
                entry: dict[str, Any] = {"address": addr, "user": config.get("user", "")}
                if parsed is not None and parsed.scheme == "https":
                    entry["secure"] = True
                if _is_local(config.get("uri", "")):
                    entry["uri"] = config["uri"]
                self._alias_config[alias] = entry

    @deprecated("connections.connect")
    def connect(self, alias: str = DEFAULT_ALIAS, user: str = "", password: str = "", db_name: str = "default",
                token: str = "", _async: bool = False, _unbind_with_db: bool = False, **kwargs: Any) -> None:
        """Open a connection named ``alias`` (see the module docstring for the accepted addresses)."""
        _check_alias(alias)
        if _async:
            raise ConnectionConfigException(
                message="connections.connect(_async=True) is not supported by Azimuth; use AsyncMilvusClient")
        uri = kwargs.pop("uri", "")
        if _is_local(uri):
            if not uri.endswith(".db"):
                raise ConnectionConfigException(
                    message=f"uri: {uri} is illegal, needs start with [unix, http, https, tcp] or a local file "
                            "endswith [.db]")
            if not Path(uri).expanduser().parent.is_dir():
                raise ConnectionConfigException(
                    message=f"Open local milvus failed, dir: {Path(uri).parent} not exists")
        config = (kwargs.pop("address", ""), uri, kwargs.pop("host", ""), kwargs.pop("port", ""))
        user = "" if user is None else str(user)
        password = "" if password is None else str(password)
        token = "" if token is None else str(token)
        if any(c != "" for c in config):
            addr, parsed = _full_address(*config)
            with self._lock:
                if alias in self._alias_handlers and self._alias_config[alias].get("address") != addr:
                    raise ConnectionConfigException(message=CONN_DIFF_CONF % alias)
            if parsed is not None:
                user = parsed.username or user
                password = parsed.password or password
                if db_name == "":
                    segments = [s for s in parsed.path.split("/") if s]
                    db_name = segments[0] if segments else "default"
                if parsed.scheme == "https":
                    kwargs["secure"] = True
            if _is_local(uri):
                kwargs["uri"] = uri
            self._open(alias, addr, user, password, token, db_name or "default", _unbind_with_db, kwargs)
            return
        if self._env_uri is not None:
            addr, parsed = self._env_uri
            if parsed.scheme == "https":
                kwargs["secure"] = True
            self._open(alias, addr, parsed.username or "", parsed.password or "", token, db_name or "default",
                       _unbind_with_db, kwargs)
            return
        with self._lock:
            cached = dict(self._alias_config.get(alias, {}))
        if cached:
            addr = cached.pop("address")
            cached.pop("user", None)
            cached.pop("db_name", None)
            cached.update(kwargs)
            self._open(alias, addr, user, password, token, db_name or "default", _unbind_with_db, cached)
            return
        raise ConnectionConfigException(message=CONN_LACK_CONF % alias)

    def _open(self, alias: str, addr: str, user: str, password: str, token: str, db_name: str, unbind: bool,
              options: dict[str, Any]) -> None:
        local = options.get("uri") if _is_local(options.get("uri", "")) else None
        if local is not None:
            uri = str(local)
        elif addr.startswith("unix:"):
            uri = addr
        else:
            uri = f"{'https' if options.get('secure') else 'http'}://{addr}"
        timeout = options.get("timeout")
        extra = {k: v for k, v in options.items() if k not in ("uri", "timeout", "secure", *_SECRET_KEYS)}
        with self._lock:
            existing = self._alias_handlers.get(alias)
            if existing is not None:  # reconnecting an alias to the same address keeps the open client
                self._alias_config[alias]["db_name"] = db_name
                return
            client = MilvusClient(uri=uri, user=user, password=password, db_name=db_name, token=token,
                                  timeout=timeout if isinstance(timeout, (int, float)) else None, **extra)
            entry: dict[str, Any] = {"address": addr, **{k: v for k, v in options.items()
                                                         if k not in _SECRET_KEYS}, "user": user}
            if not unbind:
                entry["db_name"] = db_name
            self._alias_handlers[alias] = client
            self._alias_config[alias] = entry

    # ---- teardown --------------------------------------------------------------------------------------------
    @deprecated("connections.disconnect")
    def disconnect(self, alias: str) -> None:
        """Close the alias's connection; its config stays, so ``connect(alias)`` reopens it."""
        _check_alias(alias)
        with self._lock:
            client = self._alias_handlers.pop(alias, None)
        if client is not None:
            client.close()

    @deprecated("connections.remove_connection")
    def remove_connection(self, alias: str) -> None:
        """Close the alias's connection and forget its config."""
        _check_alias(alias)
        self.disconnect(alias)
        with self._lock:
            self._alias_config.pop(alias, None)

    @deprecated("connections.async_disconnect")
    async def async_disconnect(self, alias: str) -> None:
        """Async form of ``disconnect``."""
        self.disconnect(alias)

    @deprecated("connections.async_remove_connection")
    async def async_remove_connection(self, alias: str) -> None:
        """Async form of ``remove_connection``."""
        self.remove_connection(alias)

    # ---- inspection ------------------------------------------------------------------------------------------
    @deprecated("connections.list_connections")
    def list_connections(self) -> list[tuple[str, Any]]:
        """``[(alias, client or None), ...]`` for every configured alias."""
        with self._lock:
            return [(alias, self._alias_handlers.get(alias)) for alias in self._alias_config]

    @deprecated("connections.get_connection_addr")
    def get_connection_addr(self, alias: str) -> dict[str, Any]:
        """The alias's config (``{"address": ..., "user": ..., "db_name": ...}``) or ``{}``."""
        _check_alias(alias)
        return self._alias_config.get(alias, {})

    @deprecated("connections.has_connection")
    def has_connection(self, alias: str) -> bool:
        """Whether ``alias`` is connected (a config alone does not count)."""
        _check_alias(alias)
        return alias in self._alias_handlers

    # ---- used by the other ORM modules -----------------------------------------------------------------------
    def _fetch_handler(self, alias: str = DEFAULT_ALIAS) -> MilvusClient:
        _check_alias(alias)
        client = self._alias_handlers.get(alias)
        if client is None:
            raise ConnectionNotExistException(message=CONNECT_FIRST)
        return client

    def _db_name(self, alias: str) -> str:
        return self._alias_config.get(alias, {}).get("db_name", "") or ""

    def _update_db_name(self, alias: str, db_name: str) -> None:
        _check_alias(alias)
        if not isinstance(db_name, str):
            raise ConnectionConfigException(message=f"db_name must be a string, got {type(db_name)}")
        if alias not in self._alias_handlers:
            raise ConnectionNotExistException(message=CONNECT_FIRST)
        if "db_name" not in self._alias_config.get(alias, {}):
            raise ConnectionConfigException(
                message=f"Alias {alias} is not bound with a database (created with _unbind_with_db=True). "
                        "Cannot update db_name. Use client.use_database() instead.")
        self._alias_config[alias]["db_name"] = db_name


connections = Connections()


def handler(alias: str, kwargs: dict[str, Any] | None = None) -> tuple[MilvusClient, dict[str, Any]]:
    """The client for ``alias`` and call kwargs carrying the alias's database (ORM-only keys removed)."""
    client = connections._fetch_handler(alias)
    call = {k: v for k, v in (kwargs or {}).items() if k not in ORM_ONLY_KWARGS}
    db_name = connections._db_name(alias)
    if db_name and not call.get("db_name"):
        call["db_name"] = db_name
    return client, call


ORM_ONLY_KWARGS = frozenset({"_async", "_callback", "using", "construct_only", "index_name", "sync", "context",
                             "replica_number", "schema", "check_task", "check_items"})
