"""Corrective actions changed on the dashboard (CONTRACT §5).

Every change is a new version of the action, written through the same validation and the same
one-transaction load as an uploaded tracker: a dashboard edit cannot store what a file could
not, and nothing here touches survey answers.
"""

from __future__ import annotations

import datetime as dt
import uuid

from pipelines.fields import field_names
from pipelines.load import LoadResult, load_record

FIELDS = field_names("actions")
SOURCE_FIELDS = (
    "source",
    "questionnaire_id",
    "item_id",
    "dimension_id",
    "cause_category",
    "cause",
    "scope",
    "customer_id",
)
# A step of the workflow and the date field it sets (approve also sets approved_by).
TRANSITIONS = {
    "review": "reviewed_at",
    "approve": "approved_at",
    "inform": "customer_informed_at",
    "done": "done_at",
    "cancel": "cancelled_at",
}
REPLAN_VERDICTS = ("no_change", "worse")
DUE_DAYS = 30


class ActionError(ValueError):
    """A workflow step that does not apply to the action in its current status."""


def new_id(today: dt.date) -> str:
    """A fresh action id (CA-YYYYMMDD-XXXX): two people creating actions at the same moment
    must not write versions of one action."""
    return f"CA-{today:%Y%m%d}-{uuid.uuid4().hex[:4].upper()}"


def draft(today: dt.date, **source) -> dict:
    """A new action prefilled with what was clicked (source, questionnaire, item, ...)."""
    record = dict.fromkeys(FIELDS)
    record.update({k: v for k, v in source.items() if k in FIELDS})
    record["action_id"] = record["action_id"] or new_id(today)
    record["created_at"] = record["created_at"] or today
    record["due_date"] = record["due_date"] or today + dt.timedelta(days=DUE_DAYS)
    return record


def replan(action: dict, verdict: str | None, today: dt.date) -> dict:
    """A new action that `follows` one whose effect was not good enough, with its source."""
    if verdict not in REPLAN_VERDICTS:
        raise ActionError(f"re-plan applies when the verdict is no_change or worse, not {verdict}")
    return draft(
        today,
        **{k: action.get(k) for k in SOURCE_FIELDS},
        title=action["title"],
        responsible_dept=action.get("responsible_dept"),
        owner=action.get("owner"),
        follows=action["action_id"],
    )


def steps(action: dict) -> list[str]:
    """The workflow steps open to the action in its current state, in procedure order."""
    status = action["status"]
    found = []
    if status == "planned" and not action.get("reviewed_at"):
        found.append("review")
    if status == "planned":
        found.append("approve")
    if status in ("approved", "done") and not action.get("customer_informed_at"):
        found.append("inform")
    if status == "approved":
        found.append("done")
    if status in ("planned", "approved"):
        found.append("cancel")
    return found


def step(con, action: dict, name: str, user: str, on: dt.date, approved_by: str | None = None) -> LoadResult:
    """Record one workflow step on `on` as a new version; approve records who approved."""
    if name not in steps(action):
        raise ActionError(f"{name} does not apply to action {action['action_id']} ({action['status']})")
    record = {k: action.get(k) for k in FIELDS}
    record[TRANSITIONS[name]] = on
    if name == "approve":
        record["approved_by"] = (approved_by or "").strip() or user
    return save(con, record, user, name)


def save(con, record: dict, user: str, note: str) -> LoadResult:
    """Write `record` (every action field) as the action's new version; raises
    ValidationError with every problem, as an upload would, writing nothing."""
    return load_record(con, "actions", {k: _text(record.get(k)) for k in FIELDS}, user, note)


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    return text or None
