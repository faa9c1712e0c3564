"""From a basis to the assumptions: the edge that reads the curve and mortality files a
basis names (EIOPA's workbook, Finanstilsynet's tables) or takes the built-in ones.

A run resolves its basis once. Variants of it (a sensitivity's shift, an analysis'
step) pass the assumptions already resolved as `reuse`, and a file is read again only
when a variant names another one.
"""

from __future__ import annotations

from collections.abc import Iterable

from tjenestemandspension.actuarial.assumptions import (
    Assumptions,
    assemble,
    known_source_curve,
    known_source_mortality,
)
from tjenestemandspension.actuarial.basis import Basis
from tjenestemandspension.curves import DiscountCurve, default_curve, eiopa_discount_curve, read_term_structures
from tjenestemandspension.errors import InputError, Problem
from tjenestemandspension.mortality import MortalityBasis, default_mortality_basis, load_mortality_basis


def read_curve(basis: Basis) -> DiscountCurve:
    """The curve the basis names, before its shift."""
    source = basis["curve.source"]
    if source == "builtin":
        if basis["curve.country"].casefold() != "denmark":
            raise InputError([Problem(
                key="curve.country", value=basis["curve.country"],
                expected="expected Denmark for the built-in curve; set curve.source = eiopa and "
                         "curve.file to use another country's curve")])
        return default_curve(basis["curve.with_va"])
    if source == "eiopa":
        return eiopa_discount_curve(
            read_term_structures(basis["curve.file"], basis["curve.country"], basis["curve.with_va"]))
    return DiscountCurve.flat(basis["curve.rate"], provenance=basis.provenance("curve.rate"))


def read_mortality(basis: Basis) -> MortalityBasis:
    """The benchmark tables the basis names, before its factors and other changes."""
    if basis["mortality.source"] == "builtin":
        return default_mortality_basis()
    return load_mortality_basis(basis["mortality.mortality_file"], basis["mortality.improvement_file"],
                                benchmark_year=basis["mortality.benchmark_year"])


def resolve_curve(basis: Basis) -> DiscountCurve:
    """The curve the basis names, with its shift."""
    return read_curve(basis).shifted(basis["curve.shift_bp"])


def resolve_assumptions(basis: Basis, reuse: Iterable[Assumptions] = ()) -> Assumptions:
    """The assumptions of `basis`; sources that one of `reuse` has read are not read again."""
    reuse = tuple(reuse)
    curve = known_source_curve(basis, reuse)
    mortality = known_source_mortality(basis, reuse)
    return assemble(basis, curve if curve is not None else read_curve(basis),
                    mortality if mortality is not None else read_mortality(basis))
