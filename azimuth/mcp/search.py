"""Search planning and execution shared by every search tool: field and metric discovery, hit shaping, paging.

:class:`Plan` reads a collection's schema and indexes once and answers "which field, which metric, which
modes work"; :func:`execute` runs one search (or a hybrid search) through ``AsyncMilvusClient`` and shapes the
hits (`{id, distance, entity}`, vectors dropped unless asked, distances to 6 significant digits, bounded size,
``next_offset`` when more hits exist).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from azimuth import AnnSearchRequest, MilvusException, RRFRanker, WeightedRanker
from azimuth.mcp.errors import CODES, ToolFailure
from azimuth.mcp.results import check_limit, check_offset, fit, round6, shape_row
from azimuth.mcp.runtime import Runtime, summarize, vector_field_names

_FLOAT_TYPES = {"FLOAT_VECTOR", "FLOAT16_VECTOR", "BFLOAT16_VECTOR"}


@dataclass
class Plan:
    """What a collection can be searched with: dense fields, BM25 pairs, text-embedding functions."""

    collection: str
    described: dict[str, Any]
    caps: dict[str, Any]

    @classmethod
    async def load(cls, rt: Runtime, db: str, collection: str) -> Plan:
        described = await rt.describe(db, collection)
        indexes = await rt.indexes(db, collection)
        caps = summarize(described, indexes, "", 0)["search_capabilities"]
        return cls(collection, described, caps)

    @property
    def vectors(self) -> set[str]:
        return vector_field_names(self.described)

    def dense_field(self, requested: str | None) -> dict[str, Any]:
        fields = self.caps["vector_fields"]
        if requested:
            found = next((f for f in fields if f["name"] == requested), None)
            if found is None:
                raise ToolFailure("FIELD_NOT_FOUND", f"collection '{self.collection}' has no dense vector field "
                                  f"'{requested}'", valid=[f["name"] for f in fields])
            return found
        if not fields:
            raise ToolFailure("FIELD_NOT_FOUND", f"collection '{self.collection}' has no dense vector field",
                              hint=self._alternatives("vector"))
        return next((f for f in fields if f["name"] == "vector"), fields[0])

    def bm25(self, requested: str | None) -> dict[str, str]:
        pairs = self.caps["bm25_fields"]
        if not pairs:
            raise ToolFailure("NO_TEXT_SEARCH", f"collection '{self.collection}' has no BM25 function, so it "
                              "has no full-text index", hint=self._alternatives("text"))
        if requested:
            found = next((p for p in pairs if requested in (p["sparse_field"], p["text_field"])), None)
            if found is None:
                raise ToolFailure("FIELD_NOT_FOUND", f"'{requested}' is not a BM25 field of '{self.collection}'",
                                  valid=[p["sparse_field"] for p in pairs])
            return found
        return pairs[0]

    def embedding(self, requested: str | None) -> dict[str, str]:
        funcs = self.caps["text_embedding_fields"]
        chosen = [f for f in funcs if not requested or requested in (f["vector_field"], f["text_field"])]
        if not chosen:
            raise ToolFailure("NO_TEXT_SEARCH", f"collection '{self.collection}' has no TEXT_EMBEDDING function"
                              f"{' on ' + requested if requested else ''} and this server has no embedder, so "
                              "text cannot be turned into a vector here", hint=self._alternatives("semantic"))
        return chosen[0]

    def _alternatives(self, missing: str) -> str:
        options = []
        if missing != "text" and self.caps["bm25_fields"]:
            options.append(f"milvus_text_search (BM25 on {self.caps['bm25_fields'][0]['sparse_field']})")
        if missing != "vector" and self.caps["vector_fields"]:
            field = self.caps["vector_fields"][0]
            options.append(f"milvus_vector_search with your own {field['dim']}-dimensional embedding "
                           f"on '{field['name']}'")
        options.append("milvus_query with a filter such as text_match(field, 'words') or field like '%word%'")
        return "Use " + ", or ".join(options) + "."


def check_vector(field: dict[str, Any], vector: list[float]) -> None:
    if field["type"] in _FLOAT_TYPES and field["dim"] and len(vector) != field["dim"]:
        raise ToolFailure("DIMENSION_MISMATCH", f"the query vector has {len(vector)} dimensions but field "
                          f"'{field['name']}' has dimension {field['dim']}",
                          hint=CODES["DIMENSION_MISMATCH"] + f" The field expects dimension {field['dim']}.",
                          valid=[field["dim"]])


def range_params(radius: float | None, range_filter: float | None, extra: dict | None = None) -> dict[str, Any]:
    params = dict(extra or {})
    if radius is not None:
        params["radius"] = radius
    if range_filter is not None:
        params["range_filter"] = range_filter
    return params


@dataclass
class Request:
    """One search route: query data, field, metric, params."""

    data: Any
    anns_field: str
    metric: str | None
    params: dict[str, Any]


def _hits(rt: Runtime, plan: Plan, raw: Any, limit: int, offset: int, include_vectors: bool) -> dict[str, Any]:
    limits = rt.config.limits
    hits = list(raw[0]) if raw else []
    more = len(hits) > limit
    pk = next((f["name"] for f in plan.described.get("fields", []) if f.get("is_primary")), "id")
    shaped = [{"id": hit.get(pk, hit.get("id")), "distance": round6(hit["distance"]),
               "entity": shape_row(dict(hit.get("entity") or {}), plan.vectors, include_vectors,
                                   limits.max_field_chars)} for hit in hits[:limit]]
    kept, cut = fit(shaped, limits.max_result_chars)
    result: dict[str, Any] = {"hits": kept, "returned": len(kept), "truncated": cut}
    if more or cut:
        result["next_offset"] = offset + len(kept)
    return result


async def execute(rt: Runtime, db: str, plan: Plan, requests: list[Request], *, limit: int, offset: int = 0,
                  filter_expr: str | None = None, output_fields: list[str] | None = None,
                  include_vectors: bool = False, partition_names: list[str] | None = None,
                  group_by_field: str | None = None, ranker: str = "rrf",
                  ranker_params: dict[str, Any] | None = None, text_route: bool = False) -> dict[str, Any]:
    """Run one search (one request) or a hybrid search (several); returns the shaped hit payload."""
    check_limit(limit, rt.config.limits.max_limit)
    check_offset(offset)
    fields = output_fields or ["*"]
    try:
        if len(requests) == 1:
            req = requests[0]
            search_params: dict[str, Any] = {"params": req.params}
            if req.metric:
                search_params["metric_type"] = req.metric
            extra: dict[str, Any] = {"group_by_field": group_by_field} if group_by_field else {}
            raw = await rt.client.search(plan.collection, data=[req.data], anns_field=req.anns_field,
                                         filter=filter_expr or "", limit=limit + 1, output_fields=fields,
                                         search_params=search_params, partition_names=partition_names,
                                         offset=offset, db_name=db, **extra)
        else:
            anns = [AnnSearchRequest(data=[r.data], anns_field=r.anns_field, limit=limit + offset + 1,
                                     param={"params": r.params, **({"metric_type": r.metric} if r.metric else {})},
                                     expr=filter_expr or None) for r in requests]
            raw = await rt.client.hybrid_search(plan.collection, anns, make_ranker(ranker, ranker_params, len(anns)),
                                                limit=limit + 1, offset=offset, output_fields=fields,
                                                partition_names=partition_names, db_name=db)
    except MilvusException as exc:
        text = (exc.message or "").lower()
        if text_route and ("sparse" in text or "bm25" in text) and "filter" not in text:
            raise ToolFailure("NO_TEXT_SEARCH", f"the server could not run a full-text (BM25) search: {exc.message}",
                              hint=plan._alternatives("text")) from exc
        raise
    result = _hits(rt, plan, raw, limit, offset, include_vectors)
    if len(requests) == 1:
        result.update({"metric": requests[0].metric, "anns_field": requests[0].anns_field})
    else:
        result.update({"metric": ranker.upper(), "anns_field": ",".join(r.anns_field for r in requests)})
    return result


def make_ranker(name: str, params: dict[str, Any] | None, routes: int) -> Any:
    params = dict(params or {})
    if name == "rrf":
        return RRFRanker(int(params.get("k", 60)))
    if name == "weighted":
        weights = params.get("weights") or [1.0 / routes] * routes
        if len(weights) != routes:
            raise ToolFailure("INVALID_ARGUMENT", f"weighted ranker needs {routes} weights, got {len(weights)}")
        return WeightedRanker(*[float(w) for w in weights], norm_score=bool(params.get("norm_score", True)))
    raise ToolFailure("INVALID_ARGUMENT", f"unknown ranker '{name}'", valid=["rrf", "weighted"])


def dense_request(plan: Plan, vector: list[float], field: str | None, metric: str | None,
                  params: dict[str, Any]) -> Request:
    chosen = plan.dense_field(field)
    check_vector(chosen, vector)
    return Request(vector, chosen["name"], metric or chosen.get("metric"), params)


def text_request(plan: Plan, query_text: str, field: str | None, params: dict[str, Any]) -> Request:
    pair = plan.bm25(field)
    return Request(query_text, pair["sparse_field"], "BM25", params)


def semantic_request(plan: Plan, query_text: str, field: str | None, metric: str | None,
                     params: dict[str, Any]) -> Request:
    func = plan.embedding(field)
    index_metric = next((f.get("metric") for f in plan.caps["vector_fields"] if f["name"] == func["vector_field"]),
                        None)
    return Request(query_text, func["vector_field"], metric or index_metric, params)


__all__ = ["Plan", "Request", "check_vector", "dense_request", "execute", "make_ranker", "range_params",
           "semantic_request", "text_request"]
