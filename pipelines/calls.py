"""The monthly call plan and the calls taken on it (CONTRACT §9).

A plan chooses the month's customers by the questionnaire's [calls] rules
(sql/writes/call_candidates.sql) and hands them to agents. Each attempt of a call is a
contacts row; a completed call also writes its survey response. Both are forms' records that
enter the load at validate (pipelines.load.load_together): the same checks, keys and audit as
a file's rows, in one transaction, with the call's state checked again inside it.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from datetime import UTC, datetime

from pipelines import store
from pipelines.errors import Problem, ValidationError
from pipelines.fields import ENUMS
from pipelines.load import LoadJob, LoadResult, load_together, record_job
from pipelines.questionnaire import Questionnaire
from warehouse import audit, settings
from warehouse.lake import write
from warehouse.sql import query

OUTCOMES = ("completed", "refused", "unreached")


class CallError(ValueError):
    """A plan or a call that cannot be made as asked: said in words, nothing written."""


def month_start(text: str) -> dt.date:
    """The first day of a month given as YYYY-MM."""
    try:
        return dt.datetime.strptime(text.strip(), "%Y-%m").date()
    except ValueError:
        raise CallError(f"month {text!r} is not YYYY-MM") from None


def call_id(questionnaire_id: str, month: dt.date, customer_id: str) -> str:
    return f"{questionnaire_id}-{month:%Y-%m}-{customer_id}"


def local_now(con) -> dt.datetime:
    """The wall-clock time in the company's time zone, as contact times are stored."""
    zone = zoneinfo.ZoneInfo(settings.value(con, "timezone"))
    return datetime.now(zone).replace(tzinfo=None, microsecond=0)


def _questionnaire(con, questionnaire_id: str) -> Questionnaire:
    found = store.get_questionnaire(con, questionnaire_id)
    if found is None:
        known = ", ".join(store.questionnaire_ids(con)) or "none yet"
        raise CallError(f"unknown questionnaire {questionnaire_id!r}; known: {known}")
    if found.calls is None:
        raise CallError(f"questionnaire {questionnaire_id!r} has no [calls] rules: no call plan")
    return found


def agents(con) -> list[str]:
    """The active users with the agent role, by name."""
    rows = con.execute(
        "select user_name from stg_users where role = 'agent' and not disabled order by user_name"
    ).fetchall()
    return [r[0] for r in rows]


def _check_agents(con, names: list[str]) -> list[str]:
    known = set(agents(con))
    unknown = [n for n in names if n not in known]
    if unknown:
        raise CallError(
            f"not an active agent: {', '.join(unknown)} (agents: {', '.join(sorted(known)) or 'none'})"
        )
    return names


def candidates(con, questionnaire: Questionnaire, month: dt.date):
    """The customers the plan of `month` would add, with their reasons (a polars frame)."""
    rules = questionnaire.calls
    return query(
        con,
        "writes/call_candidates",
        {
            "qid": questionnaire.id,
            "month": month,
            "month_key": f"{month:%Y-%m}",
            "new_sales": rules.new_sales,
            "service_share": rules.service_share,
            "key_accounts": rules.key_accounts,
            "resurvey": rules.resurvey_dissatisfied,
            "quiet_days": rules.quiet_days,
        },
    )


def plan(con, questionnaire_id: str, month: dt.date, user: str | None, assign: list[str] = ()) -> dict:
    """Write the month's call plan: the customers the rules choose that it does not have yet
    (planning again adds only new ones); `assign` hands the new calls to those agents
    round-robin in customer_id order. Returns planned (the plan's calls) and added."""
    questionnaire = _questionnaire(con, questionnaire_id)
    assign = _check_agents(con, list(assign))
    now = datetime.now(UTC)

    def body() -> dict:
        # Plans are written one at a time: a second planner's retry sees the first one's calls.
        con.execute("delete from write_locks where name = 'calls'")
        con.execute("insert into write_locks values ('calls')")
        found = candidates(con, questionnaire, month)
        ids = [call_id(questionnaire.id, month, c) for c in found["customer_id"]]
        if found.height:
            con.execute(
                "insert into calls select * from (select unnest(?::varchar[]), ?, ?::date, unnest(?::varchar[]), "
                "unnest(?::varchar[][]), ?, ?, ?)",
                [
                    ids,
                    questionnaire.id,
                    month,
                    found["customer_id"].to_list(),
                    found["reasons"].to_list(),
                    questionnaire.calls.max_attempts,
                    now,
                    user,
                ],
            )
        if assign and ids:
            agents_of = [assign[n % len(assign)] for n in range(len(ids))]
            con.execute(
                "insert into call_assignments select unnest(?::varchar[]), unnest(?::varchar[]), ?, ?",
                [ids, agents_of, now, user],
            )
        planned = con.execute(
            "select count(*) from calls where questionnaire_id = ? and plan_month = ?",
            [questionnaire.id, month],
        ).fetchone()[0]
        result = {
            "questionnaire_id": questionnaire.id,
            "month": f"{month:%Y-%m}",
            "planned": int(planned),
            "added": len(ids),
            "assigned": len(ids) if assign else 0,
        }
        audit.record(con, "plan", None, {**result, "agents": assign}, now, user)
        return result

    return write(con, body)


def assign(con, call_ids: list[str], agent: str | None, user: str | None) -> int:
    """Hand open calls to `agent` (None: take them back). Returns how many changed hands."""
    if agent is not None:
        _check_agents(con, [agent])
    if not call_ids:
        raise CallError("no calls chosen")
    rows = con.execute(
        "select call_id, status, assigned_to from call_plan where call_id in (select unnest(?::varchar[]))",
        [list(call_ids)],
    ).fetchall()
    found = {r[0]: r for r in rows}
    unknown = [c for c in call_ids if c not in found]
    if unknown:
        raise CallError(f"no call {', '.join(unknown[:5])}")
    closed = [c for c in call_ids if found[c][1] != "open"]
    if closed:
        raise CallError(f"call {', '.join(closed[:5])} is closed ({found[closed[0]][1]}): it keeps its agent")
    moved = [c for c in call_ids if found[c][2] != agent]
    if not moved:
        return 0
    now = datetime.now(UTC)

    def body() -> None:
        con.execute(
            "insert into call_assignments select unnest(?::varchar[]), ?, ?, ?", [moved, agent, now, user]
        )
        audit.record(con, "assign", None, {"calls": len(moved), "agent": agent, "first": moved[0]}, now, user)

    write(con, body)
    return len(moved)


def get(con, call: str) -> dict:
    rows = con.execute("select * from call_plan where call_id = ?", [call]).pl()
    if rows.is_empty():
        raise CallError(f"no call {call!r}")
    return rows.row(0, named=True)


def _answer_value(questionnaire: Questionnaire, item_key: str, value: str) -> tuple[str, str]:
    """An answer given as ITEM=VALUE: the item by id or column, its value as given (the load
    checks it against the scale and its labels)."""
    for item in questionnaire.items:
        if item_key in (item.id, item.column):
            return item.column, str(value).strip()
    raise CallError(f"no item {item_key!r} in questionnaire {questionnaire.id}")


def record(
    con,
    call: str,
    outcome: str,
    user: str,
    *,
    answers: dict[str, str] | None = None,
    comment: str | None = None,
    at: dt.datetime | None = None,
    callback_at: dt.datetime | None = None,
    role: str | None = None,
    seen_attempts: int | None = None,
) -> dict:
    """Record one attempt of `call` by `user` (its agent; an admin may record any call): a
    contacts row and, for a completed call, its survey response, in one transaction.
    `seen_attempts`: the attempts the desk showed (a second tab's save is then refused).
    Raises CallError or ValidationError in words; nothing is written then."""
    found = get(con, call)
    if found["status"] != "open":
        raise CallError(f"call {call} is closed ({found['status']}): nothing recorded")
    if role != "admin" and found["assigned_to"] != user:
        raise CallError(f"call {call} is not yours (agent: {found['assigned_to'] or 'none'})")
    if seen_attempts is not None and seen_attempts != found["attempts"]:
        raise CallError(f"call {call} was recorded meanwhile: read it again")
    code = ENUMS["outcome"].get(str(outcome).strip().lower())
    if code is None:
        raise CallError(f"outcome {outcome!r} is not one of {', '.join(OUTCOMES)}")
    answers = {k: v for k, v in (answers or {}).items() if v not in (None, "")}
    if answers and code != "completed":
        raise CallError(f"answers are recorded with a completed call, not a {code} one")
    if callback_at is not None and code != "unreached":
        raise CallError("a callback time goes with an unreached call")
    questionnaire = _questionnaire(con, found["questionnaire_id"])
    at = at or local_now(con)
    attempt = found["attempts"] + 1
    contact = {
        "contact_id": f"{call}-{attempt}",
        "customer_id": found["customer_id"],
        "contact_date": at.date(),
        "scope": questionnaire.scope,
        "channel": "phone",
        "outcome": code,
        "call_id": call,
        "agent": user,
        "contacted_at": at,
        "callback_at": callback_at,
        "note": comment if code != "completed" else None,
    }
    jobs = [_job("contacts", contact, user, call)]
    if code == "completed":
        given = dict(_answer_value(questionnaire, k, v) for k, v in answers.items())
        missing = [i for i in questionnaire.items if i.required and i.column not in given]
        if missing:
            raise ValidationError(
                [Problem(None, i.column, None, "a required item is not answered") for i in missing]
            )
        response = {
            "response_id": call,
            "customer_id": found["customer_id"],
            "survey_date": at.date(),
            "scope": questionnaire.scope,
            "channel": "phone",
            "subject": "own",
            "comment": comment or None,
            **given,
        }
        jobs.append(_job("survey", response, user, call, questionnaire.id))

    def unchanged(con) -> None:
        # Inside the write: an attempt saved meanwhile (another tab) changes the count; the
        # call's state follows from its attempts.
        now = con.execute("select count(*) from stg_contacts where call_id = ?", [call]).fetchone()[0]
        if now != found["attempts"]:
            raise CallError(f"call {call} was recorded meanwhile ({now} attempts now): nothing recorded")

    result: LoadResult = load_together(con, jobs, check=unchanged)
    return {
        "call_id": call,
        "attempt": attempt,
        "outcome": code,
        "status": status_after(code, attempt, found["max_attempts"]),
        "contact_id": contact["contact_id"],
        "response_id": call if code == "completed" else None,
        "batch_id": result.batch_id,
    }


def status_after(outcome: str, attempts: int, max_attempts: int) -> str:
    """A call's state after an attempt with `outcome`, its `attempts`-th (as call_plan says)."""
    if outcome in ("completed", "refused"):
        return outcome
    return "unreached" if attempts >= max_attempts else "open"


def _job(kind: str, record: dict, user: str, call: str, questionnaire_id: str | None = None) -> LoadJob:
    return record_job(kind, record, user, "call", f"call desk: {call}", questionnaire_id=questionnaire_id)


def unmasked(con, call: str, user: str) -> str | None:
    """The phone number of an open call's customer for its agent, audited (event `call`, with
    the agent and the call): the only way the desk shows a number unmasked."""
    found = get(con, call)
    if found["status"] != "open" or found["assigned_to"] != user:
        raise CallError(f"call {call} is not an open call of yours")
    # The raw row of the active version (the staged customers hold the number masked only).
    rows = con.execute(
        "select customers.phone from customers join stg_customers as active using (batch_id, customer_id) "
        "where customers.customer_id = ?",
        [found["customer_id"]],
    ).fetchall()
    phone = rows[0][0] if rows else None
    audit.append(
        con, "call", None, {"call_id": call, "agent": user, "customer_id": found["customer_id"]}, None, user
    )
    return phone
