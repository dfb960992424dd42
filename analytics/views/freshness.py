"""How old the data is: the "data through" date every report and action list carries, and
the note that says so when the newest referral is weeks behind the day it is read."""

from __future__ import annotations

from datetime import date

import pandas as pd

from analytics import formatting as fmt

__all__ = ["STALE_DAYS", "data_through", "stale_note"]

# Monthly exports land a week or two after the month ends; past two weeks a reader should
# know the list is not this week's.
STALE_DAYS = 14


def data_through(last: date | pd.Timestamp | None) -> str:
    """ "Data through Oct 31, 2026" (or that there is no data)."""
    return "No data yet" if last is None or pd.isna(last) else f"Data through {fmt.day(last)}"


def stale_note(last: date | pd.Timestamp | None, today: date) -> str | None:
    """One sentence when the data ends more than STALE_DAYS before `today`, else None."""
    if last is None or pd.isna(last):
        return None
    age = (today - pd.Timestamp(last).date()).days
    if age <= STALE_DAYS:
        return None
    weeks = age // 7
    return (
        f"The data ends {fmt.day(last)}, {age} days ({weeks} weeks) before {fmt.day(today)}: "
        "upload the latest export before acting on it."
    )
