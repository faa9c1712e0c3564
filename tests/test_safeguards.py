"""The safeguards before posting (actuarial/safeguards.py): each with its exact message, on
the console, in the manifest and on Oversigt; `--strict` exits 2 with nothing written;
a batch kommune without a booked balance exits 3."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import numpy as np
import openpyxl
import pandas as pd
import pytest

pytestmark = pytest.mark.english  # the problem frame in English; the safeguards' own texts are Danish
from typer.testing import CliRunner

from tjenestemandspension.actuarial.basis_files import load_basis
from tjenestemandspension.actuarial.safeguards import (
    cpr_findings,
    dates_findings,
    newest_benchmark_year,
    no_booked_finding,
    no_municipality_finding,
    placeholder_findings,
    regulation_findings,
    skipped_rows_findings,
)
from tjenestemandspension.cli.main import app
from tjenestemandspension.textfiles import write_csv

runner = CliRunner()
V = dt.date(2025, 12, 31)


def texts(findings):
    return [(f.code, f.severity, f.text) for f in findings]


# --- each safeguard's exact message ------------------------------------------------------------

def test_a_curve_of_another_date_names_both_dates():
    assert texts(dates_findings(V, dt.date(2024, 12, 31), 2025)) == [(
        "curve_date", "advarsel",
        "Rentekurven har referencedato 31-12-2024, men opgørelsesdatoen er 31-12-2025: brug EIOPA's kurve pr. "
        "opgørelsesdatoen (curve.source = eiopa og curve.file).")]
    assert dates_findings(V, V, 2025) == []
    assert dates_findings(V, None, 2025) == []  # a flat curve has no date


def test_a_benchmark_published_after_the_valuation_date():
    assert texts(dates_findings(dt.date(2024, 6, 30), None, 2024)) == [(
        "benchmark_after_valuation", "advarsel",
        "Dødelighedsbenchmark 2024 er offentliggjort i september 2024, efter opgørelsesdatoen 30-06-2024: brug "
        "det benchmark, der var offentliggjort på opgørelsesdatoen.")]


def test_a_benchmark_older_than_the_newest_published_by_then():
    assert texts(dates_findings(V, None, 2024)) == [(
        "benchmark_old", "advarsel",
        "Dødelighedsbenchmark 2024 er ældre end det nyeste, der er offentliggjort pr. opgørelsesdatoen "
        "31-12-2025: benchmark 2025 (september 2025); angiv det med mortality.source = files.")]


@pytest.mark.parametrize("date, newest", [(dt.date(2024, 12, 31), 2024), (dt.date(2024, 9, 30), 2024),
                                          (dt.date(2024, 8, 31), 2023), (dt.date(2025, 1, 31), 2024)])
def test_the_newest_benchmark_is_published_in_september(date, newest):
    assert newest_benchmark_year(date) == newest


def test_a_regulation_above_the_threshold_share():
    found = regulation_findings(1_000_000.0, Decimal("-850000"), 0.10)
    assert texts(found) == [(
        "regulation_share", "advarsel",
        "Reguleringen 150.000,00 kr. er 15,0% af forpligtelsen 1.000.000,00 kr., mere end grænsen på 10,0% "
        "(checks.regulation_share): kontrollér den bogførte saldo og registeret, før journalen bogføres.")]
    assert regulation_findings(1_000_000.0, Decimal("-910000"), 0.10) == []  # 9 %
    assert regulation_findings(1_000_000.0, Decimal("-850000"), 0.20) == []  # the key's threshold
    assert regulation_findings(1_000_000.0, None, 0.10) == []  # no journal, nothing to post


def test_a_booked_balance_in_thousands_of_kroner():
    found = regulation_findings(22_837_000.0, Decimal("-22837"), 0.10)
    assert [f.code for f in found] == ["regulation_share", "booked_thousands"]
    assert found[1].text == (
        "Den bogførte saldo -22.837,00 kr. ligner et beløb i tusinde kroner: forpligtelsen er 22.837.000,00 kr. "
        "(saldoen × 1.000 er -22.837.000,00 kr.). Angiv saldoen på 9.72.90.001 i kroner, fx "
        "--booked=-22.837.000,00.")


def test_thousands_typed_with_a_comma_between_the_thousands():
    """--booked=-22,837 reads as -22,837 kr. (decimal comma): 22.837.000 kr. in thousands."""
    found = regulation_findings(22_837_000.0, Decimal("-22.837"), 0.10)
    assert found[1].code == "booked_thousands"
    assert "(saldoen × 1.000.000 er -22.837.000,00 kr.)" in found[1].text


def test_a_booked_balance_of_another_order_of_magnitude():
    found = regulation_findings(1_000_000_000.0, Decimal("-25000000"), 0.10)
    assert texts(found)[1] == (
        "booked_magnitude", "advarsel",
        "Den bogførte saldo -25.000.000,00 kr. har en anden størrelsesorden end forpligtelsen "
        "1.000.000.000,00 kr.: kontrollér saldoen på 9.72.90.001 (fortegn, enhed og konto).")
    # a first recognition (nothing booked yet) is a large regulation, not a magnitude error
    assert [f.code for f in regulation_findings(1_000_000.0, Decimal("0"), 0.10)] == ["regulation_share"]


def test_placeholders_not_reviewed_are_listed_until_set():
    found = placeholder_findings(load_basis())
    assert texts(found) == [(
        "placeholders", "advarsel",
        "Pladsholdere, der ikke er gennemgået: inflation.rate = 0.02; spouse.marriage_probability_men = 0.6; "
        "spouse.marriage_probability_women = 0.6; spouse.age_difference_years = 3; "
        "supplement.early_supplement_full = 0. Angiv værdierne i basisfilen eller med --set (eller fjern "
        "placeholder = true, når værdien er gennemgået).")]
    reviewed = load_basis(overrides=["inflation.rate=0.021", "spouse.marriage_probability_men=0.55",
                                     "spouse.marriage_probability_women=0.5", "spouse.age_difference_years=2",
                                     "supplement.early_supplement_full=17000"])
    assert placeholder_findings(reviewed) == []


def test_person_ids_like_cpr_numbers_get_the_pseudonymize_hint():
    ids = np.array(["010170-1234", "020280-2345", "A17"], dtype=object)
    assert texts(cpr_findings(ids, pseudonymized=False)) == [(
        "cpr_ids", "advarsel",
        "2 af 3 person-id'er ligner CPR-numre: brug --pseudonymize, så CPR-numrene ikke står i resultaterne.")]
    assert cpr_findings(ids, pseudonymized=True) == []
    assert cpr_findings(np.array(["A1", "A2"], dtype=object), pseudonymized=False) == []


def test_batch_and_reading_findings():
    assert texts([no_booked_finding("Køge Kommune")]) == [(
        "no_booked", "advarsel",
        "Kommune Køge Kommune: ingen bogført saldo i --booked-file, så journalen er ikke dannet; tilføj kommunen "
        "i filen.")]
    assert no_municipality_finding([4, 9], "(uden kommune)").text == (
        "2 rækker uden kommune (række 4, 9) er værdiansat for sig som '(uden kommune)': angiv kommunen i "
        "kolonnen municipality.")
    assert texts(skipped_rows_findings([(402, "sumrække 'I alt'")])) == [(
        "skipped_rows", "bemærkning", "Sprunget over i registeret: række 402 (sumrække 'I alt').")]


# --- through the CLI ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def example(tmp_path_factory):
    folder = tmp_path_factory.mktemp("safeguards")
    result = runner.invoke(app, ["example", str(folder)])
    assert result.exit_code == 0, result.output
    return folder


@pytest.mark.danish
def test_a_valuation_on_last_years_curve_warns_on_the_console_manifest_and_oversigt(example, tmp_path):
    out = tmp_path / "out"
    result = runner.invoke(app, ["value", str(example / "register.csv"), "--set", "valuation.date=2025-12-31",
                                 "--booked=-22,837", "--out", str(out)])
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if line.startswith("advarsel: ")]
    assert [w.split(":")[1].split()[0].rstrip(",") for w in warnings] == ["Rentekurven", "Dødelighedsbenchmark", "Reguleringen",
                                                             "Den", "Pladsholdere"]
    assert "Rentekurven har referencedato 31-12-2024, men opgørelsesdatoen er 31-12-2025" in warnings[0]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    codes = [f["code"] for f in manifest["safeguards"]]
    assert codes == ["curve_date", "benchmark_old", "regulation_share", "booked_magnitude", "placeholders",
                     "not_valued"]
    sheet = openpyxl.load_workbook(out / "valuation.xlsx")["Oversigt"]
    cells = [c for row in sheet.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    start = cells.index("Advarsler")
    assert cells[start + 1] == "• " + manifest["safeguards"][0]["text"]
    assert cells[start + 5] == "• " + manifest["safeguards"][4]["text"]


def test_strict_turns_every_warning_into_exit_2_and_writes_nothing(example, tmp_path):
    out = tmp_path / "out"
    result = runner.invoke(app, ["value", str(example / "register.csv"), "--set", "valuation.date=2025-12-31",
                                 "--booked=-950000000", "--out", str(out), "--strict"])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == (
        "error: --strict: Rentekurven har referencedato 31-12-2024, men opgørelsesdatoen er 31-12-2025: brug "
        "EIOPA's kurve pr. opgørelsesdatoen (curve.source = eiopa og curve.file).")
    assert not out.exists()


@pytest.mark.danish
def test_strict_passes_when_nothing_needs_a_second_look(example, tmp_path):
    reviewed = ["--set", "inflation.rate=0.021", "--set", "spouse.marriage_probability_men=0.55",
                "--set", "spouse.marriage_probability_women=0.5", "--set", "spouse.age_difference_years=2",
                "--set", "supplement.early_supplement_full=17000"]
    result = runner.invoke(app, ["value", str(example / "register.csv"), *reviewed, "--booked=-1000000000",
                                 "--out", str(tmp_path / "out"), "--strict"])
    assert result.exit_code == 0, result.output
    assert not [line for line in result.stderr.splitlines() if line.startswith("advarsel")]
    sheet = openpyxl.load_workbook(tmp_path / "out" / "valuation.xlsx")["Oversigt"]
    cells = [c for row in sheet.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert cells[cells.index("Advarsler") + 1] == "Ingen advarsler før bogføring."


def test_batch_kommune_without_booked_balance_and_rows_without_kommune(example, tmp_path):
    frame = pd.read_csv(example / "register.csv", sep=";", dtype=str, encoding="utf-8-sig", keep_default_na=False)
    frame["municipality"] = ["Aarhus Kommune"] * 150 + ["Køge Kommune"] * 240 + [""] * (len(frame) - 390)
    write_csv(frame, tmp_path / "alle.csv")
    (tmp_path / "booked.csv").write_text("municipality;booked\nAarhus Kommune;-370000000\n", encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(app, ["value", str(tmp_path / "alle.csv"), "--booked-file", str(tmp_path / "booked.csv"),
                                 "--out", str(out)])
    assert result.exit_code == 3, result.output
    stderr = result.stderr.splitlines()
    assert ("advarsel [kommune Køge Kommune]: Kommune Køge Kommune: ingen bogført saldo i --booked-file, så "
            "journalen er ikke dannet; tilføj kommunen i filen.") in stderr
    assert ("advarsel [kommune (uden kommune)]: 10 rækker uden kommune (række 392, 393, 394, 395, 396, 397, 398, "
            "399, 400, 401) er værdiansat for sig som '(uden kommune)': angiv kommunen i kolonnen municipality."
            ) in stderr
    assert (out / "Aarhus_Kommune" / "journal.csv").is_file()
    assert not (out / "Koege_Kommune" / "journal.csv").exists() and not (out / "Køge_Kommune" / "journal.csv").exists()
    strict = runner.invoke(app, ["value", str(tmp_path / "alle.csv"), "--booked-file", str(tmp_path / "booked.csv"),
                                 "--out", str(tmp_path / "strict"), "--strict"])
    assert strict.exit_code == 2 and not (tmp_path / "strict").exists()


def test_cpr_like_person_ids_hint_at_pseudonymize_unless_used(example, tmp_path):
    frame = pd.read_csv(example / "register.csv", sep=";", dtype=str, encoding="utf-8-sig", keep_default_na=False)
    frame["person_id"] = [f"{(i % 28) + 1:02d}0{i % 10}6{i % 10}-{1000 + i}" for i in range(len(frame))]
    write_csv(frame, tmp_path / "cpr.csv")
    result = runner.invoke(app, ["value", str(tmp_path / "cpr.csv"), "--out", str(tmp_path / "a")])
    assert result.exit_code == 0, result.output
    assert ("advarsel: 400 af 400 person-id'er ligner CPR-numre: brug --pseudonymize, så CPR-numrene ikke står i "
            "resultaterne.") in result.stderr.splitlines()
    result = runner.invoke(app, ["value", str(tmp_path / "cpr.csv"), "--pseudonymize", "--out", str(tmp_path / "b")])
    assert result.exit_code == 0, result.output
    assert "CPR-numre" not in result.stderr
