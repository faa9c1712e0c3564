"""The auditor's sensitivities of the work-injury provision (grouping 003): discount curve
±100 and ±50 bp, the satsregulering ±0.5 percentage points, the payees' mortality ±10 %
(`work_injury.mortality_factor`), each with the change in L_003 and the durations, by the
scenarios and the arithmetic of the pension's sensitivities (sensitivities.py). Pure."""

from __future__ import annotations

from tjenestemandspension.actuarial.assumptions import Assumptions
from tjenestemandspension.actuarial.basis import Basis
from tjenestemandspension.actuarial.sensitivities import (
    MORTALITY_STEP,
    RATE_SHIFTS_BP,
    Scenario,
    Sensitivities,
    rate_scenario_id,
    sensitivities_of,
)
from tjenestemandspension.actuarial.work_injury.cases import CaseRegister
from tjenestemandspension.actuarial.work_injury.provision import value_work_injuries

REGULATION_STEP = 0.005  # ±0.5 percentage points


def work_injury_scenarios(basis: Basis) -> list[Scenario]:
    shift, regulation = basis["curve.shift_bp"], basis["work_injury.regulation_rate"]
    factor = basis["work_injury.mortality_factor"]
    scenarios = [Scenario(rate_scenario_id(bp), f"Rentekurve {bp:+d} bp", {"curve.shift_bp": shift + bp})
                 for size in RATE_SHIFTS_BP for bp in (size, -size)]
    scenarios += [
        Scenario("regulation+0.5pp", "Satsregulering +0,5 %-point",
                 {"work_injury.regulation_rate": regulation + REGULATION_STEP}),
        Scenario("regulation-0.5pp", "Satsregulering -0,5 %-point",
                 {"work_injury.regulation_rate": regulation - REGULATION_STEP}),
        Scenario("mortality+10%", "Dødelighed +10 %", {"work_injury.mortality_factor": factor * (1 + MORTALITY_STEP)}),
        Scenario("mortality-10%", "Dødelighed -10 %", {"work_injury.mortality_factor": factor * (1 - MORTALITY_STEP)}),
    ]
    return scenarios


def work_injury_sensitivities(cases: CaseRegister, base_liability: float,
                              scenarios: list[tuple[Scenario, Assumptions]], triangle=None) -> Sensitivities:
    return sensitivities_of(lambda assumptions: value_work_injuries(cases, assumptions, triangle).total_liability,
                            scenarios, base_liability)
