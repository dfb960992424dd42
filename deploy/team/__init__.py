"""The team server on one machine: PostgreSQL, two Streamlit servers, nginx with sticky sessions.

`python -m deploy.team` (or `make serve-team`) starts it; see docs/deploy.md.
"""
