"""The mortality basis: §5's intensity, monthly survival against a plain loop, life
expectancy (check figures and closed forms), the company adjustment and loading files."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import numpy as np
import pytest

from tjenestemandspension.mortality import (
    HORIZON_MONTHS,
    SEX_MEN,
    SEX_WOMEN,
    BenchmarkTable,
    MortalityBasis,
    adjustment_functions,
    benchmark_year_from_name,
    default_mortality_basis,
    distinct_cohorts,
    load_mortality_basis,
)
from tjenestemandspension.errors import InputError
from tjenestemandspension.provenance import Provenance

pytestmark = pytest.mark.english  # asserts the English texts of problems (tests/conftest.py)

V_2024 = dt.date(2024, 12, 31)


def flat_basis(mu: float, rate: float = 0.0, **options) -> MortalityBasis:
    """Every age and sex with intensity `mu` and improvement rate `rate`."""
    provenance = Provenance(source="test")
    return MortalityBasis(
        mortality=BenchmarkTable("mortality", np.full((2, 111), mu), None, provenance),
        improvement=BenchmarkTable("improvement", np.full((2, 111), rate), None, provenance),
        benchmark_year=2024, **options)


# --- plain-Python references, straight from docs/specification.md §5 -------------------------

def spec_intensity(basis: MortalityBasis, sex: int, x: int, year: int) -> float:
    mu = basis.mortality.values.tolist()
    r = basis.improvement.values.tolist()
    factor = basis.factor_men if sex == SEX_MEN else basis.factor_women
    rate = r[sex][x] if basis.improvements else 0.0
    value = factor * mu[sex][x] * (1 - rate) ** (year - basis.benchmark_year)
    if basis.adjustment_betas is not None:
        knots = [40, 60, 80, 100]
        g = [1.0 if x <= 40 else max(0.0, (60 - x) / 20)]
        for i in (1, 2):
            g.append(max(0.0, min((x - knots[i - 1]) / 20, (knots[i + 1] - x) / 20)))
        g.append(1.0 if x >= 100 else max(0.0, (x - 80) / 20))
        value *= math.exp(sum(b * gi for b, gi in zip(basis.adjustment_betas, g)))
    return value


def spec_survival(basis: MortalityBasis, valuation_date: dt.date, sex: int, a0: int, n_months: int) -> list[float]:
    survival = [1.0]
    total = 0.0
    for k in range(1, n_months + 1):
        if a0 + k - 1 >= 1440:  # months starting at or after age 120 are not projected
            survival.append(0.0)
            continue
        x = min(110, max(0, math.floor((a0 + k - 1) / 12)))
        year = valuation_date.year + (valuation_date.month - 1 + k) // 12
        total += spec_intensity(basis, sex, x, year) / 12
        survival.append(math.exp(-total))
    return survival


def step_expectation(steps: list[tuple[float, float]], tail_mu: float) -> float:
    """∫S for consecutive (mu, length) steps, then tail_mu for ever: a loop, one step at a time."""
    survival, expectation = 1.0, 0.0
    for mu, length in steps:
        expectation += survival * (1 - math.exp(-mu * length)) / mu if mu > 0 else survival * length
        survival *= math.exp(-mu * length)
    return expectation + survival / tail_mu


# --- the intensity ----------------------------------------------------------------------

def test_intensity_is_the_formula_of_section_5():
    basis = default_mortality_basis().with_changes(factor_men=1.1, factor_women=0.9)
    for sex in (SEX_MEN, SEX_WOMEN):
        for x in (0, 1, 40, 65, 99, 110):
            for year in (2010, 2024, 2025, 2060):  # before the benchmark year too
                expected = spec_intensity(basis, sex, x, year)
                assert basis.intensity(sex, x, year) == pytest.approx(expected, rel=1e-15)


def test_intensity_caps_ages_and_broadcasts():
    basis = default_mortality_basis()
    mu = basis.mortality.values
    assert basis.intensity(SEX_MEN, 115, 2024) == mu[SEX_MEN, 110]
    assert basis.intensity(SEX_WOMEN, -3, 2024) == mu[SEX_WOMEN, 0]
    assert basis.intensity(SEX_WOMEN, 65.9, 2024) == mu[SEX_WOMEN, 65]  # completed years
    grid = basis.intensity(np.array([SEX_MEN, SEX_WOMEN])[:, None], np.arange(111)[None, :], 2024)
    assert grid.shape == (2, 111) and np.array_equal(grid, mu)  # exponent 0 in the benchmark year
    years = basis.intensity(SEX_MEN, 70, np.arange(2020, 2030))
    assert years.shape == (10,) and np.all(np.diff(years) <= 0)
    with pytest.raises(ValueError):
        basis.intensity(2, 60, 2024)


def test_improvements_off_ignores_the_year():
    basis = default_mortality_basis().with_changes(improvements=False)
    assert np.array_equal(basis.intensity(SEX_MEN, np.arange(111), 2090), basis.mortality.men)
    assert np.array_equal(basis.intensity(SEX_WOMEN, np.arange(111), 1990), basis.mortality.women)


def test_negative_exponent_before_the_benchmark_year():
    basis = default_mortality_basis()
    r = basis.improvement.values[SEX_WOMEN, 50]
    assert basis.intensity(SEX_WOMEN, 50, 2021) == pytest.approx(
        basis.mortality.values[SEX_WOMEN, 50] * (1 - r) ** -3, rel=1e-15)


# --- the company adjustment -----------------------------------------------------------

def test_adjustment_functions_on_the_knots():
    g = adjustment_functions(np.array([0, 40, 50, 60, 70, 80, 90, 100, 110]))
    assert np.allclose(g, [
        [1, 0, 0, 0], [1, 0, 0, 0], [0.5, 0.5, 0, 0], [0, 1, 0, 0], [0, 0.5, 0.5, 0],
        [0, 0, 1, 0], [0, 0, 0.5, 0.5], [0, 0, 0, 1], [0, 0, 0, 1]], atol=0)
    assert np.allclose(adjustment_functions(np.arange(111)).sum(axis=1), 1.0, rtol=1e-15)


def test_adjustment_multiplies_the_intensity():
    plain = default_mortality_basis()
    betas = (0.1, -0.2, 0.3, -0.05)
    adjusted = plain.with_changes(adjustment_betas=betas)
    ages = np.arange(111)
    g = adjustment_functions(ages)
    expected = plain.intensity(SEX_MEN, ages, 2030) * np.exp(g @ np.array(betas))
    np.testing.assert_allclose(adjusted.intensity(SEX_MEN, ages, 2030), expected, rtol=1e-15)
    for x in (30, 45, 72, 95, 105):
        assert adjusted.intensity(SEX_WOMEN, x, 2027) == pytest.approx(
            spec_intensity(adjusted, SEX_WOMEN, x, 2027), rel=1e-14)
    # a partition of unity: equal betas are one factor on the whole table
    shifted = plain.with_changes(adjustment_betas=(0.2, 0.2, 0.2, 0.2))
    np.testing.assert_allclose(shifted.intensity(SEX_WOMEN, ages, 2024),
                               plain.intensity(SEX_WOMEN, ages, 2024) * math.exp(0.2), rtol=1e-14)
    assert plain.with_changes(adjustment_betas=[]).adjustment_betas is None


# --- monthly survival -----------------------------------------------------------------

COHORTS = [  # (sex, a0): an unborn spouse, a newborn, ordinary ages, around the 120 horizon
    (SEX_WOMEN, -30), (SEX_MEN, 0), (SEX_MEN, 5), (SEX_WOMEN, 12 * 40 + 11), (SEX_MEN, 12 * 65),
    (SEX_WOMEN, 12 * 67 + 6), (SEX_MEN, 12 * 109 + 7), (SEX_WOMEN, 1430), (SEX_MEN, 1439),
    (SEX_WOMEN, 1440), (SEX_MEN, 1441), (SEX_WOMEN, 2000),
]


@pytest.mark.parametrize("valuation_date", [V_2024, dt.date(2024, 6, 30), dt.date(2019, 2, 28),
                                            dt.date(2031, 1, 31)])
@pytest.mark.parametrize("options", [
    {},
    {"improvements": False, "factor_men": 1.2, "factor_women": 0.9},
    {"adjustment_betas": (0.1, -0.1, 0.2, 0.05)},
])
def test_monthly_survival_equals_the_spec_loop(valuation_date, options):
    basis = default_mortality_basis().with_changes(**options)
    sex = np.array([s for s, _ in COHORTS], dtype=np.int8)
    age = np.array([a for _, a in COHORTS], dtype=np.int64)
    survival = basis.monthly_survival(valuation_date, sex, age)
    assert survival.shape == (len(COHORTS), HORIZON_MONTHS + 1) and survival.dtype == np.float64
    for row, (s, a0) in enumerate(COHORTS):
        expected = np.array(spec_survival(basis, valuation_date, s, a0, HORIZON_MONTHS))
        assert np.array_equal(survival[row] == 0, expected == 0), (s, a0)  # the horizon, exactly
        np.testing.assert_allclose(survival[row], expected, rtol=1e-14, atol=0)


def test_horizon_at_age_120():
    survival = default_mortality_basis().monthly_survival(
        V_2024, np.array([SEX_MEN, SEX_WOMEN, SEX_MEN, SEX_WOMEN]), np.array([1438, 1439, 1440, 5000]))
    assert survival[0, 2] > 0 and np.all(survival[0, 3:] == 0)  # months starting at 1438, 1439
    assert survival[1, 1] > 0 and np.all(survival[1, 2:] == 0)
    assert survival[2, 0] == 1 and np.all(survival[2, 1:] == 0)  # a0 >= 1440: [1, 0, 0, ...]
    assert survival[3, 0] == 1 and np.all(survival[3, 1:] == 0)
    immortal = default_mortality_basis().with_changes(factor_men=0.0)
    newborn = immortal.monthly_survival(V_2024, np.array([SEX_MEN]), np.array([0]))[0]
    assert np.all(newborn[:1441] == 1.0)  # nobody dies, and month 1440 starts at 119y11m


def test_first_month_after_2024_12_31_already_has_exponent_1():
    basis = default_mortality_basis()
    survival = basis.monthly_survival(V_2024, np.array([SEX_MEN, SEX_WOMEN]), np.array([780, 780]), n_months=1)
    for row, sex in enumerate((SEX_MEN, SEX_WOMEN)):
        mu, r = basis.mortality.values[sex, 65], basis.improvement.values[sex, 65]
        assert survival[row, 1] == pytest.approx(math.exp(-mu * (1 - r) / 12), rel=1e-15)


def test_twelve_months_in_a_flat_year_give_exp_minus_mu():
    basis = default_mortality_basis()
    # a0 = 12·x on 31 Dec: the next 12 months are age x and calendar year 2025
    ages = np.array([0, 30, 65, 90, 110, 115])
    for sex in (SEX_MEN, SEX_WOMEN):
        survival = basis.monthly_survival(V_2024, np.full(ages.size, sex), 12 * ages, n_months=24)
        mu = basis.intensity(sex, ages, 2025)
        np.testing.assert_allclose(survival[:, 12], np.exp(-mu), rtol=1e-14)
    flat = flat_basis(0.07)
    survival = flat.monthly_survival(dt.date(2024, 5, 31), np.array([SEX_MEN]), np.array([12 * 50 + 3]))
    np.testing.assert_allclose(survival[0, [12, 24, 120]], np.exp(-0.07 * np.array([1, 2, 10])), rtol=1e-14)


def test_survival_shapes_and_arguments():
    basis = default_mortality_basis()
    assert basis.monthly_survival(V_2024, np.array([SEX_MEN]), np.array([700]), n_months=0).tolist() == [[1.0]]
    assert basis.monthly_survival(V_2024, np.array([], np.int8), np.array([], np.int64)).shape == (0, 1441)
    short = basis.monthly_survival(V_2024, np.array([SEX_WOMEN]), np.array([700]), n_months=60)
    full = basis.monthly_survival(V_2024, np.array([SEX_WOMEN]), np.array([700]))
    assert short.shape == (1, 61) and np.array_equal(short[0], full[0, :61])
    with pytest.raises(ValueError, match="month end"):
        basis.monthly_survival(dt.date(2024, 12, 30), np.array([SEX_MEN]), np.array([700]))
    with pytest.raises(ValueError, match="sex codes"):
        basis.monthly_survival(V_2024, np.array([3]), np.array([700]))
    with pytest.raises(ValueError, match="whole months"):
        basis.monthly_survival(V_2024, np.array([SEX_MEN]), np.array([700.5]))


def test_distinct_cohorts():
    sex = np.array([0, 1, 0, 0, 1, 1, 0], dtype=np.int8)
    age = np.array([700, 700, 700, -5, -5, 1500, 700])
    cohort_sex, cohort_age, inverse = distinct_cohorts(sex, age)
    assert cohort_sex.dtype == np.int8 and len(cohort_sex) == 5
    assert np.array_equal(cohort_sex[inverse], sex) and np.array_equal(cohort_age[inverse], age)
    assert len(set(zip(cohort_sex.tolist(), cohort_age.tolist()))) == 5
    basis = default_mortality_basis()
    per_person = basis.monthly_survival(V_2024, sex, age)
    per_cohort = basis.monthly_survival(V_2024, cohort_sex, cohort_age)
    assert np.array_equal(per_cohort[inverse], per_person)


# --- life expectancy ------------------------------------------------------------------

@pytest.mark.parametrize("sex, age, expected", [
    (SEX_MEN, 60, 23.959), (SEX_WOMEN, 60, 26.899), (SEX_MEN, 65, 19.758), (SEX_WOMEN, 65, 22.439)])
def test_period_life_expectancy_check_figures(sex, age, expected):
    """PROVENANCE.md's independent figures: 2024 table, no improvement, constant within each year of age."""
    basis = default_mortality_basis().with_changes(improvements=False)
    assert round(basis.life_expectancy(sex, age, 2024, cohort=False), 3) == expected
    # with improvements on, 2024's period table is the benchmark itself (exponent 0)
    assert round(default_mortality_basis().life_expectancy(sex, age, 2024, cohort=False), 3) == expected


@pytest.mark.parametrize("sex, age, year, expected", [
    (SEX_MEN, 60, 2024, 25.941), (SEX_WOMEN, 60, 2024, 28.716),
    (SEX_MEN, 65, 2024, 21.209), (SEX_WOMEN, 65, 2024, 23.787),
    (SEX_MEN, 60, 2025, 26.066), (SEX_WOMEN, 60, 2025, 28.820),
    (SEX_MEN, 65, 2025, 21.324), (SEX_WOMEN, 65, 2025, 23.885)])
def test_cohort_life_expectancy_figures_in_the_docs(sex, age, year, expected):
    assert round(default_mortality_basis().life_expectancy(sex, age, year, cohort=True), 3) == expected


def test_period_life_expectancy_equals_a_step_loop():
    basis = default_mortality_basis()
    for sex, age, year in ((SEX_MEN, 60.5, 2030), (SEX_WOMEN, 0, 2024), (SEX_WOMEN, 110.25, 2024),
                           (SEX_MEN, 37.0, 2019)):
        mu = [spec_intensity(basis, sex, x, year) for x in range(111)]
        completed = math.floor(age)
        steps = [(mu[completed], completed + 1 - age)] + [(mu[x], 1.0) for x in range(completed + 1, 111)]
        expected = step_expectation(steps, tail_mu=mu[110])
        assert basis.life_expectancy(sex, age, year, cohort=False) == pytest.approx(expected, rel=1e-12)


def test_cohort_life_expectancy_equals_a_month_loop():
    basis = default_mortality_basis().with_changes(factor_women=1.05)
    for sex, age, year in ((SEX_WOMEN, 65, 2025), (SEX_MEN, 62.5, 2031), (SEX_MEN, 0, 2024), (SEX_WOMEN, 118, 2020)):
        a0 = round(12 * age)
        steps = []
        for k in range(1, 1440 - a0 + 1):
            x = min(110, (a0 + k - 1) // 12)
            steps.append((spec_intensity(basis, sex, x, year + (k - 1) // 12), 1 / 12))
        expected = step_expectation(steps, tail_mu=steps[-1][0])
        assert basis.life_expectancy(sex, age, year, cohort=True) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("mu", [0.005, 0.05, 0.8])
def test_constant_intensity_gives_one_over_mu(mu):
    basis = flat_basis(mu)
    for age in (0, 37.4, 60, 110, 110.5, 115, 119.99, 125):
        for cohort in (False, True):
            assert basis.life_expectancy(SEX_MEN, age, 2030, cohort) == pytest.approx(1 / mu, rel=1e-12)


def test_cohort_without_improvements_is_the_period_figure():
    basis = default_mortality_basis().with_changes(improvements=False)
    for sex in (SEX_MEN, SEX_WOMEN):
        for age in (0, 60, 67, 95, 110, 112):
            assert basis.life_expectancy(sex, age, 2025, cohort=True) == pytest.approx(
                basis.life_expectancy(sex, age, 2025, cohort=False), rel=1e-12)


def test_life_expectancy_directions():
    basis = default_mortality_basis()
    for sex in (SEX_MEN, SEX_WOMEN):
        assert basis.life_expectancy(sex, 65, 2025, True) > basis.life_expectancy(sex, 65, 2025, False)
        assert basis.life_expectancy(sex, 65, 2030, True) > basis.life_expectancy(sex, 65, 2025, True)
        assert basis.life_expectancy(sex, 65, 2025, False) > basis.life_expectancy(sex, 66, 2025, False)
    assert basis.life_expectancy(SEX_WOMEN, 65, 2025, False) > basis.life_expectancy(SEX_MEN, 65, 2025, False)
    assert basis.with_changes(factor_men=0.0).life_expectancy(SEX_MEN, 60, 2025, False) == math.inf
    with pytest.raises(ValueError):
        basis.life_expectancy(SEX_MEN, -1, 2025, False)


# --- the basis object -------------------------------------------------------------------

def test_with_changes_and_equality():
    basis = default_mortality_basis()
    changed = basis.with_changes(factor_men=1.1)
    assert changed.factor_men == 1.1 and basis.factor_men == 1.0
    assert changed != basis and changed.with_changes(factor_men=1.0) == basis
    assert hash(changed.with_changes(factor_men=1.0)) == hash(basis)
    # cached derived tables belong to each instance
    assert changed.intensity(SEX_MEN, 70, 2024) == pytest.approx(1.1 * basis.intensity(SEX_MEN, 70, 2024), rel=1e-15)


def test_invalid_settings_are_input_errors():
    basis = default_mortality_basis()
    with pytest.raises(InputError) as caught:
        basis.with_changes(factor_men=-0.5, factor_women=float("nan"), adjustment_betas=(1.0, 2.0))
    assert [str(p) for p in caught.value.problems] == [
        "key 'factor_men': value '-0.5': expected a finite factor >= 0",
        "key 'factor_women': value 'nan': expected a finite factor >= 0",
        "key 'adjustment_betas': value '[1.0, 2.0]': expected 4 finite numbers (ages 40/60/80/100) or none",
    ]
    with pytest.raises(InputError, match="expected a whole calendar year"):
        basis.with_changes(benchmark_year=2024.5)
    with pytest.raises(ValueError):
        MortalityBasis(basis.improvement, basis.mortality, 2024)


def test_describe():
    described = default_mortality_basis().with_changes(factor_women=0.95, improvements=False,
                                                       adjustment_betas=(0, 0.1, 0, 0)).describe()
    assert described["benchmark_year"] == 2024
    assert described["factor_women"] == 0.95 and described["factor_men"] == 1.0
    assert described["improvements"] is False
    assert described["adjustment_betas"] == [0.0, 0.1, 0.0, 0.0]
    assert described["mortality"]["source_file"] is None
    assert described["mortality"]["provenance"]["date"] == "2024-09"
    assert described["horizon_age"] == 120 and described["max_table_age"] == 110


# --- loading Finanstilsynet's files ---------------------------------------------------------

def write_table(path: Path, value: float) -> Path:
    path.write_text("Alder;Kvinder;Mænd\n" + "".join(f"{age};{value};{value}\n" for age in range(111)),
                    encoding="utf-8")
    return path


def test_benchmark_year_from_the_file_name():
    assert benchmark_year_from_name("x/Benchmark_doedelighed2024.csv") == 2024
    assert benchmark_year_from_name("Benchmark_doedelighed2022_010224.xlsx") == 2022
    assert benchmark_year_from_name("doedelighed.csv") is None
    assert benchmark_year_from_name("table_20241.csv") is None


def test_load_mortality_basis(tmp_path):
    basis = load_mortality_basis(write_table(tmp_path / "Benchmark_doedelighed2030.csv", 0.02),
                                 write_table(tmp_path / "Benchmark_levetidsforbedringer2030.csv", 0.01),
                                 factor_men=1.5)
    assert basis.benchmark_year == 2030 and basis.factor_men == 1.5
    assert basis.intensity(SEX_MEN, 50, 2032) == pytest.approx(1.5 * 0.02 * 0.99 ** 2, rel=1e-15)
    assert basis.describe()["mortality"]["source_file"].endswith("Benchmark_doedelighed2030.csv")
    explicit = load_mortality_basis(write_table(tmp_path / "mine.csv", 0.02),
                                    write_table(tmp_path / "improve.csv", 0.0), benchmark_year=2027)
    assert explicit.benchmark_year == 2027


def test_load_needs_a_benchmark_year(tmp_path):
    with pytest.raises(InputError) as caught:
        load_mortality_basis(write_table(tmp_path / "mine.csv", 0.02), write_table(tmp_path / "improve.csv", 0.0))
    assert [str(p) for p in caught.value.problems] == [
        "mine.csv: expected a benchmark year in the file name (e.g. Benchmark_doedelighed2024.csv); "
        "give the benchmark year explicitly (basis key mortality.benchmark_year, or --benchmark-year in tjp "
        "mortality show)"]


def test_load_rejects_mixed_years_and_swapped_files(tmp_path):
    mortality = write_table(tmp_path / "Benchmark_doedelighed2024.csv", 0.02)
    improvement = write_table(tmp_path / "Benchmark_levetidsforbedringer2012.csv", 0.01)
    with pytest.raises(InputError) as caught:
        load_mortality_basis(mortality, improvement)
    assert [str(p) for p in caught.value.problems] == [
        "Benchmark_levetidsforbedringer2012.csv: expected the improvements of the same year as the mortality "
        "file (2024), the name says 2012; give the benchmark year explicitly if the pair is intended"]
    assert load_mortality_basis(mortality, improvement, benchmark_year=2024).benchmark_year == 2024
    with pytest.raises(InputError) as caught:
        load_mortality_basis(improvement, mortality)
    assert [str(p) for p in caught.value.problems] == [
        "Benchmark_levetidsforbedringer2012.csv: expected the mortality file (Benchmark_doedelighed) first; "
        "the two files seem swapped",
        "Benchmark_doedelighed2024.csv: expected the improvement file (Benchmark_levetidsforbedringer) "
        "second; the two files seem swapped"]


def test_load_reports_problems_of_both_files(tmp_path):
    mortality = write_table(tmp_path / "Benchmark_doedelighed2024.csv", -0.02)
    with pytest.raises(InputError) as caught:
        load_mortality_basis(mortality, tmp_path / "Benchmark_levetidsforbedringer2024.csv")
    problems = [str(p) for p in caught.value.problems]
    assert len(problems) == 2 * 111 + 1
    assert problems[0] == ("Benchmark_doedelighed2024.csv, row 2, column 'Kvinder': value '-0.02': "
                           "expected an intensity >= 0")
    assert problems[-1] == "Benchmark_levetidsforbedringer2024.csv: file not found"
