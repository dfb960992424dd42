"""What each page shows, computed once from the metrics: tiles, tables, alerts and texts,
without Streamlit."""
