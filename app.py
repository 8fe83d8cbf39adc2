"""Manyi dashboard router: login, language, shared filters and the page list of the user's role."""

from pathlib import Path

import streamlit as st

from dashboard import alerts, auth, links
from dashboard.filters import language_switch, sidebar
from dashboard.i18n import t
from dashboard.page import register
from dashboard.state import begin_run, copy_soon, reader, warm_up
from warehouse import db_path, roles

# The screens live in screens/, not pages/: a pages/ folder beside the entry script would start
# Streamlit's legacy multipage mode instead of this router.
PAGES = Path(__file__).resolve().parent / "screens"
st.set_page_config(page_title="Manyi 满意", page_icon=":material/bar_chart:", layout="wide")
begin_run()  # the data version is looked up once per run
links.seed()  # a shared link's language and filters (dashboard/links.py)
language_switch()
reader()  # a missing warehouse stops here, with its path
# (section, page file and url path, icon) of every page; the role decides which are listed.
LAYOUT = [
    ("nav.section.analysis", "overview", ":material/monitoring:"),
    ("nav.section.analysis", "dimensions", ":material/stacked_bar_chart:"),
    ("nav.section.analysis", "pareto", ":material/bar_chart:"),
    ("nav.section.analysis", "causes", ":material/account_tree:"),
    ("nav.section.analysis", "voice", ":material/forum:"),
    ("nav.section.analysis", "competitors", ":material/compare_arrows:"),
    ("nav.section.analysis", "actions", ":material/task_alt:"),
    ("nav.section.analysis", "complaints", ":material/support_agent:"),
    ("nav.section.analysis", "calls", ":material/call:"),
    ("nav.section.analysis", "alerts", ":material/notifications:"),
    ("nav.section.analysis", "report", ":material/picture_as_pdf:"),
    ("nav.section.data", "upload", ":material/upload_file:"),
    ("nav.section.data", "settings", ":material/settings:"),
    ("nav.section.data", "admin", ":material/admin_panel_settings:"),
]
user = auth.current()
auth.hand_over_cookie()  # a sign-in's cookie fetched, a sign-out's cleared
if user is None:
    # The pages' imports and the default Overview's queries, in the background while the user
    # signs in.
    warm_up(str(db_path().absolute()))
    # Nothing but the login page exists before login: every URL shows it (a deep link opens
    # its page once signed in).
    logins = [st.Page(auth.login_page, title=t("auth.title"), url_path="login", default=True)]
    logins += [
        st.Page(auth.login_page, title=t("auth.title"), url_path=name, visibility="hidden")
        for _, name, _ in LAYOUT
    ]
    st.navigation(logins, position="hidden").run()
    st.stop()

pages: dict[str, list] = {}
named: dict[str, st.Page] = {}
for section, name, icon in LAYOUT:
    if roles.may_open(user.role, name):
        page = st.Page(
            PAGES / f"{name}.py", title=t(f"nav.{name}"), icon=icon, url_path=name, default=name == "overview"
        )
    else:
        # Reached by its URL, a page the role may not open says so and shows nothing else.
        page = st.Page(auth.not_permitted, title=t(f"nav.{name}"), url_path=name, visibility="hidden")
    pages.setdefault(t(section), []).append(page)
    named[name] = page  # the default page's url_path is "": known by its name
register(named)
# Every page listed: by default Streamlit folds a list of more than ten under "View more".
page = st.navigation(pages, expanded=True)
auth.logout_button()
alerts.unread_badge()  # the inbox's unread count under the page list
# Upload, settings, users and the complaint desk are not analyses: the filters stay, hidden.
st.session_state["filters"] = sidebar(
    shown=page.url_path not in ("upload", "settings", "admin", "complaints", "calls", "alerts")
)
page.run()
copy_soon()  # the in-memory copy for the pages after this one (warehouse.mirror)
