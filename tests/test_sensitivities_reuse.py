"""Sensitivities that change only the value factors v_k (curve shifts, inflation) are
valued from the base valuation's expected payments, not revalued: the same liabilities
as a full revaluation of each scenario, to 1e-9 relative (both paths run here)."""

from __future__ import annotations

import pytest

from tjenestemandspension.actuarial import engine, load_basis, register_from_frame, resolve_assumptions, value
from tjenestemandspension.actuarial import sensitivities
from tjenestemandspension.actuarial.run import scenario_assumptions
from tjenestemandspension.actuarial.sensitivities import (
    Scenario,
    changes_only_value_factors,
    run_sensitivities,
    standard_scenarios,
)
from tjenestemandspension.actuarial.synthetic import synthetic_register
from engine_cases import ILLUSTRATIVE_INCIDENCE

V_ONLY = {"curve+100bp", "curve-100bp", "curve+50bp", "curve-50bp", "inflation+0.5pp", "inflation-0.5pp",
          "own:kurve og inflation"}
OWN = [Scenario("own:kurve og inflation", "Kurve -25 bp, inflation 2,5 %",
                {"curve.shift_bp": -25, "inflation.rate": 0.025}, user_defined=True),
       Scenario("own:kurve og dødelighed", "Kurve +25 bp, dødelighed +5 %",
                {"curve.shift_bp": 25, "mortality.factor_men": 1.05}, user_defined=True)]


@pytest.mark.parametrize("overrides, individual", [
    ([], False),
    ([], True),
    ([f"ill_health.incidence_file={ILLUSTRATIVE_INCIDENCE}"], False),
    ([f"ill_health.incidence_file={ILLUSTRATIVE_INCIDENCE}"], True),
    (["inflation.by_term=[[5, 0.03], [10, 0.025]]"], False),
], ids=["collective", "individual", "ill-health", "ill-health-individual", "inflation-by-term"])
def test_reused_liabilities_equal_a_full_revaluation_of_each_scenario(overrides, individual):
    basis = load_basis(overrides=overrides)
    frame = synthetic_register(800, seed=17, valuation_date=basis.valuation_date, individual_spouses=individual)
    register = register_from_frame(frame, basis.valuation_date)
    base = resolve_assumptions(basis)
    chosen = scenario_assumptions(base, standard_scenarios(basis) + OWN)
    assert {s.id for s, a in chosen if changes_only_value_factors(base, a)} == V_ONLY
    reused = run_sensitivities(register, base, chosen)
    full = run_sensitivities(register, base, chosen, reuse=False)
    assert reused.base_liability == full.base_liability
    for fast, reference in zip(reused.results, full.results, strict=True):
        assert fast.scenario is reference.scenario
        assert fast.liability == pytest.approx(reference.liability, rel=1e-9, abs=0), fast.scenario.id
        if fast.scenario.id not in V_ONLY:  # revalued either way: the same numbers exactly
            assert fast.liability == reference.liability
    assert reused.durations.keys() == full.durations.keys()
    for bp, duration in full.durations.items():
        assert reused.durations[bp] == pytest.approx(duration, rel=1e-8)


def test_value_factor_scenarios_are_not_revalued_and_the_base_is_valued_once(monkeypatch):
    basis = load_basis()
    register = register_from_frame(synthetic_register(300, seed=3, valuation_date=basis.valuation_date),
                                   basis.valuation_date)
    base = resolve_assumptions(basis)
    chosen = [(s, a) for s, a in scenario_assumptions(base, standard_scenarios(basis)) if s.id in V_ONLY]
    calls = []

    def counted(reg, assumptions):
        calls.append(assumptions)
        return value(reg, assumptions)

    monkeypatch.setattr(sensitivities, "value", counted)
    run_sensitivities(register, base, chosen)
    assert calls == [base]  # the base once, none of the six scenarios
    calls.clear()
    valuation = engine.value(register, base)
    run_sensitivities(register, base, chosen, base_liability=valuation.total_liability, base_valuation=valuation)
    assert calls == []
    with pytest.raises(ValueError):
        run_sensitivities(register, base, chosen, base_valuation=engine.value(register, chosen[0][1]))


def test_settings_beyond_the_value_factors_are_revalued():
    basis = load_basis()
    base = resolve_assumptions(basis)
    for overrides in ({"mortality.factor_women": 0.9}, {"pension_age.offset_years": 1},
                      {"curve.shift_bp": 10, "mortality.improvements": False}):
        changed = resolve_assumptions(basis.with_overrides(overrides), reuse=(base,))
        assert not changes_only_value_factors(base, changed), overrides
    same_source = resolve_assumptions(basis.with_overrides({"curve.shift_bp": 10}), reuse=(base,))
    assert changes_only_value_factors(base, same_source)
