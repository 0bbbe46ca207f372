"""Classic v1 ORM scripts, written once against a module namespace ``m`` (``azimuth`` or ``pymilvus``) so the
same code runs on Azimuth's ORM and on pymilvus's ORM. Each returns plain, normalised observations."""

from __future__ import annotations

from typing import Any

import numpy as np

DIM = 8


def vectors(n: int, seed: int, dim: int = DIM) -> np.ndarray:
    return np.random.default_rng(seed).random((n, dim), dtype=np.float32)


def norm_hits(result: Any, fields: tuple[str, ...] = ()) -> list[list[tuple]]:
    out = []
    for hits in result:
        out.append([(hit.id, round(float(hit.distance), 4), tuple(_norm(hit.entity.get(f)) for f in fields))
                    for hit in hits])
    return out


def norm_rows(rows: list[dict], key: str) -> list[dict]:
    return sorted(({k: _norm(v) for k, v in row.items()} for row in rows), key=lambda r: r[key])


def _norm(value: Any) -> Any:
    if isinstance(value, (list, tuple, np.ndarray)):
        return [_norm(v) for v in value]
    if isinstance(value, (float, np.floating)):
        return round(float(value), 5)
    if isinstance(value, np.integer):
        return int(value)
    return value


def hello_milvus(m: Any, name: str = "hello_milvus", using: str = "default") -> dict[str, Any]:
    """The classic hello_milvus.py: column insert, IVF_FLAT, load, search, query, delete, upsert, partitions."""
    out: dict[str, Any] = {}
    fields = [
        m.FieldSchema(name="pk", dtype=m.DataType.INT64, is_primary=True, auto_id=False),
        m.FieldSchema(name="random", dtype=m.DataType.DOUBLE),
        m.FieldSchema(name="embeddings", dtype=m.DataType.FLOAT_VECTOR, dim=DIM),
    ]
    schema = m.CollectionSchema(fields, "hello_milvus is the simplest demo to introduce the APIs")
    out["has_before"] = m.utility.has_collection(name, using=using)
    coll = m.Collection(name, schema, consistency_level="Strong", using=using)
    n = 300
    rng = np.random.default_rng(7)
    embeddings = vectors(n, 1)
    entities = [list(range(n)), rng.random(n).tolist(), embeddings]
    res = coll.insert(entities)
    out["insert"] = (res.insert_count, list(res.primary_keys[:5]), res.delete_count, res.upsert_count)
    coll.flush()
    out["num_entities"] = coll.num_entities
    out["is_empty"] = coll.is_empty
    coll.create_index("embeddings", {"index_type": "IVF_FLAT", "metric_type": "L2", "params": {"nlist": 16}})
    out["has_index"] = coll.has_index()
    out["index_field"] = coll.index().field_name
    coll.load()
    out["load_state"] = str(m.utility.load_state(name, using=using))
    out["loading"] = m.utility.loading_progress(name, using=using)
    params = {"metric_type": "L2", "params": {"nprobe": 16}}
    result = coll.search(embeddings[-2:].tolist(), "embeddings", params, limit=3, output_fields=["random"])
    out["search"] = norm_hits(result, ("random",))
    result = coll.search(embeddings[:3].tolist(), "embeddings", params, limit=4, expr="random > 0.5",
                         output_fields=["random", "pk"])
    out["search_expr"] = norm_hits(result, ("random", "pk"))
    out["query"] = norm_rows(coll.query(expr="pk < 6", output_fields=["random", "embeddings"]), "pk")
    out["query_limit"] = norm_rows(coll.query(expr="random > 0.5", output_fields=["pk"], limit=5), "pk")
    out["count"] = coll.query(expr="", output_fields=["count(*)"])[0]["count(*)"]
    ids = entities[0]
    deleted = coll.delete(f"pk in [{ids[0]}, {ids[1]}]")
    out["delete"] = deleted.delete_count
    out["after_delete"] = norm_rows(coll.query(expr=f"pk in [{ids[0]}, {ids[1]}, {ids[2]}]"), "pk")
    upserted = coll.upsert([{"pk": 2, "random": -1.0, "embeddings": embeddings[2].tolist()},
                            {"pk": 1000, "random": -2.0, "embeddings": embeddings[3].tolist()}])
    out["upsert"] = (upserted.upsert_count, sorted(upserted.primary_keys))
    out["after_upsert"] = norm_rows(coll.query(expr="random < 0", output_fields=["random"]), "pk")
    part = coll.create_partition("novel")
    part.insert([[5000, 5001], [0.25, 0.75], vectors(2, 9)])
    out["partitions"] = sorted(p.name for p in coll.partitions)
    out["has_partition"] = (coll.has_partition("novel"), coll.has_partition("nope"))
    out["partition_query"] = norm_rows(part.query(expr="pk >= 0", output_fields=["random"]), "pk")
    result = part.search(vectors(1, 9).tolist(), "embeddings", params, limit=5)
    out["partition_search"] = [[h[0] for h in q] for q in norm_hits(result)]
    coll.release()
    out["released"] = str(m.utility.load_state(name, using=using))
    coll.drop_index()
    out["has_index_after_drop"] = coll.has_index()
    coll.drop()
    out["has_after"] = m.utility.has_collection(name, using=using)
    return out


def strings_and_json(m: Any, name: str = "books", using: str = "default") -> dict[str, Any]:
    """Row inserts with a VARCHAR key, JSON, ARRAY and dynamic fields; HNSW/COSINE; iterators."""
    out: dict[str, Any] = {}
    schema = m.CollectionSchema([
        m.FieldSchema("isbn", m.DataType.VARCHAR, is_primary=True, max_length=32),
        m.FieldSchema("year", m.DataType.INT64),
        m.FieldSchema("meta", m.DataType.JSON),
        m.FieldSchema("tags", m.DataType.ARRAY, element_type=m.DataType.VARCHAR, max_capacity=4, max_length=16),
        m.FieldSchema("vec", m.DataType.FLOAT_VECTOR, dim=DIM),
    ], description="books", enable_dynamic_field=True)
    coll = m.Collection(name, schema, using=using, consistency_level="Strong")
    vecs = vectors(60, 3)
    rows = [{"isbn": f"b{i:03d}", "year": 1990 + i % 30, "meta": {"pages": i * 10, "lang": "en" if i % 2 else "fr"},
             "tags": ["a", "b"][: i % 3], "vec": vecs[i].tolist(), "extra": i % 4} for i in range(60)]
    res = coll.insert(rows)
    out["insert"] = (res.insert_count, res.primary_keys[:3])
    coll.create_index("vec", {"index_type": "HNSW", "metric_type": "COSINE",
                              "params": {"M": 8, "efConstruction": 64}})
    coll.load()
    out["json_query"] = norm_rows(coll.query('meta["lang"] == "fr" and year < 1996',
                                             output_fields=["year", "meta", "tags", "extra"]), "isbn")
    out["dynamic_query"] = norm_rows(coll.query("extra == 3 and year > 2010", output_fields=["extra"]), "isbn")
    result = coll.search([vecs[5].tolist()], "vec", {"metric_type": "COSINE", "params": {"ef": 64}}, limit=5,
                         expr='array_length(tags) > 0', output_fields=["year", "tags"])
    out["search"] = norm_hits(result, ("year", "tags"))
    it = coll.query_iterator(batch_size=7, expr="year >= 2000", output_fields=["year"])
    pages = []
    while True:
        page = it.next()
        if not page:
            it.close()
            break
        pages.append(len(page))
    out["query_iterator_total"] = sum(pages)
    out["query_iterator_max_page"] = max(pages)
    it = coll.search_iterator([vecs[0].tolist()], "vec", {"metric_type": "COSINE", "params": {}}, batch_size=10,
                              limit=25, output_fields=["year"])
    seen = []
    while True:
        page = it.next()
        if not page:
            it.close()
            break
        seen.extend(hit.id for hit in page)
    out["search_iterator"] = (len(seen), len(set(seen)), seen[0])
    coll.drop()
    return out


def hybrid(m: Any, name: str = "hybrid", using: str = "default") -> dict[str, Any]:
    """Two vector fields searched together with RRF and weighted rankers."""
    schema = m.CollectionSchema([
        m.FieldSchema("id", m.DataType.INT64, is_primary=True),
        m.FieldSchema("dense", m.DataType.FLOAT_VECTOR, dim=DIM),
        m.FieldSchema("other", m.DataType.FLOAT_VECTOR, dim=4),
    ])
    coll = m.Collection(name, schema, using=using, consistency_level="Strong")
    n = 80
    coll.insert([list(range(n)), vectors(n, 11), vectors(n, 12, dim=4)])
    coll.create_index("dense", {"index_type": "FLAT", "metric_type": "L2", "params": {}})
    coll.create_index("other", {"index_type": "FLAT", "metric_type": "IP", "params": {}})
    coll.load()
    reqs = [m.AnnSearchRequest(vectors(1, 13).tolist(), "dense", {"metric_type": "L2", "params": {}}, limit=10),
            m.AnnSearchRequest(vectors(1, 14, dim=4).tolist(), "other", {"metric_type": "IP", "params": {}},
                               limit=10, expr="id > 10")]
    out = {
        "rrf": norm_hits(coll.hybrid_search(reqs, m.RRFRanker(60), limit=5, output_fields=["id"]), ("id",)),
        "weighted": [[h[0] for h in q] for q in
                     norm_hits(coll.hybrid_search(reqs, m.WeightedRanker(0.3, 0.7), limit=5))],
        "indexes": sorted(i.field_name for i in coll.indexes),
    }
    coll.drop()
    return out
