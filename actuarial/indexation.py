"""The indexation of pensions: I(t), the growth of a benefit t years after V.

With one rate i (`inflation.rate`), I(t) = (1 + i)^t. With a term structure
(`inflation.by_term`, as Rådet for Afkastforventninger publishes inflation for years 1–5,
6–10 and 11+), year y after V (t from y − 1 to y) has its own rate r_y and

    I(t) = (1 + r_1)·…·(1 + r_n) · (1 + r_{n+1})^(t − n),   n = ⌊t⌋,

the product of the yearly rates, a fractional year geometrically; years beyond the
table have `inflation.rate`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class InflationByTerm:
    """Yearly rates r_1..r_N for the years after V; every later year has `long_term`."""

    yearly: tuple[float, ...]
    long_term: float

    @classmethod
    def from_table(cls, table: Sequence[tuple[int, float]], long_term: float) -> "InflationByTerm":
        """[(up to year, rate), ...] in increasing years: [(5, 0.025), (10, 0.022)] is 2.5 % in
        years 1–5, 2.2 % in years 6–10, and `long_term` from year 11."""
        yearly: list[float] = []
        for up_to, rate in table:
            yearly += [float(rate)] * (int(up_to) - len(yearly))
        return cls(tuple(yearly), float(long_term))

    def factor(self, t: np.ndarray) -> np.ndarray:
        t = np.asarray(t, dtype=float)
        growth = np.log1p(np.array([*self.yearly, self.long_term]))  # the last: every year after the table
        at_whole_years = np.concatenate([[0.0], np.cumsum(growth[:-1])])  # ln I(0), …, ln I(N)
        whole = np.minimum(np.floor(t).astype(np.int64), len(self.yearly))
        return np.exp(at_whole_years[whole] + (t - whole) * growth[whole])


def indexation(inflation: float | InflationByTerm, t: np.ndarray) -> np.ndarray:
    """I(t) for a flat rate or a term structure."""
    if isinstance(inflation, InflationByTerm):
        return inflation.factor(t)
    return (1.0 + inflation) ** t
