"""`python -m bench.queries WAREHOUSE [PAGE,PAGE…]`: each page's queries one by one, warm,
median of 3, CPU seconds (user + system, all threads) beside wall seconds, and the page's sum:
on the lake, and on the in-memory copy the dashboard reads (warehouse.mirror: the tables
within MANYI_MIRROR_MB in memory, the others read at its snapshot; "-" when MANYI_MIRROR_MB=0
turns it off), with the time the copy took.

The parameters are bench/scale.py's (questionnaire `bench`, 2024-2025, by month): point it at
a warehouse that `bench.scale.build` made. To compare two versions of the code, build a
warehouse with each and run them one after the other in the same session (README, "Scale").
"""

from __future__ import annotations

import datetime as dt
import resource
import statistics
import sys
import time

from bench.__main__ import PAGE_QUERIES
from warehouse.reader import Reader

PARAMS = {
    "qid": "bench",
    "grain": "month",
    "date_from": dt.date(2024, 1, 1),
    "date_to": dt.date(2025, 12, 31),
    "by": "scope",
    "item_id": "i01",
    "overall_item": "",
    "whole_range": True,
}
EXTRA = {"customer_item_levels": {"customer_id": "C00001"}, "drill_since": {"limit": 1000}}


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _timed(reader, name: str, params: dict, version: int | None) -> tuple[float, float]:
    reader.query(name, params, version=version)
    walls, cpus = [], []
    for _ in range(3):
        start, cpu = time.perf_counter(), _cpu()
        reader.query(name, params, version=version)
        walls.append(time.perf_counter() - start)
        cpus.append(_cpu() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    reader = Reader(argv[0], mirror=True)
    start, cpu = time.perf_counter(), _cpu()
    version = reader.mirror.refresh()
    copied = (time.perf_counter() - start, _cpu() - cpu)
    if version is None:
        print("MANYI_MIRROR_MB=0: no in-memory copy", flush=True)
    else:
        print(f"in-memory copy: {copied[0]:.2f} s wall, {copied[1]:.2f} CPU s", flush=True)
    pages = argv[1].split(",") if len(argv) > 1 else list(PAGE_QUERIES)
    extra = dict(EXTRA)
    since = reader.query("drill_since", {**PARAMS, **EXTRA["drill_since"]})["since"][0]
    extra["drill_item_responses"] = {"limit": 1000, "since": since}  # as data.drill_responses
    print("| page | query | wall s | CPU s | copy wall s | copy CPU s |\n|---|---|---:|---:|---:|---:|")
    for page in pages:
        sums = [0.0, 0.0, 0.0, 0.0]
        for name in PAGE_QUERIES[page]:
            params = {**PARAMS, **extra.get(name, {})}
            found = [*_timed(reader, name, params, None)]
            if version is not None:
                found += _timed(reader, name, params, version)
            sums = [a + b for a, b in zip(sums, found + [0.0] * (4 - len(found)), strict=True)]
            cells = " | ".join(f"{x:.3f}" for x in found) + (" | - | -" if version is None else "")
            print(f"| {page} | {name} | {cells} |", flush=True)
        cells = " | ".join(f"**{x:.3f}**" for x in (sums if version is not None else sums[:2]))
        print(f"| **{page}** | all | {cells}{' | - | -' if version is None else ''} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
