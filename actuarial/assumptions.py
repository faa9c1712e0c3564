"""From a basis to the objects the engine computes with.

This is an edge: it reads the curve and mortality files a basis names. The engine
itself only receives the resulting `Assumptions`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tjenestemandspension.actuarial.basis import Basis
from tjenestemandspension.actuarial.rules import BenefitRules
from tjenestemandspension.curves import DiscountCurve, default_curve, read_term_structures
from tjenestemandspension.mortality import MortalityBasis, default_mortality_basis, load_mortality_basis
from tjenestemandspension.errors import InputError, Problem


@dataclass(frozen=True)
class Assumptions:
    valuation_date: dt.date
    curve: DiscountCurve  # with the basis' shift applied
    mortality: MortalityBasis
    inflation: float
    rules: BenefitRules
    basis: Basis


def resolve_curve(basis: Basis) -> DiscountCurve:
    source = basis["curve.source"]
    if source == "builtin":
        if basis["curve.country"].casefold() != "denmark":
            raise InputError([Problem(
                key="curve.country", value=basis["curve.country"],
                expected="expected Denmark for the built-in curve; set curve.source = eiopa and "
                         "curve.file to use another country's curve")])
        curve = default_curve(basis["curve.with_va"])
    elif source == "eiopa":
        curve = DiscountCurve.from_eiopa(
            read_term_structures(basis["curve.file"], basis["curve.country"], basis["curve.with_va"]))
    else:
        curve = DiscountCurve.flat(basis["curve.rate"], provenance=basis.provenance("curve.rate"))
    return curve.shifted(basis["curve.shift_bp"])


def resolve_mortality(basis: Basis) -> MortalityBasis:
    if basis["mortality.source"] == "builtin":
        table = default_mortality_basis()
    else:
        table = load_mortality_basis(basis["mortality.mortality_file"], basis["mortality.improvement_file"],
                                     benchmark_year=basis["mortality.benchmark_year"])
    return table.with_changes(
        factor_men=basis["mortality.factor_men"],
        factor_women=basis["mortality.factor_women"],
        improvements=basis["mortality.improvements"],
        adjustment_betas=basis["mortality.adjustment_betas"],
    )


def resolve_assumptions(basis: Basis) -> Assumptions:
    return Assumptions(
        valuation_date=basis.valuation_date,
        curve=resolve_curve(basis),
        mortality=resolve_mortality(basis),
        inflation=basis["inflation.rate"],
        rules=BenefitRules.from_basis(basis),
        basis=basis,
    )
