"""The discount curve the engine uses: an annual spot table and its conventions.

docs/specification.md §5: a curve is annual spot rates r_n, n = 1..N (annual compounding);
P(n) = (1 + r_n)^(−n), P(0) = 1, log-linear interpolation of P between whole years, and
beyond N the last annual forward rate continues. A parallel shift of s bp adds s/10000
to every r_n.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType

import numpy as np

from tjenestemandspension.provenance import Provenance

PUBLISHED_DECIMALS = 5  # EIOPA publishes spot rates to 5 decimals


@dataclass(frozen=True)
class DiscountCurve:
    """Annual spot rates for maturities 1..N, with where they came from.

    `spots` are the rates actually used (after any shift); `shift_bp` records the shift
    applied to the source's rates.
    """

    spots: np.ndarray
    name: str
    source: str  # "builtin", "eiopa" or "flat"
    provenance: Provenance
    reference_date: dt.date | None = None
    parameters: Mapping[str, object] = field(default_factory=dict)
    shift_bp: float = 0.0

    def __post_init__(self) -> None:
        spots = np.array(self.spots, dtype=float)
        if spots.ndim != 1 or spots.size < 2:
            raise ValueError("a curve needs at least two annual spot rates")
        if not np.all(np.isfinite(spots)) or np.any(spots <= -1.0):
            raise ValueError("spot rates must be finite and above -100 %")
        spots.setflags(write=False)
        object.__setattr__(self, "spots", spots)
        object.__setattr__(self, "parameters", MappingProxyType(dict(self.parameters)))
        log_p = np.empty(spots.size + 1)
        log_p[0] = 0.0
        maturities = np.arange(1, spots.size + 1)
        log_p[1:] = -maturities * np.log1p(spots)
        log_p.setflags(write=False)
        object.__setattr__(self, "_log_discount", log_p)

    @property
    def max_maturity(self) -> int:
        return int(self.spots.size)

    def discount(self, t: float | np.ndarray) -> np.ndarray:
        """P(t) for any t ≥ 0 (array in, array out)."""
        t = np.asarray(t, dtype=float)
        if np.any(t < 0):
            raise ValueError("discount factors are defined for t >= 0")
        log_p: np.ndarray = self._log_discount  # type: ignore[attr-defined]
        n = self.max_maturity
        whole = np.minimum(np.floor(t), n - 1).astype(np.int64)
        inside = log_p[whole] + (t - whole) * (log_p[whole + 1] - log_p[whole])
        last_forward = log_p[n - 1] - log_p[n]
        beyond = log_p[n] - last_forward * (t - n)
        return np.exp(np.where(t <= n, inside, beyond))

    def forward_rates(self) -> np.ndarray:
        """Annual forward rates for years 1..N: P(n−1)/P(n) − 1."""
        log_p: np.ndarray = self._log_discount  # type: ignore[attr-defined]
        return np.expm1(log_p[:-1] - log_p[1:])

    def shifted(self, shift_bp: float) -> "DiscountCurve":
        """The curve with every annual spot rate raised by `shift_bp` basis points."""
        if shift_bp == 0:
            return self
        return replace(self, spots=self.spots + shift_bp / 10_000.0, shift_bp=self.shift_bp + shift_bp)

    def forward_from(self, years: float) -> "DiscountCurve":
        """The curve as this one expects it to be `years` from now: P'(t) = P(years + t)/P(years).

        Used to separate the unwinding of the discount from a change of curve: valued on
        the forward curve, a liability that develops exactly as expected only earns the
        interest of the original curve.
        """
        maturities = np.arange(1, self.max_maturity + 1)
        ratio = self.discount(years + maturities) / self.discount(years)
        spots = ratio ** (-1.0 / maturities) - 1.0
        return replace(self, spots=spots, name=f"{self.name}, terminskurve {years:g} år frem", source="forward",
                       parameters={**self.parameters, "forward_years": years})

    def describe(self) -> dict[str, object]:
        """What the report states about the curve."""
        return {
            "name": self.name,
            "source": self.source,
            "reference_date": self.reference_date.isoformat() if self.reference_date else None,
            "shift_bp": self.shift_bp,
            "parameters": dict(self.parameters),
            "provenance": self.provenance.describe(),
        }

    @classmethod
    def flat(cls, rate: float, maturities: int = 150, provenance: Provenance | None = None) -> "DiscountCurve":
        return cls(
            spots=np.full(maturities, float(rate)),
            name=f"Flad rente {rate:.4%}",
            source="flat",
            provenance=provenance or Provenance(source="flat rate set in the basis"),
            parameters={"rate": float(rate)},
        )
