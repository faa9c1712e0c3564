"""Monthly survival paths: all cohorts a large register can have, in one vectorised call."""

from __future__ import annotations

import datetime as dt

import numpy as np

from tjenestemandspension.mortality import default_mortality_basis

V = dt.date(2024, 12, 31)


def test_survival_3000_cohorts(benchmark):
    basis = default_mortality_basis()
    sex = np.arange(3000) % 2
    age = np.arange(3000) - 200
    survival = benchmark(basis.monthly_survival, V, sex, age)
    assert survival.shape == (3000, 1441)
