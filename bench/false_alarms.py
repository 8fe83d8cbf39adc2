"""`python -m bench.false_alarms`: how often the 3-sigma control-limit alerts (CONTRACT §11) fire
on stable data (issue 41, 6). The real rules (sql/marts/alert_checks.sql, run as written) over
simulated months with no change at all:

- csi_low and dissatisfied_high: GROUPS questionnaire groups x MONTHS months, about PER_MONTH
  responses a month (Poisson), five items answered from one fixed distribution;
- complaint_rate_high: SERIES company-wide series of MONTHS months, complaints Poisson at a fixed
  rate of the month's shipments.

Every judged month (at least 6 baseline months, n at least min_sample) that fires is a false
alarm. The expected rate of a one-sided 3-sigma limit on a normal statistic is 0.135 %, 0.27 %
for both sides; the issue's "about 0.3 % per rule and month" is the latter.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time

import duckdb
import numpy as np
import polars as pl
from scipy import stats

from warehouse.migrate import SQL_DIR

LEVELS = np.array([1, 2, 3, 4, 5])
SHARES = np.array([0.03, 0.05, 0.17, 0.40, 0.35])  # a typical 5-point distribution, 8 % dissatisfied
EMPTY = {
    "complaint_service": "complaint_id varchar, region varchar, received_at timestamp, status varchar, "
    "is_history boolean, is_respond_late boolean, is_verify_late boolean, is_promise_broken boolean, "
    "severity varchar",
    "v_actions": "questionnaire_id varchar, scope varchar, due_date date, action_id varchar, is_overdue boolean",
    "contact_counts": "scope varchar, period_start date, planned bigint, reached bigint, completed bigint, "
    "period_grain varchar",
    "v_sample_coverage": "questionnaire_id varchar, period_start date, coverage_pct double, period_grain varchar",
    "questionnaire_targets": "questionnaire_id varchar, target double",
}


def months(count: int) -> list[dt.date]:
    return [dt.date(2023 + (m // 12), m % 12 + 1, 1) for m in range(count)]


def responses(rng, groups: int, count: int, per_month: int) -> pl.DataFrame:
    """Stable responses: every group and month from the same distribution."""
    days = months(count)
    n = rng.poisson(per_month, size=(groups, count))
    total = int(n.sum())
    ratings = rng.choice(LEVELS, size=(total, 5), p=SHARES)
    group = np.repeat(np.arange(groups), n.sum(axis=1))
    month = np.concatenate([np.repeat(np.arange(count), row) for row in n])
    return pl.DataFrame(
        {
            "questionnaire_id": [f"q{g}" for g in group],
            "scope": "sales",
            "region": None,
            "survey_date": [days[m] for m in month],
            "csi": ((ratings - 1) / 4 * 100).mean(axis=1),
            "dissatisfied": (ratings <= 2).sum(axis=1),
            "subject": "own",
            "ratings": 5,
        },
        schema_overrides={"region": pl.Utf8},
    )


def connection(min_sample: int) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute((SQL_DIR / "macros" / "pct.sql").read_text())
    for name, columns in EMPTY.items():
        con.execute(f"create table {name} ({columns})")
    con.execute(
        "create table stg_settings as select ?::bigint as min_sample, false as alerts_by_region, "
        "50.0 as target_callback_pct, 60.0 as target_survey_pct, 30.0 as target_coverage_pct",
        [min_sample],
    )
    con.execute(
        "create table v_complaint_rate (period_grain varchar, period_start date, complaints bigint, shipments bigint)"
    )
    return con


def checks(con) -> None:
    """The rules as the warehouse has them, over the simulated tables."""
    con.execute("create view alert_checks as " + (SQL_DIR / "marts" / "alert_checks.sql").read_text())


def rates(con, rules: tuple[str, ...]) -> dict:
    rows = con.execute(
        "select rule, count(*), count(*) filter (where fired) from alert_checks "
        "where rule in (select unnest(?::varchar[])) group by rule",
        [list(rules)],
    ).fetchall()
    return {rule: (int(judged), int(fired)) for rule, judged, fired in rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--groups", type=int, default=400)
    parser.add_argument("--months", type=int, default=36)
    parser.add_argument("--per-month", type=int, default=80)
    parser.add_argument("--series", type=int, default=300)
    parser.add_argument("--seed", type=int, default=41)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    start = time.perf_counter()
    con = connection(min_sample=30)
    facts = responses(rng, args.groups, args.months, args.per_month)
    con.register("facts_frame", facts)
    con.execute("create table response_facts as select * from facts_frame")
    checks(con)
    counted = rates(con, ("csi_low", "dissatisfied_high"))
    con.execute("delete from response_facts")  # the series below need none
    # The complaint rate is one company-wide series: many series, one after another.
    days = months(args.months)
    judged = fired = 0
    for _ in range(args.series):
        shipments = rng.poisson(2000, size=args.months)
        complaints = rng.poisson(0.02 * shipments)
        con.execute("delete from v_complaint_rate")
        con.executemany(
            "insert into v_complaint_rate values ('month', ?, ?, ?)",
            [[d, int(c), int(s)] for d, c, s in zip(days, complaints, shipments, strict=True)],
        )
        one = rates(con, ("complaint_rate_high",)).get("complaint_rate_high", (0, 0))
        judged, fired = judged + one[0], fired + one[1]
    counted["complaint_rate_high"] = (judged, fired)
    print(
        f"stable data: {args.groups} groups x {args.months} months, about {args.per_month} responses a month "
        f"({facts.height:,} responses); {args.series} complaint series; {time.perf_counter() - start:.1f} s"
    )
    print(f"{'rule':<22}{'judged':>8}{'fired':>7}{'rate':>9}  95 % interval     (one-sided 3σ: 0.135 %)")
    for rule, (n, k) in counted.items():
        low, high = stats.binomtest(k, n).proportion_ci(0.95) if n else (float("nan"), float("nan"))
        print(f"{rule:<22}{n:>8,}{k:>7}{100 * k / n:>8.3f}%  {100 * low:.3f}–{100 * high:.3f} %")


if __name__ == "__main__":
    main()
