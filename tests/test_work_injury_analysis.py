"""The ændringsanalyse of grouping 003 (actuarial/work_injury/analysis003.py): the steps add
up to the new provision exactly; a portfolio that develops exactly as expected (no
mortality, a flat curve, awards regulated by the basis' rate, no case closed or added)
changes by interest and payments only; closed and new cases show as such; and
`tjp arbejdsskader --prior` writes it."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from tjenestemandspension.actuarial import load_basis, resolve_assumptions
from tjenestemandspension.actuarial.work_injury.analysis003 import analyse_work_injuries
from tjenestemandspension.actuarial.work_injury.case_register import cases_from_frame
from tjenestemandspension.actuarial.work_injury.synthetic_cases import synthetic_cases
from tjenestemandspension.cli.main import app
from tjenestemandspension.textfiles import read_output_csv, write_csv

V0, V1 = dt.date(2023, 12, 31), dt.date(2024, 12, 31)
CERTAIN = ["curve.source=flat", "curve.rate=0.03", "work_injury.mortality_factor=0"]


def regulated(frame: pd.DataFrame, rate: float) -> pd.DataFrame:
    amounts = pd.to_numeric(frame["annual_amount"].replace("", np.nan))
    return frame.assign(annual_amount=np.where(amounts.isna(), "", (amounts * (1 + rate)).astype(str)))


@pytest.fixture(scope="module")
def bases():
    prior = resolve_assumptions(load_basis(overrides=[*CERTAIN, "valuation.date=2023-12-31"]))
    new = resolve_assumptions(load_basis(overrides=CERTAIN), reuse=(prior,))
    return prior, new


def steps(analysis) -> dict[str, float]:
    return {step.description.split(" ")[0] + (":" + step.description[4:12] if step.category == "a" else ""):
            step.amount for step in analysis.steps}


def test_as_expected_only_interest_and_payments(bases):
    prior, new = bases
    frame = synthetic_cases(80, V0, seed=3)
    analysis = analyse_work_injuries(cases_from_frame(frame, V0), prior, None,
                                     cases_from_frame(regulated(frame, 0.02), V1), new)
    amounts = [step.amount for step in analysis.steps]
    assert amounts[1] > 0 and amounts[2] < 0  # interest, payments
    np.testing.assert_allclose(amounts[3:-1], 0.0, atol=1e-6 * analysis.new_liability)
    assert abs(analysis.residual) < 1e-6


def test_closed_and_new_cases_and_changed_assumptions(bases):
    prior, new = bases
    frame = synthetic_cases(80, V0, seed=4)
    extra = synthetic_cases(6, V1, seed=5).assign(case_id=lambda d: d["case_id"] + "-ny")
    later = pd.concat([regulated(frame, 0.02).iloc[10:], extra], ignore_index=True)
    changed = resolve_assumptions(load_basis(overrides=[*CERTAIN, "work_injury.regulation_rate=0.03"]), reuse=(new,))
    analysis = analyse_work_injuries(cases_from_frame(frame, V0), prior, None, cases_from_frame(later, V1), changed)
    by_text = {step.description: step.amount for step in analysis.steps}
    assert by_text["Afsluttede sager (rækker, der ikke længere er i registeret)"] < 0
    assert by_text["Nye sager"] > 0
    assert by_text["Ændrede ydelser og sagsreserver, dødsfald og andre afvigelser i verserende sager"] == \
        pytest.approx(0, abs=1e-3)
    assert by_text["(a) Satsregulering"] > 0 and by_text["(a) Rentekurve"] == pytest.approx(0, abs=1e-3)
    assert abs(analysis.residual) < 1e-6
    assert analysis.steps[-1].amount == pytest.approx(analysis.steps[-2].liability, rel=1e-12)


def test_cli_prior(tmp_path):
    cases = tmp_path / "sager.csv"
    write_csv(synthetic_cases(30, V0, seed=6), cases)
    runner = CliRunner()
    prior = runner.invoke(app, ["arbejdsskader", str(cases), "--booked=-1", "--out", str(tmp_path / "p0"),
                                "--set", "valuation.date=2023-12-31"])
    assert prior.exit_code == 0, prior.output
    result = runner.invoke(app, ["arbejdsskader", str(cases), "--booked=-1", "--out", str(tmp_path / "p1"),
                                 "--prior", str(tmp_path / "p0")])
    assert result.exit_code == 0, result.output
    table = read_output_csv(tmp_path / "p1" / "arbejdsskader_analyse.csv", dtype=str)
    assert table["kategori"].iloc[0] == "primo" and table["kategori"].iloc[-1] == "ultimo"
    amount = table["beløb"].str.replace(",", ".").astype(float)
    assert amount.iloc[1:-1].sum() == pytest.approx(amount.iloc[-1] - amount.iloc[0], abs=0.005)
    wrong = runner.invoke(app, ["arbejdsskader", str(cases), "--booked=-1", "--out", str(tmp_path / "x"),
                                "--prior", str(tmp_path / "p1" / "..")])
    assert wrong.exit_code == 2 and not (tmp_path / "x").exists()
