"""Benchmarks are opt-in: `python -m pytest benchmarks/ --benchmark-only` (see README.md here).

Registers are generated once per session with the same seedable generator `tjp example`
uses, and kept in memory across benchmarks.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from tjenestemandspension.actuarial import Register, register_from_frame
from tjenestemandspension.actuarial.synthetic import synthetic_register

VALUATION_DATE = dt.date(2024, 12, 31)


@lru_cache(maxsize=4)
def register(n_persons: int, individual_spouses: bool = False) -> Register:
    frame = synthetic_register(n_persons, seed=2024, valuation_date=VALUATION_DATE,
                               individual_spouses=individual_spouses)
    return register_from_frame(frame, VALUATION_DATE)
