"""Closed forms and properties of the engine.

With mortality switched off (factors 0) and a flat curve, every value is an annuity
certain in q = ((1 + i)/(1 + r))^(1/12), paid monthly from k_A to the 120-year horizon.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tjenestemandspension.actuarial import load_basis, register_from_frame, resolve_assumptions, value
from tjenestemandspension.actuarial.synthetic import synthetic_register

IMMORTAL = ["curve.source=flat", "mortality.factor_men=0", "mortality.factor_women=0"]


def annuity_certain(q: float, first: int, last: int) -> float:
    """Σ_{k=first..last} q^k in closed form."""
    if last < first:
        return 0.0
    return q ** first * (1 - q ** (last - first + 1)) / (1 - q)


def frame_of(*rows):
    frame = pd.DataFrame(list(rows))
    for column in ("hire_date", "married"):
        if column in frame:
            frame[column] = frame[column].fillna("")
    return frame


@pytest.mark.parametrize("rate,inflation", [(0.03, 0.02), (0.01, 0.025), (0.05, 0.0)])
def test_immortal_payees_get_annuities_certain(rate, inflation):
    basis = load_basis(overrides=IMMORTAL + [f"curve.rate={rate}", f"inflation.rate={inflation}"])
    q = ((1 + inflation) / (1 + rate)) ** (1 / 12)
    frame = frame_of(
        dict(person_id="R", birth_date="1950-03-10", sex="M", status="retired", annual_pension=180000),
        dict(person_id="S", birth_date="1940-07-01", sex="K", status="spouse", annual_pension=90000),
        dict(person_id="C", birth_date="2010-05-20", sex="K", status="child", annual_pension=24000),
    )
    valuation = value(register_from_frame(frame, basis.valuation_date), resolve_assumptions(basis))
    p = valuation.persons.set_index("person_id")
    a0 = {"R": 12 * (2024 - 1950) + 9, "S": 12 * (2024 - 1940) + 5, "C": 12 * (2024 - 2010) + 7}
    assert p.loc["R", "pv_own"] == pytest.approx(180000 / 12 * annuity_certain(q, 1, 1440 - a0["R"]), rel=1e-12)
    # an immortal member "dies" only at the 120-year horizon (§5: S_m = 0 past it); his wife,
    # 3 years younger and immortal too, is then paid from his horizon to hers
    widow = 0.6 * 0.71 * 180000 / 12 * annuity_certain(q, 1440 - a0["R"] + 1, 1440 - (a0["R"] - 36))
    assert p.loc["R", "pv_spouse"] == pytest.approx(widow, rel=1e-12)
    assert p.loc["S", "pv_spouse"] == pytest.approx(90000 / 12 * annuity_certain(q, 1, 1440 - a0["S"]), rel=1e-12)
    assert p.loc["C", "pv_child"] == pytest.approx(24000 / 12 * annuity_certain(q, 1, 251 - a0["C"]), rel=1e-12)


def test_immortal_deferred_member_gets_a_deferred_annuity_certain_and_lump_sum():
    rate, inflation = 0.03, 0.02
    basis = load_basis(overrides=IMMORTAL + [f"curve.rate={rate}", f"inflation.rate={inflation}"])
    q = ((1 + inflation) / (1 + rate)) ** (1 / 12)
    # born 1966-05: payout age 60 (no hire date: hired before 2007), pension age 62 → month 744
    frame = frame_of(dict(person_id="D", birth_date="1966-05-17", sex="K", status="deferred",
                          service_years=37.0, pensionable_salary=400000))
    valuation = value(register_from_frame(frame, basis.valuation_date), resolve_assumptions(basis))
    person = valuation.persons.iloc[0]
    a0 = 12 * (2024 - 1966) + 7
    k_a = 744 - a0
    assert person["pension_start_month"] == k_a
    benefit = 0.57 * 400000 * (1 - 0.06)  # born 1966: reduction table 2, age 62: 6 %
    assert person["annual_benefit"] == pytest.approx(benefit)
    assert person["pv_own"] == pytest.approx(benefit / 12 * annuity_certain(q, k_a, 1440 - a0), rel=1e-12)
    assert person["pv_lump_sum"] == pytest.approx(0.15 * 400000 * q ** k_a, rel=1e-12)
    # her husband is 3 years older: he reaches his 120-year horizon before she reaches hers
    assert person["pv_spouse"] == 0


# --- properties ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def small_frame():
    frame = synthetic_register(60, seed=5, individual_spouses=True)
    return frame


def per_person(frame, overrides):
    basis = load_basis(overrides=overrides)
    return value(register_from_frame(frame, basis.valuation_date), resolve_assumptions(basis)).persons["pv_total"].to_numpy()


SLOW = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@SLOW
@given(rate=st.floats(-0.01, 0.07), step=st.floats(0.0005, 0.03))
def test_a_higher_rate_never_raises_any_value(small_frame, rate, step):
    low = per_person(small_frame, ["curve.source=flat", f"curve.rate={rate}"])
    high = per_person(small_frame, ["curve.source=flat", f"curve.rate={rate + step}"])
    assert np.all(high <= low * (1 + 1e-12))
    assert high.sum() < low.sum()


@SLOW
@given(shift=st.floats(-200, 200), step=st.floats(1, 100))
def test_a_shift_up_of_the_eiopa_curve_never_raises_any_value(small_frame, shift, step):
    low = per_person(small_frame, [f"curve.shift_bp={shift}"])
    high = per_person(small_frame, [f"curve.shift_bp={shift + step}"])
    assert np.all(high <= low * (1 + 1e-12))


@SLOW
@given(inflation=st.floats(0.0, 0.04), step=st.floats(0.001, 0.02))
def test_more_inflation_never_lowers_any_value(small_frame, inflation, step):
    low = per_person(small_frame, [f"inflation.rate={inflation}"])
    high = per_person(small_frame, [f"inflation.rate={inflation + step}"])
    assert np.all(high >= low * (1 - 1e-12))
    assert high.sum() > low.sum()


@SLOW
@given(factor=st.floats(0.3, 2.0), step=st.floats(0.01, 1.0))
def test_higher_mortality_lowers_the_value(small_frame, factor, step):
    """Per person where no spouse pension can start before the own pension (payees, and
    members who are not married); in total for the whole register. (A member's death
    before pension start can bring a spouse pension forward, so for a married active or
    deferred member alone higher mortality may raise the value.)"""
    def run(f):
        return per_person(small_frame, [f"mortality.factor_men={f}", f"mortality.factor_women={f}"])

    low, high = run(factor), run(factor + step)
    assert high.sum() < low.sum()
    unmarried = small_frame.copy()
    unmarried["married"] = np.where(unmarried["status"].isin(["active", "deferred"]), "false",
                                    unmarried["married"])
    low = per_person(unmarried, [f"mortality.factor_men={factor}", f"mortality.factor_women={factor}"])
    high = per_person(unmarried, [f"mortality.factor_men={factor + step}",
                                  f"mortality.factor_women={factor + step}"])
    assert np.all(high <= low * (1 + 1e-12))


def test_zero_salary_gives_zero():
    frame = synthetic_register(40, seed=9)
    members = frame["status"].isin(["active", "deferred"])
    frame.loc[members, "pensionable_salary"] = 0.0
    frame.loc[members, "projected_salary"] = np.nan
    values = per_person(frame, [])
    assert np.all(values[members.to_numpy()] == 0)
    assert np.all(values[~members.to_numpy()] > 0)
