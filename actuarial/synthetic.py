"""A seedable generator of fictitious registers with a realistic mix.

Used by `tjp example`, the benchmarks and the tests, so that all three value the same
kind of population. The people are invented; the proportions follow a typical Danish
kommune's civil-servant population (many pensioners, an ageing active group, mostly
hired before 2007, a share of folkeskole teachers whose pension is partly the state's).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

STATUS_MIX = {"active": 0.33, "deferred": 0.15, "retired": 0.40, "spouse": 0.10, "child": 0.02}
UNITS = ("Børne- og Ungeforvaltningen", "Teknik og Miljø", "Social og Sundhed",
         "Kultur og Fritid", "Økonomi og Administration")
AGE_RANGES = {  # completed years at the valuation date
    "active": (30, 66), "deferred": (35, 66), "retired": (60, 99), "spouse": (50, 99), "child": (3, 20),
}


def synthetic_register(n_persons: int = 400, seed: int = 2024, valuation_date: dt.date = dt.date(2024, 12, 31),
                       individual_spouses: bool = False,
                       municipalities: tuple[str, ...] = ("Eksempel Kommune",)) -> pd.DataFrame:
    """A register of `n_persons` fictitious persons in every status (canonical columns).

    `individual_spouses`: retired members get `married` and, when married, the spouse's
    birth date and sex (else the collective assumptions apply to everyone).
    """
    rng = np.random.default_rng(seed)
    statuses = np.array(list(STATUS_MIX))
    weights = np.array(list(STATUS_MIX.values()))
    counts = np.floor(weights / weights.sum() * n_persons).astype(int)
    counts[np.argmax(counts)] += n_persons - counts.sum()
    if n_persons >= len(statuses):  # at least one of every status
        for i in np.flatnonzero(counts == 0):
            counts[i] = 1
            counts[np.argmax(counts)] -= 1
    status = np.repeat(statuses, counts)
    rng.shuffle(status)
    n = status.size

    low = np.array([AGE_RANGES[s][0] for s in status])
    high = np.array([AGE_RANGES[s][1] for s in status])
    age_years = low + (high - low + 1) * rng.random(n)
    v_day = np.datetime64(valuation_date, "D")
    birth = v_day - np.round(age_years * 365.25).astype("timedelta64[D]") - np.timedelta64(1, "D")
    sex = np.where(rng.random(n) < 0.58, "K", "M")

    active = status == "active"
    deferred = status == "deferred"
    member = active | deferred
    hired_years_ago = np.where(rng.random(n) < 0.8, 18 + 20 * rng.random(n), 2 + 16 * rng.random(n))
    hired_years_ago = np.minimum(hired_years_ago, age_years - 20)
    hire = v_day - np.round(hired_years_ago * 365.25).astype("timedelta64[D]")
    service = np.where(active, hired_years_ago, np.clip(rng.normal(14, 7, n), 1, 35))
    service = np.round(np.clip(service, 0.5, 45), 2)
    salary = np.round(rng.uniform(340_000, 620_000, n), -2)
    projected = np.where(active & (rng.random(n) < 0.5), np.round(salary * rng.uniform(1.0, 1.08, n), -2), np.nan)

    annual_pension = np.select(
        [status == "retired", status == "spouse", status == "child"],
        [np.round(rng.uniform(90_000, 330_000, n), -1), np.round(rng.uniform(50_000, 180_000, n), -1),
         np.round(rng.uniform(12_000, 30_000, n), -1)],
        default=np.nan)

    teacher = rng.random(n) < 0.12
    state_share = np.where(teacher, np.round(rng.uniform(0.3, 1.0, n), 2), 0.0)
    insured = ~teacher & (rng.random(n) < 0.05)
    insured_share = np.where(insured, np.round(rng.uniform(0.1, 0.5, n), 2), 0.0)

    frame = pd.DataFrame({
        "person_id": [f"P{i:07d}" for i in range(1, n + 1)],
        "birth_date": pd.to_datetime(birth).strftime("%Y-%m-%d"),
        "sex": sex,
        "status": status,
        "service_years": np.where(member, service, np.nan),
        "pensionable_salary": np.where(member, salary, np.nan),
        "projected_salary": projected,
        "annual_pension": annual_pension,
        "hire_date": np.where(active, pd.to_datetime(hire).strftime("%Y-%m-%d"), ""),
        "state_share": state_share,
        "insured_share": insured_share,
        "unit": np.asarray(UNITS, dtype=object)[rng.integers(0, len(UNITS), n)],
        "municipality": np.asarray(municipalities, dtype=object)[rng.integers(0, len(municipalities), n)],
    })
    if individual_spouses:
        retired = status == "retired"
        married = retired & (rng.random(n) < 0.65)
        gap_years = rng.normal(np.where(sex == "M", -3.0, 3.0), 4.0)
        spouse_birth = birth - np.round(gap_years * 365.25).astype("timedelta64[D]")
        spouse_birth = np.minimum(spouse_birth, v_day - np.timedelta64(20 * 365, "D"))
        frame["married"] = np.where(retired, np.where(married, "true", "false"), "")
        frame["spouse_birth_date"] = np.where(married, pd.to_datetime(spouse_birth).strftime("%Y-%m-%d"), "")
        frame["spouse_sex"] = np.where(married, np.where(sex == "M", "K", "M"), "")
    return frame
