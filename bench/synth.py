"""Synthetic wide survey files and their questionnaire, for benchmarks and load tests."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl

LEVELS = """levels = [
  { value = 1, label = "非常不满意", dissatisfied = true },
  { value = 2, label = "不满意", dissatisfied = true },
  { value = 3, label = "一般" },
  { value = 4, label = "满意", satisfied = true },
  { value = 5, label = "非常满意", satisfied = true },
]"""


def questionnaire(items: int = 20, dimensions: int = 5, qid: str = "bench") -> str:
    """TOML of a likert-5 questionnaire with `items` items spread over `dimensions`."""
    parts = [f'id = "{qid}"', 'title = "基准问卷"', 'scope = "sales"', "", "[[scales]]", 'id = "l5"', LEVELS]
    for d in range(dimensions):
        parts += ["", "[[dimensions]]", f'id = "d{d + 1}"', f'label = "维度{d + 1}"', f"weight = {1 + d % 3}"]
    for i in range(items):
        parts += ["", "[[items]]", f'id = "i{i + 1:02d}"', f'column = "item_{i + 1:02d}"']
        parts += [f'dimension = "d{i % dimensions + 1}"', 'scale = "l5"']
    return "\n".join(parts) + "\n"


def survey_frame(responses: int, items: int = 20, seed: int = 7, start: int = 0) -> pl.DataFrame:
    """A wide survey of `responses` rows: ids, customers, dates over 2 years, 1-5 answers."""
    rng = np.random.default_rng(seed)
    ids = np.arange(start, start + responses)
    days = rng.integers(0, 730, responses)
    dates = (np.datetime64("2024-01-01") + days.astype("timedelta64[D]")).astype(str)
    columns = {
        "response_id": [f"R{i:08d}" for i in ids],
        "customer_id": [f"C{c:05d}" for c in rng.integers(0, 2000, responses)],
        "survey_date": dates,
        "staff_id": [f"S{s:02d}" for s in rng.integers(0, 40, responses)],
    }
    base = rng.normal(4.0, 0.6, responses)
    for i in range(items):
        values = np.clip(np.rint(base + rng.normal(0, 0.8, responses)), 1, 5).astype(int)
        columns[f"item_{i + 1:02d}"] = values
    return pl.DataFrame(columns)


def write_survey(path: Path, responses: int, items: int = 20, seed: int = 7, start: int = 0) -> Path:
    """A survey CSV; `start` shifts the response ids (files that load side by side)."""
    survey_frame(responses, items, seed, start).write_csv(path)
    return path


def write_survey_apart(path: Path, responses: int, items: int = 20, seed: int = 7, start: int = 0) -> Path:
    """write_survey in a process of its own, for benchmarks that read peak memory: on Linux a
    command the benchmark starts (fork + exec) reports at least the benchmark's own peak RSS
    (exec carries the parent's high-water mark into ru_maxrss), and building a 10,000,000-row
    frame here would make every later command report 5.6 GiB."""
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    code = "import sys; from pathlib import Path; from bench.synth import write_survey; " + (
        "write_survey(Path(sys.argv[1]), *map(int, sys.argv[2:]))"
    )
    subprocess.run(
        [sys.executable, "-c", code, str(path), str(responses), str(items), str(seed), str(start)],
        cwd=root,
        check=True,
    )
    return path
