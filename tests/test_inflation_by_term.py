"""Inflation by term (`inflation.by_term`): I(t) is the product of the yearly rates, a
fractional year geometrically; without it every result is what it was, to the bit."""

from __future__ import annotations

import numpy as np
import pytest

from tjenestemandspension.actuarial import load_basis, register_from_frame, value
from tjenestemandspension.actuarial.resolve import resolve_assumptions
from tjenestemandspension.actuarial.indexation import InflationByTerm, indexation
from tjenestemandspension.actuarial.projection import GRID, value_factors
from tjenestemandspension.actuarial.sensitivities import standard_scenarios
from tjenestemandspension.errors import InputError
from engine_cases import engine_register

pytestmark = pytest.mark.english  # asserts the English texts of problems (tests/conftest.py)

COUNCIL = "[[5, 0.03], [10, 0.025]]"  # years 1-5 at 3 %, 6-10 at 2.5 %, 11+ at inflation.rate


def test_the_product_of_the_yearly_rates():
    term = InflationByTerm.from_table([(2, 0.03), (3, 0.02)], long_term=0.01)
    assert term.yearly == (0.03, 0.03, 0.02)
    expected = {0: 1.0, 0.5: 1.03 ** 0.5, 1: 1.03, 2: 1.03 ** 2, 2.25: 1.03 ** 2 * 1.02 ** 0.25,
                3: 1.03 ** 2 * 1.02, 3.5: 1.03 ** 2 * 1.02 * 1.01 ** 0.5, 10: 1.03 ** 2 * 1.02 * 1.01 ** 7}
    np.testing.assert_allclose(term.factor(np.array(list(expected))), list(expected.values()), rtol=1e-14)


def test_a_flat_table_is_the_flat_rate():
    t = np.arange(GRID) / 12
    flat = InflationByTerm.from_table([(150, 0.02)], long_term=0.02)
    np.testing.assert_allclose(flat.factor(t), 1.02 ** t, rtol=1e-13)
    np.testing.assert_allclose(InflationByTerm.from_table([], 0.02).factor(t), 1.02 ** t, rtol=1e-13)


def test_without_a_term_structure_the_code_path_is_the_old_one():
    """Not set, the indexation is (1 + i)^t exactly as before: byte-identical results."""
    basis = load_basis()
    assert basis["inflation.by_term"] is None
    assumptions = resolve_assumptions(basis)
    assert assumptions.inflation == 0.02
    t = np.arange(GRID) / 12.0
    np.testing.assert_array_equal(indexation(0.02, t), (1.0 + 0.02) ** t)
    np.testing.assert_array_equal(value_factors(assumptions.curve, 0.02), (1.0 + 0.02) ** t * assumptions.curve.discount(t))
    # an empty table is "not set" too
    assert load_basis(overrides={"inflation.by_term": "[]"})["inflation.by_term"] is None


@pytest.fixture(scope="module")
def register():
    return engine_register(120, seed=5)


def liability(register, *overrides):
    basis = load_basis(overrides=list(overrides))
    return value(register_from_frame(register, basis.valuation_date), resolve_assumptions(basis)).total_liability


def test_the_council_table_against_flat_rates(register):
    flat = liability(register)
    same = liability(register, "inflation.by_term=[[150, 0.02]]")
    assert round(same, 2) == round(flat, 2)  # to the øre
    council = liability(register, f"inflation.by_term={COUNCIL}")
    # 3 % and 2.5 % in the first ten years, 2 % later: between flat 2 % and flat 3 %
    assert flat < council < liability(register, "inflation.rate=0.03")
    # only the first ten years differ, so later cash flows carry I(10) and then grow at 2 %
    assert council < liability(register, "inflation.by_term=[[10, 0.03]]")


def test_sensitivities_move_every_year(register):
    basis = load_basis(overrides=[f"inflation.by_term={COUNCIL}"])
    up = next(s for s in standard_scenarios(basis) if s.name == "Inflation +0,5 %-point")
    assert up.overrides["inflation.by_term"] == [[5, pytest.approx(0.035)], [10, pytest.approx(0.03)]]
    assert up.overrides["inflation.rate"] == pytest.approx(0.025)
    shifted = basis.with_overrides(up.overrides)
    assert liability(register, f"inflation.by_term={COUNCIL}") < value(
        register_from_frame(register, shifted.valuation_date), resolve_assumptions(shifted)).total_liability


def test_basis_values_and_messages(tmp_path):
    basis = load_basis(overrides={"inflation.by_term": "[[5, 0.03], [10, 0.025]]"})
    assert basis["inflation.by_term"] == ((5, 0.03), (10, 0.025))
    record = next(r for r in basis.as_records() if r["key"] == "inflation.by_term")
    assert record["value"] == "til år 5: 0.03; til år 10: 0.025"
    path = tmp_path / "basis.toml"
    path.write_text(basis.to_toml(), encoding="utf-8")
    assert load_basis(path)["inflation.by_term"] == ((5, 0.03), (10, 0.025))
    for raw in ("[[10, 0.03], [5, 0.025]]", "[[5, 3.0]]", "[[0, 0.02]]", "0.02"):
        with pytest.raises(InputError) as error:
            load_basis(overrides={"inflation.by_term": raw})
        assert "expected a list of [up to year, rate] in increasing years (or an empty list)" in str(error.value)
