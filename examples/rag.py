"""A small RAG-style app on ``AsyncMilvusClient``: documents in (split into chunks, embedded, stored), semantic
search out (the best chunks for a question, ready to paste into an LLM prompt).

    python examples/rag.py ./rag.db "how do I keep data safe?"
"""

from __future__ import annotations

import asyncio
import re
import sys
from dataclasses import dataclass

from azimuth import AsyncMilvusClient, DataType, MilvusClient

try:
    from examples.embedding import DIM, embed
except ImportError:  # run as a script from examples/
    from embedding import DIM, embed  # type: ignore[no-redef]

COLLECTION = "chunks"


@dataclass
class Passage:
    source: str
    text: str
    score: float


def split(text: str, max_words: int = 40) -> list[str]:
    """Split a document into chunks of whole sentences, about ``max_words`` words each."""
    chunks, current = [], []
    for sentence in re.split(r"(?<=[.!?])\s+", text.strip()):
        if current and len(" ".join(current + [sentence]).split()) > max_words:
            chunks.append(" ".join(current))
            current = []
        current.append(sentence)
    if current:
        chunks.append(" ".join(current))
    return chunks


class KnowledgeBase:
    def __init__(self, uri: str) -> None:
        self.client = AsyncMilvusClient(uri)

    async def setup(self) -> None:
        if await self.client.has_collection(COLLECTION):
            return
        schema = MilvusClient.create_schema(auto_id=True)
        schema.add_field("id", DataType.INT64, is_primary=True)
        schema.add_field("source", DataType.VARCHAR, max_length=256)
        schema.add_field("text", DataType.VARCHAR, max_length=8192)
        schema.add_field("embedding", DataType.FLOAT_VECTOR, dim=DIM)
        index_params = MilvusClient.prepare_index_params()
        index_params.add_index("embedding", index_type="HNSW", metric_type="COSINE")
        index_params.add_index("source", index_type="INVERTED")
        await self.client.create_collection(COLLECTION, schema=schema, index_params=index_params)

    async def add(self, source: str, text: str) -> int:
        """Store one document; returns the number of chunks written."""
        rows = [{"source": source, "text": chunk, "embedding": embed(chunk)} for chunk in split(text)]
        return (await self.client.insert(COLLECTION, rows))["insert_count"] if rows else 0

    async def add_many(self, documents: dict[str, str]) -> int:
        """Store several documents concurrently (their writes share fsyncs)."""
        counts = await asyncio.gather(*(self.add(source, text) for source, text in documents.items()))
        return sum(counts)

    async def search(self, question: str, k: int = 3, source: str | None = None) -> list[Passage]:
        res = await self.client.search(
            COLLECTION, data=[embed(question)], limit=k, output_fields=["source", "text"],
            filter="source == {source}" if source else "", filter_params={"source": source} if source else {},
        )
        return [Passage(hit["entity"]["source"], hit["entity"]["text"], hit["distance"]) for hit in res[0]]

    async def close(self) -> None:
        await self.client.close()


def prompt(question: str, passages: list[Passage]) -> str:
    context = "\n".join(f"[{p.source}] {p.text}" for p in passages)
    return f"Answer from the context only.\n\nContext:\n{context}\n\nQuestion: {question}"


DOCUMENTS = {
    "durability.md": "Every write is appended to a write-ahead log and fsynced before the call returns. "
                     "A crash or a power loss never loses an acknowledged write. Recovery replays the log.",
    "backups.md": "To back up your data, stop the server and copy the data directory. "
                  "Restore by pointing the server at the copy.",
    "search.md": "Vector search finds the nearest neighbours of a query vector. "
                 "Filters restrict the search to rows that match an expression.",
}


async def main(uri: str, question: str) -> None:
    kb = KnowledgeBase(uri)
    await kb.setup()
    print(f"stored {await kb.add_many(DOCUMENTS)} chunks")
    passages = await kb.search(question, k=2)
    for p in passages:
        print(f"{p.score:.3f} [{p.source}] {p.text}")
    print(prompt(question, passages))
    await kb.close()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1] if len(sys.argv) > 1 else "./rag.db",
                     sys.argv[2] if len(sys.argv) > 2 else "how do I back up my data?"))
