"""The member register as the engine sees it: validated, typed columns.

`Register` holds one numpy array per column (docs/specification.md §6). It is built by
`read_register` from a file, or by `register_from_frame` from a pandas DataFrame; both
run the same validation, which collects every problem before anything is valued. This
module knows nothing of files.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

import numpy as np

from tjenestemandspension.i18n import N_, _

STATUS_ACTIVE, STATUS_DEFERRED, STATUS_RETIRED, STATUS_SPOUSE, STATUS_CHILD = range(5)
STATUS_NAMES = ("active", "deferred", "retired", "spouse", "child")
STATUS_DANISH = ("aktive", "fraflyttede", "pensionerede", "ægtefæller", "børn")  # groups
STATUS_DANISH_SINGULAR = ("aktiv", "fraflyttet", "pensioneret", "ægtefælle", "barn")  # one person
# the one place of the status words people read (msgids; Danish in the catalogue):
STATUS_GROUP_TEXTS = (N_("actives"), N_("deferred members"), N_("pensioners"), N_("surviving spouses"),
                      N_("children"))  # a group of persons: headings and totals
STATUS_VALUE_TEXTS = (N_("active"), N_("deferred"), N_("retired"), N_("spouse"), N_("child"))  # one person


def status_group(name: str) -> str:
    """'active' → 'aktive' (in English: 'actives'), for headings and totals."""
    return _(STATUS_GROUP_TEXTS[STATUS_NAMES.index(name)])


def status_value(name: str) -> str:
    """'active' → 'aktiv' (in English: 'active'): one person's status as people read it."""
    return _(STATUS_VALUE_TEXTS[STATUS_NAMES.index(name)])
UNKNOWN = -1  # `married` and `spouse_sex` when the register does not say
STATE_COLUMNS = ("state_takeover_age", "state_cap_salary", "state_cap_pension")  # §9.3


@dataclass(frozen=True)
class Register:
    """Validated register columns, one entry per person, in register order."""

    person_id: np.ndarray  # str (object)
    status: np.ndarray  # int8, STATUS_*
    sex: np.ndarray  # int8, mortality.SEX_MEN / SEX_WOMEN
    birth_date: np.ndarray  # datetime64[D]
    service_years: np.ndarray  # float64, NaN where absent
    pensionable_salary: np.ndarray  # float64, NaN where absent
    projected_salary: np.ndarray  # float64, NaN where absent
    annual_pension: np.ndarray  # float64, NaN where absent
    hire_date: np.ndarray  # datetime64[D], NaT where absent
    pension_age: np.ndarray  # float64, NaN where absent
    employment_fraction: np.ndarray  # float64, 1 where absent
    married: np.ndarray  # int8: 1, 0 or UNKNOWN
    spouse_birth_date: np.ndarray  # datetime64[D], NaT where absent
    spouse_sex: np.ndarray  # int8, UNKNOWN where absent
    state_share: np.ndarray  # float64, 0 where absent
    insured_share: np.ndarray  # float64, 0 where absent
    unit: np.ndarray  # str (object), "" where absent
    municipality: np.ndarray  # str (object), "" where absent
    # §9.3, NaN where absent (fields with defaults, so that a Register built without them has none)
    state_takeover_age: np.ndarray | None = None  # float64 years: the state takes over from this age
    state_cap_salary: np.ndarray | None = None  # float64 kr. a year: the state finances up to it (members)
    state_cap_pension: np.ndarray | None = None  # float64 kr. a year: the same for a retired row
    source: str | None = None
    row_numbers: np.ndarray | None = None  # spreadsheet rows (header = 1), for messages
    ignored_columns: tuple[str, ...] = ()  # columns of the file the tool does not use
    skipped_rows: tuple[tuple[int, str], ...] = ()  # (row, why) of rows read but not persons: a totals row

    def __post_init__(self) -> None:
        for name in STATE_COLUMNS:
            if getattr(self, name) is None:
                object.__setattr__(self, name, np.full(self.person_id.size, np.nan))

    def __len__(self) -> int:
        return int(self.person_id.size)

    @property
    def size(self) -> int:
        return len(self)

    def subset(self, selector: np.ndarray) -> "Register":
        """The persons picked by a boolean mask or an index array, in that order."""
        changes = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, np.ndarray):
                changes[f.name] = value[selector]
        return replace(self, **changes)

    @classmethod
    def concat(cls, registers: list["Register"]) -> "Register":
        arrays = {}
        for f in fields(cls):
            if f.name in ("source", "row_numbers", "ignored_columns", "skipped_rows"):
                continue
            arrays[f.name] = np.concatenate([getattr(r, f.name) for r in registers])
        return cls(**arrays, source=None, row_numbers=None)
