"""Manyi dashboard router: shared connection, filters and the page list."""

import streamlit as st

from dashboard.state import warehouse

st.set_page_config(page_title="Manyi 满意", page_icon="📊", layout="wide")

con = warehouse()
st.title("Manyi 满意")
st.caption("Loaded batches / 已加载批次")
st.dataframe(con.list_batches(), hide_index=True)
