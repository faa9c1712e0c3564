"""The work-injury valuation (docs/work-injuries.md §4–§5), vectorised over case rows.

The pension engine's grid, mortality and discounting apply unchanged: months k = 0..SENTINEL
after the valuation date V (a month end), payment in advance at t_k = k/12 covering the
month after t_k, the payment at V already made. A running benefit with last covered month
index e (counted from V's month) is paid at t_k for 1 ≤ k < e, regulated by
J(t) = (1 + j)^t (j the satsreguleringsprocent, `work_injury.regulation_rate`), while the
payee is alive:

    pv = annual_amount / 12 · Σ_{1 ≤ k < e} J(t_k) · P(t_k) · S(t_k).

Payees who share sex and birth month share a survival row (a cohort), so with
A_c = suffix sums of J·P·S_c every pv is a difference of two lookups, A_c[1] − A_c[e]:
no loop over cases. Case reserves are taken at face value.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from tjenestemandspension.actuarial.assumptions import Assumptions
from tjenestemandspension.actuarial.projection import GRID, SENTINEL, dense_index, suffix_sums, value_factors
from tjenestemandspension.actuarial.work_injury.cases import (
    BENEFIT_CHILD,
    BENEFIT_EARNING_CAPACITY,
    BENEFIT_SPOUSE,
    CaseRegister,
)
from tjenestemandspension.dates import completed_months, is_month_end
from tjenestemandspension.mortality import HORIZON_MONTHS, MortalityBasis
from tjenestemandspension.rounding import round_half_up

CHILD_END_AGE = 18  # ASL § 21: until 18 (21 in education: the register gives end_age)
SPOUSE_MONTHS = 120  # ASL § 20: at most 10 years from the first month covered
MONTHS_PER_YEAR = 12


@dataclass(frozen=True)
class CaseValues:
    """Per-row results and intermediates, aligned with the case register."""

    age_months: np.ndarray  # a0, the payee's completed months at V (0 for case reserves)
    end_index: np.ndarray  # e: the last covered month's index from V's month (0 for case reserves)
    months_left: np.ndarray  # payments still to value: max(0, min(e − 1, K))
    ended: np.ndarray  # a running benefit whose end lies at or before V's month
    last_covered_month: np.ndarray  # datetime64[M], V's month + e (NaT for case reserves)
    pv: np.ndarray  # present value of the running benefit, not rounded
    liability: np.ndarray  # pv + reserve
    monthly_payments: np.ndarray  # (GRID,) expected payments at t_k of the running benefits
    value_factors: np.ndarray  # J(t_k)·P(t_k), k = 0..SENTINEL
    discount: np.ndarray  # P(t_k)
    n_cohorts: int


def work_injury_mortality(assumptions: Assumptions) -> MortalityBasis:
    """The pension basis' mortality with `work_injury.mortality_factor` on top, on the intensity."""
    factor = assumptions.basis["work_injury.mortality_factor"]
    mortality = assumptions.mortality
    return mortality.with_changes(factor_men=mortality.factor_men * factor,
                                  factor_women=mortality.factor_women * factor)


def month_index(months: np.ndarray, valuation_date: dt.date) -> np.ndarray:
    """12·(M.year − V.year) + (M.month − V.month) for datetime64[M] months (garbage where NaT)."""
    return (months - np.datetime64(valuation_date, "M")).astype(np.int64)


def end_indices(cases: CaseRegister, valuation_date: dt.date, age_months: np.ndarray,
                state_pension_age: np.ndarray) -> np.ndarray:
    """e for every row: the default end by benefit, or the override (`last_month`, `end_age`,
    the earlier binding) which replaces it entirely; 0 for case reserves."""
    def age_end(age_years: np.ndarray) -> np.ndarray:  # paid while a0 + k < round(12·X)
        return round_half_up(MONTHS_PER_YEAR * np.nan_to_num(age_years)) - age_months

    benefit = cases.benefit
    e_spa = age_end(state_pension_age)
    first = month_index(np.where(np.isnat(cases.first_month), np.datetime64(valuation_date, "M"),
                                 cases.first_month), valuation_date)
    default = np.zeros(len(cases), dtype=np.int64)
    default = np.where(benefit == BENEFIT_EARNING_CAPACITY, e_spa, default)
    default = np.where(benefit == BENEFIT_SPOUSE, np.minimum(first + SPOUSE_MONTHS - 1, e_spa), default)
    default = np.where(benefit == BENEFIT_CHILD, MONTHS_PER_YEAR * CHILD_END_AGE - age_months, default)

    has_last, has_age = ~np.isnat(cases.last_month), ~np.isnan(cases.end_age)
    big = np.iinfo(np.int64).max
    by_last = np.where(has_last, month_index(np.where(has_last, cases.last_month, np.datetime64(valuation_date, "M")),
                                             valuation_date), big)
    by_age = np.where(has_age, age_end(cases.end_age), big)
    end = np.where(has_last | has_age, np.minimum(by_last, by_age), default)
    return np.where(cases.running, end, 0)


def value_cases(cases: CaseRegister, assumptions: Assumptions) -> CaseValues:
    """Value every row of the case register on the assumptions (the pension curve and
    mortality, the work-injury regulation and mortality factor)."""
    valuation_date = assumptions.valuation_date
    if not is_month_end(valuation_date):
        raise ValueError("the valuation date must be a month end")
    n = len(cases)
    running = cases.running
    birth = np.where(running, cases.birth_date, np.datetime64(valuation_date, "D"))
    age_months = np.where(running, completed_months(birth, valuation_date), 0)
    spa = assumptions.rules.state_pension_age(birth)
    end = end_indices(cases, valuation_date, age_months, spa)

    # cohorts: one survival row per distinct (sex, age in months) among the running rows
    rows = np.flatnonzero(running)
    discount = assumptions.curve.discount(np.arange(GRID) / MONTHS_PER_YEAR)
    v = value_factors(assumptions.curve, assumptions.basis["work_injury.regulation_rate"])
    pv = np.zeros(n)
    monthly = np.zeros(GRID)
    n_cohorts = 0
    if rows.size:
        ages = age_months[rows]
        lowest = int(ages.min())
        keys, cohort = dense_index((ages - lowest) * 2 + cases.sex[rows].astype(np.int64),
                                   2 * (int(ages.max()) - lowest + 1))
        n_cohorts = int(keys.size)
        survival = np.zeros((n_cohorts, GRID))
        survival[:, :GRID - 1] = work_injury_mortality(assumptions).monthly_survival(
            valuation_date, (keys % 2).astype(np.int8), keys // 2 + lowest, HORIZON_MONTHS)
        annuity = suffix_sums(survival * v)  # annuity[c, k] = Σ_{j≥k} J_j P_j S_c(j)
        stop = np.clip(end[rows], 1, SENTINEL)
        rate = cases.annual_amount[rows] / MONTHS_PER_YEAR
        pv[rows] = rate * (annuity[cohort, 1] - annuity[cohort, stop])
        # expected payments: the monthly rate in force from month 1 to e − 1, times J·S
        changes = np.bincount(np.concatenate([cohort * GRID + 1, cohort * GRID + stop]),
                              weights=np.concatenate([rate, -rate]), minlength=n_cohorts * GRID)
        in_force = np.cumsum(changes.reshape(n_cohorts, GRID), axis=1)
        growth = v / np.where(discount > 0, discount, 1.0)  # J(t_k)
        monthly = (in_force * survival).sum(axis=0) * growth

    months_left = np.where(running, np.maximum(0, np.minimum(end - 1, HORIZON_MONTHS - age_months)), 0)
    last_covered = np.where(running, np.datetime64(valuation_date, "M") + np.where(running, end, 0),
                            np.datetime64("NaT", "M"))
    return CaseValues(age_months=age_months, end_index=end, months_left=months_left, ended=running & (end <= 0),
                      last_covered_month=last_covered.astype("datetime64[M]"), pv=pv, liability=pv + cases.reserve,
                      monthly_payments=monthly, value_factors=v, discount=discount, n_cohorts=n_cohorts)
