"""The CSV writer on the pyarrow path writes the same bytes as pandas' `to_csv` did."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from tjenestemandspension.actuarial import default_basis, register_from_frame, resolve_assumptions, value
from tjenestemandspension.actuarial.output import persons_frame
from tjenestemandspension.actuarial.synthetic import synthetic_register
from tjenestemandspension.textfiles import _write_csv_pandas, fixed_decimals, shortest_floats, write_csv


V = dt.date(2024, 12, 31)


def both(frame: pd.DataFrame, tmp_path, decimals=None) -> tuple[bytes, bytes]:
    write_csv(frame, tmp_path / "new.csv", decimals)
    _write_csv_pandas(frame, tmp_path / "old.csv", decimals or {})
    return (tmp_path / "new.csv").read_bytes(), (tmp_path / "old.csv").read_bytes()


@pytest.fixture(scope="module")
def example_valuation():
    frame = synthetic_register(400, seed=2024)  # what `tjp example` writes
    basis = default_basis()
    return frame, value(register_from_frame(frame, V), resolve_assumptions(basis))


def test_example_register_and_results_byte_identical(example_valuation, tmp_path):
    frame, valuation = example_valuation
    for table in (frame, persons_frame(valuation), valuation.cashflows):
        new, old = both(table, tmp_path)
        assert new == old


def test_synthetic_register_with_individual_spouses_byte_identical(tmp_path):
    frame = synthetic_register(5000, seed=7, individual_spouses=True,
                               municipalities=("Aarhus Kommune", "Odense Kommune"))
    new, old = both(frame, tmp_path)
    assert new == old


def test_awkward_values_as_the_csv_module_writes_them(tmp_path):
    rng = np.random.default_rng(3)
    magnitudes = 10.0 ** rng.integers(-12, 22, 400)
    numbers = np.concatenate([rng.standard_normal(400) * magnitudes, rng.integers(-10**6, 10**6, 100) * 1.0,
                              [0.0, -0.0, np.nan, np.inf, -np.inf, 1e-4, 9.99999e-5, 1e16, 9999999999999998.0,
                               -56776960612.792984, 0.1 + 0.2]])
    n = numbers.size
    texts = np.array(['a;b', 'q"x', "l\nm", "", None, "æøå", "  space ", "x"], dtype=object)[np.arange(n) % 8]
    frame = pd.DataFrame({"x": numbers, "t": texts, "i": np.arange(n), "c": pd.Categorical(["a", "b"] * (n // 2) + ["a"] * (n % 2)),
                          "n": pd.array([1, None] * (n // 2) + [3] * (n % 2), dtype="Int64"),
                          "b": np.arange(n) % 3 == 0})
    new, old = both(frame, tmp_path)
    assert new == old
    for single in (pd.DataFrame({"a": ["", None, "x"]}), pd.DataFrame({"a": [1.0, np.nan]})):
        new, old = both(single, tmp_path)
        assert new == old  # a lone empty field is quoted


def test_carriage_return_is_quoted(tmp_path):
    # deliberately unlike Python 3.11's csv module (which quotes only the line end it writes):
    # a bare CR inside a field would end the row for Excel
    write_csv(pd.DataFrame({"a": ["r\rs"], "b": [1]}), tmp_path / "cr.csv")
    assert (tmp_path / "cr.csv").read_bytes() == "\ufeffa;b\n\"r\rs\";1\n".encode()


def test_mixed_objects_fall_back_to_pandas(tmp_path):
    frame = pd.DataFrame({"a": [1, "x", 2.5, None], "b": [1.0, 2.0, 3.0, 4.0]})
    new, old = both(frame, tmp_path)
    assert new == old


def test_number_texts_match_python():
    rng = np.random.default_rng(11)
    values = np.concatenate([rng.uniform(-1e7, 1e7, 20000), np.round(rng.uniform(0, 1e6, 20000), 7),
                             np.arange(20000) / 2e6 + 5e-7, np.arange(2000) / 200 + 0.005, [-0.0, -1e-9, 1e12 + 0.5]])
    for places in (0, 2, 6):
        assert fixed_decimals(values, places).to_pylist() == [f"{v:.{places}f}".replace(".", ",") for v in values]
    assert shortest_floats(values).to_pylist() == [repr(float(v)).replace(".", ",") for v in values]


def test_amount_formats_of_every_csv(tmp_path):
    """persons.csv and cashflows.csv: amounts with six fixed decimals (no float noise);
    journal, overview and sensitivities: øre."""
    import re

    from typer.testing import CliRunner

    from tjenestemandspension.cli.main import app
    from tjenestemandspension.textfiles import read_output_csv

    frame = synthetic_register(60, seed=5, municipalities=("Aarhus Kommune", "Odense Kommune"))
    write_csv(frame, tmp_path / "alle.csv")
    (tmp_path / "booked.csv").write_text("kommune;bogført\nAarhus Kommune;-1000\nOdense Kommune;-2000\n", encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(app, ["value", str(tmp_path / "alle.csv"), "--booked-file", str(tmp_path / "booked.csv"),
                               "--out", str(tmp_path / "b"), "--quiet"]).exit_code == 0
    write_csv(frame[frame["municipality"] == "Aarhus Kommune"], tmp_path / "aarhus.csv")
    assert runner.invoke(app, ["sensitivities", str(tmp_path / "aarhus.csv"), "--out", str(tmp_path / "s")]
                         ).exit_code == 0

    def cells(path, columns):
        from tjenestemandspension.actuarial.headers import canonical

        raw = read_output_csv(path, dtype=str, na_values=[])
        named = canonical(raw)  # persons.csv and cashflows.csv carry their headers in the user's language
        return [value for column in columns for value in (raw[column] if column in raw else named[column])
                if value != ""]

    six, ore = re.compile(r"-?\d+,\d{6}$"), re.compile(r"-?\d+,\d{2}$")
    persons = tmp_path / "b" / "Aarhus_Kommune" / "persons.csv"
    amounts = ["annual_benefit", "pv_own", "pv_lump_sum", "pv_supplement", "pv_spouse", "pv_child", "pv_total",
               "state_part", "insured_part", "liability"]
    assert all(six.match(v) for v in cells(persons, amounts))
    assert "120098,62999999999" not in persons.read_text(encoding="utf-8-sig")
    cashflows = cells(tmp_path / "b" / "cashflows.csv", ["active", "retired", "total", "present_value"])
    assert cashflows and all(six.match(v) for v in cashflows)
    overview = cells(tmp_path / "b" / "overview.csv", ["forpligtelse", "bogført", "regulering"])
    assert len(overview) >= 5 and all(ore.match(v) for v in overview)
    journal = cells(tmp_path / "b" / "Aarhus_Kommune" / "journal.csv", ["debet", "kredit", "beløb"])
    assert len(journal) == 6 and all(ore.match(v) for v in journal)
    sensitivities = cells(tmp_path / "s" / "sensitivities.csv", ["forpligtelse", "ændring"])
    assert len(sensitivities) >= 20 and all(ore.match(v) for v in sensitivities)


def test_personer_sheet_in_bulk_holds_every_value(tmp_path):
    """The Personer sheet, written as XML in bulk, read back cell by cell with openpyxl:
    every number exactly, every text as text (never a formula), the formats of the columns."""
    import openpyxl

    from tjenestemandspension.actuarial.register import STATUS_DANISH_SINGULAR, STATUS_NAMES
    from tjenestemandspension.actuarial.workpaper import INPUT_HEADERS, PERSON_HEADERS, WorkpaperContext, write_workpaper
    from tjenestemandspension.i18n import _

    frame = synthetic_register(300, seed=12)
    hostile = ["=SUM(A1:A9)", "A&B <c> \"q\"", "  lead and trail  ", "_x0041_ literal", "tab\there", "+1+1",
               "@cmd", "æøå ÆØÅ", "line\nbreak"]
    frame.loc[: len(hostile) - 1, "unit"] = hostile
    frame.loc[20, "person_id"] = "-2+3"
    valuation = value(register_from_frame(frame, V), resolve_assumptions(default_basis()))
    path = tmp_path / "valuation.xlsx"
    write_workpaper(path, valuation, None, WorkpaperContext(run_id="test"))
    sheet = openpyxl.load_workbook(path)["Personer"]
    from openpyxl.utils import get_column_letter

    width = len(PERSON_HEADERS) + len(INPUT_HEADERS)  # the results, then the register's own columns
    assert sheet.dimensions == f"A1:{get_column_letter(width)}{len(frame) + 1}"
    rows = list(sheet.iter_rows())
    assert [c.value for c in rows[0]] == [_(t) for t in (*PERSON_HEADERS.values(), *INPUT_HEADERS.values())]
    assert len(rows) == len(frame) + 1
    persons = valuation.persons
    singular = dict(zip(STATUS_NAMES, STATUS_DANISH_SINGULAR))
    for column, name in enumerate(PERSON_HEADERS):
        cells = [row[column] for row in rows[1:]]
        assert all(cell.data_type != "f" for cell in cells)
        if name == "status":
            assert [c.value for c in cells] == [singular[s] for s in persons["status"].astype(str)]
        elif persons[name].dtype.kind in "fiu":
            expected = [None if np.isnan(v) else float(v) for v in persons[name].to_numpy(dtype=float)]
            assert [None if c.value is None else float(c.value) for c in cells] == expected, name
        else:
            shown = [c.value for c in cells]
            # a literal _xHHHH_ is escaped as xlsxwriter escapes it (Excel shows it unchanged;
            # openpyxl shows the escape)
            expected = [None if v == "" else v.replace("_x0041_", "_x005F_x0041_") for v in persons[name]]
            assert shown == expected, name
            assert all(isinstance(v, str) for v in shown if v is not None)
    formats = {c: rows[1][i].number_format for i, c in enumerate(PERSON_HEADERS)}
    assert formats["liability"] == '#,##0.00 "kr."' and formats["pension_percentage"] == "0.000%"
    assert formats["age_months"] == "#,##0" and formats["person_id"] == "General"
    assert sheet.freeze_panes == "B2" and sheet.auto_filter.ref == f"A1:{get_column_letter(width)}{len(frame) + 1}"


def test_the_command_line_starts_without_scipy_pandas_or_xlsxwriter():
    """`tjp --help` imports neither scipy (only a fitted curve needs it) nor the table
    libraries; checked in a fresh interpreter."""
    import subprocess
    import sys

    code = ("import sys, tjenestemandspension.cli.main; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'scipy', 'pandas', 'xlsxwriter', 'openpyxl', 'pyarrow'}))")
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert shown == "[]"


def test_personer_sheet_carries_the_register_columns_in_bulk(tmp_path):
    """The register's own columns beside the results, in the same bulk rows: birth dates as
    date cells, sex as M/K, amounts as numbers, unknown values empty."""
    import datetime as dt

    import openpyxl

    from tjenestemandspension.actuarial.workpaper import INPUT_HEADERS, PERSON_HEADERS, WorkpaperContext, write_workpaper

    frame = synthetic_register(200, seed=13)
    register = register_from_frame(frame, V)
    valuation = value(register, resolve_assumptions(default_basis()))
    path = tmp_path / "valuation.xlsx"
    write_workpaper(path, valuation, None, WorkpaperContext(run_id="test"))
    rows = list(openpyxl.load_workbook(path)["Personer"].iter_rows(min_row=2, values_only=True))
    first = len(PERSON_HEADERS)
    names = list(INPUT_HEADERS)
    births = [row[first + names.index("birth_date")] for row in rows]
    assert all(isinstance(b, dt.datetime) for b in births)
    assert [b.date() for b in births] == [d.astype(dt.date) for d in register.birth_date.astype("datetime64[D]")]
    assert {row[first + names.index("sex")] for row in rows} <= {"M", "K"}
    salaries = [row[first + names.index("pensionable_salary")] for row in rows]
    expected = [None if np.isnan(v) else float(v) for v in register.pensionable_salary]
    assert [None if s is None else float(s) for s in salaries] == expected
