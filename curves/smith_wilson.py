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
forward intensity at the convergence point T = max(LLP + 40, 60) lies within 1 bp of ω.
For T beyond the last cash flow that gap has the closed form

    g(α) = α / |1 − κ·e^{αT}|,   κ = (1 + α·uᵀQb) / (sinh(αu)ᵀ Qb).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.linalg

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
    b = scipy.linalg.solve(system, prices - cash_flows @ d, assume_a="pos")
    return SmithWilsonCurve(ufr=float(ufr), alpha=float(alpha), u=dates, qb=q @ b)


def calibrate_swaps(maturities: Sequence[float], par_rates: Sequence[float], ufr: float,
                    alpha: float, coupon_freq: int = 1) -> SmithWilsonCurve:
    """Calibrate to par swaps (price 1) paying `coupon_freq` fixed coupons a year."""
    maturities = np.asarray(maturities, dtype=float)
    par_rates = np.asarray(par_rates, dtype=float)
    if maturities.shape != par_rates.shape or maturities.size == 0:
        raise ValueError("maturities and par rates must be non-empty and of equal length")
    periods = np.rint(maturities * coupon_freq).astype(int)
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


def convergence_point(llp: int, convergence_years: int = 40) -> int:
    """T = max(LLP + convergence period, 60)."""
    return max(llp + convergence_years, 60)


def fit_eiopa_swaps(maturities: Sequence[float], par_rates: Sequence[float], ufr: float,
                    llp: int, convergence_years: int = 40, coupon_freq: int = 1) -> SmithWilsonCurve:
    """Par-swap calibration with α chosen by EIOPA's rule."""
    point = convergence_point(llp, convergence_years)
    alpha = find_alpha(lambda a: calibrate_swaps(maturities, par_rates, ufr, a, coupon_freq), point)
    return calibrate_swaps(maturities, par_rates, ufr, alpha, coupon_freq)


def fit_eiopa_zero(maturities: Sequence[float], zero_rates: Sequence[float], ufr: float,
                   llp: int, convergence_years: int = 40) -> SmithWilsonCurve:
    """Zero-coupon calibration (EIOPA's with-VA curves) with α chosen by EIOPA's rule."""
    point = convergence_point(llp, convergence_years)
    alpha = find_alpha(lambda a: calibrate_zero(maturities, zero_rates, ufr, a), point)
    return calibrate_zero(maturities, zero_rates, ufr, alpha)
