"""The owner's partner settings kept in a store: owner-managed flags, monthly targets and
store-wide settings such as the fiscal year's first month."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

import pandas as pd

from analytics.store.connection import StoreBase
from analytics.store.dialect import upsert

_SET_SETTING = upsert("settings", ("key", "value"), ("key",))


class SettingsMixin(StoreBase):
    """Partner flags, targets and settings (issue 17)."""

    def owner_managed(self) -> frozenset[str]:
        """Partners the owner handles personally."""
        rows = self._query("SELECT partner FROM partner_flags WHERE owner_managed")
        return frozenset(r[0] for r in rows)

    def set_owner_managed(self, partners: Iterable[str], managed: bool = True) -> None:
        """Flag (or unflag) partners as handled personally by the owner."""
        now = datetime.now()
        with self._write_lock:
            cur = self._cursor()
            for partner in partners:
                cur.execute(
                    upsert("partner_flags", ("partner", "owner_managed", "set_at"), ("partner",)),
                    [str(partner), bool(managed), now],
                )

    def targets(self) -> pd.DataFrame:
        """Expected referrals per month per partner: partner, monthly_target, origin, set_at."""
        frame = self._frame(
            "SELECT partner, monthly_target, origin, set_at FROM partner_targets ORDER BY partner"
        )
        return frame.astype({"partner": "str", "monthly_target": "float64", "origin": "str"})

    def set_targets(self, targets: Mapping[str, float | None], origin: str) -> None:
        """Set partners' monthly targets in one transaction; None removes a target."""
        now = datetime.now()
        with self._write_lock:
            cur = self._cursor()
            cur.execute("BEGIN TRANSACTION")
            try:
                for partner, target in targets.items():
                    cur.execute("DELETE FROM partner_targets WHERE partner = ?", [str(partner)])
                    if target is not None:
                        cur.execute(
                            "INSERT INTO partner_targets VALUES (?, ?, ?, ?)",
                            [str(partner), float(target), origin, now],
                        )
                cur.execute("COMMIT")
            except Exception:
                cur.execute("ROLLBACK")
                raise

    def setting(self, key: str) -> str | None:
        """A store-wide setting (e.g. fiscal_year_start), or None when never set."""
        rows = self._query("SELECT value FROM settings WHERE key = ?", [key])
        return rows[0][0] if rows else None

    def set_setting(self, key: str, value: str) -> None:
        """Keep a store-wide setting."""
        with self._write_lock:
            self._cursor().execute(_SET_SETTING, [key, value])
