"""The member register (docs/specification.md §6): its columns, and a raw table validated
into a `Register`.

Column names are matched case-insensitively, with Danish letters folded (`fødselsdato`
= `foedselsdato`) and the Danish aliases of the spec. Every problem is collected — file,
row (as a spreadsheet counts: the header is row 1) and person_id, column (as the file
names it), value and what was expected — and raised together in one `InputError`;
nothing is valued when there is any. Values that look like CPR numbers are never echoed.
Reading the file is table_reading.py's job, the column parsers are table_validation.py's;
here is what the member register's columns must hold, step by step: the header, who
each person is, the amounts each status needs, the optional columns, the labels.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from tjenestemandspension.actuarial.register import (
    STATUS_ACTIVE,
    STATUS_CHILD,
    STATUS_DEFERRED,
    STATUS_NAMES,
    STATUS_RETIRED,
    STATUS_SPOUSE,
    UNKNOWN,
    Register,
    status_value,
)
from tjenestemandspension.actuarial.table_reading import RawTable, ReadOptions, read_table
from tjenestemandspension.actuarial.table_validation import (
    AMBIGUOUS_COMMA,
    FIRST_DATA_ROW,
    Collector,
    ColumnSet,
    codes,
    add_years,
    dates,
    ids,
    in_file_order,
    labels,
    match_header,
    numbers,
    unrecognised_hint,
    printable,
    text,
    totals_rows,
    years_before,
)
from tjenestemandspension.errors import InputError
from tjenestemandspension.i18n import N_, _
from tjenestemandspension.mortality import SEX_MEN, SEX_WOMEN

MEMBER_COLUMNS = ColumnSet(
    noun="register",
    aliases={
        "person_id": ("id", "medarbejdernr"),
        "birth_date": ("foedselsdato",),
        "sex": ("koen",),
        "status": (),
        "service_years": ("pensionsalder",),
        "pensionable_salary": ("pensionsgivende_loen",),
        "projected_salary": (),
        "annual_pension": ("aarlig_pension",),
        "hire_date": ("ansaettelsesdato",),
        "pension_age": (),
        "employment_fraction": (),
        "married": ("gift",),
        "spouse_birth_date": (),
        "spouse_sex": (),
        "state_share": (),
        "insured_share": (),
        "state_takeover_age": (),
        "state_cap_salary": (),
        "state_cap_pension": (),
        "unit": ("forvaltning",),
        "municipality": ("kommune",),
    },
    required=("person_id", "birth_date", "sex", "status"),
)
AMOUNT_COLUMNS = ("service_years", "pensionable_salary", "projected_salary", "annual_pension")
REQUIRED_BY_STATUS = {
    "service_years": (STATUS_ACTIVE, STATUS_DEFERRED),
    "pensionable_salary": (STATUS_ACTIVE, STATUS_DEFERRED),
    "annual_pension": (STATUS_RETIRED, STATUS_SPOUSE, STATUS_CHILD),
}
STATUS_WORDS = {
    "active": STATUS_ACTIVE, "aktiv": STATUS_ACTIVE,
    "deferred": STATUS_DEFERRED, "fraflyttet": STATUS_DEFERRED, "opsat": STATUS_DEFERRED,
    "retired": STATUS_RETIRED, "pensioneret": STATUS_RETIRED, "pensionist": STATUS_RETIRED,
    "spouse": STATUS_SPOUSE, "aegtefaelle": STATUS_SPOUSE, "efterlevende": STATUS_SPOUSE,
    "efterlevende_aegtefaelle": STATUS_SPOUSE,
    "child": STATUS_CHILD, "barn": STATUS_CHILD,
}
SEX_WORDS = {"m": SEX_MEN, "k": SEX_WOMEN, "f": SEX_WOMEN, "mand": SEX_MEN, "kvinde": SEX_WOMEN}
BOOL_WORDS = {"true": 1, "false": 0, "ja": 1, "nej": 0, "yes": 1, "no": 0, "1": 1, "0": 0,
              "sand": 1, "falsk": 0, "j": 1, "n": 0}
SERVICE_RANGE = (0.0, 50.0)
MAX_AGE = 120  # years at the valuation date, the projection's horizon: an older person would be valued at
# 0 kr. without a word, and is a typing error (0001-01-01, 1024-04-07)
MIN_HIRE_AGE = 14  # years: no one is hired younger
PENSION_AGE_RANGE = (50.0, 80.0)
MAX_AMOUNT = 10_000_000.0  # kr. a year: more is a typing or unit error (øre?), not a salary or pension
SHARE_TOLERANCE = 1e-12  # state_share + insured_share may exceed 1 by rounding only
STATUS_EXPECTED = N_("expected one of active, deferred, retired, spouse, child (or aktiv, fraflyttet, "
                     "opsat, pensioneret, ægtefælle, efterlevende, barn)")
SEX_EXPECTED = N_("expected M or K (F is accepted for women)")
SEX_OR_EMPTY = N_("expected M or K (F is accepted for women), or empty")
_GROUPED_HINT = N_("; a point before three digits is a thousands separator in this file: write decimals "
                   "with a comma")


@dataclass(frozen=True)
class OptionalColumn:
    """A column the register may leave out; then every person gets the neutral value
    (no date, UNKNOWN). A date column may not lie in the future, and may have to come
    after the person's birth; a code column holds one of `words`."""

    name: str
    kind: str  # "date" or "code"
    words: Mapping[str, int] = field(default_factory=dict)
    unreadable: str = ""  # a code column's message for a word it does not know
    future: str = ""  # a date column's message for a date after the valuation date ({date} is V)
    valuation_date_allowed: bool = True  # whether the valuation date itself is a valid date
    before_birth: str = ""  # a date column's message for a date before the person's birth
    min_age: int = 0  # a date column: at least this many years after the person's birth
    max_age: int | None = None  # a birth date column: an age at the valuation date of at most this


OPTIONAL_COLUMNS = (
    OptionalColumn("hire_date", "date",
                   future=N_("expected a hire date on or before the valuation date {date}"),
                   before_birth=N_("expected a hire date after the birth date"), min_age=MIN_HIRE_AGE),
    OptionalColumn("married", "code", BOOL_WORDS,
                   unreadable=N_("expected true or false (ja/nej), or empty to use the basis probability")),
    OptionalColumn("spouse_birth_date", "date", future=N_("expected a birth date before the valuation date {date}"),
                   valuation_date_allowed=False, max_age=MAX_AGE),
    OptionalColumn("spouse_sex", "code", SEX_WORDS, unreadable=SEX_OR_EMPTY),
)


def read_member_table(path: str | Path, options: ReadOptions | None = None) -> RawTable:
    """A register file read, not yet validated; `options`: the sheet, header row and column
    mapping of an export as it comes."""
    return without_totals(read_table(path, MEMBER_COLUMNS, options))


def read_register(path: str | Path, valuation_date: dt.date, options: ReadOptions | None = None) -> Register:
    """Read and validate a register file; raises InputError listing every problem."""
    return register_from_table(read_member_table(path, options), valuation_date)


def register_from_frame(frame: pd.DataFrame, valuation_date: dt.date, source: str | None = None) -> Register:
    """Validate a DataFrame with register columns (canonical or Danish names)."""
    return register_from_table(RawTable(frame=frame, source=source or "register", danish_numbers=True,
                                        header_row=None), valuation_date)


def register_from_table(table: RawTable, valuation_date: dt.date) -> Register:
    table = without_totals(table)
    header_names, ignored = _header(table)
    check = _Validation(table, header_names, valuation_date, ignored)
    person_id, status, sex, birth_date = _identity(check)
    amounts = _amounts(check, status)
    amounts.update(_state_columns(check, status))
    optional = {column.name: _optional(check, column, birth_date) for column in OPTIONAL_COLUMNS}
    n = len(table.frame)
    names = {name: labels(check.column(name), n, name, check.collect) for name in ("unit", "municipality")}
    if check.collect.problems:
        raise InputError(in_file_order(check.collect.problems, [printable(c) for c in table.frame.columns]))
    return Register(
        person_id=person_id.to_numpy(dtype=object),
        status=status,
        sex=sex,
        birth_date=birth_date,
        **amounts,
        **optional,
                **names,
        source=table.source,
        row_numbers=(table.row_numbers if table.row_numbers is not None
                     else np.arange(n, dtype=np.int64) + FIRST_DATA_ROW),
        ignored_columns=tuple(ignored),
        skipped_rows=tuple(table.skipped_rows or ()),
    )


# --- the steps --------------------------------------------------------------------------------

def _header(table: RawTable) -> tuple[dict[str, str], list[str]]:
    """(canonical → the file's column name, ignored columns); a header without the required
    columns, or a table without persons, stops here."""
    header_names, ignored, problems = match_header(
        [str(name) for name in table.frame.columns], table.columns or MEMBER_COLUMNS, table.source,
        table.header_row, table.sheets)
    if problems:
        raise InputError(problems)
    if len(table.frame) == 0:
        raise InputError.single(_("has a header but no persons"), file=table.source)
    return header_names, ignored


def without_totals(table: RawTable) -> RawTable:
    """The table without an export's totals rows ("I alt", or amounts that are the
    columns' sums), which it lists in `skipped_rows` to be reported; done once, as soon as
    the file is read (before a batch is split by kommune)."""
    if table.skipped_rows is not None:
        return table
    header_names, _, problems = match_header([str(name) for name in table.frame.columns],
                                             table.columns or MEMBER_COLUMNS, table.source, table.header_row,
                                             table.sheets)
    if problems or "person_id" not in header_names:  # the header's problems are reported by the validation
        return dataclasses.replace(table, skipped_rows=())
    found = totals_rows(table.frame, header_names, "person_id", AMOUNT_COLUMNS, table.danish_numbers)
    if not found:
        return dataclasses.replace(table, skipped_rows=())
    rows = (table.row_numbers if table.row_numbers is not None
            else np.arange(len(table.frame), dtype=np.int64) + FIRST_DATA_ROW)
    keep = np.ones(len(table.frame), dtype=bool)
    keep[[position for position, _ in found]] = False
    skipped = tuple((int(rows[position]), why) for position, why in found)
    return dataclasses.replace(table, frame=table.frame.loc[keep].reset_index(drop=True),
                               row_numbers=np.asarray(rows)[keep], skipped_rows=skipped)


class _Validation:
    """One table under validation: its columns by canonical name, and the problems found."""

    def __init__(self, table: RawTable, header_names: dict[str, str], valuation_date: dt.date,
                 ignored: list[str] | None = None):
        self.frame = table.frame
        self.ignored = ignored or []
        self.header_names = header_names
        self.danish_numbers = table.danish_numbers
        self.n = len(table.frame)
        self.valuation_date = valuation_date
        self.v_day = np.datetime64(valuation_date, "D")
        self.collect = Collector(table.source, header_names, table.row_numbers, id_column="person_id")
        self.grouped: dict[str, np.ndarray] = {}  # number columns: the values read with a thousands separator

    def column(self, canonical: str) -> pd.Series | None:
        name = self.header_names.get(canonical)
        return None if name is None else self.frame[name].reset_index(drop=True)

    def numbers(self, canonical: str) -> tuple[np.ndarray, np.ndarray]:
        """(values, empty) of a number column; NaN and empty everywhere when it is absent."""
        series = self.column(canonical)
        if series is None:
            return np.full(self.n, np.nan), np.ones(self.n, dtype=bool)
        values, empty, unreadable, self.grouped[canonical] = numbers(series, self.danish_numbers)
        ambiguous = unreadable & self.grouped[canonical]  # 120,840 in a comma file: 120840 or 120.84?
        self.collect.rows(canonical, unreadable & ~ambiguous, lambda: text(series), _("expected a number"))
        self.collect.rows(canonical, ambiguous, lambda: text(series), AMBIGUOUS_COMMA)
        return values, empty

    def typed(self, canonical: str):
        """The column's values as typed, for messages (called only when there is a problem)."""
        return lambda: text(self.column(canonical))

    def out_of_range(self, canonical: str, mask: np.ndarray, values: np.ndarray, expected: str) -> None:
        """A range problem, showing the value as typed; a value read with a thousands separator
        (20.125 → 20125) says so."""
        if not mask.any():
            return
        values = text(self.column(canonical))
        hinted = mask & self.grouped.get(canonical, np.zeros(self.n, dtype=bool))
        self.collect.rows(canonical, mask & ~hinted, values, expected)
        self.collect.rows(canonical, hinted, values, _(expected) + _(_GROUPED_HINT))

    def require(self, canonical: str, status: np.ndarray, empty: np.ndarray) -> None:
        """The column, and a value in it, for the statuses that need it."""
        statuses = REQUIRED_BY_STATUS[canonical]
        needs = np.isin(status, statuses)
        names = _(" or ").join(status_value(STATUS_NAMES[s]) for s in statuses)
        if canonical not in self.header_names:
            if np.any(needs):
                self.collect.add(canonical, None, None,
                                 _("required column missing: needed for status {names} (rows {rows})").format(
                                     names=names, rows=self.collect.row_list(np.flatnonzero(needs)))
                                 + _("; accepted names: {names}").format(
                                     names=", ".join((canonical, *MEMBER_COLUMNS.aliases[canonical])))
                                 + unrecognised_hint(self.ignored, canonical))
            return
        self.collect.rows(canonical, needs & empty, None, _("expected a value for status {names}").format(names=names))


def _identity(check: _Validation) -> tuple[pd.Series, np.ndarray, np.ndarray, np.ndarray]:
    """person_id (unique), status, sex and birth date, every one required."""
    collect = check.collect
    person_id = ids(check.column("person_id"), "person_id", collect)
    collect.row_ids = person_id
    empty_id = (person_id == "").to_numpy()
    collect.rows("person_id", empty_id, None, _("expected a person id"))
    duplicated = person_id.duplicated(keep="first").to_numpy() & ~empty_id
    if np.any(duplicated):
        first_index = pd.Series(np.arange(check.n)).groupby(person_id.to_numpy()).transform("min").to_numpy()
        for index in np.flatnonzero(duplicated):
            collect.add("person_id", int(index), person_id.iloc[index],
                        _("expected a unique person_id; also on row {row}").format(
                            row=collect.row_number(first_index[index])))

    status, bad_status = codes(check.column("status"), STATUS_WORDS, UNKNOWN)
    empty_status = (status == UNKNOWN) & ~bad_status
    collect.rows("status", bad_status | empty_status, lambda: text(check.column("status")),
                 STATUS_EXPECTED)

    sex, _unused = codes(check.column("sex"), SEX_WORDS, UNKNOWN)
    collect.rows("sex", (sex == UNKNOWN), lambda: text(check.column("sex")), SEX_EXPECTED)

    birth_date, empty_birth = dates(check.column("birth_date"), "birth_date", collect)
    collect.rows("birth_date", empty_birth, None, _("expected a birth date"))
    collect.rows("birth_date", birth_date >= check.v_day, lambda: birth_date.astype(str),
                 _("expected a birth date before the valuation date {date}").format(
                     date=check.valuation_date.isoformat()))
    collect.rows("birth_date", birth_date < years_before(check.valuation_date, MAX_AGE),
                 lambda: birth_date.astype(str),
                 _("expected an age of at most {age} at the valuation date").format(age=MAX_AGE))
    return person_id, status, sex, birth_date


def _amounts(check: _Validation, status: np.ndarray) -> dict[str, np.ndarray]:
    """Service, salaries and pensions as each status needs them, the pension age, the
    employment fraction and the shares, each within its range."""
    collect = check.collect
    service, empty_service = check.numbers("service_years")
    check.require("service_years", status, empty_service)
    low, high = SERVICE_RANGE
    check.out_of_range("service_years", (service < low) | (service > high), service,
                       _("expected service between {low} and {high} years").format(low=f"{low:g}", high=f"{high:g}"))

    salary, empty_salary = check.numbers("pensionable_salary")
    check.require("pensionable_salary", status, empty_salary)
    millions = f"{MAX_AMOUNT / 1e6:g}"
    salary_most = _("expected a salary of at most {millions} million kr. a year").format(millions=millions)
    collect.rows("pensionable_salary", salary < 0, check.typed("pensionable_salary"),
                 _("expected a salary of at least 0"))
    check.out_of_range("pensionable_salary", salary > MAX_AMOUNT, salary, salary_most)

    projected, _unused = check.numbers("projected_salary")
    collect.rows("projected_salary", projected < 0, check.typed("projected_salary"),
                 _("expected a salary of at least 0"))
    check.out_of_range("projected_salary", projected > MAX_AMOUNT, projected, salary_most)

    pension, empty_pension = check.numbers("annual_pension")
    check.require("annual_pension", status, empty_pension)
    collect.rows("annual_pension", pension < 0, check.typed("annual_pension"), _("expected a pension of at least 0"))
    check.out_of_range("annual_pension", pension > MAX_AMOUNT, pension,
                       _("expected a pension of at most {millions} million kr. a year").format(millions=millions))

    pension_age, _unused = check.numbers("pension_age")
    low, high = PENSION_AGE_RANGE
    check.out_of_range("pension_age", (pension_age < low) | (pension_age > high), pension_age,
                       _("expected a pension age between {low} and {high} years").format(low=f"{low:g}",
                                                                                           high=f"{high:g}"))

    fraction, empty_fraction = check.numbers("employment_fraction")
    check.out_of_range("employment_fraction", (fraction <= 0) | (fraction > 1), fraction,
                       _("expected an employment fraction above 0 and at most 1"))

    shares = {}
    for canonical in ("state_share", "insured_share"):
        values, empty = check.numbers(canonical)
        check.out_of_range(canonical, (values < 0) | (values > 1), values, _("expected a fraction from 0 to 1"))
        shares[canonical] = np.where(empty, 0.0, values)
    total_share = shares["state_share"] + shares["insured_share"]
    over = (total_share > 1 + SHARE_TOLERANCE) & (shares["state_share"] <= 1) & (shares["insured_share"] <= 1)
    for index in np.flatnonzero(over):
        collect.add("insured_share", int(index), float(total_share[index]),
                    _("expected state_share + insured_share at most 1"))
    return {"service_years": service, "pensionable_salary": salary, "projected_salary": projected,
            "annual_pension": pension, "pension_age": pension_age,
            "employment_fraction": np.where(empty_fraction, 1.0, fraction), **shares}


TAKEOVER_AGE_RANGE = (0.0, 120.0)  # above 0, at most 120 years
STATE_COLUMN_STATUSES = {"state_cap_salary": (STATUS_ACTIVE, STATUS_DEFERRED), "state_cap_pension": (STATUS_RETIRED,)}


def _state_columns(check: _Validation, status: np.ndarray) -> dict[str, np.ndarray]:
    """§9.3: a take-over age or a cap per row, instead of a state_share (at most one of the four)."""
    collect = check.collect
    values = {}
    low, high = TAKEOVER_AGE_RANGE
    age, age_empty = check.numbers("state_takeover_age")
    check.out_of_range("state_takeover_age", (age <= low) | (age > high), age,
                       f"expected a take-over age above {low:g} and at most {high:g} years")
    values["state_takeover_age"] = age
    given = [~age_empty]
    for canonical, statuses in STATE_COLUMN_STATUSES.items():
        cap, cap_empty = check.numbers(canonical)
        check.out_of_range(canonical, (cap < 0) | (cap > MAX_AMOUNT), cap,
                           f"expected a cap from 0 to {MAX_AMOUNT / 1e6:g} million kr. a year")
        names = " or ".join(STATUS_NAMES[s] for s in statuses)
        collect.rows(canonical, ~cap_empty & ~np.isin(status, statuses), cap,
                     f"expected {canonical} only on rows of status {names}")
        values[canonical] = cap
        given.append(~cap_empty)
    several = np.sum(given, axis=0) > 1
    for index in np.flatnonzero(several):
        collect.add("state_takeover_age", int(index), None,
                    "expected at most one of state_takeover_age, state_cap_salary, state_cap_pension on a row")
    if "state_share" in check.header_names and np.any(given):
        share_empty = numbers(check.column("state_share"), check.danish_numbers)[1]  # read (and checked) once already
        both = ~share_empty & np.any(given, axis=0)
        collect.rows("state_share", both, None,
                     "expected either state_share or one of state_takeover_age, state_cap_salary, "
                     "state_cap_pension on a row, not both")
    return values


def _optional(check: _Validation, column: OptionalColumn, birth_date: np.ndarray) -> np.ndarray:
    """One optional column, read and checked; the neutral value where the file has none."""
    collect = check.collect
    if column.kind == "date":
        if column.name not in check.header_names:
            return np.full(check.n, np.datetime64("NaT"), dtype="datetime64[D]")
        values, _unused = dates(check.column(column.name), column.name, collect)
        future = values > check.v_day if column.valuation_date_allowed else values >= check.v_day
        collect.rows(column.name, future, lambda: values.astype(str),
                     _(column.future).format(date=check.valuation_date.isoformat()))
        if column.before_birth:
            collect.rows(column.name, values < birth_date, lambda: values.astype(str), column.before_birth)
        if column.min_age:
            young = (values >= birth_date) & (values < add_years(birth_date, column.min_age))
            collect.rows(column.name, young, lambda: values.astype(str),
                         f"expected a date at least {column.min_age} years after the birth date")
        if column.max_age is not None:
            collect.rows(column.name, values < years_before(check.valuation_date, column.max_age),
                         lambda: values.astype(str), f"expected an age of at most {column.max_age} at the "
                                                     "valuation date")
        return values
    if column.name not in check.header_names:
        return np.full(check.n, UNKNOWN, dtype=np.int8)
    values, unreadable = codes(check.column(column.name), column.words, UNKNOWN)
    collect.rows(column.name, unreadable, lambda: text(check.column(column.name)), column.unreadable)
    return values
