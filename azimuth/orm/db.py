"""``db``: the v1 database functions over ``MilvusClient``; ``using_database`` switches which database the
connection alias's ORM calls use (without checking that it exists, as pymilvus does)."""

from __future__ import annotations

from typing import Any

from azimuth.orm._deprecation import deprecated
from azimuth.orm.connections import DEFAULT_ALIAS, connections, handler


def _client(using: str) -> Any:
    return handler(using)[0]


@deprecated("db.using_database")
def using_database(db_name: str, using: str = DEFAULT_ALIAS) -> None:
    """Make ``db_name`` the database of the alias's later ORM calls (not checked to exist)."""
    connections._update_db_name(using, db_name)


@deprecated("db.create_database")
def create_database(db_name: str, using: str = DEFAULT_ALIAS, timeout: float | None = None, **kwargs: Any) -> None:
    """Create a database (``properties=`` keyword for its properties)."""
    properties = kwargs.pop("properties", None)
    _client(using).create_database(db_name, properties=properties, timeout=timeout, **kwargs)


@deprecated("db.drop_database")
def drop_database(db_name: str, using: str = DEFAULT_ALIAS, timeout: float | None = None) -> None:
    """Drop a database."""
    _client(using).drop_database(db_name, timeout=timeout)


@deprecated("db.list_database")
def list_database(using: str = DEFAULT_ALIAS, timeout: float | None = None) -> list[str]:
    """Names of all databases."""
    return _client(using).list_databases(timeout=timeout)


@deprecated("db.set_properties")
def set_properties(db_name: str, properties: dict, using: str = DEFAULT_ALIAS, timeout: float | None = None) -> None:
    """Set database properties."""
    _client(using).alter_database_properties(db_name, properties, timeout=timeout)


@deprecated("db.describe_database")
def describe_database(db_name: str, using: str = DEFAULT_ALIAS, timeout: float | None = None) -> dict:
    """Return ``{"name": db_name, **properties}``."""
    return _client(using).describe_database(db_name, timeout=timeout)
