"""Validating a table read from a file: the helpers every register type uses.

A register type (the member register of member_register.py; the work-injury case
register next) describes its columns in a `ColumnSet` and validates a `RawTable`
(table_reading.py) column by column with these helpers:

- `match_header`: the file's column names to canonical ones (case-insensitive, Danish
  letters folded, aliases), with what is missing, doubled or ignored;
- `Collector`: every problem with the file, the row as a spreadsheet counts it, the
  row's id (never one that looks like a CPR number), the column as the file names it,
  the value and what was expected; values that look like CPR numbers are never echoed;
- parsers that read a whole column at once and report what they cannot read:
  `numbers` (decimal comma or point, thousands separators), `dates` (one format per
  column), `codes` (words to codes), `labels`, `text`.

Number formats: in a semicolon- or tab-separated file (and in Excel text cells) the
comma is the decimal separator and a point is a thousands separator when it groups
digits in threes (`450.000` = 450000, `1.234,50` = 1234.5, but `0.125` = 0.125);
otherwise a point is a decimal point (`0.5`). In a comma-separated file the point is the
decimal separator. Excel and Parquet cells that hold numbers are taken as they are.
Dates: `YYYY-MM-DD` (also with a time part, as Excel writes it) or `DD-MM-YYYY`
(`-`, `.` or `/`); one format per column, so a US-style date cannot slip through.
"""

from __future__ import annotations

import datetime as dt
import decimal
import numbers as numbers_abc
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from tjenestemandspension.errors import Problem
from tjenestemandspension.i18n import _

FIRST_DATA_ROW = 2  # spreadsheet numbering: the header is row 1
UNREADABLE_CODE = -2  # `codes`: a word the column does not know (-1, UNKNOWN, is an empty cell)
MAX_LISTED_ROWS = 5  # rows named in one message before "and N more"
MAX_SHOWN_CHARS = 60  # a name or value in a message is cut beyond this
MAX_SHOWN_NAME_CHARS = 30  # a column or sheet name listed in a hint
MAX_SHOWN_ID_CHARS = 40  # a row's id beside its row number
_DANISH_FOLD = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "-": "_", " ": "_"})
# a CPR number anywhere in a text (DDMMYY-NNNN, with or without the dash or a space), or
# as Excel keeps it as a number: 10 digits, or 9 when the leading zero was lost
_CPR = re.compile(r"(?<!\d)\d{6}[-\s]?\d{4}(?!\d)|^\s*\d{9}(\.0)?\s*$")
_CPR_NUMBERS = (1e8, 1e10)  # 9 or 10 digits
_DATE_FORMATS = (  # (detector, strptime format, name shown to users)
    (re.compile(r"^\d{4}-\d{2}-\d{2}([ T]00:00(:00)?)?$"), "%Y-%m-%d", "YYYY-MM-DD"),
    (re.compile(r"^\d{1,2}-\d{1,2}-\d{4}$"), "%d-%m-%Y", "DD-MM-YYYY"),
    (re.compile(r"^\d{1,2}\.\d{1,2}\.\d{4}$"), "%d.%m.%Y", "DD.MM.YYYY"),
    (re.compile(r"^\d{1,2}/\d{1,2}/\d{4}$"), "%d/%m/%Y", "DD/MM/YYYY"),
)
ISO_DATE_CHARS = 10  # YYYY-MM-DD, without Excel's time part


# --- what a message may show ---------------------------------------------------------------

def printable(text: object, limit: int = MAX_SHOWN_CHARS) -> str:
    """A name or text as one line of a message: control characters escaped, long ones cut."""
    shown = "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in str(text)[: limit + 1])
    return shown if len(shown) <= limit else shown[: limit - 3] + "..."


def looks_like_cpr(value: object) -> bool:
    if value is None or isinstance(value, (bool, np.bool_)):
        return False
    if isinstance(value, (numbers_abc.Real, decimal.Decimal)):
        number = float(value)
        low, high = _CPR_NUMBERS
        return bool(np.isfinite(number)) and number.is_integer() and low <= abs(number) < high
    return bool(_CPR.search(str(value)))


def shown_name(name: str) -> str:
    return "(a CPR number, not shown)" if looks_like_cpr(name) else repr(printable(name, MAX_SHOWN_NAME_CHARS))


# --- the header --------------------------------------------------------------------------------

def normalise_header(name: object) -> str:
    return str(name).strip().casefold().translate(_DANISH_FOLD)


def fold(word: object) -> str:
    """A word as codes are looked up: case and Danish letters folded (`Ægtefælle` = `aegtefaelle`)."""
    return str(word).casefold().translate(_DANISH_FOLD)


@dataclass(frozen=True)
class ColumnSet:
    """The columns of one register type: canonical names with their accepted aliases, and
    those every file must have. `noun` names the register in messages ("register")."""

    noun: str
    aliases: Mapping[str, tuple[str, ...]]
    required: tuple[str, ...]
    by_name: Mapping[str, str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_name", {normalise_header(name): canonical
                                             for canonical, aliases in self.aliases.items()
                                             for name in (canonical, *aliases)})

    def canonical(self, name: object) -> str | None:
        return self.by_name.get(normalise_header(name))

    @property
    def required_text(self) -> str:
        """`person_id, birth_date, sex and status`."""
        return ", ".join(self.required[:-1]) + " and " + self.required[-1]


def _foreign_separator(name: str, columns: ColumnSet) -> str | None:
    """The character that seems to separate the column names of a one-column header."""
    candidates = {ch for ch in name if not ch.isalnum() and ch not in "_- .\ufeff"}
    found = []
    for separator in sorted(candidates):
        known = sum(columns.canonical(part) is not None for part in name.split(separator))
        found.append((known, f"'{printable(separator)}'"))
    known = sum(columns.canonical(part) is not None for part in name.split())
    found.append((known, "spaces"))
    best = max(found)
    return best[1] if best[0] >= 2 else None


def _header_hint(names: list[str], sheets: tuple[str, ...], columns: ColumnSet) -> str:
    """Why none of the required columns is found: a foreign separator, or another row."""
    shown = [name for name in names if name]
    if len(shown) == 1:
        separator = _foreign_separator(shown[0], columns)
        if separator:
            return (f"expected the columns separated by ';', ',' or a tab; found one column, the names in "
                    f"it separated by {separator}")
    listed = ", ".join(shown_name(name) for name in shown[:4]) + (", ..." if len(shown) > 4 else "")
    listed = listed or "no column names"
    where = ""
    if len(sheets) > 1:
        where = (f" (of the sheets {', '.join(repr(printable(s, MAX_SHOWN_NAME_CHARS)) for s in sheets[:4])}"
                 f"{', ...' if len(sheets) > 4 else ''}, the first is read)")
    return f"expected a header naming the columns {columns.required_text}; found {listed}{where}"


def match_header(names: list[str], columns: ColumnSet, source: str, header_row: int | None,
                 sheets: tuple[str, ...]) -> tuple[dict[str, str], list[str], list[Problem]]:
    """(canonical → the file's column name, ignored columns, problems) of a header."""
    header_names: dict[str, str] = {}
    problems: list[Problem] = []
    ignored: list[str] = []
    for name in names:
        canonical = columns.canonical(name)
        if canonical is None:
            ignored.append(str(name))
        elif canonical in header_names:
            problems.append(Problem(
                file=source, column=printable(name),
                expected=_("the column {column} is given twice ('{first}' and '{second}')").format(
                    column=canonical, first=printable(header_names[canonical]), second=printable(name))))
        else:
            header_names[canonical] = str(name)
    missing = [canonical for canonical in columns.required if canonical not in header_names]
    if len(missing) == len(columns.required):
        problems.insert(0, Problem(file=source, row=header_row, expected=_header_hint(names, sheets, columns)))
    for canonical in missing:
        aliases = columns.aliases[canonical]
        also = _(" (also accepted: {aliases})").format(aliases=", ".join(aliases)) if aliases else ""
        problems.append(Problem(file=source, column=canonical, expected=_("required column missing") + also))
    return header_names, ignored, problems


# --- problems ----------------------------------------------------------------------------------

class Collector:
    """Collects problems with the row numbers and column names the user sees.

    `row_ids` (set once the id column is read) names each row's id beside its row
    number, except in problems of the id column itself.
    """

    def __init__(self, source: str, header_names: dict[str, str], row_numbers: np.ndarray | None,
                 id_column: str):
        self.source = source
        self.header_names = header_names
        self.row_numbers = row_numbers
        self.id_column = id_column
        self.row_ids: pd.Series | None = None
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

    def row_id(self, canonical: str | None, index: int | None) -> str | None:
        """The row's id to name beside its row number; never one that looks like a CPR."""
        if index is None or canonical == self.id_column or self.row_ids is None:
            return None
        text = self.row_ids.iloc[index]
        if not text or looks_like_cpr(text):
            return None
        return printable(text, MAX_SHOWN_ID_CHARS)

    def add(self, canonical: str | None, index: int | None, value: object, expected: str) -> None:
        shown = value
        show = True
        if looks_like_cpr(value):
            show = False  # never echo what looks like a CPR number
            expected = _(expected) + _(" (the value looks like a CPR number and is not shown)")
        if isinstance(value, str) and value == "":
            shown = None
            show = False
        self.problems.append(Problem(
            person_id=self.row_id(canonical, index),
            id_name=self.id_column,
            file=self.source,
            row=None if index is None else self.row_number(index),
            column=printable(self.header_names.get(canonical, canonical)) if canonical else None,
            value=shown, show_value=show, expected=expected))

    def row_list(self, indices: np.ndarray) -> str:
        """`2, 5, 7, 9, 11 and 3 more`."""
        rows = [str(self.row_number(int(i))) for i in indices[:MAX_LISTED_ROWS]]
        more = indices.size - len(rows)
        return ", ".join(rows) + (f" and {more} more" if more > 0 else "")


def in_file_order(problems: list[Problem], columns: list[str]) -> list[Problem]:
    """Problems about whole columns first, then by row, and within a row by column."""
    position = {name: i for i, name in enumerate(columns)}
    return sorted(problems, key=lambda p: (p.row is not None, p.row or 0, position.get(p.column or "", -1)))


# --- columns -------------------------------------------------------------------------------------

def _is_arrow_text(series: pd.Series) -> bool:
    return isinstance(series.dtype, pd.StringDtype) and series.dtype.storage == "pyarrow"


def text(series: pd.Series) -> pd.Series:
    """Column values as stripped text ('' where empty), whatever the file's types."""
    if pd.api.types.is_datetime64_any_dtype(series):
        return series.dt.strftime("%Y-%m-%d").fillna("")
    if _is_arrow_text(series):
        return series.fillna("").str.strip()  # CSV: already text, stay vectorised
    converted = series.astype(object).where(series.notna(), "")
    return converted.map(cell_text).astype(pd.StringDtype("pyarrow", na_value=np.nan)).str.strip()


def cell_text(value: object) -> str:
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


def numbers(series: pd.Series, danish: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
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
    texts = pa.array(text(series), type=pa.string())
    empty_flags = pc.equal(texts, "")
    compact = pc.replace_substring(pc.replace_substring(texts, " ", ""), "\u00a0", "")
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


def dates(series: pd.Series, canonical: str, collect: Collector) -> tuple[np.ndarray, np.ndarray]:
    """(datetime64[D] with NaT where empty or bad, empty mask); bad values are reported."""
    if pd.api.types.is_datetime64_any_dtype(series):
        if getattr(series.dt, "tz", None) is not None:
            series = series.dt.tz_localize(None)  # the local calendar date
        values = series.to_numpy().astype("datetime64[D]")
        return values, np.isnat(values)
    texts = text(series)
    empty = (texts == "").to_numpy()
    result = np.full(len(texts), np.datetime64("NaT"), dtype="datetime64[D]")
    present = np.flatnonzero(~empty)
    if present.size == 0:
        return result, empty
    first_value = texts.iloc[present[0]]
    chosen = next((f for f in _DATE_FORMATS if f[0].match(first_value)), None)
    if chosen is None:
        for index in present:
            collect.add(canonical, int(index), texts.iloc[index],
                        _("expected a date as YYYY-MM-DD or DD-MM-YYYY"))
        return result, empty
    pattern, strformat, name = chosen
    cleaned = texts.str.slice(0, ISO_DATE_CHARS) if strformat == "%Y-%m-%d" else texts
    # pandas' parser is strict (2024-02-30 is not a date), unlike pyarrow's strptime
    values = pd.to_datetime(cleaned, format=strformat, errors="coerce").to_numpy().astype("datetime64[D]")
    bad = ~empty & np.isnat(values)
    if np.any(bad):
        first_row = collect.row_number(int(present[0]))
        for index in np.flatnonzero(bad):
            value = texts.iloc[index]
            if pattern.match(value) and _is_calendar_date(value, strformat):
                expected = _("expected a date in the years 1678 to 2261")  # what numpy's calendar holds
            elif pattern.match(value):
                expected = _("expected a valid calendar date ({format})").format(format=name)
            else:
                expected = _("expected a date in the column's format {format} (as in row {row})").format(
                    format=name, row=first_row)
            collect.add(canonical, int(index), value, expected)
    return values, empty


def _is_calendar_date(value: str, strformat: str) -> bool:
    try:
        dt.datetime.strptime(value[:ISO_DATE_CHARS] if strformat == "%Y-%m-%d" else value, strformat)
    except ValueError:
        return False
    return True


def codes(series: pd.Series, words: Mapping[str, int], unknown: int) -> tuple[np.ndarray, np.ndarray]:
    """(codes with `unknown` (negative) where empty or not a known word, unreadable mask), mapping each
    distinct text once rather than every row. `words` are folded (see `fold`)."""
    positions, distinct = pd.factorize(text(series))
    mapped = np.array([words.get(fold(word), UNREADABLE_CODE) for word in distinct] + [unknown], dtype=np.int16)
    found = mapped[positions]  # factorize marks missing values -1: the appended `unknown`
    empty_position = next((i for i, word in enumerate(distinct) if str(word) == ""), None)
    empty = positions == empty_position if empty_position is not None else np.zeros(len(series), bool)
    unreadable = (found == UNREADABLE_CODE) & ~empty
    return np.where(found < 0, unknown, found).astype(np.int8), unreadable


def labels(series: pd.Series | None, n: int) -> np.ndarray:
    """A text column of few distinct values (a unit, a kommune) as objects, '' where empty
    or absent."""
    if series is None:
        return np.full(n, "", dtype=object)
    positions, distinct = pd.factorize(text(series))  # few distinct names, many rows
    return np.asarray(list(distinct) + [""], dtype=object)[positions]
