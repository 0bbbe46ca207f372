"""Hybrid-search requests and rankers with pymilvus's constructors and ``dict()`` forms."""

from __future__ import annotations

from typing import Any

from azimuth.errors import DataTypeNotMatchException, ParamError


class BaseRanker:
    def dict(self) -> dict[str, Any]:
        return {}

    def __str__(self) -> str:
        return str(self.dict())


class RRFRanker(BaseRanker):
    """Reciprocal rank fusion: score = Σ 1 / (k + rank)."""

    def __init__(self, k: int = 60) -> None:
        self._strategy = "rrf"
        self._k = k

    def dict(self) -> dict[str, Any]:
        return {"strategy": self._strategy, "params": {"k": self._k}}


class WeightedRanker(BaseRanker):
    """Weighted sum of (normalised, when ``norm_score``) per-route scores; one weight per request."""

    def __init__(self, *nums: float, norm_score: bool = True) -> None:
        self._strategy = "weighted"
        weights = []
        for num in nums:
            if isinstance(num, bool) or not isinstance(num, (int, float)):
                raise TypeError(f"Weight must be a number, got {type(num)}")
            weights.append(num)
        self._weights = weights
        self._norm_score = norm_score

    def dict(self) -> dict[str, Any]:
        return {"strategy": self._strategy, "params": {"weights": self._weights, "norm_score": self._norm_score}}


class AnnSearchRequest:
    """One route of ``hybrid_search``: its own query vectors, field, search params, limit and filter."""

    def __init__(self, data: Any, anns_field: str, param: dict, limit: int, expr: str | None = None,
                 expr_params: dict | None = None, filter: str | None = None) -> None:
        if expr is not None and filter is not None:
            raise ParamError(message="Provide either 'expr' or 'filter', not both.")
        resolved = filter if filter is not None else expr
        if resolved is not None and not isinstance(resolved, str):
            raise DataTypeNotMatchException(message=f"The type of expr must be string ,but {type(resolved)} is "
                                                    "given.")
        self._data = data
        self._anns_field = anns_field
        self._param = param
        self._limit = limit
        self._expr = resolved
        self._expr_params = expr_params

    @property
    def data(self) -> Any:
        return self._data

    @property
    def anns_field(self) -> str:
        return self._anns_field

    @property
    def param(self) -> dict:
        return self._param

    @property
    def limit(self) -> int:
        return self._limit

    @property
    def expr(self) -> str | None:
        return self._expr

    @property
    def filter(self) -> str | None:
        return self._expr

    @property
    def expr_params(self) -> dict | None:
        return self._expr_params

    def __str__(self) -> str:
        return str({"anns_field": self.anns_field, "param": self.param, "limit": self.limit, "expr": self.expr})
