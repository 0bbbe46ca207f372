"""``Index``: the v1 handle on one index of a ``Collection``; constructing it builds the index unless
``construct_only=True`` (how ``Collection.index()``/``indexes`` describe existing ones)."""

from __future__ import annotations

import copy
from typing import Any

from azimuth.errors import CollectionNotExistException
from azimuth.orm import _support as sup
from azimuth.orm._deprecation import deprecated_class


@deprecated_class("Index")
class Index:
    """Index on ``field_name`` of ``collection`` with v1 ``index_params``
    (``index_type``/``metric_type``/``params``)."""

    def __init__(self, collection: Any, field_name: str, index_params: dict, **kwargs: Any) -> None:
        from azimuth.orm.collection import Collection

        if not isinstance(collection, Collection):
            raise CollectionNotExistException(message=sup.COLLECTION_TYPE)
        self._collection = collection
        self._field_name = field_name
        self._index_params = index_params
        self._index_name = kwargs.get("index_name", "")
        if kwargs.get("construct_only", False):
            return
        collection.create_index(field_name, index_params, **kwargs)
        client, call = collection._client(kwargs)
        for name in client.list_indexes(collection.name, field_name=field_name, **call):
            self._index_name = name
            break

    @property
    def params(self) -> dict:
        """A copy of the v1 index params (``index_type``, ``metric_type``, ``params``)."""
        return copy.deepcopy(self._index_params)

    @property
    def collection_name(self) -> str:
        """Name of the indexed collection."""
        return self._collection.name

    @property
    def field_name(self) -> str:
        """Name of the indexed field."""
        return self._field_name

    @property
    def index_name(self) -> str:
        """The index name."""
        return self._index_name

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Index) and self.to_dict() == other.to_dict()

    __hash__ = None  # type: ignore[assignment]

    def to_dict(self) -> dict[str, Any]:
        """Return ``{"collection", "field", "index_name", "index_param"}``."""
        return {"collection": self._collection.name, "field": self._field_name, "index_name": self._index_name,
                "index_param": self.params}

    def drop(self, timeout: float | None = None, **kwargs: Any) -> None:
        """Drop this index (the collection must be released)."""
        client, call = self._collection._client(kwargs)
        client.drop_index(self._collection.name, self._index_name, timeout=timeout, **call)
