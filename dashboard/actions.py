"""Corrective actions on the dashboard: the 'create corrective action' control of the analysis
pages, the action form, the workflow steps and the effect in words. Every write is a new
version through pipelines.actions (the loader's validation); the numbers come from the views."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import polars as pl
import streamlit as st

from dashboard import auth, charts, reasons
from dashboard.i18n import label, labels, t
from dashboard.page import switch_to
from dashboard.state import open_for_write, q, region_ok, settings_row
from dashboard.widgets import fmt, p_text, table
from pipelines import actions
from pipelines.errors import ValidationError
from pipelines.fields import ENUMS
from warehouse import roles
from warehouse.lake import Busy

DRAFT = "action_draft"
PICKED = "action_picked"
SOURCES = ("item", "dimension", "complaint")
STATUSES = ("planned", "approved", "done", "cancelled")
VERDICTS = ("pending", "too_few", "improved", "no_change", "worse")


def today() -> dt.date:
    """Today in the company time zone (setting `timezone`), as the views' is_overdue reads it."""
    zone = settings_row()["timezone"]
    return dt.datetime.now(zoneinfo.ZoneInfo(zone)).date()


def create_button(key: str, **source) -> None:
    """'Create corrective action' for what the page shows: opens the Actions page with the form
    prefilled with the source, questionnaire, item/dimension, cause, scope and customer. Only
    for roles that create actions."""
    if auth.can("act") and st.button(t("act.create"), key=f"create_action_{key}", icon=":material/add_task:"):
        st.session_state[DRAFT] = actions.draft(today(), **source)
        switch_to("actions")


def _write(run):
    con = open_for_write()
    try:
        return run(con), None
    except ValidationError as exc:
        return None, exc.problems
    except actions.ActionError as exc:
        return None, [str(exc)]
    except Busy:
        return None, [t("up.busy")]
    finally:
        con.close()


def _problems(problems) -> None:
    st.error(t("act.refused", n=len(problems)))
    lines = [
        p if isinstance(p, str) else f"{p.column}: {p.value!r} — {reasons.say(p.reason)}" for p in problems
    ]
    st.markdown("\n".join(f"- {line}" for line in lines))


def _text(name: str, record: dict, key: str, area: bool = False) -> str:
    widget = st.text_area if area else st.text_input
    return widget(t(f"col.{name}"), record.get(name) or "", key=f"{key}_{name}")


def _pick(name: str, options: list, record: dict, key: str, names: dict | None = None):
    options = [None, *options] if name != "source" else list(options)
    value = record.get(name)
    if value not in options:
        options.append(value)
    shown = {None: "—", **(names or {})}
    return st.selectbox(
        t(f"col.{name}"),
        options,
        index=options.index(value),
        format_func=lambda v: shown.get(v, v),
        key=f"{key}_{name}",
    )


def _pick_from(frame: pl.DataFrame, name: str, label_column: str, record: dict, key: str):
    """A choice among a query's ids (`name`), shown by their labels."""
    names = dict(zip(frame[name], frame[label_column], strict=True))
    return _pick(name, frame[name].to_list(), record, key, names)


def cause_button(key: str, category: str, cause: str | None) -> None:
    """'Create corrective action' on a complaint cause ('-' = no cause named: the category)."""
    cause = None if cause in (None, "-") else cause
    create_button(
        key,
        source="complaint",
        cause_category=category,
        cause=cause,
        title=t("act.default_title", what=cause or label("cat", category)),
    )


def form(record: dict, note: str) -> None:
    """The action's fields as widgets; Save writes a new version (note: 'create' or 'edit')."""
    key = f"action_{note}_{record['action_id']}"
    left, right = st.columns(2)
    with left:
        title = _text("title", record, key)
        source = _pick("source", list(SOURCES), record, key, labels(SOURCES, "act.source"))
        qid = _pick_from(q("questionnaires"), "questionnaire_id", "title", record, key)
        none = pl.DataFrame({"id": [], "label": []}, schema={"id": pl.Utf8, "label": pl.Utf8})
        items = q("items", qid=qid) if qid else none.rename({"id": "item_id", "label": "item_label"})
        dims = (
            q("dimensions", qid=qid)
            if qid
            else none.rename({"id": "dimension_id", "label": "dimension_label"})
        )
        item = _pick_from(items, "item_id", "item_label", record, key)
        dimension = _pick_from(dims, "dimension_id", "dimension_label", record, key)
        category = _pick(
            "cause_category", list(charts.CATEGORIES), record, key, labels(charts.CATEGORIES, "cat")
        )
        cause, scope, customer = (_text(n, record, key) for n in ("cause", "scope", "customer_id"))
    with right:
        own = auth.dept()  # a department user's actions are its own department's
        if own:
            dept = st.text_input(t("col.responsible_dept"), own, key=f"{key}_responsible_dept", disabled=True)
            owner = _text("owner", record, key)
        else:
            dept, owner = (_text(n, record, key) for n in ("responsible_dept", "owner"))
        plan = _text("plan", record, key, area=True)
        created = st.date_input(t("col.created_at"), record["created_at"], key=f"{key}_created")
        due = st.date_input(t("col.due_date"), record["due_date"], key=f"{key}_due")
        if record.get("follows"):
            st.caption(t("act.follows_note", action=record["follows"]))
    changed = {
        **record,
        "title": title,
        "source": source,
        "questionnaire_id": qid,
        "item_id": item,
        "dimension_id": dimension,
        "cause_category": ENUMS["cause"].get(category or "", category),
        "cause": cause,
        "scope": scope,
        "customer_id": customer,
        "responsible_dept": dept,
        "owner": owner,
        "plan": plan,
        "created_at": created,
        "due_date": due,
    }
    if st.button(t("act.save"), type="primary", key=f"{key}_save"):
        _, problems = _write(lambda con: actions.save(con, changed, auth.name(), note))
        if problems:
            _problems(problems)
            return
        st.session_state.pop(DRAFT, None)
        st.session_state[PICKED] = record["action_id"]
        st.toast(t("act.saved", action=record["action_id"]))
        st.rerun()


def steps(action: dict) -> None:
    """One button per workflow step open to the action and the user's role; approve records the
    user as approved_by."""
    open_steps = [s for s in actions.steps(action) if auth.can(roles.STEPS[s])]
    if not open_steps:
        return
    cols = st.columns(len(open_steps))
    for col, name in zip(cols, open_steps, strict=True):
        if col.button(t(f"act.step.{name}"), key=f"step_{name}_{action['action_id']}"):
            _, problems = _write(lambda con, n=name: actions.step(con, action, n, auth.name(), today()))
            if problems:
                _problems(problems)
                return
            st.session_state[PICKED] = action["action_id"]
            st.toast(t("act.stepped", step=t(f"act.step.{name}"), action=action["action_id"]))
            st.rerun()


def explain(effect: dict) -> str:
    """The verdict in words: why pending or too few, or what changed and how sure it is; an
    empty baseline is said first (an action created today has its baseline in months that may
    hold no data yet)."""
    said = _explained(effect)
    empty = effect["source"] != "complaint" and not effect["baseline_n"]
    if empty and effect["baseline_start"] is not None:
        said = t("act.why.baseline_empty", month=f"{effect['baseline_start']:%Y-%m}") + " " + said
    return said


def _explained(effect: dict) -> str:
    verdict, months = effect["verdict"], effect["window_months"]
    complaint = effect["source"] == "complaint"
    if verdict == "pending" and effect["followup_start"] is None:
        return t("act.why.not_done", months=months)
    if verdict == "pending":
        what = t("act.why.no_shipments") if complaint else t("act.why.no_responses")
        return t(
            "act.why.no_followup",
            start=f"{effect['followup_start']:%Y-%m-%d}",
            end=f"{effect['followup_end']:%Y-%m-%d}",
            what=what,
        )
    if verdict == "too_few" and complaint:
        return t("act.why.baseline_no_shipments")
    if verdict == "too_few":
        side, n = (
            ("baseline", effect["baseline_n"])
            if effect["baseline_n"] < effect["min_sample"]
            else ("followup", effect["followup_n"])
        )
        return t("act.why.too_few", window=t(f"act.{side}"), n=n, needed=effect["min_sample"])
    if complaint:
        parts = [
            t(
                "act.why.rate",
                before=fmt(effect["baseline_rate_pct"], 2, "%"),
                after=fmt(effect["followup_rate_pct"], 2, "%"),
                p=p_text(effect["p_rate"]) or "—",
            )
        ]
    else:
        parts = [
            t(
                "act.why.share",
                before=fmt(effect["baseline_dissatisfied_pct"], 1, "%"),
                after=fmt(effect["followup_dissatisfied_pct"], 1, "%"),
                p=p_text(effect["p_dissatisfied"]) or "—",
            ),
            t(
                "act.why.mean",
                before=fmt(effect["baseline_mean"]),
                after=fmt(effect["followup_mean"]),
                p=p_text(effect["p_mean"]) or "—",
            ),
        ]
    return "; ".join(parts) + f" → {label('act.verdict', verdict)}"


def effect_panel(action_id: str) -> dict | None:
    """The baseline and follow-up windows side by side, the chart and the verdict in words."""
    if not region_ok("action_effect"):  # the effect counts every region's responses
        st.info(t("auth.region_limited"))
        return None
    found = q("action_effect", action_id=action_id)
    if found.is_empty():
        return None
    effect = found.row(0, named=True)
    st.markdown(f"**{t('act.verdict')}: {label('act.verdict', effect['verdict'])}** — {explain(effect)}")
    complaint = effect["source"] == "complaint"
    measures = (
        ["complaints", "shipments", "rate_pct", "rate_ci_low", "rate_ci_high"]
        if complaint
        else [
            "n",
            "mean",
            "mean_ci_low",
            "mean_ci_high",
            "dissatisfied_pct",
            "dissatisfied_ci_low",
            "dissatisfied_ci_high",
        ]
    )
    rows = []
    for side in ("baseline", "followup"):
        start, end = effect[f"{side}_start"], effect[f"{side}_end"]
        # A figure a window cannot have yet says why, never "None".
        missing = t(f"act.no_data.{side}") if start is not None else t("act.no_data.not_done")
        rows.append(
            {
                "window": t(f"act.{side}"),
                "from": "" if start is None else f"{start:%Y-%m-%d}",
                "to": "" if end is None else f"{end:%Y-%m-%d}",
                **{m: _figure(effect.get(f"{side}_{m}"), m, missing) for m in measures},
            }
        )
    table(pl.DataFrame(rows, infer_schema_length=None), f"effect_{action_id}")
    tests = ["p_rate"] if complaint else ["p_dissatisfied", "p_mean"]
    st.caption(" · ".join(f"{t('col.' + name)} {p_text(effect[name]) or '—'}" for name in tests))
    measured = effect["followup_n"] or effect["baseline_n"] or effect["baseline_shipments"]
    if measured:
        st.plotly_chart(charts.action_effect(effect), key=f"effect_chart_{action_id}")
    return effect


def _figure(value, measure: str, missing: str) -> str:
    if value is None:
        return missing
    if measure in ("n", "complaints", "shipments"):
        return f"{int(value):,}"
    return f"{value:,.2f}" if measure.startswith("rate") else f"{value:,.1f}"


def describe(action: dict) -> str:
    """What the action answers, in words: '题目 q3 (dealer-sales) · 客户 C005'."""
    parts = [label("act.source", action["source"])]
    if action["source"] == "complaint":
        parts.append(
            label("cat", action["cause_category"]) + (f"·{action['cause']}" if action["cause"] else "")
        )
    else:
        target = action["item_id"] if action["source"] == "item" else action["dimension_id"]
        parts.append(f"{target} ({action['questionnaire_id']})")
    if action.get("scope"):
        parts.append(f"{t('col.scope')} {action['scope']}")
    if action.get("customer_id"):
        parts.append(f"{t('col.customer_id')} {action['customer_id']}")
    return " ".join(parts[:2]) + "".join(f" · {p}" for p in parts[2:])


def complaint_table(frame: pl.DataFrame, name: str, shown: pl.DataFrame | None = None, **kwargs) -> None:
    """A list of complaints (`shown`: as displayed) where selecting one offers an action on its
    cause for its customer."""
    if shown is None:  # cause categories in words, not ids (method)
        shown = frame.with_columns(
            pl.col("cause_category").replace_strict(
                labels(charts.CATEGORIES, "cat"), default=pl.col("cause_category")
            )
        )
    event = table(shown, name, on_select="rerun", selection_mode="single-row", **kwargs)
    rows = event.selection.rows if event is not None else []
    if not rows:
        st.caption(t("act.pick_complaint"))
        return
    complaint = frame.row(rows[0], named=True)
    # A cause field may name several causes ("H93,H15"): the action narrows to the first.
    causes = [c.strip() for c in re.split(r"[,;、/，；]", complaint["cause"] or "") if c.strip()]
    create_button(
        f"complaint_{complaint['complaint_id']}",
        source="complaint",
        cause_category=complaint["cause_category"],
        cause=causes[0] if causes else None,
        customer_id=complaint["customer_id"],
        title=t("act.default_title", what=causes[0] if causes else label("cat", complaint["cause_category"])),
    )
