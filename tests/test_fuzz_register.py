"""Random fuzzing of the register reader: whatever the file holds, `read_register` and then
`value` end either in a valuation with finite amounts or in a clean `InputError` whose
every problem is one non-empty line. Any other exception is a bug.

The registers are mutations of a small valid one: random cell values (unicode, numbers
with commas and points, dates in odd formats, empty, huge, negative, NaN and inf texts),
columns dropped, repeated or renamed, rows dropped, repeated, blanked or cut short, then
written with a random separator, quoting, line ending and encoding as CSV, or as Excel or
Parquet from typed cells, and finally perhaps damaged byte by byte or cut off.
Hypothesis prints the falsifying example (and how to reproduce it) on failure.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import os
import re
import tempfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from tjenestemandspension.actuarial import Register, load_basis, read_register, register_from_frame, resolve_assumptions, value
from tjenestemandspension.actuarial.results import AMOUNT_COLUMNS
from tjenestemandspension.errors import InputError

pytestmark = [pytest.mark.fuzz, pytest.mark.english]  # English messages; a quick loop skips these: python -m pytest -m "not fuzz"

V = dt.date(2024, 12, 31)
# a longer campaign: TJP_FUZZ_SCALE=50 python -m pytest tests/test_fuzz_register.py
SCALE = max(1, int(os.environ.get("TJP_FUZZ_SCALE", "1")))
FUZZ = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
                print_blob=True)

COLUMNS = ["person_id", "birth_date", "sex", "status", "service_years", "pensionable_salary", "projected_salary",
           "annual_pension", "hire_date", "pension_age", "employment_fraction", "married", "spouse_birth_date",
           "spouse_sex", "state_share", "insured_share", "unit", "municipality"]
ROWS = [  # one person of every status, with the optional columns used
    ["A1", "1965-04-12", "M", "active", "20,5", "450.000", "470000", "", "1990-08-01", "", "1", "ja",
     "1967-03-03", "K", "0,1", "0", "Teknik", "Aarhus"],
    ["A2", "1970-01-31", "K", "deferred", "12", "380000,50", "", "", "2001-01-01", "63", "0,8", "", "", "",
     "0", "0", "Social", "Aarhus"],
    ["A3", "1950-06-01", "K", "retired", "", "", "", "210.000,00", "", "", "", "nej", "", "", "0", "0,2",
     "Social", "Aarhus"],
    ["A4", "1945-02-03", "M", "spouse", "", "", "", "95000", "", "", "", "", "", "", "", "", "", "Aarhus"],
    ["A5", "2010-08-08", "K", "child", "", "", "", "18000", "", "", "", "", "", "", "", "", "Skole", ""],
    ["A6", "1960-11-30", "M", "aktiv", "37", "520000", "", "", "", "", "", "true", "", "", "", "", "", ""],
]
TYPED_ROWS = [  # the same persons as Excel or Parquet cells
    ["A1", dt.datetime(1965, 4, 12), "M", "active", 20.5, 450000.0, 470000.0, None, dt.datetime(1990, 8, 1), None,
     1.0, "ja", dt.datetime(1967, 3, 3), "K", 0.1, 0.0, "Teknik", "Aarhus"],
    ["A2", dt.datetime(1970, 1, 31), "K", "deferred", 12, 380000.5, None, None, dt.datetime(2001, 1, 1), 63, 0.8,
     None, None, None, 0, 0, "Social", "Aarhus"],
    ["A3", dt.datetime(1950, 6, 1), "K", "retired", None, None, None, 210000.0, None, None, None, False, None, None,
     0.0, 0.2, "Social", "Aarhus"],
    ["A4", dt.datetime(1945, 2, 3), "M", "spouse", None, None, None, 95000, None, None, None, None, None, None,
     None, None, None, "Aarhus"],
    ["A5", dt.datetime(2010, 8, 8), "K", "child", None, None, None, 18000, None, None, None, None, None, None,
     None, None, "Skole", None],
    ["A6", dt.datetime(1960, 11, 30), "M", "aktiv", 37, 520000, None, None, None, None, None, True, None, None,
     None, None, None, None],
]

# --- values -------------------------------------------------------------------------------

DATE_FORMATS = ["%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%Y", "%m/%d/%Y", "%Y%m%d", "%d-%m-%y",
                "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT00:00:00", "%d %b %Y", "%Y/%m/%d"]
WORDS = ["active", "aktiv", "deferred", "fraflyttet", "opsat", "retired", "pensioneret", "spouse", "ægtefælle",
         "aegtefaelle", "efterlevende", "child", "barn", "ACTIVE", " Retired ", "M", "K", "F", "m", "k", "X",
         "ja", "nej", "true", "false", "1", "0", "J", "N", "maybe", "Ægtefælle", "BARN"]
SPECIAL = ["", " ", "\u00a0", "NaN", "nan", "inf", "-inf", "Infinity", "-Infinity", "1e309", "-1e309", "1e-400",
           "-0", "0x10", "1_000", "١٢٣", "½", "²", "010160-1234", "0101601234", "101601234", "2024-02-30",
           "0000-00-00", "31-13-2020", "9999-12-31", "0001-01-01", "1677-09-21", "2262-04-12", "12/31/60",
           "45.000,00", "45,000.00", "1.234.567,89", "0.125", "0,125", "20.125", "1.000", "999999999999999999999",
           '"', '""', "'", ";", ",", "\t", "\n", "\r\n", "\x00", "\ufeff", "=1+1", "#VALUE!", "None", "null"]


def number_texts() -> st.SearchStrategy[str]:
    floats = st.floats(allow_nan=True, allow_infinity=True)
    return st.one_of(
        st.integers(-10**13, 10**13).map(str),
        floats.map(repr),
        floats.map(lambda x: repr(x).replace(".", ",")),
        st.floats(-1e7, 1e7).map(lambda x: f"{x:,.2f}"),
        st.floats(-1e7, 1e7).map(lambda x: f"{x:,.3f}".replace(",", "X").replace(".", ",").replace("X", ".")),
        st.floats(0, 2).map(lambda x: f"{x:.3f}"),
        st.decimals(allow_nan=True, allow_infinity=True).map(str),
    )


def date_texts() -> st.SearchStrategy[str]:
    return st.builds(lambda day, fmt: day.strftime(fmt), st.dates(), st.sampled_from(DATE_FORMATS))


def cell_texts() -> st.SearchStrategy[str]:
    return st.one_of(number_texts(), date_texts(), st.sampled_from(WORDS), st.sampled_from(SPECIAL),
                     st.text(max_size=12), st.text(max_size=3).map(lambda t: t * 200))


def danish(strategy: st.SearchStrategy[float]) -> st.SearchStrategy[str]:
    return strategy.map(lambda x: repr(x).replace(".", ","))


PLAUSIBLE = {  # values each column accepts (or nearly: shares may add up above 1), to reach the engine
    "birth_date": st.dates(dt.date(1066, 1, 1), dt.date(2024, 12, 30)).map(dt.date.isoformat),
    "sex": st.sampled_from(["M", "K", "F", "m", "k"]),
    "status": st.sampled_from(WORDS[:13]),
    "service_years": danish(st.floats(0, 50)),
    "pensionable_salary": danish(st.floats(0, 1e7)),
    "projected_salary": danish(st.floats(0, 1e7)),
    "annual_pension": danish(st.floats(0, 1e7)),
    "hire_date": st.dates(dt.date(1066, 1, 1), dt.date(2024, 12, 31)).map(dt.date.isoformat),
    "pension_age": danish(st.floats(50, 80)),
    "employment_fraction": danish(st.floats(1e-9, 1)),
    "married": st.sampled_from(["ja", "nej", "", "true", "0"]),
    "spouse_birth_date": st.dates(dt.date(1066, 1, 1), dt.date(2024, 12, 30)).map(dt.date.isoformat),
    "spouse_sex": st.sampled_from(["M", "K", ""]),
    "state_share": danish(st.floats(0, 1)),
    "insured_share": danish(st.floats(0, 1)),
}


def column_names() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(COLUMNS + ["id", "medarbejdernr", "fødselsdato", "foedselsdato", "køn", "koen",
                                   "pensionsalder", "årlig_pension", "gift", "forvaltning", "kommune", "cpr",
                                   "navn", "", " ", "PERSON_ID", "Birth Date", "birth-date", "Status "]),
        st.text(max_size=10),
    )


def cell_objects() -> st.SearchStrategy[object]:
    """Cells of a typed sheet or Parquet column."""
    return st.one_of(
        st.none(), st.booleans(), st.integers(-10**15, 10**15),
        st.floats(allow_nan=True, allow_infinity=True),
        st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(9999, 12, 31)),
        st.sampled_from(WORDS + [s for s in SPECIAL if s.isprintable()]),
        date_texts(), number_texts(),
        st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=12),
    )


# --- mutations ----------------------------------------------------------------------------

def mutations(cells: st.SearchStrategy, plausible: bool = False) -> st.SearchStrategy[list[tuple]]:
    index = st.integers(0, 40)
    valid = [st.tuples(st.just("plausible"), index, st.sampled_from(sorted(PLAUSIBLE)),
                       st.fixed_dictionaries(PLAUSIBLE))] * 4 if plausible else []
    return st.lists(st.one_of(
        *valid,
        st.tuples(st.just("cell"), index, index, cells),
        st.tuples(st.just("cell"), index, index, cells),
        st.tuples(st.just("cell"), index, index, cells),
        st.tuples(st.just("drop_column"), index),
        st.tuples(st.just("repeat_column"), index),
        st.tuples(st.just("rename_column"), index, column_names()),
        st.tuples(st.just("drop_row"), index),
        st.tuples(st.just("repeat_row"), index),
        st.tuples(st.just("blank_row"), index, st.booleans()),
        st.tuples(st.just("cut_row"), index, st.integers(0, 20)),
    ), max_size=10)


def mutate(header: list, rows: list[list], operations: list[tuple], blank: object) -> tuple[list, list[list]]:
    header, rows = list(header), [list(r) for r in rows]
    for op, *args in operations:
        if op == "plausible" and rows and args[1] in header:
            row = rows[args[0] % len(rows)]
            if header.index(args[1]) < len(row):
                row[header.index(args[1])] = args[2][args[1]]
        elif op == "cell" and rows:
            row = rows[args[0] % len(rows)]
            if row:
                row[args[1] % len(row)] = args[2]
        elif op == "drop_column" and header and (not isinstance(args[0], str) or args[0] in header):
            i = header.index(args[0]) if isinstance(args[0], str) else args[0] % len(header)
            header.pop(i)
            for row in rows:
                if i < len(row):
                    row.pop(i)
        elif op == "repeat_column" and header:
            i = args[0] % len(header)
            header.append(header[i])
            for row in rows:
                row.append(row[i] if i < len(row) else blank)
        elif op == "rename_column" and header:
            header[args[0] % len(header)] = args[1]
        elif op == "drop_row" and rows:
            rows.pop(args[0] % len(rows))
        elif op == "repeat_row" and rows:
            rows.append(list(rows[args[0] % len(rows)]))
        elif op == "blank_row":
            rows.insert(args[0] % (len(rows) + 1), [] if args[1] else [blank] * len(header))
        elif op == "cut_row" and rows:
            row = rows[args[0] % len(rows)]
            del row[args[1]:]
    return header, rows


def damage(data: bytes, operations: list[tuple]) -> bytes:
    """Byte-level damage: overwritten, inserted or deleted bytes, or the end cut off."""
    for op, position, chunk in operations:
        at = position % (len(data) + 1)
        if op == "overwrite":
            data = data[:at] + chunk + data[at + len(chunk):]
        elif op == "insert":
            data = data[:at] + chunk + data[at:]
        elif op == "delete":
            data = data[:at] + data[at + len(chunk):]
        else:
            data = data[:at]
    return data


damages = st.lists(st.tuples(st.sampled_from(["overwrite", "insert", "delete", "truncate"]),
                             st.integers(0, 10**6), st.binary(min_size=1, max_size=4)), max_size=3)


# --- the property -------------------------------------------------------------------------

@functools.cache
def assumptions():
    """The default basis, resolved once (not a fixture: hypothesis would print it with every failure)."""
    return resolve_assumptions(load_basis())


@pytest.fixture(scope="module")
def folder():
    with tempfile.TemporaryDirectory() as name:
        yield Path(name)


def read_and_value(path: Path) -> str:
    return valued_or_rejected(lambda: read_register(path, V))


def valued_or_rejected(read: Callable[[], Register]) -> str:
    """The property: a valuation with finite amounts, or an InputError of one-line problems.
    Returns which ("valued" or "rejected"), also counted in hypothesis' statistics."""
    try:
        register = read()
        valuation = value(register, assumptions())
    except InputError as error:
        assert error.problems
        for problem in error.problems:
            line = str(problem)
            assert line.strip(), error.problems
            assert "\n" not in line and "\r" not in line, line
        event("rejected")
        return "rejected"
    persons = valuation.persons
    assert len(persons) == len(register)
    amounts = persons[["annual_benefit", *AMOUNT_COLUMNS]].to_numpy(dtype=float)
    assert np.isfinite(amounts).all(), persons[np.isfinite(amounts).all(axis=1) == 0]
    assert np.isfinite(valuation.cashflows.select_dtypes("number").to_numpy(dtype=float)).all()
    assert np.isfinite(valuation.total_liability)
    event("valued")
    return "valued"


def write_csv(header: list[str], rows: list[list[str]], delimiter: str, quoting: str, newline: str) -> str:
    if quoting == "raw":  # as a careless export writes it: no quoting at all
        return "".join(delimiter.join(row) + newline for row in [header, *rows])
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=newline,
                        quoting=csv.QUOTE_ALL if quoting == "all" else csv.QUOTE_MINIMAL)
    writer.writerows([header, *rows])
    return buffer.getvalue()


@settings(FUZZ, max_examples=500 * SCALE)
@given(operations=mutations(cell_texts(), plausible=True),
       delimiter=st.sampled_from([";", ";", ",", "\t", "|", " "]),
       quoting=st.sampled_from(["minimal", "all", "raw"]),
       newline=st.sampled_from(["\n", "\r\n", "\r"]),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16"]),
       damaged=st.one_of(st.just([]), damages))
def test_fuzzed_csv_registers(folder, operations, delimiter, quoting, newline, encoding, damaged):
    header, rows = mutate(COLUMNS, ROWS, operations, "")
    text = write_csv(header, rows, delimiter, quoting, newline)
    path = folder / "register.csv"
    path.write_bytes(damage(text.encode(encoding, errors="replace"), damaged))
    read_and_value(path)


MOST_REACH_THE_ENGINE = 0.6  # of the plausible registers; the others break a rule between columns
OPTIONAL_COLUMNS = [c for c in COLUMNS if c not in ("person_id", "birth_date", "sex", "status", "service_years",
                                                    "pensionable_salary", "annual_pension")]


def test_fuzzed_plausible_registers(folder):
    """Values each column accepts, at their extremes: most registers must reach the engine,
    or a reader that refused plausible input would still pass "valued or rejected"."""
    outcomes: Counter[str] = Counter()

    @settings(FUZZ, max_examples=200 * SCALE)
    @given(operations=st.lists(st.one_of(
               st.tuples(st.just("plausible"), st.integers(0, 40), st.sampled_from(sorted(PLAUSIBLE)),
                         st.fixed_dictionaries(PLAUSIBLE)),
               st.tuples(st.just("repeat_row"), st.integers(0, 40)),
               st.tuples(st.just("drop_row"), st.integers(0, 40)),
               st.tuples(st.just("drop_column"), st.sampled_from(OPTIONAL_COLUMNS))), max_size=25),
           delimiter=st.sampled_from([";", ",", "\t"]), encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]))
    def plausible(operations, delimiter, encoding):
        header, rows = mutate(COLUMNS, ROWS, operations, "")
        for number, row in enumerate(rows):
            row[0] = f"P{number}"  # repeated rows are other persons
            if delimiter == ",":  # decimal points, no thousands separators
                row[:] = [danish_to_point(field) for field in row]
        path = folder / "plausible.csv"
        path.write_bytes(write_csv(header, rows, delimiter, "minimal", "\n").encode(encoding))
        outcomes[read_and_value(path)] += 1

    plausible()
    assert outcomes["valued"] >= MOST_REACH_THE_ENGINE * sum(outcomes.values()), outcomes


def danish_to_point(field: str) -> str:
    if re.fullmatch(r"-?[\d.]+(,\d*)?(e[-+]?\d+)?", field):
        return field.replace(".", "").replace(",", ".")
    return field


def write_xlsx(header: list, rows: list[list], path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in [header, *rows]:  # Excel holds neither control characters nor infinities
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str)
                      else None if isinstance(v, float) and np.isinf(v) else v for v in row])
    workbook.save(path)


def write_parquet(header: list, rows: list[list], path: Path) -> None:
    columns = {}
    for i in range(len(header)):
        values = [row[i] if i < len(row) else None for row in rows]
        try:
            columns[f"{i}"] = pa.array(values)
        except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError, ValueError):  # mixed types (NaN among ints): as text
            columns[f"{i}"] = pa.array([None if v is None else str(v) for v in values])
    table = pa.table(columns) if columns else pa.table({})
    table = table.rename_columns([str(name) for name in header][: table.num_columns])
    pq.write_table(table, path)


@settings(FUZZ, max_examples=150 * SCALE)
@given(operations=mutations(cell_objects()), kind=st.sampled_from(["xlsx", "parquet"]),
       damaged=st.one_of(st.just([]), st.just([]), damages))
def test_fuzzed_spreadsheet_and_parquet_registers(folder, operations, kind, damaged):
    header, rows = mutate(COLUMNS, TYPED_ROWS, operations, None)
    path = folder / f"register.{kind}"
    if kind == "xlsx":
        header = [str(name) for name in header]
        write_xlsx(header, rows, path)
    else:
        write_parquet(header, rows, path)
    if damaged:
        path.write_bytes(damage(path.read_bytes(), damaged))
    read_and_value(path)


@settings(FUZZ, max_examples=200 * SCALE)
@given(data=st.binary(max_size=300), suffix=st.sampled_from([".csv", ".txt", ".xlsx", ".parquet"]))
def test_random_bytes(folder, data, suffix):
    path = folder / f"random{suffix}"
    path.write_bytes(data)
    assert read_and_value(path) == "rejected"


@settings(FUZZ, max_examples=80 * SCALE)
@given(operations=mutations(cell_objects()))
def test_fuzzed_data_frames(operations):
    """The same property through the Python API: `Register.from_frame` on typed cells."""
    header, rows = mutate(COLUMNS, TYPED_ROWS, operations, None)
    width = len(header)
    frame = pd.DataFrame([(row + [None] * width)[:width] for row in rows], columns=header, dtype=object)
    valued_or_rejected(lambda: register_from_frame(frame, V, source="frame"))
