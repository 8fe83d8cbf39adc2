"""`python -m bench.scale` (in `make bench-large`): Manyi at 10 thousand to 10 million responses.

Three measurements of issue 15, each command in a process of its own, its CPU seconds (user +
system, all threads) and peak RSS read from the kernel (wait4):

- ingest: one CLI load of a wide CSV (20 items, and comments: bench.synth's `comments`) beside
  DuckDB alone reading and unpivoting the same file (bench/__main__.py's DUCKDB_ALONE);
- the "already loaded" check of a 5,000-row monthly file (pipelines.load.prepare, which
  validates and checks every id against the warehouse), median of 5, in warehouses built by
  loads of at most 1,000,000 responses each and merged by `maintain`;
- each page's queries (bench/__main__.py's PAGE_QUERIES), warm, median of 3.

Results: bench/results/scale.md. These machines are shared: read the CPU seconds beside the
wall seconds, and the ratios within one run.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.__main__ import DUCKDB_ALONE, PAGE_QUERIES, ROOT, manyi, new_warehouse, publish

KEY_CHECK = """
import json, resource, statistics, sys, time
from pathlib import Path
from pipelines import load
from warehouse import open_warehouse
con = open_warehouse(Path(sys.argv[1]))
job = load.LoadJob("survey", Path(sys.argv[2]), "month.csv", "bench")
def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime
walls, cpus = [], []
for _ in range(5):
    t, c = time.perf_counter(), cpu()
    load.prepare(con, job)
    walls.append(time.perf_counter() - t); cpus.append(cpu() - c)
print(json.dumps({"wall": statistics.median(walls), "cpu": statistics.median(cpus)}))
"""

# Also the warehouse's live files and snapshots (bench.monthly).
PAGE_TIMER = """
import json, resource, statistics, sys, time, datetime as dt
from warehouse.maintain import file_counts, snapshot_count
from warehouse.reader import Reader
reader = Reader(sys.argv[1], mirror=True)
pages = json.loads(sys.argv[2])
params = dict(qid="bench", grain="month", date_from=dt.date(2024, 1, 1), date_to=dt.date(2025, 12, 31),
              by="scope", item_id="i01", overall_item="", whole_range=True)
from bench.__main__ import page_extra
extra = page_extra(reader, params)
def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime
out = {}
# On the lake, then on the in-memory copy the dashboard reads within MANYI_MIRROR_MB
# (warehouse.mirror): "copy_*", and "copy" the time the copy took (absent: MANYI_MIRROR_MB=0).
t, c = time.perf_counter(), cpu()
version = reader.mirror.refresh()
if version is not None:
    out["copy"] = {"wall": time.perf_counter() - t, "cpu": cpu() - c}
for page, names in pages.items():
    out[page] = {}
    for key, at in (("", None), ("copy_", version)):
        if key and version is None:
            continue
        for name in names:
            reader.query(name, {**params, **extra.get(name, {})}, version=at)
        walls, cpus = [], []
        for _ in range(3):
            t, c = time.perf_counter(), cpu()
            for name in names:
                reader.query(name, {**params, **extra.get(name, {})}, version=at)
            walls.append(time.perf_counter() - t); cpus.append(cpu() - c)
        out[page] |= {key + "wall": statistics.median(walls), key + "cpu": statistics.median(cpus)}
con = reader.cursor()
out["files"] = sum(file_counts(con).values())
out["snapshots"] = snapshot_count(con)
print(json.dumps(out))
"""


def measured(cmd: list[str]) -> dict:
    """Wall and CPU seconds, peak RSS (MiB) and stdout of one command in its own process."""
    start = time.perf_counter()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = proc.stdout.read(), proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise RuntimeError(f"{cmd[:4]} failed ({proc.returncode}): {err.decode(errors='replace')[-2000:]}")
    return {
        "wall": wall,
        "cpu": usage.ru_utime + usage.ru_stime,
        "mib": usage.ru_maxrss / 1024,
        "stdout": out.decode(),
    }


def build(db: Path, total: int, work: Path, step: int = 1_000_000) -> dict:
    """A warehouse of `total` responses, loaded `step` at a time, then maintained (merged):
    what `maintain` took (measured)."""
    from bench.synth import write_survey_apart as write_survey

    new_warehouse(db, work)
    for start in range(0, total, step):
        part = write_survey(
            work / "part.csv", min(step, total - start), items=20, seed=start, start=start, comments=1
        )
        measured(manyi(db, "load", "survey", str(part), "--questionnaire", "bench"))
        print(f"    {min(start + step, total):,} responses", file=sys.stderr, flush=True)
    return measured(manyi(db, "maintain", "--orphans-older-than", "0", "--snapshots-older-than", "0"))


def main() -> None:
    from bench.synth import write_survey_apart as write_survey

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ingest-sizes", default="1000000,3000000,10000000")
    ap.add_argument("--warehouse-sizes", default="10000,300000,1000000,10000000")
    args = ap.parse_args()
    ingest_sizes = [int(x) for x in args.ingest_sizes.split(",") if x]
    sizes = [int(x) for x in args.warehouse_sizes.split(",") if x]
    lines = [
        f"# Scale: 10 thousand to 10 million responses ({time.strftime('%Y-%m-%d %H:%M')}, "
        f"{os.cpu_count()} cores)",
        "",
        "## Ingest: one CLI load of a wide CSV (20 items) beside DuckDB alone",
        "",
        "| responses | file MiB | Manyi wall s | Manyi CPU s | Manyi peak MiB | DuckDB alone wall s "
        "| DuckDB alone CPU s | DuckDB alone peak MiB | peak Manyi/DuckDB |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    with tempfile.TemporaryDirectory(prefix="manyi-scale-") as tmp:
        work = Path(tmp)
        for n in ingest_sizes:
            print(f"ingest {n:,}", file=sys.stderr, flush=True)
            csv_path = write_survey(work / f"survey_{n}.csv", n, items=20, comments=1)
            db = work / f"ingest_{n}" / "manyi.duckdb"
            new_warehouse(db, work)
            ours = measured(manyi(db, "load", "survey", str(csv_path), "--questionnaire", "bench"))
            alone = measured(
                [sys.executable, "-c", DUCKDB_ALONE, str(csv_path), str(work / f"ref_{n}.duckdb")]
            )
            lines.append(
                f"| {n:,} | {csv_path.stat().st_size / 2**20:,.0f} | {ours['wall']:.1f} | {ours['cpu']:.1f} "
                f"| {ours['mib']:,.0f} | {alone['wall']:.1f} | {alone['cpu']:.1f} | {alone['mib']:,.0f} "
                f"| {ours['mib'] / alone['mib']:.2f} |"
            )
            print("  " + lines[-1], file=sys.stderr, flush=True)
            csv_path.unlink()
            (work / f"ref_{n}.duckdb").unlink(missing_ok=True)
            subprocess.run(["rm", "-rf", str(db.parent)], check=True)
        month = write_survey(work / "month.csv", 5_000, items=20, seed=99, start=50_000_000, comments=1)
        checks, pages, maintained = {}, {}, {}
        for n in sizes:
            print(f"warehouse {n:,}", file=sys.stderr, flush=True)
            db = work / f"wh_{n}" / "manyi.duckdb"
            maintained[n] = build(db, n, work)
            print(
                f"  maintain {maintained[n]['wall']:.1f} s, {maintained[n]['mib']:,.0f} MiB", file=sys.stderr
            )
            checks[n] = json.loads(measured([sys.executable, "-c", KEY_CHECK, str(db), str(month)])["stdout"])
            pages[n] = json.loads(
                measured([sys.executable, "-c", PAGE_TIMER, str(db), json.dumps(PAGE_QUERIES)])["stdout"]
            )
            print(f"  key check {checks[n]}, pages {pages[n]}", file=sys.stderr, flush=True)
            subprocess.run(["rm", "-rf", str(db.parent)], check=True)
    if not sizes:
        publish("scale", lines)
        return
    lines += [
        "",
        "## `maintain` after the loads of at most 1,000,000 (merging every table's files)",
        "",
        "| responses | wall s | CPU s | peak MiB |",
        "|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {n:,} | {m['wall']:.1f} | {m['cpu']:.1f} | {m['mib']:,.0f} |" for n, m in maintained.items()
    ]
    lines += [
        "",
        "## Checking a 5,000-row monthly file against the warehouse (validation and every id), median of 5",
        "",
        "| responses in the warehouse | wall s | CPU s |",
        "|---:|---:|---:|",
    ]
    lines += [f"| {n:,} | {c['wall']:.3f} | {c['cpu']:.3f} |" for n, c in checks.items()]
    head = " | ".join(f"{n:,} wall s | {n:,} CPU s" for n in sizes)
    lines += [
        "",
        "## Each page's queries, warm, median of 3",
        "",
        f"| page | {head} | CPU {sizes[-1]:,} / {sizes[-2 if len(sizes) > 1 else -1]:,} |",
        "|---|" + "---:|" * (2 * len(sizes) + 1),
    ]
    for page in PAGE_QUERIES:
        cells = " | ".join(f"{pages[n][page]['wall']:.2f} | {pages[n][page]['cpu']:.2f}" for n in sizes)
        ratio = pages[sizes[-1]][page]["cpu"] / pages[sizes[-2]][page]["cpu"] if len(sizes) > 1 else 1.0
        lines.append(f"| {page} | {cells} | {ratio:.2f} |")
    copied = [n for n in sizes if "copy" in pages[n]]
    if copied:
        lines += [
            "",
            "## The same on the in-memory copy (the dashboard's path within MANYI_MIRROR_MB)",
            "",
            "| page | " + " | ".join(f"{n:,} wall s | {n:,} CPU s" for n in copied) + " |",
            "|---|" + "---:|" * (2 * len(copied)),
        ]
        rows = [("copy taken", "copy")] + [(page, page) for page in PAGE_QUERIES]
        for label, key in rows:
            prefix = "" if key == "copy" else "copy_"
            cells = " | ".join(
                f"{pages[n][key][prefix + 'wall']:.2f} | {pages[n][key][prefix + 'cpu']:.2f}" for n in copied
            )
            lines.append(f"| {label} | {cells} |")
    publish("scale", lines)


if __name__ == "__main__":
    main()
