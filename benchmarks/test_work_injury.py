"""Grouping 003: 100,000 case rows valued in process (the issue: at most 0.5 s), the case
register in memory and the default basis resolved."""

from __future__ import annotations

import datetime as dt

import pytest

from tjenestemandspension.actuarial import load_basis, resolve_assumptions
from tjenestemandspension.actuarial.work_injury.case_register import cases_from_frame
from tjenestemandspension.actuarial.work_injury.provision import value_work_injuries
from tjenestemandspension.actuarial.work_injury.synthetic_cases import synthetic_cases

V = dt.date(2024, 12, 31)


@pytest.fixture(scope="module")
def setup():
    basis = load_basis()
    cases = cases_from_frame(synthetic_cases(100_000, V, seed=2024), V)
    return cases, resolve_assumptions(basis)


def test_value_100k_cases(benchmark, setup):
    cases, assumptions = setup
    result = benchmark.pedantic(value_work_injuries, args=(cases, assumptions), rounds=5, warmup_rounds=1)
    benchmark.extra_info["rows"] = len(cases)
    benchmark.extra_info["cohorts"] = result.values.n_cohorts
    assert len(result.rows) == 100_000 and result.total_liability > 0


def test_value_cases_only_100k(benchmark, setup):
    """The valuation proper (pv, ends, expected payments), without the result tables."""
    from tjenestemandspension.actuarial.work_injury.valuation import value_cases

    cases, assumptions = setup
    values = benchmark.pedantic(value_cases, args=(cases, assumptions), rounds=5, warmup_rounds=1)
    assert values.pv.size == 100_000
