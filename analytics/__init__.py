"""Referral analytics for physical-therapy practices: ingest, store, metrics, charts, exports."""
