"""Sensitivities: the liability under the standard alternative assumptions an auditor
asks for, and under user-defined scenarios.

Standard set: discount curve ±100 bp and ±50 bp, inflation ±0.5 percentage points,
mortality ±10 % (both sexes), improvements off, pension age ±1 year (the basis' offset;
pension ages given in the register stay). The rate shifts give the effective duration
D = (L(−Δ) − L(+Δ)) / (2·L·Δ): the relative fall in the liability per unit rise in rates.

Each scenario has an id (`curve+100bp`, `own:<name>`) by which the results are found;
its name is what the working paper shows. The scenarios are valued on assumptions
resolved beforehand (the run layer applies each scenario's overrides to the base's
resolved assumptions, so no file is read again unless a scenario names another one):
everything here is pure.

Scenarios that change only the value factors v_k = I(t_k)·P(t_k) (curve shifts,
inflation) are not revalued. The liability is a sum over months of v_k times the expected
payment at t_k before indexation, R_k (every component of §5 and §9 is such a sum:
docs/technical-notes.md), and nothing else depends on the curve or the inflation: cohorts,
survival, benefits, spouse pairs and joint tables, and hence R_k, are those of the base.
So L' = Σ_{k≥1} R_k·v'_k, with R_k = M_k / I(t_k) from the base valuation's expected payments
M_k: one dot product over 1,442 months instead of a valuation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from tjenestemandspension.actuarial.assumptions import Assumptions
from tjenestemandspension.actuarial.basis import Basis
from tjenestemandspension.actuarial.engine import value
from tjenestemandspension.actuarial.indexation import indexation
from tjenestemandspension.actuarial.projection import value_factors
from tjenestemandspension.actuarial.register import Register
from tjenestemandspension.actuarial.results import Valuation


RATE_SHIFTS_BP = (100, 50)  # the shifts, up and down, that give the durations
INFLATION_STEP = 0.005  # ±0.5 percentage points
MORTALITY_STEP = 0.10  # ±10 % on both sexes' intensities
BASIS_POINTS = 10_000  # in a unit of rate
OWN_PREFIX = "own:"
# the settings that act on the value factors v_k only; a scenario that changes nothing else
# is valued from the base's expected payments
VALUE_FACTOR_KEYS = frozenset({"curve.shift_bp", "inflation.rate", "inflation.by_term"})


@dataclass(frozen=True)
class Scenario:
    id: str  # what the results are found by: `curve+100bp`, `own:<name>`
    name: str  # what the working paper and the console show
    overrides: dict[str, Any]
    user_defined: bool = False


ILL_HEALTH_STEP = 0.5  # the ill-health incidence ±50 %


def rate_scenario_id(shift_bp: int) -> str:
    return f"curve{shift_bp:+d}bp"


@dataclass(frozen=True)
class ScenarioResult:
    scenario: Scenario
    liability: float
    change: float
    change_percent: float


@dataclass(frozen=True)
class Sensitivities:
    base_liability: float
    results: tuple[ScenarioResult, ...]
    durations: dict[int, float]  # shift in bp → effective duration in years


def standard_scenarios(basis: Basis) -> list[Scenario]:
    shift = basis["curve.shift_bp"]
    inflation = basis["inflation.rate"]
    men, women = basis["mortality.factor_men"], basis["mortality.factor_women"]
    offset = basis["pension_age.offset_years"]
    scenarios = [Scenario(rate_scenario_id(bp), f"Rentekurve {bp:+d} bp", {"curve.shift_bp": shift + bp})
                 for size in RATE_SHIFTS_BP for bp in (size, -size)]
    by_term = basis["inflation.by_term"] or ()

    def inflation_shifted(points: float) -> dict[str, object]:  # every year's rate, by term or not
        return {"inflation.rate": inflation + points,
                **({"inflation.by_term": [[year, rate + points] for year, rate in by_term]} if by_term else {})}

    up, down = 1 + MORTALITY_STEP, 1 - MORTALITY_STEP
    scenarios += [
        Scenario("inflation+0.5pp", "Inflation +0,5 %-point", inflation_shifted(INFLATION_STEP)),
        Scenario("inflation-0.5pp", "Inflation -0,5 %-point", inflation_shifted(-INFLATION_STEP)),
        Scenario("mortality+10%", "Dødelighed +10 %",
                 {"mortality.factor_men": men * up, "mortality.factor_women": women * up}),
        Scenario("mortality-10%", "Dødelighed -10 %",
                 {"mortality.factor_men": men * down, "mortality.factor_women": women * down}),
        Scenario("no-improvements", "Uden levetidsforbedringer", {"mortality.improvements": False}),
        Scenario("pension-age+1", "Pensionsalder +1 år", {"pension_age.offset_years": offset + 1}),
    ]
    if offset >= 1:
        scenarios.append(Scenario("pension-age-1", "Pensionsalder -1 år", {"pension_age.offset_years": offset - 1}))
    if basis["ill_health.incidence_file"] is not None:  # §9.2: only when an incidence table is in use
        factor = basis["ill_health.factor"]
        scenarios += [
            Scenario("ill-health+50%", "Invaliditet +50 %", {"ill_health.factor": factor * (1 + ILL_HEALTH_STEP)}),
            Scenario("ill-health-50%", "Invaliditet -50 %", {"ill_health.factor": factor * (1 - ILL_HEALTH_STEP)}),
        ]
    return scenarios


def scenario_basis(basis: Basis, scenario: Scenario) -> Basis:
    """The base basis with the scenario's overrides (every one checked)."""
    return basis.with_overrides(scenario.overrides, source=f"følsomhed: {scenario.name}")


def changes_only_value_factors(base: Assumptions, scenario: Assumptions) -> bool:
    """True when `scenario` differs from `base` only in settings that act on v_k alone
    (the curve's shift, the inflation), on the same curve source, mortality and rules."""
    a, b = base.basis, scenario.basis
    keys = set(a.values) | set(b.values)
    return (all(a[key] == b[key] for key in keys - VALUE_FACTOR_KEYS)
            and scenario.source_curve is base.source_curve
            and scenario.source_mortality is base.source_mortality
            and scenario.incidence is base.incidence
            and scenario.rules == base.rules
            and scenario.valuation_date == base.valuation_date)


def liability_on_value_factors(base: Valuation, scenario: Assumptions) -> float:
    """The base valuation's liability with the value factors of `scenario`: Σ_k R_k·v'_k,
    R_k the base's expected payments at t_k before indexation."""
    months = np.arange(1, base.monthly_payments.size)  # payments are made at t_k, k ≥ 1 (column 0 is no payment)
    before_indexation = base.monthly_payments[1:] / indexation(base.assumptions.inflation, months / 12.0)
    return float(before_indexation @ value_factors(scenario.curve, scenario.inflation)[months])


def run_sensitivities(register: Register, base: Assumptions, scenarios: list[tuple[Scenario, Assumptions]],
                      base_liability: float | None = None, base_valuation: Valuation | None = None,
                      reuse: bool = True) -> Sensitivities:
    """The liability under each scenario's assumptions, the changes and the durations.

    `base_valuation` (of `register` on `base`) saves valuing the base again; with `reuse`
    (the default), scenarios that change only v_k are valued from its expected payments,
    without `reuse` every scenario is revalued in full (the reference the tests compare with)."""
    if base_valuation is not None and base_valuation.assumptions is not base:
        raise ValueError("base_valuation must be the valuation on the base assumptions")
    needs_base = reuse and any(changes_only_value_factors(base, a) for _, a in scenarios)
    if base_valuation is None and (needs_base or base_liability is None):
        base_valuation = value(register, base)
    if base_liability is None:
        base_liability = base_valuation.total_liability

    def liability_of(assumptions: Assumptions) -> float:
        if reuse and changes_only_value_factors(base, assumptions):
            return liability_on_value_factors(base_valuation, assumptions)
        return value(register, assumptions).total_liability

    return sensitivities_of(liability_of, scenarios, base_liability)


def sensitivities_of(liability_of: Callable[[Assumptions], float], scenarios: list[tuple[Scenario, Assumptions]],
                     base_liability: float) -> Sensitivities:
    """The changes and durations of any liability (`liability_of` values one set of
    assumptions: the pensions', or the work injuries' of grouping 003)."""
    results = []
    for scenario, assumptions in scenarios:
        liability = liability_of(assumptions)
        change = liability - base_liability
        results.append(ScenarioResult(scenario, liability, change,
                                      change / base_liability if base_liability else 0.0))
    by_id = {r.scenario.id: r.liability for r in results}
    durations = {}
    for bp in RATE_SHIFTS_BP:
        up, down = by_id.get(rate_scenario_id(bp)), by_id.get(rate_scenario_id(-bp))
        if up is not None and down is not None and base_liability:
            durations[bp] = (down - up) / (2.0 * base_liability * bp / BASIS_POINTS)
    return Sensitivities(base_liability=base_liability, results=tuple(results), durations=durations)
