"""The monthly report (满意度调查报告): the PDF and XLSX of the current filters, for management."""

import io

import streamlit as st

from dashboard import auth, subscribe
from dashboard.i18n import LANGS, lang, t
from dashboard.page import filters
from dashboard.report import ReportError, period_label
from dashboard.report_files import make
from dashboard.state import open_for_write, q
from warehouse import roles

f = filters()
st.title(t("report.title"))
st.caption(t("report.caption"))
trend = q("csi_trend", **f.params())
periods = sorted({period_label(d, f.grain) for d in trend["period_start"]}, reverse=True)
if not periods:
    st.info(t("report.read.empty"))
    st.stop()
left, right = st.columns(2)
period = left.selectbox(t("report.pick_period"), periods, key="report_period")
language = (
    right.segmented_control(
        t("report.lang"), list(LANGS), default=lang(), format_func=LANGS.get, key="report_lang"
    )
    or lang()
)
user = auth.current()


def _file(kind: str, key: tuple) -> tuple[bytes | None, str | None]:
    """One report file for the questionnaire, period, language, filters, role and regions in
    `key`, through the same query layer as the pages (an audited `report` event)."""
    qid, period, language, scope, segment, region, channel, staff, role, regions, unmask, who = key
    con = open_for_write()
    try:
        out = io.BytesIO()
        make(
            con,
            out,
            qid,
            period,
            lang=language,
            scope=scope,
            segment=segment,
            region=region,
            channel=channel,
            staff=staff,
            user=who,
            role=role,
            regions=regions,
            unmask=unmask,
            kind=kind,
        )
        return out.getvalue(), None
    except ReportError as exc:
        return None, str(exc)
    finally:
        con.close()


key = (
    f.questionnaire_id,
    period,
    language,
    f.scope,
    f.segment,
    f.region,
    f.channel,
    f.staff,
    user.role,
    user.regions,
    roles.can(user.role, "unmask"),
    user.name,
)
name = f"{f.questionnaire_id}_{period}_{language}"
for column, kind, mime in (
    (left, "pdf", "application/pdf"),
    (right, "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
):
    if column.button(t("report.make") + f" ({kind.upper()})", key=f"make_{kind}"):
        with st.spinner(t("report.making")):
            st.session_state[f"report_{kind}"] = (key, *_file(kind, key))
    made = st.session_state.get(f"report_{kind}")
    if made and made[0] == key:
        if made[2]:
            column.error(made[2])
        else:
            column.download_button(
                t(f"report.{kind}"),
                made[1],
                f"{name}.{kind}",
                mime,
                key=f"download_{kind}",
                type="primary",
                on_click="ignore",  # a rerun would drop the file the browser is fetching
            )
subscribe.section(f)
