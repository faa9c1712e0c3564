"""The assumptions the engine computes with: a basis resolved into objects.

`Assumptions` holds the discount curve (the basis' shift applied), the mortality basis
(its factors, improvements and adjustment applied), the inflation rate and the benefit
rules, with the basis they come from. The curve and the mortality tables as read
(`source_curve`, `source_mortality`) are kept beside them, so that a basis that differs
only in its settings (a shift, a factor, the inflation, a rule) gets its assumptions
without reading any file again: `derive` builds them from sources already read, and
is pure. Reading the sources is the edge's job (resolve.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from tjenestemandspension.actuarial.basis import Basis
from tjenestemandspension.actuarial.ill_health import IncidenceTable
from tjenestemandspension.actuarial.indexation import InflationByTerm
from tjenestemandspension.actuarial.rules import BenefitRules
from tjenestemandspension.curves import DiscountCurve
from tjenestemandspension.mortality import MortalityBasis

# the settings that say which curve or tables a source is read or rebuilt from; the others
# (shift, factors, improvements) only modify it
CURVE_SOURCE_KEYS = ("curve.source", "curve.file", "curve.country", "curve.with_va", "curve.rate",
                     "curve.method", "curve.alpha_2027", "curve.qb_file", "curve.par_rates_file", "curve.ufr",
                     "curve.llp", "curve.convergence_years", "curve.cra_bp", "curve.coupon_freq")
MORTALITY_SOURCE_KEYS = ("mortality.source", "mortality.mortality_file", "mortality.improvement_file",
                         "mortality.benchmark_year")
INCIDENCE_SOURCE_KEYS = ("ill_health.incidence_file",)


@dataclass(frozen=True)
class Assumptions:
    valuation_date: dt.date
    curve: DiscountCurve  # with the basis' shift applied
    mortality: MortalityBasis  # with the basis' factors, improvements and adjustment
    inflation: float | InflationByTerm  # a flat rate unless the basis gives inflation by term
    rules: BenefitRules
    basis: Basis
    source_curve: DiscountCurve  # as read, before the shift
    source_mortality: MortalityBasis  # the tables as read, before the basis' changes
    incidence: IncidenceTable | None = None  # §9.2's table as read (the factor is in `rules`); None: not valued


def inflation_of(basis: Basis) -> float | InflationByTerm:
    """The indexation the basis names: its flat rate, or its rates by term."""
    if basis["inflation.by_term"] is None:
        return basis["inflation.rate"]
    return InflationByTerm.from_table(basis["inflation.by_term"], long_term=basis["inflation.rate"])


def assemble(basis: Basis, source_curve: DiscountCurve, source_mortality: MortalityBasis,
             incidence: IncidenceTable | None = None) -> Assumptions:
    """The assumptions of `basis` on the given sources."""
    return Assumptions(
        valuation_date=basis.valuation_date,
        curve=source_curve.shifted(basis["curve.shift_bp"]),
        mortality=source_mortality.with_changes(
            factor_men=basis["mortality.factor_men"],
            factor_women=basis["mortality.factor_women"],
            improvements=basis["mortality.improvements"],
            adjustment_betas=basis["mortality.adjustment_betas"],
        ),
        inflation=inflation_of(basis),
        rules=BenefitRules.from_basis(basis),
        basis=basis,
        source_curve=source_curve,
        source_mortality=source_mortality,
        incidence=incidence,
    )


def known_source_curve(basis: Basis, known: Iterable[Assumptions]) -> DiscountCurve | None:
    """The source curve of `basis` if one of `known` read it already."""
    return next((a.source_curve for a in known if _same(a.basis, basis, CURVE_SOURCE_KEYS)), None)


def known_source_mortality(basis: Basis, known: Iterable[Assumptions]) -> MortalityBasis | None:
    """The mortality tables of `basis` if one of `known` read them already."""
    return next((a.source_mortality for a in known if _same(a.basis, basis, MORTALITY_SOURCE_KEYS)), None)


def known_incidence(basis: Basis, known: Iterable[Assumptions]) -> IncidenceTable | None | bool:
    """The incidence table of `basis` if one of `known` read it already (None: no table);
    False when none of them did."""
    if basis["ill_health.incidence_file"] is None:
        return None
    return next((a.incidence for a in known if _same(a.basis, basis, INCIDENCE_SOURCE_KEYS)), False)


def derive(basis: Basis, known: Iterable[Assumptions]) -> Assumptions:
    """The assumptions of `basis` from sources one of `known` has read; nothing is read.

    ValueError when `basis` names a curve or mortality source none of them has.
    """
    known = tuple(known)
    curve, mortality = known_source_curve(basis, known), known_source_mortality(basis, known)
    incidence = known_incidence(basis, known)
    if curve is None or mortality is None or incidence is False:
        raise ValueError("the basis names a curve, mortality or incidence source that has not been read")
    return assemble(basis, curve, mortality, incidence)


def _same(a: Basis, b: Basis, keys: tuple[str, ...]) -> bool:
    return all(a[key] == b[key] for key in keys)
