"""EIOPA's method from 31 January 2027: the workbook example, properties, and the switch by
reference date.

The example is the one of EIOPA's demonstration workbook for the new method ("RFR
extrapolation and VA calculation", 19 May 2026, accompanying EIOPA-BoS-26/198): annual
par swaps, CRA 10 bp, UFR 3.3 %, α 0.11, LLFR weights at 20–50 years. EIOPA's figures: FSP
20, LLFR 3.22488713 % (continuous), z_20 = 3.15865 % (continuous), and the annual spots
below (in percent, to the 3 decimals given). The same rates read as government-bond zero
rates give LLFR 3.18830 % and the second row of spots.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from tjenestemandspension.actuarial import load_basis
from tjenestemandspension.actuarial.resolve import resolve_curve
from tjenestemandspension.cli.main import app
from tjenestemandspension.curves import fit_eiopa_2027, method_for
from tjenestemandspension.curves.eiopa_2027 import FIRST_REFERENCE_DATE, bootstrap_swaps, last_liquid_forward_rate
from tjenestemandspension.curves.rebuild import CurveParameters, read_liquid_rates, rebuild
from tjenestemandspension.errors import InputError

pytestmark = pytest.mark.english  # asserts the English texts of problems (tests/conftest.py)

EXAMPLE_RATES = {1: 0.02176, 2: 0.022621, 3: 0.023795, 4: 0.0248, 5: 0.02569, 6: 0.02651, 7: 0.02732,
                 8: 0.028, 9: 0.028631, 10: 0.02927, 11: 0.02979, 12: 0.03027, 13: 0.030779, 15: 0.03143,
                 20: 0.03233, 25: 0.0325, 30: 0.032431, 40: 0.03206, 50: 0.03131}
EXAMPLE_WEIGHTS = {20: 0.33, 25: 0.12, 30: 0.48, 40: 0.04, 50: 0.03}
CRA = 0.0010
SWAP_SPOTS_PERCENT = {1: 2.076, 20: 3.209, 25: 3.224, 30: 3.235, 40: 3.250, 50: 3.260, 60: 3.266,
                      100: 3.280, 150: 3.287}
BOND_SPOTS_PERCENT = {1: 2.076, 2: 2.162, 5: 2.469, 10: 2.827, 15: 3.043, 20: 3.133, 25: 3.157, 30: 3.176,
                      40: 3.204, 50: 3.223, 60: 3.235, 100: 3.261, 150: 3.274}
MATURITIES = np.array(list(EXAMPLE_RATES), float)
NET_RATES = np.array(list(EXAMPLE_RATES.values())) - CRA


def example(coupon_freq=1, alpha=0.11):
    return fit_eiopa_2027(MATURITIES, NET_RATES, 0.033, coupon_freq, EXAMPLE_WEIGHTS, alpha)


def test_eiopas_workbook_example():
    curve = example()
    assert curve.fsp == 20
    assert round(curve.llfr * 100, 8) == 3.22488713
    assert round(float(curve.zero_rate([20])[0]) * 100, 5) == 3.15865
    for years, published in SWAP_SPOTS_PERCENT.items():
        assert round(float(curve.spot([years])[0]) * 100, 3) == published, years


def test_eiopas_workbook_example_as_government_bond_zero_rates():
    curve = example(coupon_freq=0)
    assert round(curve.llfr * 100, 5) == 3.18830
    for years, published in BOND_SPOTS_PERCENT.items():
        assert round(float(curve.spot([years])[0]) * 100, 3) == published, years
    # up to the FSP the basic rate is the input rate less the CRA
    np.testing.assert_allclose(curve.spot(MATURITIES[MATURITIES <= 20]), NET_RATES[MATURITIES <= 20], rtol=0,
                               atol=1e-15)


def test_the_example_file_read_and_rebuilt(repo_root):
    """examples/par_rates_eiopa_2027_example.csv holds the workbook's input columns."""
    rates = read_liquid_rates(repo_root / "examples" / "par_rates_eiopa_2027_example.csv", cra_bp=10, coupon_freq=1)
    np.testing.assert_array_equal(rates.maturities, MATURITIES)
    np.testing.assert_allclose(rates.rates, NET_RATES, rtol=0, atol=1e-17)
    assert rates.llfr_weights == {float(t): w for t, w in EXAMPLE_WEIGHTS.items()}
    parameters = CurveParameters(reference_date=dt.date(2027, 1, 31), ufr=0.033, llp=20, cra_bp=10)
    curve = rebuild(rates, parameters)
    assert curve.parameters["method"] == "eiopa_2027" and curve.parameters["fsp"] == 20
    spots = example().spot(np.arange(1, 151))
    np.testing.assert_array_equal(curve.spots, np.round(spots, 5))
    for years, published in SWAP_SPOTS_PERCENT.items():
        assert round(curve.spots[years - 1] * 100, 3) == published


def test_cli_rebuilds_the_example(repo_root):
    result = CliRunner().invoke(app, [
        "curve", "rebuild", "--par-rates", str(repo_root / "examples" / "par_rates_eiopa_2027_example.csv"),
        "--ufr", "0.033", "--cra-bp", "10", "--coupon-freq", "1", "--llp", "20", "--reference-date", "2027-01-31"])
    assert result.exit_code == 0, result.output
    assert "method EIOPA's 2027 method (rebuilt by the tool)" in result.output
    assert "first smoothing point 20 years, LLFR 3.224887% (continuous; weights 20: 0.33, 25: 0.12" in result.output
    assert "     1      2.076%" in result.output and "   150      3.287%" in result.output
    assert "Compared with" not in result.output  # nothing published to compare with


# --- properties --------------------------------------------------------------------------

@st.composite
def liquid_curves(draw):
    maturities = sorted(draw(st.sets(st.integers(1, 50), min_size=2, max_size=12)))
    # market-like par curves: Nelson-Siegel shapes, flat at the long end (independent noise
    # on neighbouring long maturities would ask for forwards no market has)
    level, slope, hump = draw(st.floats(0.0, 0.05)), draw(st.floats(-0.03, 0.03)), draw(st.floats(-0.03, 0.03))
    tau = draw(st.floats(1.0, 5.0))
    shape = [(1 - np.exp(-m / tau)) / (m / tau) for m in maturities]
    rates = [level + slope * g + hump * (g - np.exp(-m / tau)) for g, m in zip(shape, maturities)]
    fsp = draw(st.sampled_from(maturities))
    later = [m for m in maturities if m > fsp]
    raw = [draw(st.floats(0.05, 1.0)) for _ in range(1 + len(later))]
    weights = {t: w / sum(raw) for t, w in zip([fsp, *later], raw)}
    coupon_freq = draw(st.sampled_from([0, 1, 2, 4]))
    ufr = draw(st.floats(0.01, 0.05))
    alpha = draw(st.floats(0.05, 0.6))
    return maturities, rates, weights, coupon_freq, ufr, alpha


@settings(max_examples=60, deadline=None)
@given(liquid_curves())
def test_forward_converges_to_the_ufr(case):
    maturities, rates, weights, coupon_freq, ufr, alpha = case
    curve = fit_eiopa_2027(maturities, rates, ufr, coupon_freq, weights, alpha)
    omega = np.log1p(ufr)
    h = np.array([0.5, 1, 5, 10, 40, 100, 300])
    forward = curve.forward_intensity(curve.fsp + h)
    # the instantaneous forward starts at the LLFR and closes the gap to ω as e^{−αh}
    np.testing.assert_allclose(forward - omega, (curve.llfr - omega) * np.exp(-alpha * h), rtol=0, atol=1e-13)
    gaps = np.abs(forward - omega)
    assert np.all(np.diff(gaps) <= 1e-15)
    # the average forward f(t_F, t_F + h) of EIOPA's formula, from the zero rates
    t = curve.fsp + h
    average = (t * curve.zero_rate(t) - curve.fsp * curve.zero_rate([curve.fsp])) / h
    np.testing.assert_allclose(average, omega + (curve.llfr - omega) * -np.expm1(-alpha * h) / (alpha * h),
                               rtol=0, atol=1e-12)
    assert abs(float(curve.forward_intensity([curve.fsp + 2000])[0]) - omega) < 1e-12
    # the curve is continuous at the FSP
    below, above = curve.zero_rate([curve.fsp - 1e-9, curve.fsp + 1e-9])
    assert abs(below - above) < 1e-8


@settings(max_examples=60, deadline=None)
@given(liquid_curves())
def test_bootstrap_reprices_every_swap_with_constant_forwards_between(case):
    maturities, rates, weights, coupon_freq, ufr, alpha = case
    freq = coupon_freq or 1
    knots, log_p = bootstrap_swaps(maturities, rates, freq)
    curve = fit_eiopa_2027(maturities, rates, ufr, freq, {maturities[-1]: 1.0}, alpha)
    for maturity, rate in zip(maturities, rates):
        dates = np.arange(1, maturity * freq + 1) / freq
        price = rate / freq * curve.discount(dates).sum() + curve.discount([maturity])[0]
        assert price == pytest.approx(1.0, abs=1e-12)
    inside = np.linspace(0.01, maturities[-1], 400)
    slopes = -np.diff(log_p) / np.diff(knots)
    expected = slopes[np.searchsorted(knots, inside, side="left") - 1]
    np.testing.assert_allclose(curve.forward_intensity(inside), expected, rtol=0, atol=1e-14)


def test_a_flat_par_curve_at_the_ufr_stays_there():
    rate = np.log(1.033)  # continuous
    curve = fit_eiopa_2027([1, 5, 20], [np.expm1(rate)] * 3, 0.033, 1, {20: 1.0})
    np.testing.assert_allclose(curve.spot([1, 20, 60, 150]), 0.033, rtol=0, atol=1e-12)


def test_weights_are_checked():
    knots, log_p = bootstrap_swaps([1, 5, 20], [0.02, 0.025, 0.03], 1)
    with pytest.raises(ValueError, match="sum to 1"):
        last_liquid_forward_rate(knots, log_p, {5: 0.5, 20: 0.4})
    with pytest.raises(ValueError, match="at maturities without a liquid rate: 10"):
        last_liquid_forward_rate(knots, log_p, {5: 0.5, 10: 0.5})
    # the FSP is the first weighted maturity; the LLFR starts with the forward into it
    fsp, llfr = last_liquid_forward_rate(knots, log_p, {5: 1.0})
    # (with the forward constant from 1 to 5 years, f(4, 5) is that constant)
    assert fsp == 5 and llfr == pytest.approx((log_p[1] - log_p[2]) / 4, abs=1e-15)


# --- the switch by reference date --------------------------------------------------------

def test_method_by_reference_date():
    assert FIRST_REFERENCE_DATE == dt.date(2027, 1, 31)
    assert method_for(dt.date(2026, 12, 31)) == "smith_wilson"
    assert method_for(dt.date(2027, 1, 31)) == "eiopa_2027"
    assert method_for(dt.date(2027, 12, 31)) == "eiopa_2027"


@pytest.mark.parametrize("valuation_date,method,expected", [
    ("2026-12-31", "auto", "smith_wilson"),
    ("2027-01-31", "auto", "eiopa_2027"),
    ("2027-12-31", "auto", "eiopa_2027"),
    ("2027-12-31", "smith_wilson", "smith_wilson"),
    ("2026-12-31", "eiopa_2027", "eiopa_2027"),
])
def test_par_rates_source_switches_by_reference_date(repo_root, valuation_date, method, expected):
    basis = load_basis(overrides={
        "valuation.date": valuation_date, "curve.source": "par_rates", "curve.method": method,
        "curve.par_rates_file": str(repo_root / "examples" / "par_rates_eiopa_2027_example.csv"),
        "curve.ufr": "0.033", "curve.llp": "20", "curve.cra_bp": "10", "curve.coupon_freq": "1"})
    curve = resolve_curve(basis)
    assert curve.parameters["method"] == expected
    assert curve.reference_date == dt.date.fromisoformat(valuation_date)
    if expected == "eiopa_2027":
        assert round(curve.spots[149] * 100, 3) == 3.287
    else:  # Smith-Wilson on the liquid points up to the LLP, α by EIOPA's rule
        assert curve.parameters["llp"] == 20 and curve.parameters["convergence_years"] == 40


def test_alpha_2027_is_a_basis_setting(repo_root):
    basis = load_basis(overrides={
        "valuation.date": "2027-12-31", "curve.source": "par_rates", "curve.alpha_2027": "0.4",
        "curve.par_rates_file": str(repo_root / "examples" / "par_rates_eiopa_2027_example.csv"),
        "curve.ufr": "0.033", "curve.llp": "20", "curve.cra_bp": "10", "curve.coupon_freq": "1"})
    fast = resolve_curve(basis)
    slow = resolve_curve(basis.with_overrides({"curve.alpha_2027": "0.11"}))
    assert fast.parameters["alpha"] == 0.4
    # the LLFR (3.22 %) lies below the UFR's 3.25 % (continuous): a faster convergence raises the long end
    assert np.all(fast.spots[20:60] > slow.spots[20:60])
    np.testing.assert_array_equal(fast.spots[:20], slow.spots[:20])


def test_bad_weights_in_a_file_are_one_clear_line(tmp_path):
    path = tmp_path / "rates.csv"
    path.write_text("Maturity;DLT;LLFR Weight;Input Rate\n1;1;0;0,02\n10;1;0,5;0,025\n20;1;0,4;0,03\n")
    rates = read_liquid_rates(path, cra_bp=10, coupon_freq=1)
    with pytest.raises(InputError) as error:
        rebuild(rates, CurveParameters(reference_date=dt.date(2027, 12, 31), ufr=0.033, llp=20, cra_bp=10))
    assert str(error.value) == ("rates.csv: the curve cannot be rebuilt by EIOPA's 2027 method: LLFR weights "
                                "must be positive and sum to 1 (they sum to 0.9)")


def test_rates_no_forward_can_reprice_are_refused():
    with pytest.raises(ValueError, match="no forward rate from -50% to 100% reprices the 34-year swap"):
        bootstrap_swaps([1, 33, 34], [0.0488, 0.0488, 0.08], 1)
