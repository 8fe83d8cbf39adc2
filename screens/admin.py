"""Administration: users (add, role, regions, password, disable) and the audit trail."""

import datetime as dt

import polars as pl
import streamlit as st

from dashboard import admin, auth
from dashboard.i18n import labels, t
from dashboard.state import q
from dashboard.widgets import table
from warehouse.roles import ROLES

auth.require("admin")
st.title(t("nav.admin"))
known = q("users")
regions = q("regions")["region"].to_list()
table(known, "users")

left, right = st.columns(2)
with left, st.form("add_user", clear_on_submit=True):
    st.subheader(t("admin.add"))
    name = st.text_input(t("auth.name"), key="new_user_name")
    role = st.selectbox(t("admin.role"), ROLES, format_func=labels(ROLES, "role").get, key="new_user_role")
    chosen = st.multiselect(
        t("admin.regions"),
        regions,
        key="new_user_regions",
        help=t("admin.regions_help"),
        placeholder=t("admin.all_regions"),
        select_all=False,
    )
    email = st.text_input(t("admin.email"), key="new_user_email", help=t("admin.email_help"))
    dept = st.text_input(t("col.dept"), key="new_user_dept", help=t("admin.dept_help"))
    password = st.text_input(t("auth.password"), type="password", key="new_user_password")
    if st.form_submit_button(t("admin.add"), type="primary"):
        problem = admin.add_user(name, role, password, chosen, email, dept)
        if problem:
            st.error(problem)
        else:
            st.success(t("admin.added", name=name))
with right:
    st.subheader(t("admin.change"))
    names = known["user_name"].to_list()
    if names:
        who = st.selectbox(t("auth.name"), names, key="change_user")
        row = known.filter(pl.col("user_name") == who).row(0, named=True)
        with st.form("change_user_form"):
            new_role = st.selectbox(
                t("admin.role"), ROLES, index=ROLES.index(row["role"]), format_func=labels(ROLES, "role").get
            )
            current = admin.parse_regions(row["regions"])
            new_regions = st.multiselect(
                t("admin.regions"),
                sorted({*regions, *current}),
                default=current,
                placeholder=t("admin.all_regions"),
                select_all=False,
            )
            new_email = st.text_input(t("admin.email"), row["email"] or "", help=t("admin.email_help"))
            new_dept = st.text_input(t("col.dept"), row["dept"] or "", help=t("admin.dept_help"))
            new_password = st.text_input(t("admin.new_password"), type="password")
            disabled = st.checkbox(t("admin.disabled"), row["disabled"])
            if st.form_submit_button(t("admin.save")):
                problem = admin.change_user(
                    who, new_role, new_regions, new_password, disabled, new_email, new_dept
                )
                if problem:
                    st.error(problem)
                else:
                    st.success(t("admin.changed", name=who))
        if st.button(t("admin.unlock"), key="unlock_user", icon=":material/lock_open:"):
            problem = admin.unlock_user(who)
            if problem:
                st.error(problem)
            else:
                st.success(t("admin.unlocked", name=who))

st.subheader(t("admin.audit"))
cols = st.columns(3)
today = dt.date.today()
dates = cols[0].date_input(t("filter.dates"), (today - dt.timedelta(days=30), today), key="audit_dates")
events = [
    "login",
    "login_failed",
    "logout",
    "upload",
    "rollback",
    "questionnaire",
    "action",
    "setting",
    "user",
    "report",
    "download",
    "topics",
]
every = {None: t("filter.all")}
event = cols[1].selectbox(
    t("admin.event"), [None, *events], format_func={**every, **labels(events, "event")}.get, key="audit_event"
)
user_name = cols[2].selectbox(
    t("auth.name"), [None, *names], format_func={**every, **{n: n for n in names}}.get, key="audit_user"
)
if isinstance(dates, tuple) and len(dates) == 2:
    table(q("audit", date_from=dates[0], date_to=dates[1], event=event, user_name=user_name), "audit")
