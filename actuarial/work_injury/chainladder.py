"""The basic chain-ladder and Mack's standard error (docs/work-injuries.md §5), on arrays.

A cumulative triangle C[i, j] (accident year i, development year j; NaN where not yet
observed). With n_j the accident years observed at j + 1:

- age-to-age factors, volume-weighted: f_j = Σ_i C[i, j+1] / Σ_i C[i, j] over those
  accident years (1 when the sum below is 0);
- ultimate_i = latest_i · Π_{j ≥ last_i} f_j · tail, IBNR_i = ultimate_i − latest_i;
- Mack (1993) [MACK-1993]: σ²_j = 1/(n_j − 1) · Σ_i C[i, j] (C[i, j+1]/C[i, j] − f_j)²,
  the last σ² (a single accident year observed) by Mack's rule
  σ²_{J−1} = min(σ⁴_{J−2}/σ²_{J−3}, σ²_{J−3}, σ²_{J−2}) (which gives the published RAA
  figures), and

      mse(R_i) = Ĉ_iJ² Σ_{k ≥ last_i} σ²_k / f_k² · (1/Ĉ_ik + 1/S_k),  S_k = Σ_{i obs. at k+1} C[i, k]
      mse(R)   = Σ_i [ mse(R_i) + Ĉ_iJ · (Σ_{l later than i} Ĉ_lJ) · Σ_{k ≥ last_i} 2σ²_k/f_k² / S_k ].

  The standard error is that of the reserve within the triangle: a tail factor other
  than 1 scales the ultimates, and its own uncertainty is not estimated.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class ChainLadder:
    accident_years: np.ndarray  # int
    development_years: np.ndarray  # int, consecutive
    triangle: np.ndarray  # (accident years, development years), NaN where not observed
    factors: np.ndarray  # f_j, j = 0..J-2
    tail: float
    latest: np.ndarray  # latest observed cumulative per accident year
    ultimate: np.ndarray
    ibnr: np.ndarray
    sigma2: np.ndarray  # σ²_j, j = 0..J-2
    standard_error: np.ndarray  # Mack's per accident year
    total_standard_error: float
    full_triangle: np.ndarray  # the triangle completed by the factors (before the tail)

    @property
    def total_ibnr(self) -> float:
        return float(self.ibnr.sum())


def chain_ladder(accident_years: np.ndarray, development_years: np.ndarray, triangle: np.ndarray,
                 tail: float = 1.0) -> ChainLadder:
    """The chain-ladder of a cumulative triangle whose rows are observed from the first
    development year up to their latest (validated by the reader)."""
    C = np.asarray(triangle, dtype=float)
    n_rows, n_dev = C.shape
    observed = ~np.isnan(C)
    last = observed.sum(axis=1) - 1  # index of each accident year's latest development year
    latest = C[np.arange(n_rows), last]

    factors = np.ones(max(n_dev - 1, 0))
    sums_below = np.zeros_like(factors)
    n_obs = np.zeros(factors.size, dtype=np.int64)
    for j in range(n_dev - 1):  # a loop over development years, not cases
        both = observed[:, j + 1]
        below = C[both, j].sum()
        sums_below[j], n_obs[j] = below, both.sum()
        factors[j] = C[both, j + 1].sum() / below if below > 0 else 1.0

    full = C.copy()
    for j in range(n_dev - 1):
        missing = ~observed[:, j + 1]
        full[missing, j + 1] = full[missing, j] * factors[j]
    projected = full[:, -1] if n_dev else latest
    ultimate = projected * tail
    ibnr = ultimate - latest

    sigma2 = _sigma2(C, observed, factors, n_obs)
    se, total_se = _mack_errors(full, last, factors, sigma2, sums_below)
    return ChainLadder(accident_years=np.asarray(accident_years), development_years=np.asarray(development_years),
                       triangle=C, factors=factors, tail=float(tail), latest=latest, ultimate=ultimate, ibnr=ibnr,
                       sigma2=sigma2, standard_error=se, total_standard_error=total_se, full_triangle=full)


def _sigma2(C: np.ndarray, observed: np.ndarray, factors: np.ndarray, n_obs: np.ndarray) -> np.ndarray:
    sigma2 = np.full(factors.size, np.nan)
    for j in range(factors.size):
        both = observed[:, j + 1]
        if n_obs[j] > 1:
            below = C[both, j]
            ratio = np.divide(C[both, j + 1], below, out=np.ones_like(below), where=below > 0)
            sigma2[j] = (below * (ratio - factors[j]) ** 2).sum() / (n_obs[j] - 1)
    for j in np.flatnonzero(~np.isfinite(sigma2)):
        if j >= 2 and np.isfinite(sigma2[j - 1]) and np.isfinite(sigma2[j - 2]) and sigma2[j - 2] > 0:
            # Mack (1993): σ²_{J−1} = min(σ⁴_{J−2}/σ²_{J−3}, σ²_{J−3}, σ²_{J−2})
            sigma2[j] = min(sigma2[j - 1] ** 2 / sigma2[j - 2], sigma2[j - 2], sigma2[j - 1])
        elif j >= 1 and np.isfinite(sigma2[j - 1]):
            sigma2[j] = sigma2[j - 1]
    return np.nan_to_num(sigma2)


def _mack_errors(full: np.ndarray, last: np.ndarray, factors: np.ndarray, sigma2: np.ndarray,
                 sums_below: np.ndarray) -> tuple[np.ndarray, float]:
    n_rows = full.shape[0]
    ultimate = full[:, -1]
    weight = np.divide(sigma2, factors ** 2, out=np.zeros_like(sigma2), where=factors > 0)
    inverse_sum = np.divide(1.0, sums_below, out=np.zeros_like(sums_below), where=sums_below > 0)
    mse = np.zeros(n_rows)
    parameter = np.zeros(n_rows)  # Σ_{k ≥ last_i} 2σ²_k/f_k² / S_k
    for i in range(n_rows):
        k = np.arange(last[i], factors.size)
        if k.size == 0:
            continue
        projected = full[i, k]
        inverse_projected = np.divide(1.0, projected, out=np.zeros_like(projected), where=projected > 0)
        mse[i] = ultimate[i] ** 2 * (weight[k] * (inverse_projected + inverse_sum[k])).sum()
        parameter[i] = (2 * weight[k] * inverse_sum[k]).sum()
    # later accident years: those with fewer development years observed
    order = np.argsort(-last, kind="stable")
    later = np.zeros(n_rows)
    later[order] = np.cumsum(ultimate[order][::-1])[::-1] - ultimate[order]
    total = float(np.sum(mse + ultimate * later * parameter))
    return np.sqrt(mse), float(np.sqrt(max(total, 0.0)))
