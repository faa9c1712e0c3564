"""Reading and validating the member register (valuation-basis.md §6).

Formats: CSV (comma, semicolon or tab; decimal point or comma; UTF-8 with or without
BOM, or Windows-1252), Excel (.xlsx) and Parquet. Column names are matched
case-insensitively, with Danish letters folded (`fødselsdato` = `foedselsdato`) and the
Danish aliases of the spec.

Every problem is collected — file, row (as a spreadsheet counts: the header is row 1),
column (as the file names it), value and what was expected — and raised together in one
`InputError`; nothing is valued when there is any. Values that look like CPR numbers are
never echoed.

Number formats: in a semicolon- or tab-separated file (and in Excel text cells) the
comma is the decimal separator and a point is a thousands separator when it groups
digits in threes (`450.000` = 450000, `1.234,50` = 1234.5); otherwise a point is a
decimal point (`0.5`). In a comma-separated file the point is the decimal separator.
Dates: `YYYY-MM-DD` (also with a time part, as Excel writes it) or `DD-MM-YYYY`
(`-`, `.` or `/`); one format per column, so a US-style date cannot slip through.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from actuarial.register import (
    STATUS_ACTIVE,
    STATUS_CHILD,
    STATUS_DEFERRED,
    STATUS_NAMES,
    STATUS_RETIRED,
    STATUS_SPOUSE,
    UNKNOWN,
    Register,
)
from mortality import SEX_MEN, SEX_WOMEN
from tjenestemandspension.errors import InputError, Problem

FIRST_DATA_ROW = 2  # spreadsheet numbering: the header is row 1

ALIASES: dict[str, tuple[str, ...]] = {
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
    "unit": ("forvaltning",),
    "municipality": ("kommune",),
}
REQUIRED_FOR_ALL = ("person_id", "birth_date", "sex", "status")
REQUIRED_BY_STATUS = {
    "service_years": (STATUS_ACTIVE, STATUS_DEFERRED),
    "pensionable_salary": (STATUS_ACTIVE, STATUS_DEFERRED),
    "annual_pension": (STATUS_RETIRED, STATUS_SPOUSE, STATUS_CHILD),
}
STATUS_WORDS = {
    "active": STATUS_ACTIVE, "aktiv": STATUS_ACTIVE,
    "deferred": STATUS_DEFERRED, "fraflyttet": STATUS_DEFERRED, "opsat": STATUS_DEFERRED,
    "retired": STATUS_RETIRED, "pensioneret": STATUS_RETIRED,
    "spouse": STATUS_SPOUSE, "aegtefaelle": STATUS_SPOUSE, "efterlevende": STATUS_SPOUSE,
    "child": STATUS_CHILD, "barn": STATUS_CHILD,
}
SEX_WORDS = {"m": SEX_MEN, "k": SEX_WOMEN, "f": SEX_WOMEN}
BOOL_WORDS = {"true": 1, "false": 0, "ja": 1, "nej": 0, "yes": 1, "no": 0, "1": 1, "0": 0,
              "sand": 1, "falsk": 0, "j": 1, "n": 0}
SERVICE_RANGE = (0.0, 50.0)
PENSION_AGE_RANGE = (50.0, 80.0)
STATUS_EXPECTED = ("one of active, deferred, retired, spouse, child (or aktiv, fraflyttet, "
                   "opsat, pensioneret, ægtefælle, efterlevende, barn)")
_DANISH_FOLD = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "-": "_", " ": "_"})
_CPR = re.compile(r"^\s*\d{6}-?\d{4}\s*$")
_DATE_FORMATS = (  # (detector, strptime format, name shown to users)
    (re.compile(r"^\d{4}-\d{2}-\d{2}([ T]00:00(:00)?)?$"), "%Y-%m-%d", "YYYY-MM-DD"),
    (re.compile(r"^\d{1,2}-\d{1,2}-\d{4}$"), "%d-%m-%Y", "DD-MM-YYYY"),
    (re.compile(r"^\d{1,2}\.\d{1,2}\.\d{4}$"), "%d.%m.%Y", "DD.MM.YYYY"),
    (re.compile(r"^\d{1,2}/\d{1,2}/\d{4}$"), "%d/%m/%Y", "DD/MM/YYYY"),
)
_MAX_LISTED_ROWS = 5


def normalise_header(name: object) -> str:
    return str(name).strip().casefold().translate(_DANISH_FOLD)


CANONICAL_BY_NAME = {
    normalise_header(name): canonical
    for canonical, aliases in ALIASES.items()
    for name in (canonical, *aliases)
}


@dataclass(frozen=True)
class RegisterTable:
    """The raw table read from a file: text or typed columns, before validation.

    `row_numbers` are the spreadsheet rows of the frame's rows (None: 2, 3, 4, ...);
    they differ from the position when blank rows were skipped.
    """

    frame: pd.DataFrame
    source: str
    danish_numbers: bool
    encoding: str = "utf-8"
    row_numbers: np.ndarray | None = None


# --- reading -------------------------------------------------------------------------

def read_register(path: str | Path, valuation_date: dt.date) -> Register:
    """Read and validate a register file; raises InputError listing every problem."""
    return register_from_table(read_table(path), valuation_date)


def read_table(path: str | Path) -> RegisterTable:
    path = Path(path)
    if not path.exists():
        raise InputError.single("file not found (expected a register: .csv, .xlsx or .parquet)", file=str(path))
    if path.is_dir():
        raise InputError.single("is a folder; expected a register file (.csv, .xlsx or .parquet)", file=str(path))
    suffix = path.suffix.casefold()
    if suffix in (".csv", ".txt"):
        return _read_csv(path)
    if suffix in (".xlsx", ".xlsm"):
        return _read_excel(path)
    if suffix in (".parquet", ".pq"):
        return _read_parquet(path)
    raise InputError.single(f"unsupported file type '{path.suffix}'; expected .csv, .xlsx or .parquet",
                            file=str(path))


def _decode(path: Path, data: bytes) -> tuple[str, str]:
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as error:
        try:
            return data.decode("cp1252"), "windows-1252"
        except UnicodeDecodeError:
            line = data[: error.start].count(b"\n") + 1
            raise InputError.single(
                "holds bytes that are neither UTF-8 nor Windows-1252 text; save the register as "
                "CSV UTF-8", file=str(path), row=line) from None


def _sniff_delimiter(header_line: str) -> str:
    counts = {sep: header_line.count(sep) for sep in (";", "\t", ",")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] > 0 else ","


def _read_csv(path: Path) -> RegisterTable:
    data = path.read_bytes()
    if not re.search(rb"[^\s\xef\xbb\xbf]", data):
        raise InputError.single("the file is empty; expected a header row with the register columns",
                                file=str(path))
    if b"\x00" in data[:4096]:
        raise InputError.single("is not a text file (it holds NUL bytes); expected a CSV register",
                                file=str(path))
    text, encoding = _decode(path, data)
    if encoding != "utf-8":
        data = text.encode("utf-8")
    text = text.lstrip("\ufeff")
    first_break = text.find("\n")
    header_line = text if first_break < 0 else text[:first_break]
    delimiter = _sniff_delimiter(header_line)
    header = next(csv.reader([header_line.rstrip("\r")], delimiter=delimiter))
    names = [f"c{i}" for i in range(len(header))]
    skipped: list[int] = []

    def invalid_row(row) -> str:
        skipped.append(row.number if row.number is not None else -1)
        return "skip"

    def read(threads: bool) -> pa.Table:
        return pacsv.read_csv(
            io.BytesIO(data),
            read_options=pacsv.ReadOptions(skip_rows=1, column_names=names, use_threads=threads,
                                           block_size=1 << 24),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, invalid_row_handler=invalid_row,
                                             newlines_in_values=True, ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names},
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False))

    try:
        table = read(threads=True)
        if skipped:  # rare: read again in one thread, which knows the rows' numbers
            skipped.clear()
            table = read(threads=False)
    except pa.ArrowInvalid as error:
        raise InputError.single(f"cannot be read as CSV ({error})", file=str(path)) from None
    frame = table.to_pandas(types_mapper={pa.string(): pd.StringDtype("pyarrow", na_value=np.nan)}.get)
    frame.columns = [name.strip() for name in header]

    # records counted as a spreadsheet counts them: the header is row 1
    row_numbers = np.arange(len(frame), dtype=np.int64) + FIRST_DATA_ROW
    problems = []
    if skipped:
        skipped_rows = np.array(sorted(skipped), dtype=np.int64)
        kept = np.setdiff1d(np.arange(FIRST_DATA_ROW, len(frame) + skipped_rows.size + FIRST_DATA_ROW),
                            skipped_rows)
        row_numbers = kept[: len(frame)]
        lines = _record_field_counts(text, delimiter)
        for number in skipped_rows:
            fields = lines.get(int(number), 0)
            if fields <= 1 and not _record_text(text, delimiter, int(number)):
                continue  # a blank line: no person, and not a problem
            problems.append(Problem(
                file=str(path), row=int(number),
                expected=f"expected {len(header)} fields separated by '{delimiter}' like the header, "
                         f"found {fields}"))
    if problems:
        raise InputError(problems)
    blank = np.ones(len(frame), dtype=bool)
    for name in frame.columns:
        blank &= (frame[name].str.strip() == "").to_numpy()
    if blank.any():  # rows of empty fields only (";;;;"), as spreadsheets export them
        frame = frame.loc[~blank].reset_index(drop=True)
        row_numbers = row_numbers[~blank]
    return RegisterTable(frame=frame, source=str(path), danish_numbers=delimiter != ",",
                         encoding=encoding, row_numbers=row_numbers)


def _record_field_counts(text: str, delimiter: str) -> dict[int, int]:
    """Fields per record (spreadsheet row number → count), for messages about bad rows."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    return {number: len(fields) for number, fields in enumerate(reader, start=1)}


def _record_text(text: str, delimiter: str, number: int) -> str:
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    for current, fields in enumerate(reader, start=1):
        if current == number:
            return "".join(fields).strip()
    return ""


def _read_excel(path: Path) -> RegisterTable:
    import zipfile

    from openpyxl.utils.exceptions import InvalidFileException

    try:
        frame = pd.read_excel(path, dtype=object, engine="openpyxl", sheet_name=0)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise InputError.single(f"cannot be read as an Excel workbook ({type(error).__name__})",
                                file=str(path)) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    return RegisterTable(frame=frame, source=str(path), danish_numbers=True)


def _read_parquet(path: Path) -> RegisterTable:
    try:
        frame = pd.read_parquet(path)
    except ImportError:
        raise InputError.single("reading Parquet needs the pyarrow package", file=str(path)) from None
    except Exception as error:  # noqa: BLE001 - pyarrow raises several kinds for a bad file
        raise InputError.single(f"cannot be read as Parquet ({type(error).__name__})", file=str(path)) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    return RegisterTable(frame=frame, source=str(path), danish_numbers=True)


# --- validation ------------------------------------------------------------------------

def register_from_frame(frame: pd.DataFrame, valuation_date: dt.date, source: str | None = None) -> Register:
    return register_from_table(RegisterTable(frame=frame, source=source or "register", danish_numbers=True),
                               valuation_date)


class _Collector:
    """Collects problems with the row numbers and column names the user sees."""

    def __init__(self, source: str, header_names: dict[str, str], row_numbers: np.ndarray | None):
        self.source = source
        self.header_names = header_names
        self.row_numbers = row_numbers
        self.problems: list[Problem] = []

    def row_number(self, index: int) -> int:
        return int(self.row_numbers[index]) if self.row_numbers is not None else index + FIRST_DATA_ROW

    def rows(self, canonical: str, mask: np.ndarray, values: pd.Series | np.ndarray | None,
             expected: str) -> None:
        for index in np.flatnonzero(mask):
            if values is None:
                value = None
            elif isinstance(values, pd.Series):
                value = values.iloc[index]
            else:
                value = values[index]
            self.add(canonical, int(index), value, expected)

    def add(self, canonical: str | None, index: int | None, value: object, expected: str) -> None:
        shown = value
        show = True
        if value is not None and not isinstance(value, (int, float)) and _CPR.match(str(value)):
            show = False  # never echo what looks like a CPR number
            expected += " (the value looks like a CPR number and is not shown)"
        if isinstance(value, str) and value == "":
            shown = None
            show = False
        self.problems.append(Problem(
            file=self.source,
            row=None if index is None else self.row_number(index),
            column=self.header_names.get(canonical, canonical) if canonical else None,
            value=shown, show_value=show, expected=expected))


def _is_arrow_text(series: pd.Series) -> bool:
    return isinstance(series.dtype, pd.StringDtype) and series.dtype.storage == "pyarrow"


def _text(series: pd.Series) -> pd.Series:
    """Column values as stripped text ('' where empty), whatever the file's types."""
    if pd.api.types.is_datetime64_any_dtype(series):
        return series.dt.strftime("%Y-%m-%d").fillna("")
    if _is_arrow_text(series):
        return series.fillna("").str.strip()  # CSV: already text, stay vectorised
    converted = series.astype(object).where(series.notna(), "")
    return converted.map(_cell_text).astype(pd.StringDtype("pyarrow", na_value=np.nan)).str.strip()


def _cell_text(value: object) -> str:
    """One Excel or Parquet cell as the text a CSV would have held."""
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _numbers(series: pd.Series, danish: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(values, empty, unreadable) for a column of numbers."""
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        values = series.to_numpy(dtype=float, na_value=np.nan)
        empty = np.isnan(values)
        return values, empty, ~empty & ~np.isfinite(values)
    text = pa.array(_text(series), type=pa.string())
    empty_flags = pc.equal(text, "")
    compact = pc.replace_substring(pc.replace_substring(text, " ", ""), "\u00a0", "")
    if danish:
        grouped = pc.match_substring_regex(compact, r"^-?\d{1,3}(\.\d{3})+(,\d*)?$")
        compact = pc.if_else(grouped, pc.replace_substring(compact, ".", ""), compact)
        compact = pc.replace_substring(compact, ",", ".")
    else:
        grouped = pc.match_substring_regex(compact, r"^-?\d{1,3}(,\d{3})+(\.\d*)?$")
        compact = pc.if_else(grouped, pc.replace_substring(compact, ",", ""), compact)
    compact = pc.if_else(empty_flags, pa.scalar(None, pa.string()), compact)
    try:
        parsed = pc.cast(compact, pa.float64())
    except pa.ArrowInvalid:  # some value is not a number: find which, one by one
        parsed = pa.array(pd.to_numeric(pd.Series(compact.to_pylist(), dtype=object), errors="coerce"),
                          type=pa.float64())
    values = parsed.to_numpy(zero_copy_only=False)
    empty = empty_flags.to_numpy(zero_copy_only=False)
    return values, empty, ~empty & ~np.isfinite(values)


def _dates(series: pd.Series, canonical: str, collect: "_Collector") -> tuple[np.ndarray, np.ndarray]:
    """(datetime64[D] with NaT where empty or bad, empty mask); bad values are reported."""
    if pd.api.types.is_datetime64_any_dtype(series):
        values = series.to_numpy().astype("datetime64[D]")
        return values, np.isnat(values)
    text = _text(series)
    empty = (text == "").to_numpy()
    result = np.full(len(text), np.datetime64("NaT"), dtype="datetime64[D]")
    present = np.flatnonzero(~empty)
    if present.size == 0:
        return result, empty
    first_value = text.iloc[present[0]]
    chosen = next((f for f in _DATE_FORMATS if f[0].match(first_value)), None)
    if chosen is None:
        for index in present:
            collect.add(canonical, int(index), text.iloc[index],
                        "expected a date as YYYY-MM-DD or DD-MM-YYYY")
        return result, empty
    pattern, strformat, name = chosen
    cleaned = text.str.slice(0, 10) if strformat == "%Y-%m-%d" else text
    # pandas' parser is strict (2024-02-30 is not a date), unlike pyarrow's strptime
    values = pd.to_datetime(cleaned, format=strformat, errors="coerce").to_numpy().astype("datetime64[D]")
    bad = ~empty & np.isnat(values)
    if np.any(bad):
        first_row = collect.row_number(int(present[0]))
        for index in np.flatnonzero(bad):
            value = text.iloc[index]
            if pattern.match(value):
                expected = f"expected a valid calendar date ({name})"
            else:
                expected = f"expected a date in the column's format {name} (as in row {first_row})"
            collect.add(canonical, int(index), value, expected)
    return values, empty


def _codes(series: pd.Series, words: dict[str, int]) -> tuple[np.ndarray, np.ndarray]:
    """(codes with UNKNOWN where empty or unknown, unreadable mask), mapping each distinct
    text once rather than every row."""
    positions, distinct = pd.factorize(_text(series))
    mapped = np.array([words.get(str(word).casefold().translate(_DANISH_FOLD), UNKNOWN - 1)
                       for word in distinct] + [UNKNOWN], dtype=np.int16)
    codes = mapped[positions]  # factorize marks missing values -1: the appended UNKNOWN
    empty_position = next((i for i, word in enumerate(distinct) if str(word) == ""), None)
    empty = positions == empty_position if empty_position is not None else np.zeros(len(series), bool)
    unreadable = (codes == UNKNOWN - 1) & ~empty
    return np.where(codes < 0, UNKNOWN, codes).astype(np.int8), unreadable


def _row_list(indices: np.ndarray, collect: "_Collector") -> str:
    rows = [str(collect.row_number(int(i))) for i in indices[:_MAX_LISTED_ROWS]]
    more = indices.size - len(rows)
    return ", ".join(rows) + (f" and {more} more" if more > 0 else "")


def register_from_table(table: RegisterTable, valuation_date: dt.date) -> Register:
    frame = table.frame
    source = table.source

    # --- the header ---------------------------------------------------------------
    header_names: dict[str, str] = {}
    header_problems: list[Problem] = []
    ignored: list[str] = []
    for name in frame.columns:
        canonical = CANONICAL_BY_NAME.get(normalise_header(name))
        if canonical is None:
            ignored.append(str(name))
        elif canonical in header_names:
            header_problems.append(Problem(
                file=source, column=str(name),
                expected=f"the column {canonical} is given twice ('{header_names[canonical]}' and '{name}')"))
        else:
            header_names[canonical] = str(name)
    for canonical in REQUIRED_FOR_ALL:
        if canonical not in header_names:
            aliases = ALIASES[canonical]
            also = f" (also accepted: {', '.join(aliases)})" if aliases else ""
            header_problems.append(Problem(file=source, column=canonical,
                                           expected=f"required column missing{also}"))
    if header_problems:
        raise InputError(header_problems)
    if len(frame) == 0:
        raise InputError.single("has a header but no persons", file=source)

    collect = _Collector(source, header_names, table.row_numbers)
    n = len(frame)

    def column(canonical: str) -> pd.Series | None:
        name = header_names.get(canonical)
        return None if name is None else frame[name].reset_index(drop=True)

    # --- identity -------------------------------------------------------------------
    person_id = _text(column("person_id"))
    empty_id = (person_id == "").to_numpy()
    collect.rows("person_id", empty_id, None, "expected a person id")
    duplicated = person_id.duplicated(keep="first").to_numpy() & ~empty_id
    if np.any(duplicated):
        first_index = pd.Series(np.arange(n)).groupby(person_id.to_numpy()).transform("min").to_numpy()
        for index in np.flatnonzero(duplicated):
            collect.add("person_id", int(index), person_id.iloc[index],
                        f"expected a unique person_id; also on row {collect.row_number(first_index[index])}")

    status_codes, bad_status = _codes(column("status"), STATUS_WORDS)
    empty_status = (status_codes == UNKNOWN) & ~bad_status
    collect.rows("status", bad_status | empty_status, _text(column("status")),
                 f"expected {STATUS_EXPECTED}")

    sex, bad_sex = _codes(column("sex"), SEX_WORDS)
    collect.rows("sex", (sex == UNKNOWN), _text(column("sex")),
                 "expected M or K (F is accepted for women)")

    birth_date, empty_birth = _dates(column("birth_date"), "birth_date", collect)
    collect.rows("birth_date", empty_birth, None, "expected a birth date")
    v_day = np.datetime64(valuation_date, "D")
    collect.rows("birth_date", birth_date >= v_day, birth_date.astype(str),
                 f"expected a birth date before the valuation date {valuation_date.isoformat()}")

    # --- status-dependent amounts ------------------------------------------------------
    def numbers(canonical: str) -> tuple[np.ndarray, np.ndarray]:
        series = column(canonical)
        if series is None:
            return np.full(n, np.nan), np.ones(n, dtype=bool)
        values, empty, unreadable = _numbers(series, table.danish_numbers)
        collect.rows(canonical, unreadable, _text(series), "expected a number")
        return values, empty

    def require(canonical: str, values: np.ndarray, empty: np.ndarray) -> None:
        statuses = REQUIRED_BY_STATUS[canonical]
        needs = np.isin(status_codes, statuses)
        names = " or ".join(STATUS_NAMES[s] for s in statuses)
        if canonical not in header_names:
            if np.any(needs):
                collect.add(canonical, None, None,
                            f"required column missing: needed for status {names} "
                            f"(rows {_row_list(np.flatnonzero(needs), collect)})")
            return
        collect.rows(canonical, needs & empty, None, f"expected a value for status {names}")

    service, empty_service = numbers("service_years")
    require("service_years", service, empty_service)
    low, high = SERVICE_RANGE
    collect.rows("service_years", (service < low) | (service > high), service,
                 f"expected service between {low:g} and {high:g} years")

    salary, empty_salary = numbers("pensionable_salary")
    require("pensionable_salary", salary, empty_salary)
    collect.rows("pensionable_salary", salary < 0, salary, "expected a salary of at least 0")

    projected, _ = numbers("projected_salary")
    collect.rows("projected_salary", projected < 0, projected, "expected a salary of at least 0")

    pension, empty_pension = numbers("annual_pension")
    require("annual_pension", pension, empty_pension)
    collect.rows("annual_pension", pension < 0, pension, "expected a pension of at least 0")

    pension_age, _ = numbers("pension_age")
    low, high = PENSION_AGE_RANGE
    collect.rows("pension_age", (pension_age < low) | (pension_age > high), pension_age,
                 f"expected a pension age between {low:g} and {high:g} years")

    fraction, empty_fraction = numbers("employment_fraction")
    collect.rows("employment_fraction", (fraction <= 0) | (fraction > 1), fraction,
                 "expected an employment fraction above 0 and at most 1")
    fraction = np.where(empty_fraction, 1.0, fraction)

    shares = {}
    for canonical in ("state_share", "insured_share"):
        values, empty = numbers(canonical)
        collect.rows(canonical, (values < 0) | (values > 1), values, "expected a fraction from 0 to 1")
        shares[canonical] = np.where(empty, 0.0, values)
    total_share = shares["state_share"] + shares["insured_share"]
    over = (total_share > 1 + 1e-12) & (shares["state_share"] <= 1) & (shares["insured_share"] <= 1)
    for index in np.flatnonzero(over):
        collect.add("insured_share", int(index), float(total_share[index]),
                    "expected state_share + insured_share at most 1")

    # --- dates and spouse data -------------------------------------------------------------
    if "hire_date" in header_names:
        hire, _ = _dates(column("hire_date"), "hire_date", collect)
        collect.rows("hire_date", hire > v_day, hire.astype(str),
                     f"expected a hire date on or before the valuation date {valuation_date.isoformat()}")
        collect.rows("hire_date", hire < birth_date, hire.astype(str), "expected a hire date after the birth date")
    else:
        hire = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")

    if "married" in header_names:
        married, bad_married = _codes(column("married"), BOOL_WORDS)
        collect.rows("married", bad_married, _text(column("married")),
                     "expected true or false (ja/nej), or empty to use the basis probability")
    else:
        married = np.full(n, UNKNOWN, dtype=np.int8)

    if "spouse_birth_date" in header_names:
        spouse_birth, _ = _dates(column("spouse_birth_date"), "spouse_birth_date", collect)
        collect.rows("spouse_birth_date", spouse_birth >= v_day, spouse_birth.astype(str),
                     f"expected a birth date before the valuation date {valuation_date.isoformat()}")
    else:
        spouse_birth = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")

    if "spouse_sex" in header_names:
        spouse_sex, bad_spouse_sex = _codes(column("spouse_sex"), SEX_WORDS)
        collect.rows("spouse_sex", bad_spouse_sex, _text(column("spouse_sex")),
                     "expected M or K (F is accepted for women), or empty")
    else:
        spouse_sex = np.full(n, UNKNOWN, dtype=np.int8)

    def labels(canonical: str) -> np.ndarray:
        series = column(canonical)
        if series is None:
            return np.full(n, "", dtype=object)
        positions, distinct = pd.factorize(_text(series))  # few distinct names, many rows
        return np.asarray(list(distinct) + [""], dtype=object)[positions]

    if collect.problems:
        raise InputError(_in_file_order(collect.problems, [str(c) for c in frame.columns]))

    return Register(
        person_id=person_id.to_numpy(dtype=object),
        status=status_codes,
        sex=sex,
        birth_date=birth_date,
        service_years=service,
        pensionable_salary=salary,
        projected_salary=projected,
        annual_pension=pension,
        hire_date=hire,
        pension_age=pension_age,
        employment_fraction=fraction,
        married=married,
        spouse_birth_date=spouse_birth,
        spouse_sex=spouse_sex,
        state_share=shares["state_share"],
        insured_share=shares["insured_share"],
        unit=labels("unit"),
        municipality=labels("municipality"),
        source=source,
        row_numbers=(table.row_numbers if table.row_numbers is not None
                     else np.arange(n, dtype=np.int64) + FIRST_DATA_ROW),
        ignored_columns=tuple(ignored),
    )


def _in_file_order(problems: list[Problem], columns: list[str]) -> list[Problem]:
    """Problems about whole columns first, then by row, and within a row by column."""
    position = {name: i for i, name in enumerate(columns)}
    return sorted(problems, key=lambda p: (p.row is not None, p.row or 0, position.get(p.column or "", -1)))
