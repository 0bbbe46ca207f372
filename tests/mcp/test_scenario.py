"""An agent session end to end: create, insert, search with a filter, query, delete — checked against storage."""

from __future__ import annotations

from typing import Any

from azimuth import AsyncMilvusClient
from tests.mcp.conftest import ok, seed


async def test_agent_session_matches_stored_data(make_client: Any, db_path: str) -> None:
    async with make_client() as c:
        assert (await ok(c, "milvus_list_collections"))["collections"] == []
        created = await ok(c, "milvus_create_collection", {"collection_name": "notes", "dimension": 4,
                                                          "auto_id": False})
        assert created["created"] and created["schema"]["search_capabilities"]["vector_fields"][0]["dim"] == 4
        rows = [{"id": i, "vector": [1.0, float(i), 0.0, 0.0], "topic": "cats" if i < 5 else "dogs",
                 "body": f"note number {i}"} for i in range(10)]
        inserted = await ok(c, "milvus_insert_data", {"collection_name": "notes", "data": rows})
        assert inserted == {"insert_count": 10, "ids": list(range(10)), "ids_truncated": False}

        info = await ok(c, "milvus_get_collection_info", {"collection_name": "notes"})
        assert info["row_count"] == 10 and info["search_capabilities"]["modes"] == ["vector"]

        found = await ok(c, "milvus_vector_search", {"collection_name": "notes", "vector": [1.0, 7.0, 0.0, 0.0],
                                                     "filter_expr": "topic == 'dogs'", "limit": 3})
        assert [h["id"] for h in found["hits"]] == [7, 6, 8] or {h["id"] for h in found["hits"]} <= {5, 6, 7, 8, 9}
        assert all(h["entity"]["topic"] == "dogs" for h in found["hits"])
        assert all("vector" not in h["entity"] for h in found["hits"])
        assert found["anns_field"] == "vector" and found["metric"] == "COSINE"

        queried = await ok(c, "milvus_query", {"collection_name": "notes", "filter_expr": "topic == 'cats'",
                                               "output_fields": ["id", "body"], "limit": 10})
        assert sorted(r["id"] for r in queried["rows"]) == [0, 1, 2, 3, 4]
        assert queried["returned"] == 5 and "next_offset" not in queried

        dry = await ok(c, "milvus_delete_entities", {"collection_name": "notes", "filter_expr": "topic == 'cats'",
                                                     "dry_run": True})
        assert dry == {"dry_run": True, "would_delete": 5}
        assert (await ok(c, "milvus_count", {"collection_name": "notes"}))["count"] == 10
        deleted = await ok(c, "milvus_delete_entities", {"collection_name": "notes",
                                                         "filter_expr": "topic == 'cats'"})
        assert deleted["delete_count"] == 5
        assert (await ok(c, "milvus_count", {"collection_name": "notes"}))["count"] == 5

    # what the agent saw is what is stored: read the database directly through the SDK
    async with AsyncMilvusClient(db_path) as sdk:
        stored = await sdk.query("notes", filter="id >= 0", output_fields=["id", "topic", "body"])
        assert sorted(r["id"] for r in stored) == [5, 6, 7, 8, 9]
        assert {r["topic"] for r in stored} == {"dogs"}
        assert {r["body"] for r in stored} == {f"note number {i}" for i in range(5, 10)}


async def test_seeded_search_query_paging(make_client: Any) -> None:
    async with make_client() as client:
        await _paging(client)


async def _paging(client: Any) -> None:
    await seed(client, rows=30)
    page1 = await ok(client, "milvus_query", {"collection_name": "docs", "filter_expr": "year >= 2010", "limit": 7})
    assert page1["returned"] == 7 and page1["next_offset"] == 7
    page2 = await ok(client, "milvus_query", {"collection_name": "docs", "filter_expr": "year >= 2010", "limit": 7,
                                              "offset": page1["next_offset"]})
    ids = [r["id"] for r in page1["rows"] + page2["rows"]]
    assert len(set(ids)) == 14 and all(i >= 10 for i in ids)
    hits = await ok(client, "milvus_search", {"collection_name": "docs", "vector": [3.0, 1.0, 0.0, 0.5],
                                              "limit": 4, "filter_expr": "tag == 'odd'"})
    assert hits["mode_used"] == "vector" and hits["returned"] == 4 and hits["next_offset"] == 4
    assert all(h["entity"]["tag"] == "odd" for h in hits["hits"])
