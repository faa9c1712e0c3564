"""Reading and validating the member register (docs/specification.md §6).

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
digits in threes (`450.000` = 450000, `1.234,50` = 1234.5, but `0.125` = 0.125);
otherwise a point is a decimal point (`0.5`). In a comma-separated file the point is the
decimal separator. Excel and Parquet cells that hold numbers are taken as they are.
Dates: `YYYY-MM-DD` (also with a time part, as Excel writes it) or `DD-MM-YYYY`
(`-`, `.` or `/`); one format per column, so a US-style date cannot slip through.

Hard input is a message, never a traceback: an empty or blank first row, a header in
another separator or below a title row, a repeated header (two exports put together), a
quote never closed (which would swallow the rows after it), UTF-16 or mixed encodings, a
text file named .xlsx, a cut-off Parquet file; tests/test_bad_input.py holds a corpus of
such files with their exact messages, tests/test_fuzz_register.py fuzzes the reader.
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
import numbers as numbers_abc
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from tjenestemandspension.actuarial.register import (
    STATUS_ACTIVE,
    STATUS_CHILD,
    STATUS_DEFERRED,
    STATUS_NAMES,
    STATUS_RETIRED,
    STATUS_SPOUSE,
    UNKNOWN,
    Register,
)
from tjenestemandspension.mortality import SEX_MEN, SEX_WOMEN
from tjenestemandspension.errors import InputError, Problem
from tjenestemandspension.textfiles import UTF8, decode_text, sniff_separator

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
# a CPR number anywhere in a text (DDMMYY-NNNN, with or without the dash or a space), or
# as Excel keeps it as a number: 10 digits, or 9 when the leading zero was lost
_CPR = re.compile(r"(?<!\d)\d{6}[-\s]?\d{4}(?!\d)|^\s*\d{9}(\.0)?\s*$")
_DATE_FORMATS = (  # (detector, strptime format, name shown to users)
    (re.compile(r"^\d{4}-\d{2}-\d{2}([ T]00:00(:00)?)?$"), "%Y-%m-%d", "YYYY-MM-DD"),
    (re.compile(r"^\d{1,2}-\d{1,2}-\d{4}$"), "%d-%m-%Y", "DD-MM-YYYY"),
    (re.compile(r"^\d{1,2}\.\d{1,2}\.\d{4}$"), "%d.%m.%Y", "DD.MM.YYYY"),
    (re.compile(r"^\d{1,2}/\d{1,2}/\d{4}$"), "%d/%m/%Y", "DD/MM/YYYY"),
)
_MAX_LISTED_ROWS = 5
MAX_AMOUNT = 10_000_000.0  # kr. a year: more is a typing or unit error (øre?), not a salary or pension
_EMPTY_HEADER = ("expected the header row, naming the columns (person_id, birth_date, sex, status, ...), "
                 "in row 1; row 1 is empty")
_GROUPED_HINT = ("; a point before three digits is a thousands separator in this file: write decimals "
                 "with a comma")


def normalise_header(name: object) -> str:
    return str(name).strip().casefold().translate(_DANISH_FOLD)


CANONICAL_BY_NAME = {
    normalise_header(name): canonical
    for canonical, aliases in ALIASES.items()
    for name in (canonical, *aliases)
}


def _printable(text: object, limit: int = 60) -> str:
    """A name or text as one line of a message: control characters escaped, long ones cut."""
    shown = "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in str(text)[: limit + 1])
    return shown if len(shown) <= limit else shown[: limit - 3] + "..."


def _looks_like_cpr(value: object) -> bool:
    if value is None or isinstance(value, (bool, np.bool_)):
        return False
    if isinstance(value, (numbers_abc.Real, decimal.Decimal)):
        number = float(value)
        return bool(np.isfinite(number)) and number.is_integer() and 1e8 <= abs(number) < 1e10
    return bool(_CPR.search(str(value)))


def _shown_name(name: str) -> str:
    return "(a CPR number, not shown)" if _looks_like_cpr(name) else repr(_printable(name, 30))


def _foreign_separator(name: str) -> str | None:
    """The character that seems to separate the column names of a one-column header."""
    candidates = {ch for ch in name if not ch.isalnum() and ch not in "_- .\ufeff"}
    found = []
    for separator in sorted(candidates):
        known = sum(normalise_header(part) in CANONICAL_BY_NAME for part in name.split(separator))
        found.append((known, f"'{_printable(separator)}'"))
    known = sum(normalise_header(part) in CANONICAL_BY_NAME for part in name.split())
    found.append((known, "spaces"))
    best = max(found)
    return best[1] if best[0] >= 2 else None


def _header_hint(names: list[str], sheets: tuple[str, ...]) -> str:
    """Why none of the required columns is found: a foreign separator, or another row."""
    shown = [name for name in names if name]
    if len(shown) == 1:
        separator = _foreign_separator(shown[0])
        if separator:
            return (f"expected the columns separated by ';', ',' or a tab; found one column, the names in "
                    f"it separated by {separator}")
    listed = ", ".join(_shown_name(name) for name in shown[:4]) + (", ..." if len(shown) > 4 else "")
    listed = listed or "no column names"
    where = ""
    if len(sheets) > 1:
        where = (f" (of the sheets {', '.join(repr(_printable(s, 30)) for s in sheets[:4])}"
                 f"{', ...' if len(sheets) > 4 else ''}, the first is read)")
    return f"expected a header naming the columns person_id, birth_date, sex and status; found {listed}{where}"


def _read_header(names: list[str], source: str, header_row: int | None,
                 sheets: tuple[str, ...]) -> tuple[dict[str, str], list[str], list[Problem]]:
    """(canonical → the file's column name, ignored columns, problems) of a header."""
    header_names: dict[str, str] = {}
    problems: list[Problem] = []
    ignored: list[str] = []
    for name in names:
        canonical = CANONICAL_BY_NAME.get(normalise_header(name))
        if canonical is None:
            ignored.append(str(name))
        elif canonical in header_names:
            problems.append(Problem(
                file=source, column=_printable(name),
                expected=f"the column {canonical} is given twice ('{_printable(header_names[canonical])}' "
                         f"and '{_printable(name)}')"))
        else:
            header_names[canonical] = str(name)
    missing = [canonical for canonical in REQUIRED_FOR_ALL if canonical not in header_names]
    if len(missing) == len(REQUIRED_FOR_ALL):
        problems.insert(0, Problem(file=source, row=header_row, expected=_header_hint(names, sheets)))
    for canonical in missing:
        aliases = ALIASES[canonical]
        also = f" (also accepted: {', '.join(aliases)})" if aliases else ""
        problems.append(Problem(file=source, column=canonical, expected=f"required column missing{also}"))
    return header_names, ignored, problems


@dataclass(frozen=True)
class RegisterTable:
    """The raw table read from a file: text or typed columns, before validation.

    `row_numbers` are the spreadsheet rows of the frame's rows (None: 2, 3, 4, ...);
    they differ from the position when blank rows were skipped. `header_row` is the
    spreadsheet row of the column names (None for a DataFrame or Parquet, which have no
    rows); `sheets` the names of a workbook's sheets (the first is read).
    """

    frame: pd.DataFrame
    source: str
    danish_numbers: bool
    encoding: str = UTF8
    row_numbers: np.ndarray | None = None
    header_row: int | None = FIRST_DATA_ROW - 1
    sheets: tuple[str, ...] = ()


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
    raise InputError.single(f"unsupported file type '{_printable(path.suffix)}'; expected .csv, .xlsx or .parquet",
                            file=str(path))


@contextmanager
def _csv_field_limit(size: int) -> Iterator[None]:
    """Python's csv module refuses fields above 128 KiB; a register's header or a bad row
    may hold more (a pasted text), which is the user's problem to hear about, not a crash."""
    previous = csv.field_size_limit()
    csv.field_size_limit(max(previous, min(size + 1, 2**31 - 1)))
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def _read_csv(path: Path) -> RegisterTable:
    data = path.read_bytes()
    if not re.search(rb"[^\s\xef\xbb\xbf]", data):
        raise InputError.single("the file is empty; expected a header row with the register columns",
                                file=str(path))
    text, encoding = decode_text(data, str(path), "register")
    if encoding != UTF8:
        data = text.encode("utf-8")
    text = text.lstrip("\ufeff")
    header_line = re.match(r"[^\r\n]*", text).group()
    delimiter = sniff_separator(header_line)
    with _csv_field_limit(len(header_line)):
        try:
            header = next(csv.reader([header_line], delimiter=delimiter, strict=True), [])
        except csv.Error as error:  # a quote never closed would make the whole file the header
            if "unexpected end of data" in str(error):
                raise InputError.single('expected a closing quote (") in the header row', file=str(path),
                                        row=1) from None
            header = next(csv.reader([header_line], delimiter=delimiter), [])  # "a"b: read as pyarrow does
    header = [name.strip() for name in header]
    if not any(header):
        raise InputError.single(_EMPTY_HEADER, file=str(path), row=1)
    names = [f"c{i}" for i in range(len(header))]
    invalid: list[tuple[int, int, str]] = []  # (row number, fields found, row text)

    def invalid_row(row) -> str:
        invalid.append((row.number if row.number is not None else -1, row.actual_columns, row.text))
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
        if invalid:  # rare: read again in one thread, which knows the rows' numbers
            invalid.clear()
            table = read(threads=False)
    except pa.ArrowInvalid:  # pyarrow's message would quote the row, which may hold a CPR number
        raise InputError.single(f"cannot be read as CSV separated by '{_printable(delimiter)}'",
                                file=str(path)) from None
    frame = table.to_pandas(types_mapper={pa.string(): pd.StringDtype("pyarrow", na_value=np.nan)}.get)

    # records counted as a spreadsheet counts them: the header is row 1
    row_numbers = np.arange(len(frame), dtype=np.int64) + FIRST_DATA_ROW
    problems = []
    if invalid:
        skipped_rows = np.array(sorted(number for number, _, _ in invalid), dtype=np.int64)
        kept = np.setdiff1d(np.arange(FIRST_DATA_ROW, len(frame) + skipped_rows.size + FIRST_DATA_ROW),
                            skipped_rows)
        row_numbers = kept[: len(frame)]
        for number, fields, row_text in sorted(invalid):
            if fields <= 1 and not row_text.strip():
                continue  # a blank line: no person, and not a problem
            expected = (f"expected {len(header)} fields separated by '{_printable(delimiter)}' like the header, "
                        f"found {fields}")
            if "\n" in row_text and row_text.count('"') % 2:
                expected += '; a quote (") in this row is not closed, so the rows after it are read into it'
            elif delimiter == "," and fields > len(header):
                expected += ("; a decimal comma (or a comma in a text) splits a value in two: separate the "
                             "columns by ';', or put such values in quotes")
            problems.append(Problem(file=str(path), row=int(number), expected=expected))
    if problems:
        # a header without the register's columns explains the rows: say that instead
        _, _, header_problems = _read_header(header, str(path), header_row=1, sheets=())
        raise InputError(header_problems or problems)
    if _values_span_lines(data, table, len(invalid)):
        _check_quotes_closed(path, text, delimiter)
    # rows whose fields all equal the header's names: two exports put together
    repeated = _rows_where(frame, header, lambda values, name: values.str.strip().str.lstrip("\ufeff") == name,
                           candidates=pc.match_substring(table.column(0), header[0]) if header[0] else None)
    if repeated.any():
        raise InputError([Problem(file=str(path), row=int(row_numbers[i]),
                                  expected="repeats the header row; expected it once, in row 1 (two files "
                                           "put together?)")
                          for i in np.flatnonzero(repeated)])
    # rows of empty fields only (";;;;"), as spreadsheets export them
    blank = _rows_where(frame, header, lambda values, _: values.str.strip() == "")
    frame.columns = header
    if blank.any():
        frame = frame.loc[~blank].reset_index(drop=True)
        row_numbers = row_numbers[~blank]
    return RegisterTable(frame=frame, source=str(path), danish_numbers=delimiter != ",",
                         encoding=encoding, row_numbers=row_numbers)


def _rows_where(frame: pd.DataFrame, names: list[str], test, candidates: pa.ChunkedArray | None = None) -> np.ndarray:
    """Rows where `test(column values, column name)` holds in every column, tested column by
    column (by position: names may repeat) on the rows still in question only."""
    rows = np.arange(len(frame))
    if candidates is not None:
        rows = np.flatnonzero(candidates.to_numpy(zero_copy_only=False))
    for i, name in enumerate(names):
        if rows.size == 0:
            break
        rows = rows[test(frame.iloc[rows, i], name).to_numpy(dtype=bool, na_value=False)]
    found = np.zeros(len(frame), dtype=bool)
    found[rows] = True
    return found


def _values_span_lines(data: bytes, table: pa.Table, skipped: int) -> bool:
    """Whether some value holds a line break (legal in quotes): when the records do not
    match the lines one to one (counted quickly), look at the values."""
    if b'"' not in data:
        return False
    newline = b"\n" if b"\n" in data else b"\r"
    lines = data.count(newline) + (0 if data.endswith(newline) else 1)
    if lines == 1 + table.num_rows + skipped:
        return False
    return any(pc.any(pc.match_substring(column, "\n")).as_py() for column in table.columns)


def _check_quotes_closed(path: Path, text: str, delimiter: str) -> None:
    """A quote opened and never closed makes the rest of the file one value, and the
    persons in it would silently vanish; a value that spans lines (legal in CSV) is the
    sign, then the exact parser finds where it starts."""
    records = 0
    try:
        with _csv_field_limit(len(text)):
            for _ in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True):
                records += 1
    except csv.Error as error:
        if "unexpected end of data" in str(error):
            raise InputError.single(
                'expected a closing quote (") for the value opened in this row; as it stands the rest '
                "of the file is read as that one value", file=str(path), row=records + 1) from None


def _not_a_workbook(path: Path, head: bytes) -> str | None:
    """Why a file named .xlsx is not one, judged by its first bytes; None if it may be."""
    if head.startswith(b"PK"):
        return None
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return ("is an old Excel workbook (.xls) or a password-protected one; expected .xlsx: save it "
                "as an Excel workbook without a password, or as CSV UTF-8")
    if head and b"\x00" not in head:
        try:
            head.decode("utf-8")
            text = True
        except UnicodeDecodeError as error:
            text = error.start >= len(head) - 3  # a letter cut off at the end of the sample
        if text or all(b >= 0x20 or b in b"\r\n\t" for b in head):
            return "is a text file, not an Excel workbook; if it is a CSV register, name it .csv"
    return "is not an Excel workbook (.xlsx)"


def _read_excel(path: Path) -> RegisterTable:
    with open(path, "rb") as handle:
        head = handle.read(4096)
    reason = _not_a_workbook(path, head)
    if reason:
        raise InputError.single(reason, file=str(path))
    try:
        with pd.ExcelFile(path, engine="openpyxl") as workbook:
            sheets = tuple(str(name) for name in workbook.sheet_names)
            raw = pd.read_excel(workbook, sheet_name=0, header=None, dtype=object)
    except Exception as error:  # noqa: BLE001 - openpyxl raises many kinds for a damaged file
        raise InputError.single(f"cannot be read as an Excel workbook ({type(error).__name__}); the file "
                                "is damaged or not .xlsx", file=str(path)) from None
    header = [_cell_text(v).strip() if not _is_missing(v) else "" for v in raw.iloc[0]] if len(raw) else []
    body = raw.iloc[1:]
    filled = body.map(lambda v: not _is_missing(v) and not (isinstance(v, str) and not v.strip()))
    keep_rows = filled.any(axis=1).to_numpy()
    keep_columns = np.array([bool(name) for name in header], dtype=bool) | filled.any(axis=0).to_numpy()
    if not any(header) and keep_rows.any():
        raise InputError.single(_EMPTY_HEADER, file=str(path), row=1)
    if not any(header):
        first = f" '{_printable(sheets[0])}'" if sheets else ""
        raise InputError.single(f"the first sheet{first} is empty; expected the register there, with the "
                                "header in row 1", file=str(path))
    row_numbers = (np.arange(len(body), dtype=np.int64) + FIRST_DATA_ROW)[keep_rows]
    frame = body.loc[keep_rows, keep_columns].reset_index(drop=True)
    frame.columns = [name for name, keep in zip(header, keep_columns) if keep]
    return RegisterTable(frame=frame, source=str(path), danish_numbers=True, row_numbers=row_numbers,
                         sheets=sheets)


def _is_missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NaT


def _read_parquet(path: Path) -> RegisterTable:
    try:
        frame = pd.read_parquet(path)
    except ImportError:
        raise InputError.single("reading Parquet needs the pyarrow package", file=str(path)) from None
    except Exception as error:  # noqa: BLE001 - pyarrow raises several kinds for a bad file
        with open(path, "rb") as handle:
            head = handle.read(4)
            handle.seek(max(path.stat().st_size - 4, 0))
            tail = handle.read(4)
        if head == b"PAR1" and tail != b"PAR1":
            reason = "is an incomplete Parquet file (its end is missing: cut off in copying?)"
        elif head != b"PAR1":
            reason = "is not a Parquet file"
        else:
            reason = f"cannot be read as Parquet ({type(error).__name__})"
        raise InputError.single(reason, file=str(path)) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    return RegisterTable(frame=frame, source=str(path), danish_numbers=True, header_row=None)


# --- validation ------------------------------------------------------------------------

def register_from_frame(frame: pd.DataFrame, valuation_date: dt.date, source: str | None = None) -> Register:
    return register_from_table(RegisterTable(frame=frame, source=source or "register", danish_numbers=True,
                                             header_row=None), valuation_date)


class _Collector:
    """Collects problems with the row numbers and column names the user sees."""

    def __init__(self, source: str, header_names: dict[str, str], row_numbers: np.ndarray | None):
        self.source = source
        self.header_names = header_names
        self.row_numbers = row_numbers
        self.person_ids: pd.Series | None = None
        self.problems: list[Problem] = []

    def row_number(self, index: int) -> int:
        return int(self.row_numbers[index]) if self.row_numbers is not None else index + FIRST_DATA_ROW

    def rows(self, canonical: str, mask: np.ndarray,
             values: pd.Series | np.ndarray | Callable[[], pd.Series] | None, expected: str) -> None:
        """A problem on every row of `mask`; `values` may be a function, called only if there is one
        (turning a million typed Parquet cells into text costs seconds)."""
        if not mask.any():
            return
        if callable(values):
            values = values()
        for index in np.flatnonzero(mask):
            if values is None:
                value = None
            elif isinstance(values, pd.Series):
                value = values.iloc[index]
            else:
                value = values[index]
            self.add(canonical, int(index), value, expected)

    def person_id(self, canonical: str | None, index: int | None) -> str | None:
        """The row's person_id to name beside its row number; never one that looks like a CPR."""
        if index is None or canonical == "person_id" or self.person_ids is None:
            return None
        text = self.person_ids.iloc[index]
        if not text or _looks_like_cpr(text):
            return None
        return _printable(text, 40)

    def add(self, canonical: str | None, index: int | None, value: object, expected: str) -> None:
        shown = value
        show = True
        if _looks_like_cpr(value):
            show = False  # never echo what looks like a CPR number
            expected += " (the value looks like a CPR number and is not shown)"
        if isinstance(value, str) and value == "":
            shown = None
            show = False
        self.problems.append(Problem(
            person_id=self.person_id(canonical, index),
            file=self.source,
            row=None if index is None else self.row_number(index),
            column=_printable(self.header_names.get(canonical, canonical)) if canonical else None,
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


def _numbers(series: pd.Series, danish: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(values, empty, unreadable, grouped) for a column of numbers; unreadable values are NaN,
    `grouped` marks texts read with a thousands separator (450.000)."""
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        values = series.to_numpy(dtype=float, na_value=np.nan)
        empty = np.isnan(values)
        unreadable = ~empty & ~np.isfinite(values)
        return np.where(unreadable, np.nan, values), empty, unreadable, np.zeros(len(values), dtype=bool)
    direct = None
    if series.dtype == object:  # Excel or Parquet cells: numbers stay numbers, only texts are read
        direct = np.array([_cell_number(v) for v in series], dtype=float)
        is_number = ~np.isnan(direct) | np.array([isinstance(v, float) and v != v for v in series], dtype=bool)
        if is_number.any():
            series = series.where(~is_number, "")
        else:
            direct = None
    text = pa.array(_text(series), type=pa.string())
    empty_flags = pc.equal(text, "")
    compact = pc.replace_substring(pc.replace_substring(text, " ", ""), "\u00a0", "")
    if danish:
        grouped = pc.match_substring_regex(compact, r"^-?[1-9]\d{0,2}(\.\d{3})+(,\d*)?$")
        compact = pc.if_else(grouped, pc.replace_substring(compact, ".", ""), compact)
        compact = pc.replace_substring(compact, ",", ".")
    else:
        grouped = pc.match_substring_regex(compact, r"^-?[1-9]\d{0,2}(,\d{3})+(\.\d*)?$")
        compact = pc.if_else(grouped, pc.replace_substring(compact, ",", ""), compact)
    compact = pc.if_else(empty_flags, pa.scalar(None, pa.string()), compact)
    try:
        parsed = pc.cast(compact, pa.float64())
    except pa.ArrowInvalid:  # some value is not a number: find which, one by one
        parsed = pa.array(pd.to_numeric(pd.Series(compact.to_pylist(), dtype=object), errors="coerce"),
                          type=pa.float64())
    values = parsed.to_numpy(zero_copy_only=False)
    empty = empty_flags.to_numpy(zero_copy_only=False)
    grouped_flags = grouped.to_numpy(zero_copy_only=False)
    if direct is not None:
        values = np.where(is_number, direct, values)
        empty = np.where(is_number, np.isnan(direct), empty)
        grouped_flags = grouped_flags & ~is_number
    unreadable = ~empty & ~np.isfinite(values)
    return np.where(unreadable, np.nan, values), empty, unreadable, grouped_flags


def _cell_number(value: object) -> float:
    """A spreadsheet or Parquet cell holding a number (not a text, not a truth value) as a float;
    NaN for anything else. Infinite or huge values come back as inf, found unreadable later."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers_abc.Real, decimal.Decimal)):
        return np.nan
    try:
        return float(value)
    except (OverflowError, ValueError):
        return np.inf


def _dates(series: pd.Series, canonical: str, collect: "_Collector") -> tuple[np.ndarray, np.ndarray]:
    """(datetime64[D] with NaT where empty or bad, empty mask); bad values are reported."""
    if pd.api.types.is_datetime64_any_dtype(series):
        if getattr(series.dt, "tz", None) is not None:
            series = series.dt.tz_localize(None)  # the local calendar date
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
            if pattern.match(value) and _is_calendar_date(value, strformat):
                expected = "expected a date in the years 1678 to 2261"  # what numpy's calendar holds
            elif pattern.match(value):
                expected = f"expected a valid calendar date ({name})"
            else:
                expected = f"expected a date in the column's format {name} (as in row {first_row})"
            collect.add(canonical, int(index), value, expected)
    return values, empty


def _is_calendar_date(text: str, strformat: str) -> bool:
    try:
        dt.datetime.strptime(text[:10] if strformat == "%Y-%m-%d" else text, strformat)
    except ValueError:
        return False
    return True


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
    header_names, ignored, header_problems = _read_header(
        [str(name) for name in frame.columns], source, table.header_row, table.sheets)
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
    collect.person_ids = person_id
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
    collect.rows("status", bad_status | empty_status, lambda: _text(column("status")),
                 f"expected {STATUS_EXPECTED}")

    sex, bad_sex = _codes(column("sex"), SEX_WORDS)
    collect.rows("sex", (sex == UNKNOWN), lambda: _text(column("sex")),
                 "expected M or K (F is accepted for women)")

    birth_date, empty_birth = _dates(column("birth_date"), "birth_date", collect)
    collect.rows("birth_date", empty_birth, None, "expected a birth date")
    v_day = np.datetime64(valuation_date, "D")
    collect.rows("birth_date", birth_date >= v_day, lambda: birth_date.astype(str),
                 f"expected a birth date before the valuation date {valuation_date.isoformat()}")

    # --- status-dependent amounts ------------------------------------------------------
    grouped: dict[str, np.ndarray] = {}

    def numbers(canonical: str) -> tuple[np.ndarray, np.ndarray]:
        series = column(canonical)
        if series is None:
            return np.full(n, np.nan), np.ones(n, dtype=bool)
        values, empty, unreadable, grouped[canonical] = _numbers(series, table.danish_numbers)
        collect.rows(canonical, unreadable, lambda: _text(series), "expected a number")
        return values, empty

    def out_of_range(canonical: str, mask: np.ndarray, values: np.ndarray, expected: str) -> None:
        """A range problem; a value read with a thousands separator (20.125 → 20125) says so."""
        hinted = mask & grouped.get(canonical, np.zeros(n, dtype=bool))
        collect.rows(canonical, mask & ~hinted, values, expected)
        collect.rows(canonical, hinted, values, expected + _GROUPED_HINT)

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
    out_of_range("service_years", (service < low) | (service > high), service,
                 f"expected service between {low:g} and {high:g} years")

    salary, empty_salary = numbers("pensionable_salary")
    require("pensionable_salary", salary, empty_salary)
    most = f"at most {MAX_AMOUNT / 1e6:g} million kr. a year"
    collect.rows("pensionable_salary", salary < 0, salary, "expected a salary of at least 0")
    out_of_range("pensionable_salary", salary > MAX_AMOUNT, salary, f"expected a salary of {most}")

    projected, _ = numbers("projected_salary")
    collect.rows("projected_salary", projected < 0, projected, "expected a salary of at least 0")
    out_of_range("projected_salary", projected > MAX_AMOUNT, projected, f"expected a salary of {most}")

    pension, empty_pension = numbers("annual_pension")
    require("annual_pension", pension, empty_pension)
    collect.rows("annual_pension", pension < 0, pension, "expected a pension of at least 0")
    out_of_range("annual_pension", pension > MAX_AMOUNT, pension, f"expected a pension of {most}")

    pension_age, _ = numbers("pension_age")
    low, high = PENSION_AGE_RANGE
    out_of_range("pension_age", (pension_age < low) | (pension_age > high), pension_age,
                 f"expected a pension age between {low:g} and {high:g} years")

    fraction, empty_fraction = numbers("employment_fraction")
    out_of_range("employment_fraction", (fraction <= 0) | (fraction > 1), fraction,
                 "expected an employment fraction above 0 and at most 1")
    fraction = np.where(empty_fraction, 1.0, fraction)

    shares = {}
    for canonical in ("state_share", "insured_share"):
        values, empty = numbers(canonical)
        out_of_range(canonical, (values < 0) | (values > 1), values, "expected a fraction from 0 to 1")
        shares[canonical] = np.where(empty, 0.0, values)
    total_share = shares["state_share"] + shares["insured_share"]
    over = (total_share > 1 + 1e-12) & (shares["state_share"] <= 1) & (shares["insured_share"] <= 1)
    for index in np.flatnonzero(over):
        collect.add("insured_share", int(index), float(total_share[index]),
                    "expected state_share + insured_share at most 1")

    # --- dates and spouse data -------------------------------------------------------------
    if "hire_date" in header_names:
        hire, _ = _dates(column("hire_date"), "hire_date", collect)
        collect.rows("hire_date", hire > v_day, lambda: hire.astype(str),
                     f"expected a hire date on or before the valuation date {valuation_date.isoformat()}")
        collect.rows("hire_date", hire < birth_date, lambda: hire.astype(str),
                     "expected a hire date after the birth date")
    else:
        hire = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")

    if "married" in header_names:
        married, bad_married = _codes(column("married"), BOOL_WORDS)
        collect.rows("married", bad_married, lambda: _text(column("married")),
                     "expected true or false (ja/nej), or empty to use the basis probability")
    else:
        married = np.full(n, UNKNOWN, dtype=np.int8)

    if "spouse_birth_date" in header_names:
        spouse_birth, _ = _dates(column("spouse_birth_date"), "spouse_birth_date", collect)
        collect.rows("spouse_birth_date", spouse_birth >= v_day, lambda: spouse_birth.astype(str),
                     f"expected a birth date before the valuation date {valuation_date.isoformat()}")
    else:
        spouse_birth = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")

    if "spouse_sex" in header_names:
        spouse_sex, bad_spouse_sex = _codes(column("spouse_sex"), SEX_WORDS)
        collect.rows("spouse_sex", bad_spouse_sex, lambda: _text(column("spouse_sex")),
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
        raise InputError(_in_file_order(collect.problems, [_printable(c) for c in frame.columns]))

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
