"""`tjp arbejdsskader`: the files it writes, the journal pair on 9.72.90.003 / 9.75.99,
the IBNR methods, and on every malformed case register or triangle of the corpus exit
code 2, its exact messages, and nothing written."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from tjenestemandspension.danish import format_kroner
from typer.testing import CliRunner

from test_work_injury_register import BAD, EXPECTED
from tjenestemandspension.cli.main import app
from tjenestemandspension.textfiles import read_output_csv

pytestmark = pytest.mark.english  # asserts the English texts of problems (tests/conftest.py)

RAA = Path(__file__).parent / "data" / "published" / "raa_triangle.csv"
GOOD = ("sagsnr;ydelse;fødselsdato;køn;årlig_ydelse;startdato;reserve;forvaltning\n"
        "A1;erhvervsevnetab;1970-03-15;M;120.000,00;;;A\nA2;ægtefælle;1972-01-01;K;80000;2020-05;;A\n"
        "A3;barn;2015-06-01;M;20000;;;B\nA4;sagsreserve;;;;;150000;B\nA5;barn;2005-01-01;K;20000;;;B\n")
runner = CliRunner()


@pytest.fixture
def cases(tmp_path) -> Path:
    path = tmp_path / "sager.csv"
    path.write_text(GOOD, encoding="utf-8")
    return path


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_input_is_reported_exactly_and_nothing_is_written(tmp_path, cases, name):
    out = tmp_path / "out"
    if name.startswith("triangle_"):
        arguments = [str(cases), "--set", "work_injury.ibnr_method=chainladder",
                     "--set", f"work_injury.triangle_file={BAD / name}"]
    else:
        arguments = [str(BAD / name)]
    result = runner.invoke(app, ["arbejdsskader", *arguments, "--booked=-1000000", "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert result.stderr.splitlines() == [f"error: {line}" for line in EXPECTED[name]]
    assert not out.exists() and list(tmp_path.iterdir()) == [cases]


def test_files_journal_and_totals(tmp_path, cases):
    out = tmp_path / "out"
    result = runner.invoke(app, ["arbejdsskader", str(cases), "--booked=-2.000.000,00", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == [
        "arbejdsskader.csv", "arbejdsskader.xlsx", "arbejdsskader_foelsomheder.csv", "arbejdsskader_totaler.csv",
        "arbejdsskader_udbetalinger.csv", "basis.toml", "journal.csv", "manifest.json"]
    rows = read_output_csv(out / "arbejdsskader.csv", dtype={"case_id": str})
    for column in ("case_id", "benefit", "birth_date", "annual_amount", "last_covered_month", "months_left", "pv",
                   "reserve", "liability"):
        assert column in rows.columns
    assert list(rows["ended"]) == ["nej", "nej", "nej", "nej", "ja"]  # A5 turned 18 in January 2023
    text = (out / "arbejdsskader.csv").read_text(encoding="utf-8-sig").splitlines()
    assert text[1].split(";")[9] == "1615213,946966"  # 6 decimals, not rounded to øre
    liability = rows["liability"].sum()
    journal = read_output_csv(out / "journal.csv", dtype=str)
    assert list(journal["kontostreng"]) == ["9.72.90.003", "9.75.99"]
    amount = Decimal(journal["kredit"][0].replace(",", "."))
    assert amount == Decimal(journal["debet"][1].replace(",", "."))
    assert amount == (Decimal(str(round(liability, 2))) - Decimal("2000000")).quantize(Decimal("0.01"))
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["kind"] == "work_injury" and manifest["work_injury"]["totals"]["rows"] == 5
    assert manifest["work_injury"]["journal"]["regulation"] == str(amount)
    totals = read_output_csv(out / "arbejdsskader_totaler.csv")
    by_benefit = totals[totals["opdelt_efter"] == "ydelse"].set_index("gruppe")
    assert by_benefit.loc["i alt", "liability"] == pytest.approx(liability, rel=1e-12)
    assert by_benefit.loc["IBNR", "liability"] == 0
    assert "IBNR (indtrufne, ikke anmeldte skader) er ikke hensat" in result.output
    flows = read_output_csv(out / "arbejdsskader_udbetalinger.csv")
    assert flows["present_value"].sum() == pytest.approx(rows["pv"].sum(), rel=1e-9)


def test_ibnr_amount_and_chainladder(tmp_path, cases):
    amount = runner.invoke(app, ["arbejdsskader", str(cases), "--booked=-1", "--out", str(tmp_path / "a"),
                                 "--set", "work_injury.ibnr_method=amount", "--set", "work_injury.ibnr_amount=250000"])
    ladder = runner.invoke(app, ["arbejdsskader", str(cases), "--booked=-1", "--out", str(tmp_path / "c"),
                                 "--set", "work_injury.ibnr_method=chainladder",
                                 "--set", f"work_injury.triangle_file={RAA}"])
    assert amount.exit_code == 0 and ladder.exit_code == 0, amount.output + ladder.output
    base = read_output_csv(tmp_path / "a" / "arbejdsskader.csv")["liability"].sum()
    for folder, ibnr in (("a", 250000.0), ("c", 52135.228261)):
        manifest = json.loads((tmp_path / folder / "manifest.json").read_text(encoding="utf-8"))
        assert manifest["work_injury"]["totals"]["ibnr"] == pytest.approx(ibnr, abs=1e-6)
        assert manifest["work_injury"]["totals"]["liability"] == pytest.approx(base + ibnr, rel=1e-12)
    triangle = read_output_csv(tmp_path / "c" / "arbejdsskader_ibnr.csv")
    assert triangle["ibnr"].sum() == pytest.approx(52135.23, abs=0.005)
    assert "triangle" in {i["role"] for i in manifest["work_injury"]["inputs"]}


def test_a_method_without_its_input_is_refused(tmp_path, cases):
    result = runner.invoke(app, ["arbejdsskader", str(cases), "--booked=-1", "--out", str(tmp_path / "x"),
                                 "--set", "work_injury.ibnr_method=chainladder"])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "error: --set, key 'work_injury.triangle_file': a value is needed because work_injury.ibnr_method = "
        "chainladder"]


def test_a_positive_booked_balance_names_9_72_90_003(tmp_path, cases):
    result = runner.invoke(app, ["arbejdsskader", str(cases), "--booked=5", "--out", str(tmp_path / "x")])
    assert result.exit_code == 2 and "expected the balance of 9.72.90.003" in result.stderr


@pytest.mark.danish
def test_value_both_groupings_one_journal_one_working_paper(tmp_path, cases):
    import openpyxl

    example = tmp_path / "ex"
    assert runner.invoke(app, ["example", str(example)]).exit_code == 0
    out = tmp_path / "both"
    result = runner.invoke(app, ["value", str(example / "register.csv"), "--basis", str(example / "basis.toml"),
                                 "--booked=-950000000", "--work-injuries", str(cases),
                                 "--booked-work-injuries=-2200000", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "9.72.90.001" in result.output and "9.72.90.003" in result.output
    journal = read_output_csv(out / "journal.csv", dtype=str)
    assert list(journal["kontostreng"]) == ["9.72.90.001", "9.75.99", "9.72.90.003", "9.75.99"]
    assert {"arbejdsskader.csv", "arbejdsskader_totaler.csv", "valuation.xlsx"} <= {p.name for p in out.iterdir()}
    book = openpyxl.load_workbook(out / "valuation.xlsx", read_only=True)
    assert {"Oversigt", "Postering", "Forudsætninger", "Sager", "IBNR", "Udbetalinger 003",
            "Forudsætninger 003"} <= set(book.sheetnames)
    overview = [c for row in book["Oversigt"].iter_rows(values_only=True) for c in row if c is not None]
    assert "Arbejdsskadeforpligtelse (9.72.90.003)" in overview
    assert "Funktion 9.72.90 i alt (grupperingerne 001 og 003)" in overview
    # the sign-off is signed on everything above it: it comes after 003's block, last on the sheet
    positions = {c: n for n, c in enumerate(overview) if isinstance(c, str)}
    assert positions["Arbejdsskadeforpligtelse (9.72.90.003)"] < positions["Udarbejdet af"]
    assert positions["Funktion 9.72.90 i alt (grupperingerne 001 og 003)"] < positions["Godkendt af"]
    assert overview.index("Godkendt af") == max(positions[label] for label in positions)
    note = [c for row in book["Regnskabsnote"].iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert "Note: Hensatte forpligtelser, tjenestemandspensioner (9.72.90.001)" in note
    assert "Note: Hensatte forpligtelser, arbejdsskader (9.72.90.003)" in note
    manifest_003 = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["work_injury"]["totals"]
    total_003 = format_kroner(manifest_003["liability"])
    assert any(f"{total_003} kr." in line and "arbejdsskadesikringsloven" in line for line in note), note
    assert any(line.startswith("•  regulering af løbende ydelser: ") and "[ASL-25]" in line for line in note)
    postings = [row[2] for row in book["Postering"].iter_rows(values_only=True)]
    assert postings[1:] == ["9.72.90.001", "9.75.99", "9.72.90.003", "9.75.99"]
    assumptions = {row[0] for row in book["Forudsætninger"].iter_rows(values_only=True)}
    assert {"work_injury.regulation_rate", "work_injury.ibnr_method"} <= assumptions
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["work_injury"]["totals"]["rows"] == 5
    assert runner.invoke(app, ["verify", str(out)]).exit_code == 0


def test_value_with_a_bad_case_register_writes_nothing(tmp_path):
    example = tmp_path / "ex"
    assert runner.invoke(app, ["example", str(example)]).exit_code == 0
    out = tmp_path / "both"
    result = runner.invoke(app, ["value", str(example / "register.csv"), "--booked=-950000000",
                                 "--work-injuries", str(BAD / "unknown_benefit.csv"),
                                 "--booked-work-injuries=-1", "--out", str(out)])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [f"error: {line}" for line in EXPECTED["unknown_benefit.csv"]]
    assert not out.exists()


def test_sensitivities_are_the_provision_on_the_changed_basis(tmp_path, cases):
    base = tmp_path / "base"
    assert runner.invoke(app, ["arbejdsskader", str(cases), "--booked=-1", "--out", str(base)]).exit_code == 0
    table = read_output_csv(base / "arbejdsskader_foelsomheder.csv").set_index("scenarie")
    for setting, scenario in (("curve.shift_bp=100", "Rentekurve +100 bp"),
                              ("work_injury.regulation_rate=0.025", "Satsregulering +0,5 %-point"),
                              ("work_injury.mortality_factor=0.9", "Dødelighed -10 %")):
        out = tmp_path / scenario.replace(" ", "_").replace("%", "pct").replace(",", "")
        result = runner.invoke(app, ["arbejdsskader", str(cases), "--booked=-1", "--out", str(out), "--set", setting])
        assert result.exit_code == 0, result.output
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        assert table.loc[scenario, "forpligtelse"] == pytest.approx(manifest["work_injury"]["totals"]["liability"],
                                                                   rel=1e-12)
    base_liability = table.loc["Grundlag", "forpligtelse"]
    assert table.loc["Rentekurve +100 bp", "forpligtelse"] < base_liability < table.loc["Rentekurve -100 bp",
                                                                                          "forpligtelse"]
    assert table.loc["Satsregulering -0,5 %-point", "forpligtelse"] < base_liability
    assert table.loc["Dødelighed +10 %", "forpligtelse"] < base_liability
    assert 0 < table.loc["Varighed ud fra ±100 bp", "varighed_år"] < 30


def test_several_kommuner_are_valued_each_with_its_booked_balance(tmp_path, cases):
    several = tmp_path / "kommuner.csv"
    several.write_text(cases.read_text(encoding="utf-8").replace("forvaltning", "kommune"), encoding="utf-8")
    refused = runner.invoke(app, ["arbejdsskader", str(several), "--booked=-1", "--out", str(tmp_path / "x")])
    assert refused.exit_code == 2 and "--booked-file" in refused.stderr and not (tmp_path / "x").exists()
    booked = tmp_path / "bogført.csv"
    booked.write_text("kommune;bogført\nA;-2000000,00\nB;-300000\n", encoding="utf-8")
    out = tmp_path / "batch"
    result = runner.invoke(app, ["arbejdsskader", str(several), "--booked-file", str(booked), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["A", "B", "manifest.json", "overview.csv"]
    whole = runner.invoke(app, ["arbejdsskader", str(cases), "--booked=-1", "--out", str(tmp_path / "whole")])
    assert whole.exit_code == 0
    total = read_output_csv(tmp_path / "whole" / "arbejdsskader.csv")["liability"].sum()
    parts = [read_output_csv(out / name / "arbejdsskader.csv")["liability"].sum() for name in ("A", "B")]
    assert sum(parts) == pytest.approx(total, rel=1e-12)
    journal = read_output_csv(out / "A" / "journal.csv", dtype=str)
    assert list(journal["kontostreng"]) == ["9.72.90.003", "9.75.99"]
    assert runner.invoke(app, ["verify", str(out)]).exit_code == 0
    missing = tmp_path / "mangler.csv"
    missing.write_text("kommune;bogført\nA;-1\n", encoding="utf-8")
    result = runner.invoke(app, ["arbejdsskader", str(several), "--booked-file", str(missing), "--out",
                                 str(tmp_path / "y")])
    assert result.exit_code == 2 and result.stderr.splitlines() == [
        "error: --booked-file: value 'B': expected a booked balance of 9.72.90.003 for every kommune"]


def test_totals_keep_the_three_parts_apart(tmp_path, cases):
    out = tmp_path / "c"
    result = runner.invoke(app, ["arbejdsskader", str(cases), "--booked=-1", "--out", str(out),
                                 "--set", "work_injury.ibnr_method=chainladder", "--set", f"work_injury.triangle_file={RAA}"])
    assert result.exit_code == 0, result.output
    totals = read_output_csv(out / "arbejdsskader_totaler.csv")
    for _, part in totals.groupby("opdelt_efter"):
        part = part.set_index("gruppe")
        assert part.loc["IBNR", "pv"] == 0 and part.loc["IBNR", "reserve"] == 0
        assert part.loc["IBNR", "liability"] == pytest.approx(52135.228261, abs=1e-6)
        total = part.loc["i alt"]
        assert total["liability"] == pytest.approx(total["pv"] + total["reserve"] + 52135.228261, rel=1e-12)
        assert total["reserve"] == 150000


def test_a_positive_balance_in_a_003_booked_file_names_9_72_90_003(tmp_path, cases):
    several = tmp_path / "kommuner.csv"
    several.write_text(cases.read_text(encoding="utf-8").replace("forvaltning", "kommune"), encoding="utf-8")
    booked = tmp_path / "bogført.csv"
    booked.write_text("kommune;bogført\nA;-2.000.000\nB;300000\n", encoding="utf-8")
    result = runner.invoke(app, ["arbejdsskader", str(several), "--booked-file", str(booked), "--out",
                                 str(tmp_path / "z")])
    assert result.exit_code == 2
    assert "9.72.90.003" in result.stderr and "9.72.90.001" not in result.stderr, result.stderr
    assert "row 3" in result.stderr or "række 3" in result.stderr
    assert not (tmp_path / "z").exists()
