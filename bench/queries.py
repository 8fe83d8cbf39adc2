"""`python -m bench.queries WAREHOUSE [PAGE,PAGE…]`: each page's queries one by one, warm,
median of 3, CPU seconds (user + system, all threads) beside wall seconds, and the page's sum.

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


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    reader = Reader(argv[0])
    pages = argv[1].split(",") if len(argv) > 1 else list(PAGE_QUERIES)
    extra = dict(EXTRA)
    since = reader.query("drill_since", {**PARAMS, **EXTRA["drill_since"]})["since"][0]
    extra["drill_item_responses"] = {"limit": 1000, "since": since}  # as data.drill_responses
    print("| page | query | wall s | CPU s |\n|---|---|---:|---:|")
    for page in pages:
        page_wall = page_cpu = 0.0
        for name in PAGE_QUERIES[page]:
            params = {**PARAMS, **extra.get(name, {})}
            reader.query(name, params)
            walls, cpus = [], []
            for _ in range(3):
                start, cpu = time.perf_counter(), _cpu()
                reader.query(name, params)
                walls.append(time.perf_counter() - start)
                cpus.append(_cpu() - cpu)
            wall, cpu = statistics.median(walls), statistics.median(cpus)
            page_wall, page_cpu = page_wall + wall, page_cpu + cpu
            print(f"| {page} | {name} | {wall:.3f} | {cpu:.3f} |", flush=True)
        print(f"| **{page}** | all | **{page_wall:.3f}** | **{page_cpu:.3f}** |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
