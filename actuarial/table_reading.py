"""Reading a table file into a raw table: files → columns of text or typed cells.

Formats: CSV (semicolon, tab or comma, by the header line; decoded by the one rule of
`tjenestemandspension.textfiles`: UTF-8 with or without BOM, or Windows-1252), Excel
(.xlsx, the first sheet) and Parquet. Nothing is validated here but the file itself:
what it holds is for the register type to check (table_validation.py and, for the
member register, member_register.py); the `ColumnSet` it passes in only helps to
explain a header that does not fit.

Hard input is a message, never a traceback: an empty or blank first row, a header in
another separator or below a title row, a repeated header (two exports put together), a
quote never closed (which would swallow the rows after it), UTF-16 or mixed encodings, a
text file named .xlsx, a cut-off Parquet file; tests/test_bad_input.py holds a corpus of
such files with their exact messages, tests/test_fuzz_register.py fuzzes the reader.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import re
import zipfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from tjenestemandspension.actuarial.table_validation import (
    FIRST_DATA_ROW,
    MAX_SHOWN_NAME_CHARS,
    ColumnSet,
    cell_text,
    match_header,
    printable,
)
from tjenestemandspension.actuarial.manifest import sha256_bytes
from tjenestemandspension.danish import danish_number
from tjenestemandspension.errors import InputError, Problem
from tjenestemandspension.textfiles import UTF8, decode_text, read_regular_file, sniff_separator

CSV_SUFFIXES = (".csv", ".txt")
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
PARQUET_SUFFIXES = (".parquet", ".pq")
TABLE_SUFFIXES = CSV_SUFFIXES + EXCEL_SUFFIXES + PARQUET_SUFFIXES
_SNIFFED_BYTES = 4096  # what tells a workbook from a text file
_ARROW_BLOCK_BYTES = 1 << 24  # pyarrow reads CSV in blocks this large, in parallel
_MAX_CSV_FIELD = 2**31 - 1
MAX_XLSX_UNPACKED_BYTES = 1 << 30  # 1 GiB of XML: a million-person sheet; more is a zip bomb
MAX_XLSX_ROWS = 1_048_576  # the most rows an Excel sheet holds


@dataclass(frozen=True)
class RawTable:
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
    sha256: str | None = None  # of the bytes read (the manifest records it; None: not from a file)
    columns: ColumnSet | None = None  # the register type's columns with the user's mapping (--columns)
    skipped_rows: tuple[tuple[int, str], ...] | None = None  # (row, why) of totals rows taken out; None: not yet looked


@dataclass(frozen=True)
class ReadOptions:
    """How to read an export as it comes: the sheet that holds the data (`--sheet`, the
    first when None), the spreadsheet row of its header (`--header-row`, 1 when None) and
    the user's mapping of its header names to our columns (`--columns`, a basis'
    [columns])."""

    sheet: str | None = None
    header_row: int | None = None
    columns: Mapping[str, str] = field(default_factory=dict)

    def describe(self) -> dict[str, object]:
        """For the manifest and the run id."""
        return {"sheet": self.sheet, "header_row": self.header_row, "columns": dict(self.columns)}


def read_table(path: str | Path, columns: ColumnSet, options: ReadOptions | None = None) -> RawTable:
    """The table in a file; `columns` are the register type's, for the messages (and
    with `options.columns`, the user's mapping, for the header)."""
    options = options or ReadOptions()
    path = Path(path)
    problems = columns.mapping_problems(options.columns, "--columns")
    if problems:
        raise InputError(problems)
    columns = columns.mapped(options.columns)
    header_row = options.header_row or 1
    if header_row < 1:
        raise InputError.single("expected a header row of 1 or more (as a spreadsheet counts)", file="--header-row",
                                value=header_row)
    noun = columns.noun
    if not path.exists():
        raise InputError.single(f"file not found (expected a {noun}: .csv, .xlsx or .parquet)", file=str(path))
    if path.is_dir():
        raise InputError.single(f"is a folder; expected a {noun} file (.csv, .xlsx or .parquet)", file=str(path))
    suffix = path.suffix.casefold()
    if suffix not in TABLE_SUFFIXES:
        raise InputError.single(f"unsupported file type '{printable(path.suffix)}'; expected .csv, .xlsx or "
                                ".parquet", file=str(path))
    if options.sheet is not None and suffix not in EXCEL_SUFFIXES:
        raise InputError.single("is not an Excel workbook; --sheet applies to .xlsx files", file=str(path))
    if suffix in PARQUET_SUFFIXES and options.header_row not in (None, 1):
        raise InputError.single("is a Parquet file, whose columns have names; --header-row applies to CSV "
                                "and Excel files", file=str(path))
    data = read_regular_file(path, f"a {noun} file (.csv, .xlsx or .parquet)")  # read once, hashed as read
    if suffix in CSV_SUFFIXES:
        table = _read_csv(path, columns, data, header_row)
    elif suffix in EXCEL_SUFFIXES:
        table = _read_excel(path, columns, data, options.sheet, header_row)
    else:
        table = _read_parquet(path, data)
    return dataclasses.replace(table, sha256=sha256_bytes(data), columns=columns)


@contextmanager
def _csv_field_limit(size: int) -> Iterator[None]:
    """Python's csv module refuses fields above 128 KiB; a register's header or a bad row
    may hold more (a pasted text), which is the user's problem to hear about, not a crash."""
    previous = csv.field_size_limit()
    csv.field_size_limit(max(previous, min(size + 1, _MAX_CSV_FIELD)))
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def _read_csv(path: Path, columns: ColumnSet, data: bytes, header_row: int = 1) -> RawTable:
    """A CSV file whose header is in `header_row` (the rows above it, a title, are passed over)."""
    if not re.search(rb"[^\s\xef\xbb\xbf]", data):
        raise InputError.single(f"the file is empty; expected a header row with the {columns.noun} columns",
                                file=str(path))
    text, encoding = decode_text(data, str(path), columns.noun)
    if encoding != UTF8:
        data = text.encode("utf-8")
    text = text.lstrip("\ufeff")
    if header_row == 1:
        return _parse_csv(path, columns, data, text, encoding)
    skip = header_row - 1
    lines = text.splitlines(keepends=True)
    if len(lines) <= skip:
        raise InputError.single(f"has {len(lines)} rows; expected the header in row {header_row} (--header-row)",
                                file=str(path))
    text = "".join(lines[skip:])
    try:
        table = _parse_csv(path, columns, text.encode("utf-8"), text, encoding)
    except InputError as error:  # rows as the file counts them
        raise InputError([dataclasses.replace(p, row=p.row + skip) if p.row is not None else p
                          for p in error.problems]) from None
    rows = table.row_numbers if table.row_numbers is not None else np.arange(len(table.frame)) + FIRST_DATA_ROW
    return dataclasses.replace(table, row_numbers=rows + skip, header_row=header_row)


def _parse_csv(path: Path, columns: ColumnSet, data: bytes, text: str, encoding: str) -> RawTable:
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
        raise InputError.single(_empty_header(columns), file=str(path), row=1)
    names = [f"c{i}" for i in range(len(header))]
    invalid: list[tuple[int, int, str]] = []  # (row number, fields found, row text)

    def invalid_row(row) -> str:
        invalid.append((row.number if row.number is not None else -1, row.actual_columns, row.text))
        return "skip"

    def read(threads: bool) -> pa.Table:
        return pacsv.read_csv(
            io.BytesIO(data),
            read_options=pacsv.ReadOptions(skip_rows=1, column_names=names, use_threads=threads,
                                           block_size=_ARROW_BLOCK_BYTES),
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
        raise InputError.single(f"cannot be read as CSV separated by '{printable(delimiter)}'",
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
            expected = (f"expected {len(header)} fields separated by '{printable(delimiter)}' like the header, "
                        f"found {fields}")
            if "\n" in row_text and row_text.count('"') % 2:
                expected += '; a quote (") in this row is not closed, so the rows after it are read into it'
            elif delimiter == "," and fields > len(header):
                expected += ("; a decimal comma (or a comma in a text) splits a value in two: separate the "
                             "columns by ';', or put such values in quotes")
            problems.append(Problem(file=str(path), row=int(number), expected=expected))
    if problems:
        # a header without the register's columns explains the rows: say that instead
        _, _, header_problems = match_header(header, columns, str(path), header_row=1, sheets=())
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
    return RawTable(frame=frame, source=str(path), danish_numbers=delimiter != ",",
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


def _not_a_workbook(head: bytes, columns: ColumnSet) -> str | None:
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
            return f"is a text file, not an Excel workbook; if it is a CSV {columns.noun}, name it .csv"
    return "is not an Excel workbook (.xlsx)"


def _check_unpacked_size(path: Path, data: bytes) -> None:
    """A workbook is a zip file: one that unpacks to far more than any register (a zip
    bomb) would exhaust the memory. zipfile stops at each member's declared size, so the
    declared sizes bound what openpyxl can unpack."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError):
        return  # openpyxl's reading says what is wrong
    if unpacked > MAX_XLSX_UNPACKED_BYTES:
        raise InputError.single(
            f"unpacks to {danish_number(unpacked / 2**20)} MiB, more than the "
            f"{danish_number(MAX_XLSX_UNPACKED_BYTES / 2**20)} MiB "
            "of the largest workbook read; save a register this large as CSV UTF-8 or Parquet", file=str(path))


def _read_excel(path: Path, columns: ColumnSet, data: bytes, sheet: str | None = None,
                header_row: int = 1) -> RawTable:
    reason = _not_a_workbook(data[:_SNIFFED_BYTES], columns)
    if reason:
        raise InputError.single(reason, file=str(path))
    _check_unpacked_size(path, data)
    try:
        with pd.ExcelFile(io.BytesIO(data), engine="openpyxl") as workbook:
            sheets = tuple(str(name) for name in workbook.sheet_names)
            if sheet is not None and sheet not in sheets:
                raise InputError.single(
                    f"has no sheet named '{printable(sheet)}' (--sheet); its sheets are "
                    f"{', '.join(repr(printable(s, MAX_SHOWN_NAME_CHARS)) for s in sheets)}", file=str(path))
            raw = pd.read_excel(workbook, sheet_name=sheets.index(sheet) if sheet is not None else 0, header=None,
                                dtype=object, nrows=MAX_XLSX_ROWS + 1)
    except InputError:
        raise
    except Exception as error:  # noqa: BLE001 - openpyxl raises many kinds for a damaged file
        raise InputError.single(f"cannot be read as an Excel workbook ({type(error).__name__}); the file "
                                "is damaged or not .xlsx", file=str(path)) from None
    if len(raw) > MAX_XLSX_ROWS:
        raise InputError.single(f"has more than {danish_number(MAX_XLSX_ROWS)} rows, the most a sheet holds; the workbook is "
                                "damaged", file=str(path))
    if sheet is not None:  # the chosen sheet is the one in question, in every message
        sheets = (sheet,)
    skip = header_row - 1
    raw = raw.iloc[skip:]
    header = [cell_text(v).strip() if not _is_missing(v) else "" for v in raw.iloc[0]] if len(raw) else []
    body = raw.iloc[1:]
    filled = body.map(lambda v: not _is_missing(v) and not (isinstance(v, str) and not v.strip()))
    keep_rows = filled.any(axis=1).to_numpy()
    keep_columns = np.array([bool(name) for name in header], dtype=bool) | filled.any(axis=0).to_numpy()
    if not any(header) and keep_rows.any():
        raise InputError.single(_empty_header(columns, header_row), file=str(path), row=header_row)
    if not any(header):
        first = f" '{printable(sheets[0])}'" if sheets else ""
        which = "the sheet" if sheet is not None else "the first sheet"
        raise InputError.single(f"{which}{first} is empty; expected the {columns.noun} there, with the "
                                f"header in row {header_row}", file=str(path))
    row_numbers = (np.arange(len(body), dtype=np.int64) + FIRST_DATA_ROW + skip)[keep_rows]
    frame = body.loc[keep_rows, keep_columns].reset_index(drop=True)
    frame.columns = [name for name, keep in zip(header, keep_columns) if keep]
    return RawTable(frame=frame, source=str(path), danish_numbers=True, row_numbers=row_numbers,
                    header_row=header_row, sheets=sheets)


def _is_missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NaT


def _read_parquet(path: Path, data: bytes) -> RawTable:
    try:
        frame = pd.read_parquet(io.BytesIO(data))
    except ImportError:
        raise InputError.single("reading Parquet needs the pyarrow package", file=str(path)) from None
    except Exception as error:  # noqa: BLE001 - pyarrow raises several kinds for a bad file
        head, tail = data[:4], data[-4:]
        if head == b"PAR1" and tail != b"PAR1":
            reason = "is an incomplete Parquet file (its end is missing: cut off in copying?)"
        elif head != b"PAR1":
            reason = "is not a Parquet file"
        else:
            reason = f"cannot be read as Parquet ({type(error).__name__})"
        raise InputError.single(reason, file=str(path)) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    for name in frame.columns:
        # Parquet's text comes as UTF-8 bytes that nothing checked when read: a damaged
        # byte would end in a traceback at the first value shown
        if isinstance(frame[name].dtype, pd.StringDtype) and frame[name].dtype.storage == "pyarrow":
            try:
                pa.array(frame[name]).validate(full=True)
            except pa.ArrowInvalid:
                raise InputError.single(f"holds text that is not UTF-8 in the column '{printable(name)}'; the "
                                        "Parquet file is damaged", file=str(path)) from None
    return RawTable(frame=frame, source=str(path), danish_numbers=True, header_row=None)


def _empty_header(columns: ColumnSet, row: int = 1) -> str:
    return (f"expected the header row, naming the columns ({', '.join(columns.required)}, ...), "
            f"in row {row}; row {row} is empty")
