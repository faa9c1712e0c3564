"""`tjp sensitivities` on 1,000,000 persons in process (issue 15): the base valuation and
the standard scenarios, with the v_k-only scenarios (curve ±100/±50 bp, inflation ±0.5 pp)
valued from the base's expected payments, against every scenario revalued in full.
Opt-in and marked big:

    .venv/bin/python -m pytest benchmarks/test_sensitivities.py --benchmark-only
"""

from __future__ import annotations

import pytest

from tjenestemandspension.actuarial import default_basis, resolve_assumptions, value
from tjenestemandspension.actuarial.run import scenario_assumptions
from tjenestemandspension.actuarial.sensitivities import run_sensitivities, standard_scenarios
from conftest import VALUATION_DATE, register

N_PERSONS = 1_000_000


@pytest.mark.big
@pytest.mark.parametrize("reuse", [True, False], ids=["reuse", "full"])
def test_sensitivities_1m(benchmark, reuse):
    persons = register(N_PERSONS)
    basis = default_basis().with_overrides({"valuation.date": VALUATION_DATE.isoformat()})

    def run():  # what run_sensitivity_analysis does once the register is read
        base = resolve_assumptions(basis)
        valuation = value(persons, base)
        chosen = scenario_assumptions(base, standard_scenarios(basis))
        return run_sensitivities(persons, base, chosen, base_liability=valuation.total_liability,
                                 base_valuation=valuation, reuse=reuse)

    result = benchmark.pedantic(run, rounds=3 if reuse else 1, iterations=1)
    benchmark.extra_info["persons"] = N_PERSONS
    benchmark.extra_info["scenarios"] = len(result.results)
