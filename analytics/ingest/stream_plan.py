"""The first, light pass over a streamed referral file: what must be decided on the whole file
before any chunk is normalised, so every chunk is read as the whole file would be.

- Date order and decimal separators are decided per column on its distinct values (and, for
  plain columns, on whether every cell casts): the file's distinct cells, padded with missing
  ones so the fast path is taken exactly when the whole column takes it (`values` switches at
  10,000 cells), are read once (`decided.Reading`) and each chunk's cells get their results.
- Who referred is resolved once, on the distinct (spelling, NPI, label) of the rows kept,
  in order of first appearance, each weighted by its rows: what resolve_sources sees of a
  whole file. Which rows are kept (a date, not in the future, not a subtotal, a count) is
  found from codes per row into the distinct dates and counts.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analytics.ingest import referral_rows as rr
from analytics.ingest import sources, values
from analytics.ingest.column_reads import WholeFile
from analytics.ingest.decided import DATES, NUMBERS, Reading
from analytics.ingest.layout import FOOTER
from analytics.ingest.parse_ahead import ParseAhead
from analytics.store.batch import IngestContext

# Fields whose reading is decided on the whole column (values.read_dates / read_numbers).
DECIDED = (
    "referral_date",
    "case_created",
    "count",
    "eval_date",
    "visits",
    "charges",
    "payments",
    "discharge_date",
)
FAST_PATH_CELLS = 10_000  # values._cast_long_text: shorter columns take the full parser
MERGE_CELLS = 2_000_000  # distinct cells held per column before they are merged into one set
# The (spelling, NPI text, NPI valid, label) of a row: what resolve_sources tells apart.
Identity = tuple[Any, Any, bool, Any]


def _missing(value: object) -> object:
    return None if value is None or value is pd.NA or value != value else value


class Codes:
    """Row codes into a growing table of distinct values, kept for every row of the file."""

    def __init__(self) -> None:
        self.ids: dict[object, int] = {}
        self.parts: list[np.ndarray] = []

    def add(self, keys: list, codes: np.ndarray) -> None:
        """Rows given as codes into `keys` (this chunk's distinct values; -1 missing)."""
        table = np.array([self.ids.setdefault(k, len(self.ids)) for k in keys] + [-1])
        self.parts.append(table[codes].astype(np.int32))

    def rows(self) -> np.ndarray:
        return np.concatenate(self.parts) if self.parts else np.zeros(0, np.int32)

    def distinct(self) -> list:
        return list(self.ids)


def identity_codes(
    names: pd.Series, npi: pd.Series, valid: pd.Series, labels: pd.Series | None
) -> tuple[list[Identity], np.ndarray]:
    """The distinct identities of some rows and each row's code into them."""
    n = len(names)
    missing = pd.Series(pd.NA, index=names.index, dtype="str")
    parts = [names, npi, valid, labels if labels is not None else missing]
    codes, uniques = [], []
    for part in parts:
        c, u = pd.factorize(part, use_na_sentinel=True)
        codes.append(c.astype(np.int64) + 1)
        uniques.append(np.array([None] + [_missing(x) for x in np.asarray(u, dtype=object)]))
    joint = np.zeros(n, dtype=np.int64)
    for c, u in zip(codes, uniques, strict=True):
        joint = joint * len(u) + c
    row_codes, combos = pd.factorize(joint)
    columns = []
    rest = np.asarray(combos, dtype=np.int64)
    for u in reversed(uniques):
        rest, at = np.divmod(rest, len(u))
        columns.insert(0, u[at].tolist())
    valid_flags = [bool(v) for v in columns[2]]
    keys = list(zip(columns[0], columns[1], valid_flags, columns[3], strict=True))
    return keys, row_codes


def padded(distinct: pa.Array, total: int, dtype: Any) -> pd.Series:
    """Distinct cells as a column that takes the path the file's whole column takes."""
    column = pd.Series(dtype.__from_arrow__(distinct))
    short = min(total, FAST_PATH_CELLS) - len(column)
    if short > 0:
        column = pd.concat([column, pd.Series([None] * short, dtype=dtype)], ignore_index=True)
    return column


class Survey:
    """What the first pass gathers, chunk by chunk."""

    def __init__(self, found: dict[str, str]):
        self.found = found
        self.total = 0
        self.distinct: dict[str, list[pa.Array]] = {f: [] for f in DECIDED if f in found}
        self.keys = {f: Codes() for f in ("referral_date", "case_created", "count") if f in found}
        self.identities = Codes()
        self.dtype: Any = None
        # The first chunk's spellings (nearly all a file has) are parsed in a second process
        # while the pass goes on; any others are parsed when resolved.
        self.ahead: ParseAhead | None = None

    def add(self, body: pd.DataFrame) -> None:
        self.total += len(body)
        for field, parts in self.distinct.items():
            column = body[self.found[field]]
            if self.dtype is None:
                self.dtype = column.dtype
            parts.append(pc.unique(values.arrow_text(column)))
            # The chunks' distinct cells are merged into one set once they hold more than
            # MERGE_CELLS: held memory stays about the file's distinct cells, and a column of
            # many (amounts) is not re-hashed whole with every chunk.
            if len(parts) > 1 and sum(len(p) for p in parts) > MERGE_CELLS:
                parts[:] = [pc.unique(pa.chunked_array(parts, type=pa.large_string()))]
        for field, codes in self.keys.items():
            c, u = pd.factorize(body[self.found[field]], use_na_sentinel=True)
            codes.add(list(np.asarray(u, dtype=object)), c)
        names, labels, _ = rr.names_and_labels(body, self.found)
        if names is None:
            names = pd.Series(pd.NA, index=body.index, dtype="str")
        elif self.ahead is None:
            self.ahead = ParseAhead(pc.unique(values.arrow_text(names)).drop_null().to_pylist())
        labels = rr.physician_labels(body, self.found, labels, body.index)
        npi, valid = rr.npis(body, self.found, body.index)
        keys, codes = identity_codes(names, npi, valid, labels)
        self.identities.add(keys, codes)

    def evidence(self) -> dict[str, pa.Array]:
        """Each decided column's distinct cells over the whole file (missing left out)."""
        out = {}
        for field, parts in self.distinct.items():
            joined = pa.chunked_array(parts, type=pa.large_string()) if parts else None
            out[self.found[field]] = (
                pc.unique(joined).drop_null()
                if joined is not None
                else pa.array([], pa.large_string())
            )
        return out


class StreamPlan(WholeFile):
    """Reads of one chunk with the whole file's decisions (see the module)."""

    def __init__(
        self,
        total: int,
        evidence: dict[str, pa.Array],
        identities: np.ndarray,
        resolved: pd.DataFrame,
        at: np.ndarray,
        aliases: pd.DataFrame,
    ):
        """`identities`: each file row's identity code (first pass); `resolved`: source,
        source_type and patient_named of the identities resolved, `at` each identity's row
        there (-1: not resolved, its rows were not kept)."""
        super().__init__()
        self.total = total
        self.evidence = evidence
        self.identities = identities
        self.resolved = resolved
        self.at = at
        self.aliases = aliases
        self.readings: dict[tuple[str, str], Reading] = {}

    def _reading(self, raw: pd.Series, kind: str) -> Reading:
        """The whole file's reading of a column, made on first use from its distinct cells."""
        key = (raw.name, kind)
        if key not in self.readings:
            known = self.evidence.get(raw.name)
            if known is None:
                known = pa.array([], pa.large_string())
            column = padded(known, self.total, raw.dtype)
            self.readings[key] = Reading(kind, known, column)
        return self.readings[key]

    def dates(self, raw: pd.Series) -> values.DateColumn:
        return self._reading(raw, DATES).dates(raw)

    def numbers(self, raw, read, per=None) -> values.NumberColumn:
        return self._reading(raw, NUMBERS).numbers(raw, read, per)

    def ahead(self, spellings: list[str]) -> None:
        return None  # resolved already, on the whole file

    def resolve(
        self, names, npi, npi_valid, labels, *args: Any, **kwargs: Any
    ) -> sources.Resolution:
        """The kept rows' referrers: each row's identity as the first pass coded it, as
        resolved on the whole file (the index of `names` is the rows' place in the chunk)."""
        found = self.at[self.identities[self.offset + names.index.to_numpy()]]
        if (found < 0).any():  # the first pass kept the rows this one keeps: never expected
            raise RuntimeError("a kept row whose referrer the first pass did not resolve")
        frame = self.resolved.iloc[found].set_axis(names.index)
        frame = frame.astype({"source": "str", "source_type": "str", "patient_named": bool})
        return sources.Resolution(frame, self.aliases.iloc[0:0])


def decide(
    survey: Survey,
    context: IngestContext,
    today: date,
    default_type: str,
) -> StreamPlan:
    """The whole file's decisions from the first pass: kept rows, then who each referrer is."""
    total = survey.total
    keep = _kept(survey, today)
    ids = survey.identities.rows()
    identities = survey.identities.distinct()
    kept_ids = ids[keep]
    weights = np.bincount(kept_ids, minlength=len(identities))
    present, first = np.unique(kept_ids, return_index=True)
    order = present[np.argsort(first, kind="stable")]
    chosen = [identities[i] for i in order.tolist()]
    names = pd.Series([k[0] for k in chosen], dtype="str")
    ahead = survey.ahead
    npi = pd.Series([k[1] for k in chosen], dtype="str")
    valid = pd.Series([k[2] for k in chosen], dtype=bool)
    labels = pd.Series([k[3] for k in chosen], dtype="str")
    resolution = sources.resolve_sources(
        names,
        npi,
        valid,
        labels if labels.notna().any() else None,
        context.aliases,
        default_type=default_type,
        parsed=ahead.result if ahead is not None else None,
        weights=weights[order],
    )
    resolved = resolution.frame[["source", "source_type", "patient_named"]].reset_index(drop=True)
    at = np.full(len(identities), -1, dtype=np.int64)
    at[order] = np.arange(len(order))
    return StreamPlan(total, survey.evidence(), ids, resolved, at, resolution.aliases)


def _per_distinct(survey: Survey, field: str) -> tuple[list, pd.Series]:
    keys = survey.keys[field].distinct()
    cells = pa.array([k for k in keys], type=pa.large_string())
    return keys, padded(cells, survey.total, survey.dtype)


def _kept(survey: Survey, today: date) -> np.ndarray:
    """Which rows of the file a referral export keeps (as referral_rows.referrals decides)."""
    found = survey.found
    keys, cells = _per_distinct(survey, "referral_date")
    n = len(keys)
    day = values.read_dates(cells).dates.to_numpy()[:n]
    day = np.append(day, np.datetime64("NaT", "ns"))  # code -1: a missing cell
    codes = survey.keys["referral_date"].rows()
    dates = day[codes]
    if "case_created" in found:
        ckeys, ccells = _per_distinct(survey, "case_created")
        created = values.read_dates(ccells).dates.to_numpy()[: len(ckeys)]
        created = np.append(created, np.datetime64("NaT", "ns"))[survey.keys["case_created"].rows()]
        empty = np.append(rr.blank(pd.Series(keys, dtype=survey.dtype)).to_numpy(bool), True)
        stand_in = np.isnat(dates) & ~np.isnat(created) & empty[codes]
        dates = np.where(stand_in, created, dates)
    limit = np.datetime64(today + timedelta(days=1), "ns")
    keep = ~np.isnat(dates) & ~(dates > limit)
    footer = np.array(
        [isinstance(k[0], str) and bool(FOOTER.match(k[0])) for k in survey.identities.distinct()]
        + [False]
    )
    keep &= ~footer[survey.identities.rows()]
    if "count" in found:
        nkeys, ncells = _per_distinct(survey, "count")
        counts = values.read_counts(ncells).numbers.to_numpy()[: len(nkeys)]
        counts = np.append(counts, np.nan)[survey.keys["count"].rows()]
        keep &= ~np.isnan(counts)
        keep &= counts != 0
    return keep
