"""Dates as the valuation counts them (docs/specification.md §4 and §5).

The valuation date V is the last day of a month, and ages and periods are counted in
whole calendar months from it.
"""

from __future__ import annotations

import datetime as dt

import numpy as np


def is_month_end(date: dt.date) -> bool:
    return (date + dt.timedelta(days=1)).day == 1


def months_between(earlier: dt.date, later: dt.date) -> int:
    """Calendar months from one month end to another (31-12-2023 → 31-12-2024: 12)."""
    return (later.year - earlier.year) * 12 + later.month - earlier.month


def completed_months(dates: np.ndarray, valuation_date: dt.date) -> np.ndarray:
    """Completed months between each date and V (V a month end: the month of V counts)."""
    v_month = (valuation_date.year - 1970) * 12 + valuation_date.month - 1
    return v_month - dates.astype("datetime64[M]").astype(np.int64)


def shift_months(dates: np.ndarray, months: np.ndarray) -> np.ndarray:
    """Each date moved by a whole number of calendar months, the day clamped to the
    new month's last day (31-03 minus one month: 28-02 or 29-02)."""
    month = dates.astype("datetime64[M]")
    day = (dates - month.astype("datetime64[D]")).astype(np.int64)
    moved = month + np.asarray(months, dtype=np.int64).astype("timedelta64[M]")
    last_day = ((moved + 1).astype("datetime64[D]") - moved.astype("datetime64[D]")).astype(np.int64) - 1
    return moved.astype("datetime64[D]") + np.minimum(day, last_day).astype("timedelta64[D]")
