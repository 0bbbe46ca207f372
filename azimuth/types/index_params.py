"""Index build requests as pymilvus shapes them: ``IndexParams`` (a list of ``IndexParam``) and
``prepare_index_params``.

An ``IndexParam`` keeps ``field_name``, ``index_type``, ``index_name`` and one flat dict of build settings:
``params={...}`` is merged with every other keyword (``metric_type`` included), later keywords winning.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from azimuth.errors import ParamError


class IndexParam:
    """One index to build: ``IndexParam(field_name, index_type, index_name, **configs)``."""

    __slots__ = ("_configs", "_field_name", "_index_name", "_index_type")

    def __init__(self, field_name: str, index_type: str, index_name: str, **kwargs: Any) -> None:
        self._field_name = field_name
        self._index_type = index_type
        self._index_name = index_name
        params = kwargs.pop("params", None) or {}
        if not isinstance(params, dict):
            raise ParamError(message=f"params must be a dict or None, got {type(params).__name__}: {params!r}")
        self._configs: dict[str, Any] = {**params, **kwargs}

    @property
    def field_name(self) -> str:
        return self._field_name

    @property
    def index_type(self) -> str:
        return self._index_type

    @property
    def index_name(self) -> str:
        return self._index_name

    @property
    def params(self) -> dict[str, Any]:
        """The flattened build settings (``metric_type`` and index-specific keys)."""
        return self._configs

    @property
    def metric_type(self) -> str | None:
        return self._configs.get("metric_type")

    def get_index_configs(self) -> dict[str, Any]:
        """Build settings plus ``index_type`` when one was given (a new dict)."""
        configs = dict(self._configs)
        if self._index_type:
            configs["index_type"] = self._index_type
        return configs

    def to_dict(self) -> dict[str, Any]:
        return {
            "field_name": self._field_name,
            "index_type": self._index_type,
            "index_name": self._index_name,
            **self._configs,
        }

    def __iter__(self) -> Iterator[tuple[str, Any]]:
        """Yields ``(key, value)`` pairs so that ``dict(param) == param.to_dict()``."""
        return iter(self.to_dict().items())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, IndexParam):
            return self.to_dict() == other.to_dict()
        if isinstance(other, dict):
            return self.to_dict() == other
        return False

    __hash__ = None  # type: ignore[assignment]

    def __str__(self) -> str:
        return str(self.to_dict())

    __repr__ = __str__


class IndexParams(list):  # type: ignore[type-arg]
    """The indexes of a collection, built by repeated :meth:`add_index` calls."""

    def add_index(self, field_name: str, index_type: str = "", index_name: str = "", **kwargs: Any) -> None:
        super().append(IndexParam(field_name, index_type, index_name, **kwargs))


def prepare_index_params(field_name: str = "", **kwargs: Any) -> IndexParams:
    """``MilvusClient.prepare_index_params``: empty, or holding one index on ``field_name`` when given."""
    index_params = IndexParams()
    if field_name:
        if not isinstance(field_name, str):
            raise ParamError(
                message="wrong type of argument [field_name], expected type: [str], "
                f"got type: [{type(field_name).__name__}]"
            )
        index_params.add_index(field_name, **kwargs)
    return index_params


__all__ = ["IndexParam", "IndexParams", "prepare_index_params"]
