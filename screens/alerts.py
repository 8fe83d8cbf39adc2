"""The alerts inbox (预警): what fired, against which limits, unread first."""

import streamlit as st

from dashboard import alerts
from dashboard.i18n import t

st.title(t("nav.alerts"))
alerts.page()
