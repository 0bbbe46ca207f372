"""``client.session(cluster_id)``: a read-only handle bound to a cluster id. Azimuth is one node, so every call
is forwarded to the parent client unchanged (the cluster id travels as the ``cluster_id`` kwarg, ignored)."""

from __future__ import annotations

from typing import Any

from azimuth.errors import MilvusException


class AsyncMilvusClientSession:
    """DQL session bound to a cluster id and backed by a parent client."""

    def __init__(self, parent: Any, cluster_id: str) -> None:
        self._parent = parent
        self._cluster_id = cluster_id
        self._closed = False

    def _ensure_open(self) -> None:
        if self._closed:
            raise MilvusException(message="MilvusClient session is closed")

    def _with_cluster_id(self, kwargs: dict[str, Any]) -> dict[str, Any]:
        kwargs["cluster_id"] = self._cluster_id
        return kwargs

    def close(self) -> None:
        """Close the session; later calls on it raise ``MilvusException``. The parent client stays open."""
        self._closed = True

    async def search(self, *args: Any, **kwargs: Any) -> Any:
        """Same as the client's ``search``."""
        self._ensure_open()
        return await self._parent.search(*args, **self._with_cluster_id(kwargs))

    async def hybrid_search(self, *args: Any, **kwargs: Any) -> Any:
        """Same as the client's ``hybrid_search``."""
        self._ensure_open()
        return await self._parent.hybrid_search(*args, **self._with_cluster_id(kwargs))

    async def query(self, *args: Any, **kwargs: Any) -> Any:
        """Same as the client's ``query``."""
        self._ensure_open()
        return await self._parent.query(*args, **self._with_cluster_id(kwargs))

    async def get(self, *args: Any, **kwargs: Any) -> Any:
        """Same as the client's ``get``."""
        self._ensure_open()
        return await self._parent.get(*args, **self._with_cluster_id(kwargs))

    # unasync: sync-only
    # def query_iterator(self, *args: Any, **kwargs: Any) -> Any:
    #     """Same as the client's ``query_iterator``."""
    #     self._ensure_open()
    #     return self._parent.query_iterator(*args, **self._with_cluster_id(kwargs))
    #
    # def search_iterator(self, *args: Any, **kwargs: Any) -> Any:
    #     """Same as the client's ``search_iterator``."""
    #     self._ensure_open()
    #     return self._parent.search_iterator(*args, **self._with_cluster_id(kwargs))
    # unasync: end
