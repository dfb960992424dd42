"""Where the table sits in an export: the header row under title rows, the footers below."""

from __future__ import annotations

import re

from analytics.ingest.mapping import header_score

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


def _caption_text(cell: object) -> str:
    return " ".join(str(cell).split()) if cell not in (None, "") else ""


def _spread_captions(
    row: list[object], row_index: int, width: int, merged: tuple, filled_below: list[bool]
) -> list[str]:
    """One caption per column: a merged caption names every column it spans; an unmerged one
    the columns up to the next caption (how a two-row CSV header reads)."""
    captions = [_caption_text(row[c]) if c < len(row) else "" for c in range(width)]
    spans = [
        (c0, c1)
        for (r0, c0), (r1, c1) in merged
        if r0 <= row_index <= r1 and c0 < width and captions[c0]
    ]
    out = list(captions)
    if spans:
        for c0, c1 in spans:
            for c in range(c0, min(c1, width - 1) + 1):
                out[c] = captions[c0]
        return out
    current = ""
    for c in range(width):
        if captions[c]:
            current = captions[c]
        elif not filled_below[c]:
            current = ""  # a blank column under a blank caption ends the group
        out[c] = current
    return out


def _is_band(row: list[object], header: list[object], width: int, merged: tuple, i: int) -> bool:
    """A row of group captions over the header: labels only, fewer than the header's, and not a
    title (one caption over the whole table, or a sentence)."""
    captions = [_caption_text(c) for c in row[:width]]
    filled = [c for c in captions if c]
    if not filled or any(c for c in (_caption_text(x) for x in row[width:])):
        return False
    if _texty(row) < len(filled) or any(len(c.split()) > 4 for c in filled):
        return False
    if _filled(row) >= _filled(header) and _filled(header) > 1:
        return False
    whole = any(r0 <= i <= r1 and c0 == 0 and c1 >= width - 1 for (r0, c0), (r1, c1) in merged)
    return not whole and (len(filled) >= 2 or any(r0 <= i <= r1 for (r0, _), (r1, _) in merged))


def header_band(
    head: list[list[object]], index: int, merged: tuple = ()
) -> tuple[list[object], int]:
    """Column labels of the header at `index`, with up to two rows of group captions above it
    joined in ("Referral" over "Date" -> "Referral Date"); also how many caption rows."""
    header = list(head[index])
    width = len(header)
    filled_below = [_caption_text(c) != "" for c in header]
    bands: list[list[str]] = []
    for up in (1, 2):
        i = index - up
        if i < 0 or not _is_band(head[i], header, width, merged, i):
            break
        bands.insert(0, _spread_captions(head[i], i, width, merged, filled_below))
    if not bands:
        return header, 0
    labels: list[object] = []
    for c in range(width):
        words: list[str] = []
        for part in [band[c] for band in bands] + [_caption_text(header[c])]:
            # "Referral" over "Referral Date" stays "Referral Date".
            if part and not " ".join(words).casefold().endswith(part.casefold()):
                if words and part.casefold().startswith(words[-1].casefold()):
                    words[-1] = part
                else:
                    words.append(part)
        labels.append(" ".join(words) or None)
    return labels, len(bands)
