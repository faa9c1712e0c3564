"""Smith-Wilson right for every currency: α refitted from each published curve's own inputs
equals EIOPA's, for every curve of the 2023-12-31 and 2024-12-31 files.

EIOPA publishes Qb, not the par rates behind it; `liquid_swaps` recovers them (and checks
that they give the published Qb back), `liquid_zero_rates` the zero rates of the government
bond and with-VA curves. α is then searched by EIOPA's rule with the convergence point
T = LLP + the file's own convergence period. The rule max(LLP + convergence, 60) would
instead miss Sweden (LLP 10 + 10: T = 20), by up to 24.6 bp in the spots.
"""

from __future__ import annotations

import functools

import numpy as np
import pytest

from tjenestemandspension.curves import SmithWilsonCurve, read_all_qb, read_all_term_structures
from tjenestemandspension.curves.eiopa import find_qb
from tjenestemandspension.curves.smith_wilson import (
    calibrate_swaps,
    calibrate_zero,
    convergence_point,
    find_alpha,
    liquid_swaps,
    liquid_zero_rates,
)

DATES = ("20231231", "20241231")


@functools.cache
def curves_and_vectors(eiopa_dir, date, with_va):
    curves = read_all_term_structures(eiopa_dir / f"EIOPA_RFR_{date}_Term_Structures.xlsx", with_va)
    vectors = read_all_qb(eiopa_dir / f"EIOPA_RFR_{date}_Qb_SW.xlsx", with_va)
    return curves, vectors


def refit(ts, u, qb, point):
    """EIOPA's α for the inputs behind a published curve, with convergence point `point`."""
    p = ts.parameters
    published = SmithWilsonCurve(ufr=p.ufr, alpha=p.alpha, u=u, qb=qb)
    if p.coupon_freq == 0 or ts.with_va:  # government bonds and with-VA curves: zero-coupon
        maturities, rates = liquid_zero_rates(published)
        calibrate = functools.partial(calibrate_zero, maturities, rates, p.ufr)
    else:
        maturities, rates = liquid_swaps(published, p.coupon_freq)
        calibrate = functools.partial(
            lambda alpha: calibrate_swaps(maturities, rates, p.ufr, alpha, p.coupon_freq))
    alpha = find_alpha(calibrate, point)
    return alpha, calibrate(alpha)


@pytest.fixture(scope="module")
def eiopa_dir(shared_dir):
    return shared_dir / "data" / "eiopa"


@pytest.mark.parametrize("date", DATES)
@pytest.mark.parametrize("with_va", [False, True])
def test_alpha_of_every_curve_equals_eiopas(eiopa_dir, date, with_va):
    curves, vectors = curves_and_vectors(eiopa_dir, date, with_va)
    differing = {}
    for name, ts in curves.items():
        u, qb = find_qb(vectors, ts.code_prefix)
        alpha, _ = refit(ts, u, qb, convergence_point(ts.parameters.llp, ts.parameters.convergence_years))
        if abs(alpha - ts.parameters.alpha) > 5e-7:
            differing[name] = (alpha, ts.parameters.alpha)
    # 53 curves in the 2023 file, 52 in the 2024 one (Russia dropped): 210 in all
    assert len(curves) == {"20231231": 53, "20241231": 52}[date]
    assert differing == {}


@pytest.mark.parametrize("date,published_alpha", [("20231231", 0.426447), ("20241231", 0.320519)])
def test_sweden_converges_at_20_years_not_60(eiopa_dir, date, published_alpha):
    curves, vectors = curves_and_vectors(eiopa_dir, date, False)
    sweden = curves["Sweden"]
    p = sweden.parameters
    assert (p.llp, p.convergence_years, p.alpha) == (10, 10, pytest.approx(published_alpha, abs=1e-12))
    u, qb = find_qb(vectors, sweden.code_prefix)
    alpha, fitted = refit(sweden, u, qb, p.convergence_point)
    assert alpha == pytest.approx(published_alpha, abs=5e-7)
    np.testing.assert_array_equal(np.round(fitted.spot(np.arange(1, 151)), 5), sweden.spots)
    # the old rule, T = max(LLP + convergence, 60), finds another α and other spots
    wrong_alpha, wrong = refit(sweden, u, qb, max(p.convergence_point, 60))
    assert wrong_alpha < 0.1
    worst_bp = np.max(np.abs(wrong.spot(np.arange(1, 151)) - sweden.spots)) * 1e4
    assert worst_bp > 5  # 24.6 bp in 2023, 8.9 bp in 2024


def test_liquid_swaps_recovers_the_builtin_inputs():
    """The built-in inputs were derived from EIOPA's DKK Qb; the function finds them again."""
    from tjenestemandspension.curves import builtin_smith_wilson
    from tjenestemandspension.curves.builtin import builtin_inputs

    maturities, rates = liquid_swaps(builtin_smith_wilson(), 1)
    np.testing.assert_array_equal(maturities, builtin_inputs()["liquid_maturities"])
    np.testing.assert_allclose(rates, builtin_inputs()["par_rates_net_of_cra"], rtol=0, atol=1e-13)


def test_liquid_swaps_refuses_a_vector_that_is_not_of_par_swaps():
    curve = calibrate_zero([1, 2, 5, 10], [0.02, 0.022, 0.025, 0.027], 0.033, 0.1)
    with pytest.raises(ValueError, match="not every coupon date"):
        liquid_swaps(curve, 1)  # dates 1, 2, 5, 10: not every year
    semiannual = calibrate_zero(np.arange(1, 11) / 2, np.full(10, 0.02), 0.033, 0.1)
    with pytest.raises(ValueError, match="not every coupon date"):
        liquid_swaps(semiannual, 1)
