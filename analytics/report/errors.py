"""The one error a report raises: a sentence that says what is wrong and what to do."""

from __future__ import annotations

__all__ = ["ReportError"]


class ReportError(Exception):
    """A report cannot be made; the message is one sentence for the user."""
