"""The call desk (回访工作台, CONTRACT §9): the month's call plan with its progress by agent, and
the agent's calls taken one at a time: the customer, the number while the call is open, what
the customer said before, the questionnaire as a form and the outcome."""

from __future__ import annotations

import datetime as dt

import polars as pl
import streamlit as st

from dashboard import auth, reasons
from dashboard.complaints import now
from dashboard.data import questionnaire
from dashboard.english import names
from dashboard.i18n import label, labels, lang, t
from dashboard.state import open_for_write, q
from dashboard.widgets import fmt, table
from pipelines import calls, complaints
from pipelines.errors import ValidationError
from pipelines.questionnaire import Questionnaire
from warehouse.lake import Busy

IN_HAND = "call_in_hand"
PHONES = "call_phones"  # call id -> the number shown to its agent (unmasked once, audited)
OUTCOMES = ("completed", "refused", "unreached")


def _write(run):
    """Run a write; say in words why it was refused (nothing is written then). The result, or
    None when refused."""
    con = open_for_write()
    try:
        return run(con)
    except ValidationError as exc:
        st.error(t("call.refused_write"))
        st.markdown("\n".join(f"- {p.column}: {reasons.say(p.reason)}" for p in exc.problems))
    except (calls.CallError, complaints.ComplaintError) as exc:
        st.error(f"{t('call.refused_write')} {reasons.say(str(exc))}")
    except Busy:
        st.error(t("up.busy"))
    finally:
        con.close()
    return None


def _english() -> dict[str, str]:
    """{Chinese: English} names of the questionnaires, in the English interface."""
    if lang() != "en":
        return {}
    return names(tuple(q("questionnaire_sources")["toml"].to_list()))


def _reasons(frame: pl.DataFrame) -> pl.DataFrame:
    """The reasons list and the state as words."""
    words = labels(["new_sale", "service", "key_account", "resurvey"], "call.reason")
    states = labels(["open", *OUTCOMES], "call.status")
    outcomes = labels(OUTCOMES, "call")
    return frame.with_columns(
        pl.col("reasons").list.eval(pl.element().replace_strict(words, default=pl.element())).list.join("、"),
        pl.col("status").replace_strict(states, default=pl.col("status")),
        pl.col("last_outcome").replace_strict(outcomes, default=pl.col("last_outcome")),
    )


def planned_questionnaires() -> dict[str, str]:
    """{questionnaire id: title} of those with call rules."""
    found = {}
    english = _english()
    for row in q("questionnaires").iter_rows(named=True):
        parsed = questionnaire(row["questionnaire_id"])
        if parsed is not None and parsed.calls is not None:
            found[row["questionnaire_id"]] = english.get(row["title"], row["title"])
    return found


def _months() -> list[dt.date]:
    """This month and the eleven before it, newest first."""
    today = now().date().replace(day=1)
    out = []
    for back in range(12):
        total = today.year * 12 + today.month - 1 - back
        out.append(dt.date(total // 12, total % 12 + 1, 1))
    return out


def plan_section() -> None:
    """Plan a month, hand the calls out, see each agent's progress and hand calls over."""
    choices = planned_questionnaires()
    if not choices:
        st.info(t("call.no_rules"))
        return
    left, right = st.columns(2)
    qid = left.selectbox(t("filter.questionnaire"), list(choices), format_func=choices.get, key="plan_qid")
    months = _months()
    month = right.selectbox(t("call.month"), months, format_func=lambda m: f"{m:%Y-%m}", key="plan_month")
    agents = _agents()
    with st.form("plan_calls"):
        st.caption(t("call.plan_help"))
        chosen = st.multiselect(
            t("call.agents"), agents, default=agents, key="plan_agents", placeholder=t("call.no_agents"),
            select_all=False,
        )  # fmt: skip
        if st.form_submit_button(t("call.plan_button"), type="primary", icon=":material/playlist_add:"):
            done = _write(lambda con: calls.plan(con, qid, month, auth.name(), chosen))
            if done is not None:
                st.session_state["plan_flash"] = t(
                    "call.planned", added=done["added"], planned=done["planned"]
                )
                st.rerun()
    flash = st.session_state.pop("plan_flash", None)
    if flash:
        st.success(flash)
    st.markdown(f"**{t('call.progress')}**")
    progress = q("call_progress", qid=qid, month=month)
    table(progress.with_columns(pl.col("agent").fill_null(t("call.unassigned"))), "call_progress")
    plan = q("call_board", qid=qid, month=month)
    if plan.is_empty():
        return
    event = table(
        _reasons(plan).drop("questionnaire_id", "phone_masked", "max_attempts"), "call_plan",
        on_select="rerun", selection_mode="multi-row", height=320,
    )  # fmt: skip
    picked = [plan["call_id"][i] for i in (event.selection.rows if event else [])]
    with st.form("reassign_calls"):
        agent = st.selectbox(t("call.reassign"), agents, key="reassign_agent")
        if st.form_submit_button(t("call.reassign_button")):
            if not picked:
                st.warning(t("call.pick_rows"))
            else:
                moved = _write(lambda con: calls.assign(con, picked, agent, auth.name()))
                if moved is not None:
                    st.session_state["plan_flash"] = t("call.reassigned", n=moved)
                    st.rerun()


def _agents() -> list[str]:
    return q("agents")["user_name"].to_list()


def counts(board: pl.DataFrame) -> None:
    """The agent's open calls, callbacks due today and the month's completed calls."""
    today = now().date()
    mine = board.filter(pl.col("status") == "open")
    due = mine.filter(pl.col("callback_at").is_not_null() & (pl.col("callback_at").dt.date() <= today))
    month = today.replace(day=1)
    kpis = q("agent_kpis", date_from=month, date_to=today, agent=auth.name())
    cols = st.columns(4)
    cols[0].metric(t("call.open"), f"{mine.height:,}")
    cols[1].metric(t("call.due"), f"{due.height:,}")
    cols[2].metric(t("call.done_month"), f"{int(kpis['completed'].sum()):,}")
    callback = kpis["callback_success_pct"][0] if kpis.height == 1 else None
    cols[3].metric(t("col.callback_success_pct"), fmt(callback, suffix=" %"))


def my_calls() -> dict | None:
    """The agent's calls, open ones first (the oldest callback appointment first); the call in
    hand, if one is picked."""
    board = q("call_board", agent=None if auth.role() == "admin" else auth.name())
    counts(board)
    opened = board.filter(pl.col("status") == "open")
    if opened.is_empty():
        st.info(t("call.none"))
    shown = {
        r["call_id"]: f"{r['customer_name'] or r['customer_id']} · {r['call_id']}"
        + (f" · {t('col.callback_at')} {r['callback_at']:%m-%d %H:%M}" if r["callback_at"] else "")
        for r in opened.iter_rows(named=True)
    }

    def picked() -> None:  # a call named in the picker, or ticked in the table, is taken in hand
        found = st.session_state.get("call_pick")
        rows = st.session_state.get("table_my_calls")
        rows = rows.selection.rows if rows is not None and "selection" in rows else []
        st.session_state[IN_HAND] = board["call_id"][rows[0]] if rows else found

    st.selectbox(
        t("call.take"), list(shown), index=None, format_func=shown.get, key="call_pick", on_change=picked,
        placeholder=t("call.pick"),
    )  # fmt: skip
    table(
        _reasons(board).drop("questionnaire_id", "max_attempts", "region"), "my_calls",
        on_select=picked, selection_mode="single-row", height=300,
        column_order=["call_id", "customer_name", "status", "callback_at", "attempts", "last_outcome",
                      "reasons", "plan_month", "phone_masked", "customer_id"],
    )  # fmt: skip
    chosen = st.session_state.get(IN_HAND)
    found = board.filter(pl.col("call_id") == chosen) if chosen else None
    return found.row(0, named=True) if found is not None and found.height else None


def _phone(call: dict) -> str | None:
    """The number of an open call of the agent's, unmasked once per call and session (each
    showing is an audit event); masked otherwise."""
    if call["status"] != "open" or call["assigned_to"] != auth.name():
        return call["phone_masked"]
    shown = st.session_state.setdefault(PHONES, {})
    if call["call_id"] not in shown:
        shown[call["call_id"]] = _write(lambda con: calls.unmasked(con, call["call_id"], auth.name()))
    return shown[call["call_id"]]


def call_view(call: dict) -> None:
    """The call in hand: the customer, the number, what they said before, and the form."""
    survey = questionnaire(call["questionnaire_id"])
    english = _english()
    st.subheader(f"{t('call.in_hand')} · {call['customer_name'] or call['customer_id']}")
    flash = st.session_state.pop("call_flash", None)
    if flash:
        st.success(flash)
    phone = _phone(call) if call["status"] == "open" else call["phone_masked"]
    st.markdown(
        f"{t('call.phone')}: **{phone or t('call.no_phone')}** · {t('col.status')}: "
        f"{label('call.status', call['status'])} · "
        + t("call.attempt", n=call["attempts"] + 1, max=call["max_attempts"])
        + f" · {t('call.reasons')}: "
        + "、".join(label("call.reason", r) for r in call["reasons"])
    )
    st.caption(t("call.phone_note"))
    left, right = st.columns(2)
    with left:
        st.markdown(f"**{t('call.history')}**")
        history = q("call_customer", call=call["call_id"])
        if history.is_empty():
            st.caption(t("call.no_history"))
        else:
            table(history, "call_history")
    with right:
        st.markdown(f"**{t('call.cases')}**")
        cases = q("call_cases", call=call["call_id"])
        if cases.is_empty():
            st.caption("—")
        else:
            table(cases.with_columns(pl.col("status").replace_strict(
                labels(cases["status"].unique().to_list(), "case.status"), default=pl.col("status"))), "call_cases")  # fmt: skip
    if call["status"] == "open" and survey is not None and auth.can("call"):
        call_form(call, survey, english)
    offer_complaint(call)


def call_form(call: dict, survey: Questionnaire, english: dict[str, str]) -> None:
    """The questionnaire as the agent reads it out: each item's question, its scale's labels as
    buttons, the required ones marked; the comment; the outcome buttons."""
    key = f"call_{call['call_id']}_{call['attempts']}"
    with st.form(key):
        st.markdown(f"**{english.get(survey.title, survey.title)}**")
        answers: dict[str, float | None] = {}
        for item in survey.items:
            scale = survey.scale(item.scale)
            values = [level.value for level in scale.levels]
            words = {level.value: english.get(level.label, level.label) for level in scale.levels}
            question = english.get(item.question, item.question)
            answers[item.id] = st.radio(
                f"{question}{' *' if item.required else ''}", values, index=None, horizontal=True,
                format_func=words.get, key=f"{key}_{item.id}",
                help=t("call.required") if item.required else None,
            )  # fmt: skip
        comment = st.text_area(t("call.comment"), key=f"{key}_comment")
        when = st.columns(2)
        day = when[0].date_input(t("call.callback_at"), value=None, key=f"{key}_cb_day")
        clock = when[1].time_input(t("case.time"), dt.time(10, 0), key=f"{key}_cb_time", step=900)
        buttons = st.columns(3)
        pressed = [
            outcome
            for col, outcome, kind in zip(
                buttons, OUTCOMES, ("primary", "secondary", "secondary"), strict=True
            )
            if col.form_submit_button(t(f"call.{outcome}"), type=kind, key=f"{key}_{outcome}")
        ]
    if not pressed:
        return
    outcome = pressed[0]
    given = {k: f"{v:g}" for k, v in answers.items() if v is not None} if outcome == "completed" else {}
    callback = dt.datetime.combine(day, clock) if day is not None and outcome == "unreached" else None
    done = _write(
        lambda con: calls.record(
            con, call["call_id"], outcome, auth.name(), answers=given, comment=comment or None,
            callback_at=callback, role=auth.role(), seen_attempts=call["attempts"], at=now(),
        )
    )  # fmt: skip
    if done is None:
        return
    unhappy = [
        item
        for item in survey.items
        if item.id in given
        and any(
            lv.dissatisfied and f"{lv.value:g}" == given[item.id] for lv in survey.scale(item.scale).levels
        )
    ]
    if unhappy:
        st.session_state["call_unhappy"] = {
            "call_id": call["call_id"], "customer_id": call["customer_id"], "comment": comment,
            "items": [(english.get(i.label or i.column, i.label or i.column), i.dimension) for i in unhappy],
            "categories": [d.category for i in unhappy for d in survey.dimensions if d.id == i.dimension],
        }  # fmt: skip
    st.session_state["call_flash"] = t("call.saved", call=call["call_id"], outcome=t(f"call.{outcome}"))
    st.rerun()


def offer_complaint(call: dict) -> None:
    """After a dissatisfied answer: register a complaint now, passed to the responsible
    department (the complaint desk's register, with the call's customer and answers)."""
    found = st.session_state.get("call_unhappy")
    if not found or found["call_id"] != call["call_id"] or not auth.can("register"):
        return
    items = "、".join(name for name, _ in found["items"])
    st.warning(t("call.dissatisfied", items=items))
    with st.form("call_complaint"):
        left, right = st.columns(2)
        dept = left.text_input(t("col.responsible_dept"), key="call_case_dept")
        category = right.selectbox(
            t("col.cause_category"), found["categories"] or ["method"],
            format_func=labels(found["categories"] or ["method"], "cat").get, key="call_case_category",
        )  # fmt: skip
        description = st.text_area(
            t("col.description"), found["comment"] or items, key="call_case_description"
        )
        if st.form_submit_button(t("call.register"), type="primary"):
            record = {
                "customer_id": found["customer_id"], "channel": "phone", "cause_category": category,
                "cause": items, "responsible_dept": dept or None, "description": description,
                "severity": "medium", "dimension": found["items"][0][1],
            }  # fmt: skip
            record["complaint_id"] = complaints.new_id(now())
            if _write(lambda con: complaints.register(con, record, auth.name(), now())) is not None:
                st.session_state.pop("call_unhappy", None)
                st.session_state["call_flash"] = t("call.registered", id=record["complaint_id"])
                st.rerun()
