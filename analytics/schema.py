"""The canonical schema: referral and activity fields, source types, and their meanings."""

from __future__ import annotations

from dataclasses import dataclass

# Source types of METRICS.md, in the order they are listed everywhere (tables, legends, JSON).
SOURCE_TYPES: tuple[str, ...] = (
    "physician",
    "physician_extender",
    "chiropractor",
    "health_wellness",
    "organization",
    "patient",
    "self",
    "marketing",
    "unknown",
)
PARTNER_TYPES: frozenset[str] = frozenset(
    {"physician", "physician_extender", "chiropractor", "health_wellness", "organization"}
)
PHYSICIAN_TYPES: frozenset[str] = frozenset({"physician", "physician_extender"})

SOURCE_TYPE_LABELS: dict[str, str] = {
    "physician": "Physician",
    "physician_extender": "PA / NP",
    "chiropractor": "Chiropractor",
    "health_wellness": "Health & wellness",
    "organization": "Organization",
    "patient": "Patient word-of-mouth",
    "self": "Self / direct access",
    "marketing": "Marketing",
    "unknown": "Unknown",
}

# The name used for referrals whose source is blank, "(Unassigned)", "Other"...
UNKNOWN_SOURCE = "Unknown"
UNASSIGNED_CLINIC = "(Unassigned)"

ACTIVITY_TYPES: tuple[str, ...] = (
    "lunch",
    "office visit",
    "call",
    "email",
    "gift",
    "in-service",
    "event",
    "other",
)


@dataclass(frozen=True)
class Field:
    """One canonical field an export column can be mapped to."""

    name: str
    label: str
    required: bool = False
    # Fields that are never stored as read: the value is hashed into patient_key.
    identifier: bool = False


REFERRAL_FIELDS: tuple[Field, ...] = (
    Field("referral_date", "Referral date", required=True),
    Field("source_name", "Referring source (name)"),
    Field("source_type", "Source type"),
    # A second source column (Raintree's "Referral Source" beside "Referring Provider"): the
    # employer, attorney or gym it names is the partner on rows without a provider.
    Field("referral_source", "Referral source when no provider is given"),
    Field("organization", "Organization / practice group"),
    Field("npi", "Referrer NPI"),
    Field("clinic", "Clinic / location"),
    Field("payer", "Payer / insurance"),
    Field("patient", "Patient (name, MRN, account #)", identifier=True),
    Field("case_id", "Case ID"),
    Field("eval_date", "Evaluation date"),
    Field("arrived", "Arrived / evaluated flag"),
    Field("physician_flag", "Referred by physician flag"),
    Field("visits", "Visits"),
    Field("charges", "Charges"),
    Field("payments", "Payments / collections"),
    Field("discharge_date", "Discharge date"),
    Field("count", "Count (summary rows)"),
    Field("case_created", "Case created date (when the referral date is blank)"),
)

ACTIVITY_FIELDS: tuple[Field, ...] = (
    Field("activity_date", "Activity date", required=True),
    Field("partner", "Referral partner", required=True),
    Field("activity_type", "Activity"),
    Field("cost", "Cost"),
    Field("staff", "Staff"),
    Field("notes", "Notes"),
)

FIELDS_BY_KIND: dict[str, tuple[Field, ...]] = {
    "referrals": REFERRAL_FIELDS,
    "activities": ACTIVITY_FIELDS,
}

# Columns of the referrals table and of every referral frame the store returns.
# dtypes: dates are datetime64[ns] (midnight), text is pandas "str" with NA for missing,
# arrived is nullable boolean (NA = outcome unknown), money/visits float64 (NaN = missing).
REFERRAL_COLUMNS: tuple[str, ...] = (
    "referral_date",
    "source_name",
    "source",
    "source_type",
    "organization",
    "npi",
    "npi_valid",
    "clinic",
    "payer",
    "patient_key",
    "case_id",
    "eval_date",
    "arrived",
    "visits",
    "charges",
    "payments",
    "discharge_date",
    "count",
    "upload_id",
)

ACTIVITY_COLUMNS: tuple[str, ...] = (
    "activity_date",
    "partner_name",
    "partner",
    "activity_type",
    "cost",
    "staff",
    "notes",
    "upload_id",
)
