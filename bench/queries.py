"""`python -m bench.queries WAREHOUSE [PAGE,PAGE…]`: each page's queries one by one, warm,
median of 3, CPU seconds (user + system, all threads) beside wall seconds, and the page's sum:
on the lake, and on the in-memory copy the dashboard reads (warehouse.mirror: the tables
within MANYI_MIRROR_MB in memory, the others read at its snapshot; "-" when MANYI_MIRROR_MB=0
turns it off), with the time the copy took.

`python -m bench.queries --ratio SMALL LARGE [PAGE,PAGE…] [--rounds N]`: the growth from one
warehouse to another on the dashboard's path (the copy), measured side by side in one process
so that a busy machine slows both alike: in each of N rounds (default 9) every page's queries
run once on each warehouse, query by query, which goes first alternating by round. Prints per
page the median CPU and wall seconds of a round on each and the median of the rounds' CPU
ratios with their range (issue 15's target: ≤ 1.5 from 1 M to 10 M responses).

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

from bench.__main__ import PAGE_QUERIES, page_extra
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


def _once(reader, name: str, params: dict, version: int) -> tuple[float, float]:
    start, cpu = time.perf_counter(), _cpu()
    reader.query(name, params, version=version)
    return time.perf_counter() - start, _cpu() - cpu


def _opened(path: str) -> tuple[Reader, int, dict]:
    """A reader of `path` with its copy taken, the copy's version and the page parameters
    (the drill-down's as data.drill_responses gives them)."""
    reader = Reader(path, mirror=True)
    version = reader.mirror.refresh()
    if version is None:
        raise SystemExit("--ratio measures the dashboard's path: unset MANYI_MIRROR_MB=0")
    return reader, version, page_extra(reader, PARAMS, version)


def side_by_side(paths: list[str], pages: list[str], rounds: int) -> tuple[dict, dict]:
    """Every page's queries on each warehouse's copy, query by query, in `rounds` rounds, the
    warehouse going first rotating by round: ({page: [[(wall, cpu) of each round] of each
    warehouse]}, {(page, query): [[cpu of each round] of each warehouse]})."""
    opened = [_opened(path) for path in paths]
    for reader, version, extra in opened:  # warm: each query once on each
        for page in pages:
            for name in PAGE_QUERIES[page]:
                _once(reader, name, {**PARAMS, **extra.get(name, {})}, version)
    found = {page: [[] for _ in opened] for page in pages}
    queries = {(page, name): [[] for _ in opened] for page in pages for name in PAGE_QUERIES[page]}
    for n in range(rounds):
        order = [(n + k) % len(opened) for k in range(len(opened))]
        for page in pages:
            sums = [[0.0, 0.0] for _ in opened]
            for name in PAGE_QUERIES[page]:
                for which in order:
                    reader, version, extra = opened[which]
                    wall, cpu = _once(reader, name, {**PARAMS, **extra.get(name, {})}, version)
                    sums[which][0] += wall
                    sums[which][1] += cpu
                    queries[(page, name)][which].append(cpu)
            for which, (wall, cpu) in enumerate(sums):
                found[page][which].append((wall, cpu))
    return found, queries


def page_ratio(
    base: list[tuple[float, float]], other: list[tuple[float, float]]
) -> tuple[float, float, float]:
    """The median, least and greatest of the rounds' CPU ratios other / base."""
    rates = [b[1] / a[1] for a, b in zip(base, other, strict=True) if a[1] > 0]
    return statistics.median(rates), min(rates), max(rates)


def page_cell(runs: list[tuple[float, float]]) -> str:
    """Median CPU s (median wall s) of a page's rounds."""
    return f"{statistics.median(c for _, c in runs):.3f} ({statistics.median(w for w, _ in runs):.3f})"


def ratios(small: str, large: str, pages: list[str], rounds: int) -> None:
    found, queries = side_by_side([small, large], pages, rounds)
    print(f"{rounds} rounds, medians; CPU s (wall s) of the page's queries on the copy")
    print("| page | small | large | large / small, CPU | range |\n|---|---:|---:|---:|---:|")
    for (page, name), (smalls, larges) in queries.items():
        a, b = statistics.median(smalls), statistics.median(larges)
        print(f"| {page}: {name} | {a:.3f} | {b:.3f} | {b / a if a else float('nan'):.2f} | |")
    for page in pages:
        smalls, larges = found[page]
        ratio, low, high = page_ratio(smalls, larges)
        print(
            f"| {page} | {page_cell(smalls)} | {page_cell(larges)} | **{ratio:.2f}** | {low:.2f}-{high:.2f} |",
            flush=True,
        )


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    if argv[0] == "--ratio":
        args = argv[1:]
        rounds = 9
        if "--rounds" in args:
            at = args.index("--rounds")
            rounds = int(args[at + 1])
            del args[at : at + 2]
        if len(args) not in (2, 3):
            print(__doc__, file=sys.stderr)
            return 2
        ratios(args[0], args[1], args[2].split(",") if len(args) > 2 else list(PAGE_QUERIES), rounds)
        return 0
    reader = Reader(argv[0], mirror=True)
    start, cpu = time.perf_counter(), _cpu()
    version = reader.mirror.refresh()
    copied = (time.perf_counter() - start, _cpu() - cpu)
    if version is None:
        print("MANYI_MIRROR_MB=0: no in-memory copy", flush=True)
    else:
        print(f"in-memory copy: {copied[0]:.2f} s wall, {copied[1]:.2f} CPU s", flush=True)
    pages = argv[1].split(",") if len(argv) > 1 else list(PAGE_QUERIES)
    extra = page_extra(reader, PARAMS)
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
