"""§9.3: the state's take-over and cap, in closed form, and the register's rules for them."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tjenestemandspension.actuarial import load_basis, register_from_frame, resolve_assumptions, value
from tjenestemandspension.errors import InputError
from test_engine_closed_forms import IMMORTAL, annuity_certain

pytestmark = pytest.mark.english  # asserts the English texts of problems (tests/conftest.py)

RATE, INFLATION = 0.03, 0.02
Q = ((1 + INFLATION) / (1 + RATE)) ** (1 / 12)


def valued(rows, overrides=()):
    basis = load_basis(overrides=IMMORTAL + [f"curve.rate={RATE}", f"inflation.rate={INFLATION}", *overrides])
    frame = pd.DataFrame(rows)
    frame["married"] = frame.get("married", pd.Series([""] * len(frame))).fillna("")
    return value(register_from_frame(frame, basis.valuation_date), resolve_assumptions(basis))


def test_takeover_splits_the_own_pension_into_a_temporary_and_a_deferred_annuity_certain():
    # retired, born 1962-05-10: a0 = 12·62 + 7 = 751; X = 63.5: the kommune pays at t_k, a0 + k < 762
    valuation = valued([dict(person_id="R", birth_date="1962-05-10", sex="K", status="retired",
                             annual_pension=240000, married="false", state_takeover_age=63.5, insured_share=0.2)])
    p = valuation.persons.set_index("person_id").loc["R"]
    a0 = 751
    kommune = 240000 / 12 * annuity_certain(Q, 1, 762 - a0 - 1)
    state = 240000 / 12 * annuity_certain(Q, 762 - a0, 1440 - a0)
    assert p["pv_own"] == pytest.approx(kommune + state, rel=1e-12)
    assert p["state_part"] == pytest.approx(state, rel=1e-12)
    assert p["insured_part"] == pytest.approx(0.2 * kommune, rel=1e-12)
    assert p["liability"] == pytest.approx(0.8 * kommune, rel=1e-12)
    # the kommune's cash flows are its 10 monthly payments net of the insured share
    assert valuation.cashflows["present_value"].sum() == pytest.approx(p["liability"], rel=1e-12)
    assert valuation.cashflows["total"].sum() == pytest.approx(0.8 * 240000 / 12 * sum(
        (1 + INFLATION) ** (k / 12) for k in range(1, 762 - a0)), rel=1e-12)


def test_takeover_of_an_active_leaves_the_lump_sum_and_spouse_pension_to_the_state():
    valuation = valued([dict(person_id="A", birth_date="1962-01-31", sex="M", status="active", service_years=38.0,
                             pensionable_salary=500000, pension_age=62.0, state_takeover_age=63.5)])
    p = valuation.persons.set_index("person_id").loc["A"]
    a0 = 12 * 62 + 11  # 755: pension from k = 1 (past 62), the kommune's until a0 + k < 762
    benefit = p["annual_benefit"]
    kommune = benefit / 12 * annuity_certain(Q, 1, 762 - a0 - 1)
    assert p["pv_lump_sum"] > 0 and p["pv_spouse"] > 0
    assert p["liability"] == pytest.approx(kommune, rel=1e-12)
    assert p["state_part"] == pytest.approx(p["pv_total"] - kommune, rel=1e-12)


def test_rows_past_the_takeover_age_and_survivors_are_wholly_the_states():
    valuation = valued([
        dict(person_id="R", birth_date="1955-05-10", sex="K", status="retired", annual_pension=200000,
             state_takeover_age=63.5),
        dict(person_id="S", birth_date="1960-05-10", sex="K", status="spouse", annual_pension=90000,
             state_takeover_age=63.5),
        dict(person_id="C", birth_date="2012-05-10", sex="K", status="child", annual_pension=20000,
             state_takeover_age=63.5),
    ])
    p = valuation.persons
    assert (p["pv_total"] > 0).all()
    np.testing.assert_allclose(p["state_part"], p["pv_total"], rtol=1e-15)
    assert (p["liability"] == 0).all()
    assert valuation.cashflows.empty or (valuation.cashflows["total"] == 0).all()


@pytest.mark.parametrize("cap,share", [(350000, 350000 / 500000), (500000, 1.0), (650000, 1.0), (0, 0.0)])
def test_cap_share_is_min_of_one_and_cap_over_salary(cap, share):
    valuation = valued([
        dict(person_id="A", birth_date="1970-03-15", sex="M", status="active", service_years=20.0,
             pensionable_salary=480000, projected_salary=500000, state_cap_salary=cap, insured_share=0.1),
        dict(person_id="R", birth_date="1950-03-15", sex="K", status="retired", annual_pension=250000,
             state_cap_pension=cap / 2),
    ])
    p = valuation.persons.set_index("person_id")
    a = p.loc["A"]
    assert a["state_part"] == pytest.approx(share * a["pv_total"], rel=1e-12)  # projected_salary is the salary
    assert a["insured_part"] == pytest.approx(min(0.1, 1 - share) * a["pv_total"], rel=1e-12, abs=1e-9)
    r = p.loc["R"]
    assert r["state_part"] == pytest.approx(min(1.0, cap / 2 / 250000) * r["pv_total"], rel=1e-12)
    assert valuation.cashflows["present_value"].sum() == pytest.approx(valuation.total_liability, rel=1e-12)


def problems(rows) -> list[str]:
    basis = load_basis()
    with pytest.raises(InputError) as caught:
        register_from_frame(pd.DataFrame(rows), basis.valuation_date)
    return [str(problem) for problem in caught.value.problems]


def test_register_rules_of_the_state_columns():
    base = dict(birth_date="1970-03-15", sex="M", status="active", service_years=20.0, pensionable_salary=480000)
    found = problems([
        dict(person_id="1", **base, state_share=0.5, state_takeover_age=63.5),
        dict(person_id="2", **base, state_takeover_age=63.5, state_cap_salary=400000),
        dict(person_id="3", **base, state_cap_pension=100000),
        dict(person_id="4", **base, state_takeover_age=0),
        dict(person_id="5", **base, state_cap_salary=-1),
        dict(person_id="6", birth_date="1950-01-01", sex="K", status="retired", annual_pension=100000,
             state_cap_salary=50000),
    ])
    text = "\n".join(found)
    assert len(found) == 6, text
    assert "row 2" in found[0] and "either state_share or one of state_takeover_age" in text
    assert "expected at most one of state_takeover_age, state_cap_salary, state_cap_pension" in text
    assert "expected state_cap_pension only on rows of status retired" in text
    assert "expected a take-over age above 0 and at most 120 years" in text
    assert "expected a cap from 0 to 10 million kr. a year" in text
    assert "expected state_cap_salary only on rows of status active or deferred" in text


def test_state_share_zero_column_with_empty_cells_beside_takeover_is_fine():
    basis = load_basis()
    frame = pd.DataFrame([
        dict(person_id="1", birth_date="1970-03-15", sex="M", status="active", service_years=20.0,
             pensionable_salary=480000, state_share=np.nan, state_takeover_age=63.5),
        dict(person_id="2", birth_date="1970-03-15", sex="M", status="active", service_years=20.0,
             pensionable_salary=480000, state_share=0.3, state_takeover_age=np.nan),
    ])
    register = register_from_frame(frame, basis.valuation_date)
    assert register.state_takeover_age[0] == 63.5 and np.isnan(register.state_takeover_age[1])
