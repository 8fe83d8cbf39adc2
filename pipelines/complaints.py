"""Complaint cases worked on the complaint desk (CONTRACT §10).

A complaint is registered as it arrives and driven through its steps: assigned to the
responsible department, first answer, verification (valid or not), solution and promised date,
resolution, the customer informed, the customer's answer (a "no" reopens the case), closed.
Every step is a new version of the complaint, written as a form's record through the same
validation, keys, write and audit as a complaint file (LoadJob.records): a step cannot store
what a file could not, and nothing is edited in place.
"""

from __future__ import annotations

import datetime as dt
import uuid

from pipelines.fields import field_names
from pipelines.load import LoadResult, load_record

FIELDS = field_names("complaints")
# Each step: the fields its form asks for (the first ones required), in procedure order.
STEPS: dict[str, tuple[str, ...]] = {
    "assign": ("responsible_dept", "handler", "assigned_at"),
    "respond": ("first_response_at",),
    "verify": ("verified_at", "is_valid"),
    "plan": ("solution", "promised_at"),
    "resolve": ("resolved_at",),
    "inform": ("customer_informed_at",),
    "accept": ("customer_accepted",),
    "close": ("closed_at",),
}
REQUIRED: dict[str, tuple[str, ...]] = {
    "assign": ("responsible_dept",),
    "respond": ("first_response_at",),
    "verify": ("verified_at", "is_valid"),
    "plan": ("solution",),
    "resolve": ("resolved_at",),
    "inform": ("customer_informed_at",),
    "accept": ("customer_accepted",),
    "close": ("closed_at",),
}
# What a "no" from the customer takes back: the case is worked again from its solution (the
# version keeps the "no" and when the customer was told; the next resolution is told anew).
REOPENED = ("resolved_at", "closed_at")


class ComplaintError(ValueError):
    """A step that does not apply to the case as it stands, or a case changed meanwhile."""


def new_id(now: dt.datetime) -> str:
    """A fresh complaint number (TS-YYYYMMDD-XXXX), given at once on registration: two desks
    registering at the same moment get two numbers."""
    return f"TS-{now:%Y%m%d}-{uuid.uuid4().hex[:4].upper()}"


def steps(case: dict) -> list[str]:
    """The steps open to a case in its current state, in procedure order."""
    if case.get("closed_at"):
        return []
    found = ["assign"]  # a case may be passed to another department or handler until closed
    if not case.get("first_response_at"):
        found.append("respond")
    elif not case.get("verified_at"):
        found.append("verify")
    elif not case.get("resolved_at"):
        if case.get("is_valid") == "valid":
            found.append("plan")
        found.append("resolve")  # an invalid complaint is resolved by explaining it
    elif not case.get("customer_informed_at") or case["customer_informed_at"] < case["resolved_at"]:
        found.append("inform")
    else:
        if case.get("customer_accepted") is None:
            found.append("accept")
        if case.get("customer_accepted") != "no":
            found.append("close")
    return found


def record_of(case: dict) -> dict:
    """The complaint fields of a case (a row of v_complaint_cases) as a record to write."""
    record = {name: case.get(name) for name in FIELDS}
    if "dimension" not in case and "dimension_id" in case:
        record["dimension"] = case["dimension_id"]
    return record


def register(con, record: dict, user: str, now: dt.datetime) -> LoadResult:
    """Write a new complaint; it gets a number when it has none. Raises ValidationError with
    every problem, as an upload would, writing nothing."""
    record = {name: record.get(name) for name in FIELDS}
    _known(con, record.get("responsible_dept"), record.get("handler"))
    record["complaint_id"] = record["complaint_id"] or new_id(now)
    record["received_at"] = record["received_at"] or now
    return _save(con, record, user, "register", replace=False)


def step(con, case: dict, name: str, values: dict, user: str, history: bool = False) -> LoadResult:
    """Record step `name` of `case` (its newest version as the user saw it) with the form's
    `values`; refused in words when the step does not apply or the case changed meanwhile."""
    if name not in STEPS:
        raise ComplaintError(f"unknown step {name!r}; one of {', '.join(STEPS)}")
    if name not in steps(case):
        raise ComplaintError(
            f"step {name} does not apply to complaint {case['complaint_id']} ({case['status']})"
        )
    missing = [f for f in REQUIRED[name] if values.get(f) in (None, "")]
    if missing:
        raise ComplaintError(f"step {name} needs {', '.join(missing)}")
    if name == "assign":
        _known(con, values.get("responsible_dept"), values.get("handler"))
    _same_version(con, case)
    record = record_of(case)
    record.update({k: v for k, v in values.items() if k in STEPS[name]})
    if name == "accept" and values.get("customer_accepted") == "no":
        record.update(dict.fromkeys(REOPENED))
    if name == "inform":  # the customer answers what they were just told
        record["customer_accepted"] = None
    if name == "close" and not record.get("customer_informed_at"):
        raise ComplaintError("closing needs the customer informed first")
    return _save(con, record, user, name, replace=True, history=history)


def departments(con) -> list[str]:
    """The responsible departments known to the warehouse: those of department users and those
    complaints and corrective actions already name."""
    rows = con.execute(
        "select dept from stg_users where dept is not null and not disabled "
        "union select responsible_dept from stg_complaints where responsible_dept is not null "
        "union select responsible_dept from v_actions where responsible_dept is not null order by 1"
    ).fetchall()
    return [r[0] for r in rows]


def _known(con, dept: str | None, handler: str | None) -> None:
    """A case is handed to a department the warehouse knows and, by name, to an active user."""
    if dept and dept not in departments(con):
        raise ComplaintError(f"unknown department {dept!r}: one of {', '.join(departments(con))}")
    if handler:
        found = con.execute(
            "select count(*) from stg_users where user_name = ? and not disabled", [handler]
        ).fetchone()[0]
        if not found:
            raise ComplaintError(f"unknown handler {handler!r}: a handler is a user of Manyi")


def _same_version(con, case: dict) -> None:
    """Refuse a step on a case someone else changed since it was read (two desks at once)."""
    found = con.execute(
        "select count(*) from complaints_all_versions where complaint_id = ?", [case["complaint_id"]]
    ).fetchone()[0]
    if found != case["versions"]:
        raise ComplaintError(
            f"complaint {case['complaint_id']} changed meanwhile (now {found} versions, you saw "
            f"{case['versions']}): read it again"
        )


def _save(con, record: dict, user: str, note: str, replace: bool, history: bool = False) -> LoadResult:
    return load_record(con, "complaints", record, user, note, replace=replace, history=history)
