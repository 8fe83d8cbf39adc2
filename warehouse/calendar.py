"""The working-day calendar: Chinese public holidays and make-up working days (调休).

The rules come from the maintained `holidays` package (its China calendar lists the
substituted days off and the weekend days worked); a company adds or removes days with the
settings `calendar:YYYY-MM-DD = holiday | workday | default` (sql/marts/work_calendar.sql).
"""

from __future__ import annotations

import holidays

YEARS = range(1990, 2061)


def source() -> str:
    """What the calendar was made from; a new package version rewrites it."""
    return f"holidays {holidays.__version__} China {YEARS.start}-{YEARS.stop - 1}"


def exceptions() -> list[tuple]:
    """(day, is_workday, name) of every day that is not what its weekday says."""
    china = holidays.China(years=YEARS)
    rows = [(day, False, name) for day, name in sorted(china.items()) if day.isoweekday() <= 5]
    rows += [(day, True, "调休 make-up working day") for day in sorted(china.weekend_workdays)]
    return sorted(rows)


def write(con) -> None:
    """Replace the warehouse's holiday_calendar with the package's days (in the caller's transaction)."""
    con.execute("delete from holiday_calendar")
    con.executemany("insert into holiday_calendar values (?, ?, ?)", exceptions())
