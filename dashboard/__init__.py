"""Streamlit glue: cached warehouse access, filters, labels. Pages import from here."""
