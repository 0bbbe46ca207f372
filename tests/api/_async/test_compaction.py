"""compact and get_compaction_state: deleted rows are reclaimed on disk, data and indexes stay correct."""

from __future__ import annotations

import pytest

from azimuth.errors import ParamError
from tests.api.helpers import rows


async def test_compact_keeps_live_rows(client):
    await client.create_collection("c", dimension=8)
    for start in range(0, 300, 50):
        await client.insert("c", rows(50, start=start))
        await client.flush("c")
    await client.delete("c", filter="id < 200")
    job = await client.compact("c")
    assert isinstance(job, int)
    assert await client.get_compaction_state(job) == "Completed"
    assert await client.get_compaction_state(123) == "UndefiedState"
    got = await client.query("c", filter="id >= 0", output_fields=["title"])
    assert sorted(r["id"] for r in got) == list(range(200, 300))
    res = await client.search("c", data=[rows(1, start=250)[0]["vector"]], limit=2)
    assert sorted(res[0].ids) == [200, 250]  # rows(…) reuses the same vectors for every batch of 50
    with pytest.raises(ParamError):
        await client.compact("c", target_size=0)
