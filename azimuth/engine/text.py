"""Full-text search: the standard analyzer, BM25 function outputs (term-frequency sparse vectors) and BM25
scoring over a snapshot with collection statistics.

The analyzer lowercases and splits on anything that is not a letter or digit (Unicode-aware). A token's term
id is a stable 32-bit hash of its UTF-8 bytes, so documents and queries agree across processes. A document's
stored vector holds raw term frequencies; BM25 weights (IDF from the document frequencies of the visible rows,
length normalisation with the average document length) are computed at search time, so scores stay correct as
the collection changes.
"""

from __future__ import annotations

import re
import zlib
from collections import Counter
from typing import Any

import numpy as np
import pyarrow as pa
import scipy.sparse as sp

_TOKEN = re.compile(r"\w+", re.UNICODE)


def tokenize(text: str) -> list[str]:
    return [token for token in _TOKEN.findall(text.lower()) if token != "_"]


def term_id(token: str) -> int:
    return zlib.crc32(token.encode("utf-8")) & 0xFFFFFFFE  # even: stays below the uint32 sparse bound


def term_frequencies(texts: pa.ChunkedArray | pa.Array) -> pa.Array:
    """One ``map<uint32, float32>`` of term frequencies per text (null text → empty map)."""
    offsets = [0]
    keys: list[int] = []
    values: list[float] = []
    for text in texts.to_pylist():
        counts = Counter(term_id(t) for t in tokenize(text or ""))
        keys.extend(counts.keys())
        values.extend(float(c) for c in counts.values())
        offsets.append(len(keys))
    return pa.MapArray.from_arrays(pa.array(offsets, pa.int32()), pa.array(keys, pa.uint32()),
                                   pa.array(values, pa.float32()))


def query_terms(texts: list[str]) -> list[dict[int, float]]:
    """Query strings → {term id: count} (repeated query words count more, as in Milvus)."""
    return [dict(Counter(term_id(t) for t in tokenize(text))) for text in texts]


class TermColumn:
    """A segment's term-frequency vectors as flat CSR arrays plus each entry's row and each row's length."""

    def __init__(self, matrix: sp.csr_matrix) -> None:
        self.rows = matrix.shape[0]
        self.terms = np.asarray(matrix.indices, dtype=np.int64)
        self.tf = np.asarray(matrix.data, dtype=np.float64)
        self.row_of = np.repeat(np.arange(self.rows), np.diff(matrix.indptr))
        self.lengths = np.bincount(self.row_of, weights=self.tf, minlength=self.rows)


def bm25_topk(columns: list[TermColumn], visible: list[np.ndarray | None], allowed: list[np.ndarray | None],
              query: dict[int, float], k: int, k1: float, b: float) -> list[tuple[np.ndarray, np.ndarray, int]]:
    """Per segment (scores, rows, segment position) of the documents matching ``query``, BM25-scored with
    statistics (document count, average length, document frequencies) over the visible rows of all segments."""
    terms = np.array(sorted(query), dtype=np.int64)
    weights = np.array([query[t] for t in terms.tolist()], dtype=np.float64)
    docs = sum(c.rows if v is None else int(np.count_nonzero(v)) for c, v in zip(columns, visible))
    total = sum(float(c.lengths.sum() if v is None else c.lengths[v].sum()) for c, v in zip(columns, visible))
    avgdl = total / docs if docs else 1.0
    selections = []
    df = np.zeros(len(terms), dtype=np.float64)
    for column, seen in zip(columns, visible):
        hit = np.isin(column.terms, terms)
        slot = np.searchsorted(terms, column.terms[hit])
        rows = column.row_of[hit]
        counted = slot if seen is None else slot[seen[rows]]
        df += np.bincount(counted, minlength=len(terms))
        selections.append((slot, rows, column.tf[hit]))
    idf = np.log(1.0 + (docs - df + 0.5) / (df + 0.5))
    out = []
    for position, (column, (slot, rows, tf), mask) in enumerate(zip(columns, selections, allowed)):
        if len(rows) == 0:
            continue
        norm = k1 * (1.0 - b + b * column.lengths[rows] / (avgdl or 1.0))
        contrib = weights[slot] * idf[slot] * tf * (k1 + 1.0) / (tf + norm)
        scores = np.bincount(rows, weights=contrib, minlength=column.rows)
        matched = np.zeros(column.rows, dtype=bool)
        matched[rows] = True
        if mask is not None:
            matched &= mask
        candidates = np.flatnonzero(matched)
        if len(candidates) > k:
            best = np.argpartition(-scores[candidates], k - 1)[:k]
            candidates = candidates[best]
        out.append((scores[candidates], candidates, position))
    return out


def is_text_query(data: Any) -> bool:
    return isinstance(data, (list, tuple)) and len(data) > 0 and all(isinstance(v, str) for v in data)
