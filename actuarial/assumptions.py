"""From a basis to the objects the engine computes with.

This is an edge: it reads the curve and mortality files a basis names. The engine
itself only receives the resulting `Assumptions`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tjenestemandspension.actuarial.basis import Basis
from tjenestemandspension.actuarial.indexation import InflationByTerm
from tjenestemandspension.actuarial.rules import BenefitRules
from tjenestemandspension.curves import DiscountCurve, EiopaTermStructure, default_curve, read_qb_for, read_term_structures
from tjenestemandspension.curves.builtin import builtin_liquid_rates
from tjenestemandspension.curves.rebuild import (
    CurveParameters,
    LiquidRates,
    Overrides,
    apply_overrides,
    needs_rebuild,
    rates_from_eiopa,
    read_liquid_rates,
    rebuild,
)
from tjenestemandspension.mortality import MortalityBasis, default_mortality_basis, load_mortality_basis
from tjenestemandspension.errors import InputError, Problem


@dataclass(frozen=True)
class Assumptions:
    valuation_date: dt.date
    curve: DiscountCurve  # with the basis' shift applied
    mortality: MortalityBasis
    inflation: float | InflationByTerm  # a flat rate unless the basis gives inflation by term
    rules: BenefitRules
    basis: Basis


def resolve_curve(basis: Basis, force_rebuild: bool = False) -> DiscountCurve:
    """The basis' curve: as published, unless another method or a curve parameter is asked
    for (or `force_rebuild`: `tjp curve rebuild` checks a published curve against its rebuild)."""
    source = basis["curve.source"]
    if source == "flat":
        return DiscountCurve.flat(basis["curve.rate"], provenance=basis.provenance("curve.rate")).shifted(
            basis["curve.shift_bp"])
    term_structure = None
    if source == "builtin":
        if basis["curve.country"].casefold() != "denmark":
            raise InputError([Problem(
                key="curve.country", value=basis["curve.country"],
                expected="expected Denmark for the built-in curve; set curve.source = eiopa and "
                         "curve.file to use another country's curve")])
        curve: DiscountCurve | None = default_curve(basis["curve.with_va"])
    elif source == "eiopa":
        term_structure = read_term_structures(basis["curve.file"], basis["curve.country"], basis["curve.with_va"])
        curve = DiscountCurve.from_eiopa(term_structure)
    else:
        curve = None
    overrides = Overrides(ufr=basis["curve.ufr"], llp=basis["curve.llp"], cra_bp=basis["curve.cra_bp"],
                          convergence_years=basis["curve.convergence_years"])
    method = basis["curve.method"]
    if curve is None or force_rebuild or needs_rebuild(curve.reference_date, method, overrides):
        if basis["curve.with_va"]:
            raise InputError([Problem(key="curve.with_va", value="true", expected=(
                "a rebuilt curve (another curve.method, a curve parameter or source par_rates) is the "
                "basic curve without volatility adjustment: set curve.with_va = false"))])
        rates, parameters = _liquid_rates(basis, term_structure)
        curve = rebuild(*apply_overrides(rates, parameters, overrides), method, basis["curve.alpha_2027"])
    return curve.shifted(basis["curve.shift_bp"])


def _liquid_rates(basis: Basis, term_structure: EiopaTermStructure | None) -> tuple[LiquidRates, CurveParameters]:
    """What a rebuild starts from: the built-in inputs, EIOPA's Qb, or a file of par rates."""
    if basis["curve.source"] == "builtin":
        return builtin_liquid_rates()
    if term_structure is None:  # source par_rates: every parameter is in the basis
        parameters = CurveParameters(reference_date=basis.valuation_date, ufr=basis["curve.ufr"],
                                     llp=basis["curve.llp"], cra_bp=basis["curve.cra_bp"])
        return read_liquid_rates(basis["curve.par_rates_file"], parameters.cra_bp,
                                 basis["curve.coupon_freq"]), parameters
    parameters = CurveParameters.from_eiopa(term_structure)
    if basis["curve.par_rates_file"]:
        coupon_freq = basis["curve.coupon_freq"]
        return read_liquid_rates(basis["curve.par_rates_file"], parameters.cra_bp,
                                 term_structure.parameters.coupon_freq if coupon_freq is None else coupon_freq), \
            parameters
    if not basis["curve.qb_file"]:
        raise InputError([Problem(key="curve.qb_file", expected=(
            f"the {term_structure.reference_date.isoformat()} curve is rebuilt from its liquid rates: set "
            f"curve.qb_file to EIOPA's Qb_SW file of that date (or curve.par_rates_file)"))])
    u, qb = read_qb_for(basis["curve.qb_file"], term_structure)
    return rates_from_eiopa(term_structure, u, qb, basis["curve.qb_file"]), parameters


def resolve_inflation(basis: Basis) -> float | InflationByTerm:
    if basis["inflation.by_term"] is None:
        return basis["inflation.rate"]
    return InflationByTerm.from_table(basis["inflation.by_term"], long_term=basis["inflation.rate"])


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
        inflation=resolve_inflation(basis),
        rules=BenefitRules.from_basis(basis),
        basis=basis,
    )
