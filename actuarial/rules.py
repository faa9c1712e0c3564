"""Benefit rules (docs/specification.md §3 and §8), vectorised over persons.

The tables themselves (payout ages, state pension ages, reductions, the pension
percentage ladder) live in the basis, not in code: these functions only know how to
look them up.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from tjenestemandspension.actuarial.basis import Basis
from tjenestemandspension.rounding import whole_years

REDUCTION_FIRST_AGE = 60


@dataclass(frozen=True)
class BenefitRules:
    """The basis' benefit settings in the form the engine uses."""

    active_basis: str
    ladder: tuple[tuple[int, float], ...]
    min_service_years: int
    child_pension_end_age: int
    payout_age_table: tuple[tuple[dt.date, float], ...]
    legacy_hire_before: dt.date
    legacy_payout_age: float
    missing_hire_date_is_legacy: bool
    state_pension_age_table: tuple[tuple[dt.date, float], ...]
    offset_years: float
    early_retirement_reduction: bool
    reduction_table_1: tuple[float, ...]
    reduction_table_2: tuple[float, ...]
    reduction_table_2_from_birth_year: int
    spouse_fraction: float
    spouse_fraction_deferred: float
    spouse_min_service_years: int
    marriage_probability_men: float
    marriage_probability_women: float
    age_difference_years: float
    early_supplement_full: float
    supplement_halved_below_age: float
    lump_sum_fraction: float
    lump_sum_service_years: int

    @property
    def max_service_years(self) -> int:
        return self.ladder[-1][0]

    @classmethod
    def from_basis(cls, basis: Basis) -> "BenefitRules":
        return cls(
            active_basis=basis["valuation.active_basis"],
            ladder=basis["benefit.pension_percentage_ladder"],
            min_service_years=basis["benefit.min_service_years"],
            child_pension_end_age=basis["benefit.child_pension_end_age"],
            payout_age_table=basis["pension_age.payout_age_table"],
            legacy_hire_before=basis["pension_age.legacy_hire_before"],
            legacy_payout_age=basis["pension_age.legacy_payout_age"],
            missing_hire_date_is_legacy=basis["pension_age.missing_hire_date_is_legacy"],
            state_pension_age_table=basis["pension_age.state_pension_age_table"],
            offset_years=basis["pension_age.offset_years"],
            early_retirement_reduction=basis["pension_age.early_retirement_reduction"],
            reduction_table_1=basis["pension_age.reduction_table_1"],
            reduction_table_2=basis["pension_age.reduction_table_2"],
            reduction_table_2_from_birth_year=basis["pension_age.reduction_table_2_from_birth_year"],
            spouse_fraction=basis["spouse.fraction"],
            spouse_fraction_deferred=basis["spouse.fraction_deferred"],
            spouse_min_service_years=basis["spouse.min_service_years_on_death_in_service"],
            marriage_probability_men=basis["spouse.marriage_probability_men"],
            marriage_probability_women=basis["spouse.marriage_probability_women"],
            age_difference_years=basis["spouse.age_difference_years"],
            early_supplement_full=basis["supplement.early_supplement_full"],
            supplement_halved_below_age=basis["supplement.supplement_halved_below_age"],
            lump_sum_fraction=basis["supplement.lump_sum_fraction"],
            lump_sum_service_years=basis["supplement.lump_sum_service_years"],
        )

    # --- the rules -------------------------------------------------------------------

    def pension_percentage(self, service_whole_years: np.ndarray) -> np.ndarray:
        """Pension percentage as a fraction (0.57 at 37 years), from whole years of service."""
        n = np.minimum(np.asarray(service_whole_years, dtype=float), self.max_service_years)
        points = np.zeros_like(n)
        previous = 0
        for up_to, per_year in self.ladder:
            points += per_year * np.clip(n - previous, 0.0, up_to - previous)
            previous = up_to
        return points / 100.0

    def earliest_payout_age(self, birth_date: np.ndarray, hire_date: np.ndarray) -> np.ndarray:
        """Pensionsudbetalingsalder: by birth date, except members hired before the legacy date."""
        by_birth = _age_from_table(birth_date, self.payout_age_table)
        cutoff = np.datetime64(self.legacy_hire_before, "D")
        hired_early = hire_date < cutoff
        if self.missing_hire_date_is_legacy:
            hired_early |= np.isnat(hire_date)
        return np.where(hired_early, np.minimum(by_birth, self.legacy_payout_age), by_birth)

    def state_pension_age(self, birth_date: np.ndarray) -> np.ndarray:
        return _age_from_table(birth_date, self.state_pension_age_table)

    def reduction(self, pension_age: np.ndarray, birth_year: np.ndarray,
                  state_pension_age: np.ndarray) -> np.ndarray:
        """Førtidspensionsfradrag looked up at the pension age A (completed years);
        0 where A is NaN (no own pension to start)."""
        pension_age = np.asarray(pension_age, dtype=float)
        if not self.early_retirement_reduction:
            return np.zeros_like(pension_age)
        table_1 = np.asarray(self.reduction_table_1)
        table_2 = np.asarray(self.reduction_table_2)
        completed = whole_years(np.nan_to_num(pension_age, nan=REDUCTION_FIRST_AGE))
        index = np.clip(completed - REDUCTION_FIRST_AGE, 0, table_1.size - 1).astype(np.int64)
        rate = np.where(birth_year >= self.reduction_table_2_from_birth_year, table_2[index], table_1[index])
        return np.where(pension_age < state_pension_age, rate, 0.0)

    def marriage_probability(self, sex: np.ndarray) -> np.ndarray:
        from tjenestemandspension.mortality import SEX_MEN

        return np.where(sex == SEX_MEN, self.marriage_probability_men, self.marriage_probability_women)


def _age_from_table(birth_date: np.ndarray, table: tuple[tuple[dt.date, float], ...]) -> np.ndarray:
    starts = np.array([np.datetime64(born, "D") for born, _ in table])
    ages = np.array([age for _, age in table], dtype=float)
    index = np.searchsorted(starts, birth_date, side="right") - 1
    # birth dates before the first row use the first row (tables start far in the past)
    return ages[np.clip(index, 0, ages.size - 1)]
