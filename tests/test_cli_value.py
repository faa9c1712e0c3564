"""`tjp value` and `tjp example` end to end through the CLI (typer's runner)."""

from __future__ import annotations

import hashlib
import os
from contextlib import contextmanager
import json
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from tjenestemandspension.actuarial.headers import canonical
from tjenestemandspension.cli.main import app

pytestmark = pytest.mark.english  # asserts the English texts of problems (tests/conftest.py)

runner = CliRunner()
SHEETS = ["Oversigt", "Metode", "Regnskabsnote", "Datagrundlag", "Postering", "Forudsætninger", "Personer", "Betalinger",
          "Rentekurve", "Dødelighed"]
CSVS = ["journal.csv", "persons.csv", "cashflows.csv"]


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


def read_csv(path: Path) -> pd.DataFrame:
    """One of our CSVs; persons.csv and cashflows.csv with their headers and status values
    canonical whatever language wrote them (actuarial/headers.py)."""
    return (canonical if path.name in ("persons.csv", "cashflows.csv") else lambda frame: frame)(pd.read_csv(path, sep=";", decimal=",", encoding="utf-8-sig",
                                 dtype={"kontostreng": str, "gruppering": str}))


def digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    folder = tmp_path_factory.mktemp("example")
    result = invoke("example", folder)
    assert result.exit_code == 0, result.output
    return folder


@pytest.fixture(scope="module")
def run(example):
    """The README's run, in Danish (its console and working paper are asserted in Danish)."""
    with danish():
        return _run(example)


@contextmanager
def danish():
    saved = os.environ.pop("TJP_LANG", None)
    try:
        yield
    finally:
        if saved is not None:
            os.environ["TJP_LANG"] = saved


def _run(example):
    out = example / "out"
    result = invoke("value", example / "register.csv", "--basis", example / "basis.toml",
                    "--booked", "-950000000", "--out", out)
    assert result.exit_code == 0, result.output
    return out, result.output


def test_example_writes_a_register_and_a_basis(example):
    register = pd.read_csv(example / "register.csv", sep=";", decimal=",", encoding="utf-8-sig")
    assert len(register) == 400
    assert set(register["status"]) == {"active", "deferred", "retired", "spouse", "child"}
    assert "[valuation]" in (example / "basis.toml").read_text(encoding="utf-8")


def test_example_refuses_to_overwrite(example):
    result = invoke("example", example)
    assert result.exit_code == 2
    assert "exists already; use --force to overwrite it" in result.output


def test_value_writes_every_file(run):
    out, output = run
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["basis.toml", "cashflows.csv", "journal.csv", "manifest.json", "persons.csv", "valuation.xlsx"])
    assert "Opskrivning af 9.72.90.001" in output and "i alt" in output


def test_journal_balances_and_debits_9_75_99_when_the_liability_rose(run):
    out, _ = run
    journal = read_csv(out / "journal.csv")
    persons = read_csv(out / "persons.csv")
    liability = Decimal(str(persons["liability"].sum())).quantize(Decimal("0.01"))
    assert list(journal["kontostreng"]) == ["9.72.90.001", "9.75.99"]
    assert journal["debet"].sum() == pytest.approx(journal["kredit"].sum(), abs=0.001)
    assert journal["beløb"].sum() == pytest.approx(0, abs=0.001)
    regulation = liability - Decimal("950000000")
    assert regulation > 0
    balance_row = journal[journal["kontostreng"] == "9.75.99"].iloc[0]
    assert Decimal(str(balance_row["debet"])).quantize(Decimal("0.01")) == regulation
    assert set(journal["dranst"]) == {9}
    assert journal["bilagsdato"].iloc[0] == "31-12-2024" and journal["regnskabsår"].iloc[0] == 2024


def test_liability_fell_credits_9_75_99(example, tmp_path):
    result = invoke("value", example / "register.csv", "--booked=-2000000000", "--out", tmp_path / "o")
    assert result.exit_code == 0, result.output
    journal = read_csv(tmp_path / "o" / "journal.csv")
    balance_row = journal[journal["kontostreng"] == "9.75.99"].iloc[0]
    assert balance_row["kredit"] > 0 and balance_row["debet"] == 0
    assert balance_row["tekst"].startswith("Modpost: nedskrivning af tjenestemandspensionsforpligtelsen")


def test_zero_regulation_writes_an_explanatory_journal(run, example, tmp_path):
    out, _ = run
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    liability = Decimal(manifest["journal"]["liability"])
    result = invoke("value", example / "register.csv", "--basis", example / "basis.toml",
                    f"--booked=-{liability}", "--out", tmp_path / "zero")
    assert result.exit_code == 0, result.output
    journal = read_csv(tmp_path / "zero" / "journal.csv")
    assert len(journal) == 1 and pd.isna(journal["kontostreng"].iloc[0])
    assert "der skal ikke posteres" in journal["tekst"].iloc[0]


def test_workbook_agrees_with_the_csvs(run):
    out, _ = run
    workbook = openpyxl.load_workbook(out / "valuation.xlsx")
    assert workbook.sheetnames == SHEETS
    for name in SHEETS:
        sheet = workbook[name]
        rows = [r for r in sheet.iter_rows(values_only=True) if any(v is not None for v in r)]
        assert len(rows) >= 2, name  # a header and at least one data row
    journal = read_csv(out / "journal.csv")
    posting = list(workbook["Postering"].iter_rows(min_row=2, values_only=True))
    assert [r[2] for r in posting] == list(journal["kontostreng"])
    assert [round(r[6], 2) for r in posting] == list(journal["debet"])
    assert [round(r[7], 2) for r in posting] == list(journal["kredit"])
    persons = read_csv(out / "persons.csv")
    overview = {r[0]: r for r in workbook["Oversigt"].iter_rows(values_only=True) if r[0]}
    by_status = persons.groupby("status")["liability"].sum()
    for status, label in (("active", "aktive"), ("retired", "pensionerede"), ("child", "børn")):
        # persons.csv holds six decimals: each amount within half a millionth of a krone
        half_unit = 0.5e-6 * (persons["status"] == status).sum()
        assert overview[label][5] == pytest.approx(by_status[status], rel=1e-12, abs=half_unit)
        assert overview[label][1] == (persons["status"] == status).sum()
    assert overview["Beregnet forpligtelse"][1] == pytest.approx(persons["liability"].sum(), abs=0.006)
    assert overview["Bogført saldo 9.72.90.001 (kredit)"][1] == -950000000
    cashflows = read_csv(out / "cashflows.csv")
    payments = list(workbook["Betalinger"].iter_rows(min_row=2, max_row=len(cashflows) + 1, values_only=True))
    assert [r[0] for r in payments] == list(cashflows["year"])
    assert cashflows["present_value"].sum() == pytest.approx(persons["liability"].sum(), rel=1e-12,
                                                             abs=0.5e-6 * (len(persons) + len(cashflows)))
    placeholders = [r for r in workbook["Forudsætninger"].iter_rows(values_only=True) if r[5] == "Bør gennemgås"]
    assert {r[0] for r in placeholders} >= {"inflation.rate", "spouse.marriage_probability_men"}


def test_workbook_has_native_charts_on_the_right_sheets(run):
    out, _ = run
    with zipfile.ZipFile(out / "valuation.xlsx") as archive:
        names = archive.namelist()
        charts = [n for n in names if n.startswith("xl/charts/chart")]
        assert len(charts) == 2
        workbook = archive.read("xl/workbook.xml").decode()
        # sheet order: Betalinger is sheet8, Rentekurve sheet9; each has a drawing with a chart
        for sheet in ("sheet8", "sheet9"):
            rels = archive.read(f"xl/worksheets/_rels/{sheet}.xml.rels").decode()
            assert "drawing" in rels
        assert "Betalinger" in workbook and "Rentekurve" in workbook


@pytest.mark.danish  # the same language as the module's run
def test_force_rerun_gives_byte_identical_csvs_and_the_same_run_id(run, example):
    out, _ = run
    before = digest(out)
    result = invoke("value", example / "register.csv", "--basis", example / "basis.toml",
                    "--booked", "-950000000", "--out", out, "--force")
    assert result.exit_code == 0, result.output
    after = digest(out)
    for name in CSVS + ["basis.toml"]:
        assert before[name] == after[name], name
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    journal = read_csv(out / "journal.csv")
    assert journal["reference"].iloc[0] == manifest["run_id"]


def test_existing_folder_without_force_is_refused_and_untouched(run, example):
    out, _ = run
    before = digest(out)
    result = invoke("value", example / "register.csv", "--booked", "-1", "--out", out)
    assert result.exit_code == 2
    assert "the output folder exists and is not empty; choose another with --out, or replace it with --force" \
        in result.output
    assert digest(out) == before


def test_invalid_register_writes_nothing(tmp_path):
    register = tmp_path / "bad.csv"
    register.write_text("person_id;birth_date;sex;status;annual_pension\n1;2030-01-01;M;retired;1000\n"
                        "2;1950-01-01;X;retired;-5\n", encoding="utf-8")
    out = tmp_path / "out"
    result = invoke("value", register, "--booked", "-1", "--out", out)
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        "error: bad.csv, row 2 (person_id '1'), column 'birth_date': value '2030-01-01': expected a birth date before the "
        "valuation date 2024-12-31",
        "error: bad.csv, row 3 (person_id '2'), column 'sex': value 'X': expected M or K (F is accepted for women)",
        "error: bad.csv, row 3 (person_id '2'), column 'annual_pension': value '-5': expected a pension of at least 0"]
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["bad.csv"]


def test_positive_booked_balance_is_refused(example, tmp_path):
    result = invoke("value", example / "register.csv", "--booked", "950000000", "--out", tmp_path / "o")
    assert result.exit_code == 2
    assert "a liability is a credit, so the balance is negative" in result.output
    assert not (tmp_path / "o").exists()


@pytest.mark.danish  # the console and the working paper in Danish
def test_without_booked_no_journal_and_the_summary_says_why(example, tmp_path):
    result = invoke("value", example / "register.csv", "--out", tmp_path / "o")
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "o" / "journal.csv").exists()
    assert "Journalen er ikke skrevet: angiv den bogførte saldo på 9.72.90.001 med --booked" in result.output
    workbook = openpyxl.load_workbook(tmp_path / "o" / "valuation.xlsx")
    assert "ikke angivet" in workbook["Postering"]["J2"].value


def test_basis_overrides_reach_the_run(example, tmp_path):
    result = invoke("value", example / "register.csv", "--set", "inflation.rate=0.03", "--set", "curve.shift_bp=50",
                    "--out", tmp_path / "o")
    assert result.exit_code == 0, result.output
    manifest = json.loads((tmp_path / "o" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["basis"]["inflation.rate"] == 0.03 and manifest["basis"]["curve.shift_bp"] == 50
    assert manifest["basis_provenance"]["inflation.rate"] == "command line (--set)"
    assert manifest["curve"]["shift_bp"] == 50


def test_manifest_records_inputs_and_outputs(run, example):
    out, _ = run
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    roles = {f["role"]: f for f in manifest["inputs"]}
    assert roles["register"]["sha256"] == hashlib.sha256((example / "register.csv").read_bytes()).hexdigest()
    assert roles["basis"]["path"] == str((example / "basis.toml").resolve())
    for name, sha in manifest["outputs"].items():
        assert hashlib.sha256((out / name).read_bytes()).hexdigest() == sha
    assert set(manifest["outputs"]) == {"basis.toml", "cashflows.csv", "journal.csv", "persons.csv", "valuation.xlsx"}
    assert manifest["software"]["numpy"] and manifest["totals"]["persons"] == 400
    assert manifest["valuation_date"] == "2024-12-31"


def test_an_internal_error_exits_1(example, tmp_path, monkeypatch):
    from tjenestemandspension.actuarial import run  # `tjp value` imports it when it runs

    def broken(*args, **kwargs):
        raise RuntimeError("simulated failure")

    monkeypatch.setattr(run, "run_valuation", broken)
    result = invoke("value", example / "register.csv", "--out", tmp_path / "o")
    assert result.exit_code == 1
    assert "internal error: RuntimeError: simulated failure" in result.output
    assert not (tmp_path / "o").exists()


@pytest.mark.danish  # the console and the working paper in Danish
def test_columns_the_valuation_does_not_use_are_shown_not_dropped(example, tmp_path):
    """A register with columns the tool does not know: the console and the working paper's
    Oversigt name them (never a CPR number); the valuation is the same as without them."""
    register = pd.read_csv(example / "register.csv", sep=";", decimal=",", encoding="utf-8-sig", dtype=str,
                           keep_default_na=False)
    register.insert(2, "navn", "Jens")
    register["0101701234"] = ""
    register["løntrin"] = "35"
    register.to_csv(tmp_path / "register.csv", sep=";", index=False, encoding="utf-8-sig")
    result = invoke("value", tmp_path / "register.csv", "--basis", example / "basis.toml", "--out", tmp_path / "o")
    assert result.exit_code == 0, result.output
    shown = "'navn', (et CPR-nummer, vises ikke), 'løntrin'"
    assert f"Kolonner i registeret, som ikke indgår i beregningen: {shown}" in result.output
    sheet = openpyxl.load_workbook(tmp_path / "o" / "valuation.xlsx")["Oversigt"]
    info = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row[0]}
    assert info["Kolonner, der ikke indgår"] == shown
    plain = invoke("value", example / "register.csv", "--basis", example / "basis.toml", "--out", tmp_path / "p")
    assert "ikke indgår" not in plain.output
    assert (tmp_path / "o" / "cashflows.csv").read_bytes() == (tmp_path / "p" / "cashflows.csv").read_bytes()
