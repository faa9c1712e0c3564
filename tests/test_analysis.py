"""Ændringsanalyse, roll-forward, sensitivities and run comparison (issue: auditors and the
years between)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import numpy as np
import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from tjenestemandspension.actuarial import load_basis, register_from_frame, resolve_assumptions, value
from tjenestemandspension.actuarial.analysis import analyse_change
from tjenestemandspension.textfiles import write_csv
from tjenestemandspension.actuarial.run import run_sensitivity_analysis, scenario_assumptions
from tjenestemandspension.actuarial.sensitivities import Scenario, run_sensitivities, standard_scenarios
from tjenestemandspension.actuarial.synthetic import age_register, synthetic_register
from tjenestemandspension.cli.main import app
from published import eiopa_publication, write_term_structures

pytestmark = pytest.mark.english  # asserts the English texts of problems (tests/conftest.py)

V0, V1 = dt.date(2023, 12, 31), dt.date(2024, 12, 31)
runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


def read_csv(path):
    return pd.read_csv(path, sep=";", decimal=",", encoding="utf-8-sig", keep_default_na=False, na_values=[""])


@pytest.fixture(scope="module")
def registers():
    prior = synthetic_register(300, seed=2024, valuation_date=V0)
    aged, paid = age_register(prior, V0, V1)
    return prior, aged, paid


def steps_of(analysis) -> dict[str, float]:
    named = {}
    for step in analysis.steps:
        key = step.category if step.category != "a" else step.description
        named[key] = step.amount
    return named


def test_the_aged_register_takes_its_assumptions_from_the_basis(registers):
    """Widows' pensions, who is married, the spouse's age and when children leave follow
    the basis given, not numbers of the generator's own."""
    prior = registers[0]
    basis = load_basis(overrides=["valuation.date=2024-12-31", "spouse.fraction=0.5", "spouse.age_difference_years=5",
                                  "spouse.marriage_probability_men=1", "spouse.marriage_probability_women=1",
                                  "benefit.child_pension_end_age=16"])
    aged, _ = age_register(prior, V0, V1, retirements=False, new_pensioner=False, basis=basis)
    widows = aged[aged["person_id"].str.endswith("-E")].set_index("person_id")
    dead = prior.set_index("person_id").loc[[p[:-2] for p in widows.index]]
    retired_gone = set(prior.loc[prior["status"] == "retired", "person_id"]) - set(aged["person_id"])
    assert len(widows) == len(retired_gone) > 0  # everyone married: every dead pensioner leaves a spouse
    assert np.allclose(widows["annual_pension"].to_numpy(), 0.5 * 1.02 * dead["annual_pension"].to_numpy(), atol=0.01)
    months = (pd.to_datetime(widows["birth_date"]).dt.to_period("M").astype(int).to_numpy()
              - pd.to_datetime(dead["birth_date"]).dt.to_period("M").astype(int).to_numpy())
    assert set(np.where(dead["sex"] == "M", months, -months)) == {60}
    children = aged[aged["status"] == "child"]
    age = (pd.Timestamp(V1) - pd.to_datetime(children["birth_date"])).dt.days / 365.25
    assert len(children) > 0 and age.max() < 16 <= ((pd.Timestamp(V1) - pd.to_datetime(
        prior.loc[prior["status"] == "child", "birth_date"])).dt.days / 365.25).max()


# --- the reconciliation -----------------------------------------------------------------

def test_each_step_moves_in_the_expected_direction(registers):
    """Prior: flat 3 %, inflation 1.9 %, no improvements, mortality +10 %, pension age offset 3;
    new: flat 2.5 %, inflation 2 %, improvements, benchmark mortality, offset 2. Every one of
    these raises the liability; reductions are off so that an earlier pension age does too."""
    prior, aged, _ = registers
    common = ["curve.source=flat", "pension_age.early_retirement_reduction=false"]
    prior_basis = load_basis(overrides=common + [
        "valuation.date=2023-12-31", "curve.rate=0.03", "inflation.rate=0.019", "mortality.improvements=false",
        "mortality.factor_men=1.1", "mortality.factor_women=1.1", "pension_age.offset_years=3"])
    new_basis = load_basis(overrides=common + ["curve.rate=0.025"])
    analysis = analyse_change(register_from_frame(prior, V0), resolve_assumptions(prior_basis), register_from_frame(aged, V1),
                              resolve_assumptions(new_basis))
    steps = steps_of(analysis)
    assert steps["renter"] > 0
    assert steps["d"] < 0
    assert steps["b"] > 0
    for group in ("Rentekurve", "Dødelighedsbenchmark", "Levetidsforbedringer", "Inflation"):
        assert steps[f"(a) {group}"] > 0, group
    assert steps["(a) Øvrige forudsætninger"] == 0
    assert abs(analysis.residual) < 1e-6
    final = value(register_from_frame(aged, V1), resolve_assumptions(new_basis)).total_liability
    assert analysis.new_liability == pytest.approx(final, rel=1e-14)
    # interest is the prior liability at the prior curve's one-year rate
    assert steps["renter"] == pytest.approx(analysis.prior_liability * 0.03, rel=1e-12)


@pytest.mark.parametrize("change,sign", [("accrual only", 1), ("20 % of the pensioners died", -1)])
def test_movements_c_follow_the_register(registers, change, sign):
    """(c) is what happened to the population: a year's more service raises it; deaths far
    above the expected lower it."""
    prior, _, _ = registers
    basis_0 = load_basis(overrides=["valuation.date=2023-12-31"])
    basis_1 = load_basis()
    if change == "accrual only":
        aged, _ = age_register(prior, V0, V1, deaths=False, retirements=False, new_pensioner=False)
    else:
        aged, _ = age_register(prior, V0, V1, deaths=False, retirements=False, new_pensioner=False, accrual=False)
        retired = np.flatnonzero(aged["status"].to_numpy() == "retired")
        aged = aged.drop(index=retired[::5]).reset_index(drop=True)
    analysis = analyse_change(register_from_frame(prior, V0), resolve_assumptions(basis_0), register_from_frame(aged, V1),
                              resolve_assumptions(basis_1))
    assert np.sign(analysis.operating_expense) == sign
    assert abs(analysis.residual) < 1e-6


def test_order_of_the_assumption_steps_is_configurable(registers):
    prior, aged, _ = registers
    prior_basis = load_basis(overrides=["valuation.date=2023-12-31", "inflation.rate=0.015"])
    new_basis = load_basis(overrides=["curve.shift_bp=-50"])
    first = analyse_change(register_from_frame(prior, V0), resolve_assumptions(prior_basis), register_from_frame(aged, V1),
                              resolve_assumptions(new_basis))
    second = analyse_change(register_from_frame(prior, V0), resolve_assumptions(prior_basis), register_from_frame(aged, V1),
                              resolve_assumptions(new_basis),
                            order=("inflation", "curve", "mortality", "improvements", "other"))
    a, b = steps_of(first), steps_of(second)
    assert a["(a) Inflation"] != pytest.approx(b["(a) Inflation"])  # interaction with the curve
    assert sum(a.values()) - a["primo"] - a["ultimo"] == pytest.approx(sum(b.values()) - b["primo"] - b["ultimo"])
    assert [s.description for s in second.steps if s.category == "a"][0] == "(a) Inflation"


@pytest.fixture(scope="module")
def eiopa_runs(tmp_path_factory, registers):
    """The example kommune valued at 31-12-2023 on EIOPA's published 2023 DKK curve, aged a
    year, and analysed at 31-12-2024 on the built-in 2024 curve, through the CLI."""
    folder = tmp_path_factory.mktemp("analysis")
    prior, aged, paid = registers
    write_csv(prior, folder / "register2023.csv")
    write_csv(aged, folder / "register2024.csv")
    curve_2023 = write_term_structures(folder / "EIOPA_RFR_20231231_Term_Structures.xlsx", "20231231")
    result = invoke("value", folder / "register2023.csv", "--set", "valuation.date=2023-12-31",
                    "--set", "curve.source=eiopa", "--set", f"curve.file={curve_2023}",
                    "--booked=-900000000", "--out", folder / "run2023")
    assert result.exit_code == 0, result.output
    result = invoke("analyse", "--prior", folder / "run2023", "--register", folder / "register2024.csv",
                    "--booked=-950000000", "--out", folder / "run2024")
    assert result.exit_code == 0, result.output
    return folder, result.output, paid


def test_analysis_reconciles_the_two_liabilities_to_the_ore(eiopa_runs):
    folder, output, _ = eiopa_runs
    analysis = read_csv(folder / "run2024" / "analysis.csv")
    amounts = [Decimal(str(a)).quantize(Decimal("0.01")) for a in
               pd.read_csv(folder / "run2024" / "analysis.csv", sep=";", encoding="utf-8-sig", dtype=str)["beløb"]
               .str.replace(",", ".")]
    primo, steps, ultimo = amounts[0], amounts[1:-1], amounts[-1]
    assert primo + sum(steps) == ultimo
    prior_manifest = json.loads((folder / "run2023" / "manifest.json").read_text())
    new_manifest = json.loads((folder / "run2024" / "manifest.json").read_text())
    assert float(primo) == pytest.approx(prior_manifest["totals"]["liability"], abs=0.006)
    assert float(ultimo) == pytest.approx(new_manifest["totals"]["liability"], abs=0.006)
    assert abs(new_manifest["analysis"]["residual"]) < 1.0
    assert list(analysis["kategori"]) == ["primo", "renter", "d", "c", "b", "a", "a", "a", "a", "a", "ultimo"]
    assert new_manifest["prior_run_id"] == prior_manifest["run_id"]
    assert "Udgift i det udgiftsbaserede driftsregnskab (c)" in output
    sheet = openpyxl.load_workbook(folder / "run2024" / "valuation.xlsx")["Ændringsanalyse"]
    rows = [r for r in sheet.iter_rows(min_row=2, max_row=len(analysis) + 1, values_only=True)]
    assert [r[1] for r in rows] == list(analysis["kategori"])


def test_interest_and_payments_follow_the_2023_curve(eiopa_runs):
    folder, _, paid = eiopa_runs
    analysis = read_csv(folder / "run2024" / "analysis.csv")
    by_category = analysis.groupby("kategori")["beløb"].sum()
    primo = analysis["forpligtelse"].iloc[0]
    one_year_2023 = eiopa_publication("20231231")["curves"]["Denmark"]["spots"][0]
    assert one_year_2023 == 0.03347
    assert by_category["renter"] == pytest.approx(primo * one_year_2023, rel=1e-6)  # EIOPA DKK 2023, 1 year
    assert -by_category["d"] == pytest.approx(paid, rel=0.05)  # expected vs the payments drawn


def test_an_edited_prior_folder_is_refused(eiopa_runs, tmp_path):
    folder, _, _ = eiopa_runs
    import shutil

    copy = tmp_path / "run2023"
    shutil.copytree(folder / "run2023", copy)
    persons = copy / "persons.csv"
    persons.write_bytes(persons.read_bytes().replace(b"retired", b"retirex", 1))
    result = invoke("analyse", "--prior", copy, "--register", folder / "register2024.csv", "--out", tmp_path / "o")
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        "error: persons.csv: was changed after the run (its sha256 differs from manifest.json)"]
    assert not (tmp_path / "o").exists()


def test_a_changed_prior_register_is_refused(tmp_path, registers):
    prior, aged, _ = registers
    write_csv(prior, tmp_path / "register2023.csv")
    write_csv(aged, tmp_path / "register2024.csv")
    assert invoke("value", tmp_path / "register2023.csv", "--set", "valuation.date=2023-12-31",
                  "--out", tmp_path / "run2023").exit_code == 0
    with open(tmp_path / "register2023.csv", "a", encoding="utf-8") as handle:
        handle.write("X1;1950-01-01;K;retired;;;;1000;;0,0;0,0;;\n")
    result = invoke("analyse", "--prior", tmp_path / "run2023", "--register", tmp_path / "register2024.csv",
                    "--out", tmp_path / "o")
    assert result.exit_code == 2
    assert result.output.strip() == ("error: register2023.csv: the run's register file was changed since the run "
                                     "(its sha256 differs from manifest.json)")
    result = invoke("analyse", "--prior", tmp_path / "run2023", "--register", tmp_path / "register2024.csv",
                    "--order", "curve,inflation", "--out", tmp_path / "o")
    assert result.exit_code == 2
    assert "expected each of curve, mortality, improvements, inflation, other exactly once" in result.output


# --- roll-forward ------------------------------------------------------------------------

def test_rollforward_comes_close_to_a_full_recalculation(tmp_path, registers):
    """No assumption change: prior liability + interest + accrual − payments against a full
    valuation of the aged register on the same basis. docs/analysis.md states the tolerance."""
    prior, aged, paid = registers
    write_csv(prior, tmp_path / "register2023.csv")
    assert invoke("value", tmp_path / "register2023.csv", "--set", "valuation.date=2023-12-31",
                  "--out", tmp_path / "run2023").exit_code == 0
    basis_1 = load_basis()
    # the pension earned in the year: the aged register with and without the year's service
    no_accrual, _ = age_register(prior, V0, V1, accrual=False)
    earned = (value(register_from_frame(aged, V1), resolve_assumptions(basis_1)).total_liability
              - value(register_from_frame(no_accrual, V1), resolve_assumptions(basis_1)).total_liability)
    full = value(register_from_frame(aged, V1), resolve_assumptions(basis_1)).total_liability
    result = invoke("rollforward", "--prior", tmp_path / "run2023", "--to", "2024-12-31",
                    "--payments", f"{paid:.2f}", "--accrual", f"{earned:.2f}", "--booked=-1", "--out", tmp_path / "rf")
    assert result.exit_code == 0, result.output
    manifest = json.loads((tmp_path / "rf" / "manifest.json").read_text())
    rolled = manifest["totals"]["liability"]
    prior_liability = json.loads((tmp_path / "run2023" / "manifest.json").read_text())["totals"]["liability"]
    rate = manifest["rollforward"]["rate"]
    assert rolled == pytest.approx(prior_liability * (1 + rate) + round(earned, 2) - round(paid, 2), rel=1e-13)
    assert abs(rolled / full - 1) < 0.02  # the stated tolerance: 2 % of the liability
    assert manifest["kind"] == "rollforward" and manifest["last_recalculation"] == "2023-12-31"
    journal = read_csv(tmp_path / "rf" / "journal.csv")
    assert journal["tekst"].iloc[0].endswith("efter fremskrivning (ikke aktuarmæssig genberegning)")
    sheet = openpyxl.load_workbook(tmp_path / "rf" / "valuation.xlsx")["Fremskrivning"]
    assert "ikke en aktuarmæssig genberegning" in sheet["A2"].value
    assert sheet["A3"].value == "Seneste aktuarmæssige genberegning: 31-12-2023"


def test_rollforward_chains_and_warns_after_five_years(tmp_path, registers):
    prior, _, _ = registers
    write_csv(prior, tmp_path / "register.csv")
    assert invoke("value", tmp_path / "register.csv", "--set", "valuation.date=2023-12-31",
                  "--out", tmp_path / "r0").exit_code == 0
    previous = tmp_path / "r0"
    for year in range(2024, 2029):
        out = tmp_path / f"r{year}"
        result = invoke("rollforward", "--prior", previous, "--to", f"{year}-12-31", "--payments", "30000000",
                        "--accrual-rate", "0.15", "--salaries", "40000000", "--booked=-1", "--out", out)
        assert result.exit_code == 0, result.output
        previous = out
    manifest = json.loads((previous / "manifest.json").read_text())
    assert manifest["last_recalculation"] == "2023-12-31"
    assert "genberegnes aktuarmæssigt mindst hvert 5. år" in result.output


def test_the_same_rollforward_typed_two_ways_has_one_run_id(tmp_path, registers):
    """The run id hashes the amounts, not the option text: 50000000 and 50.000.000,00 are
    one payment, and give one run id (the journal's reference) and identical files."""
    prior, _, _ = registers
    write_csv(prior, tmp_path / "register.csv")
    assert invoke("value", tmp_path / "register.csv", "--set", "valuation.date=2023-12-31",
                  "--out", tmp_path / "r0").exit_code == 0
    typings = {"plain": ("50000000", "1000000.5", "-900000000", "20241231"),
               "danish": ("50.000.000,00", "1.000.000,50", "-900.000.000,00", "2024-12-31")}
    references = {}
    for name, (payments, accrual, booked, to) in typings.items():
        result = invoke("rollforward", "--prior", tmp_path / "r0", "--to", to, "--payments", payments,
                        "--accrual", accrual, f"--booked={booked}", "--out", tmp_path / name)
        assert result.exit_code == 0, result.output
        references[name] = read_csv(tmp_path / name / "journal.csv")["reference"].iloc[0]
    assert references["plain"] == references["danish"]
    for file in ("journal.csv", "rollforward.csv"):
        assert (tmp_path / "plain" / file).read_bytes() == (tmp_path / "danish" / file).read_bytes()
    result = invoke("rollforward", "--prior", tmp_path / "r0", "--to", "2024-12-31", "--payments", "50000000,01",
                    "--accrual", "1000000,50", "--booked=-900000000", "--out", tmp_path / "other")
    assert read_csv(tmp_path / "other" / "journal.csv")["reference"].iloc[0] != references["plain"]


def test_rollforward_bad_input(tmp_path, registers):
    prior, _, _ = registers
    write_csv(prior, tmp_path / "register.csv")
    assert invoke("value", tmp_path / "register.csv", "--set", "valuation.date=2023-12-31",
                  "--out", tmp_path / "r0").exit_code == 0
    result = invoke("rollforward", "--prior", tmp_path / "r0", "--to", "2023-06-30", "--payments", "-5",
                    "--accrual", "1", "--accrual-rate", "0.1", "--salaries", "100", "--booked=-1",
                    "--out", tmp_path / "o")
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        "error: --to: value '2023-06-30': expected a date after the prior run's 2023-12-31",
        "error: --payments: value '-5': expected the pensions paid in the period as a positive amount",
        "error: --accrual: value '1': expected either --accrual or --accrual-rate with --salaries, not both"]
    assert not (tmp_path / "o").exists()


# --- sensitivities -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def sensitivity_register():
    frame = synthetic_register(200, seed=31)
    return frame, register_from_frame(frame, V1)


def sensitivities_of(register, basis, scenarios):
    base = resolve_assumptions(basis)
    return run_sensitivities(register, base, scenario_assumptions(base, scenarios))


def test_rate_shifts_bracket_the_base_and_give_a_plausible_duration(sensitivity_register):
    _, register = sensitivity_register
    basis = load_basis()
    result = sensitivities_of(register, basis, standard_scenarios(basis))
    by_name = {r.scenario.name: r for r in result.results}
    base = result.base_liability
    assert by_name["Rentekurve +100 bp"].liability < by_name["Rentekurve +50 bp"].liability < base
    assert base < by_name["Rentekurve -50 bp"].liability < by_name["Rentekurve -100 bp"].liability
    assert by_name["Inflation +0,5 %-point"].change > 0 > by_name["Inflation -0,5 %-point"].change
    assert by_name["Dødelighed +10 %"].change < 0 < by_name["Dødelighed -10 %"].change
    assert by_name["Uden levetidsforbedringer"].change < 0
    for bp, duration in result.durations.items():
        assert 5 < duration < 35, (bp, duration)
    assert by_name["Rentekurve +100 bp"].change_percent == pytest.approx(
        by_name["Rentekurve +100 bp"].change / base)


def test_sensitivities_of_the_sum_are_the_sum_of_the_sensitivities(sensitivity_register):
    frame, register = sensitivity_register
    basis = load_basis()
    scenarios = standard_scenarios(basis)
    whole = sensitivities_of(register, basis, scenarios)
    halves = [sensitivities_of(register_from_frame(part, V1), basis, scenarios)
              for part in (frame.iloc[:97], frame.iloc[97:])]
    for index, result in enumerate(whole.results):
        assert result.liability == pytest.approx(sum(h.results[index].liability for h in halves), rel=1e-12)
    assert whole.base_liability == pytest.approx(sum(h.base_liability for h in halves), rel=1e-12)


def test_sensitivities_cli_with_own_scenarios(tmp_path, sensitivity_register):
    frame, _ = sensitivity_register
    write_csv(frame, tmp_path / "register.csv")
    (tmp_path / "scenarios.toml").write_text(
        '[scenario."Rente -25 bp"]\n"curve.shift_bp" = -25\n\n'
        '[scenario."Høj inflation og lav dødelighed"]\n"inflation.rate" = 0.03\n"mortality.factor_men" = 0.8\n',
        encoding="utf-8")
    result = invoke("sensitivities", tmp_path / "register.csv", "--scenarios", tmp_path / "scenarios.toml",
                    "--out", tmp_path / "s")
    assert result.exit_code == 0, result.output
    table = read_csv(tmp_path / "s" / "sensitivities.csv")
    assert "Rente -25 bp" in set(table["scenarie"]) and "Varighed ud fra ±100 bp" in set(table["scenarie"])
    own = table[table["egen"] == "ja"]
    assert len(own) == 2 and (own["ændring"] > 0).all()
    sheet = openpyxl.load_workbook(tmp_path / "s" / "valuation.xlsx")["Følsomheder"]
    assert sheet["A1"].value == "Scenarie" and sheet["A2"].value == "Grundlag"
    assert "Varighed (effektiv) ud fra ±100 bp" in result.output


def test_a_bad_scenario_is_refused_before_anything_is_valued(tmp_path, sensitivity_register):
    frame, _ = sensitivity_register
    write_csv(frame, tmp_path / "register.csv")
    (tmp_path / "scenarios.toml").write_text('[scenario."Typo"]\n"inflation.rat" = 0.03\n', encoding="utf-8")
    result = invoke("sensitivities", tmp_path / "register.csv", "--scenarios", tmp_path / "scenarios.toml",
                    "--out", tmp_path / "s")
    assert result.exit_code == 2
    assert "key 'inflation.rat': unknown basis key" in result.output
    assert not (tmp_path / "s").exists()


def test_scenarios_apply_on_top_of_the_base(sensitivity_register):
    _, register = sensitivity_register
    basis = load_basis(overrides=["curve.shift_bp=20"])
    up = standard_scenarios(basis)[0]
    assert up.overrides == {"curve.shift_bp": 120}
    own = sensitivities_of(register, basis, [Scenario("own:same", "same as base", {"curve.shift_bp": 20}, True)])
    assert own.results[0].change == pytest.approx(0.0, abs=1e-6)


def test_scenarios_are_found_by_id_and_the_basis_is_read_once(tmp_path, sensitivity_register, monkeypatch):
    """An own scenario named like a standard one does not take its place in the duration;
    the curve and the tables are read once for the whole run, again only for a scenario
    that names another source."""
    from collections import Counter

    from tjenestemandspension.actuarial import resolve

    reads = Counter()
    for name in ("read_curve", "read_mortality"):
        def counted(basis, original=getattr(resolve, name), name=name):
            reads[name] += 1
            return original(basis)
        monkeypatch.setattr(resolve, name, counted)
    frame, _ = sensitivity_register
    write_csv(frame, tmp_path / "register.csv")
    basis = load_basis()
    standard = standard_scenarios(basis)
    _, alone = run_sensitivity_analysis(tmp_path / "register.csv", basis, standard)
    assert reads == {"read_curve": 1, "read_mortality": 1}
    impostor = Scenario("own:Rentekurve +100 bp", "Rentekurve +100 bp", {"curve.shift_bp": 300}, True)
    flat = Scenario("own:flad", "Flad 2 %", {"curve.source": "flat", "curve.rate": 0.02}, True)
    _, mixed = run_sensitivity_analysis(tmp_path / "register.csv", basis, [impostor, flat] + standard)
    assert reads == {"read_curve": 3, "read_mortality": 2}  # the second run's base, and the flat curve
    assert mixed.durations == alone.durations
    liabilities = {r.scenario.id: r.liability for r in mixed.results}
    assert liabilities["own:Rentekurve +100 bp"] < liabilities["curve+100bp"]


# --- compare ------------------------------------------------------------------------------------

@pytest.mark.danish  # the console and the working paper in Danish
def test_compare_shows_basis_totals_and_movers_with_reasons(tmp_path, registers):
    prior, aged, _ = registers
    write_csv(prior, tmp_path / "register2023.csv")
    write_csv(aged, tmp_path / "register2024.csv")
    assert invoke("value", tmp_path / "register2023.csv", "--set", "valuation.date=2023-12-31",
                  "--out", tmp_path / "a").exit_code == 0
    assert invoke("value", tmp_path / "register2024.csv", "--set", "inflation.rate=0.025",
                  "--out", tmp_path / "b").exit_code == 0
    result = invoke("compare", tmp_path / "a", tmp_path / "b", "--top", "400", "--out", tmp_path / "c")
    assert result.exit_code == 0, result.output
    assert "inflation.rate: 0.02 → 0.025" in result.output
    assert "valuation.date: 2023-12-31 → 2024-12-31" in result.output
    movers = read_csv(tmp_path / "c" / "persons_moved.csv")
    reasons = " | ".join(movers["reason"])
    for visible in ("tilgået", "afgået", "status aktiv → pensioneret", "pensionsår", "løn", "alder +12 mdr."):
        assert visible in reasons, visible
    totals = read_csv(tmp_path / "c" / "totals.csv")
    total = totals[totals["status"] == "total"].iloc[0]
    assert total["change"] == pytest.approx(total["liability_b"] - total["liability_a"])


def test_compare_refuses_an_incomplete_folder(tmp_path, registers):
    prior, _, _ = registers
    write_csv(prior, tmp_path / "register.csv")
    assert invoke("value", tmp_path / "register.csv", "--out", tmp_path / "a").exit_code == 0
    (tmp_path / "a" / "cashflows.csv").unlink()
    result = invoke("compare", tmp_path / "a", tmp_path / "a")
    assert result.exit_code == 2
    assert "cashflows.csv: is missing: the folder is not complete" in result.output
