"""The work-injury case register as the valuation sees it: validated, typed columns.

One row per benefit (a death case with a spouse and two children is three rows), so
`case_id` is not unique. Built by `case_register.read_cases` from a file or
`case_register.cases_from_frame` from a DataFrame; this module knows nothing of files.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

import numpy as np

BENEFIT_EARNING_CAPACITY, BENEFIT_SPOUSE, BENEFIT_CHILD, BENEFIT_CASE_RESERVE = range(4)
BENEFIT_NAMES = ("loss_of_earning_capacity", "spouse", "child", "case_reserve")
BENEFIT_DANISH = ("erhvervsevnetab", "forsørgertab", "børn", "sagsreserver")  # groups, for reports
RUNNING_BENEFITS = (BENEFIT_EARNING_CAPACITY, BENEFIT_SPOUSE, BENEFIT_CHILD)


@dataclass(frozen=True)
class CaseRegister:
    """Validated case-register columns, one entry per row, in file order."""

    case_id: np.ndarray  # str (object)
    benefit: np.ndarray  # int8, BENEFIT_*
    birth_date: np.ndarray  # datetime64[D], NaT where absent (case reserves)
    sex: np.ndarray  # int8, mortality.SEX_MEN / SEX_WOMEN, -1 where absent (case reserves)
    annual_amount: np.ndarray  # float64, 0 where absent
    first_month: np.ndarray  # datetime64[M], NaT where absent
    last_month: np.ndarray  # datetime64[M], NaT where absent
    end_age: np.ndarray  # float64 years, NaN where absent
    reserve: np.ndarray  # float64, 0 where absent
    injury_date: np.ndarray  # datetime64[D], NaT where absent
    unit: np.ndarray  # str (object), "" where absent
    municipality: np.ndarray  # str (object), "" where absent
    source: str | None = None
    row_numbers: np.ndarray | None = None  # spreadsheet rows (header = 1), for messages
    ignored_columns: tuple[str, ...] = ()

    def __len__(self) -> int:
        return int(self.case_id.size)

    @property
    def running(self) -> np.ndarray:
        return np.isin(self.benefit, RUNNING_BENEFITS)

    def subset(self, selector: np.ndarray) -> "CaseRegister":
        """The rows picked by a boolean mask or an index array, in that order."""
        changes = {f.name: getattr(self, f.name)[selector] for f in fields(self)
                   if isinstance(getattr(self, f.name), np.ndarray)}
        return replace(self, **changes)
