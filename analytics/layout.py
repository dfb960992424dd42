"""Where the table sits in an export: the header row under title rows, the footers below."""

from __future__ import annotations

import re

from analytics.mapping import header_score

FOOTER = re.compile(
    r"^\s*(grand\s+total|sub\s*-?total|totals?\b|count\s*:?|sum\b|average\b|avg\b|"
    r"records?\s*:|rows?\s*:|number of records|report (generated|run|printed)|generated\b|"
    r"printed\b|run date|page \d|end of report|confidential|\*\*\*)",
    re.IGNORECASE,
)


def _filled(row: list[object]) -> int:
    return sum(cell not in (None, "") and str(cell).strip() != "" for cell in row)


def _texty(row: list[object]) -> int:
    # Header cells are labels: text that is not a number or a date.
    return sum(isinstance(c, str) and c.strip() != "" and not _numberish(c) for c in row)


def _numberish(text: str) -> bool:
    return bool(re.fullmatch(r"[\s$€£(),.\-+/:0-9%]*", text))


def find_header(head: list[list[object]], kind: str) -> int:
    """Index of the header row among the first rows: the one naming most canonical fields."""
    best, best_score = None, (0, 0)
    for i, row in enumerate(head):
        score = (header_score(row, kind), _texty(row))
        if score[0] >= 2 and score > best_score:
            best, best_score = i, score
    if best is not None:
        return best
    # No row names two known fields: take the first row as wide as the widest rows, made of
    # labels, with data below it (title rows are narrower than the table).
    widest = max((_filled(r) for r in head), default=0)
    for i, row in enumerate(head):
        if widest and _filled(row) >= max(2, widest - 1) and _texty(row) >= _filled(row) - 1:
            return i
    return 0


def is_footer(cells: list[object]) -> bool:
    """A totals, count or report-footer row ("Grand Total", "Count: 312", "Printed on ...")."""
    first = next((str(c) for c in cells if c not in (None, "") and str(c).strip()), "")
    return bool(FOOTER.match(first))
