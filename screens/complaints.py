"""The complaint desk (投诉受理): register, the case board with its clocks, one case's steps."""

import streamlit as st

from dashboard import auth
from dashboard import complaints as desk
from dashboard.i18n import t

st.title(t("nav.complaints"))
st.caption(t("case.help"))
desk.counts()
desk.registered()
if auth.can("register"):
    with st.expander(t("case.new"), icon=":material/add_call:"):
        desk.register_form()
if not auth.can("case_detail"):
    st.caption(t("auth.detail_hidden"))
    st.stop()
case = desk.board()
if case is None:
    st.caption(t("case.pick"))
else:
    with st.container(border=True):
        desk.case_view(case)
