"""Filtered ``query`` latency on 1M rows: Azimuth (embedded) vs the plain-Python reference evaluator vs Milvus Lite.

Data: int64 pk ``id``, INT64 ``x`` uniform in [0, 1M), VARCHAR ``title`` (three random words), JSON ``meta``
``{"lang": one of 8, "n": int}``, and a dim-2 FLOAT_VECTOR ``vec`` with a FLAT index so the collection loads.
Filters: an int range, an ``in`` list of 100 values, a ``like`` prefix and a JSON-path equality. Each system gets
the same rows through ``client.insert`` (batches of 50k) and ``flush``; latency is the p50 of
``client.query(filter, output_fields=["id"])`` after one warm-up. Besides end-to-end query latency, the Azimuth run
reports the filter alone (``CompiledFilter.evaluate`` over the flushed segments), the filter with scalar indexes on
``x``, ``title`` and ``meta["lang"]`` (built per segment and passed to ``evaluate``, as ``query`` does once
``create_index`` has built them; the end-to-end ``query`` column runs without scalar indexes), and one run of the
plain-Python reference evaluator per filter.
Each system runs in its own process (Milvus Lite holds a lock on its file).
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
from pathlib import Path

import numpy as np

from benchmarks.common import milvus_lite_available, print_table, run_python

LANGS = ["en", "fr", "de", "es", "it", "ja", "zh", "pt"]


def make_columns(n: int, seed: int = 0) -> dict[str, list]:
    """The benchmark rows as columns (deterministic for a given ``n`` and ``seed``)."""
    rng = np.random.default_rng(seed)
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
    vocab = ["".join(rng.choice(letters, rng.integers(3, 9))) for _ in range(5000)]
    words = rng.integers(0, len(vocab), (n, 3))
    vocab_arr = np.array(vocab, dtype=object)
    titles = (vocab_arr[words[:, 0]] + " " + vocab_arr[words[:, 1]] + " " + vocab_arr[words[:, 2]]).tolist()
    langs = rng.integers(0, len(LANGS), n)
    nums = rng.integers(0, 1000, n)
    return {
        "id": np.arange(n, dtype=np.int64).tolist(),
        "x": rng.integers(0, 1_000_000, n).tolist(),
        "title": titles,
        "meta": [{"lang": LANGS[a], "n": int(b)} for a, b in zip(langs, nums)],
        "vec": rng.random((n, 2), dtype=np.float32).tolist(),
    }


def filters(n: int) -> list[tuple[str, str]]:
    x = np.random.default_rng(1).integers(0, 1_000_000, 100)
    return [
        ("int range", "x >= 1000 and x < 50000"),  # Milvus Lite 3.2.2 rejects the chained form
        ("in (100 values)", "x in [" + ", ".join(str(int(v)) for v in x) + "]"),
        ("like prefix", 'title like "ab%"'),
        ("JSON path ==", 'meta["lang"] == "en"'),
    ]


RUN = r"""
import json, time, sys
import numpy as np
from benchmarks.query_filters import make_columns, filters
from {module} import MilvusClient, DataType

n, batch, reps, budget = {rows}, {batch}, {reps}, {budget}
cols = make_columns(n)
client = MilvusClient({path!r})
schema = client.create_schema(auto_id=False, enable_dynamic_field=False)
schema.add_field("id", DataType.INT64, is_primary=True)
schema.add_field("x", DataType.INT64)
schema.add_field("title", DataType.VARCHAR, max_length=256)
schema.add_field("meta", DataType.JSON)
schema.add_field("vec", DataType.FLOAT_VECTOR, dim=2)
index_params = client.prepare_index_params()
index_params.add_index("vec", index_type="FLAT", metric_type="L2")
client.create_collection("bench", schema=schema, index_params=index_params)
began = time.perf_counter()
inserted = 0
for start in range(0, n, batch):
    rows = [dict(id=cols["id"][i], x=cols["x"][i], title=cols["title"][i], meta=cols["meta"][i], vec=cols["vec"][i])
            for i in range(start, min(n, start + batch))]
    client.insert("bench", rows)
    inserted += len(rows)
    if time.perf_counter() - began > budget:
        break
client.flush("bench")
insert_s = time.perf_counter() - began
client.load_collection("bench")

def p50(fn):
    fn()
    times = []
    for _ in range(reps):
        t = time.perf_counter(); fn(); times.append(time.perf_counter() - t)
    return float(np.median(times))

out = {{"rows": inserted, "insert_s": insert_s, "query": {{}}, "count": {{}}}}
for name, text in filters(n):
    out["count"][name] = len(client.query("bench", filter=text, output_fields=["id"]))
    out["query"][name] = p50(lambda: client.query("bench", filter=text, output_fields=["id"]))
if {module!r} == "azimuth":
    from benchmarks.query_filters import azimuth_internals
    out.update(azimuth_internals(client, "bench", reps, {ref_rows}))
client.close()
print(json.dumps(out))
"""


def azimuth_internals(client: object, collection: str, reps: int, ref_rows: int) -> dict:
    """Filter-only timings on the flushed segments of an open embedded Azimuth client (engine internals)."""
    import time

    from azimuth.engine.expr import compile_filter, evaluate_reference
    from azimuth.engine.scalar_index import build_scalar_index, json_path_key
    from azimuth.service.filters import filter_schema
    from azimuth.types.enums import DataType

    engine = client._connect()._service.engine  # type: ignore[attr-defined]
    meta = engine.catalog.find("default", collection)
    data = engine.collections[meta.id]
    tables = [s.table for s in engine.snapshot(meta.id).segments if s.num_rows]
    schema = filter_schema(data.schema)
    specs = [("x", "INVERTED", DataType.INT64, "x", {}),
             ("title", "INVERTED", DataType.VARCHAR, "title", {}),
             (json_path_key("meta", ("lang",)), "INVERTED", DataType.JSON, "meta",
              {"json_path": 'meta["lang"]', "json_cast_type": "varchar"})]  # fmt: skip
    began = time.perf_counter()
    seg_indexes = [{key: build_scalar_index(t, dt, tbl.column(col), p) for key, t, dt, col, p in specs}
                   for tbl in tables]  # fmt: skip
    build_s = time.perf_counter() - began

    def p50(fn) -> float:  # type: ignore[no-untyped-def]
        fn()
        times = []
        for _ in range(reps):
            t = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t)
        return float(np.median(times))

    out: dict = {"segments": len(tables), "index_build_s": build_s, "filter": {}, "indexed": {}, "reference": {}}
    ref_tables = []
    left = ref_rows
    for tbl in tables:
        take = min(left, tbl.num_rows)
        if take:
            ref_tables.append(tbl.slice(0, take).to_pylist())
        left -= take
    for name, text in filters(ref_rows):
        compiled = compile_filter(text, schema)
        plain = [compiled.evaluate(t) for t in tables]
        fast = [compiled.evaluate(t, ix) for t, ix in zip(tables, seg_indexes)]
        assert all((a == b).all() for a, b in zip(plain, fast)), name
        out["filter"][name] = p50(lambda: [compiled.evaluate(t) for t in tables])  # noqa: B023
        out["indexed"][name] = p50(lambda: [compiled.evaluate(t, ix) for t, ix in zip(tables, seg_indexes)])  # noqa: B023
        t0 = time.perf_counter()
        for rows in ref_tables:
            evaluate_reference(compiled, rows)
        out["reference"][name] = time.perf_counter() - t0
    out["reference_rows"] = sum(len(r) for r in ref_tables)
    return out


def _ms(seconds: float) -> str:
    if seconds >= 10:
        return f"{seconds:.1f} s"
    return f"{seconds * 1000:.1f} ms" if seconds >= 0.001 else f"{seconds * 1000:.3f} ms"


def main() -> list[str]:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=50_000)
    parser.add_argument("--reps", type=int, default=7)
    parser.add_argument("--ref-rows", type=int, default=200_000,
                        help="rows for the reference evaluator, scaled to --rows (1M rows take > 60 s)")
    parser.add_argument("--lite-budget", type=float, default=600.0, help="seconds of Milvus Lite inserts at most")
    parser.add_argument("--no-lite", action="store_true")
    args = parser.parse_args()
    ref_rows = min(args.ref_rows, args.rows)
    work = Path(tempfile.mkdtemp(prefix="azimuth-bench-"))
    try:
        az = json.loads(run_python(RUN.format(module="azimuth", path=str(work / "az.db"), rows=args.rows,
                                              batch=args.batch, reps=args.reps, budget=1e9,
                                              ref_rows=ref_rows)).splitlines()[-1])  # fmt: skip
        lite = None
        if milvus_lite_available() and not args.no_lite:
            lite = json.loads(run_python(RUN.format(module="pymilvus", path=str(work / "lite.db"), rows=args.rows,
                                                    batch=args.batch, reps=args.reps, budget=args.lite_budget,
                                                    ref_rows=0)).splitlines()[-1])  # fmt: skip
    finally:
        shutil.rmtree(work, ignore_errors=True)
    n = az["rows"]
    ref_scale = n / max(1, az["reference_rows"])
    lite_scale = n / lite["rows"] if lite else 1.0
    notes = [f"Azimuth: {n:,} rows in {az['segments']} sealed segment(s), insert+flush {az['insert_s']:.1f} s; "
             f"scalar index build (3 indexes) {az['index_build_s']:.2f} s."]  # fmt: skip
    if ref_scale != 1:
        notes.append(f"Reference evaluator ran on {az['reference_rows']:,} rows; times scaled ×{ref_scale:.2f}.")
    if lite:
        notes.append(f"Milvus Lite: {lite['rows']:,} rows inserted+flushed in {lite['insert_s']:.1f} s"
                     + (f"; times scaled ×{lite_scale:.2f} to {n:,} rows." if lite_scale != 1 else "."))
    header = ["filter", "matches", "Azimuth query p50", "Azimuth filter only", "filter + scalar index*",
              "reference (1 run)", "Milvus Lite query p50", "Milvus Lite / Azimuth", "reference / Azimuth"]
    rows = []
    for name, _ in filters(n):
        q = az["query"][name]
        ref = az["reference"][name] * ref_scale
        lq = lite["query"][name] * lite_scale if lite else None
        match = str(az["count"][name]) + ("" if not lite or lite_scale != 1 or lite["count"][name] == az["count"][name]
                                          else f" (Lite: {lite['count'][name]})")  # fmt: skip
        rows.append([name, match, _ms(q), _ms(az["filter"][name]), _ms(az["indexed"][name]), _ms(ref),
                     _ms(lq) if lq is not None else "n/a", f"{lq / q:.1f}×" if lq is not None else "n/a",
                     f"{ref / q:.0f}×"])  # fmt: skip
    text = print_table(f"Filtered query latency, {n:,} rows (p50 after one warm-up)", header, rows)
    foot = ["* `CompiledFilter.evaluate(table, indexes)` on the flushed segments with INVERTED indexes on x, title "
            "and meta[\"lang\"], as `query` evaluates filters once `create_index` has built them (the query column "
            "runs without scalar indexes).",
            "Query times include result shaping (one dict per matching row)."] + notes  # fmt: skip
    for line in foot:
        print(line)
    return [text, *foot]


if __name__ == "__main__":
    main()
