"""`python -m bench.monthly`: a decade of monthly uploads, and what they cost the dashboard.

A warehouse of `--base` responses takes `--loads` monthly files of `--rows` responses each.
Every `--every` loads it records the median load time, the live data files, the snapshots
and the CPU and wall seconds of the Overview's and the Pareto page's queries (warm, median
of 3, in a process of their own). Three warehouses side by side, one load at a time each:

- `no compaction`: loads with the automatic light compaction switched off (what a warehouse
  nobody maintains would be without it);
- `loads only`: loads as they are (warehouse.maintain.light_compaction after each commit);
- `loads + maintain`: the same, with `python -m pipelines maintain` after every `--every`.

Each warehouse is measured on the lake and on the in-memory copy the dashboard reads
(warehouse.mirror). The target of issue 15: page queries after 200 loads within 10 % of one
load of the same data (`one load`). At the end every page's queries run on the copies of the
three warehouses and of the one load side by side (bench.queries.side_by_side, `--rounds`
rounds), and the ratios to the one load are the medians of the rounds'. Results:
bench/results/monthly.md.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import polars as pl

from bench.__main__ import PAGE_QUERIES, ROOT, manyi, new_warehouse, publish, run
from bench.queries import page_cell, page_ratio, side_by_side
from bench.scale import PAGE_TIMER

PAGES = ("overview", "pareto")

VARIANTS = {
    "no compaction": {"MANYI_COMPACT_AFTER_FILES": "1000000000"},
    "loads only": {},
    "loads + maintain": {},
}


def measure(db: Path) -> dict:
    pages = {p: PAGE_QUERIES[p] for p in PAGES}
    _, _, out = run([sys.executable, "-c", PAGE_TIMER, str(db), json.dumps(pages)], {"PYTHONPATH": str(ROOT)})
    return json.loads(out)


def main() -> None:
    from bench.synth import survey_frame, write_survey

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base", type=int, default=1_000_000, help="responses before the first monthly load")
    ap.add_argument("--loads", type=int, default=200)
    ap.add_argument("--rows", type=int, default=5_000, help="responses per monthly file")
    ap.add_argument("--every", type=int, default=20)
    ap.add_argument("--rounds", type=int, default=5, help="rounds of the final side-by-side measurement")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="manyi-monthly-") as tmp:
        work = Path(tmp)
        base = write_survey(work / "base.csv", args.base, items=20)
        dbs = {}
        for n, (variant, env) in enumerate(VARIANTS.items()):
            dbs[variant] = work / f"v{n}" / "manyi.duckdb"
            new_warehouse(dbs[variant], work)
            run(manyi(dbs[variant], "load", "survey", str(base), "--questionnaire", "bench"), env)
        rows = []
        load_times = {v: [] for v in VARIANTS}
        months = []
        for load in range(1, args.loads + 1):
            month = work / f"m{load}.csv"
            survey_frame(args.rows, 20, seed=1000 + load, start=10_000_000 + args.rows * load).write_csv(
                month
            )
            months.append(month)
            for variant, env in VARIANTS.items():
                seconds, _, _ = run(
                    manyi(dbs[variant], "load", "survey", str(month), "--questionnaire", "bench"), env
                )
                load_times[variant].append(seconds)
            if load % args.every == 0 or load == args.loads:
                run(manyi(dbs["loads + maintain"], "maintain", "--snapshots-older-than", "0"))
                for variant in VARIANTS:
                    got = measure(dbs[variant])
                    rows.append(
                        {
                            "loads": load,
                            "variant": variant,
                            "load_s": statistics.median(load_times[variant][-args.every :]),
                            "files": got["files"],
                            "snapshots": got["snapshots"],
                            **{f"{p}_cpu": got[p]["cpu"] for p in PAGES},
                            **{f"{p}_wall": got[p]["wall"] for p in PAGES},
                            **{f"{p}_copy_cpu": got[p]["copy_cpu"] for p in PAGES},
                        }
                    )
                    print(f"  {load:>4} loads, {variant}: {rows[-1]}", file=sys.stderr, flush=True)
        # The same data in one load: the reference the 10 % target compares with.
        one = work / "one" / "manyi.duckdb"
        new_warehouse(one, work)
        together = work / "together.csv"
        pl.concat(
            [pl.read_csv(base, infer_schema=False), *(pl.read_csv(m, infer_schema=False) for m in months)]
        ).write_csv(together)
        run(manyi(one, "load", "survey", str(together), "--questionnaire", "bench"))
        reference = measure(one)
        pages = list(PAGE_QUERIES)
        found, _ = side_by_side([str(one), *(str(dbs[v]) for v in VARIANTS)], pages, args.rounds)
    lines = [
        f"# {args.loads} monthly loads of {args.rows:,} on {args.base:,} responses ({time.strftime('%Y-%m-%d')})",
        "",
        "Lake: the queries on the lake; copy: on the dashboard's in-memory copy. CPU s, warm, median of 3.",
        "",
        "| loads | variant | load s (median) | files | snapshots | Overview CPU s lake | Overview wall s lake "
        "| Pareto CPU s lake | Pareto wall s lake | Overview CPU s copy | Pareto CPU s copy |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['loads']} | {r['variant']} | {r['load_s']:.2f} | {r['files']:,} | {r['snapshots']:,} "
            f"| {r['overview_cpu']:.2f} | {r['overview_wall']:.2f} | {r['pareto_cpu']:.2f} | {r['pareto_wall']:.2f} "
            f"| {r['overview_copy_cpu']:.2f} | {r['pareto_copy_cpu']:.2f} |"
        )
    lines.append(
        f"| – | one load of the same data | – | {reference['files']:,} | {reference['snapshots']:,} "
        f"| {reference['overview']['cpu']:.2f} | {reference['overview']['wall']:.2f} "
        f"| {reference['pareto']['cpu']:.2f} | {reference['pareto']['wall']:.2f} "
        f"| {reference['overview']['copy_cpu']:.2f} | {reference['pareto']['copy_cpu']:.2f} |"
    )
    last = {r["variant"]: r for r in rows if r["loads"] == args.loads}
    lines.append("")
    for variant, r in last.items():
        ratios = ", ".join(f"{p} {r[f'{p}_cpu'] / reference[p]['cpu']:.2f}×" for p in PAGES)
        lines.append(f"- after {args.loads} loads, {variant}: CPU on the lake vs one load: {ratios}")
    lines += [
        "",
        f"Every page on the copies side by side after {args.loads} loads ({args.rounds} rounds): CPU s "
        "(wall s), medians; each variant / one load, the median of the rounds' CPU ratios (range).",
        "",
        "| page | one load | " + " | ".join(VARIANTS) + " |",
        "|---|---:|" + "---:|" * len(VARIANTS),
    ]
    for page in pages:
        base, *others = found[page]
        cells = []
        for runs in others:
            ratio, low, high = page_ratio(base, runs)
            cells.append(f"{page_cell(runs)}: **{ratio:.2f}** ({low:.2f}-{high:.2f})")
        lines.append(f"| {page} | {page_cell(base)} | " + " | ".join(cells) + " |")
    publish("monthly", lines)


if __name__ == "__main__":
    main()
