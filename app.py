"""Manyi dashboard router: language, shared filters and the page list."""

import streamlit as st

from dashboard.filters import language_switch, sidebar
from dashboard.i18n import t

st.set_page_config(page_title="Manyi 满意", page_icon=":material/bar_chart:", layout="wide")
language_switch()

pages = {
    t("nav.section.analysis"): [
        st.Page(
            "pages/overview.py",
            title=t("nav.overview"),
            icon=":material/monitoring:",
            url_path="overview",
            default=True,
        ),
        st.Page(
            "pages/dimensions.py",
            title=t("nav.dimensions"),
            icon=":material/stacked_bar_chart:",
            url_path="dimensions",
        ),
        st.Page("pages/pareto.py", title=t("nav.pareto"), icon=":material/bar_chart:", url_path="pareto"),
        st.Page("pages/causes.py", title=t("nav.causes"), icon=":material/account_tree:", url_path="causes"),
        st.Page(
            "pages/competitors.py",
            title=t("nav.competitors"),
            icon=":material/compare_arrows:",
            url_path="competitors",
        ),
    ],
    t("nav.section.data"): [
        st.Page("pages/upload.py", title=t("nav.upload"), icon=":material/upload_file:", url_path="upload"),
    ],
}
page = st.navigation(pages)
st.session_state["filters"] = sidebar()
page.run()
