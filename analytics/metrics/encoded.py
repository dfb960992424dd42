"""Referral rows encoded once as arrays: partner key and type codes, day, count, money, outcomes."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from analytics.filters import Filters
from analytics.schema import PARTNER_TYPES, PHYSICIAN_TYPES, SOURCE_TYPES, UNKNOWN_SOURCE

_TYPE_INDEX = {t: i for i, t in enumerate(SOURCE_TYPES)}
UNKNOWN_TYPE = _TYPE_INDEX["unknown"]
TYPE_NAMES = np.array(SOURCE_TYPES, dtype=object)
IS_PARTNER_TYPE = np.array([t in PARTNER_TYPES for t in SOURCE_TYPES])
IS_PHYSICIAN_TYPE = np.array([t in PHYSICIAN_TYPES for t in SOURCE_TYPES])


def to_day(value: pd.Timestamp) -> int:
    """Days since 1970-01-01 of a date (the integer day every array in this package uses)."""
    return int(np.datetime64(pd.Timestamp(value).date(), "D").astype("int64"))


def revenue_basis(payments: np.ndarray, charges: np.ndarray) -> str:
    """ "payments" when any payment is recorded, else "charges" when any charge is, else "none"."""
    if (~np.isnan(payments)).any():
        return "payments"
    if (~np.isnan(charges)).any():
        return "charges"
    return "none"


def revenue_of(payments: np.ndarray, charges: np.ndarray, basis: str) -> np.ndarray:
    """Revenue of each row on a basis (a missing amount counts as 0)."""
    if basis == "none":
        return np.zeros(len(payments))
    return np.nan_to_num(payments if basis == "payments" else charges)


def arrived_flags(frame: pd.DataFrame) -> pd.Series:
    """True where the patient was evaluated (eval_date present or flag true); NA where unknown."""
    return frame["eval_date"].notna() | frame["arrived"].astype("boolean")


@dataclass(frozen=True, eq=False)
class Encoded:
    """Referral rows as arrays, the level's partner key and normalised type already applied.

    `names[key]` is the row's partner key (organization roll-up applied at that level);
    `type` indexes SOURCE_TYPES (unrecognised or missing types, and partner types without a
    name, are "unknown"); `day` counts days since 1970-01-01. Money and visits are NaN where
    missing; `arrived` and `known` are referral counts; `eval_days` is days from referral to
    evaluation (NaN where unknown or negative, a typing error).
    """

    names: np.ndarray
    key: np.ndarray
    type: np.ndarray
    partner: np.ndarray
    day: np.ndarray
    count: np.ndarray
    payments: np.ndarray
    charges: np.ndarray
    arrived: np.ndarray
    known: np.ndarray
    visits: np.ndarray
    eval_days: np.ndarray

    @property
    def partners(self) -> int:
        """Number of key codes (not all of them need be partners)."""
        return len(self.names)

    def last_day(self) -> int | None:
        return int(self.day.max()) if len(self.day) else None

    def first_day(self) -> int | None:
        return int(self.day.min()) if len(self.day) else None

    def take(self, rows: np.ndarray) -> Encoded:
        """The same encoding restricted to some rows (a boolean mask)."""
        if rows.all():
            return self
        arrays = {f: getattr(self, f)[rows] for f in _ROW_FIELDS}
        return replace(self, **arrays)


_ROW_FIELDS = (
    "key",
    "type",
    "partner",
    "day",
    "count",
    "payments",
    "charges",
    "arrived",
    "known",
    "visits",
    "eval_days",
)


def _codes(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes (missing = -1) and the distinct values, as an object array."""
    codes, uniques = pd.factorize(values)
    return codes.astype("int64"), np.asarray(uniques, dtype=object)


_NS_PER_DAY = 86_400_000_000_000


def _days(dates: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Days since 1970-01-01 of midnight datetimes, and where the date is missing."""
    values = dates.to_numpy(dtype="datetime64[ns]")
    missing = np.isnat(values)
    return values.view("int64") // _NS_PER_DAY, missing


def encode(frame: pd.DataFrame, level: str = "partner") -> Encoded:
    """Encode a referral frame once; every metric then works on integer and float arrays."""
    names, key, types, partner = encode_identity(
        frame["source"], frame["source_type"], frame["organization"], level
    )
    day, _ = _days(frame["referral_date"])
    count = frame["count"].to_numpy(dtype="int64")
    arrived = arrived_flags(frame)
    eval_day, no_eval = _days(frame["eval_date"])
    eval_days = (eval_day - day).astype("float64")
    eval_days[no_eval | (eval_days < 0)] = np.nan
    return Encoded(
        names=names,
        key=key,
        type=types,
        partner=partner,
        day=day,
        count=count,
        payments=frame["payments"].to_numpy(dtype="float64"),
        charges=frame["charges"].to_numpy(dtype="float64"),
        arrived=count * arrived.fillna(False).to_numpy(dtype=bool),
        known=count * arrived.notna().to_numpy(),
        visits=frame["visits"].to_numpy(dtype="float64"),
        eval_days=eval_days,
    )


def encode_identity(
    source: pd.Series, source_type: pd.Series, organization: pd.Series, level: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The `names`, `key`, `type` and `partner` arrays of Encoded for these columns."""
    source_codes, source_names = _codes(source)
    type_codes, type_values = _codes(source_type)
    # Position -1 (a missing value) reads the appended last entry of each lookup.
    type_lookup = np.array(
        [_TYPE_INDEX.get(t, UNKNOWN_TYPE) for t in type_values] + [UNKNOWN_TYPE], dtype="int8"
    )
    types = type_lookup[type_codes]
    nameless = np.append(source_names == UNKNOWN_SOURCE, True)[source_codes]
    types = np.where(IS_PARTNER_TYPE[types] & nameless, UNKNOWN_TYPE, types).astype("int8")
    partner = IS_PARTNER_TYPE[types]
    names = np.append(source_names, UNKNOWN_SOURCE)
    key = np.where(source_codes < 0, len(source_names), source_codes)
    if level == "organization":
        org_codes, org_names = _codes(organization)
        rolls_up = partner & (org_codes >= 0)
        key = np.where(rolls_up, len(names) + org_codes, key)
        names = np.concatenate([names, org_names])
    # One code per distinct name ("Unknown" typed out, an organization named like a source).
    merged, distinct = pd.factorize(names)
    return np.asarray(distinct, dtype=object), merged.astype("int64")[key], types, partner


def source_types(frame: pd.DataFrame) -> pd.Series:
    """Each row's normalised source_type (unrecognised, missing or nameless partner: unknown)."""
    return pd.Series(TYPE_NAMES[encode(frame).type], index=frame.index, dtype="str")


def partner_key(frame: pd.DataFrame, level: str) -> pd.Series:
    """The name each row is counted under: its source, or at level "organization" the partner's
    organization (a partner without one stays itself)."""
    encoded = encode(frame, level)
    return pd.Series(encoded.names[encoded.key], index=frame.index, dtype="str")


def day_bounds(encoded: Encoded, filters: Filters) -> tuple[int | None, int | None]:
    """(start, end) days of the period: the filter dates, else the data's first and last days."""
    start = to_day(pd.Timestamp(filters.start)) if filters.start else encoded.first_day()
    end = to_day(pd.Timestamp(filters.end)) if filters.end else encoded.last_day()
    return start, end


def in_period(encoded: Encoded, start: int | None, end: int | None) -> Encoded:
    """The rows from day `start` to day `end` (inclusive); all rows when none fall outside."""
    if start is None or end is None:
        return encoded
    return encoded.take((encoded.day >= start) & (encoded.day <= end))
