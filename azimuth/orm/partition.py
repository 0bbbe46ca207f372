"""``Partition``: the v1 handle on one partition of a ``Collection`` (created on construction when absent).

Data and search methods delegate to the owning ``Collection`` with the partition name filled in.
"""

from __future__ import annotations

import json
from typing import Any

from azimuth.errors import MilvusException
from azimuth.orm._deprecation import deprecated_class


@deprecated_class("Partition", warn_properties=frozenset({"is_empty", "num_entities"}))
class Partition:
    """Partition ``name`` of ``collection`` (a ``Collection`` or a collection name)."""

    def __init__(self, collection: Any, name: str, description: str = "", **kwargs: Any) -> None:
        from azimuth.orm.collection import Collection

        if isinstance(collection, Collection):
            self._collection = collection
        elif isinstance(collection, str):
            self._collection = Collection(collection)
        else:
            raise MilvusException(message="Collection must be of type pymilvus.Collection or String")
        self._name = name
        self._description = description
        if kwargs.get("construct_only", False):
            return
        if not self._collection.has_partition(name, **kwargs):
            client, call = self._collection._client(kwargs)
            client.create_partition(self._collection.name, name, **call)

    def __repr__(self) -> str:
        return json.dumps({"name": self.name, "collection_name": self._collection.name,
                           "description": self.description}, separators=(",", ":"))

    @property
    def description(self) -> str:
        """The description given at construction."""
        return self._description

    @property
    def name(self) -> str:
        """The partition name."""
        return self._name

    @property
    def is_empty(self) -> bool:
        """True when the partition holds no rows."""
        return self.num_entities == 0

    @property
    def num_entities(self) -> int:
        """The number of rows stored in the partition."""
        client, call = self._collection._client()
        return int(client.get_partition_stats(self._collection.name, self._name, **call)["row_count"])

    def flush(self, timeout: float | None = None, **kwargs: Any) -> None:
        """Flush the owning collection."""
        client, call = self._collection._client(kwargs)
        client.flush(self._collection.name, timeout=timeout, **call)

    def drop(self, timeout: float | None = None, **kwargs: Any) -> None:
        """Drop the (released) partition and its data."""
        client, call = self._collection._client(kwargs)
        client.drop_partition(self._collection.name, self._name, timeout=timeout, **call)

    def load(self, replica_number: int | None = None, timeout: float | None = None, **kwargs: Any) -> None:
        """Load this partition so it can be searched and queried."""
        client, call = self._collection._client(kwargs)
        client.load_partitions(self._collection.name, [self._name], timeout=timeout, **call)

    def release(self, timeout: float | None = None, **kwargs: Any) -> None:
        """Release this partition from memory."""
        client, call = self._collection._client(kwargs)
        client.release_partitions(self._collection.name, [self._name], timeout=timeout, **call)

    def insert(self, data: Any, timeout: float | None = None, **kwargs: Any) -> Any:
        """Insert rows into this partition (see ``Collection.insert``)."""
        return self._collection.insert(data, self._name, timeout=timeout, **kwargs)

    def delete(self, expr: str, timeout: float | None = None, **kwargs: Any) -> Any:
        """Delete the rows of this partition matching ``expr`` (see ``Collection.delete``)."""
        return self._collection.delete(expr, self._name, timeout=timeout, **kwargs)

    def upsert(self, data: Any, timeout: float | None = None, **kwargs: Any) -> Any:
        """Upsert rows into this partition (see ``Collection.upsert``)."""
        return self._collection.upsert(data, self._name, timeout=timeout, **kwargs)

    def search(self, data: Any, anns_field: str, param: dict, limit: int, expr: str | None = None,
               output_fields: list[str] | None = None, timeout: float | None = None, round_decimal: int = -1,
               **kwargs: Any) -> Any:
        """Search only this partition (see ``Collection.search``)."""
        return self._collection.search(data=data, anns_field=anns_field, param=param, limit=limit, expr=expr,
                                       partition_names=[self._name], output_fields=output_fields,
                                       round_decimal=round_decimal, timeout=timeout, **kwargs)

    def hybrid_search(self, reqs: list, rerank: Any, limit: int, output_fields: list[str] | None = None,
                      timeout: float | None = None, round_decimal: int = -1, **kwargs: Any) -> Any:
        """Hybrid search only this partition (see ``Collection.hybrid_search``)."""
        return self._collection.hybrid_search(reqs=reqs, rerank=rerank, limit=limit, partition_names=[self._name],
                                              output_fields=output_fields, round_decimal=round_decimal,
                                              timeout=timeout, **kwargs)

    def query(self, expr: str, output_fields: list[str] | None = None, timeout: float | None = None,
              **kwargs: Any) -> Any:
        """Query only this partition (see ``Collection.query``)."""
        return self._collection.query(expr=expr, output_fields=output_fields, partition_names=[self._name],
                                      timeout=timeout, **kwargs)

    def get_replicas(self, timeout: float | None = None, **kwargs: Any) -> Any:
        """Return the owning collection's replicas."""
        return self._collection.get_replicas(timeout=timeout, **kwargs)
