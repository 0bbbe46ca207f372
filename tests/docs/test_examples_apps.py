"""The apps in examples/ run: the RAG-style app on AsyncMilvusClient, and the FastAPI service (through its
TestClient, so lifespan start-up and shutdown run too)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import numpy as np
import pytest

from examples.embedding import DIM, embed
from examples.rag import DOCUMENTS, KnowledgeBase, main, prompt, split


def test_embedding_is_deterministic_and_unit_length() -> None:
    a, b = embed("Back up the data files"), embed("back up THE data file!")
    assert a.shape == (DIM,) and a.dtype == np.float32
    assert np.allclose(a, b) and abs(float(np.linalg.norm(a)) - 1) < 1e-6
    assert not embed("...").any()


def test_split_keeps_sentences() -> None:
    chunks = split("One two three. Four five six. Seven.", max_words=3)
    assert chunks == ["One two three.", "Four five six.", "Seven."]


def test_rag_answers_from_the_right_document(tmp_path: Path) -> None:
    async def scenario() -> None:
        kb = KnowledgeBase(str(tmp_path / "rag.db"))
        await kb.setup()
        assert await kb.add_many(DOCUMENTS) == 3
        await kb.setup()  # idempotent
        top = await kb.search("what happens to my writes after a crash or power loss?", k=1)
        assert top[0].source == "durability.md"
        top = await kb.search("copy the data directory", k=3, source="backups.md")
        assert [p.source for p in top] == ["backups.md"]
        assert "[backups.md]" in prompt("q", top)
        await kb.close()

    asyncio.run(scenario())


def test_rag_script(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    asyncio.run(main(str(tmp_path / "rag.db"), "how do I back up my data?"))
    out = capsys.readouterr().out
    assert out.startswith("stored 3 chunks\n")
    assert out.splitlines()[1].split()[1] == "[backups.md]"


def test_fastapi_service(tmp_path: Path) -> None:
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from examples.service import create_app

    with TestClient(create_app(str(tmp_path / "service.db"))) as http:
        added = http.post("/documents", json=[{"source": s, "text": t} for s, t in DOCUMENTS.items()])
        assert added.status_code == 201 and added.json() == {"documents": 3, "chunks": 3}
        hits = http.get("/search", params={"q": "nearest neighbours of a query vector", "k": 2}).json()
        assert len(hits) == 2 and hits[0]["source"] == "search.md" and hits[0]["score"] > hits[1]["score"]
        only = http.get("/search", params={"q": "write-ahead log", "source": "backups.md"}).json()
        assert {h["source"] for h in only} == {"backups.md"}
        assert http.get("/search", params={"q": "x", "k": 0}).status_code == 400
        assert http.post("/documents", json=[{"source": "a", "text": ""}]).status_code == 422
