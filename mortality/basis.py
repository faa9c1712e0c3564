"""The mortality basis: intensities, monthly survival paths and life expectancy.

The intensity is docs/specification.md §5's

    mu(sex, x, y) = f_sex · mu_FT(sex, x) · (1 − R_FT(sex, x))^(y − Y0)  [· exp(Σ β_i g_i(x))]

with x the completed age in years (capped at 110), y the calendar year and Y0 the
benchmark year. Survival is computed once per cohort — a distinct (sex, age in months
at the valuation date) — since everyone in a cohort shares the same path.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from tjenestemandspension.mortality.tables import (
    HORIZON_MONTHS,
    KIND_IMPROVEMENT,
    KIND_MORTALITY,
    MAX_TABLE_AGE,
    N_AGES,
    SEX_MEN,
    SEX_WOMEN,
    BenchmarkTable,
    read_benchmark_table,
)
from tjenestemandspension.dates import is_month_end
from tjenestemandspension.errors import InputError, Problem
from tjenestemandspension.rounding import round_half_up

# Finanstilsynet's model adjustment: four piecewise-linear age functions on these knots.
ADJUSTMENT_KNOTS = (40.0, 60.0, 80.0, 100.0)
N_BETAS = len(ADJUSTMENT_KNOTS)
MONTHS_PER_YEAR = 12


def adjustment_functions(age_years: np.ndarray | float) -> np.ndarray:
    """g_1..g_4 at the given ages, shape `age.shape + (4,)`.

    Hat functions on the knots 40/60/80/100, with g_1 = 1 below 40 and g_4 = 1 above
    100: a partition of unity, so equal betas shift the whole table by one factor.
    """
    age = np.asarray(age_years, dtype=np.float64)
    unit = np.eye(N_BETAS)
    # np.interp holds the end values outside the knots, which is exactly g_1's and g_4's flat parts
    return np.stack([np.interp(age, ADJUSTMENT_KNOTS, unit[i]) for i in range(N_BETAS)], axis=-1)


def _is_finite_number(value: object) -> bool:
    return (isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)
            and math.isfinite(value))


def _check_sex(sex: np.ndarray) -> None:
    if sex.size and not np.isin(sex, (SEX_MEN, SEX_WOMEN)).all():
        raise ValueError(f"sex codes must be SEX_MEN ({SEX_MEN}) or SEX_WOMEN ({SEX_WOMEN})")


@dataclass(frozen=True)
class MortalityBasis:
    """Finanstilsynet's benchmark with the basis settings that modify it."""

    mortality: BenchmarkTable
    improvement: BenchmarkTable
    benchmark_year: int  # Y0
    factor_men: float = 1.0
    factor_women: float = 1.0
    improvements: bool = True  # False: R is treated as 0
    adjustment_betas: tuple[float, float, float, float] | None = None

    def __post_init__(self) -> None:
        if self.mortality.kind != KIND_MORTALITY or self.improvement.kind != KIND_IMPROVEMENT:
            raise ValueError("MortalityBasis needs a mortality table and an improvement table, in that order")
        problems = []
        if isinstance(self.benchmark_year, bool) or not isinstance(self.benchmark_year, (int, np.integer)):
            problems.append(Problem(key="benchmark_year", value=self.benchmark_year,
                                    expected="expected a whole calendar year, e.g. 2024"))
        for key in ("factor_men", "factor_women"):
            factor = getattr(self, key)
            if not _is_finite_number(factor) or factor < 0:
                problems.append(Problem(key=key, value=factor, expected="expected a finite factor >= 0"))
        betas = self.adjustment_betas
        if betas is not None:
            betas = tuple(betas)
            if len(betas) == 0:
                betas = None  # an empty list in a basis file means: no adjustment
            elif len(betas) != N_BETAS or not all(_is_finite_number(b) for b in betas):
                problems.append(Problem(key="adjustment_betas", value=list(betas),
                                        expected="expected 4 finite numbers (ages 40/60/80/100) or none"))
                betas = None
        if problems:
            raise InputError(problems)
        object.__setattr__(self, "benchmark_year", int(self.benchmark_year))
        object.__setattr__(self, "factor_men", float(self.factor_men))
        object.__setattr__(self, "factor_women", float(self.factor_women))
        object.__setattr__(self, "improvements", bool(self.improvements))
        object.__setattr__(self, "adjustment_betas",
                           None if betas is None else tuple(float(b) for b in betas))

    # --- derived tables (cached per instance; `with_changes` makes a fresh one) -------

    @cached_property
    def _scaled_mortality(self) -> np.ndarray:
        """f_sex · mu_FT[sex, x], shape (2, 111)."""
        factors = np.array([0.0, 0.0])
        factors[SEX_MEN] = self.factor_men
        factors[SEX_WOMEN] = self.factor_women
        return factors[:, None] * self.mortality.values

    @cached_property
    def _one_minus_rate(self) -> np.ndarray:
        """1 − R_FT[sex, x]; all ones with improvements off, so that the power is 1 exactly."""
        if not self.improvements:
            return np.ones((2, N_AGES))
        return 1.0 - self.improvement.values

    @cached_property
    def _adjustment_by_age(self) -> np.ndarray | None:
        """exp(Σ β_i g_i(x)) for x = 0..110, or None without an adjustment."""
        if self.adjustment_betas is None:
            return None
        g = adjustment_functions(np.arange(N_AGES))
        return np.exp(g @ np.array(self.adjustment_betas))

    # --- the intensity --------------------------------------------------------------

    def intensity(self, sex: np.ndarray | int, age_years: np.ndarray | int,
                  calendar_year: np.ndarray | int) -> np.ndarray:
        """mu(sex, x, y) of §5, broadcasting over its arguments.

        `age_years` is the completed age (floored if fractional) and is clipped to
        0..110; `calendar_year − Y0` may be negative (the power is simply applied).
        """
        sex = np.asarray(sex)
        _check_sex(sex)
        sex = sex.astype(np.intp)
        age = np.asarray(age_years)
        if not np.issubdtype(age.dtype, np.integer):
            age = np.floor(age)
        x = np.clip(age, 0, MAX_TABLE_AGE).astype(np.intp)
        exponent = np.asarray(calendar_year).astype(np.int64) - self.benchmark_year
        # evaluated in the order §5 writes it: f · mu, then the improvement power
        mu = self._scaled_mortality[sex, x] * self._one_minus_rate[sex, x] ** exponent
        if self._adjustment_by_age is not None:
            mu = mu * self._adjustment_by_age[x]
        return np.asarray(mu, dtype=np.float64)

    def _monthly_lookup(self, valuation_date: dt.date, sex: np.ndarray, age_months: np.ndarray,
                        n_months: int) -> tuple[np.ndarray, np.ndarray]:
        """(table, index) with mu_j of cohort c = table[index[c, j − 1]] for months j = 1..n_months;
        the table holds +inf for the months that start at or after age 120.

        Everything two-dimensional is integer bookkeeping kept to one row gather and one
        add: with a0 = 12·q + r, the completed age at the start of month j is
        q + (r + j − 1) // 12, and the second term takes only 12 × n_months values.
        """
        months = np.arange(1, n_months + 1, dtype=np.intp)
        # V is a month end: month 1 after 2024-12-31 is January 2025
        year_of_month = valuation_date.year + (valuation_date.month - 1 + months) // MONTHS_PER_YEAR
        first_year = int(year_of_month[0])
        n_years = int(year_of_month[-1]) - first_year + 1

        # Ages beyond the horizon, or before birth by more than the projection, all look
        # alike; clipping a0 keeps the table small whatever the input.
        a0 = np.clip(age_months.astype(np.intp), -(n_months + MONTHS_PER_YEAR), HORIZON_MONTHS)
        whole_years, extra_months = np.divmod(a0, MONTHS_PER_YEAR)
        years_added = (np.arange(MONTHS_PER_YEAR)[:, None] + months[None, :] - 1) // MONTHS_PER_YEAR

        # table rows: completed ages lowest..highest the cohorts can reach, each sex
        lowest = int(whole_years.min())
        ages = np.arange(lowest, int(whole_years.max()) + int(years_added.max()) + 1)
        table = self.intensity(np.array([SEX_MEN, SEX_WOMEN])[:, None, None],
                               np.clip(ages, 0, MAX_TABLE_AGE)[None, :, None],
                               (first_year + np.arange(n_years))[None, None, :])
        table[:, ages >= HORIZON_MONTHS // MONTHS_PER_YEAR, :] = np.inf

        column_offset = years_added * n_years + (year_of_month - first_year)[None, :]  # (12, n_months)
        row_offset = (sex.astype(np.intp) * ages.size + (whole_years - lowest)) * n_years
        index = np.take(column_offset, extra_months, axis=0)
        index += row_offset[:, None]
        return table.ravel(), index

    def monthly_intensities(self, valuation_date: dt.date, sex: np.ndarray, age_months: np.ndarray,
                            n_months: int) -> np.ndarray:
        """mu_j of each cohort for months j = 1..n_months, shape (cohorts, n_months); +inf
        from the first month that starts at or after age 120 (the terms of `monthly_survival`)."""
        table, index = self._monthly_lookup(valuation_date, np.asarray(sex), np.asarray(age_months), n_months)
        return np.take(table, index)

    # --- survival -------------------------------------------------------------------

    def monthly_survival(self, valuation_date: dt.date, sex: np.ndarray, age_months: np.ndarray,
                         n_months: int = HORIZON_MONTHS) -> np.ndarray:
        """Survival of each cohort to the month ends after V, shape (cohorts, n_months + 1).

        `S[:, 0] = 1` and `S[:, k] = exp(−Σ_{j≤k} mu_j / 12)`; 0 from the first month that
        starts at or after age 120. Pass distinct (sex, age_months) pairs (see
        `distinct_cohorts`): every row costs the same.
        """
        if not is_month_end(valuation_date):
            raise ValueError(f"the valuation date must be a month end, not {valuation_date.isoformat()}")
        if n_months < 0:
            raise ValueError("n_months must be >= 0")
        sex = np.asarray(sex)
        age_months = np.asarray(age_months)
        if sex.ndim != 1 or sex.shape != age_months.shape:
            raise ValueError("sex and age_months must be 1-D arrays of the same length")
        if age_months.size and not np.issubdtype(age_months.dtype, np.integer):
            if not np.array_equal(age_months, np.floor(age_months)):
                raise ValueError("age_months must be whole months")
        _check_sex(sex)

        survival = np.empty((sex.size, n_months + 1))
        survival[:, 0] = 1.0
        if n_months == 0 or sex.size == 0:
            return survival
        table, index = self._monthly_lookup(valuation_date, sex, age_months, n_months)
        # −mu/12 per month, summed: −Σ mu_j/12 exactly as §5 writes it (negation is exact)
        minus_monthly_hazard = np.take(-table / MONTHS_PER_YEAR, index)
        tail = survival[:, 1:]
        np.cumsum(minus_monthly_hazard, axis=1, out=tail)
        np.exp(tail, out=tail)  # exp(−inf) = 0 past the horizon
        return survival

    # --- life expectancy ------------------------------------------------------------

    def life_expectancy(self, sex: int, age: float, calendar_year: int, cohort: bool) -> float:
        """Complete expectation of life, exact for piecewise-constant intensities.

        Period (`cohort=False`): calendar year Y's intensities at every future age,
        constant within each year of age, to age 111, then 110's intensity for ever.
        Cohort: aged exactly `age` (a0 = round(12·age) months) at 31 Dec Y−1, month by
        month with §5's intensities to age 120, then the last month's intensity for ever.
        """
        _check_sex(np.asarray(sex))
        if not math.isfinite(age) or age < 0:
            raise ValueError(f"age must be a finite number >= 0, not {age}")
        if cohort:
            return self._cohort_life_expectancy(int(sex), age, int(calendar_year))
        return self._period_life_expectancy(int(sex), age, int(calendar_year))

    def _period_life_expectancy(self, sex: int, age: float, calendar_year: int) -> float:
        mu_by_age = self.intensity(sex, np.arange(N_AGES), calendar_year)
        completed = min(math.floor(age), N_AGES)
        # from `age` to the next whole age, then whole years up to 111
        step_mu = mu_by_age[completed:]
        step_length = np.ones(step_mu.size)
        if step_length.size:
            step_length[0] = completed + 1 - age
        return _piecewise_constant_expectation(step_mu, step_length, tail_mu=float(mu_by_age[-1]))

    def _cohort_life_expectancy(self, sex: int, age: float, calendar_year: int) -> float:
        a0 = int(round_half_up(MONTHS_PER_YEAR * age))
        valuation_date = dt.date(calendar_year - 1, 12, 31)
        n_months = max(0, HORIZON_MONTHS - a0)  # the months that start before age 120
        if n_months == 0:
            return _piecewise_constant_expectation(np.empty(0), np.empty(0),
                                                   tail_mu=float(self.intensity(sex, MAX_TABLE_AGE, calendar_year)))
        table, index = self._monthly_lookup(valuation_date, np.array([sex]), np.array([a0]), n_months)
        mu = table[index[0]]
        return _piecewise_constant_expectation(mu, np.full(n_months, 1.0 / MONTHS_PER_YEAR), tail_mu=float(mu[-1]))

    # --- convenience ----------------------------------------------------------------

    def with_changes(self, **changes: object) -> MortalityBasis:
        """A copy with some fields replaced (validated again)."""
        return dataclasses.replace(self, **changes)

    def describe(self) -> dict[str, object]:
        """What the report prints about the mortality basis."""
        def table(t: BenchmarkTable) -> dict[str, object]:
            return {"source_file": t.source_file, "builtin": t.source_file is None,
                    "provenance": t.provenance.as_dict(), "text": t.provenance.describe()}

        builtin = self.mortality.source_file is None and self.improvement.source_file is None
        return {
            "name": f"Finanstilsynet benchmark {self.benchmark_year}" + (" (built-in)" if builtin else ""),
            "benchmark_year": self.benchmark_year,
            "mortality": table(self.mortality),
            "improvement": table(self.improvement),
            "factor_men": self.factor_men,
            "factor_women": self.factor_women,
            "improvements": self.improvements,
            "adjustment_betas": None if self.adjustment_betas is None else list(self.adjustment_betas),
            "adjustment": None if self.adjustment_betas is None else
            "mu · exp(Σ β_i g_i(x)), g_i piecewise linear on the knots 40/60/80/100",
            "max_table_age": MAX_TABLE_AGE,
            "horizon_age": HORIZON_MONTHS // MONTHS_PER_YEAR,
        }


def _piecewise_constant_expectation(step_mu: np.ndarray, step_length: np.ndarray, tail_mu: float) -> float:
    """∫ S over consecutive steps with constant intensity, plus a tail with `tail_mu` for ever.

    A step of length h and intensity mu starting with survival S0 contributes
    S0·(1 − e^(−mu·h))/mu (S0·h when mu = 0); the tail contributes S_end/tail_mu.
    """
    exposure = step_mu * step_length
    survival_end = np.exp(-np.cumsum(exposure))
    survival_start = np.concatenate(([1.0], survival_end[:-1]))
    with np.errstate(divide="ignore", invalid="ignore"):
        fraction = np.where(step_mu > 0, -np.expm1(-exposure) / step_mu, step_length)
    expectation = float(np.sum(survival_start * fraction))
    remaining = float(survival_end[-1]) if survival_end.size else 1.0
    if remaining > 0:
        expectation += remaining / tail_mu if tail_mu > 0 else math.inf
    return expectation


def distinct_cohorts(sex: np.ndarray, age_months: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(cohort_sex, cohort_age_months, inverse): each distinct (sex, age) once, and for
    every person the row of its cohort, so that `S[inverse]` is the person's path."""
    sex = np.asarray(sex)
    age_months = np.asarray(age_months)
    _check_sex(sex)
    # sex is 0 or 1, so 2·age + sex is one-to-one, also for negative ages (floor division)
    key = age_months.astype(np.int64) * 2 + sex.astype(np.int64)
    unique_keys, inverse = np.unique(key, return_inverse=True)
    return (unique_keys % 2).astype(np.int8), unique_keys // 2, inverse.reshape(-1).astype(np.int64)


# --- loading a basis from Finanstilsynet's files ----------------------------------------

_YEAR_IN_NAME = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")


def benchmark_year_from_name(path: str | Path) -> int | None:
    """The 4-digit year in a name like Benchmark_doedelighed2024.csv (2022 in
    Benchmark_doedelighed2022_010224.xlsx), or None."""
    match = _YEAR_IN_NAME.search(Path(path).stem)
    return int(match.group(1)) if match else None


def load_mortality_basis(mortality_file: str | Path, improvement_file: str | Path,
                         benchmark_year: int | None = None, **options: object) -> MortalityBasis:
    """Read both of Finanstilsynet's files; `options` are MortalityBasis fields
    (factor_men, factor_women, improvements, adjustment_betas).

    Problems in both files are reported together. Without `benchmark_year` the year in
    the mortality file's name is used.
    """
    problems: list[Problem] = []
    for path, wrong_word, expected in (
            (mortality_file, "levetidsforbedring", "expected the mortality file (Benchmark_doedelighed) first"),
            (improvement_file, "doedelighed", "expected the improvement file (Benchmark_levetidsforbedringer) second")):
        if wrong_word in Path(path).name.casefold():
            problems.append(Problem(file=str(path), expected=f"{expected}; the two files seem swapped"))
    if problems:
        raise InputError(problems)

    tables = {}
    for path, kind in ((mortality_file, KIND_MORTALITY), (improvement_file, KIND_IMPROVEMENT)):
        try:
            tables[kind] = read_benchmark_table(path, kind)
        except InputError as error:
            problems.extend(error.problems)

    if benchmark_year is None:
        mortality_year = benchmark_year_from_name(mortality_file)
        improvement_year = benchmark_year_from_name(improvement_file)
        if mortality_year is None:
            problems.append(Problem(file=str(mortality_file), expected=(
                "expected a benchmark year in the file name (e.g. Benchmark_doedelighed2024.csv); "
                "give the benchmark year explicitly (basis key mortality.benchmark_year, "
                "or --benchmark-year in tjp mortality show)")))
        elif improvement_year is not None and improvement_year != mortality_year:
            problems.append(Problem(file=str(improvement_file), expected=(
                f"expected the improvements of the same year as the mortality file ({mortality_year}), "
                f"the name says {improvement_year}; give the benchmark year explicitly if the pair is intended")))
        benchmark_year = mortality_year
    if problems:
        raise InputError(problems)
    return MortalityBasis(mortality=tables[KIND_MORTALITY], improvement=tables[KIND_IMPROVEMENT],
                          benchmark_year=benchmark_year, **options)  # type: ignore[arg-type]
