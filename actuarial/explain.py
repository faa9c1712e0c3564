"""One person's valuation, step by step, for an auditor (and the worked example).

`explain` values the chosen persons with the engine and adds the intermediate quantities
of docs/specification.md §5: age in months, pension age, k_A, service and pension
percentage, benefit, the first survival and discount factors. Nothing here is a second
implementation: the components are the engine's.
"""

from __future__ import annotations

import numpy as np

from tjenestemandspension.actuarial.assumptions import Assumptions
from tjenestemandspension.actuarial.indexation import indexation
from tjenestemandspension.actuarial.projection import GRID, project
from tjenestemandspension.actuarial.register import STATUS_NAMES, Register
from tjenestemandspension.dates import completed_months

SHOWN_MONTHS = (1, 12)
COMPONENTS = ("pv_own", "pv_lump_sum", "pv_supplement", "pv_spouse", "pv_child", "pv_ill_health")


def explain(register: Register, assumptions: Assumptions, person_ids: list[str]) -> list[dict[str, object]]:
    positions = []
    for person_id in person_ids:
        found = np.flatnonzero(register.person_id == person_id)
        if found.size != 1:
            raise KeyError(f"person_id {person_id!r} is not in the register")
        positions.append(int(found[0]))
    chosen = register.subset(np.array(positions))
    v_date = assumptions.valuation_date
    projection = project(chosen, v_date, assumptions.curve, assumptions.mortality, assumptions.inflation,
                         assumptions.rules, assumptions.incidence)
    values = projection.persons
    t = np.arange(GRID) / 12.0
    discount = assumptions.curve.discount(t)
    indexed = indexation(assumptions.inflation, t)
    age_months = completed_months(chosen.birth_date, v_date)
    survival = assumptions.mortality.monthly_survival(v_date, chosen.sex, age_months)

    explained = []
    for i, person_id in enumerate(person_ids):
        start = int(values.pension_start_month[i])
        row: dict[str, object] = {
            "person_id": person_id,
            "status": STATUS_NAMES[chosen.status[i]],
            "age_months": int(age_months[i]),
            "pension_age": _number(values.pension_age[i]),
            "pension_start_month": start,
            "service_whole_years": _number(values.service_whole_years[i]),
            "pension_percentage": _number(values.pension_percentage[i]),
            "reduction": float(values.reduction[i]),
            "unreduced_benefit": float(values.unreduced_benefit[i]),
            "annual_benefit": float(values.annual_benefit[i]),
            "spouse_probability": float(values.spouse_probability[i]),
            "spouse_age_months": int(values.spouse_age_months[i]),
        }
        for month in SHOWN_MONTHS + (start,):
            if month < survival.shape[1]:
                row[f"S(t_{month})"] = float(survival[i, month])
            row[f"P(t_{month})"] = float(discount[month])
            row[f"I(t_{month})"] = float(indexed[month])
        if not np.isnan(values.in_service_at_start[i]):  # §9.2: the ill-health pieces
            row["A(t_{k_A-1})"] = float(values.in_service_at_start[i])
            row["S(t_{k_A-1})"] = float(survival[i, start - 1])
            row["ill_health_exit_probability"] = float(values.ill_health_exit_probability[i])
        for component in COMPONENTS:
            row[component] = float(getattr(values, component)[i])
        row["pv_total"] = sum(float(getattr(values, c)[i]) for c in COMPONENTS)
        explained.append(row)
    return explained


def _number(value: float) -> float | None:
    return None if np.isnan(value) else float(value)
