"""Every number of the worked example in docs/work-injuries.md §7, to the øre."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tjenestemandspension.actuarial import load_basis, resolve_assumptions
from tjenestemandspension.actuarial.journal import make_journal
from tjenestemandspension.actuarial.work_injury.case_register import cases_from_frame
from tjenestemandspension.actuarial.work_injury.provision import value_work_injuries
from tjenestemandspension.actuarial.work_injury.valuation import work_injury_mortality
from tjenestemandspension.danish import format_kroner
from tjenestemandspension.rounding import to_ore

DOC = (Path(__file__).parent.parent / "docs" / "work-injuries.md").read_text(encoding="utf-8")
# (case_id, benefit, a0, e, last covered month, months left, pv in kr.)
ROWS = [
    ("AS-1001", "loss_of_earning_capacity", 657, 171, "2039-03", 170, "1615213.95"),
    ("AS-1002", "spouse", 635, 64, "2030-04", 63, "416911.96"),
    ("AS-1002", "child", 114, 102, "2033-06", 101, "167183.14"),
    ("AS-1003", "case_reserve", 0, 0, "", 0, "0.00"),
]
PROVISION = Decimal("2349309.06")
BOOKED = Decimal("-2200000.00")


@pytest.fixture(scope="module")
def example():
    frame = pd.DataFrame({
        "sagsnr": ["AS-1001", "AS-1002", "AS-1002", "AS-1003"],
        "ydelse": ["erhvervsevnetab", "ægtefælle", "barn", "sagsreserve"],
        "fødselsdato": ["1970-03-15", "1972-01-01", "2015-06-01", ""], "køn": ["M", "K", "M", ""],
        "årlig_ydelse": ["120.000", "80.000", "20.000", ""], "startdato": ["", "2020-05", "", ""],
        "reserve": ["", "", "", "150.000"]})
    basis = load_basis()
    return value_work_injuries(cases_from_frame(frame, basis.valuation_date), resolve_assumptions(basis))


def test_every_row(example):
    rows = example.rows
    for index, (case_id, benefit, a0, e, last, left, pv) in enumerate(ROWS):
        assert rows.loc[index, "case_id"] == case_id and rows.loc[index, "benefit"] == benefit
        assert rows.loc[index, "age_months"] == a0 and example.values.end_index[index] == e
        assert rows.loc[index, "last_covered_month"] == last and rows.loc[index, "months_left"] == left
        assert to_ore(rows.loc[index, "pv"]) == Decimal(pv)
        if benefit != "case_reserve":
            assert f"**{format_kroner(Decimal(pv))} kr.**" in DOC


def test_the_first_payment_factors(example):
    assumptions = example.assumptions
    assert 1.02 ** (1 / 12) == pytest.approx(1.0016516, abs=5e-8)
    assert float(assumptions.curve.discount(1 / 12)) == pytest.approx(0.9981670, abs=5e-8)
    survival = work_injury_mortality(assumptions).monthly_survival(example.valuation_date, np.array([0]),
                                                                   np.array([657]), 1)
    assert survival[0, 1] == pytest.approx(0.9997396, abs=5e-8)
    assert "10.000 · J(t₁) · P(t₁) · S(t₁) = 10.000 · 1,0016516 · 0,9981670 · 0,9997396" in DOC


def test_provision_and_journal(example):
    assert to_ore(example.total_liability) == PROVISION
    assert example.ibnr.amount == 0 and to_ore(example.total_reserve) == Decimal("150000.00")
    assert f"**{format_kroner(PROVISION)} kr.**" in DOC
    journal = make_journal(example.valuation_date, example.total_liability, BOOKED, "x", grouping="003")
    assert journal.regulation == Decimal("149309.06") and journal.kind == "opskrivning" and journal.balances
    assert [line.kontostreng for line in journal.lines] == ["9.72.90.003", "9.75.99"]
    assert journal.lines[0].kredit == journal.lines[1].debet == Decimal("149309.06")
    assert "D = 149.309,06 kr." in DOC
    assert np.isclose(float((example.values.monthly_payments * example.values.discount).sum()),
                      example.total_pv, rtol=1e-12)
