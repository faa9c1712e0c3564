"""The shared conventions of the root package: rounding, dates, Danish numbers, text files.

One home each (tests/test_conventions.py keeps it so); here is what they do, and that
every output that shows an amount rounds it the same way, a tie included.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import numpy as np
import openpyxl
import pytest

from tjenestemandspension.actuarial import load_basis, register_from_frame, resolve_assumptions, value
from tjenestemandspension.actuarial.analysis import Analysis, Step
from tjenestemandspension.actuarial.journal import make_journal
from tjenestemandspension.actuarial.output import analysis_frame, write_rollforward
from tjenestemandspension.actuarial.rollforward import RollForward
from tjenestemandspension.actuarial.synthetic import synthetic_register
from tjenestemandspension.actuarial.workpaper import WorkpaperContext, write_workpaper
from tjenestemandspension.danish import (
    danish_date,
    danish_number,
    danish_percent,
    format_kroner,
    kroner_text,
    parse_amount,
)
from tjenestemandspension.dates import completed_months, is_month_end, months_between
from tjenestemandspension.errors import InputError
from tjenestemandspension.rounding import round_half_up, to_ore, whole_years
from tjenestemandspension.textfiles import decode_text, read_output_csv, sniff_separator

pytestmark = pytest.mark.english  # asserts the English texts of problems (tests/conftest.py)

TIE = 1000.125  # exactly representable: a true tie between 1000.12 and 1000.13
V = dt.date(2024, 12, 31)


def test_rounding():
    assert whole_years(10.1 + 26.9) == 37 and whole_years(36.999) == 36
    assert list(round_half_up(np.array([12 * 62.5, 0.5, 1.49, 2.5]))) == [750, 1, 1, 3]
    assert int(round_half_up(12 * 60.041666666666664)) == 721  # 12·A a hair below a half
    assert to_ore(TIE) == Decimal("1000.13") and to_ore(-TIE) == Decimal("-1000.13")
    assert to_ore("0.005") == Decimal("0.01") and to_ore(Decimal("2.675")) == Decimal("2.68")


def test_dates():
    assert is_month_end(dt.date(2024, 2, 29)) and not is_month_end(dt.date(2023, 2, 28) - dt.timedelta(1))
    assert months_between(dt.date(2023, 12, 31), dt.date(2024, 12, 31)) == 12
    births = np.array(["1971-05-20", "2024-12-01"], dtype="datetime64[D]")
    assert list(completed_months(births, V)) == [643, 0]


def test_danish_numbers_and_dates():
    assert danish_number(1234567.891, 2) == "1.234.567,89" and danish_number(1234) == "1.234"
    assert danish_percent(0.165) == "16,50%" and danish_percent(-0.0884, sign=True) == "-8,84%"
    assert format_kroner(-TIE) == "-1.000,13" and kroner_text(TIE) == "1000,13"
    assert danish_date(V) == "31-12-2024"


@pytest.mark.parametrize("typed", ["1234567.89", "1.234.567,89", "1234567,89", " 1 234 567,89 ", "1\u00a0234\u00a0567,89"])
def test_an_amount_typed_any_way(typed):
    assert parse_amount(typed, "--payments") == Decimal("1234567.89")


@pytest.mark.parametrize("typed, amount", [
    ("-2.000.000", "-2000000"), ("2.000.000,50", "2000000.50"), ("-2.000.000,00", "-2000000.00"),
    ("1.234.567", "1234567"), ("+12.000.000", "12000000"), ("12.5", "12.5"), ("-1234,5", "-1234.5"),
])
def test_thousands_points_with_a_sign_and_without_decimals(typed, amount):
    assert parse_amount(typed, "--booked") == Decimal(amount)


# "2.000" could be two thousand or two; the others group or place separators wrongly.
@pytest.mark.parametrize("typed", ["abc", "nan", "inf", "", "2.000", "-2.000", "1.23.456", "12.34.567",
                                   "1.2345.678", "1.234,5,6", "1,234.56", "1.23,45", "--2.000.000"])
def test_what_is_not_an_amount(typed):
    with pytest.raises(InputError, match="--payments.*expected an amount in kroner"):
        parse_amount(typed, "--payments")


def test_one_decoding_rule():
    assert decode_text("æøå;x".encode("utf-8-sig"), "f.csv", "register") == ("æøå;x", "utf-8")
    assert decode_text("æøå;x".encode("cp1252"), "f.csv", "register") == ("æøå;x", "windows-1252")
    mixed = "a;æ\n".encode("utf-8") + "b;ø\n".encode("cp1252")
    with pytest.raises(InputError, match="row 2: holds text that is not UTF-8 although the file's other rows are"):
        decode_text(mixed, "f.csv", "register")
    with pytest.raises(InputError, match="is UTF-16 text .* save the table as CSV UTF-8"):
        decode_text("Alder;Kvinder".encode("utf-16"), "f.csv", "table")
    with pytest.raises(InputError, match="neither UTF-8 nor Windows-1252"):
        decode_text(b"a;\x81\n", "f.csv", "table")


def test_one_separator_rule():
    assert [sniff_separator(line) for line in ("a;b;c", "a\tb", "a,b,c;d", "a;b,c", "abc")] == [";", "\t", ",", ";", ","]


# --- one øre rounding, a tie included ------------------------------------------------------

def test_journal_analysis_and_rollforward_round_a_tie_alike(tmp_path):
    journal = make_journal(V, TIE, Decimal("-1000"), reference="r")
    assert journal.liability == Decimal("1000.13") and journal.regulation == Decimal("0.13")
    analysis = Analysis(prior_date=dt.date(2023, 12, 31), new_date=V, period_years=1.0, order=(),
                        steps=(Step("primo", "primo", 0.0, 0.0), Step("c", "c", TIE, TIE),
                               Step("ultimo", "ultimo", TIE, TIE)),
                        prior_liability=0.0, new_liability=TIE, method="")
    frame = analysis_frame(analysis)
    assert list(frame["beløb"]) == ["0,00", "1000,13", "1000,13"]  # half-even would give 1000,12
    roll = RollForward(prior_run_id="p", prior_date=dt.date(2023, 12, 31), to_date=V, last_recalculation=V,
                       prior_liability=TIE, rate=0.0, curve_name="flad", years=1.0, interest=0.0, accrual=0.0,
                       accrual_text="", payments=0.0)
    write_rollforward(roll, journal, "", "r", tmp_path / "rf")
    written = read_output_csv(tmp_path / "rf" / "rollforward.csv", dtype=str)
    assert written["beløb"].iloc[-1] == "1000,13"


@pytest.mark.danish  # reads the Danish working paper
def test_the_working_paper_shows_the_journal_liability_on_a_tie(tmp_path):
    basis = load_basis()
    register = register_from_frame(synthetic_register(10, seed=1), V)
    valuation = value(register, resolve_assumptions(basis))
    liability = np.zeros(len(register))
    liability[0] = TIE
    valuation = dataclasses.replace(valuation, persons=valuation.persons.assign(liability=liability))
    journal = make_journal(V, valuation.total_liability, Decimal("-1000"), reference="r")
    write_workpaper(tmp_path / "w.xlsx", valuation, journal, WorkpaperContext(run_id="r"))
    sheet = openpyxl.load_workbook(tmp_path / "w.xlsx")["Oversigt"]
    shown = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row[0]}
    assert shown["Beregnet forpligtelse"] == float(journal.liability) == 1000.13
