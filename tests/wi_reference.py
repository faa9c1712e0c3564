"""A deliberately simple per-row valuation of work-injury cases, straight from
docs/work-injuries.md §4 and §7: one row at a time, one month at a time, plain Python.

It reuses the pension reference's survival and discounting (tests/reference.py, which
reads the tables directly), with the work-injury mortality factor on the intensity and
the regulation J(t) = (1 + j)^t in place of the pension indexation.
"""

from __future__ import annotations

import datetime as dt

from reference import HORIZON, Reference, completed_months, round_half_up, table_age


def month_index(month: dt.date, valuation_date: dt.date) -> int:
    return 12 * (month.year - valuation_date.year) + (month.month - valuation_date.month)


class WorkInjuryReference(Reference):
    def __init__(self, basis, curve, mortality_values, improvement_values, benchmark_year):
        self.j = basis["work_injury.regulation_rate"]
        self.factor = basis["work_injury.mortality_factor"]
        super().__init__(basis, curve, mortality_values, improvement_values, benchmark_year)

    def indexation(self, t: float) -> float:
        return (1 + self.j) ** t

    def intensity(self, sex: int, a0: int, k: int) -> float:
        return self.factor * super().intensity(sex, a0, k)

    def end(self, row: dict) -> int:
        """e, the last covered month's index from V's month."""
        V = self.V
        a0 = completed_months(row["birth_date"], V)
        spa = table_age(row["birth_date"], self.b["pension_age.state_pension_age_table"])
        overrides = []
        if row.get("last_month"):
            overrides.append(month_index(row["last_month"], V))
        if row.get("end_age") is not None:
            overrides.append(round_half_up(12 * row["end_age"]) - a0)
        if overrides:
            return min(overrides)
        if row["benefit"] == "loss_of_earning_capacity":
            return round_half_up(12 * spa) - a0
        if row["benefit"] == "spouse":
            return min(month_index(row["first_month"], V) + 119, round_half_up(12 * spa) - a0)
        return 12 * 18 - a0  # child

    def value(self, row: dict) -> float:
        if row["benefit"] == "case_reserve":
            return 0.0
        a0 = completed_months(row["birth_date"], self.V)
        survival = self.survival(row["sex"], a0)
        e = self.end(row)
        pv = 0.0
        for k in range(1, min(e, HORIZON + 2)):
            pv += row["annual_amount"] / 12 * self.v(k) * survival[k]
        return pv
