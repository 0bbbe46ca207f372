"""Score fusion and rescoring: RRF, weighted sums with Milvus's score normalisation, decay functions and boost.

All functions work on numpy arrays of one query's hits; larger fused scores are better.
"""

from __future__ import annotations

import math

import numpy as np

DESCENDING = frozenset({"IP", "COSINE", "BM25"})


def normalize(distances: np.ndarray, metric: str) -> np.ndarray:
    """Map raw distances to [0, 1] with larger = better, as Milvus's weighted ranker does."""
    d = distances.astype(np.float64)
    if metric == "COSINE":
        return (1.0 + d) * 0.5
    if metric == "IP":
        return 0.5 + np.arctan(d) / math.pi
    if metric == "BM25":
        return 2.0 * np.arctan(d) / math.pi
    return 1.0 - 2.0 * np.arctan(d) / math.pi  # L2, HAMMING, JACCARD: smaller is better


def oriented(distances: np.ndarray, metric: str) -> np.ndarray:
    """Raw scores turned so that larger is better (used when normalisation is off)."""
    d = distances.astype(np.float64)
    return d if metric in DESCENDING else -d


def rrf(route_keys: list[np.ndarray], k: float) -> dict:
    """{key: Σ 1/(k + rank)} over routes; each route's keys are best first."""
    scores: dict = {}
    for keys in route_keys:
        for rank, key in enumerate(keys.tolist(), start=1):
            scores[key] = scores.get(key, 0.0) + 1.0 / (k + rank)
    return scores


def weighted(route_keys: list[np.ndarray], route_scores: list[np.ndarray], weights: list[float]) -> dict:
    scores: dict = {}
    for keys, values, weight in zip(route_keys, route_scores, weights):
        for key, value in zip(keys.tolist(), values.tolist()):
            scores[key] = scores.get(key, 0.0) + weight * value
    return scores


def decay(values: np.ndarray, function: str, origin: float, scale: float, offset: float, rate: float) -> np.ndarray:
    """Milvus decay factors in (0, 1] for field ``values`` around ``origin``."""
    gap = np.maximum(np.abs(values.astype(np.float64) - origin) - offset, 0.0)
    if function == "gauss":
        sigma2 = -(scale ** 2) / (2.0 * math.log(rate))
        return np.exp(-(gap ** 2) / (2.0 * sigma2))
    if function == "exp":
        return np.exp(math.log(rate) / scale * gap)
    if function == "linear":
        span = scale / (1.0 - rate)
        return np.maximum((span - gap) / span, 0.0)
    raise ValueError(function)


def top(scores: dict, limit: int, offset: int) -> tuple[list, np.ndarray]:
    """Keys and scores of the best ``limit`` after ``offset`` (ties keep first-seen order)."""
    if not scores:
        return [], np.empty(0, dtype=np.float32)
    keys = list(scores)
    values = np.fromiter(scores.values(), dtype=np.float64, count=len(keys))
    order = np.argsort(-values, kind="stable")[offset : offset + limit]
    return [keys[i] for i in order.tolist()], values[order].astype(np.float32)
