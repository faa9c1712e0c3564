"""The working paper as an auditor prints it: every sheet rendered to PDF by LibreOffice
(one render, skipped with a reason where soffice is not installed), no cell printed as
###, the sheets there in Danish; and the sheets' content checked on the workbook itself."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import openpyxl
import pytest
from typer.testing import CliRunner

from tjenestemandspension.actuarial.workpaper import SHEETS, sheet_names
from tjenestemandspension.cli.main import app

DANISH_SHEETS = ["Oversigt", "Metode", "Regnskabsnote", "Datagrundlag", "Postering", "Forudsætninger", "Personer",
                 "Betalinger", "Rentekurve", "Dødelighed"]
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT = shutil.which("pdftotext")
runner = CliRunner()


def invoke(*args):
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Last year's run and this year's with --prior: the working paper with every sheet."""
    root = tmp_path_factory.mktemp("print")
    invoke("example", root / "ex24", "--persons", "60", "--force")
    invoke("example", root / "ex25", "--persons", "60", "--valuation-date", "2025-12-31", "--force")
    invoke("value", root / "ex24" / "register.csv", "--basis", root / "ex24" / "basis.toml",
           "--booked=-150000000", "--out", root / "r24")
    invoke("value", root / "ex25" / "register.csv", "--basis", root / "ex25" / "basis.toml",
           "--booked=-160000000", "--prior", root / "r24", "--out", root / "r25")
    return root


def test_the_sheets_exist_in_danish(runs):
    workbook = openpyxl.load_workbook(runs / "r25" / "valuation.xlsx")
    assert workbook.sheetnames == DANISH_SHEETS == sheet_names()
    assert len(SHEETS) == len(DANISH_SHEETS)


def test_the_sheets_say_what_an_auditor_signs_on(runs):
    workbook = openpyxl.load_workbook(runs / "r25" / "valuation.xlsx")
    text = {name: "\n".join(str(v) for row in workbook[name].iter_rows(values_only=True) for v in row
                            if v is not None) for name in ("Oversigt", "Metode", "Regnskabsnote", "Datagrundlag")}
    assert "[BRS-9.72.90]" in text["Metode"] and "[TPL]" in text["Metode"]
    assert "Hvad der ikke værdiansættes" in text["Metode"] and "afskedigelse" in text["Metode"]
    assert "Anvendt regnskabspraksis" in text["Regnskabsnote"]
    assert "pr. 31-12-2024" in text["Regnskabsnote"]  # the change since last year
    for label in ("Udarbejdet af", "Kontrolleret af", "Godkendt af", "Grundlaget i korte træk",
                  "Forpligtelse 31-12-2024", "Tidligere kørsel"):
        assert label in text["Oversigt"], label
    assert "Udeladt: statens andel" in text["Datagrundlag"]
    # the reconciliation: rows read = persons valued = the register's rows
    data = {row[0]: row[1] for row in workbook["Datagrundlag"].iter_rows(values_only=True) if row[0]}
    assert data["Rækker med en person (indlæst)"] == data["Værdiansatte personer"] == 60
    assert data["Difference (indlæst − værdiansat)"] == 0
    # Forudsætninger: Danish values and date cells
    rows = {row[0]: row for row in workbook["Forudsætninger"].iter_rows(values_only=True)}
    assert rows["inflation.rate"][2] == "2,00 %"
    assert rows["mortality.improvements"][2] == "ja"
    assert rows["valuation.date"][2] == "31-12-2025"
    assert isinstance(rows["(rentekurve)"][4], dt.datetime)
    # Personer: the input columns, dates as dates
    header = [c.value for c in workbook["Personer"][1]]
    assert {"Fødselsdato", "Pensionsgivende løn", "Løbende pension (årlig)", "Statens andel"} <= set(header)
    assert isinstance(workbook["Personer"].cell(2, header.index("Fødselsdato") + 1).value, dt.datetime)


def test_the_totals_are_formulas(runs):
    workbook = openpyxl.load_workbook(runs / "r25" / "valuation.xlsx")
    overview = [row for row in workbook["Oversigt"].iter_rows(values_only=True) if row[0] == "I alt"]
    assert str(overview[0][5]).startswith("=SUM(") and str(overview[0][7]).startswith("=F")
    payments = workbook["Betalinger"]
    last = [row for row in payments.iter_rows(values_only=True) if row[0] == "I alt"][0]
    assert str(last[-1]).startswith("=SUM(")


@pytest.mark.skipif(SOFFICE is None or PDFTOTEXT is None,
                    reason="LibreOffice (soffice) and pdftotext are needed to render the working paper to PDF")
def test_every_sheet_prints_without_hashes(runs, tmp_path):
    subprocess.run([SOFFICE, "--headless", f"-env:UserInstallation=file://{tmp_path / 'profile'}",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(runs / "r25" / "valuation.xlsx")],
                   check=True, capture_output=True, timeout=240)
    pdf = tmp_path / "valuation.pdf"
    text = subprocess.run([PDFTOTEXT, "-layout", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
    assert "###" not in text
    pages = text.split("\f")
    for name in DANISH_SHEETS:  # every sheet printed: its name stands in the page header
        assert any(name in page.splitlines()[0] for page in pages if page.strip()), name
    assert "Godkendt af" in text and "Anvendt regnskabspraksis" in text
