"""Made-up NPIs: 10 digits with a valid check digit, and their typos."""

from __future__ import annotations

import random

# NPI: 10 digits, the last a Luhn check digit computed over "80840" + the first nine.


def npi_check_digit(first9: str) -> int:
    """The Luhn check digit of an NPI whose first nine digits are `first9`."""
    total = 0
    for i, ch in enumerate(reversed("80840" + first9)):
        d = int(ch)
        if i % 2 == 0:  # the digit next to the (future) check digit is doubled
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return (10 - total % 10) % 10


def npi_is_valid(npi: str) -> bool:
    """True for a 10-digit string whose check digit is right."""
    return len(npi) == 10 and npi.isdigit() and npi_check_digit(npi[:9]) == int(npi[9])


def make_npi(rnd: random.Random, taken: set[str]) -> str:
    """A new valid NPI (first digit 1, as individual NPIs have), unique within `taken`."""
    while True:
        first9 = "1" + "".join(str(rnd.randrange(10)) for _ in range(8))
        npi = first9 + str(npi_check_digit(first9))
        if npi not in taken:
            taken.add(npi)
            return npi


def mistype_npi(rnd: random.Random, npi: str) -> str:
    """The NPI with two neighbouring digits swapped: a typo the check digit catches."""
    while True:
        i = rnd.randrange(1, 8)
        if npi[i] != npi[i + 1]:
            typo = npi[:i] + npi[i + 1] + npi[i] + npi[i + 2 :]
            if not npi_is_valid(typo):
                return typo
