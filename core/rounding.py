"""Rounding, in one place: whole years, half-up to whole numbers, and kroner to øre.

docs/specification.md §5 and §7. Floating point can land 12·A or 10.1 + 26.9 a hair
below the whole number it stands for, so whole years and half-up rounding add a
tolerance first. Money is rounded once, to øre, half away from zero (as a bookkeeper
rounds), from the float's shortest decimal text: the journal, the working paper, the
analysis and the roll-forward all round through `to_ore`, so they agree to the øre even
on a tie (1000.125 kr. is 1000.13 everywhere).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import numpy as np

FLOAT_TOLERANCE = 1e-9  # floor(x + 1e-9): 10.1 + 26.9 counts as 37 whole years
ORE = Decimal("0.01")


def whole_years(years: np.ndarray | float) -> np.ndarray:
    """Completed whole years (floor), robust to a sum landing a hair below a whole number."""
    return np.floor(np.asarray(years, dtype=float) + FLOAT_TOLERANCE)


def round_half_up(x: np.ndarray | float) -> np.ndarray:
    """round() with halves up, robust to 12·A landing a hair below a half (int64)."""
    return np.floor(np.asarray(x, dtype=float) + 0.5 + FLOAT_TOLERANCE).astype(np.int64)


def to_ore(amount: float | Decimal | str | int) -> Decimal:
    """Kroner rounded to øre, halves away from zero."""
    return Decimal(str(amount)).quantize(ORE, rounding=ROUND_HALF_UP)


def round_as_published(values: np.ndarray, decimals: int) -> np.ndarray:
    """Rates rounded as EIOPA's workbooks round them: Excel's ROUND, which looks at 15
    significant digits and rounds halves away from zero (so 0.020774999999999988, the
    float noise of 0.020775, gives 0.02078 at 5 decimals)."""
    quantum = Decimal(1).scaleb(-decimals)
    return np.array([float(Decimal(f"{value:.15g}").quantize(quantum, rounding=ROUND_HALF_UP))
                     for value in np.asarray(values, dtype=float)])
