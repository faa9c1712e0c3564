"""The work-injury valuation (docs/work-injuries.md §4, §7): the vectorised valuation
against a per-row, per-month reference to 1e-9, closed forms (no mortality, a flat rate:
annuities certain), the end rules one by one, and properties."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tjenestemandspension.actuarial import load_basis, resolve_assumptions
from tjenestemandspension.actuarial.work_injury.case_register import cases_from_frame
from tjenestemandspension.actuarial.work_injury.valuation import value_cases
from wi_reference import WorkInjuryReference

V = dt.date(2024, 12, 31)
BENEFITS = ("loss_of_earning_capacity", "spouse", "child", "case_reserve")
BASES = {
    "default": [],
    "flat curve, 3 % regulation, mortality factor": ["curve.source=flat", "curve.rate=0.025",
                                                     "work_injury.regulation_rate=0.03",
                                                     "work_injury.mortality_factor=1.3"],
    "mid-year, shifted, no improvements": ["valuation.date=2025-06-30", "curve.shift_bp=-75",
                                           "mortality.improvements=false", "mortality.factor_women=0.8"],
}


@pytest.fixture(scope="module")
def base_assumptions():
    return resolve_assumptions(load_basis())


def assumptions_for(base, overrides):
    return resolve_assumptions(load_basis(overrides=overrides), reuse=(base,))


def random_cases(n: int, seed: int, valuation_date: dt.date) -> tuple[pd.DataFrame, list[dict]]:
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        benefit = BENEFITS[rng.integers(4)]
        if benefit == "child":
            age = rng.uniform(0.1, 20)
        elif benefit == "spouse":
            age = rng.uniform(25, 75)
        else:
            age = rng.uniform(18, 75)
        birth = valuation_date - dt.timedelta(days=int(age * 365.25))
        row = {"case_id": f"C{i}", "benefit": benefit, "birth_date": birth, "sex": int(rng.integers(2)),
               "annual_amount": round(float(rng.uniform(5_000, 400_000)), 2), "first_month": None,
               "last_month": None, "end_age": None, "reserve": 0.0}
        if benefit == "spouse":
            back = int(rng.integers(-3, 130))
            row["first_month"] = _add_months(valuation_date, -back)
        if benefit == "case_reserve":
            row.update(birth_date=None, annual_amount=0.0, reserve=round(float(rng.uniform(0, 1e6)), 2))
        elif rng.random() < 0.25:
            row["last_month"] = _add_months(valuation_date, int(rng.integers(-5, 300)))
            if row["first_month"] and row["last_month"] < row["first_month"]:
                row["last_month"] = row["first_month"]
        elif rng.random() < 0.25:
            row["end_age"] = round(float(rng.uniform(15, 80)), 2)
        if benefit != "case_reserve" and rng.random() < 0.2:
            row["reserve"] = round(float(rng.uniform(0, 50_000)), 2)
        rows.append(row)
    frame = pd.DataFrame({
        "case_id": [r["case_id"] for r in rows], "benefit": [r["benefit"] for r in rows],
        "birth_date": [r["birth_date"].isoformat() if r["birth_date"] else "" for r in rows],
        "sex": [("M", "K")[r["sex"]] if r["birth_date"] else "" for r in rows],
        "annual_amount": [repr(r["annual_amount"]).replace(".", ",") if r["benefit"] != "case_reserve" else ""
                          for r in rows],
        "first_month": [r["first_month"].strftime("%Y-%m") if r["first_month"] else "" for r in rows],
        "last_month": [r["last_month"].isoformat() if r["last_month"] else "" for r in rows],
        "end_age": [repr(r["end_age"]).replace(".", ",") if r["end_age"] is not None else "" for r in rows],
        "reserve": [repr(r["reserve"]).replace(".", ",") for r in rows],
    })
    return frame, rows


def _add_months(date: dt.date, months: int) -> dt.date:
    index = date.year * 12 + date.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 15)


def frame_of(*rows: dict) -> pd.DataFrame:
    columns = ("case_id", "benefit", "birth_date", "sex", "annual_amount", "first_month", "last_month", "end_age",
               "reserve")
    return pd.DataFrame({c: [str(r.get(c, "")) for r in rows] for c in columns})


@pytest.mark.parametrize("name", list(BASES))
def test_valuation_matches_the_per_row_reference(base_assumptions, name):
    assumptions = assumptions_for(base_assumptions, BASES[name])
    frame, rows = random_cases(300, seed=sum(map(ord, name)), valuation_date=assumptions.valuation_date)
    cases = cases_from_frame(frame, assumptions.valuation_date)
    values = value_cases(cases, assumptions)
    mortality = assumptions.source_mortality
    reference = WorkInjuryReference(assumptions.basis, assumptions.curve, mortality.mortality.values,
                                    mortality.improvement.values, mortality.benchmark_year)
    expected = np.array([reference.value(row) for row in rows])
    assert (expected > 0).sum() > 100 and (expected == 0).sum() > 20  # paid, ended and reserve rows alike
    np.testing.assert_allclose(values.pv, expected, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(values.liability, expected + cases.reserve, rtol=1e-9, atol=1e-9)
    ends = np.array([reference.end(row) if row["benefit"] != "case_reserve" else 0 for row in rows])
    np.testing.assert_array_equal(values.end_index, ends)
    # the expected payments discount back to the provision
    assert float((values.monthly_payments * values.discount).sum()) == pytest.approx(values.pv.sum(), rel=1e-12)


# --- closed forms: no mortality, a flat rate ---------------------------------------------------

CERTAIN = ["curve.source=flat", "curve.rate=0.03", "work_injury.regulation_rate=0.01",
           "work_injury.mortality_factor=0"]


def annuity_certain(amount: float, payments: int, rate: float = 0.03, regulation: float = 0.01) -> float:
    """amount/12 · Σ_{k=1}^{m} q^k, q = ((1 + j)/(1 + r))^(1/12)."""
    q = ((1 + regulation) / (1 + rate)) ** (1 / 12)
    return amount / 12 * q * (1 - q ** payments) / (1 - q)


@pytest.fixture(scope="module")
def certain(base_assumptions):
    return assumptions_for(base_assumptions, CERTAIN)


def value_one(assumptions, **row):
    row = {"case_id": "X", "annual_amount": 120000, "sex": "M", **row}
    values = value_cases(cases_from_frame(frame_of(row), assumptions.valuation_date), assumptions)
    return values, 0  # the one row


@pytest.mark.parametrize("row, payments", [
    # loss of earning capacity, born 1970-03: state pension age 69 → last month 2039-03, e = 171
    ({"benefit": "loss_of_earning_capacity", "birth_date": "1970-03-15"}, 170),
    # spouse from 2020-05: the 10-year limit, last month 2030-04, e = 64
    ({"benefit": "spouse", "birth_date": "1972-01-01", "sex": "K", "first_month": "2020-05"}, 63),
    # spouse born 1958-06 (state pension age 67 → 2025-06, e = 6) from 2022-01: the state pension age binds
    ({"benefit": "spouse", "birth_date": "1958-06-10", "sex": "K", "first_month": "2022-01"}, 5),
    # child born 2015-06: age 18 → 2033-06, e = 102
    ({"benefit": "child", "birth_date": "2015-06-01"}, 101),
    # end_age 21 for a child in education: 2036-06, e = 138
    ({"benefit": "child", "birth_date": "2015-06-01", "end_age": "21"}, 137),
    # last_month replaces the 10-year limit entirely
    ({"benefit": "spouse", "birth_date": "1972-01-01", "sex": "K", "first_month": "2020-05",
      "last_month": "2031-12"}, 83),
])
def test_annuity_certain(certain, row, payments):
    values, i = value_one(certain, **row)
    assert values.months_left[i] == payments
    assert values.pv[i] == pytest.approx(annuity_certain(120000, payments), rel=1e-12)
    assert not values.ended[i]


# --- the end rules, one each ------------------------------------------------------------------

def test_an_award_already_ended_is_worth_nothing_and_reported(certain):
    for last in ("2024-11", "2024-12"):  # e = −1 and e = 0
        values, i = value_one(certain, benefit="loss_of_earning_capacity", birth_date="1970-03-15", last_month=last)
        assert values.ended[i] and values.pv[i] == 0 and values.months_left[i] == 0
        assert str(values.last_covered_month[i]) == last


def test_last_month_next_month_was_paid_at_v(certain):
    """e = 1: the month after V was paid at V; worth 0, but not ended."""
    values, i = value_one(certain, benefit="loss_of_earning_capacity", birth_date="1970-03-15", last_month="2025-01")
    assert values.end_index[i] == 1 and values.pv[i] == 0 and values.months_left[i] == 0
    assert not values.ended[i] and str(values.last_covered_month[i]) == "2025-01"


def test_last_month_two_months_on_is_one_payment(certain):
    values, i = value_one(certain, benefit="loss_of_earning_capacity", birth_date="1970-03-15", last_month="2025-02")
    assert values.months_left[i] == 1
    assert values.pv[i] == pytest.approx(annuity_certain(120000, 1), rel=1e-12)


def test_end_age_overrides_the_state_pension_age(certain):
    values, i = value_one(certain, benefit="loss_of_earning_capacity", birth_date="1970-03-15", end_age="60")
    assert str(values.last_covered_month[i]) == "2030-03" and values.months_left[i] == 62


def test_both_overrides_the_earlier_binds(certain):
    values, i = value_one(certain, benefit="loss_of_earning_capacity", birth_date="1970-03-15", end_age="60",
                          last_month="2027-06")
    assert str(values.last_covered_month[i]) == "2027-06"


def test_spouse_ten_year_limit_binds(certain):
    values, i = value_one(certain, benefit="spouse", birth_date="1980-01-01", sex="K", first_month="2015-01-20")
    assert str(values.last_covered_month[i]) == "2024-12" and values.ended[i]  # 120 months: 2015-01 … 2024-12
    values, i = value_one(certain, benefit="spouse", birth_date="1980-01-01", sex="K", first_month="2015-02-01")
    assert str(values.last_covered_month[i]) == "2025-01" and values.pv[i] == 0 and not values.ended[i]


def test_spouse_state_pension_age_binds(certain):
    values, i = value_one(certain, benefit="spouse", birth_date="1958-06-10", sex="K", first_month="2024-01")
    assert str(values.last_covered_month[i]) == "2025-06"  # 67 in June 2025, before 2033-12


def test_a_child_turning_18_next_month(certain):
    """Born 2007-01: 18 in January 2025, the last covered month, paid at V."""
    values, i = value_one(certain, benefit="child", birth_date="2007-01-10")
    assert values.end_index[i] == 1 and values.pv[i] == 0 and not values.ended[i]
    values, i = value_one(certain, benefit="child", birth_date="2007-02-10")
    assert values.months_left[i] == 1 and values.pv[i] == pytest.approx(annuity_certain(120000, 1), rel=1e-12)


def test_case_reserves_at_face_value_and_a_reserve_on_a_running_row_added(certain):
    frame = frame_of({"case_id": "R", "benefit": "case_reserve", "reserve": "250000"},
                     {"case_id": "S", "benefit": "child", "birth_date": "2015-06-01", "sex": "M",
                      "annual_amount": "120000", "reserve": "1000"})
    values = value_cases(cases_from_frame(frame, V), certain)
    assert values.pv[0] == 0 and values.liability[0] == 250000 and not values.ended[0]
    assert values.liability[1] == pytest.approx(annuity_certain(120000, 101) + 1000, rel=1e-12)


# --- properties ----------------------------------------------------------------------------

@settings(max_examples=25, deadline=None)
@given(rate=st.floats(-0.01, 0.06), step=st.floats(0.001, 0.02), seed=st.integers(0, 1000))
def test_a_higher_rate_lowers_pv(base_assumptions, rate, step, seed):
    frame, _ = random_cases(30, seed, V)
    cases = cases_from_frame(frame, V)
    low = value_cases(cases, assumptions_for(base_assumptions, ["curve.source=flat", f"curve.rate={rate}"])).pv
    high = value_cases(cases, assumptions_for(base_assumptions, ["curve.source=flat", f"curve.rate={rate + step}"])).pv
    paid = low > 0
    assert np.all(high[paid] < low[paid]) and np.all(high[~paid] == 0)


@settings(max_examples=25, deadline=None)
@given(regulation=st.floats(-0.02, 0.08), step=st.floats(0.001, 0.02), seed=st.integers(0, 1000))
def test_a_higher_regulation_raises_pv(base_assumptions, regulation, step, seed):
    frame, _ = random_cases(30, seed, V)
    cases = cases_from_frame(frame, V)
    low = value_cases(cases, assumptions_for(base_assumptions, [f"work_injury.regulation_rate={regulation}"])).pv
    high = value_cases(cases, assumptions_for(base_assumptions,
                                              [f"work_injury.regulation_rate={regulation + step}"])).pv
    paid = low > 0
    assert np.all(high[paid] > low[paid])


def test_a_higher_mortality_factor_lowers_pv(base_assumptions):
    frame, _ = random_cases(200, 7, V)
    cases = cases_from_frame(frame, V)
    base = value_cases(cases, base_assumptions).pv
    heavier = value_cases(cases, assumptions_for(base_assumptions, ["work_injury.mortality_factor=1.1"])).pv
    paid = base > 0
    assert np.all(heavier[paid] < base[paid])
