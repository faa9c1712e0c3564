"""Finanstilsynet's two benchmark tables, read from their published layout.

Finanstilsynet publishes each September `Benchmark_doedelighed<YYYY>` (observed
mortality intensities) and `Benchmark_levetidsforbedringer<YYYY>` (expected yearly
relative reduction of the intensity), both with one row per age 0..110 and the columns
`Alder`, `Kvinder`, `Mænd`. The readers accept csv (semicolon or comma separated,
decimal point or comma, UTF-8 with or without BOM, or cp1252), xlsx, and the old-style
.xls in which Finanstilsynet published its files (2019, for one), and validate
everything before anything is computed: every problem found is reported at once, each
naming the file, the spreadsheet row (header = row 1), the column and the value.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tjenestemandspension.errors import InputError, Problem
from tjenestemandspension.provenance import Provenance
from tjenestemandspension.textfiles import decode_text, sniff_separator

SEX_MEN = 0
SEX_WOMEN = 1
MAX_TABLE_AGE = 110
N_AGES = MAX_TABLE_AGE + 1
# The projection stops at months starting at or after age 120 (docs/specification.md §5).
HORIZON_MONTHS = 1440

KIND_MORTALITY = "mortality"
KIND_IMPROVEMENT = "improvement"
KINDS = (KIND_MORTALITY, KIND_IMPROVEMENT)

# Header names, compared after strip() and casefold(). 'mã¦nd' is 'Mænd' written as
# UTF-8 and read back as cp1252, which some Excel round trips produce.
AGE_HEADERS = ("alder", "age")
WOMEN_HEADERS = ("kvinder", "kvinde", "women")
MEN_HEADERS = ("mænd", "maend", "mand", "men", "mã¦nd")
CANONICAL_HEADERS = {"age": "Alder", "women": "Kvinder", "men": "Mænd"}

_EMPTY = "the file is empty; expected a header Alder, Kvinder, Mænd and one row per age 0..110"

CSV_SUFFIXES = (".csv", ".txt")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
XLS_SUFFIXES = (".xls",)
_ZIP_MAGIC = b"PK\x03\x04"  # an .xlsx is a zip; a workbook named .xls may be one

# A plain decimal number; float() alone would also accept '1_000', 'nan' and 'inf'.
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_NOT_FINITE = {"nan", "+nan", "-nan", "inf", "+inf", "-inf", "infinity", "+infinity", "-infinity"}


@dataclass(frozen=True)
class BenchmarkTable:
    """One published table: `values[sex, age]` for SEX_MEN / SEX_WOMEN and ages 0..110."""

    kind: str  # "mortality" or "improvement"
    values: np.ndarray  # shape (2, 111), float64, read-only
    source_file: str | None  # the path read from; None for the built-in default
    provenance: Provenance

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, not {self.kind!r}")
        values = np.array(self.values, dtype=np.float64)  # a private copy, then frozen
        if values.shape != (2, N_AGES):
            raise ValueError(f"values must have shape (2, {N_AGES}), not {values.shape}")
        values.setflags(write=False)
        object.__setattr__(self, "values", values)

    # numpy arrays do not compare to a single bool, so equality is spelled out
    def __eq__(self, other: object) -> bool:
        if not isinstance(other, BenchmarkTable):
            return NotImplemented
        return (self.kind == other.kind and np.array_equal(self.values, other.values)
                and self.source_file == other.source_file and self.provenance == other.provenance)

    def __hash__(self) -> int:
        return hash((self.kind, self.values.tobytes(), self.source_file, self.provenance))

    @property
    def men(self) -> np.ndarray:
        return self.values[SEX_MEN]

    @property
    def women(self) -> np.ndarray:
        return self.values[SEX_WOMEN]


# --- public reader ---------------------------------------------------------------------

def read_benchmark_table(path: str | Path, kind: str) -> BenchmarkTable:
    """Read one of Finanstilsynet's tables (csv, xlsx or xls) and validate it.

    `kind` is "mortality" (intensities >= 0) or "improvement" (rates in (-1, 1)).
    Raises `InputError` listing every problem found.
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
    path = Path(path)
    name = str(path)
    if not path.exists():
        raise InputError.single("file not found", file=name)
    if not path.is_file():
        raise InputError.single("expected a file, found a directory or special file", file=name)
    suffix = path.suffix.casefold()
    if suffix not in CSV_SUFFIXES + XLSX_SUFFIXES + XLS_SUFFIXES:
        raise InputError.single("expected a .csv, .xlsx or .xls file", file=name)
    content = _read_bytes(path)
    if not content.strip():
        raise InputError.single(_EMPTY, file=name)
    if suffix in CSV_SUFFIXES:
        sheet = _csv_sheet(content, name)
    elif suffix in XLSX_SUFFIXES:
        sheet = _xlsx_sheet(path, name)
    elif content.startswith(_ZIP_MAGIC):  # openpyxl goes by the name, so it gets the bytes
        sheet = _xlsx_sheet(io.BytesIO(content), name)
    else:
        sheet = _xls_sheet(content, name)

    values = _parse_table(sheet, name, kind)
    digest = hashlib.sha256(content).hexdigest()
    label = "mortality intensities" if kind == KIND_MORTALITY else "longevity improvement rates"
    return BenchmarkTable(
        kind=kind,
        values=values,
        source_file=name,
        provenance=Provenance(
            source=path.name,
            note=f"Finanstilsynet benchmark {label}, read from {path} (sha256 {digest[:16]})",
        ),
    )


# --- reading the bytes into rows -------------------------------------------------------

Row = tuple[int, Sequence[object]]  # (spreadsheet row number, cells)


@dataclass(frozen=True)
class _Sheet:
    rows: list[Row]
    delimiter: str | None  # the csv field separator; None for a workbook


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise InputError.single(f"cannot read the file: {error.strerror or error}", file=str(path)) from None


def _csv_sheet(content: bytes, name: str) -> _Sheet:
    text, _ = decode_text(content, name, "table")
    if not text.strip():
        raise InputError.single(_EMPTY, file=name)
    # decided from the header line only: with a decimal comma the data rows are full of
    # commas, so counting them would mislead (and such files must use ';')
    delimiter = sniff_separator(next(line for line in text.splitlines() if line.strip()))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    # csv.reader yields [] for a blank line, so the enumeration is the spreadsheet row
    return _Sheet([(number, row) for number, row in enumerate(reader, start=1)], delimiter)


def _xlsx_sheet(path: Path | io.BytesIO, name: str) -> _Sheet:
    # imported here: openpyxl is slow to import and csv users never need it
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 - zipfile, XML and openpyxl errors alike
        raise InputError.single(f"not a readable .xlsx workbook ({type(error).__name__})", file=name) from None
    try:
        sheets = []
        for sheet in workbook.worksheets:
            # the stored dimensions can be wrong; without them every stored cell is read
            sheet.reset_dimensions()
            sheets.append(list(enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1)))
    except Exception as error:  # noqa: BLE001 - a damaged sheet inside a valid zip
        raise InputError.single(f"not a readable .xlsx workbook ({type(error).__name__})", file=name) from None
    finally:
        workbook.close()
    return _workbook_sheet(sheets, name)


def _xls_sheet(content: bytes, name: str) -> _Sheet:
    """An old-style Excel workbook (BIFF, .xls), read by xlrd: numbers as floats, text as text."""
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=content)
    except Exception as error:  # noqa: BLE001 - xlrd's, olefile's and struct errors alike
        raise InputError.single(f"not a readable .xls workbook ({type(error).__name__})", file=name) from None

    def value(cell) -> object:
        if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
            return None
        if cell.ctype == xlrd.XL_CELL_ERROR:  # shown as Excel shows it, then refused as not a number
            return xlrd.error_text_from_code.get(cell.value, "#ERROR")
        return cell.value

    sheets = [list(enumerate(([value(c) for c in sheet.row(r)] for r in range(sheet.nrows)), start=1))
              for sheet in book.sheets()]
    return _workbook_sheet(sheets, name)


def _workbook_sheet(sheets: list[list[Row]], name: str) -> _Sheet:
    """The first sheet with the expected header; else the first sheet, whose missing
    columns then get reported."""
    if not any(_cells_present(cells) for rows in sheets for _, cells in rows):
        raise InputError.single(_EMPTY, file=name)
    for rows in sheets:
        if _find_header(rows) is not None:
            return _Sheet(rows, None)
    return _Sheet(sheets[0], None)


# --- rows into a validated table -------------------------------------------------------

@dataclass(frozen=True)
class _Columns:
    header_row: int
    header_width: int  # non-empty header cells
    position: dict[str, int]  # role ("age", "women", "men") -> cell index
    name: dict[str, str]  # role -> header text as written in the file, for messages


def _role(text: object) -> str | None:
    if not isinstance(text, str):
        return None
    key = text.strip().lstrip("\ufeff").strip().casefold()
    if key in AGE_HEADERS:
        return "age"
    if key in WOMEN_HEADERS:
        return "women"
    if key in MEN_HEADERS:
        return "men"
    return None


def _find_header(rows: Iterable[Row]) -> Row | None:
    """The first row with an age column heading (a title above the table is tolerated)."""
    for number, cells in rows:
        if any(_role(cell) == "age" for cell in cells):
            return number, cells
    return None


def _cells_present(cells: Sequence[object]) -> bool:
    return any(c is not None and str(c).strip() != "" for c in cells)


def _written(cells: Sequence[object]) -> str:
    return ", ".join(str(c).strip() for c in cells if c is not None and str(c).strip()) or "nothing"


def _locate_columns(rows: list[Row], name: str) -> _Columns:
    found = _find_header(rows)
    if found is None:
        number, cells = next(((n, c) for n, c in rows if _cells_present(c)), (1, ()))
        raise InputError.single(
            f"expected a header with the columns Alder, Kvinder, Mænd; found: {_written(cells)}",
            file=name, row=number)
    header_row, cells = found
    position: dict[str, int] = {}
    written_as: dict[str, str] = {}
    problems = []
    for index, cell in enumerate(cells):
        role = _role(cell)
        if role is None:
            continue
        text = str(cell).strip().lstrip("\ufeff")
        if role in position:
            problems.append(Problem(file=name, row=header_row, column=text,
                                    expected=f"expected one {CANONICAL_HEADERS[role]} column; it is "
                                             f"also '{written_as[role]}'"))
            continue
        position[role] = index
        written_as[role] = text
    for role, wanted in (("women", "Kvinder"), ("men", "Mænd (or Maend)")):
        if role not in position:
            problems.append(Problem(file=name, row=header_row,
                                    expected=f"expected a column {wanted} in the header; found: "
                                             f"{_written(cells)}"))
    if problems:
        raise InputError(problems)
    width = sum(1 for c in cells if c is not None and str(c).strip())
    return _Columns(header_row, width, position, written_as)


def _cell(cells: Sequence[object], index: int) -> object:
    return cells[index] if index < len(cells) else None


def _parse_number(cell: object, decimal_comma: bool) -> float | None:
    """The cell as a float, or None if it is not a number; 'nan' and 'inf' pass through
    (as numbers that the range checks then reject)."""
    if isinstance(cell, bool):
        return None
    if isinstance(cell, (int, float)):
        return float(cell)
    if cell is None:
        return None
    text = str(cell).strip()
    if decimal_comma and "," in text and "." not in text:
        text = text.replace(",", ".")
    if _NUMBER.fullmatch(text) or text.casefold() in _NOT_FINITE:
        return float(text)
    return None


def _shown(cell: object) -> object:
    # Problem hides a value of None; an empty cell should still say value ''
    return "" if cell is None else cell


def _format_ages(ages: Iterable[int]) -> str:
    """'17, 40-42, 110': runs of consecutive ages shortened."""
    runs: list[list[int]] = []
    for age in sorted(ages):
        if runs and age == runs[-1][1] + 1:
            runs[-1][1] = age
        else:
            runs.append([age, age])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in runs)


def _intensity_problem(value: float) -> str | None:
    if not math.isfinite(value):
        return "expected a finite intensity >= 0"
    return "expected an intensity >= 0" if value < 0 else None


def _improvement_problem(value: float) -> str | None:
    # open interval: a rate of 1 would make the intensity 0 for ever after, and the
    # comparison is False for nan, which is rejected too
    return None if -1.0 < value < 1.0 else "expected an improvement rate in (-1, 1)"


def _parse_table(sheet: _Sheet, name: str, kind: str) -> np.ndarray:
    rows = sheet.rows
    columns = _locate_columns(rows, name)
    # a comma can be a decimal separator unless it separates the fields
    decimal_comma = sheet.delimiter != ","
    value_problem = _intensity_problem if kind == KIND_MORTALITY else _improvement_problem
    age_column = columns.name["age"]

    values = np.full((2, N_AGES), np.nan)
    first_row_of_age: dict[int, int] = {}
    problems: list[Problem] = []
    for number, cells in rows:
        if number <= columns.header_row or not _cells_present(cells):
            continue
        if sheet.delimiter == "," and len(cells) > columns.header_width and any(
                str(c).strip() for c in cells[columns.header_width:]):
            problems.append(Problem(
                file=name, row=number,
                expected=f"expected {columns.header_width} fields like the header, found {len(cells)}: "
                         "a decimal comma needs ';' as the field separator"))
            continue

        age_cell = _cell(cells, columns.position["age"])
        age_value = _parse_number(age_cell, decimal_comma)
        age: int | None = None
        if age_value is None or not math.isfinite(age_value) or age_value != int(age_value):
            problems.append(Problem(file=name, row=number, column=age_column, value=_shown(age_cell),
                                    expected=f"expected a whole age 0..{MAX_TABLE_AGE}"))
        elif not 0 <= age_value <= MAX_TABLE_AGE:
            problems.append(Problem(file=name, row=number, column=age_column, value=_shown(age_cell),
                                    expected=f"expected an age 0..{MAX_TABLE_AGE} (the benchmark stops "
                                             f"at {MAX_TABLE_AGE}; older ages use its values)"))
        elif int(age_value) in first_row_of_age:
            age_seen = int(age_value)
            problems.append(Problem(file=name, row=number, column=age_column, value=_shown(age_cell),
                                    expected=f"expected each age once; age {age_seen} is already in "
                                             f"row {first_row_of_age[age_seen]}"))
        else:
            age = int(age_value)
            first_row_of_age[age] = number

        for sex, role in ((SEX_WOMEN, "women"), (SEX_MEN, "men")):
            cell = _cell(cells, columns.position[role])
            value = _parse_number(cell, decimal_comma)
            complaint = "expected a number" if value is None else value_problem(value)
            if complaint is not None:
                problems.append(Problem(file=name, row=number, column=columns.name[role],
                                        value=_shown(cell), expected=complaint))
            elif age is not None:
                values[sex, age] = value

    missing = [age for age in range(N_AGES) if age not in first_row_of_age]
    if missing:
        problems.append(Problem(file=name, column=age_column,
                                expected=f"expected every age 0..{MAX_TABLE_AGE} once; missing: "
                                         f"{_format_ages(missing)}"))
    if problems:
        raise InputError(problems)
    return values
