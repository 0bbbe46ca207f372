"""A deterministic local embedding for the examples: the hashing trick over words and word pairs.

No model download: each token is hashed (blake2b, so the result is the same on every machine and run) into one
of ``DIM`` buckets with a sign; the vector is L2-normalised, so COSINE similarity ranks documents by shared
vocabulary. Good enough to show semantic-search plumbing; swap in a real model for real use.
"""

from __future__ import annotations

import hashlib
import re

import numpy as np

DIM = 256
_WORD = re.compile(r"[a-z0-9]+")


def _tokens(text: str) -> list[str]:
    words = [w[:-1] if len(w) > 3 and w.endswith("s") else w for w in _WORD.findall(text.lower())]
    return words + [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]


def embed(text: str) -> np.ndarray:
    """``text`` → a unit-length float32 vector of ``DIM`` dimensions (zeros for text without words)."""
    vec = np.zeros(DIM, dtype=np.float32)
    for token in _tokens(text):
        digest = hashlib.blake2b(token.encode(), digest_size=8).digest()
        bucket = int.from_bytes(digest[:4], "little") % DIM
        vec[bucket] += 1.0 if digest[4] & 1 else -1.0
    norm = float(np.linalg.norm(vec))
    return vec / norm if norm else vec
