"""The call desk (回访工作台): the agent's calls, and the month's plan for those who plan it."""

import streamlit as st

from dashboard import auth
from dashboard import calls as desk
from dashboard.i18n import t

st.title(t("nav.calls"))
st.caption(t("call.help"))
if auth.can("call"):
    call = desk.my_calls()
    if call is None:
        st.caption(t("call.pick"))
    else:
        with st.container(border=True):
            desk.call_view(call)
if auth.can("plan"):
    with st.expander(t("call.plan"), icon=":material/playlist_add_check:", expanded=not auth.can("call")):
        desk.plan_section()
