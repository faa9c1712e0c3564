"""§9.2 ill-health retirement: closed forms, properties, the incidence file's rules, the
report, the analysis step and the sensitivities."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from tjenestemandspension.actuarial import load_basis, register_from_frame, resolve_assumptions, value
from tjenestemandspension.actuarial.analysis import analyse_change
from tjenestemandspension.actuarial.run import scenario_assumptions
from tjenestemandspension.actuarial.sensitivities import run_sensitivities, standard_scenarios
from tjenestemandspension.actuarial.synthetic import age_register, synthetic_register
from tjenestemandspension.errors import InputError
from engine_cases import ILLUSTRATIVE_INCIDENCE
from test_engine_closed_forms import IMMORTAL, annuity_certain

RATE, INFLATION = 0.03, 0.02
Q = ((1 + INFLATION) / (1 + RATE)) ** (1 / 12)


def flat_incidence(tmp_path, rate: float, ages=range(0, 131)) -> str:
    path = tmp_path / "incidence.csv"
    path.write_text("age;men;women\n" + "".join(f"{x};{rate};{rate}\n" for x in ages), encoding="utf-8")
    return str(path)


def valued(rows, overrides):
    basis = load_basis(overrides=overrides)
    frame = pd.DataFrame(rows)
    if "married" in frame:
        frame["married"] = frame["married"].fillna("")
    return value(register_from_frame(frame, basis.valuation_date), resolve_assumptions(basis))


ACTIVE = dict(person_id="A", birth_date="1984-12-15", sex="M", status="active", service_years=12.0,
              pensionable_salary=480000, pension_age=64.0, married="false")  # a0 = 480, k_A = 768 − 480 = 288


def test_no_mortality_flat_rate_constant_incidence_in_closed_form(tmp_path):
    """With μ = 0 and ι constant, A(t_k) = e^{−ιk/12}, D_k = e^{−ι(k−1)/12}(1 − e^{−ι/12}); an
    immortal ill-health pensioner is paid from k to the 120-year horizon: with the accrued
    basis B_k is constant, so PV = B/12·Σ_k D_k·Σ_{l=k}^{H} q^l, and the old-age pension is
    A(t_{k_A−1}) times the annuity certain from k_A."""
    iota = 0.02
    path = flat_incidence(tmp_path, iota)
    valuation = valued([ACTIVE], IMMORTAL + [f"curve.rate={RATE}", f"inflation.rate={INFLATION}",
                                             f"ill_health.incidence_file={path}"])
    p = valuation.persons.iloc[0]
    a0, k_a, horizon = 480, 288, 1440 - 480
    benefit = 0.21 * 480000  # pct(12) = 12 · 1.75 %
    exits = [math.exp(-iota * (k - 1) / 12) * (1 - math.exp(-iota / 12)) for k in range(1, k_a)]
    expected_ill = benefit / 12 * sum(d * annuity_certain(Q, k, horizon) for k, d in zip(range(1, k_a), exits))
    assert p["pv_ill_health"] == pytest.approx(expected_ill, rel=1e-10)
    in_service = math.exp(-iota * (k_a - 1) / 12)
    reduction = 0.04  # table 2 at 64 (born 1984)
    assert p["pv_own"] == pytest.approx(in_service * benefit * (1 - reduction) / 12
                                        * annuity_certain(Q, k_a, horizon), rel=1e-10)
    # the exits add up: Σ D_k = 1 − A(t_{k_A−1}) when no one dies
    assert sum(exits) == pytest.approx(1 - in_service, rel=1e-12)


def test_qualified_exits_count_service_to_seventy(tmp_path):
    """q = 1 and a payout age past every exit month: B_k = pct(whole(12 + 70 − age)) · salary."""
    iota = 0.01
    path = flat_incidence(tmp_path, iota)
    overrides = IMMORTAL + [f"curve.rate={RATE}", f"inflation.rate={INFLATION}", f"ill_health.incidence_file={path}",
                            "ill_health.qualified_share=1"]
    valuation = valued([dict(ACTIVE, hire_date="2010-01-01")], overrides)  # hired after 2007: payout age 65
    p = valuation.persons.iloc[0]
    a0, k_a, horizon = 480, 288, 960
    payout_months = 12 * 65  # born 1984, hired 2010: 65; qualified while a0 + k < 780, i.e. every k < k_A

    def pct(n):
        n = min(n, 37)
        return (1.75 * min(n, 16) + 1.5 * max(0, min(n, 32) - 16) + 1.0 * max(0, n - 32)) / 100

    total = 0.0
    for k in range(1, k_a):
        assert a0 + k < payout_months
        n_k = math.floor(12 + max(0.0, 70 - (a0 + k) / 12) + 1e-9)
        d = math.exp(-iota * (k - 1) / 12) * (1 - math.exp(-iota / 12))
        total += pct(n_k) * 480000 / 12 * d * annuity_certain(Q, k, horizon)
    assert p["pv_ill_health"] == pytest.approx(total, rel=1e-10)


def young_active(**changes):
    return [dict(person_id="Y", birth_date="1994-03-31", sex="K", status="active", service_years=3.0,
                 pensionable_salary=420000, married="true", **changes)]


@pytest.mark.parametrize("factor", [0.5, 1.0, 2.0, 4.0])
def test_more_incidence_with_the_qualified_share_at_one_raises_a_young_actives_value(factor):
    base = ["ill_health.qualified_share=1", f"ill_health.incidence_file={ILLUSTRATIVE_INCIDENCE}"]
    lower = valued(young_active(), base + [f"ill_health.factor={factor}"]).persons.iloc[0]
    higher = valued(young_active(), base + [f"ill_health.factor={factor * 1.5}"]).persons.iloc[0]
    off = valued(young_active(), []).persons.iloc[0]
    assert off["pv_total"] < lower["pv_total"] < higher["pv_total"]
    assert lower["pv_ill_health"] < higher["pv_ill_health"]


@pytest.mark.parametrize("phi", [0.5, 1.0, 1.5])
def test_a_higher_ill_health_mortality_factor_lowers_the_value(phi):
    base = ["ill_health.qualified_share=0.5", f"ill_health.incidence_file={ILLUSTRATIVE_INCIDENCE}"]
    lower_phi = valued(young_active(), base + [f"ill_health.mortality_factor={phi}"]).persons.iloc[0]
    higher_phi = valued(young_active(), base + [f"ill_health.mortality_factor={phi * 1.5}"]).persons.iloc[0]
    assert higher_phi["pv_ill_health"] < lower_phi["pv_ill_health"]
    assert higher_phi["pv_total"] < lower_phi["pv_total"]


def test_switched_off_and_zero_factor_value_exactly_as_without(tmp_path):
    frame = synthetic_register(150, seed=5)
    basis = load_basis()
    off = value(register_from_frame(frame, basis.valuation_date), resolve_assumptions(basis))
    zero = load_basis(overrides=[f"ill_health.incidence_file={ILLUSTRATIVE_INCIDENCE}", "ill_health.factor=0"])
    zero_valued = value(register_from_frame(frame, zero.valuation_date), resolve_assumptions(zero))
    pd.testing.assert_frame_equal(off.persons, zero_valued.persons)
    assert any("invaliditet ikke værdiansat" in item for item in off.not_valued)
    on = load_basis(overrides=[f"ill_health.incidence_file={ILLUSTRATIVE_INCIDENCE}"])
    on_valued = value(register_from_frame(frame, on.valuation_date), resolve_assumptions(on))
    assert not any("invaliditet" in item for item in on_valued.not_valued)
    assert on_valued.persons["pv_ill_health"].sum() > 0
    active = on_valued.persons["status"] == "active"
    assert (on_valued.persons.loc[~active, "pv_ill_health"] == 0).all()


@pytest.mark.parametrize("content,expected", [
    ("age;men;women\n30;0.01;-0.02\n", "expected a yearly intensity from 0 to 10"),
    ("age;men;women\n30;0.01;0.02\n30;0.01;0.02\n", "expected each age once; also on row 2"),
    ("age;men;women\n30.5;0.01;0.02\n", "expected a whole age from 0 to 130"),
    ("alder;mænd\n30;0.01\n", "expected a column women or kvinder"),
])
def test_the_incidence_files_rules(tmp_path, content, expected):
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        resolve_assumptions(load_basis(overrides=[f"ill_health.incidence_file={path}"]))
    assert expected in str(caught.value)


def test_danish_header_and_missing_ages_are_zero(tmp_path):
    path = tmp_path / "dansk.csv"
    path.write_text("alder;mænd;kvinder\n40;0,01;0,02\n", encoding="utf-8")
    table = resolve_assumptions(load_basis(overrides=[f"ill_health.incidence_file={path}"])).incidence
    assert table.yearly(np.array([0, 1, 1]), np.array([40, 40, 41])).tolist() == [0.01, 0.02, 0.0]


def test_the_analysis_names_invaliditet_when_the_ill_health_basis_changes():
    v0, v1 = pd.Timestamp("2023-12-31").date(), pd.Timestamp("2024-12-31").date()
    prior = synthetic_register(200, seed=2024, valuation_date=v0)
    aged, _ = age_register(prior, v0, v1)
    prior_basis = load_basis(overrides=["valuation.date=2023-12-31"])
    new_basis = load_basis(overrides=[f"ill_health.incidence_file={ILLUSTRATIVE_INCIDENCE}",
                                      "ill_health.qualified_share=1"])
    analysis = analyse_change(register_from_frame(prior, v0), resolve_assumptions(prior_basis),
                              register_from_frame(aged, v1), resolve_assumptions(new_basis))
    steps = {s.description: s.amount for s in analysis.steps if s.category == "a"}
    assert steps["(a) Invaliditet (tilgang til svagelighedspension)"] > 0
    assert abs(analysis.residual) < 1e-6
    unchanged = analyse_change(register_from_frame(prior, v0), resolve_assumptions(prior_basis),
                               register_from_frame(aged, v1), resolve_assumptions(load_basis()))
    assert not any("Invaliditet" in s.description for s in unchanged.steps)


def test_sensitivities_add_ill_health_plus_minus_fifty_percent_with_a_table():
    frame = synthetic_register(150, seed=31)
    without = standard_scenarios(load_basis())
    assert not any(s.id.startswith("ill-health") for s in without)
    basis = load_basis(overrides=[f"ill_health.incidence_file={ILLUSTRATIVE_INCIDENCE}"])
    scenarios = standard_scenarios(basis)
    names = [s.name for s in scenarios]
    assert "Invaliditet +50 %" in names and "Invaliditet -50 %" in names
    base = resolve_assumptions(basis)
    result = run_sensitivities(register_from_frame(frame, basis.valuation_date), base,
                               scenario_assumptions(base, scenarios))
    by_name = {r.scenario.name: r for r in result.results}
    assert by_name["Invaliditet +50 %"].change != 0 and by_name["Invaliditet -50 %"].change != 0
    assert np.sign(by_name["Invaliditet +50 %"].change) == -np.sign(by_name["Invaliditet -50 %"].change)


def test_the_examples_table_is_the_one_tjp_example_writes():
    from engine_cases import ILLUSTRATIVE_INCIDENCE as path
    from tjenestemandspension.actuarial.synthetic import illustrative_incidence_text

    assert path.read_text(encoding="utf-8") == illustrative_incidence_text()
