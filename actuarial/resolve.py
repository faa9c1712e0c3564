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
    known_incidence,
    known_source_mortality,
)
from tjenestemandspension.actuarial.ill_health import IncidenceTable, incidence_table
from tjenestemandspension.actuarial.basis import Basis
from tjenestemandspension.curves import (
    DiscountCurve,
    EiopaTermStructure,
    default_curve,
    eiopa_discount_curve,
    read_qb_for,
    read_term_structures,
)
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
from tjenestemandspension.errors import InputError, Problem
from tjenestemandspension.mortality import MortalityBasis, default_mortality_basis, load_mortality_basis


def read_curve(basis: Basis, force_rebuild: bool = False) -> DiscountCurve:
    """The curve the basis names, before its shift: as published, unless another method or a
    curve parameter is asked for (or `force_rebuild`: `tjp curve rebuild` checks a published
    curve against its rebuild)."""
    source = basis["curve.source"]
    if source == "flat":
        return DiscountCurve.flat(basis["curve.rate"], provenance=basis.provenance("curve.rate"))
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
        curve = eiopa_discount_curve(term_structure)
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
    return curve


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


def read_mortality(basis: Basis) -> MortalityBasis:
    """The benchmark tables the basis names, before its factors and other changes."""
    if basis["mortality.source"] == "builtin":
        return default_mortality_basis()
    return load_mortality_basis(basis["mortality.mortality_file"], basis["mortality.improvement_file"],
                                benchmark_year=basis["mortality.benchmark_year"])


def read_incidence(basis: Basis) -> IncidenceTable | None:
    """The ill-health incidence table the basis names (§9.2), None when it names none."""
    path = basis["ill_health.incidence_file"]
    if path is None:
        return None
    import io

    import pandas as pd

    from tjenestemandspension.textfiles import decode_text, sniff_separator

    try:
        data = open(path, "rb").read()
    except OSError as error:
        raise InputError([Problem(file=path, key="ill_health.incidence_file",
                                  expected=f"expected a readable incidence table ({error.strerror})")]) from None
    text, _ = decode_text(data, path, "incidence table")
    first_line = text.split("\n", 1)[0]
    try:
        frame = pd.read_csv(io.StringIO(text), sep=sniff_separator(first_line), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError):
        raise InputError([Problem(file=path, expected="expected a CSV table age;men;women")]) from None
    return incidence_table(frame, path)


def resolve_curve(basis: Basis, force_rebuild: bool = False) -> DiscountCurve:
    """The curve the basis names, with its shift."""
    return read_curve(basis, force_rebuild).shifted(basis["curve.shift_bp"])


def resolve_assumptions(basis: Basis, reuse: Iterable[Assumptions] = ()) -> Assumptions:
    """The assumptions of `basis`; sources that one of `reuse` has read are not read again."""
    reuse = tuple(reuse)
    curve = known_source_curve(basis, reuse)
    mortality = known_source_mortality(basis, reuse)
    incidence = known_incidence(basis, reuse)
    return assemble(basis, curve if curve is not None else read_curve(basis),
                    mortality if mortality is not None else read_mortality(basis),
                    read_incidence(basis) if incidence is False else incidence)
