"""Manyi dashboard router: language, shared filters and the page list."""

from pathlib import Path

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from dashboard.filters import language_switch, sidebar
from dashboard.i18n import t
from dashboard.page import register

# A pages/ folder beside app.py starts Streamlit in its legacy multipage mode, which runs this
# script nested in a navigation of its own on the first run; leave that mode before drawing.
if PagesManager.uses_pages_directory:
    PagesManager.uses_pages_directory = False
    st.rerun()

PAGES = Path(__file__).resolve().parent / "pages"
st.set_page_config(page_title="Manyi 满意", page_icon=":material/bar_chart:", layout="wide")
language_switch()

pages = {
    t("nav.section.analysis"): [
        st.Page(
            PAGES / "overview.py",
            title=t("nav.overview"),
            icon=":material/monitoring:",
            url_path="overview",
            default=True,
        ),
        st.Page(
            PAGES / "dimensions.py",
            title=t("nav.dimensions"),
            icon=":material/stacked_bar_chart:",
            url_path="dimensions",
        ),
        st.Page(PAGES / "pareto.py", title=t("nav.pareto"), icon=":material/bar_chart:", url_path="pareto"),
        st.Page(
            PAGES / "causes.py", title=t("nav.causes"), icon=":material/account_tree:", url_path="causes"
        ),
        st.Page(
            PAGES / "competitors.py",
            title=t("nav.competitors"),
            icon=":material/compare_arrows:",
            url_path="competitors",
        ),
        st.Page(PAGES / "actions.py", title=t("nav.actions"), icon=":material/task_alt:", url_path="actions"),
    ],
    t("nav.section.data"): [
        st.Page(PAGES / "upload.py", title=t("nav.upload"), icon=":material/upload_file:", url_path="upload"),
        st.Page(
            PAGES / "settings.py", title=t("nav.settings"), icon=":material/settings:", url_path="settings"
        ),
    ],
}
register(pages)
page = st.navigation(pages)
st.session_state["filters"] = sidebar()
page.run()
