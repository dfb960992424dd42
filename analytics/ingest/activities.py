"""Outreach activity types: what an owner's free-typed activity log entry was."""

from __future__ import annotations

import re

# First match wins: "Lunch & Learn at office" is a lunch, not an office visit.
_ACTIVITY_PATTERNS: tuple[tuple[str, str], ...] = (
    ("in-service", r"in[\s-]?service|inservice|lecture|presentation|education"),
    ("lunch", r"lunch|breakfast|dinner|meal|catered|coffee"),
    ("gift", r"gift|basket|cookies|treats|flowers|card|swag|thank"),
    ("event", r"event|fair|golf|gala|sponsor|race|tournament|screening|open house"),
    ("call", r"call|phone"),
    ("email", r"e-?mail|newsletter|letter|fax|mail"),
    ("office visit", r"visit|drop[\s-]?(in|by|off)|meeting|office|stop"),
)


def activity_type_of(label: str) -> str:
    """Fold a free-typed activity ("Lunch & Learn", "Holiday Gift") into ACTIVITY_TYPES."""
    text = label.casefold()
    for kind, pattern in _ACTIVITY_PATTERNS:
        if re.search(pattern, text):
            return kind
    return "other"
