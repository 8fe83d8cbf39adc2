"""`python -m bench.cases`: the complaint desk at scale (issue 38). A warehouse of 100,000
complaint cases (5,000 open) loaded as one file; then, each in a process of its own, the queries
the desk's page reads after a change (the board, the counts, one case's versions: a saved step
is a new snapshot, so the page reads them cold) and saving one step (a version through the
load's validation). Medians of the rounds, CPU seconds beside wall seconds.

Targets: the board ≤ 1 s, a step saved ≤ 1 s.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

BUILD = """
import datetime as dt, random, sys
from pipelines.load import LoadJob, load
from warehouse import open_warehouse
n, open_n = int(sys.argv[2]), int(sys.argv[3])
rng = random.Random(7)
lines = ["complaint_id,customer_id,received_at,cause_category,cause,severity,responsible_dept,"
         "first_response_at,verified_at,is_valid,resolved_at,customer_informed_at,customer_accepted,closed_at"]
start = dt.datetime(2024, 1, 1, 8)
for i in range(n):
    got = start + dt.timedelta(minutes=rng.randrange(0, 1_000_000))
    dept = ["销售部", "质量部", "采购部", "计划部"][i % 4]
    cause = ["异响", "交付延误", "态度差", "包装破损"][i % 4]
    if i < open_n:
        lines.append(f"C{i:07d},K{i % 3000:05d},{got:%Y-%m-%d %H:%M},法,{cause},high,{dept},,,,,,,")
        continue
    t = [got + dt.timedelta(hours=h) for h in (5, 30, 80, 90, 95)]
    lines.append(
        f"C{i:07d},K{i % 3000:05d},{got:%Y-%m-%d %H:%M},法,{cause},low,{dept},{t[0]:%Y-%m-%d %H:%M},"
        f"{t[1]:%Y-%m-%d %H:%M},valid,{t[2]:%Y-%m-%d %H:%M},{t[3]:%Y-%m-%d %H:%M},yes,{t[4]:%Y-%m-%d %H:%M}"
    )
con = open_warehouse(sys.argv[1])
load(con, LoadJob(kind="complaints", data="\\n".join(lines).encode(), file_name="cases.csv", allow_future=True))
"""

QUERY = """
import json, resource, sys, time
from dashboard.state import offline, q
from warehouse import open_warehouse
con = open_warehouse(sys.argv[1])
names = json.loads(sys.argv[2])
out = {}
with offline(con, role="admin"):
    for name, params in names:
        cpu = resource.getrusage(resource.RUSAGE_SELF)
        wall = time.perf_counter()
        rows = q(name, **params).height
        after = resource.getrusage(resource.RUSAGE_SELF)
        out[name] = (time.perf_counter() - wall, after.ru_utime + after.ru_stime - cpu.ru_utime - cpu.ru_stime, rows)
print(json.dumps(out))
"""

STEP = """
import datetime as dt, json, resource, sys, time
from pipelines import complaints
from warehouse import open_warehouse
con = open_warehouse(sys.argv[1])
cur = con.execute("select * from v_complaint_cases where complaint_id = ?", [sys.argv[2]])
case = dict(zip([d[0] for d in cur.description], cur.fetchone()))
step = "assign" if "respond" in complaints.steps(case) and not case["handler"] else "respond"
values = {"responsible_dept": case["responsible_dept"], "handler": "王工"} if step == "assign" else {
    "first_response_at": case["received_at"] + dt.timedelta(hours=2)}
cpu = resource.getrusage(resource.RUSAGE_SELF)
wall = time.perf_counter()
complaints.step(con, case, step, values, "bench")
after = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps([time.perf_counter() - wall, after.ru_utime + after.ru_stime - cpu.ru_utime - cpu.ru_stime]))
"""


def run(code: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code, *args], cwd=ROOT, capture_output=True, text=True, check=False
    )
    if done.returncode:
        raise SystemExit(done.stderr[-2000:])
    return done.stdout.strip().splitlines()[-1]


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--cases", type=int, default=100_000)
    p.add_argument("--open", type=int, default=5_000)
    p.add_argument("--rounds", type=int, default=3)
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "cases.duckdb")
        began = time.perf_counter()
        run(BUILD, db, str(args.cases), str(args.open))
        print(f"built {args.cases:,} cases ({args.open:,} open) in {time.perf_counter() - began:.1f} s")
        pages = [("case_board", {}), ("case_counts", {}), ("case_versions", {"complaint": "C0000001"})]
        found: dict[str, list] = {name: [] for name, _ in pages}
        steps = []
        for n in range(args.rounds):
            for name, (wall, cpu, rows) in json.loads(run(QUERY, db, json.dumps(pages))).items():
                found[name].append((wall, cpu, rows))
            steps.append(json.loads(run(STEP, db, f"C{n:07d}")))
        print("| what | median wall s | median CPU s | rows | target |")
        print("|---|---|---|---|---|")
        for name, got in found.items():
            wall = statistics.median(g[0] for g in got)
            cpu = statistics.median(g[1] for g in got)
            print(
                f"| {name} (cold, after a change) | {wall:.2f} | {cpu:.2f} | {got[0][2]:,} | {'≤ 1 s' if name == 'case_board' else ''} |"
            )
        wall = statistics.median(s[0] for s in steps)
        cpu = statistics.median(s[1] for s in steps)
        print(f"| save one step | {wall:.2f} | {cpu:.2f} | 1 | ≤ 1 s |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
