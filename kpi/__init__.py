"""Cadence's KPI engine: pure pandas, no Streamlit."""
