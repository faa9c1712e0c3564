"""Properties that must hold for every table, factor and date (hypothesis)."""

from __future__ import annotations

import datetime as dt

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from tjenestemandspension.mortality import SEX_MEN, SEX_WOMEN, BenchmarkTable, MortalityBasis, default_mortality_basis
from tjenestemandspension.provenance import Provenance

PROVENANCE = Provenance(source="hypothesis")

sexes = st.sampled_from([SEX_MEN, SEX_WOMEN])
factors = st.floats(min_value=0.0, max_value=5.0, allow_nan=False)


@st.composite
def month_ends(draw) -> dt.date:
    year = draw(st.integers(2000, 2070))
    month = draw(st.integers(1, 12))
    first_of_next = dt.date(year + month // 12, month % 12 + 1, 1)
    return first_of_next - dt.timedelta(days=1)


intensity_tables = arrays(np.float64, (2, 111), elements=st.floats(0.0, 2.0, allow_nan=False, width=64))
nonnegative_rates = arrays(np.float64, (2, 111), elements=st.floats(0.0, 0.2, allow_nan=False))
signed_rates = arrays(np.float64, (2, 111), elements=st.floats(-0.2, 0.2, allow_nan=False))


def basis_of(mortality: np.ndarray, improvement: np.ndarray, **options) -> MortalityBasis:
    return MortalityBasis(BenchmarkTable("mortality", mortality, None, PROVENANCE),
                          BenchmarkTable("improvement", improvement, None, PROVENANCE),
                          benchmark_year=2024, **options)


@settings(max_examples=60, deadline=None)
@given(mortality=intensity_tables, improvement=signed_rates, low=factors, raise_by=factors,
       valuation_date=month_ends(),
       cohorts=st.lists(st.tuples(sexes, st.integers(-60, 1500)), min_size=1, max_size=6),
       improvements=st.booleans())
def test_raising_the_factor_never_raises_survival(mortality, improvement, low, raise_by, valuation_date,
                                                  cohorts, improvements):
    sex = np.array([s for s, _ in cohorts], dtype=np.int8)
    age = np.array([a for _, a in cohorts])
    base = basis_of(mortality, improvement, improvements=improvements)
    for key in ("factor_men", "factor_women"):
        lower = base.with_changes(**{key: low}).monthly_survival(valuation_date, sex, age)
        higher = base.with_changes(**{key: low + raise_by}).monthly_survival(valuation_date, sex, age)
        assert np.all(higher <= lower)
        assert np.all((lower >= 0) & (lower <= 1)) and np.all(np.diff(lower, axis=1) <= 0)


@settings(max_examples=60, deadline=None)
@given(factor=st.floats(0.1, 3.0), raise_by=st.floats(0.0, 2.0), sex=sexes,
       age=st.integers(0, 119), year=st.integers(2000, 2070))
def test_raising_the_factor_never_raises_life_expectancy(factor, raise_by, sex, age, year):
    basis = default_mortality_basis()
    for cohort in (False, True):
        lower = basis.with_changes(factor_men=factor, factor_women=factor)
        higher = basis.with_changes(factor_men=factor + raise_by, factor_women=factor + raise_by)
        assert (higher.life_expectancy(sex, age, year, cohort)
                <= lower.life_expectancy(sex, age, year, cohort) * (1 + 1e-13))


@settings(max_examples=80, deadline=None)
@given(mortality=arrays(np.float64, (2, 111), elements=st.floats(1e-4, 2.0)), improvement=nonnegative_rates,
       sex=sexes, age=st.floats(0.0, 125.0), years_after=st.integers(0, 40))
def test_improvements_never_lower_cohort_life_expectancy(mortality, improvement, sex, age, years_after):
    """With every rate >= 0 and the calendar year at or after the benchmark year, switching
    improvements on can only lower intensities (up to rounding in the last digits)."""
    with_improvements = basis_of(mortality, improvement)
    without = with_improvements.with_changes(improvements=False)
    year = with_improvements.benchmark_year + years_after
    assert (with_improvements.life_expectancy(sex, age, year, cohort=True)
            >= without.life_expectancy(sex, age, year, cohort=True) * (1 - 1e-13))


@settings(max_examples=40, deadline=None)
@given(sex=sexes, age=st.integers(0, 110), year=st.integers(2024, 2060))
def test_builtin_cohort_figures_at_least_period_figures(sex, age, year):
    # the 2024 rates are all >= 0, so the cohort lives at least as long as the period table says
    basis = default_mortality_basis()
    assert basis.life_expectancy(sex, age, year, True) >= basis.life_expectancy(sex, age, year, False) * (1 - 1e-13)
