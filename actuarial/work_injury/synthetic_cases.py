"""Seedable fictitious case registers and claims triangles (for `tjp example`, the tests and
the benchmarks): every benefit type, some ended awards, case reserves, a 10-year triangle
of cumulative incurred amounts. They describe no real persons [TJP-EXAMPLE]."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

SHARES = {"erhvervsevnetab": 0.45, "ægtefælle": 0.15, "barn": 0.15, "sagsreserve": 0.25}
UNITS = ("Børn og Unge", "Social og Sundhed", "Teknik og Miljø", "Administration")
DAY = np.timedelta64(1, "D")


def synthetic_cases(n: int, valuation_date: dt.date, seed: int = 2024, municipality: str = "") -> pd.DataFrame:
    """A case register of `n` rows with the canonical columns, as text a CSV would hold."""
    rng = np.random.default_rng(seed)
    v = np.datetime64(valuation_date, "D")
    benefit = rng.choice(list(SHARES), size=n, p=list(SHARES.values()))
    age = np.select([benefit == "barn", benefit == "ægtefælle"],
                    [rng.uniform(1, 19, n), rng.uniform(30, 75, n)], rng.uniform(25, 70, n))
    birth = v - (age * 365.25).astype(np.int64) * DAY
    running = benefit != "sagsreserve"
    amount = np.where(benefit == "barn", rng.uniform(15_000, 30_000, n),
                      np.where(benefit == "ægtefælle", rng.uniform(60_000, 160_000, n),
                               rng.uniform(20_000, 180_000, n))).round(2)
    first = (v.astype("datetime64[M]") - rng.integers(0, 130, n)).astype("datetime64[D]") + 14 * DAY
    reserve = np.where(running, 0.0, rng.uniform(20_000, 800_000, n).round(-2))
    # the injury: of the payee (loss of earning capacity, after 16) or of the deceased provider
    years_back = np.where(benefit == "erhvervsevnetab", np.clip(age - 16, 1, 30), 10)
    injury = v - (rng.uniform(0.1, 1, n) * years_back * 365).astype(np.int64) * DAY
    text = np.datetime_as_string
    return pd.DataFrame({
        "case_id": [f"AS-{100000 + i}" for i in range(n)],
        "benefit": benefit,
        "birth_date": np.where(running, text(birth), ""),
        "sex": np.where(running, rng.choice(["M", "K"], size=n), ""),
        "annual_amount": np.where(running, amount.astype(str), ""),
        "first_month": np.where(benefit == "ægtefælle", text(first.astype("datetime64[M]")), ""),
        "reserve": np.where(running, "", reserve.astype(str)),
        "injury_date": text(injury),
        "unit": rng.choice(UNITS, size=n),
        "municipality": municipality,
    })


def synthetic_triangle(last_year: int, years: int = 10, seed: int = 2024, scale: float = 2_000_000.0) -> pd.DataFrame:
    """A cumulative incurred triangle of `years` accident years up to `last_year`."""
    rng = np.random.default_rng(seed)
    pattern = np.array([0.35, 0.62, 0.78, 0.87, 0.92, 0.955, 0.975, 0.988, 0.996, 1.0])
    pattern = np.interp(np.arange(years), np.linspace(0, years - 1, pattern.size), pattern)
    rows = []
    for i, year in enumerate(range(last_year - years + 1, last_year + 1)):
        ultimate = scale * rng.uniform(0.7, 1.3)
        noise = np.cumprod(rng.normal(1.0, 0.03, years))
        cumulative = np.maximum.accumulate(ultimate * pattern * noise / noise[-1])
        for j in range(last_year - year + 1):
            rows.append({"accident_year": year, "development_year": j + 1, "cumulative": round(float(cumulative[j]))})
    return pd.DataFrame(rows)
