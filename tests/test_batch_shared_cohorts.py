"""A batch shares the cohorts' survival rows and annuities across its kommuner
(`SharedCohorts`); each kommune's results must still be exactly those of a run of that
kommune alone: persons.csv and cashflows.csv byte for byte."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from typer.testing import CliRunner

from tjenestemandspension.actuarial import default_basis, register_from_frame, resolve_assumptions, value
from tjenestemandspension.actuarial.projection import SharedCohorts
from tjenestemandspension.actuarial.synthetic import synthetic_register
from tjenestemandspension.cli.main import app
from tjenestemandspension.textfiles import write_csv
from engine_cases import ILLUSTRATIVE_INCIDENCE

KOMMUNER = ("Aarhus Kommune", "Aalborg Kommune", "Odense Kommune", "Vejle Kommune")
runner = CliRunner()


def invoke(*args):
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result


@pytest.mark.parametrize("extra", [[], ["--set", f"ill_health.incidence_file={ILLUSTRATIVE_INCIDENCE}"]],
                         ids=["first-version", "ill-health"])
def test_each_kommune_of_a_batch_writes_what_a_run_of_it_alone_writes(tmp_path, extra):
    frame = synthetic_register(600, seed=41, municipalities=KOMMUNER, individual_spouses=True)
    write_csv(frame, tmp_path / "alle.csv")
    invoke("value", tmp_path / "alle.csv", "--persons-format", "csv", "--out", tmp_path / "batch", *extra)
    for kommune in KOMMUNER:
        alone = tmp_path / kommune.split()[0]
        write_csv(frame[frame["municipality"] == kommune], tmp_path / f"{kommune}.csv")
        invoke("value", tmp_path / f"{kommune}.csv", "--persons-format", "csv", "--out", alone, *extra)
        in_batch = tmp_path / "batch" / kommune.replace(" ", "_")
        for name in ("persons.csv", "cashflows.csv"):
            assert (in_batch / name).read_bytes() == (alone / name).read_bytes(), (kommune, name)


def test_shared_rows_are_the_rows_of_a_valuation_on_its_own():
    valuation_date = dt.date(2024, 12, 31)
    assumptions = resolve_assumptions(default_basis())
    shared = SharedCohorts()
    for seed, n in ((1, 300), (2, 50), (3, 700)):  # later registers reuse rows and add new ones
        register = register_from_frame(synthetic_register(n, seed=seed, valuation_date=valuation_date),
                                       valuation_date)
        alone, reused = value(register, assumptions), value(register, assumptions, shared)
        assert alone.persons.equals(reused.persons)
        assert np.array_equal(alone.monthly_payments, reused.monthly_payments)
        assert alone.cashflows.equals(reused.cashflows)
    other = resolve_assumptions(default_basis().with_overrides({"curve.shift_bp": 10}))
    with pytest.raises(ValueError):  # one set of v_k per SharedCohorts
        value(register, other, shared)
