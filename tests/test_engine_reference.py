"""The fast engine against the per-person reference (tests/reference.py), per component."""

from __future__ import annotations

import numpy as np
import pytest

from tjenestemandspension.actuarial import load_basis, register_from_frame, resolve_assumptions, value
from reference import Reference, persons_from_frame
from engine_cases import ILLUSTRATIVE_INCIDENCE, engine_register

COMPONENTS = ("pv_own", "pv_lump_sum", "pv_supplement", "pv_spouse", "pv_child", "pv_ill_health", "pv_total", "state_part",
              "insured_part", "liability")
BASES = {
    "default": [],
    "projected, supplement, 3 % inflation": [
        "valuation.active_basis=projected", "supplement.early_supplement_full=24000", "inflation.rate=0.03"],
    "flat curve, no improvements, factors, no reduction": [
        "curve.source=flat", "curve.rate=0.025", "mortality.improvements=false", "mortality.factor_men=1.2",
        "mortality.factor_women=0.9", "pension_age.early_retirement_reduction=false"],
    "mid-year valuation date, shifted curve": ["valuation.date=2025-06-30", "curve.shift_bp=-75"],
    "inflation by term, supplement": ["inflation.by_term=[[5, 0.031], [10, 0.024]]", "inflation.rate=0.019",
                                      "supplement.early_supplement_full=24000"],
    # §9.2 ill-health on, with the spouse's supplement and the qualified share
    "ill-health, accrued, qualified 0.4, phi 1.3": [
        f"ill_health.incidence_file={ILLUSTRATIVE_INCIDENCE}", "ill_health.factor=1.5",
        "ill_health.qualified_share=0.4", "ill_health.mortality_factor=1.3",
        "supplement.early_supplement_full=24000"],
    "ill-health, projected, qualified 1, phi 0.8, by term": [
        f"ill_health.incidence_file={ILLUSTRATIVE_INCIDENCE}", "valuation.active_basis=projected",
        "ill_health.qualified_share=1", "ill_health.mortality_factor=0.8", "ill_health.factor=2",
        "supplement.early_supplement_full=24000", "inflation.by_term=[[5, 0.031], [10, 0.024]]"],
    "ill-health, projected, no supplement, flat curve": [
        f"ill_health.incidence_file={ILLUSTRATIVE_INCIDENCE}", "valuation.active_basis=projected",
        "ill_health.qualified_share=0.25", "curve.source=flat", "curve.rate=0.02"],
}


@pytest.fixture(scope="module")
def frame():
    return engine_register()


@pytest.mark.parametrize("name", list(BASES))
def test_engine_matches_reference_per_component(frame, name):
    basis = load_basis(overrides=BASES[name])
    register = register_from_frame(frame, basis.valuation_date)
    valuation = value(register, resolve_assumptions(basis))
    assumptions = valuation.assumptions
    mortality = assumptions.mortality
    reference = Reference(basis, assumptions.curve, mortality.mortality.values, mortality.improvement.values,
                          mortality.benchmark_year)
    persons = valuation.persons
    assert set(persons["status"]) == {"active", "deferred", "retired", "spouse", "child"}
    checked = 0
    for index, person in enumerate(persons_from_frame(frame)):
        expected = reference.value(person)
        for component in COMPONENTS:
            got = persons[component].iat[index]
            assert got == pytest.approx(expected[component], rel=1e-9, abs=1e-9), (
                f"{frame['person_id'].iat[index]} {component}")
            checked += expected[component] != 0
        assert persons["annual_benefit"].iat[index] == pytest.approx(expected["annual_benefit"], rel=1e-12)
        if expected["pension_age"] is not None:
            assert persons["pension_age"].iat[index] == pytest.approx(expected["pension_age"])
            assert persons["pension_start_month"].iat[index] == expected["k_A"]
    assert checked > 500  # the comparison covered real, non-zero values


def test_edge_cases_behave_as_the_spec_says(frame):
    basis = load_basis()
    valuation = value(register_from_frame(frame, basis.valuation_date), resolve_assumptions(basis))
    p = valuation.persons.set_index("person_id")
    assert p.loc["E01", "pv_total"] == 0 and p.loc["E01", "annual_benefit"] == 0
    assert p.loc["E02", "pension_start_month"] == 1 and p.loc["E02", "pv_lump_sum"] > 0
    assert p.loc["E03", "pension_age"] == 62.5
    assert p.loc["E05", "pv_lump_sum"] > 0 and p.loc["E05", "service_whole_years"] == 37
    assert p.loc["E06", "pv_spouse"] == 0
    assert p.loc["E09", "pv_total"] > 0  # 6 months to the horizon
    at_horizon = load_basis(overrides=["valuation.date=2025-06-30"])
    later = value(register_from_frame(frame, at_horizon.valuation_date), resolve_assumptions(at_horizon))
    assert later.persons.set_index("person_id").loc["E09", "pv_total"] == 0  # aged 120: no months left
    assert p.loc["E10", "pv_child"] == 0 and p.loc["E11", "pv_child"] > 0
    assert p.loc["E11", "pv_child"] < 20000 / 12 * 1.01
    assert p.loc["E13", "pv_total"] == 0
    e14 = p.loc["E14"]
    assert e14["state_part"] == pytest.approx(0.4 * e14["pv_total"])
    assert e14["liability"] == pytest.approx(0.35 * e14["pv_total"])
    assert p.loc["E15", "pension_age"] == 62.5  # payout 60.5 (born H1 1959, hired 2013) + 2


def test_cash_flows_discount_to_the_liability(frame):
    """Two independent aggregations: Σ over persons of suffix-sum values, and the
    month-by-month expected payments discounted."""
    for overrides in BASES.values():
        basis = load_basis(overrides=overrides)
        valuation = value(register_from_frame(frame, basis.valuation_date), resolve_assumptions(basis))
        assert valuation.cashflows["present_value"].sum() == pytest.approx(valuation.total_liability, rel=1e-12)
        by_status = valuation.totals_by("status")["liability"]
        for status in ("active", "deferred", "retired", "spouse", "child"):
            months = valuation.cashflows[status].to_numpy()
            assert (months >= -1e-9).all()
        assert by_status["total"] == pytest.approx(valuation.total_liability)


@pytest.mark.parametrize("cells", [3_000, 150_000])  # 63 chunks (sorted), 3 (masks)
def test_chunked_spouse_pairs_give_the_same_values(frame, monkeypatch, cells):
    """Joint survival is computed in chunks of pairs bounded by JOINT_CELLS; small chunks
    (a few, found by masks, or many, found by sorting) must give the same kroner."""
    import tjenestemandspension.actuarial.projection as projection

    basis = load_basis(overrides=BASES["projected, supplement, 3 % inflation"])
    register = register_from_frame(frame, basis.valuation_date)
    whole = value(register, resolve_assumptions(basis))
    monkeypatch.setattr(projection, "JOINT_CELLS", cells)
    chunked = value(register, resolve_assumptions(basis))
    assert whole.n_spouse_pairs > 20
    np.testing.assert_allclose(chunked.persons["pv_spouse"], whole.persons["pv_spouse"], rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(chunked.cashflows["total"], whole.cashflows["total"], rtol=1e-12, atol=1e-6)


def test_spouse_supplement_needs_the_early_supplement_and_a_retired_rows_service(frame):
    """§9.1: F = 0 values no supplement at all; with F > 0 a retired row has one only
    when the register gives its service_years, and the spouse pension does not move."""
    off = load_basis()
    on = load_basis(overrides=["supplement.early_supplement_full=24000"])
    without = value(register_from_frame(frame, off.valuation_date), resolve_assumptions(off)).persons
    with_ = value(register_from_frame(frame, on.valuation_date), resolve_assumptions(on)).persons
    assert (without["pv_supplement"] == 0).all()
    np.testing.assert_allclose(with_["pv_spouse"], without["pv_spouse"], rtol=1e-12, atol=1e-9)
    p = with_.set_index("person_id")
    assert p.loc["E16", "pv_supplement"] > 0 and p.loc["E17", "pv_supplement"] > 0
    assert p.loc["E07", "pv_supplement"] == 0  # retired, no service_years
