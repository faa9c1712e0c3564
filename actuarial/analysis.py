"""Ændringsanalyse: from the prior liability to the new one, step by step.

The budget and accounting rules (9.72.90.001) split a change in the obligation into
(a) changed assumptions, (b) changed expected retirement age and the like, (c) movements
among active, deferred and pensioned members — which equals the expense in the operating
accounts — and (d) reduction through pensions paid. The analysis goes

    prior liability L0 (V0)
    + interest          L0·(1/P0(T) − 1)            unwinding of the prior curve over the period
    + (d) payments      −Σ_{t_k ≤ T} CF_k·P0(t_k)/P0(T)   the prior run's expected payments, with interest
    = expected liability at V1
    + (c) movements     L(new register; prior basis at V1, prior curve's forward rates) − expected
    + (b) pension age   the basis' pension_age settings changed to the new ones
    + (a) assumptions   one group at a time in a stated order: curve, mortality benchmark,
                        improvements, inflation, other
    = new liability L1 (V1)

where T is the period in years, P0 the prior curve and CF the prior projection's expected
monthly payments. Every step after the expected liability is a full valuation of the new
register, so the steps add up exactly; the last one is the new valuation itself. Valued on
the prior curve's forward rates, a population that develops exactly as expected changes
only by the unwinding of interest: the change of curve then shows under (a).

The analysis is pure: it takes both runs' resolved assumptions, and every step's
basis (a mix of the two) is valued on their curves and tables without reading a file.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from tjenestemandspension.actuarial.assumptions import Assumptions, derive
from tjenestemandspension.actuarial.basis import SETTINGS, Basis, BasisValue
from tjenestemandspension.actuarial.engine import value
from tjenestemandspension.actuarial.register import Register
from tjenestemandspension.actuarial.results import Valuation
from tjenestemandspension.dates import months_between
from tjenestemandspension.errors import InputError, Problem
from tjenestemandspension.provenance import Provenance

ASSUMPTION_GROUPS: dict[str, tuple[str, ...]] = {
    "curve": tuple(s.key for s in SETTINGS if s.key.startswith("curve.")),
    "mortality": ("mortality.source", "mortality.mortality_file", "mortality.improvement_file",
                  "mortality.benchmark_year", "mortality.factor_men", "mortality.factor_women",
                  "mortality.adjustment_betas"),
    "improvements": ("mortality.improvements",),
    "inflation": ("inflation.rate", "inflation.by_term"),
}
PENSION_AGE_KEYS = tuple(s.key for s in SETTINGS if s.key.startswith("pension_age."))
# §9.2: its own step (a), after the improvements, when the ill-health basis changes ("invaliditetsforløb")
ILL_HEALTH_KEYS = tuple(s.key for s in SETTINGS if s.key.startswith("ill_health."))
ILL_HEALTH_LABEL = "Invaliditet (tilgang til svagelighedspension)"
DEFAULT_ORDER = ("curve", "mortality", "improvements", "inflation", "other")
GROUP_LABELS = {
    "curve": "Rentekurve",
    "mortality": "Dødelighedsbenchmark",
    "improvements": "Levetidsforbedringer",
    "inflation": "Inflation",
    "other": "Øvrige forudsætninger",
}


def _other_keys() -> tuple[str, ...]:
    grouped = ({key for keys in ASSUMPTION_GROUPS.values() for key in keys} | set(PENSION_AGE_KEYS)
               | set(ILL_HEALTH_KEYS))
    return tuple(s.key for s in SETTINGS if s.key not in grouped and s.key != "valuation.date")


@dataclass(frozen=True)
class Step:
    category: str  # "primo", "genberegning", "renter", "d", "c", "b", "a", "ultimo"
    description: str
    amount: float  # the change this step makes (for primo/ultimo: the liability)
    liability: float  # the liability after the step


@dataclass(frozen=True)
class Analysis:
    prior_date: dt.date
    new_date: dt.date
    period_years: float
    order: tuple[str, ...]
    steps: tuple[Step, ...]
    prior_liability: float
    new_liability: float
    method: str

    @property
    def residual(self) -> float:
        """New liability minus (prior + every step): zero up to floating point."""
        changes = sum(step.amount for step in self.steps if step.category not in ("primo", "ultimo"))
        return self.new_liability - (self.steps[0].amount + changes)

    @property
    def operating_expense(self) -> float:
        """(c): the change that equals the expense in the operating accounts."""
        return sum(step.amount for step in self.steps if step.category == "c")


def parse_order(text: str | Sequence[str] | None) -> tuple[str, ...]:
    """The order of the assumption groups; every group exactly once."""
    if text is None:
        return DEFAULT_ORDER
    groups = [g.strip().casefold() for g in (text.split(",") if isinstance(text, str) else text) if g.strip()]
    if sorted(groups) != sorted(DEFAULT_ORDER):
        raise InputError([Problem(file="--order", value=",".join(groups),
                                  expected="expected each of " + ", ".join(DEFAULT_ORDER) + " exactly once")])
    return tuple(groups)


def _take(basis: Basis, source: Basis, keys: Sequence[str]) -> Basis:
    """`basis` with the values of `keys` taken from `source` (provenance kept)."""
    values = dict(basis.values)
    for key in keys:
        if key in source.values:
            values[key] = source.values[key]
        else:
            values.pop(key, None)
    return dataclasses.replace(basis, values=values)


def _differs(a: Basis, b: Basis, keys: Sequence[str]) -> bool:
    return any(a[key] != b[key] for key in keys)


def analysis_period(prior_basis, new_basis) -> tuple[dt.date, dt.date, int, float]:
    """(prior date, new date, months, years) of an analysis; the new date must be later."""
    prior_date, new_date = prior_basis.valuation_date, new_basis.valuation_date
    if new_date <= prior_date:
        raise InputError([Problem(key="valuation.date", value=new_date.isoformat(),
                                  expected=f"expected a date after the prior run's {prior_date.isoformat()}")])
    months = months_between(prior_date, new_date)
    return prior_date, new_date, months, months / 12.0


def analyse_change(prior_register: Register, prior_assumptions: Assumptions, new_register: Register,
                   new_assumptions: Assumptions, order: Sequence[str] = DEFAULT_ORDER,
                   reported_prior: float | None = None, new_valuation: Valuation | None = None) -> Analysis:
    """The reconciliation from the prior liability to the new one (see the module text)."""
    prior_basis, new_basis = prior_assumptions.basis, new_assumptions.basis
    prior_date, new_date, months, years = analysis_period(prior_basis, new_basis)

    prior = value(prior_register, prior_assumptions)
    prior_liability = prior.total_liability
    curve = prior_assumptions.curve
    grid = np.arange(prior.monthly_payments.size) / 12.0
    discount = curve.discount(grid)
    at_end = float(curve.discount(years))
    interest = prior_liability * (1.0 / at_end - 1.0)
    paid = float(np.sum(prior.monthly_payments[1:months + 1] * discount[1:months + 1])) / at_end
    expected = prior_liability + interest - paid

    steps: list[Step] = []
    start = reported_prior if reported_prior is not None else prior_liability
    steps.append(Step("primo", f"Forpligtelse primo pr. {prior_date:%d-%m-%Y}", start, start))
    if reported_prior is not None and prior_liability != reported_prior:
        steps.append(Step("genberegning", "Genberegning af primo på samme grundlag (afrunding, programversion)",
                          prior_liability - reported_prior, prior_liability))
    steps.append(Step("renter", f"Renter: afvikling af diskonteringen over {months} måneder (tidligere kurve)",
                      interest, prior_liability + interest))
    steps.append(Step("d", "(d) Forventede pensionsudbetalinger i perioden, med renter", -paid, expected))

    # the prior basis moved to the new date, on the prior curve's forward rates
    current = dataclasses.replace(prior_basis, values={
        **prior_basis.values,
        "valuation.date": BasisValue(new_date, Provenance(source="ændringsanalyse: ny opgørelsesdato")),
    })
    forward = curve.forward_from(years)
    curve_moved = False

    def liability_on(basis: Basis) -> float:
        assumptions = derive(basis, (prior_assumptions, new_assumptions))
        if not curve_moved:
            assumptions = dataclasses.replace(assumptions, curve=forward)
        return value(new_register, assumptions).total_liability

    level = liability_on(current)
    steps.append(Step("c", "(c) Bevægelser og nyoptjening: tilgang, afgang, dødsfald, statusskift, optjening "
                           "(= udgiften i det udgiftsbaserede driftsregnskab)", level - expected, level))

    if _differs(current, new_basis, PENSION_AGE_KEYS):
        current = _take(current, new_basis, PENSION_AGE_KEYS)
        moved = liability_on(current)
    else:
        moved = level
    steps.append(Step("b", "(b) Ændret forventet pensionsalder", moved - level, moved))
    level = moved

    groups = dict(ASSUMPTION_GROUPS, other=_other_keys())
    for group in order:
        keys = groups[group]
        if group == "curve":
            curve_moved = True  # from the forward curve to the new basis' curve, even if the keys agree
            current = _take(current, new_basis, keys)
            moved = liability_on(current)
        elif _differs(current, new_basis, keys):
            current = _take(current, new_basis, keys)
            moved = liability_on(current)
        else:
            moved = level
        steps.append(Step("a", f"(a) {GROUP_LABELS[group]}", moved - level, moved))
        level = moved
        if group == "improvements" and _differs(current, new_basis, ILL_HEALTH_KEYS):
            current = _take(current, new_basis, ILL_HEALTH_KEYS)
            moved = liability_on(current)
            steps.append(Step("a", f"(a) {ILL_HEALTH_LABEL}", moved - level, moved))
            level = moved

    new_liability = new_valuation.total_liability if new_valuation is not None else level
    steps.append(Step("ultimo", f"Forpligtelse ultimo pr. {new_date:%d-%m-%Y}", new_liability, new_liability))
    method = (
        "Hvert trin efter den forventede forpligtelse er en fuld værdiansættelse af det nye register; trinene "
        "summerer derfor eksakt. Renter og forventede udbetalinger beregnes af den tidligere kørsels forventede "
        "månedlige betalinger og rentekurve. Trin (c) og (b) værdiansættes på det tidligere grundlag ved den nye "
        "dato med den tidligere kurves terminsrenter; forudsætningerne (a) skiftes én gruppe ad gangen i "
        f"rækkefølgen {', '.join(GROUP_LABELS[g].lower() for g in order)}.")
    return Analysis(prior_date=prior_date, new_date=new_date, period_years=years, order=tuple(order),
                    steps=tuple(steps), prior_liability=start, new_liability=new_liability, method=method)
