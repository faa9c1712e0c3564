"""The public API: `value(register, assumptions) -> Valuation`.

Pure: the assumptions come resolved (`resolve_assumptions(basis)` reads the files a
basis names, once per run), so that valuing never reads a file.
"""

from __future__ import annotations

import numpy as np

from tjenestemandspension.actuarial.assumptions import Assumptions
from tjenestemandspension.actuarial.basis import Basis
from tjenestemandspension.actuarial.projection import SharedCohorts, project
from tjenestemandspension.actuarial.register import Register
from tjenestemandspension.actuarial.results import Valuation, cashflow_frame, person_frame
from tjenestemandspension.errors import InputError, Problem


def value(register: Register, assumptions: Assumptions, shared: SharedCohorts | None = None) -> Valuation:
    """Value every person of `register` on `assumptions`. `shared` (one per set of
    assumptions) keeps the cohorts' survival rows for the next register: a batch."""
    if isinstance(assumptions, Basis):
        raise TypeError("value() takes resolved assumptions: value(register, resolve_assumptions(basis))")
    valuation_date = assumptions.valuation_date
    late = np.flatnonzero(register.birth_date >= np.datetime64(valuation_date, "D"))
    if late.size:
        rows = register.row_numbers if register.row_numbers is not None else late + 2
        raise InputError([
            Problem(file=register.source, row=int(rows[i]), column="birth_date",
                    value=str(register.birth_date[i]),
                    expected=f"expected a birth date before the valuation date {valuation_date.isoformat()}")
            for i in late
        ])
    projection = project(register, valuation_date, assumptions.curve, assumptions.mortality,
                         assumptions.inflation, assumptions.rules, assumptions.incidence, shared=shared)
    discount = assumptions.curve.discount(np.arange(projection.value_factors.size) / 12.0)
    return Valuation(
        assumptions=assumptions,
        register=register,
        persons=person_frame(register, projection),
        cashflows=cashflow_frame(valuation_date, projection, discount),
        n_cohorts=projection.n_cohorts,
        n_spouse_pairs=projection.n_spouse_pairs,
        monthly_payments=projection.monthly_payments.sum(axis=0),
    )
