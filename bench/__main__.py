"""`make bench`: Manyi against DuckDB alone and a pandas script; one table of medians and ratios.

Every measured command runs in a process of its own, alternating A B C A B C, and its peak
memory is read from the kernel (wait4). These machines are noisy: read the medians.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"

DUCKDB_ALONE = """
import sys, duckdb
con = duckdb.connect(sys.argv[2])
con.execute(
    "create table ratings as unpivot (select * from read_csv(?)) "
    "on columns('item_.*') into name item value rating", [sys.argv[1]]
)
print(con.execute("select count(*) from ratings").fetchone()[0])
"""

PANDAS_SCRIPT = """
import sys, pandas as pd
frame = pd.read_csv(sys.argv[1])
items = [c for c in frame.columns if c.startswith("item_")]
long = frame.melt(id_vars=[c for c in frame.columns if c not in items], value_vars=items,
                  var_name="item", value_name="rating")
print(len(long))
"""

# Context, not a target: the same pandas script when it also keeps its result (one Parquet file),
# as a load must. It still checks nothing and has no transaction.
PANDAS_PARQUET_SCRIPT = PANDAS_SCRIPT + "long.to_parquet(sys.argv[2], index=False)\n"

# What each side pays before any work: start the process, import, open, one bound query.
DUCKDB_STARTUP = "import duckdb; duckdb.connect().execute('select ?', [1]).fetchall()"

# The query functions each page calls (sql/queries/*.sql), with what the page passes.
PAGE_QUERIES = {
    "overview": [
        "questionnaires",
        "filter_values",
        "csi_trend",
        "csi_yoy",
        "csi_breakdown",
        "satisfaction_rates",
        "complaint_rates",
        "contact_rates",
        "coverage_rates",
        "metric_settings",
    ],
    "dimensions": [
        "questionnaires",
        "dimensions",
        "items",
        "dimension_trend",
        "item_levels_range",
        "customers_surveyed",
        "customer_item_levels",
        "staff_scores",
        "questionnaire_toml",
        "key_driver_sample",
    ],
    # The drill-down as data.drill_responses runs it: from the month drill_since picks.
    "pareto": [
        "questionnaires",
        "items",
        "pareto_items",
        "pareto_causes",
        "drill_since",
        "drill_item_responses",
    ],
    "causes": ["questionnaires", "fishbone", "complaint_kpis", "complaints_list", "dissatisfied_comments"],
    "competitors": ["questionnaires", "dimensions", "metric_settings", "competitor_gaps"],
}


def page_extra(reader, params: dict, version: int | None = None) -> dict:
    """The parameters each query of PAGE_QUERIES gets beyond the filters, as the pages pass
    them: a customer for the customer histogram (the Dimensions page); the month drill_since
    picks for the drill-down (data.drill_responses); for the comment list the bound on its
    dissatisfied ratings, 1,000 x the bench questionnaire's 20 items, and the month drill_since
    picks over every item (data.dissatisfied_comments; that drill_since is not timed)."""
    extra = {"customer_item_levels": {"customer_id": "C00001"}, "drill_since": {"limit": 1000}}
    since = reader.query("drill_since", {**params, **extra["drill_since"]}, version=version)["since"][0]
    extra["drill_item_responses"] = {"limit": 1000, "since": since}
    bound = {"ratings_limit": 1000 * 20}
    since = reader.query("drill_since", {**params, "item_id": None, "limit": 1000 * 20}, version=version)
    extra["dissatisfied_comments"] = {**bound, "since": since["since"][0]}
    return extra


FULL_AGGREGATION = """
select date_trunc('month', r.survey_date) as month, a.item_id, a.level_value, count(*) as ratings
from answers as a join responses as r using (batch_id, questionnaire_id, response_id)
group by all
"""


def publish(name: str, lines: list[str]) -> None:
    """Print a benchmark's table and keep it as bench/results/<name>.md."""
    text = "\n".join(lines) + "\n"
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{name}.md").write_text(text, encoding="utf-8")
    print(text)


def manyi(db: Path, *args: str) -> list[str]:
    """The command line of `python -m pipelines` on the warehouse `db`."""
    return [sys.executable, "-m", "pipelines", "--db", str(db), *args]


def new_warehouse(db: Path, work: Path) -> None:
    """An empty warehouse at `db` with the benchmark questionnaire (20 items)."""
    from bench.synth import questionnaire

    qfile = work / "bench.toml"
    qfile.write_text(questionnaire(items=20), encoding="utf-8")
    run(manyi(db, "questionnaire", "add", str(qfile)))


def run(cmd: list[str], env: dict | None = None) -> tuple[float, float, str]:
    """(seconds, peak RSS in MiB, stdout) of one command in its own process."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env={**os.environ, **(env or {})}, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    out, err = proc.stdout.read(), proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd[:4]} failed ({proc.returncode}): {err.decode(errors='replace')[-2000:]}")
    return elapsed, usage.ru_maxrss / 1024, out.decode()


def ingest(sizes: list[int], repeats: int, work: Path) -> list[dict]:
    from bench.synth import write_survey_apart as write_survey

    rows = []
    for n in sizes:
        csv_path = write_survey(work / f"survey_{n}.csv", n, items=20)
        times: dict[str, list[float]] = {
            "manyi": [],
            "duckdb": [],
            "pandas": [],
            "pandas_parquet": [],
            "manyi_startup": [],
            "duckdb_startup": [],
        }
        memory: dict[str, list[float]] = {k: [] for k in times}
        reps = repeats if n < 1_000_000 else max(1, repeats - 1)
        for rep in range(reps):
            db = work / f"wh_{n}_{rep}" / "manyi.duckdb"
            new_warehouse(db, work)
            for name, cmd in (
                ("manyi", manyi(db, "load", "survey", str(csv_path), "--questionnaire", "bench")),
                (
                    "duckdb",
                    [sys.executable, "-c", DUCKDB_ALONE, str(csv_path), str(work / f"ref_{n}_{rep}.duckdb")],
                ),
                ("pandas", [sys.executable, "-c", PANDAS_SCRIPT, str(csv_path)]),
                (
                    "pandas_parquet",
                    [
                        sys.executable,
                        "-c",
                        PANDAS_PARQUET_SCRIPT,
                        str(csv_path),
                        str(work / f"ref_{n}.parquet"),
                    ],
                ),
                ("manyi_startup", manyi(db, "batches")),
                ("duckdb_startup", [sys.executable, "-c", DUCKDB_STARTUP]),
            ):
                seconds, peak, _ = run(cmd)
                times[name].append(seconds)
                memory[name].append(peak)
            print(
                f"  ingest {n:>9,} rep {rep + 1}: "
                + ", ".join(f"{k} {v[-1]:.2f}s" for k, v in times.items()),
                file=sys.stderr,
            )
        med = {k: statistics.median(v) for k, v in times.items()}
        rows.append(
            {
                "responses": n,
                "manyi_s": med["manyi"],
                "duckdb_s": med["duckdb"],
                "pandas_s": med["pandas"],
                "pandas_parquet_s": med["pandas_parquet"],
                "manyi_startup_s": med["manyi_startup"],
                "duckdb_startup_s": med["duckdb_startup"],
                "manyi_vs_duckdb": med["manyi"] / med["duckdb"],
                "manyi_vs_pandas": med["manyi"] / med["pandas"],
                "manyi_mib": max(memory["manyi"]),
                "duckdb_mib": max(memory["duckdb"]),
                "pandas_mib": max(memory["pandas"]),
                "reps": reps,
            }
        )
    return rows


QUERY_TIMER = """
import json, statistics, sys, time, datetime as dt
from warehouse.reader import Reader
from warehouse.sql import query
pages = json.loads(sys.argv[2])
full = sys.argv[3]
reader = Reader(sys.argv[1])
params = dict(qid="bench", grain="month", date_from=dt.date(2024, 1, 1), date_to=dt.date(2025, 12, 31),
              scope=None, segment=None, region=None, by="scope", item_id="i01",
              overall_item="", search=None, cause=None, cause_category=None, whole_range=True)
from bench.__main__ import page_extra
extra = page_extra(reader, params)
out = {}
for page, names in pages.items():
    cold = warm = 0.0
    for name in names:
        p = {**params, **extra.get(name, {})}
        t = time.perf_counter(); reader.query(name, p); cold += time.perf_counter() - t
        runs = []
        for _ in range(3):
            t = time.perf_counter(); reader.query(name, p); runs.append(time.perf_counter() - t)
        warm += statistics.median(runs)
    out[page] = {"cold": cold, "warm": warm}
cur = reader.cursor()
runs = []
for _ in range(3):
    t = time.perf_counter(); cur.execute(full).fetchall(); runs.append(time.perf_counter() - t)
out["__full__"] = statistics.median(runs)
print(json.dumps(out))
"""

RENDER_TIMER = """
import json, statistics, sys, time
import streamlit as st
from streamlit.testing.v1 import AppTest
out = {}
at = AppTest.from_file(sys.argv[1], default_timeout=600).run()
for page in json.loads(sys.argv[2]):
    cold, warm = [], []
    for _ in range(int(sys.argv[3])):
        st.cache_data.clear()  # cold: every query of the page runs
        at.switch_page(f"../screens/{page}.py")
        t = time.perf_counter(); at.run(); cold.append(time.perf_counter() - t)
        assert not at.exception, [e.value for e in at.exception]
        t = time.perf_counter(); at.run(); warm.append(time.perf_counter() - t)  # warm: cached queries
    shown = len(at.get("plotly_chart")) + len(at.dataframe) + len(at.metric)
    out[page] = {"cold": statistics.median(cold), "warm": statistics.median(warm), "shown": shown}
print(json.dumps(out))
"""


def build_warehouse(n: int, work: Path) -> Path:
    from bench.synth import write_survey

    db = work / f"dash_{n}" / "manyi.duckdb"
    new_warehouse(db, work)
    csv_path = write_survey(work / f"dash_{n}.csv", n, items=20)
    run(manyi(db, "load", "survey", str(csv_path), "--questionnaire", "bench"))
    csv_path.unlink()
    return db


def dashboard(sizes: list[int], repeats: int, work: Path) -> tuple[list[dict], float | None]:
    import json

    results = {}
    peak_at_largest = None
    for n in sizes:
        print(f"  building a warehouse of {n:,} responses", file=sys.stderr)
        db = build_warehouse(n, work)
        env = {"MANYI_DB": str(db), "PYTHONPATH": str(ROOT)}
        _, _, out = run(
            [sys.executable, "-c", QUERY_TIMER, str(db), json.dumps(PAGE_QUERIES), FULL_AGGREGATION], env
        )
        queries = json.loads(out)
        _, peak, out = run(
            [
                sys.executable,
                "-c",
                RENDER_TIMER,
                str(ROOT / "tests" / "app_entry.py"),
                json.dumps([*PAGE_QUERIES, "upload"]),
                str(repeats),
            ],
            env,
        )
        renders = json.loads(out)
        results[n] = (queries, renders)
        peak_at_largest = peak
        print(
            f"  dashboard at {n:,}: " + ", ".join(f"{p} {s['cold']:.2f}s" for p, s in renders.items()),
            file=sys.stderr,
        )
    small, large = min(sizes), max(sizes)
    rows = []
    for page in [*PAGE_QUERIES, "upload"]:
        q_small = results[small][0].get(page, {"cold": 0.0, "warm": 0.0})
        q_large = results[large][0].get(page, {"cold": 0.0, "warm": 0.0})
        rows.append(
            {
                "page": page,
                "queries_cold_small": q_small["cold"],
                "queries_warm_small": q_small["warm"],
                "queries_cold_large": q_large["cold"],
                "queries_warm_large": q_large["warm"],
                "query_ratio": q_large["warm"] / q_small["warm"] if q_small["warm"] else None,
                "full_aggregation_large": results[large][0]["__full__"],
                "render_small": results[small][1][page]["cold"],
                "render_large": results[large][1][page]["cold"],
                "render_warm_large": results[large][1][page]["warm"],
                "render_ratio": results[large][1][page]["cold"] / results[small][1][page]["cold"],
                "shown": results[large][1][page]["shown"],
            }
        )
    return rows, peak_at_largest


def table(ingest_rows, dash_rows, peak, sizes) -> str:
    lines = [
        f"Manyi benchmark — {time.strftime('%Y-%m-%d %H:%M')} — {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}",
        "",
    ]
    lines += [
        "Ingest: wide CSV, 20 items; seconds (median), ratio, peak RSS MiB",
        "| responses | Manyi s | DuckDB alone s | pandas s | Manyi/DuckDB | Manyi/pandas | Manyi MiB | "
        "DuckDB MiB | pandas MiB | pandas + Parquet s | Manyi/(pandas + Parquet) | Manyi start-up s | "
        "DuckDB start-up s |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in ingest_rows:
        lines.append(
            f"| {r['responses']:,} | {r['manyi_s']:.2f} | {r['duckdb_s']:.2f} | {r['pandas_s']:.2f} | "
            f"{r['manyi_vs_duckdb']:.2f} | {r['manyi_vs_pandas']:.2f} | {r['manyi_mib']:.0f} | "
            f"{r['duckdb_mib']:.0f} | {r['pandas_mib']:.0f} | {r['pandas_parquet_s']:.2f} | "
            f"{r['manyi_s'] / r['pandas_parquet_s']:.2f} | {r['manyi_startup_s']:.2f} | "
            f"{r['duckdb_startup_s']:.2f} |"
        )
    if dash_rows:
        s, big = f"{min(sizes):,}", f"{max(sizes):,}"
        lines += [
            "",
            f"Dashboard: each page's queries (cold = first run, warm = median of 3) and its full AppTest "
            f"render (cold = empty query cache, warm = cached), at {s} and {big} responses; seconds",
            f"| page | queries warm {s} | queries cold {big} | queries warm {big} | ratio {big}/{s} | "
            f"one full aggregation {big} | render cold {s} | render cold {big} | render ratio | "
            f"render warm {big} | elements |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for r in dash_rows:
            ratio = f"{r['query_ratio']:.2f}" if r["query_ratio"] else "-"
            lines.append(
                f"| {r['page']} | {r['queries_warm_small']:.3f} | {r['queries_cold_large']:.3f} | "
                f"{r['queries_warm_large']:.3f} | {ratio} | {r['full_aggregation_large']:.3f} | "
                f"{r['render_small']:.2f} | {r['render_large']:.2f} | {r['render_ratio']:.2f} | "
                f"{r['render_warm_large']:.2f} | {r['shown']} |"
            )
        lines += ["", f"Dashboard peak memory rendering every page at {big} responses: {peak:.0f} MiB"]
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    p.add_argument("--ingest-sizes", default="10000,200000,1000000")
    p.add_argument("--dashboard-sizes", default="10000,1000000")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--skip-dashboard", action="store_true")
    args = p.parse_args(argv)
    ingest_sizes = [int(x) for x in args.ingest_sizes.split(",") if x]
    dash_sizes = [int(x) for x in args.dashboard_sizes.split(",") if x]
    RESULTS.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="manyi-bench-") as tmp:
        work = Path(tmp)
        print("ingest", file=sys.stderr)
        ingest_rows = ingest(ingest_sizes, args.repeats, work)
        dash_rows, peak = ([], None) if args.skip_dashboard else dashboard(dash_sizes, args.repeats, work)
    report = table(ingest_rows, dash_rows, peak, dash_sizes)
    (RESULTS / "latest.md").write_text(report, encoding="utf-8")
    print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
