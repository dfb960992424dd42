"""The only Streamlit-importing code: cached store handles and shared widgets (`state`), and
the planning pages' cached loaders (`planning`)."""
