"""The owner's identity decisions as the store keeps them: the log, the maps every read
applies (written as data the identity package replayed), and pairs of different referrers."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

import duckdb
import pandas as pd

from analytics.schema import SOURCE_TYPES
from analytics.store.connection import StoreBase, bump_version

ACTIONS: tuple[str, ...] = ("merge", "rename", "type", "organization", "split")
DECISION_COLUMNS: tuple[str, ...] = (
    "decision_id",
    "action",
    "source",
    "canonical",
    "source_type",
    "organization",
    "decided_at",
    "note",
)
SOURCE_MAP_COLUMNS: tuple[str, ...] = ("source", "canonical", "source_type", "organization")
SPELLING_MAP_COLUMNS: tuple[str, ...] = ("spelling", "source")
_REJECT = "INSERT INTO rejected_suggestions VALUES (?, ?, ?) ON CONFLICT DO NOTHING"


class DecisionsChanged(RuntimeError):
    """Another writer changed the decision log between reading and writing it."""


class DecisionsMixin(StoreBase):
    """The decision log and the maps replayed from it."""

    def decisions(self) -> pd.DataFrame:
        """The owner's identity decisions, newest first (DECISION_COLUMNS)."""
        cols = ", ".join(DECISION_COLUMNS)
        frame = self._frame(f"SELECT {cols} FROM source_decisions ORDER BY decision_id DESC")
        frame["decision_id"] = frame["decision_id"].astype("int64")
        return frame

    def decision_log_state(self) -> tuple[int, int]:
        """(count, last id) of the decision log: what a writer read, to check nobody wrote
        in between (see record_decisions)."""
        count, last = self._query(
            "SELECT count(*), coalesce(max(decision_id), 0) FROM source_decisions"
        )[0]
        return int(count), int(last)

    def record_decisions(
        self,
        decisions: Sequence[Mapping[str, object]],
        rejected: Iterable[tuple[str, str]] = (),
        *,
        source_map: pd.DataFrame,
        spelling_map: pd.DataFrame,
        read_state: tuple[int, int],
    ) -> list[int]:
        """Add decisions (keys: action, source, canonical, source_type, organization, note)
        and pairs of different referrers in one transaction, with the maps the log now
        replays to (SOURCE_MAP_COLUMNS, SPELLING_MAP_COLUMNS; computed by the identity package
        from the log as `read_state` found it, the new decisions last). Every read reflects
        them at once. Raises DecisionsChanged when the log changed since. Returns the ids."""
        rows = [decision_row(d) for d in decisions]
        pairs = _sorted_pairs(rejected)
        if not rows and not pairs:
            return []
        with self._write_lock:
            cur = self._cursor()
            cur.execute("BEGIN TRANSACTION")
            try:
                self._check_state(cur, read_state)
                ids = []
                now = datetime.now()
                for row in rows:
                    decision_id = cur.execute("SELECT nextval('decision_ids')").fetchall()[0][0]
                    cur.execute(
                        "INSERT INTO source_decisions VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        [decision_id, *row[:5], now, row[5]],
                    )
                    ids.append(int(decision_id))
                for a, b in pairs:
                    cur.execute(_REJECT, [a, b, now])
                _write_maps(cur, source_map, spelling_map)
                bump_version(cur)
                cur.execute("COMMIT")
            except BaseException:
                cur.execute("ROLLBACK")
                raise
        return ids

    def undo_decisions(
        self,
        decision_ids: Iterable[int],
        *,
        source_map: pd.DataFrame,
        spelling_map: pd.DataFrame,
        read_state: tuple[int, int],
    ) -> int:
        """Delete decisions, writing the maps the rest replays to (as record_decisions);
        returns how many were deleted."""
        ids = sorted({int(i) for i in decision_ids})
        if not ids:
            return 0
        with self._write_lock:
            cur = self._cursor()
            cur.execute("BEGIN TRANSACTION")
            try:
                self._check_state(cur, read_state)
                found = cur.execute(
                    "SELECT count(*) FROM source_decisions WHERE decision_id = ANY(?)",
                    [ids],
                ).fetchall()[0][0]
                cur.execute("DELETE FROM source_decisions WHERE decision_id = ANY(?)", [ids])
                _write_maps(cur, source_map, spelling_map)
                bump_version(cur)
                cur.execute("COMMIT")
            except BaseException:
                cur.execute("ROLLBACK")
                raise
        return int(found)

    @staticmethod
    def _check_state(cur: duckdb.DuckDBPyConnection, read_state: tuple[int, int]) -> None:
        count, last = cur.execute(
            "SELECT count(*), coalesce(max(decision_id), 0) FROM source_decisions"
        ).fetchall()[0]
        if (int(count), int(last)) != tuple(read_state):
            raise DecisionsChanged("The decision log changed while this change was prepared.")

    def reject_pairs(self, pairs: Iterable[tuple[str, str]]) -> None:
        """Remember that these pairs of sources are different referrers (never suggest them)."""
        self._write_pairs(pairs, _REJECT)

    def forget_rejections(self, pairs: Iterable[tuple[str, str]]) -> None:
        """Let these pairs be suggested again."""
        self._write_pairs(pairs, "DELETE FROM rejected_suggestions WHERE a = ? AND b = ?")

    def _write_pairs(self, pairs: Iterable[tuple[str, str]], sql: str) -> None:
        ordered = _sorted_pairs(pairs)
        if not ordered:
            return
        now = datetime.now()
        with self._write_lock:
            cur = self._cursor()
            cur.execute("BEGIN TRANSACTION")
            try:
                for a, b in ordered:
                    cur.execute(sql, [a, b, now] if sql.startswith("INSERT") else [a, b])
                bump_version(cur)
                cur.execute("COMMIT")
            except BaseException:
                cur.execute("ROLLBACK")
                raise

    def rejected_pairs(self) -> list[tuple[str, str]]:
        """Pairs of sources the owner said are different referrers, each sorted."""
        return [
            (a, b) for a, b in self._query("SELECT a, b FROM rejected_suggestions ORDER BY 1, 2")
        ]


def _sorted_pairs(pairs: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    return sorted({(min(str(a), str(b)), max(str(a), str(b))) for a, b in pairs if a != b})


def decision_row(decision: Mapping[str, object]) -> tuple:
    """(action, source, canonical, source_type, organization, note) of a valid decision;
    a ValueError says what is wrong with an invalid one."""

    def text(key: str) -> str | None:
        value = decision.get(key)
        if value is None or (not isinstance(value, str) and pd.isna(value)):
            return None
        return str(value)

    action, source = text("action"), text("source")
    if action not in ACTIONS:
        raise ValueError(
            f"A decision's action must be one of {', '.join(ACTIONS)}, not {action!r}."
        )
    if not source:
        raise ValueError("A decision needs the source it is about.")
    source_type = text("source_type")
    if source_type is not None and source_type not in SOURCE_TYPES:
        raise ValueError(f"{source_type!r} is not a source type; use one of {SOURCE_TYPES}.")
    canonical = text("canonical")
    if action in ("merge", "rename", "split") and not canonical:
        raise ValueError(f"A {action} decision needs the name to read {source!r} as.")
    return action, source, canonical, source_type, text("organization"), text("note")


def _write_maps(
    cur: duckdb.DuckDBPyConnection, source_map: pd.DataFrame, spelling_map: pd.DataFrame
) -> None:
    """Replace source_map and spelling_map (in the caller's transaction)."""
    cur.execute("DELETE FROM source_map")
    cur.execute("DELETE FROM spelling_map")
    if len(source_map):
        cur.executemany(
            "INSERT INTO source_map VALUES (?, ?, ?, ?)",
            [list(r) for r in source_map[list(SOURCE_MAP_COLUMNS)].itertuples(index=False)],
        )
    if len(spelling_map):
        cur.executemany(
            "INSERT INTO spelling_map VALUES (?, ?)",
            [list(r) for r in spelling_map[list(SPELLING_MAP_COLUMNS)].itertuples(index=False)],
        )
