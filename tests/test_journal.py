"""The journal (docs/specification.md §7): regulation, sign conventions, balance to the øre."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tjenestemandspension.actuarial.journal import make_journal, parse_booked
from tjenestemandspension.danish import format_kroner
from tjenestemandspension.rounding import to_ore
from tjenestemandspension.errors import InputError

pytestmark = pytest.mark.english  # asserts the English texts of problems (tests/conftest.py)

V = dt.date(2024, 12, 31)


def lines_by_account(journal):
    return {line.kontostreng: line for line in journal.lines}


def test_liability_rose_credit_9_72_90_debit_9_75_99():
    journal = make_journal(V, 1_005_602_500.7337, Decimal("-950000000.00"), reference="abc")
    assert journal.liability == Decimal("1005602500.73")
    assert journal.regulation == Decimal("55602500.73") and journal.kind == "opskrivning"
    lines = lines_by_account(journal)
    assert lines["9.72.90.001"].kredit == Decimal("55602500.73") and lines["9.72.90.001"].debet == 0
    assert lines["9.75.99"].debet == Decimal("55602500.73") and lines["9.75.99"].kredit == 0
    assert lines["9.72.90.001"].beloeb == Decimal("-55602500.73")
    assert lines["9.75.99"].beloeb == Decimal("55602500.73")
    assert journal.balances
    assert all(line.dranst == 9 for line in journal.lines)
    assert (lines["9.72.90.001"].funktion, lines["9.72.90.001"].gruppering) == ("9.72.90", "001")
    assert lines["9.72.90.001"].tekst == ("Opskrivning af tjenestemandspensionsforpligtelsen pr. 31-12-2024 "
                                          "efter aktuarmæssig genberegning")
    assert lines["9.75.99"].tekst.startswith("Modpost: opskrivning af")


def test_liability_fell_debit_9_72_90_credit_9_75_99():
    journal = make_journal(V, 900_000_000.004, Decimal("-950000000"), reference="abc")
    assert journal.regulation == Decimal("-50000000.00") and journal.kind == "nedskrivning"
    lines = lines_by_account(journal)
    assert lines["9.72.90.001"].debet == Decimal("50000000.00")
    assert lines["9.75.99"].kredit == Decimal("50000000.00")
    assert "Nedskrivning" in lines["9.72.90.001"].tekst and journal.balances


def test_zero_regulation_has_no_postings():
    journal = make_journal(V, 123.454, Decimal("-123.45"), reference="abc")
    assert journal.lines == () and journal.kind == "ingen regulering"
    assert "der skal ikke posteres" in journal.note


def test_rounding_to_the_ore_is_half_up():
    assert to_ore(0.125) == Decimal("0.13")
    assert to_ore("2.675") == Decimal("2.68")
    assert to_ore(-0.125) == Decimal("-0.13")
    assert format_kroner(Decimal("1234567.891")) == "1.234.567,89"
    assert format_kroner(-950000000) == "-950.000.000,00"


def test_booked_balance_formats_and_sign():
    assert parse_booked("-1234567.89") == Decimal("-1234567.89")
    assert parse_booked("-1.234.567,89") == Decimal("-1234567.89")
    assert parse_booked("-1234567,8") == Decimal("-1234567.80")
    assert parse_booked("0") == Decimal("0.00")
    with pytest.raises(InputError) as caught:
        parse_booked("1234567,89")
    assert str(caught.value) == (
        "--booked: value '1234567,89': expected the balance of 9.72.90.001 as it stands in the ledger: a "
        "liability is a credit, so the balance is negative (e.g. -1234567.89); a positive balance would be a debit")
    with pytest.raises(InputError, match="expected an amount in kroner"):
        parse_booked("ten million")
