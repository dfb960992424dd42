"""How much of an uploaded file the app will read: every limit in one place, each a setting.

Every value can be changed with the environment variable named beside it (read when the app
or command starts). The defaults leave room for a million-row export of ~40 columns (Excel's
own ceiling is 1,048,576 rows) and stop files that claim far more, or that would need more
memory or time than any real referral export does, before they take the server down.
"""

from __future__ import annotations

import os

__all__ = [
    "MAX_CELLS",
    "MAX_COLUMNS",
    "MAX_FIELD_BYTES",
    "MAX_ROWS",
    "MAX_UNZIPPED_BYTES",
    "READ_CPU_SECONDS",
    "READ_MEMORY_BYTES",
    "READ_WALL_SECONDS",
    "in_words",
]


def _setting(name: str, default: int) -> int:
    raw = os.environ.get(name, "").replace("_", "").replace(",", "").strip()
    try:
        value = int(float(raw)) if raw else default
    except ValueError:
        return default  # a typo in a setting must not stop the app; the default stands
    return value if value > 0 else default


# Cells a workbook may hold, counted from A1 (the reader lays every sheet out from A1).
MAX_CELLS = _setting("REFERRALS_MAX_CELLS", 60_000_000)
# Rows of one sheet or text file, and columns of a row.
MAX_ROWS = _setting("REFERRALS_MAX_ROWS", 5_000_000)
MAX_COLUMNS = _setting("REFERRALS_MAX_COLUMNS", 2_000)
# One text field (a cell of a CSV); Python's csv module stops at 128 KB by default.
MAX_FIELD_BYTES = _setting("REFERRALS_MAX_FIELD_BYTES", 1_000_000)
# What an .xlsx/.ods (a zip) says its parts unpack to: a 200k-row export unpacks to ~120 MB.
MAX_UNZIPPED_BYTES = _setting("REFERRALS_MAX_UNZIPPED_BYTES", 4_000_000_000)
# The child process that parses a workbook: address space, CPU time, and wall-clock time.
READ_MEMORY_BYTES = _setting("REFERRALS_READ_MEMORY_BYTES", 6_000_000_000)
READ_CPU_SECONDS = _setting("REFERRALS_READ_CPU_SECONDS", 300)
READ_WALL_SECONDS = _setting("REFERRALS_READ_WALL_SECONDS", 600)


def in_words(count: int) -> str:
    """A large count as people say it: 17 billion, 60 million, 2,000."""
    for size, word in ((1_000_000_000, "billion"), (1_000_000, "million")):
        if count >= size:
            value = count / size
            shown = f"{value:,.0f}" if value >= 10 or value == int(value) else f"{value:.1f}"
            return f"{shown} {word}"
    return f"{count:,}"
