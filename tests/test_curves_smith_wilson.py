"""Smith-Wilson against EIOPA's published curves, textbook examples and closed forms.

Tolerances: EIOPA publishes spot rates rounded to 5 decimals, so a curve rebuilt from
its inputs can match them to 5e-6 at best; Qb vectors are matched to 1e-8 and α to the
6 decimals EIOPA publishes.
"""

from __future__ import annotations

import numpy as np
import pytest
from published import smith_wilson_vectors

from tjenestemandspension.curves.smith_wilson import (
    calibrate_swaps,
    calibrate_zero,
    convergence_point,
    find_alpha,
    fit_eiopa_swaps,
    fit_eiopa_zero,
    SmithWilsonCurve,
)

CURVES = ["20231231_EUR", "20231231_DK", "20241231_EUR", "20241231_DK"]
MATURITIES = np.arange(1, 151)


@pytest.fixture(scope="module")
def vectors():
    return smith_wilson_vectors()


@pytest.mark.parametrize("key", CURVES)
def test_published_qb_reproduces_published_spots(vectors, key):
    v = vectors[key]
    for suffix, alpha in (("noVA", v["alpha_noVA"]), ("withVA", v["alpha_withVA"])):
        curve = SmithWilsonCurve(ufr=v["UFR_annual"], alpha=alpha,
                                 u=np.array(v["Qb_noVA_u"], float), qb=np.array(v[f"Qb_{suffix}"]))
        published = np.array(v[f"published_spot_{suffix}_1_150"])
        assert np.max(np.abs(curve.spot(MATURITIES) - published)) <= 5e-6


@pytest.mark.parametrize("key", CURVES)
def test_par_swaps_reproduce_alpha_qb_and_spots(vectors, key):
    v = vectors[key]
    fitted = fit_eiopa_swaps(v["DLT_maturities"], v["par_swap_rates_net_of_CRA"], v["UFR_annual"], v["LLP"])
    assert fitted.alpha == pytest.approx(v["alpha_noVA"], abs=5e-7)
    np.testing.assert_allclose(fitted.u, v["Qb_noVA_u"])
    assert np.max(np.abs(fitted.qb - np.array(v["Qb_noVA"]))) <= 1e-8
    spots = fitted.spot(MATURITIES)
    published = np.array(v["published_spot_noVA_1_150"])
    assert np.max(np.abs(spots - published)) <= 5e-6
    # EIOPA's table is exactly our curve rounded to its 5 decimals
    np.testing.assert_array_equal(np.round(spots, 5), published)


@pytest.mark.parametrize("key", CURVES)
def test_with_va_zero_coupon_calibration(vectors, key):
    v = vectors[key]
    no_va = fit_eiopa_swaps(v["DLT_maturities"], v["par_swap_rates_net_of_CRA"], v["UFR_annual"], v["LLP"])
    maturities = np.arange(1, v["LLP"] + 1)
    zero_rates = no_va.spot(maturities) + v["VA_bp"] / 1e4
    fitted = fit_eiopa_zero(maturities, zero_rates, v["UFR_annual"], v["LLP"])
    assert fitted.alpha == pytest.approx(v["alpha_withVA"], abs=5e-7)
    assert np.max(np.abs(fitted.qb - np.array(v["Qb_withVA"]))) <= 1e-8
    assert np.max(np.abs(fitted.spot(MATURITIES) - np.array(v["published_spot_withVA_1_150"]))) <= 5e-6


def test_financemodels_jl_alpha(vectors):
    v = vectors["FinanceModels.jl_EUR_20210831"]
    fitted = fit_eiopa_swaps(v["DLT_maturities"], v["par_swap_rates_net_of_CRA"], v["UFR_annual"], 20)
    assert fitted.alpha == pytest.approx(v["alpha"], abs=5e-7)


def test_qis5_example(vectors):
    v = vectors["QIS5_examples"]
    annual = calibrate_swaps(v["swaps_maturities"], v["swap_rates"], v["UFR_annual"], v["alpha"], 1)
    quarterly = calibrate_swaps(v["swaps_maturities"], v["swap_rates"], v["UFR_annual"], v["alpha"], 4)
    assert float(annual.discount([4.0])[0]) == pytest.approx(v["annual_coupons_P4"], abs=5e-4)
    assert float(quarterly.discount([4.0])[0]) == pytest.approx(v["quarterly_coupons_P4"], abs=5e-5)


# --- closed forms and properties, no published data needed -----------------------------

SWAP_MATURITIES = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 15, 20]
SWAP_RATES = [0.030, 0.028, 0.027, 0.0265, 0.026, 0.026, 0.0262, 0.0265, 0.027, 0.0272,
              0.0275, 0.0277, 0.028, 0.0275]


def test_calibrated_curve_reprices_its_par_swaps():
    curve = calibrate_swaps(SWAP_MATURITIES, SWAP_RATES, 0.033, 0.12)
    for maturity, rate in zip(SWAP_MATURITIES, SWAP_RATES):
        dates = np.arange(1, maturity + 1)
        price = rate * curve.discount(dates).sum() + curve.discount([maturity])[0]
        assert price == pytest.approx(1.0, abs=1e-12)


def test_quarterly_swaps_reprice():
    curve = calibrate_swaps([1, 2, 5], [0.02, 0.025, 0.03], 0.035, 0.1, coupon_freq=4)
    dates = np.arange(1, 21) / 4
    price = 0.03 / 4 * curve.discount(dates).sum() + curve.discount([5.0])[0]
    assert price == pytest.approx(1.0, abs=1e-12)


def test_zero_calibration_reproduces_zero_rates():
    maturities = np.arange(1, 21)
    rates = 0.02 + 0.0005 * maturities
    curve = calibrate_zero(maturities, rates, 0.033, 0.1)
    np.testing.assert_allclose(curve.spot(maturities), rates, rtol=0, atol=1e-13)


def test_alpha_rule_is_the_smallest_converging_grid_point():
    def calibrate(alpha):
        return calibrate_swaps(SWAP_MATURITIES, SWAP_RATES, 0.033, alpha)

    point = convergence_point(20)
    alpha = find_alpha(calibrate, point)
    assert alpha >= 0.05
    assert round(alpha, 6) == alpha
    assert calibrate(alpha).convergence_gap(point) <= 1e-4
    if alpha > 0.05:
        assert calibrate(alpha - 1e-6).convergence_gap(point) > 1e-4


def test_alpha_floor_when_already_converged():
    # a curve already at the UFR converges for any alpha: the rule returns the floor 0.05
    ufr = 0.033
    flat = [ufr] * len(SWAP_MATURITIES)
    assert find_alpha(lambda a: calibrate_swaps(SWAP_MATURITIES, flat, ufr, a), 60) == 0.05


def test_convergence_gap_closed_form_equals_forward_intensity():
    curve = calibrate_swaps(SWAP_MATURITIES, SWAP_RATES, 0.033, 0.13)
    for point in (60.0, 80.0):
        direct = abs(curve.forward_intensity([point])[0] - curve.omega)
        assert curve.convergence_gap(point) == pytest.approx(direct, rel=1e-9)


def test_forward_intensity_is_the_log_derivative():
    curve = calibrate_swaps(SWAP_MATURITIES, SWAP_RATES, 0.033, 0.13)
    t = np.array([0.5, 3.3, 12.0, 17.5, 25.0, 70.0])
    h = 1e-6
    numeric = -(np.log(curve.discount(t + h)) - np.log(curve.discount(t - h))) / (2 * h)
    # central differences with h = 1e-6 are good to about 1e-9 here
    np.testing.assert_allclose(curve.forward_intensity(t), numeric, rtol=0, atol=1e-8)


def test_convergence_point():
    assert convergence_point(20) == 60
    assert convergence_point(50) == 90
    assert convergence_point(10) == 60
    # the file's own convergence period wins: Sweden's is 10 years after an LLP of 10
    assert convergence_point(10, 10) == 20
    assert convergence_point(50, 40) == 90


def test_a_maturity_off_the_coupon_grid_is_refused():
    """1.2 years is no coupon date of an annual swap: refused, not moved to 1.0."""
    with pytest.raises(ValueError, match=r"^maturity 1\.2 is not a coupon date of a swap with 1 coupon\(s\) a year "
                                         r"\(a multiple of 1 years\)$"):
        calibrate_swaps([1, 1.2, 2], [0.02, 0.021, 0.022], 0.033, 0.1)
    with pytest.raises(ValueError, match="maturity 0.3, 1.1 is not a coupon date .* multiple of 0.5 years"):
        calibrate_swaps([0.3, 1.1, 2], [0.02, 0.021, 0.022], 0.033, 0.1, coupon_freq=2)
    with pytest.raises(ValueError, match="two swaps have the same maturity"):
        calibrate_swaps([1, 1, 2], [0.02, 0.021, 0.022], 0.033, 0.1)
    # on the grid of quarterly coupons 1.25 is a coupon date
    curve = calibrate_swaps([1.25, 2], [0.02, 0.022], 0.033, 0.1, coupon_freq=4)
    dates = np.arange(1, 6) / 4
    assert 0.02 / 4 * curve.discount(dates).sum() + curve.discount([1.25])[0] == pytest.approx(1.0, abs=1e-12)
