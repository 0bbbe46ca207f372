"""A FastAPI service backed by ``AsyncMilvusClient``: POST documents in, GET semantic search out.

    AZIMUTH_URI=./service.db uvicorn examples.service:app        # or http://localhost:19530 for a server

One client is opened at start-up (lifespan) and shared by all requests: it is safe for concurrent use.
"""

from __future__ import annotations

import os
from contextlib import asynccontextmanager

from fastapi import FastAPI, HTTPException
from pydantic import BaseModel, Field

from azimuth import MilvusException
from examples.rag import KnowledgeBase


class Document(BaseModel):
    source: str = Field(max_length=256)
    text: str = Field(min_length=1)


class Hit(BaseModel):
    source: str
    text: str
    score: float


def create_app(uri: str | None = None) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI):
        kb = KnowledgeBase(uri or os.environ.get("AZIMUTH_URI", "./service.db"))
        await kb.setup()
        app.state.kb = kb
        yield
        await kb.close()

    app = FastAPI(title="Azimuth semantic search", lifespan=lifespan)

    @app.post("/documents", status_code=201)
    async def add_documents(documents: list[Document]) -> dict[str, int]:
        chunks = await app.state.kb.add_many({d.source: d.text for d in documents})
        return {"documents": len(documents), "chunks": chunks}

    @app.get("/search")
    async def search(q: str, k: int = 3, source: str | None = None) -> list[Hit]:
        try:
            passages = await app.state.kb.search(q, k=k, source=source)
        except MilvusException as e:  # e.g. k out of range: the message says what is allowed
            raise HTTPException(status_code=400, detail=e.message) from e
        return [Hit(source=p.source, text=p.text, score=p.score) for p in passages]

    return app


app = create_app()
