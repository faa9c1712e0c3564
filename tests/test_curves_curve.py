"""The curve object's conventions (docs/specification.md §5) and the built-in default."""

from __future__ import annotations

import numpy as np
import pytest
from published import eiopa_publication, smith_wilson_vectors
from typer.testing import CliRunner

from tjenestemandspension.cli.main import app
from tjenestemandspension.curves import DiscountCurve, builtin_smith_wilson, default_curve
from tjenestemandspension.curves.builtin import builtin_inputs
from tjenestemandspension.provenance import Provenance


def make_curve(spots):
    return DiscountCurve(spots=np.asarray(spots, float), name="test", source="flat",
                         provenance=Provenance(source="test"))


def test_whole_years_are_annual_compounding():
    spots = np.linspace(0.01, 0.04, 150)
    curve = make_curve(spots)
    n = np.arange(1, 151)
    np.testing.assert_allclose(curve.discount(n), (1 + spots) ** -n, rtol=1e-13)
    assert curve.discount(0.0) == 1.0


def test_log_linear_interpolation_between_years():
    curve = make_curve([0.02, 0.03, 0.035])
    p1, p2 = (1.02) ** -1, (1.03) ** -2
    assert curve.discount(1.25) == pytest.approx(p1 ** 0.75 * p2 ** 0.25, rel=1e-14)
    assert curve.discount(0.5) == pytest.approx(p1 ** 0.5, rel=1e-14)


def test_last_forward_continues_beyond_the_table():
    curve = make_curve([0.02, 0.03, 0.035])
    p2, p3 = 1.03 ** -2, 1.035 ** -3
    forward = p2 / p3
    assert curve.discount(5.5) == pytest.approx(p3 * forward ** -2.5, rel=1e-13)
    np.testing.assert_allclose(curve.forward_rates()[-1], forward - 1)


def test_flat_curve_is_exact_at_every_month():
    """A flat annual table gives P(t) = (1 + r)^-t for every t, inside and beyond N."""
    curve = DiscountCurve.flat(0.025, maturities=150)
    t = np.arange(0, 12 * 160 + 1) / 12
    np.testing.assert_allclose(curve.discount(t), 1.025 ** -t, rtol=1e-13)


def test_shift_adds_to_every_spot_and_lowers_discount_factors():
    curve = default_curve()
    up = curve.shifted(100)
    np.testing.assert_allclose(up.spots, curve.spots + 0.01, rtol=0, atol=1e-15)
    assert up.shift_bp == 100
    t = np.array([0.5, 10.0, 60.0, 130.0])
    assert np.all(up.discount(t) < curve.discount(t))
    assert curve.shifted(0) is curve
    assert up.shifted(-100).shift_bp == 0


def test_negative_time_is_refused():
    with pytest.raises(ValueError):
        default_curve().discount(-0.1)


def test_spots_are_immutable():
    curve = default_curve()
    with pytest.raises(ValueError):
        curve.spots[0] = 0.5


# --- the built-in default ----------------------------------------------------------

def test_builtin_invariants_without_published_files():
    inputs = builtin_inputs()
    fitted = builtin_smith_wilson()
    curve = default_curve()
    assert curve.reference_date.isoformat() == "2024-12-31"
    assert curve.spots.size == 150
    assert fitted.alpha == inputs["published_alpha_no_va"]
    np.testing.assert_array_equal(curve.spots, np.round(curve.spots, 5))
    # the one-year par swap rate is the one-year zero rate
    assert curve.spots[0] == inputs["par_rates_net_of_cra"][0]
    # every liquid par swap reprices at 1 on the unrounded curve
    for maturity, rate in zip(inputs["liquid_maturities"], inputs["par_rates_net_of_cra"]):
        dates = np.arange(1, maturity + 1)
        assert rate * fitted.discount(dates).sum() + fitted.discount([maturity])[0] == pytest.approx(1, abs=1e-12)
    assert fitted.convergence_gap(60) <= 1e-4
    assert default_curve(with_va=True).parameters["alpha"] == inputs["published_alpha_with_va"]


def test_builtin_reproduces_published_2024_dkk_spots():
    vectors = smith_wilson_vectors()
    published = np.array(vectors["20241231_DK"]["published_spot_noVA_1_150"])
    assert np.max(np.abs(default_curve().spots - published)) <= 5e-6
    np.testing.assert_array_equal(default_curve().spots, published)
    published_va = np.array(vectors["20241231_DK"]["published_spot_withVA_1_150"])
    np.testing.assert_array_equal(default_curve(with_va=True).spots, published_va)
    # and the cells of EIOPA's Term_Structures workbook, extracted independently
    denmark = eiopa_publication("20241231")["curves"]["Denmark"]
    np.testing.assert_array_equal(default_curve().spots, denmark["spots"])
    assert default_curve().parameters["alpha"] == denmark["parameters"]["alpha"]
    assert default_curve().parameters["code"] == denmark["code"]


def test_builtin_equals_the_published_file(shared_dir):
    from tjenestemandspension.curves import eiopa_discount_curve, read_term_structures

    ts = read_term_structures(shared_dir / "data" / "eiopa" / "EIOPA_RFR_20241231_Term_Structures.xlsx")
    from_file = eiopa_discount_curve(ts)
    t = np.arange(0, 1441) / 12
    np.testing.assert_array_equal(default_curve().discount(t), from_file.discount(t))


def test_cli_shows_the_builtin_default():
    result = CliRunner().invoke(app, ["curve", "show"])
    assert result.exit_code == 0, result.output
    assert "EIOPA RFR 2024-12-31 Denmark uden VA" in result.output
    assert "UFR 3.30%, alpha 0.115841, CRA 11 bp" in result.output
    assert "     1      2.226%" in result.output
    assert "   150      3.095%" in result.output


def test_cli_shift():
    result = CliRunner().invoke(app, ["curve", "show", "--shift-bp", "-50"])
    assert result.exit_code == 0
    assert "Shift:      -50 bp" in result.output
    assert "     1      1.726%" in result.output


def test_forward_curve_discounts_as_the_original_expects():
    curve = default_curve()
    forward = curve.forward_from(1.0)
    t = np.arange(0, 12 * 140 + 1) / 12
    np.testing.assert_allclose(forward.discount(t), curve.discount(1.0 + t) / curve.discount(1.0), rtol=1e-12)
    assert forward.source == "forward" and "terminskurve" in forward.name
    half = curve.forward_from(0.5)
    n = np.arange(1, 100)
    np.testing.assert_allclose(half.discount(n), curve.discount(0.5 + n) / curve.discount(0.5), rtol=1e-12)
