"""The work-injury case register: its columns, and a raw table validated into a `CaseRegister`.

Read with the member register's conventions (table_reading.py: CSV, Excel or Parquet;
table_validation.py: header matching with Danish aliases, numbers with a decimal comma,
dates, the problem collector that names file, row, case_id, column, value and what was
expected). Every problem is collected and raised together in one `InputError`; nothing
is valued when there is any. What each benefit needs (docs/work-injuries.md):

- every row: `case_id` and a known `benefit`;
- a running benefit (`loss_of_earning_capacity`, `spouse`, `child`): a birth date before
  the valuation date, the sex and a positive annual amount;
- `spouse`: `first_month` (the 10-year limit counts from it) unless `last_month` ends it;
- `case_reserve`: a `reserve` of at least 0, and no annual amount;
- `last_month` not before `first_month`; `end_age` from 15 to 80; no negative amounts.

Months (`first_month`, `last_month`) are read from any date in the month or `YYYY-MM`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from tjenestemandspension.actuarial.table_reading import RawTable, read_table
from tjenestemandspension.actuarial.table_validation import (
    FIRST_DATA_ROW,
    Collector,
    ColumnSet,
    codes,
    dates,
    in_file_order,
    labels,
    match_header,
    numbers,
    printable,
    text,
)
from tjenestemandspension.actuarial.work_injury.cases import (
    BENEFIT_CASE_RESERVE,
    BENEFIT_CHILD,
    BENEFIT_EARNING_CAPACITY,
    BENEFIT_SPOUSE,
    CaseRegister,
)
from tjenestemandspension.errors import InputError
from tjenestemandspension.mortality import SEX_MEN, SEX_WOMEN

CASE_COLUMNS = ColumnSet(
    noun="case register",
    aliases={
        "case_id": ("sagsnr", "sagsnummer"),
        "benefit": ("ydelse",),
        "birth_date": ("foedselsdato",),
        "sex": ("koen",),
        "annual_amount": ("aarlig_ydelse",),
        "first_month": ("startdato", "startmaaned"),
        "last_month": ("slutdato", "slutmaaned"),
        "end_age": ("slutalder",),
        "reserve": (),
        "injury_date": ("skadesdato",),
        "unit": ("forvaltning",),
        "municipality": ("kommune",),
    },
    required=("case_id", "benefit"),
    mappable=False,  # tjp arbejdsskader takes no --columns
)
BENEFIT_WORDS = {
    "loss_of_earning_capacity": BENEFIT_EARNING_CAPACITY, "erhvervsevnetab": BENEFIT_EARNING_CAPACITY,
    "spouse": BENEFIT_SPOUSE, "forsoergertab": BENEFIT_SPOUSE, "aegtefaelle": BENEFIT_SPOUSE,
    "samlever": BENEFIT_SPOUSE,
    "child": BENEFIT_CHILD, "barn": BENEFIT_CHILD,
    "case_reserve": BENEFIT_CASE_RESERVE, "sagsreserve": BENEFIT_CASE_RESERVE,
}
BENEFIT_EXPECTED = ("expected one of loss_of_earning_capacity, spouse, child, case_reserve (or erhvervsevnetab, "
                    "forsørgertab, ægtefælle, samlever, barn, sagsreserve)")
SEX_WORDS = {"m": SEX_MEN, "k": SEX_WOMEN, "f": SEX_WOMEN}
SEX_EXPECTED = "expected M or K (F is accepted for women)"
RUNNING_TEXT = "a running benefit (loss_of_earning_capacity, spouse, child)"
END_AGE_RANGE = (15.0, 80.0)
MAX_ANNUAL_AMOUNT = 10_000_000.0  # kr. a year: more is a typing or unit error (øre?)
MAX_RESERVE = 1_000_000_000.0  # kr. on one case
_MONTH_ONLY = r"^\s*(\d{4})-(\d{1,2})\s*$"
UNKNOWN = -1


def read_case_table(path: str | Path) -> RawTable:
    """A case register file read, not yet validated."""
    return read_table(path, CASE_COLUMNS)


def read_cases(path: str | Path, valuation_date: dt.date) -> CaseRegister:
    """Read and validate a case register; raises InputError listing every problem."""
    return cases_from_table(read_case_table(path), valuation_date)


def cases_from_frame(frame: pd.DataFrame, valuation_date: dt.date, source: str | None = None) -> CaseRegister:
    """Validate a DataFrame with case-register columns (canonical or Danish names)."""
    return cases_from_table(RawTable(frame=frame, source=source or "case register", danish_numbers=True,
                                     header_row=None), valuation_date)


def cases_from_table(table: RawTable, valuation_date: dt.date) -> CaseRegister:
    header_names, ignored, problems = match_header(
        [str(name) for name in table.frame.columns], CASE_COLUMNS, table.source, table.header_row, table.sheets)
    if problems:
        raise InputError(problems)
    if len(table.frame) == 0:
        raise InputError.single("has a header but no cases", file=table.source)
    check = _Validation(table, header_names, valuation_date)
    case_id, benefit = _identity(check)
    running = np.isin(benefit, (BENEFIT_EARNING_CAPACITY, BENEFIT_SPOUSE, BENEFIT_CHILD))
    sex, birth_date = _payee(check, running)
    amounts = _amounts(check, benefit, running)
    first_month, last_month, end_age = _ends(check, benefit)
    injury_date = check.dates("injury_date")
    if check.collect.problems:
        raise InputError(in_file_order(check.collect.problems, [printable(c) for c in table.frame.columns]))
    n = len(table.frame)
    return CaseRegister(
        case_id=case_id.to_numpy(dtype=object), benefit=benefit, birth_date=birth_date, sex=sex,
        **amounts, first_month=first_month, last_month=last_month, end_age=end_age, injury_date=injury_date,
        unit=labels(check.column("unit"), n), municipality=labels(check.column("municipality"), n),
        source=table.source,
        row_numbers=(table.row_numbers if table.row_numbers is not None
                     else np.arange(n, dtype=np.int64) + FIRST_DATA_ROW),
        ignored_columns=tuple(ignored),
    )


class _Validation:
    def __init__(self, table: RawTable, header_names: dict[str, str], valuation_date: dt.date):
        self.frame = table.frame
        self.header_names = header_names
        self.danish_numbers = table.danish_numbers
        self.n = len(table.frame)
        self.valuation_date = valuation_date
        self.v_day = np.datetime64(valuation_date, "D")
        self.collect = Collector(table.source, header_names, table.row_numbers, id_column="case_id")

    def column(self, canonical: str) -> pd.Series | None:
        name = self.header_names.get(canonical)
        return None if name is None else self.frame[name].reset_index(drop=True)

    def numbers(self, canonical: str) -> tuple[np.ndarray, np.ndarray]:
        series = self.column(canonical)
        if series is None:
            return np.full(self.n, np.nan), np.ones(self.n, dtype=bool)
        values, empty, unreadable, _ = numbers(series, self.danish_numbers)
        self.collect.rows(canonical, unreadable, lambda: text(series), "expected a number")
        return values, empty

    def require(self, canonical: str, needs: np.ndarray, empty: np.ndarray, what: str) -> None:
        """The column, and a value in it, on the rows that need it."""
        if canonical not in self.header_names:
            if np.any(needs):
                self.collect.add(canonical, None, None, f"required column missing: needed for {what} "
                                                        f"(rows {self.collect.row_list(np.flatnonzero(needs))})")
            return
        self.collect.rows(canonical, needs & empty, None, f"expected a value for {what}")

    def dates(self, canonical: str) -> np.ndarray:
        """An optional date column (NaT where absent)."""
        series = self.column(canonical)
        if series is None:
            return np.full(self.n, np.datetime64("NaT"), dtype="datetime64[D]")
        return dates(series, canonical, self.collect)[0]

    def months(self, canonical: str) -> tuple[np.ndarray, np.ndarray]:
        """(a month column as datetime64[M], NaT where empty or unreadable (reported); empty)."""
        series = self.column(canonical)
        if series is None:
            return np.full(self.n, np.datetime64("NaT"), dtype="datetime64[M]"), np.ones(self.n, dtype=bool)
        original = text(series) if not pd.api.types.is_datetime64_any_dtype(series) else None
        if original is not None:
            series = original.str.replace(_MONTH_ONLY, r"\1-\2-01", regex=True)
        start = len(self.collect.problems)
        days, empty = dates(series, canonical, self.collect)
        if original is not None:  # show the value as the file has it, and say that a month will do
            index_of_row = {self.collect.row_number(i): i for i in range(self.n)}
            for position in range(start, len(self.collect.problems)):
                problem = self.collect.problems[position]
                index = index_of_row.get(problem.row)
                if index is not None and problem.show_value:
                    self.collect.problems[position] = dataclasses.replace(
                        problem, value=original.iloc[index], expected=problem.expected + ", or a month YYYY-MM")
        return days.astype("datetime64[M]"), empty


def _identity(check: _Validation) -> tuple[pd.Series, np.ndarray]:
    collect = check.collect
    case_id = text(check.column("case_id"))
    collect.row_ids = case_id
    collect.rows("case_id", (case_id == "").to_numpy(), None, "expected a case id")
    benefit, bad = codes(check.column("benefit"), BENEFIT_WORDS, UNKNOWN)
    collect.rows("benefit", bad | (benefit == UNKNOWN), lambda: text(check.column("benefit")), BENEFIT_EXPECTED)
    return case_id, benefit


def _payee(check: _Validation, running: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sex and birth date: required for running benefits, checked wherever given."""
    collect = check.collect
    sex_column = check.column("sex")
    if sex_column is None:
        sex, bad_sex = np.full(check.n, UNKNOWN, dtype=np.int8), np.zeros(check.n, dtype=bool)
    else:
        sex, bad_sex = codes(sex_column, SEX_WORDS, UNKNOWN)
    empty_sex = (sex == UNKNOWN) & ~bad_sex
    check.require("sex", running, empty_sex, RUNNING_TEXT)
    collect.rows("sex", bad_sex, lambda: text(sex_column), SEX_EXPECTED)
    birth_date = check.dates("birth_date")
    empty_birth = np.isnat(birth_date)
    check.require("birth_date", running, empty_birth, RUNNING_TEXT)
    collect.rows("birth_date", birth_date >= check.v_day, lambda: birth_date.astype(str),
                 f"expected a birth date before the valuation date {check.valuation_date.isoformat()}")
    return sex, birth_date


def _amounts(check: _Validation, benefit: np.ndarray, running: np.ndarray) -> dict[str, np.ndarray]:
    collect = check.collect
    amount, empty_amount = check.numbers("annual_amount")
    check.require("annual_amount", running, empty_amount, RUNNING_TEXT)
    collect.rows("annual_amount", running & (amount <= 0), amount,
                 "expected a positive annual amount for a running benefit")
    collect.rows("annual_amount", ~running & (amount < 0), amount, "expected an annual amount of at least 0")
    collect.rows("annual_amount", amount > MAX_ANNUAL_AMOUNT, amount,
                 f"expected an annual amount of at most {MAX_ANNUAL_AMOUNT / 1e6:g} million kr.")
    is_reserve = benefit == BENEFIT_CASE_RESERVE
    collect.rows("annual_amount", is_reserve & (amount > 0), amount,
                 "expected no annual amount on a case_reserve row (the estimate goes in reserve)")

    reserve, empty_reserve = check.numbers("reserve")
    check.require("reserve", is_reserve, empty_reserve, "benefit case_reserve")
    collect.rows("reserve", reserve < 0, reserve, "expected a reserve of at least 0")
    collect.rows("reserve", reserve > MAX_RESERVE, reserve,
                 f"expected a reserve of at most {MAX_RESERVE / 1e6:g} million kr.")
    return {"annual_amount": np.where(empty_amount, 0.0, amount), "reserve": np.where(empty_reserve, 0.0, reserve)}


def _ends(check: _Validation, benefit: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    collect = check.collect
    first_month, empty_first = check.months("first_month")
    last_month, empty_last = check.months("last_month")
    spouse = benefit == BENEFIT_SPOUSE
    no_start = spouse & empty_first & empty_last
    if np.any(no_start):
        column = "first_month" if "first_month" in check.header_names or "last_month" not in check.header_names \
            else "last_month"
        if column in check.header_names:
            collect.rows(column, no_start, None,
                         "expected first_month (or last_month) for benefit spouse: the 10-year limit counts "
                         "from the first month")
        else:
            collect.add("first_month", None, None,
                        "required column missing: needed for benefit spouse, or last_month "
                        f"(rows {collect.row_list(np.flatnonzero(no_start))})")
    before = ~np.isnat(first_month) & ~np.isnat(last_month) & (last_month < first_month)
    collect.rows("last_month", before, lambda: last_month.astype(str),
                 "expected a last month on or after first_month")
    end_age, _ = check.numbers("end_age")
    low, high = END_AGE_RANGE
    collect.rows("end_age", (end_age < low) | (end_age > high), end_age,
                 f"expected an end age between {low:g} and {high:g} years")
    return first_month, last_month, end_age
