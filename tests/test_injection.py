"""Nothing a register holds becomes a live formula, a link or a terminal command: every
cell of every workbook and CSV a run writes is scanned (docs/operations.md)."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from tjenestemandspension.actuarial.synthetic import synthetic_register
from tjenestemandspension.cli.main import app
from tjenestemandspension.actuarial.headers import canonical
from tjenestemandspension.textfiles import read_output_csv


runner = CliRunner()
HOSTILE = ['=HYPERLINK("http://evil.example","klik")', "@SUM(1+1)*cmd|' /C calc'!A0", "+45 1234", "-2+3",
           "\tTab", "'=quoted"]
TERMINAL = "Evil\x1b]0;pwned\x07\x1b[2J Kommune\nerror: forged line"
# the working paper's own: totals (Betalinger, Oversigt, Datagrundlag) and the change beside a prior year
OUR_FORMULA = re.compile(r"^=(SUM\([A-Z]+\d+:[A-Z]+\d+\)|[A-Z]+\d+-[A-Z]+\d+)$")
NUMBER = re.compile(r"^[-+]?\d[\d.,]*(e[-+]?\d+)?$", re.IGNORECASE)


def raw_csv(frame, path: Path) -> None:
    """As an HR system exports it: no apostrophes (write_csv would add them)."""
    frame.to_csv(path, sep=";", index=False, encoding="utf-8")


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    frame = synthetic_register(120, seed=6, municipalities=(HOSTILE[0], HOSTILE[1], TERMINAL))
    for i, text in enumerate(HOSTILE):
        frame.loc[i, "person_id"] = text
        frame.loc[i, "unit"] = text
    register = folder / '=HYPERLINK("http:x").csv'
    raw_csv(frame, register)
    result = runner.invoke(app, ["value", str(register), "--out", str(folder / "out")])
    assert result.exit_code == 0, result.output
    one = frame[frame["municipality"] == HOSTILE[0]].drop(columns="municipality")
    raw_csv(one, folder / '=HYPERLINK("http:y").csv')
    single = runner.invoke(app, ["value", str(folder / '=HYPERLINK("http:y").csv'), "--out", str(folder / "one")])
    assert single.exit_code == 0, single.output
    return folder, result.output + single.output


def test_no_workbook_cell_holds_a_formula_or_link_we_did_not_write(hostile_run):
    folder, _ = hostile_run
    books = sorted(folder.rglob("*.xlsx"))
    assert len(books) >= 5  # overview, three kommuner's papers, the single run's
    seen = set()
    for book in books:
        workbook = openpyxl.load_workbook(book)
        for sheet in workbook.worksheets:
            assert not sheet._hyperlinks, f"{book.name} {sheet.title} has links"
            for row in sheet.iter_rows():
                for cell in row:
                    if cell.data_type == "f":
                        assert OUR_FORMULA.match(str(cell.value)), \
                            f"{book.relative_to(folder)} {sheet.title}!{cell.coordinate}: {cell.value!r}"
                    elif isinstance(cell.value, str):
                        seen.add(cell.value)
    assert HOSTILE[0] in seen  # written, as text
    assert any(HOSTILE[0] in value for value in seen if value.startswith("="))


def test_no_csv_cell_starts_like_a_formula(hostile_run):
    folder, _ = hostile_run
    files = sorted((folder / "out").rglob("*.csv")) + sorted((folder / "one").rglob("*.csv"))
    assert {p.name for p in files} >= {"persons.csv", "overview.csv", "skipped.csv", "cashflows.csv"}
    for path in files:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            for row in csv.reader(handle, delimiter=";"):
                for cell in row:
                    assert not (cell[:1] in ("=", "+", "-", "@", "\t", "\r") and not NUMBER.match(cell)), \
                        f"{path.relative_to(folder)}: {cell!r}"
    units = set()
    for path in (folder / "out").rglob("persons.csv"):
        units |= set(canonical(read_output_csv(path, dtype=str))["unit"])
    assert {text.strip() for text in HOSTILE} <= units  # read back exactly (the reader strips)


def test_terminal_output_holds_no_control_characters_or_forged_lines(hostile_run):
    _, output = hostile_run
    assert "\x1b" not in output and "\x07" not in output
    assert not any(line.startswith("error: forged") for line in output.splitlines())
    assert "\\x1b]0;pwned\\x07" in output  # the name shown, escaped
