"""EIOPA's risk-free curves from 31 January 2027: constant forwards and extrapolation to the UFR.

The Solvency II review (Directive (EU) 2025/2, Delegated Regulation (EU) 2026/269) replaces
Smith-Wilson; EIOPA's RFR Technical Documentation (EIOPA-BoS-26/198, 26 May 2026, §8) sets
out the method. With z the continuously compounded zero rate, f(a, b) = (b·z_b − a·z_a)/(b − a)
the forward rate from a to b and ω = ln(1 + UFR):

1. **Bootstrapping** up to the last liquid maturity t_L. Par swaps, net of the CRA, paying m
   coupons a year: (s − CRA)/m · Σ_{j ≤ m·t} P(j/m) + P(t) = 1, with the forward rate
   constant between consecutive liquid maturities (and from 0 to the first one); each
   interval's forward is the single unknown of its swap's par equation. Government-bond
   zero rates (EIOPA's coupon frequency 0) are used as they stand: z_t = ln(1 + r − CRA),
   the forward again constant in between.
2. **The last liquid forward rate** at the first smoothing point t_F:
   LLFR = w_F · f(t_F − 1, t_F) + Σ_{k > F} w_k · f(t_F, t_k), the weights summing to 1
   (EIOPA's: each maturity's share of the traded notional); the FSP is the first maturity
   with a weight. If the FSP is the last liquid maturity its weight is 1.
3. **Extrapolation** beyond t_F, for h > 0:
   f(t_F, t_F + h) = ω + (LLFR − ω) · (1 − e^{−αh})/(αh),
   z_{t_F + h} = (t_F · z_{t_F} + h · f(t_F, t_F + h)) / (t_F + h),
   so the instantaneous forward is ω + (LLFR − ω)·e^{−αh}: it starts at the LLFR and
   converges to ω at speed α (11 % for every currency but SEK, 40 %).

Up to t_F the curve is the bootstrapped one; liquid rates beyond t_F enter only through the
LLFR. EIOPA publishes the annually compounded spots e^{z_t} − 1 for t = 1..150, rounded to
5 decimals.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from tjenestemandspension.curves.smith_wilson import coupon_periods

FIRST_REFERENCE_DATE = dt.date(2027, 1, 31)  # EIOPA's first curve on the new method
ALPHA = 0.11
ALPHA_SEK = 0.40
WEIGHT_SUM_TOLERANCE = 1e-9
_FORWARD_BRACKET = (-0.5, 1.0)  # continuously compounded; far beyond any market
_FORWARD_XTOL = 1e-15


@dataclass(frozen=True)
class ConstantForwardCurve:
    """A curve by EIOPA's 2027 method: ln P piecewise linear through the liquid maturities
    up to the first smoothing point, extrapolated to the UFR beyond it."""

    ufr: float
    alpha: float
    fsp: float  # the first smoothing point t_F, years
    llfr: float  # continuously compounded
    knots: np.ndarray  # 0, then the liquid maturities up to the last one
    log_discount: np.ndarray  # ln P at the knots

    @property
    def omega(self) -> float:
        return float(np.log1p(self.ufr))

    @property
    def log_discount_at_fsp(self) -> float:
        return float(np.interp(self.fsp, self.knots, self.log_discount))

    def log_discount_factor(self, t: Sequence[float] | np.ndarray) -> np.ndarray:
        t = np.atleast_1d(np.asarray(t, dtype=float))
        if np.any(t < 0):
            raise ValueError("discount factors are defined for t >= 0")
        inside = np.interp(np.minimum(t, self.fsp), self.knots, self.log_discount)
        h = np.maximum(t - self.fsp, 0.0)
        # −h·f(t_F, t_F + h), with h·(1 − e^{−αh})/(αh) written so that h = 0 gives 0
        beyond = -h * self.omega - (self.llfr - self.omega) * -np.expm1(-self.alpha * h) / self.alpha
        return np.where(t <= self.fsp, inside, self.log_discount_at_fsp + beyond)

    def discount(self, t: Sequence[float] | np.ndarray) -> np.ndarray:
        return np.exp(self.log_discount_factor(t))

    def zero_rate(self, t: Sequence[float] | np.ndarray) -> np.ndarray:
        """Continuously compounded zero rates z_t, t > 0."""
        t = np.atleast_1d(np.asarray(t, dtype=float))
        return -self.log_discount_factor(t) / t

    def spot(self, t: Sequence[float] | np.ndarray) -> np.ndarray:
        """Annually compounded spot rates, EIOPA's convention."""
        return np.expm1(self.zero_rate(t))

    def forward_intensity(self, t: Sequence[float] | np.ndarray) -> np.ndarray:
        """f(t) = −d ln P(t)/dt: constant between knots up to t_F, then ω + (LLFR − ω)e^{−α(t−t_F)}."""
        t = np.atleast_1d(np.asarray(t, dtype=float))
        slopes = -np.diff(self.log_discount) / np.diff(self.knots)
        interval = np.clip(np.searchsorted(self.knots, t, side="left") - 1, 0, slopes.size - 1)
        beyond = self.omega + (self.llfr - self.omega) * np.exp(-self.alpha * (t - self.fsp))
        return np.where(t <= self.fsp, slopes[interval], beyond)


def _check_maturities(maturities: np.ndarray, rates: np.ndarray) -> None:
    if maturities.ndim != 1 or maturities.shape != rates.shape or maturities.size == 0:
        raise ValueError("maturities and rates must be non-empty and of equal length")
    if maturities[0] <= 0 or np.any(np.diff(maturities) <= 0):
        raise ValueError("liquid maturities must be positive and increasing")
    if not np.all(np.isfinite(rates)):
        raise ValueError("rates must be finite")


def bootstrap_swaps(maturities: Sequence[float], par_rates: Sequence[float],
                    coupon_freq: int) -> tuple[np.ndarray, np.ndarray]:
    """(knots, ln P at the knots) from par swaps net of CRA, forwards constant in between."""
    from scipy.optimize import brentq  # only bootstrapping needs scipy (its import costs ~0.9 s)

    maturities = np.asarray(maturities, dtype=float)
    rates = np.asarray(par_rates, dtype=float)
    _check_maturities(maturities, rates)
    periods = coupon_periods(maturities, coupon_freq)
    knots = np.concatenate([[0.0], maturities])
    log_p = np.zeros(knots.size)
    annuity_before = 0.0  # Σ P(j/m) over the coupon dates already fixed
    previous = 0
    for k, (n, rate) in enumerate(zip(periods, rates), start=1):
        steps = np.arange(1, n - previous + 1) / coupon_freq  # coupon dates after the last knot

        def par_gap(forward: float) -> float:
            prices = np.exp(log_p[k - 1] - forward * steps)
            return rate / coupon_freq * (annuity_before + prices.sum()) + prices[-1] - 1.0

        low, high = _FORWARD_BRACKET
        if par_gap(low) * par_gap(high) > 0:
            raise ValueError(f"no forward rate from {low:.0%} to {high:.0%} reprices the {maturities[k - 1]:g}-year "
                             f"swap at {rate:.6g} after the shorter ones: check the rates")
        forward = brentq(par_gap, low, high, xtol=_FORWARD_XTOL)
        prices = np.exp(log_p[k - 1] - forward * steps)
        annuity_before += prices.sum()
        log_p[k] = log_p[k - 1] - forward * steps[-1]
        previous = n
    return knots, log_p


def bootstrap_zero_rates(maturities: Sequence[float], zero_rates: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
    """(knots, ln P at the knots) from annual zero rates net of CRA, used as they stand."""
    maturities = np.asarray(maturities, dtype=float)
    rates = np.asarray(zero_rates, dtype=float)
    _check_maturities(maturities, rates)
    if np.any(rates <= -1.0):
        raise ValueError("zero rates must be above -100 %")
    return np.concatenate([[0.0], maturities]), np.concatenate([[0.0], -maturities * np.log1p(rates)])


def last_liquid_forward_rate(knots: np.ndarray, log_discount: np.ndarray,
                             weights: Mapping[float, float]) -> tuple[float, float]:
    """(t_F, LLFR): the FSP is the first weighted maturity; the weights must sum to 1."""
    if not weights:
        raise ValueError("the LLFR needs at least one weight")
    fsp = min(weights)
    liquid = set(knots[1:].tolist())
    unknown = sorted(m for m in weights if float(m) not in liquid)
    if unknown:
        raise ValueError("LLFR weights at maturities without a liquid rate: " + ", ".join(f"{m:g}" for m in unknown))
    if any(w <= 0 for w in weights.values()) or abs(sum(weights.values()) - 1.0) > WEIGHT_SUM_TOLERANCE:
        raise ValueError(f"LLFR weights must be positive and sum to 1 (they sum to {sum(weights.values()):.12g})")
    if fsp < 1:
        raise ValueError("the first smoothing point must be at least 1 year")

    def log_p(t: float) -> float:
        return float(np.interp(t, knots, log_discount))

    llfr = weights[fsp] * (log_p(fsp - 1) - log_p(fsp))
    llfr += sum(w * (log_p(fsp) - log_p(t)) / (t - fsp) for t, w in weights.items() if t > fsp)
    return float(fsp), float(llfr)


def fit_eiopa_2027(maturities: Sequence[float], rates: Sequence[float], ufr: float, coupon_freq: int,
                   llfr_weights: Mapping[float, float], alpha: float = ALPHA) -> ConstantForwardCurve:
    """EIOPA's 2027 curve from liquid rates net of CRA: par swaps with `coupon_freq` coupons a
    year, or (coupon_freq 0) annual zero rates."""
    if not alpha > 0:
        raise ValueError("the convergence speed alpha must be positive")
    if coupon_freq == 0:
        knots, log_p = bootstrap_zero_rates(maturities, rates)
    else:
        knots, log_p = bootstrap_swaps(maturities, rates, coupon_freq)
    fsp, llfr = last_liquid_forward_rate(knots, log_p, {float(t): float(w) for t, w in llfr_weights.items()})
    return ConstantForwardCurve(ufr=float(ufr), alpha=float(alpha), fsp=fsp, llfr=llfr, knots=knots, log_discount=log_p)
