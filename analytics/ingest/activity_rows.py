"""An outreach log's body to canonical activity rows: date, partner, kind, cost, staff."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from analytics.ingest import sources, values
from analytics.ingest.activities import activity_type_of
from analytics.ingest.column_reads import WholeFile, read_numbers
from analytics.ingest.referral_rows import date_problems, opt_text, text
from analytics.ingest.row_numbers import Rejection, RowNumbers
from analytics.store.batch import IngestContext


def activities(
    body: pd.DataFrame,
    found: dict[str, str],
    context: IngestContext,
    rows: RowNumbers,
    today: date,
) -> tuple[pd.DataFrame, list[Rejection], dict, pd.DataFrame]:
    """Canonical activity rows, rejections (sorted by row), quality, and no aliases."""
    dates, convention = values.parse_dates_report(body[found["activity_date"]])
    keep, rejected, quality = date_problems(body, dates, found["activity_date"], rows, today)
    partner_names = values.clean_text(body[found["partner"]])
    no_partner = partner_names.isna() & keep
    for pos in np.flatnonzero(no_partner.to_numpy()):
        rejected.append(rows.rejection(int(pos), "no referral partner"))
    keep &= ~no_partner
    rejected.sort(key=lambda r: r.row)
    body = body[keep.to_numpy()]
    partner_names = partner_names[keep]
    idx = body.index
    empty = pd.Series(pd.NA, index=idx, dtype="str")
    resolution = sources.resolve_sources(
        partner_names,
        empty,
        pd.Series(False, index=idx),
        None,
        context.aliases,
    )
    kinds = text(body, found, "activity_type")
    kinds = kinds.map(activity_type_of, na_action="ignore") if kinds is not None else empty
    plan = WholeFile()
    cost = read_numbers(body, found, "cost", values.read_money, rows, quality, plan).fillna(0.0)
    quality["value_problems"] = plan.problems.entries()
    frame = pd.DataFrame(
        {
            "activity_date": dates[keep].astype("datetime64[ns]"),
            "partner_name": partner_names.astype("str"),
            "partner": resolution.frame["source"].astype("str"),
            "activity_type": kinds.fillna("other").astype("str"),
            "cost": cost,
            "staff": opt_text(body, found, "staff", idx),
            "notes": opt_text(body, found, "notes", idx),
        },
        index=idx,
    ).reset_index(drop=True)
    if rows.sheets is not None:
        quality["_rows_by_sheet"] = pd.Series(rows.sheets[keep.to_numpy()]).value_counts().to_dict()
    quality |= {
        "date_convention": convention,
        "activities": len(frame),
        "total_cost": round(float(frame["cost"].sum()), 2),
    }
    return frame, rejected, quality, resolution.aliases.iloc[0:0]
