"""The engine alone: register already in memory, assumptions resolved (issue: 1,000,000
persons in at most 2 seconds with at most 2 GB peak memory, default basis, collective
spouses)."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest
from conftest import register

from tjenestemandspension.actuarial import default_basis, load_basis, resolve_assumptions, value

CASES = {
    "100k collective": (100_000, False),
    "1M collective": (1_000_000, False),
    "1M individual spouses": (1_000_000, True),
}
# §9.2 on: the illustrative incidence table, half the early exits qualified, both active bases
ILLUSTRATIVE = Path(__file__).resolve().parents[1] / "examples" / "ill_health_incidence_illustrative.csv"
ILL_HEALTH_CASES = {
    "1M collective, ill-health, accrued": (1_000_000, False, "accrued"),
    "1M collective, ill-health, projected": (1_000_000, False, "projected"),
    "1M individual spouses, ill-health, accrued": (1_000_000, True, "accrued"),
}


@pytest.fixture(scope="module")
def assumptions():
    return resolve_assumptions(default_basis())


def peak_memory_mb(func) -> float:
    """Peak of memory allocated while `func` runs (numpy reports to tracemalloc)."""
    tracemalloc.start()
    try:
        func()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("case", list(CASES))
def test_engine(benchmark, assumptions, case):
    n_persons, individual = CASES[case]
    members = register(n_persons, individual)
    benchmark.extra_info["persons"] = n_persons
    benchmark.extra_info["peak_memory_mb"] = round(peak_memory_mb(lambda: value(members, assumptions)), 1)
    valuation = benchmark.pedantic(value, args=(members, assumptions), rounds=5, warmup_rounds=1)
    benchmark.extra_info["cohorts"] = valuation.n_cohorts
    benchmark.extra_info["spouse_pairs"] = valuation.n_spouse_pairs
    assert len(valuation.persons) == n_persons
    assert valuation.total_liability > 0


@pytest.mark.parametrize("case", list(ILL_HEALTH_CASES))
def test_engine_with_ill_health(benchmark, case):
    n_persons, individual, active_basis = ILL_HEALTH_CASES[case]
    assumptions = resolve_assumptions(load_basis(overrides=[
        f"ill_health.incidence_file={ILLUSTRATIVE}", "ill_health.qualified_share=0.5",
        f"valuation.active_basis={active_basis}"]))
    members = register(n_persons, individual)
    benchmark.extra_info["persons"] = n_persons
    benchmark.extra_info["peak_memory_mb"] = round(peak_memory_mb(lambda: value(members, assumptions)), 1)
    valuation = benchmark.pedantic(value, args=(members, assumptions), rounds=5, warmup_rounds=1)
    assert (valuation.persons["pv_ill_health"] > 0).sum() > n_persons // 10
