"""Why a non-blank cell gave no value: the reasons and caps the date and number parsers share."""

from __future__ import annotations

# Sane caps: beyond them a cell is a typo or an attack (1e308 sums to inf), not a value.
MAX_AMOUNT = 1_000_000  # one referral's charges or payments, one activity's cost
MAX_COUNT = 100_000  # visits of one referral, referrals on one summary row
# Why a non-blank cell gave no value (NumberColumn/DateColumn.problems index this; 0 = fine).
NOT_A_NUMBER = "not a number"
NOT_FINITE = "not finite"
NEGATIVE = "negative"
OVER_AMOUNT = f"over {MAX_AMOUNT:,}"
UNDER_AMOUNT = f"under -{MAX_AMOUNT:,}"
OVER_COUNT = f"over {MAX_COUNT:,}"
NOT_A_DATE = "not a date"
BEFORE_1990 = "before 1990"
AFTER_2100 = "after 2100"
PROBLEMS = (
    "",
    NOT_A_NUMBER,
    NOT_FINITE,
    NEGATIVE,
    OVER_AMOUNT,
    UNDER_AMOUNT,
    OVER_COUNT,
    NOT_A_DATE,
    BEFORE_1990,
    AFTER_2100,
)
# Each reason's index in PROBLEMS, as the parsers code refused cells.
(
    CODE_FINE,
    CODE_NAN,
    CODE_INF,
    CODE_NEGATIVE,
    CODE_OVER,
    CODE_UNDER,
    CODE_OVER_COUNT,
    CODE_NOT_DATE,
    CODE_EARLY,
    CODE_LATE,
) = range(len(PROBLEMS))
