"""`tjp arbejdsskader`: the files it writes, the journal pair on 9.72.90.003 / 9.75.99,
the IBNR methods, and on every malformed case register or triangle of the corpus exit
code 2, its exact messages, and nothing written."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from test_work_injury_register import BAD, EXPECTED
from tjenestemandspension.cli.main import app
from tjenestemandspension.textfiles import read_output_csv

RAA = Path(__file__).parent / "data" / "published" / "raa_triangle.csv"
GOOD = ("sagsnr;ydelse;fødselsdato;køn;årlig_ydelse;startdato;reserve;kommune\n"
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
        "arbejdsskader.csv", "arbejdsskader.xlsx", "arbejdsskader_totaler.csv", "arbejdsskader_udbetalinger.csv",
        "basis.toml", "journal.csv", "manifest.json"]
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
