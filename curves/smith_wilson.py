"""Smith-Wilson extrapolation exactly as EIOPA applies it.

Notation follows EIOPA's technical documentation of the risk-free rate term structure
(section "Extrapolation: the Smith-Wilson method"):

    P(t) = e^{-ωt} · (1 + Σ_j H(t, u_j) · Qb_j),   ω = ln(1 + UFR)

    H(t, u) = α·min(t, u) − ½·e^{−α·max(t, u)} · (e^{α·min(t, u)} − e^{−α·min(t, u)})

where u_j are the cash-flow dates of the calibration instruments. For instruments with
prices p (N), cash flows C (N × J) on the dates u (J), and d = e^{−ωu}:

    Q = diag(d) · Cᵀ,        (Qᵀ H Q) · b = p − C d,        Qb = Q · b.

Par swaps with annual fixed coupons have price 1 and pay the par rate every year plus 1
at maturity; zero-coupon bonds have C = I and price (1 + r)^(−u).

EIOPA chooses α as the smallest value ≥ 0.05, on a grid of 6 decimals, for which the
forward intensity at the convergence point T lies within 1 bp of ω. T is the curve's own
LLP plus its own convergence period, both published with the curve (rows 5 and 6 of the
spot sheet): LLP 20 + 40 for EUR and DKK, 10 + 10 for SEK, 50 + 40 for GBP; the general
rule max(LLP + 40, 60) applies only where no convergence period is given. With T so
taken, α comes out as EIOPA's for all 210 curves of the 2023-12-31 and 2024-12-31 files
(every currency, with and without VA; tests/test_curves_all_currencies.py).
For T beyond the last cash flow that gap has the closed form

    g(α) = α / |1 − κ·e^{αT}|,   κ = (1 + α·uᵀQb) / (sinh(αu)ᵀ Qb).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

ALPHA_MIN = 0.05
ALPHA_GRID = 1_000_000  # α is searched on multiples of 1e-6
ALPHA_MAX = 10.0
CONVERGENCE_TOLERANCE = 1e-4  # 1 bp on the forward intensity


def wilson_heart(t: np.ndarray, u: np.ndarray, alpha: float) -> np.ndarray:
    """H(t, u) for every pair: shape (len(t), len(u))."""
    t = np.asarray(t, dtype=float)[:, None]
    u = np.asarray(u, dtype=float)[None, :]
    low = np.minimum(t, u)
    high = np.maximum(t, u)
    return alpha * low - 0.5 * np.exp(-alpha * high) * (np.exp(alpha * low) - np.exp(-alpha * low))


@dataclass(frozen=True)
class SmithWilsonCurve:
    """A calibrated Smith-Wilson curve: UFR (annual rate), α, dates u and the Qb vector."""

    ufr: float
    alpha: float
    u: np.ndarray
    qb: np.ndarray

    @property
    def omega(self) -> float:
        return float(np.log1p(self.ufr))

    def discount(self, t: Sequence[float] | np.ndarray) -> np.ndarray:
        t = np.atleast_1d(np.asarray(t, dtype=float))
        return np.exp(-self.omega * t) * (1.0 + wilson_heart(t, self.u, self.alpha) @ self.qb)

    def spot(self, t: Sequence[float] | np.ndarray) -> np.ndarray:
        """Annually compounded spot rates, EIOPA's convention."""
        t = np.atleast_1d(np.asarray(t, dtype=float))
        return self.discount(t) ** (-1.0 / t) - 1.0

    def forward_intensity(self, t: Sequence[float] | np.ndarray) -> np.ndarray:
        """f(t) = −d ln P(t)/dt, analytically."""
        t = np.atleast_1d(np.asarray(t, dtype=float))[:, None]
        u = self.u[None, :]
        a = self.alpha
        # dH/dt: for t < u: α − α·e^{−αu}·cosh(αt); for t ≥ u: e^{−αt}·sinh(αu)
        d_heart = np.where(
            t < u,
            a - a * np.exp(-a * u) * np.cosh(a * t),
            a * np.exp(-a * t) * np.sinh(a * u),
        )
        growth = 1.0 + wilson_heart(t[:, 0], self.u, a) @ self.qb
        return self.omega - (d_heart @ self.qb) / growth

    def convergence_gap(self, convergence_point: float) -> float:
        """|f(T) − ω| by EIOPA's closed form (valid for T beyond the last date u)."""
        a = self.alpha
        kappa = (1.0 + a * (self.u @ self.qb)) / (np.sinh(a * self.u) @ self.qb)
        return float(a / abs(1.0 - kappa * np.exp(a * convergence_point)))


def _solve(cash_flows: np.ndarray, dates: np.ndarray, prices: np.ndarray,
           ufr: float, alpha: float) -> SmithWilsonCurve:
    omega = np.log1p(ufr)
    d = np.exp(-omega * dates)
    q = d[:, None] * cash_flows.T
    system = q.T @ wilson_heart(dates, dates, alpha) @ q
    import scipy.linalg  # only a fitted curve needs scipy (its import costs ~0.4 s)

    b = scipy.linalg.solve(system, prices - cash_flows @ d, assume_a="pos")
    return SmithWilsonCurve(ufr=float(ufr), alpha=float(alpha), u=dates, qb=q @ b)


GRID_TOLERANCE = 1e-9  # how far a maturity may lie from its coupon date (float noise only)


def coupon_periods(maturities: Sequence[float] | np.ndarray, coupon_freq: int) -> np.ndarray:
    """The number of coupon periods of each maturity; a maturity between two coupon dates
    is refused rather than moved to the nearest one."""
    maturities = np.asarray(maturities, dtype=float)
    if coupon_freq < 1:
        raise ValueError(f"a par swap pays at least one coupon a year, not {coupon_freq}")
    periods = np.rint(maturities * coupon_freq)
    off_grid = (np.abs(maturities * coupon_freq - periods) > GRID_TOLERANCE) | (periods < 1)
    if np.any(off_grid):
        shown = ", ".join(f"{m:g}" for m in maturities[off_grid])
        raise ValueError(f"maturity {shown} is not a coupon date of a swap with {coupon_freq} coupon(s) a year "
                         f"(a multiple of {1 / coupon_freq:g} years)")
    return periods.astype(int)


def calibrate_swaps(maturities: Sequence[float], par_rates: Sequence[float], ufr: float,
                    alpha: float, coupon_freq: int = 1) -> SmithWilsonCurve:
    """Calibrate to par swaps (price 1) paying `coupon_freq` fixed coupons a year.

    Every maturity must be a coupon date (a multiple of 1/coupon_freq years), and no two
    swaps may share one.
    """
    maturities = np.asarray(maturities, dtype=float)
    par_rates = np.asarray(par_rates, dtype=float)
    if maturities.shape != par_rates.shape or maturities.size == 0:
        raise ValueError("maturities and par rates must be non-empty and of equal length")
    periods = coupon_periods(maturities, coupon_freq)
    if np.unique(periods).size != periods.size:
        raise ValueError("two swaps have the same maturity")
    dates = np.arange(1, periods.max() + 1) / coupon_freq
    cash_flows = np.zeros((maturities.size, dates.size))
    for row, (n, rate) in enumerate(zip(periods, par_rates)):
        cash_flows[row, :n] = rate / coupon_freq
        cash_flows[row, n - 1] += 1.0
    return _solve(cash_flows, dates, np.ones(maturities.size), ufr, alpha)


def calibrate_zero(maturities: Sequence[float], zero_rates: Sequence[float], ufr: float,
                   alpha: float) -> SmithWilsonCurve:
    """Calibrate to zero-coupon bonds with annually compounded spot rates."""
    dates = np.asarray(maturities, dtype=float)
    prices = (1.0 + np.asarray(zero_rates, dtype=float)) ** (-dates)
    return _solve(np.eye(dates.size), dates, prices, ufr, alpha)


def find_alpha(calibrate: Callable[[float], SmithWilsonCurve], convergence_point: float,
               tolerance: float = CONVERGENCE_TOLERANCE, alpha_min: float = ALPHA_MIN) -> float:
    """EIOPA's rule: the smallest α ≥ `alpha_min` on the 1e-6 grid whose forward-intensity
    gap at the convergence point is within `tolerance`.

    The gap falls as α grows, so a bisection over the integer grid finds the boundary;
    the result is checked on both sides.
    """

    def converges(k: int) -> bool:
        return calibrate(k / ALPHA_GRID).convergence_gap(convergence_point) <= tolerance

    low = int(round(alpha_min * ALPHA_GRID))
    if converges(low):
        return low / ALPHA_GRID
    high = low
    while not converges(high):
        if high > ALPHA_MAX * ALPHA_GRID:
            raise ValueError(f"no alpha up to {ALPHA_MAX} meets the convergence criterion")
        low, high = high, high * 2
    while high - low > 1:  # invariant: low fails, high converges
        middle = (low + high) // 2
        if converges(middle):
            high = middle
        else:
            low = middle
    return high / ALPHA_GRID


def default_convergence_years(llp: int) -> int:
    """EIOPA's general rule for the convergence period: to max(LLP + 40, 60)."""
    return max(40, 60 - llp)


def convergence_point(llp: int, convergence_years: int | None = None) -> int:
    """T = LLP + the convergence period; the general rule's period when none is given.

    EIOPA publishes each curve's period (Sweden's is 10 years, so T = 20): pass it."""
    return llp + (default_convergence_years(llp) if convergence_years is None else convergence_years)


def fit_eiopa_swaps(maturities: Sequence[float], par_rates: Sequence[float], ufr: float,
                    llp: int, convergence_years: int | None = None, coupon_freq: int = 1) -> SmithWilsonCurve:
    """Par-swap calibration with α chosen by EIOPA's rule."""
    point = convergence_point(llp, convergence_years)
    alpha = find_alpha(lambda a: calibrate_swaps(maturities, par_rates, ufr, a, coupon_freq), point)
    return calibrate_swaps(maturities, par_rates, ufr, alpha, coupon_freq)


def fit_eiopa_zero(maturities: Sequence[float], zero_rates: Sequence[float], ufr: float,
                   llp: int, convergence_years: int | None = None) -> SmithWilsonCurve:
    """Zero-coupon calibration (EIOPA's with-VA curves) with α chosen by EIOPA's rule."""
    point = convergence_point(llp, convergence_years)
    alpha = find_alpha(lambda a: calibrate_zero(maturities, zero_rates, ufr, a), point)
    return calibrate_zero(maturities, zero_rates, ufr, alpha)


# --- the instruments behind a published Qb vector ----------------------------------------

QB_REPRODUCTION_TOLERANCE = 1e-7  # relative to max(1, largest |Qb|); observed ≤ 6e-9 on the example files
_NEGLIGIBLE_WEIGHT = 1e-6  # relative to the largest |b|: below it a date carries no swap


def liquid_zero_rates(curve: SmithWilsonCurve) -> tuple[np.ndarray, np.ndarray]:
    """(maturities, annual zero rates) of a curve calibrated to zero-coupon bonds: its dates u.

    EIOPA's government-bond curves (coupon frequency 0) and every with-VA curve are such."""
    return curve.u.copy(), curve.spot(curve.u)


def liquid_swaps(curve: SmithWilsonCurve, coupon_freq: int) -> tuple[np.ndarray, np.ndarray]:
    """(maturities, par rates net of CRA) of the par swaps a published curve was calibrated to.

    EIOPA publishes the Qb vector, not its inputs. Qb = diag(d)·Cᵀ·b with one b per swap; a
    swap maturing at u_j makes b_j non-zero, every other date carries b_j = 0. So the curve's
    par rates at all its dates give C, the triangular system Q·b = Qb gives b, and the dates
    with b ≠ 0 are the liquid maturities. The result is checked: calibrated again with the
    curve's α, these swaps must give the published Qb back.
    """
    dates = curve.u
    grid = np.arange(1, dates.size + 1) / coupon_freq
    if coupon_freq < 1 or dates.size == 0 or np.max(np.abs(dates - grid)) > GRID_TOLERANCE:
        raise ValueError(f"the dates u are not every coupon date 1/{coupon_freq}, 2/{coupon_freq}, ... "
                         "of a swap curve")
    prices = curve.discount(dates)
    par_rates = (1.0 - prices) / (np.cumsum(prices) / coupon_freq)
    cash_flows = np.tril(np.ones((dates.size, dates.size))) * (par_rates[:, None] / coupon_freq)
    cash_flows[np.diag_indices(dates.size)] += 1.0
    q = np.exp(-curve.omega * dates)[:, None] * cash_flows.T
    import scipy.linalg

    b = scipy.linalg.solve_triangular(q, curve.qb, lower=False)
    liquid = np.abs(b) > _NEGLIGIBLE_WEIGHT * np.max(np.abs(b))
    maturities, rates = dates[liquid], par_rates[liquid]
    again = calibrate_swaps(maturities, rates, curve.ufr, curve.alpha, coupon_freq)
    if np.max(np.abs(again.qb - curve.qb)) > QB_REPRODUCTION_TOLERANCE * max(1.0, float(np.max(np.abs(curve.qb)))):
        raise ValueError("the Qb vector is not that of par swaps on its dates")
    return maturities, rates
