"""Settings: key-account threshold, time zone, minimum sample and the working-day calendar."""

import datetime as dt
import zoneinfo

import streamlit as st

from dashboard import admin, auth
from dashboard.admin import save_setting
from dashboard.i18n import t
from dashboard.state import q
from dashboard.widgets import table
from warehouse.settings import SETTINGS, SettingError, check

auth.require("admin")
st.title(t("settings.title"))
current = q("metric_settings").row(0, named=True)


def save(name: str, value: str) -> None:
    try:
        stored = save_setting(name, value)
    except SettingError as exc:
        st.error(f"{t('settings.refused')}: {exc}")
    else:
        st.success(t("settings.saved").format(name=name, value=stored))


with st.form("metric_settings"):
    threshold = st.text_input(
        t("settings.threshold"), f"{current['key_account_threshold']:.0f}", key="set_threshold"
    )
    zones = sorted(zoneinfo.available_timezones())
    zone = st.selectbox(t("settings.timezone"), zones, index=zones.index(current["timezone"]), key="set_tz")
    min_n = st.number_input(t("settings.min_sample"), 2, 1_000_000, int(current["min_sample"]), key="set_min")
    if st.form_submit_button(t("settings.save")):
        values = {"key_account_threshold": threshold, "timezone": zone, "min_sample": str(int(min_n))}
        problems = []
        for name, value in values.items():
            try:
                check(name, value)
            except SettingError as exc:
                problems.append(str(exc))
        for problem in problems:  # all or nothing, like an upload
            st.error(f"{t('settings.refused')}: {problem}")
        if not problems:
            for name, value in values.items():
                save(name, value)

st.subheader(t("settings.calendar"))
st.caption(t("settings.calendar_help"))
with st.form("calendar"):
    day = st.date_input(t("settings.day"), dt.date.today(), key="set_day")
    kind = st.radio(
        t("settings.day_kind"),
        ["holiday", "workday", "default"],
        format_func={k: t(f"settings.{k}") for k in ("holiday", "workday", "default")}.get,
        horizontal=True,
        key="set_kind",
    )
    if st.form_submit_button(t("settings.save")):
        save(f"calendar:{day:%Y-%m-%d}", kind)
st.subheader(t("settings.any"))
with st.form("any_setting"):
    names = list(SETTINGS)
    left, right = st.columns([2, 1])
    name = left.selectbox(
        t("settings.name"),
        names,
        format_func={n: f"{n} · {t(f'setting.{n}')}" for n in names}.get,
        key="set_any",
    )
    value = right.text_input(t("settings.value"), key="set_any_value")
    if st.form_submit_button(t("settings.save")):
        save(name, value)
table(admin.settings_table(), "settings")
