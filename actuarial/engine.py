"""The public API: `value(register, basis) -> Valuation`."""

from __future__ import annotations

import numpy as np

from tjenestemandspension.actuarial.assumptions import Assumptions, resolve_assumptions
from tjenestemandspension.actuarial.basis import Basis, default_basis
from tjenestemandspension.actuarial.projection import project
from tjenestemandspension.actuarial.register import Register
from tjenestemandspension.actuarial.results import Valuation, cashflow_frame, person_frame
from tjenestemandspension.errors import InputError, Problem


def value(register: Register, basis: Basis | Assumptions | None = None) -> Valuation:
    """Value every person of `register` on `basis` (the built-in default when None).

    A `Basis` is resolved first (curve and mortality files are read); pass resolved
    `Assumptions` to value several registers on the same assumptions without re-reading.
    """
    if basis is None:
        basis = default_basis()
    assumptions = basis if isinstance(basis, Assumptions) else resolve_assumptions(basis)
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
                         assumptions.inflation, assumptions.rules)
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
