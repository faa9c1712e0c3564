"""The valuations of a batch (issue 15): 98 kommuner, 1,000,000 persons, each kommune valued
on its own (its cash flows are its own) with and without the cohorts' survival rows and
annuities shared (`SharedCohorts`), beside one valuation of the same million persons as one
kommune. In process, engine only (no reading, no writing). Opt-in and marked big:

    .venv/bin/python -m pytest benchmarks/test_batch_engine.py --benchmark-only
"""

from __future__ import annotations

from functools import lru_cache

import pytest

from tjenestemandspension.actuarial import default_basis, register_from_frame, resolve_assumptions, value
from tjenestemandspension.actuarial.projection import SharedCohorts
from tjenestemandspension.actuarial.synthetic import synthetic_register
from conftest import VALUATION_DATE

N_PERSONS = 1_000_000
KOMMUNER = tuple(f"Kommune {number:02d}" for number in range(1, 99))


@lru_cache(maxsize=1)
def kommune_registers():
    frame = synthetic_register(N_PERSONS, seed=2024, valuation_date=VALUATION_DATE, municipalities=KOMMUNER)
    parts = [register_from_frame(part.reset_index(drop=True), VALUATION_DATE)
             for _, part in frame.groupby("municipality", sort=False)]
    return register_from_frame(frame, VALUATION_DATE), parts


@pytest.mark.big
@pytest.mark.parametrize("how", ["one-kommune", "98-shared", "98-separate"])
def test_batch_valuations_1m(benchmark, how):
    whole, parts = kommune_registers()
    assumptions = resolve_assumptions(default_basis().with_overrides({"valuation.date": VALUATION_DATE.isoformat()}))

    def run():
        if how == "one-kommune":
            return [value(whole, assumptions)]
        shared = SharedCohorts() if how == "98-shared" else None
        return [value(part, assumptions, shared) for part in parts]

    valuations = benchmark.pedantic(run, rounds=2, iterations=1)
    benchmark.extra_info["persons"] = sum(len(v.register) for v in valuations)
    benchmark.extra_info["kommuner"] = len(valuations)
