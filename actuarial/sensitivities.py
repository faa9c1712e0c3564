"""Sensitivities: the liability under the standard alternative assumptions an auditor
asks for, and under user-defined scenarios.

Standard set: discount curve ±100 bp and ±50 bp, inflation ±0.5 percentage points,
mortality ±10 % (both sexes), improvements off, pension age ±1 year (the basis' offset;
pension ages given in the register stay). The rate shifts give the effective duration
D = (L(−Δ) − L(+Δ)) / (2·L·Δ): the relative fall in the liability per unit rise in rates.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tjenestemandspension.actuarial.assumptions import resolve_assumptions
from tjenestemandspension.actuarial.basis import Basis
from tjenestemandspension.actuarial.engine import value
from tjenestemandspension.actuarial.register import Register
from tjenestemandspension.errors import InputError, Problem


@dataclass(frozen=True)
class Scenario:
    name: str
    overrides: dict[str, Any]
    user_defined: bool = False


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
    scenarios = [Scenario(f"Rentekurve {bp:+d} bp", {"curve.shift_bp": shift + bp}) for bp in (100, -100, 50, -50)]
    by_term = basis["inflation.by_term"] or ()

    def inflation_shifted(points: float) -> dict[str, object]:  # every year's rate, by term or not
        return {"inflation.rate": inflation + points,
                **({"inflation.by_term": [[year, rate + points] for year, rate in by_term]} if by_term else {})}

    scenarios += [
        Scenario("Inflation +0,5 %-point", inflation_shifted(0.005)),
        Scenario("Inflation -0,5 %-point", inflation_shifted(-0.005)),
        Scenario("Dødelighed +10 %", {"mortality.factor_men": men * 1.1, "mortality.factor_women": women * 1.1}),
        Scenario("Dødelighed -10 %", {"mortality.factor_men": men * 0.9, "mortality.factor_women": women * 0.9}),
        Scenario("Uden levetidsforbedringer", {"mortality.improvements": False}),
        Scenario("Pensionsalder +1 år", {"pension_age.offset_years": offset + 1}),
    ]
    if offset >= 1:
        scenarios.append(Scenario("Pensionsalder -1 år", {"pension_age.offset_years": offset - 1}))
    return scenarios


def load_scenarios(path: str | Path) -> list[Scenario]:
    """User scenarios from TOML: one table per scenario, dotted keys quoted, absolute values.

        [scenario."Rente -25 bp"]
        "curve.shift_bp" = -25
    """
    path = Path(path)
    if not path.is_file():
        raise InputError.single("scenario file not found", file=str(path))
    try:
        content = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise InputError.single(f"is not valid TOML ({error}); expected scenario tables", file=str(path)) from None
    tables = content.get("scenario")
    if not isinstance(tables, dict) or not tables or set(content) != {"scenario"}:
        raise InputError.single('expected tables [scenario."name"] with "key" = value lines', file=str(path))
    scenarios = []
    for name, overrides in tables.items():
        if not isinstance(overrides, dict) or not overrides:
            raise InputError([Problem(file=str(path), key=f"scenario.{name}",
                                      expected="expected at least one \"key\" = value override")])
        scenarios.append(Scenario(str(name), dict(overrides), user_defined=True))
    return scenarios


def run_sensitivities(register: Register, basis: Basis, scenarios: list[Scenario],
                      base_liability: float | None = None) -> Sensitivities:
    if base_liability is None:
        base_liability = value(register, resolve_assumptions(basis)).total_liability
    results = []
    for scenario in scenarios:
        changed = basis.with_overrides(scenario.overrides, source=f"følsomhed: {scenario.name}")
        liability = value(register, resolve_assumptions(changed)).total_liability
        change = liability - base_liability
        results.append(ScenarioResult(scenario, liability, change,
                                      change / base_liability if base_liability else 0.0))
    by_name = {r.scenario.name: r.liability for r in results}
    durations = {}
    for bp in (100, 50):
        up, down = by_name.get(f"Rentekurve {bp:+d} bp"), by_name.get(f"Rentekurve {-bp:+d} bp")
        if up is not None and down is not None and base_liability:
            durations[bp] = (down - up) / (2.0 * base_liability * bp / 10_000.0)
    return Sensitivities(base_liability=base_liability, results=tuple(results), durations=durations)
