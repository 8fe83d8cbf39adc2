"""`python -m bench.concurrent`: N loaders of one file each started at the same moment (N = 1, 2,
4) against the same N loads one after another, on SQLite and on PostgreSQL + S3 (both services
started here on 127.0.0.1, as the tests do). Reports total and per-load wall seconds, CPU
seconds, commit retries and failures. Targets (issue 16): no failure; N loaders together finish
no later than the same N loads in a row.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from bench.__main__ import RESULTS, ROOT
from bench.synth import questionnaire, write_survey

sys.path.insert(0, str(ROOT / "tests"))


def _env(extra: dict) -> dict:
    return {**os.environ, "PYTHONPATH": str(ROOT), **extra}


def _cli(db: Path, env: dict, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "pipelines", "--db", str(db), *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _fresh(work: Path, env: dict) -> Path:
    db = work / uuid.uuid4().hex[:8] / "manyi.duckdb"
    qfile = work / "bench.toml"
    qfile.write_text(questionnaire(items=20), encoding="utf-8")
    proc = _cli(db, env, "questionnaire", "add", str(qfile))
    proc.communicate()
    assert proc.returncode == 0
    return db


def _loads(db: Path, env: dict, files: list[Path], together: bool) -> dict:
    before = os.times()
    start = time.perf_counter()
    results, failures, each = [], 0, []
    args = [["load", "survey", str(f), "--questionnaire", "bench", "--ignore-extra"] for f in files]

    def finish(began: float, proc: subprocess.Popen) -> None:
        nonlocal failures
        out, _ = proc.communicate()
        each.append(time.perf_counter() - began)
        if proc.returncode:
            failures += 1
        else:
            results.append(json.loads(out.strip().splitlines()[-1]))

    if together:
        for began, proc in [(time.perf_counter(), _cli(db, env, *a)) for a in args]:
            finish(began, proc)
    else:
        for a in args:
            finish(time.perf_counter(), _cli(db, env, *a))
    after = os.times()
    return {
        "total": time.perf_counter() - start,
        "per_load": statistics.median(each),
        "cpu": (after.children_user - before.children_user)
        + (after.children_system - before.children_system),
        "retries": sum(r.get("retries") or 0 for r in results),
        "failures": failures,
    }


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.concurrent", description=__doc__)
    p.add_argument("--rows", type=int, default=100_000)
    p.add_argument("--loaders", default="1,2,4")
    args = p.parse_args(argv)
    from services import bucket, new_database, postgres, postgres_available, s3

    counts = [int(n) for n in args.loaders.split(",")]
    lines = [
        f"Concurrent loads — {time.strftime('%Y-%m-%d %H:%M')} — {os.cpu_count()} cores; files of "
        f"{args.rows:,} responses; seconds",
        "| catalog | loaders | together total | in a row total | together per load | together CPU | retries | "
        "failures |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    with tempfile.TemporaryDirectory(prefix="manyi-bench-conc-") as tmp:
        work = Path(tmp)
        files = [
            write_survey(work / f"f{n}.csv", args.rows, items=20, seed=n + 1, start=n * args.rows)
            for n in range(max(counts))
        ]
        setups = [("SQLite + folder", lambda: {})]
        stack = []
        if postgres_available():
            pg = postgres()
            _, port, _ = pg.__enter__()
            store = s3()
            s3_env = store.__enter__()
            stack += [pg, store]

            def shared():
                name = "b" + uuid.uuid4().hex[:8]
                catalog = new_database(port, name)
                bucket(s3_env, name)
                return {**s3_env, "MANYI_CATALOG": catalog, "MANYI_DATA_PATH": f"s3://{name}/lake"}

            setups.append(("PostgreSQL + S3", shared))
        try:
            for label, make in setups:
                for n in counts:
                    print(f"  {label}: {n} loader(s)", file=sys.stderr)
                    env = _env(make())
                    together = _loads(_fresh(work, env), env, files[:n], True)
                    env = _env(make())
                    in_row = _loads(_fresh(work, env), env, files[:n], False)
                    lines.append(
                        f"| {label} | {n} | {together['total']:.1f} | {in_row['total']:.1f} | "
                        f"{together['per_load']:.1f} | {together['cpu']:.1f} | {together['retries']} | "
                        f"{together['failures']} |"
                    )
        finally:
            for service in reversed(stack):
                service.__exit__(None, None, None)
    text = "\n".join(lines) + "\n"
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "concurrent.md").write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
