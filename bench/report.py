"""`python -m bench.report`: one monthly report (CLI, PDF and XLSX) on the demo warehouse and
on a synthetic warehouse of 1,000,000 responses. Targets (issue 12): PDF ≤ 20 s, XLSX ≤ 5 s.

Each command runs in its own process, PDF and XLSX alternating; wall and CPU seconds (user +
system of the process and its children, Chromium included) are read from the kernel (wait4).
The machines are shared: read the medians, CPU beside wall.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.__main__ import RESULTS, ROOT, build_warehouse, manyi


def timed(cmd: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one command and its children (waited-for processes)."""
    before = os.times()
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd[:6]} failed: {proc.stderr.decode(errors='replace')[-2000:]}")
    after = os.times()
    return wall, (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )


def measure(db: Path, qid: str, period: str, repeats: int, work: Path) -> dict:
    times: dict[str, list[tuple[float, float]]] = {"pdf": [], "xlsx": []}
    for _ in range(repeats):
        for kind in ("pdf", "xlsx"):
            out = str(work / f"r.{kind}")
            times[kind].append(
                timed(manyi(db, "report", "--questionnaire", qid, "--period", period, "--out", out))
            )
    return {
        kind: (statistics.median(w for w, _ in runs), statistics.median(c for _, c in runs))
        for kind, runs in times.items()
    }


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.report", description=__doc__)
    p.add_argument("--sizes", default="1000000", help="synthetic warehouse sizes besides the demo")
    p.add_argument("--repeats", type=int, default=3)
    args = p.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory(prefix="manyi-bench-report-") as tmp:
        work = Path(tmp)
        demo = work / "demo" / "manyi.duckdb"
        subprocess.run(manyi(demo, "demo"), cwd=ROOT, check=True, capture_output=True)
        print("  report on the demo", file=sys.stderr)
        rows.append(("demo (dealer-sales)", measure(demo, "dealer-sales", "2026-09", args.repeats, work)))
        for n in [int(x) for x in args.sizes.split(",") if x]:
            print(f"  building a warehouse of {n:,} responses", file=sys.stderr)
            db = build_warehouse(n, work)
            rows.append((f"{n:,} responses", measure(db, "bench", "2025-06", args.repeats, work)))
    lines = [
        f"Report benchmark — {time.strftime('%Y-%m-%d %H:%M')} — {os.cpu_count()} cores; median of "
        f"{args.repeats}; seconds (CPU = process and children, Chromium included)",
        "| warehouse | PDF wall | PDF CPU | XLSX wall | XLSX CPU |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, m in rows:
        lines.append(
            f"| {name} | {m['pdf'][0]:.1f} | {m['pdf'][1]:.1f} | {m['xlsx'][0]:.1f} | {m['xlsx'][1]:.1f} |"
        )
    text = "\n".join(lines) + "\n"
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "report.md").write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
