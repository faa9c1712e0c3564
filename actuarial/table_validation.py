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
decimal separator, and a comma inside a number ('120,840') is refused as ambiguous.
Excel and Parquet cells that hold numbers are taken as they are. Keys and names (ids,
codes, units, kommuner: `key_text`) are compared in Unicode NFC with invisible
characters removed; zoned timestamps are dates in Denmark (`local_dates`).
Dates: `YYYY-MM-DD` (also with a time part, as Excel writes it) or `DD-MM-YYYY`
(`-`, `.` or `/`); one format per column, so a US-style date cannot slip through.
"""

from __future__ import annotations

import datetime as dt
import decimal
import numbers as numbers_abc
import re
import unicodedata
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
MAX_LISTED_NAMES = 8  # column names listed in one message before "and N more"
TOTALS_TOLERANCE = 0.5  # a totals row's amount equals its column's sum up to a total rounded to whole units
TOTALS_WORDS = ("i alt", "ialt", "total", "totalt", "sum", "i alt:", "total:")  # a totals row's label, folded
MAX_SHOWN_CHARS = 60  # a name or value in a message is cut beyond this
MAX_SHOWN_NAME_CHARS = 30  # a column or sheet name listed in a hint
MAX_SHOWN_ID_CHARS = 40  # a row's id beside its row number
MAX_ID_CHARS = 100  # an id; more is a pasted text, not an id (and Excel cuts a cell at 32,767)
MAX_LABEL_BYTES = 200  # a unit or kommune name: a folder name holds at most 255 bytes
AMBIGUOUS_COMMA = ("expected a number without a comma: in a comma-separated file '120,840' may mean 120840 or "
                   "120.84; write 120840 or 120.84")
_DANISH_FOLD = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "-": "_", " ": "_"})
# a CPR number anywhere in a text (DDMMYY-NNNN, with or without the dash or a space), or
# as Excel keeps it as a number: 10 digits, or 9 when the leading zero was lost
_CPR = re.compile(r"(?<!\d)\d{6}[-\s]?\d{4}(?!\d)|^\s*\d{9}(\.0)?\s*$")
_CPR_IN_TEXT = re.compile(r"(?<!\d)\d{6}[-\s]?\d{4}(?!\d)")
_CPR_NUMBERS = (1e8, 1e10)  # 9 or 10 digits
_DATE_FORMATS = (  # (detector, strptime format, name shown to users)
    (re.compile(r"^\d{4}-\d{2}-\d{2}([ T]00:00(:00)?)?$"), "%Y-%m-%d", "YYYY-MM-DD"),
    (re.compile(r"^\d{1,2}-\d{1,2}-\d{4}$"), "%d-%m-%Y", "DD-MM-YYYY"),
    (re.compile(r"^\d{1,2}\.\d{1,2}\.\d{4}$"), "%d.%m.%Y", "DD.MM.YYYY"),
    (re.compile(r"^\d{1,2}/\d{1,2}/\d{4}$"), "%d/%m/%Y", "DD/MM/YYYY"),
)
ISO_DATE_CHARS = 10  # YYYY-MM-DD, without Excel's time part
_ISO_TIME_PART = r"^(\d{4}-\d{2}-\d{2})[ T]00:00(:00)?$"  # Excel's midnight, the only time part accepted
# invisible characters that make two equal keys differ: BOM, zero-width and joiner
# characters, soft hyphen, direction marks and embeddings
INVISIBLE_CHARACTERS = "\ufeff\u200b\u200c\u200d\u2060\u00ad\u200e\u200f\u202a-\u202e\u2066-\u2069"
_INVISIBLE = re.compile(f"[{INVISIBLE_CHARACTERS}]")
LOCAL_TIME_ZONE = "Europe/Copenhagen"  # a zoned timestamp's date is the date in Denmark


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

def clean_key(text: object) -> str:
    """A key or name as it is compared: NFC (an 'å' typed as a + ring is 'å'), invisible
    characters (a BOM, zero-width spaces, direction marks) removed, stripped."""
    return _INVISIBLE.sub("", unicodedata.normalize("NFC", str(text))).strip()


def mask_cpr(text: object) -> str:
    """A name with every CPR number in it replaced by xxxxxx-xxxx (messages, folder names)."""
    return _CPR_IN_TEXT.sub("xxxxxx-xxxx", str(text))


def normalise_header(name: object) -> str:
    return clean_key(name).casefold().translate(_DANISH_FOLD)


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
    mapping: Mapping[str, str] = field(default_factory=dict)  # a user's export header → canonical (--columns)
    mappable: bool = True  # whether the command that reads it takes --columns (the hint names it)
    by_name: Mapping[str, str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        by_name = {normalise_header(name): canonical for canonical, aliases in self.aliases.items()
                   for name in (canonical, *aliases)}
        by_name.update({normalise_header(name): canonical for name, canonical in self.mapping.items()})
        object.__setattr__(self, "by_name", by_name)

    def mapped(self, mapping: Mapping[str, str]) -> "ColumnSet":
        """The same columns with a user's mapping of an export's header names on top; the
        mapping is checked first (`mapping_problems`)."""
        if not mapping:
            return self
        return ColumnSet(noun=self.noun, aliases=self.aliases, required=self.required,
                         mapping={**self.mapping, **mapping}, mappable=self.mappable)

    def mapping_problems(self, mapping: Mapping[str, object], source: str) -> list[Problem]:
        """A mapping's targets must be our columns, each named once."""
        problems = []
        targets: dict[str, str] = {}
        for name, target in mapping.items():
            if not isinstance(target, str) or target not in self.aliases:
                problems.append(Problem(file=source, key=str(name), value=target, expected=(
                    f"expected one of the {self.noun}'s columns: {', '.join(self.aliases)}")))
            elif target in targets:
                problems.append(Problem(file=source, key=str(name), value=target, expected=(
                    f"the column {target} is already mapped from '{printable(targets[target])}'")))
            else:
                targets[target] = str(name)
        return problems

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
                 f"{', ...' if len(sheets) > 4 else ''}, the first is read; choose another with --sheet NAME)")
    elif len(shown) == 1:
        where = " (a title above the header? give the header's row with --header-row N)"
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
        hint = "" if len(missing) == len(columns.required) else unrecognised_hint(ignored, canonical,
                                                                                 columns.mappable)
        problems.append(Problem(file=source, column=canonical, expected=_("required column missing") + also + hint))
    return header_names, ignored, problems


def unrecognised_hint(ignored: list[str], canonical: str, mappable: bool = True) -> str:
    """What to say about the columns the header did not recognise when `canonical` is
    missing: their names, and how to map one (`--columns`)."""
    unrecognised = [name for name in ignored if str(name).strip()]
    if not unrecognised:
        return ""
    listed = ", ".join(shown_name(name) for name in unrecognised[:MAX_LISTED_NAMES])
    more = len(unrecognised) - MAX_LISTED_NAMES
    example = printable(unrecognised[0], MAX_SHOWN_NAME_CHARS).replace('"', "'")
    named = f"; columns not recognised: {listed}{f' and {more} more' if more > 0 else ''}"
    if not mappable:
        return named
    return f"{named} (map one with --columns FILE, e.g. \"{example}\" = \"{canonical}\")"


def totals_rows(frame: pd.DataFrame, header_names: Mapping[str, str], id_column: str,
                amount_columns: tuple[str, ...], danish: bool) -> list[tuple[int, str]]:
    """(position, why) of the rows that are an export's totals row, not a person: a row
    whose id is empty or a totals word ("I alt", "Total") with such a word in some cell, or
    a row whose id is empty and whose amounts equal the sums of the other rows."""
    ids = text(frame[header_names[id_column]]).reset_index(drop=True)
    folded_ids = ids.str.casefold()
    candidates = np.flatnonzero(((ids == "") | folded_ids.isin(TOTALS_WORDS)).to_numpy(dtype=bool, na_value=False))
    if candidates.size == 0 or candidates.size == len(frame):
        return []
    found: dict[int, str] = {}
    for position in range(frame.shape[1]):
        values = text(frame.iloc[candidates, position].reset_index(drop=True))
        labelled = values.str.casefold().isin(TOTALS_WORDS).to_numpy(dtype=bool, na_value=False)
        for index in np.flatnonzero(labelled):
            found.setdefault(int(candidates[index]), f"sumrække '{printable(values.iloc[index])}'")
    empty_ids = [int(i) for i in candidates if ids.iloc[i] == "" and int(i) not in found]
    present = [name for name in amount_columns if name in header_names]
    if empty_ids and present:
        columns = {name: numbers(frame[header_names[name]].reset_index(drop=True), danish)[0] for name in present}
        others = np.ones(len(frame), dtype=bool)
        others[candidates] = False
        for index in empty_ids:
            given = [(values[index], np.nansum(values[others])) for values in columns.values()
                     if np.isfinite(values[index])]
            if given and all(abs(value - total) <= TOTALS_TOLERANCE for value, total in given):
                found[index] = "sumrække uden id: beløbene er kolonnernes summer"
    return sorted(found.items())


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
        return local_dates(series).dt.strftime("%Y-%m-%d").fillna("")
    if _is_arrow_text(series):
        return series.fillna("").str.strip()  # CSV: already text, stay vectorised
    converted = series.astype(object).where(series.notna(), "")
    return converted.map(cell_text).astype(pd.StringDtype("pyarrow", na_value=np.nan)).str.strip()


def local_dates(series: pd.Series) -> pd.Series:
    """Timestamps without a zone as they are; zoned ones (a Parquet file in UTC) as the
    time in Denmark, so that midnight in Copenhagen stays the same date."""
    if getattr(series.dt, "tz", None) is not None:
        return series.dt.tz_convert(LOCAL_TIME_ZONE).dt.tz_localize(None)
    return series


def key_text(series: pd.Series | None) -> pd.Series | None:
    """A column of keys or names (ids, codes, units, kommuner) as text compared as
    `clean_key` compares: NFC, invisible characters removed, stripped."""
    if series is None:
        return None
    plain = text(series)
    texts = pa.array(plain, type=pa.string())
    if not pc.any(pc.match_substring_regex(texts, "[^\\x00-\\x7f]")).as_py():
        return plain  # ASCII only: nothing to normalise
    cleaned = pc.utf8_trim_whitespace(pc.replace_substring_regex(pc.utf8_normalize(texts, "NFC"),
                                                                 f"[{INVISIBLE_CHARACTERS}]", ""))
    return pd.Series(cleaned.to_pandas(types_mapper={pa.string(): pd.StringDtype("pyarrow", na_value=np.nan)}.get),
                     index=series.index).fillna("")


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
        # 120,840 in a comma file: a thousands separator or a decimal comma? not read (AMBIGUOUS_COMMA)
        grouped = pc.match_substring_regex(compact, r"^-?\d+(,\d+)+(\.\d*)?$")
        compact = pc.if_else(grouped, pa.scalar(None, pa.string()), compact)
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
        values = local_dates(series).to_numpy().astype("datetime64[D]")
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
    cleaned = texts.str.replace(_ISO_TIME_PART, r"\1", regex=True) if strformat == "%Y-%m-%d" else texts
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
        dt.datetime.strptime(re.sub(_ISO_TIME_PART, r"\1", value) if strformat == "%Y-%m-%d" else value, strformat)
    except ValueError:
        return False
    return True


def codes(series: pd.Series, words: Mapping[str, int], unknown: int) -> tuple[np.ndarray, np.ndarray]:
    """(codes with `unknown` (negative) where empty or not a known word, unreadable mask), mapping each
    distinct text once rather than every row. `words` are folded (see `fold`)."""
    positions, distinct = pd.factorize(text(series))
    distinct = [clean_key(word) for word in distinct]  # as key_text, on the few distinct words only
    mapped = np.array([words.get(fold(word), UNREADABLE_CODE) for word in distinct] + [unknown], dtype=np.int16)
    found = mapped[positions]  # factorize marks missing values -1: the appended `unknown`
    empty_positions = [i for i, word in enumerate(distinct) if word == ""]
    empty = np.isin(positions, empty_positions)
    unreadable = (found == UNREADABLE_CODE) & ~empty
    return np.where(found < 0, unknown, found).astype(np.int8), unreadable


def labels(series: pd.Series | None, n: int, canonical: str | None = None,
           collect: Collector | None = None) -> np.ndarray:
    """A text column of few distinct values (a unit, a kommune) as objects, '' where empty
    or absent; with `collect`, a name longer than MAX_LABEL_BYTES (a folder name's limit)
    is a problem, its value not shown."""
    if series is None:
        return np.full(n, "", dtype=object)
    positions, distinct = pd.factorize(text(series))  # few distinct names, many rows
    distinct = [clean_key(name) for name in distinct]  # as key_text: NFC and NFD spellings become one
    if collect is not None:
        for code, name in enumerate(distinct):
            if len(str(name).encode("utf-8")) > MAX_LABEL_BYTES:
                first = int(np.flatnonzero(positions == code)[0])
                collect.add(canonical, first, None, f"expected a name of at most {MAX_LABEL_BYTES} bytes (UTF-8); "
                                                    "the name is not shown")
    return np.asarray(list(distinct) + [""], dtype=object)[positions]


def ids(series: pd.Series, canonical: str, collect: Collector) -> pd.Series:
    """A column of ids as texts: whole numbers as whole numbers (a Parquet float 1.0 is
    '1', a documented conversion), keys cleaned (`key_text`); an id with decimals, bytes
    or more than MAX_ID_CHARS characters is a problem."""
    if pd.api.types.is_float_dtype(series):
        values = series.to_numpy(dtype=float, na_value=np.nan)
        whole = np.isnan(values) | (np.isfinite(values) & (values == np.round(values)))
        collect.rows(canonical, ~whole, values, "expected a whole number or a text as id, not a number with "
                                                "decimals")
        texts = [("" if np.isnan(v) else str(int(v))) if w else repr(float(v)) for v, w in zip(values, whole)]
        series = pd.Series(texts, index=series.index, dtype=object)
    elif series.dtype == object:
        binary = series.map(lambda v: isinstance(v, (bytes, bytearray))).to_numpy(dtype=bool)
        collect.rows(canonical, binary, None, "expected a text or a number as id; the column holds bytes (binary "
                                              "Parquet data)")
        if binary.any():  # shown as b'...' in no message: the row is refused already
            series = series.where(~binary, series.map(repr))
    cleaned = key_text(series)
    long = (cleaned.str.len() > MAX_ID_CHARS).to_numpy(dtype=bool, na_value=False)
    collect.rows(canonical, long, cleaned, f"expected an id of at most {MAX_ID_CHARS} characters")
    return cleaned


def add_years(days: np.ndarray, years: int) -> np.ndarray:
    """datetime64[D] dates `years` later (29 February to 1 March in a common year)."""
    months = days.astype("datetime64[M]")
    return (months + np.timedelta64(12 * years, "M")).astype("datetime64[D]") + (days - months.astype("datetime64[D]"))


def years_before(date: dt.date, years: int) -> np.datetime64:
    """The date `years` before `date` (28 February for 29 February)."""
    try:
        earlier = date.replace(year=date.year - years)
    except ValueError:
        earlier = date.replace(year=date.year - years, day=28)
    return np.datetime64(earlier, "D")
