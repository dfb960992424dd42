"""Outreach names read as referral sources: "Dr. Okafor" in the activity log is the only
referral source it can be."""

from __future__ import annotations

import pandas as pd

from analytics.filters import Filters
from analytics.identity.names import outreach_matches, partial_names
from analytics.store import Store


def activities_of(store: Store, filters: Filters | None = None) -> pd.DataFrame:
    """The store's outreach activities in the filter's period, partial partner names read as
    the referral source they can only be."""
    with store.session():
        frame = store.activity_rows(filters)
        if frame.empty:
            return frame
        partial = partial_names(frame["partner"].dropna().unique().tolist())
        if not partial:
            return frame
        sources = store.referral_sources()
    matches = outreach_matches([p for p in partial if p not in sources], sources)
    if matches:
        frame["partner"] = frame["partner"].replace(matches).astype("str")
    return frame
