"""Who referred: reading names, matching spellings to one referrer, suggestions, and the
owner's decisions (merge, rename, type, organisation, split) that every read applies."""

from analytics.identity.decisions_csv import ImportResult, export_csv, import_csv
from analytics.identity.outreach import activities_of
from analytics.identity.review import (
    BulkResult,
    IdentityError,
    accept,
    accept_all,
    bulk_candidates,
    current,
    merge,
    merge_into,
    rank_by_impact,
    reject,
    rename,
    set_organization,
    set_type,
    split_spelling,
    suggestions,
    undo,
)
from analytics.identity.view import IdentityView, concentration_now, identity_view

__all__ = [
    "BulkResult",
    "IdentityError",
    "IdentityView",
    "ImportResult",
    "accept",
    "accept_all",
    "activities_of",
    "bulk_candidates",
    "concentration_now",
    "current",
    "export_csv",
    "identity_view",
    "import_csv",
    "merge",
    "merge_into",
    "rank_by_impact",
    "reject",
    "rename",
    "set_organization",
    "set_type",
    "split_spelling",
    "suggestions",
    "undo",
]
