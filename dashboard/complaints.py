"""The complaint desk (投诉受理与跟踪, CONTRACT §10): register a complaint as it arrives, the
case board with its clocks, one case's steps as forms and its version history."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import polars as pl
import streamlit as st

from dashboard import actions, auth, charts, reasons
from dashboard.i18n import label, labels, t
from dashboard.state import open_for_write, q, settings_row
from dashboard.widgets import table
from pipelines import alerts, complaints
from pipelines.errors import ValidationError
from pipelines.fields import ENUMS
from warehouse.lake import Busy

PICKED = "case_picked"
# The codes a form offers: the loader's canonical values (each spelling maps to one of them).
CHANNELS, SEVERITIES = (tuple(dict.fromkeys(ENUMS[name].values())) for name in ("channel", "severity"))
BOARD_ORDER = [
    "complaint_id", "status", "severity", "customer_name", "cause", "responsible_dept", "handler",
    "answer_hours_left", "verify_days_left", "verify_due_date", "promised_at", "is_overdue", "received_at",
]  # fmt: skip


def now() -> dt.datetime:
    """The wall-clock time in the company's time zone (setting `timezone`), as complaint times
    are stored."""
    zone = zoneinfo.ZoneInfo(settings_row()["timezone"])
    return dt.datetime.now(zone).replace(tzinfo=None, microsecond=0)


def _write(run) -> bool:
    """Run a write; say in words why it was refused (nothing is written then)."""
    con = open_for_write()
    try:
        run(con)
        return True
    except ValidationError as exc:
        st.error(t("case.refused"))
        st.markdown("\n".join(f"- {p.column}: {p.value!r} — {reasons.say(p.reason)}" for p in exc.problems))
    except complaints.ComplaintError as exc:
        st.error(f"{t('case.refused')} {reasons.say(str(exc))}")
    except Busy:
        st.error(t("up.busy"))
    finally:
        con.close()
    return False


def _when(name: str, key: str, value: dt.datetime | None = None) -> dt.datetime:
    """A date and a time picked side by side (Streamlit has no datetime input)."""
    value = value or now()
    left, right = st.columns(2)
    day = left.date_input(t(f"col.{name}"), value.date(), key=f"{key}_day")
    clock = right.time_input(t("case.time"), value.time(), key=f"{key}_time", step=60)
    return dt.datetime.combine(day, clock)


def _choice(name: str, options, prefix: str, key: str, optional: bool = True):
    names = {None: "—", **labels(options, prefix)}
    return st.selectbox(
        t(f"col.{name}"), [None, *options] if optional else list(options), format_func=names.get, key=key
    )


def register_form() -> None:
    """Register a complaint as it arrives: a number at once, a warning when the customer has an
    open case on the same cause."""
    customers = q("customer_choices")
    shown = {
        r[
            "customer_id"
        ]: f"{r['name'] or ''} ({r['customer_id']}{', ' + r['phone_masked'] if r['phone_masked'] else ''})"
        for r in customers.iter_rows(named=True)
    }
    with st.form("register_case", clear_on_submit=False):
        customer = st.selectbox(t("col.customer_id"), list(shown), format_func=shown.get, key="case_customer")
        left, right = st.columns(2)
        with left:
            channel = _choice("channel", CHANNELS, "channel", "case_channel")
            category = _choice("cause_category", charts.CATEGORIES, "cat", "case_category", optional=False)
            severity = _choice("severity", SEVERITIES, "sev", "case_severity")
        with right:
            product = st.text_input(t("col.product"), key="case_product")
            cause = st.text_input(t("col.cause"), key="case_cause")
            dept = st.text_input(t("col.responsible_dept"), key="case_dept")
        description = st.text_area(t("col.description"), key="case_description")
        received = _when("received_at", "case_received")
        if st.form_submit_button(t("case.register"), type="primary"):
            record = {
                "customer_id": customer, "channel": channel, "cause_category": category, "severity": severity,
                "product": product, "cause": cause, "responsible_dept": dept, "description": description,
                "received_at": received,
            }  # fmt: skip
            open_same = q("open_cases_of", customer=customer, cause=cause or None)
            pair = (customer, cause)
            if open_same.height and st.session_state.get("case_duplicate_ok") != pair:
                # said before anything is written; a second press registers it all the same
                st.session_state["case_duplicate_ok"] = pair
                st.warning(t("case.duplicate", ids=", ".join(open_same["complaint_id"])))
            else:
                record["complaint_id"] = complaints.new_id(now())  # the number, said at once
                if _write(lambda con: complaints.register(con, record, auth.name(), now())):
                    if record.get("severity") in ("high", "critical"):  # escalated to the managers at once
                        _write(
                            lambda con: alerts.run(con, user=auth.name(), complaint=record["complaint_id"])
                        )
                    st.session_state.pop("case_duplicate_ok", None)
                    st.session_state[PICKED] = record["complaint_id"]
                    # drawn again: the counts and the board above include the new case
                    st.session_state["case_registered"] = record["complaint_id"]
                    st.rerun()


def registered() -> None:
    """The number of the complaint just registered, said after the page was drawn again."""
    found = st.session_state.pop("case_registered", None)
    if found:
        st.success(t("case.registered", id=found))


def counts() -> None:
    """Open cases by state, the overdue and the serious ones: every role's view."""
    found = q("case_counts", me=auth.name())
    cols = st.columns(5)
    cols[0].metric(t("case.open"), f"{int(found['cases'].sum()):,}")
    cols[1].metric(t("case.overdue"), f"{int(found['overdue'].sum()):,}")
    cols[2].metric(t("case.serious"), f"{int(found['serious'].sum()):,}")
    cols[3].metric(t("case.mine"), f"{int(found['mine'].sum()):,}", help=t("case.mine_help"))
    if found.height:
        parts = [f"{label('case.status', s)} {n}" for s, n in found.select("status", "cases").rows()]
        cols[4].caption(" · ".join(parts))


def board() -> dict | None:
    """The case board with its filters; the picked case (a row of case_board), if any."""
    found = q("case_board")
    cols = st.columns(4)
    for col, name, prefix in zip(
        cols,
        ("responsible_dept", "handler", "severity", "status"),
        (None, None, "sev", "case.status"),
        strict=True,
    ):
        values = sorted(v for v in found[name].unique().to_list() if v is not None)
        names = labels(values, prefix) if prefix else {v: v for v in values}
        picked = col.multiselect(
            t(f"col.{name}"), values, format_func=names.get, key=f"case_filter_{name}",
            placeholder=t("filter.all"), select_all=False,
        )  # fmt: skip
        if picked:
            found = found.filter(pl.col(name).is_in(picked))
    states = labels(found["status"].unique().to_list(), "case.status")
    shown = found.with_columns(pl.col("status").replace_strict(states, default=pl.col("status")))
    config = {"is_overdue": st.column_config.CheckboxColumn(t("case.overdue"))}
    event = table(
        shown, "case_board", on_select="rerun", selection_mode="single-row", column_order=BOARD_ORDER,
        column_config=config, height=360,
    )  # fmt: skip
    rows = event.selection.rows if event else []
    if rows:
        st.session_state[PICKED] = found["complaint_id"][rows[0]]
    chosen = st.session_state.get(PICKED)  # picked on the board, or named by a link (?case=)
    one = q("case_board", complaint=chosen) if chosen else None
    return one.row(0, named=True) if one is not None and one.height else None


def case_view(case: dict) -> None:
    """One case: what it is, the steps open to it as forms, and every version."""
    st.subheader(f"{case['complaint_id']} · {case['customer_name'] or case['customer_id']}")
    flash = st.session_state.pop("case_flash", None)
    if flash:
        st.success(flash)
    late = [t(f"case.late.{k}") for k in ("respond", "verify", "promise") if case[f"is_{_LATE[k]}"]]
    st.markdown(
        f"{t('col.status')}: **{label('case.status', case['status'])}**"
        + (f" · {t('col.severity')}: {label('sev', case['severity'])}" if case["severity"] else "")
        + (f" · :red[{'、'.join(late)}]" if late else "")
        + f" · {t('col.verify_due_date')}: {case['verify_due_date']}"
    )
    st.caption(case["description"] or "")
    if auth.can("cases"):
        open_steps = complaints.steps(case)
        if open_steps:
            name = st.segmented_control(
                t("case.step"), open_steps, format_func=labels(open_steps, "case.step").get, key="case_step"
            )
            if name:
                step_form(case, name)
        actions.create_button(
            f"case_{case['complaint_id']}", source="complaint", customer_id=case["customer_id"],
            cause_category=case["cause_category"], cause=case["cause"],
            title=t("act.default_title", what=case["cause"] or label("cat", case["cause_category"])),
        )  # fmt: skip
    led = q(
        "case_actions", customer=case["customer_id"], category=case["cause_category"], cause=case["cause"]
    )
    if led.height:
        st.markdown(f"**{t('case.actions')}**")
        verdicts = labels(led["verdict"].drop_nulls().unique().to_list(), "act.verdict")
        states = labels(led["status"].unique().to_list(), "act.status")
        table(
            led.with_columns(
                pl.col("status").replace_strict(states, default=pl.col("status")),
                pl.col("verdict").replace_strict(verdicts, default=pl.col("verdict")),
            ),
            "case_actions",
        )
    st.markdown(f"**{t('case.history')}**")
    history = q("case_versions", complaint=case["complaint_id"])
    steps = labels([*complaints.STEPS, "register", "load"], "case.step")
    table(history.with_columns(pl.col("step").replace_strict(steps, default=pl.col("step"))), "case_versions")


_LATE = {"respond": "respond_late", "verify": "verify_late", "promise": "promise_broken"}


def step_form(case: dict, name: str) -> None:
    """The form of one step; saved as a new version of the case."""
    key = f"case_{name}"
    with st.form(key):
        values: dict = {}
        for field in complaints.STEPS[name]:
            if field.endswith("_at"):
                values[field] = _when(field, f"{key}_{field}", case.get(field))
            elif field == "is_valid":
                values[field] = _choice(
                    field, ("valid", "invalid"), "case.valid", f"{key}_{field}", optional=False
                )
            elif field == "customer_accepted":
                values[field] = _choice(
                    field, ("yes", "no"), "case.accepted", f"{key}_{field}", optional=False
                )
            else:
                values[field] = st.text_input(t(f"col.{field}"), case.get(field) or "", key=f"{key}_{field}")
        saved = st.form_submit_button(t("case.save"), type="primary") and _write(
            lambda con: complaints.step(con, case, name, values, auth.name(), case["is_history"])
        )
    if saved:
        st.session_state.pop("case_step", None)
        st.session_state["case_flash"] = t("case.saved", step=label("case.step", name))
        st.rerun()
