"""Numbers, amounts and dates the Danish way, in one place.

What finance staff read is written with a decimal comma and a point between thousands
(1.234.567,89), dates as DD-MM-YYYY; the journal's CSV columns hold kroner without
thousands separators (1234567,89), as ledgers import them. Amounts typed on the command
line or in a small CSV are read in either convention: 1234567.89, 1.234.567,89 or
1234567,89.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from tjenestemandspension.errors import InputError, Problem
from tjenestemandspension.i18n import N_
from tjenestemandspension.rounding import to_ore

_SWAP_SEPARATORS = str.maketrans({",": ".", ".": ","})


def danish_number(value: float | Decimal | int, decimals: int = 0) -> str:
    """1234567.891 → '1.234.567,89' (decimals=2), 1234 → '1.234'."""
    return f"{value:,.{decimals}f}".translate(_SWAP_SEPARATORS)


def danish_percent(rate: float, decimals: int = 2, sign: bool = False) -> str:
    """0.165 → '16,50%' ('+16,50%' with sign)."""
    return f"{rate:{'+' if sign else ''}.{decimals}%}".replace(".", ",")


def format_kroner(amount: Decimal | float) -> str:
    """Kroner rounded to øre, for people: 1.234.567,89."""
    return danish_number(to_ore(amount), 2)


def kroner_text(amount: Decimal | float) -> str:
    """Kroner rounded to øre, for a ledger's import: 1234567,89 (no thousands separator)."""
    return f"{to_ore(amount):.2f}".replace(".", ",")


def danish_date(date: dt.date) -> str:
    return date.strftime("%d-%m-%Y")


def compact_amount_text(text: str | float | Decimal) -> str:
    """An amount as typed, without the spaces (and no-break spaces) that group its digits."""
    return str(text).strip().replace(" ", "").replace("\u00a0", "")


def parse_amount(text: str | float | Decimal, option: str,
                 expected: str = N_("expected an amount in kroner, e.g. 123456789,50")) -> Decimal:
    """Kroner as typed: 1234567.89, 1.234.567,89 or 1234567,89 (spaces ignored).

    `option` names where it was typed (`--booked`, or a file), for the message.
    """
    raw = compact_amount_text(text)
    cleaned = raw.replace(".", "").replace(",", ".") if "," in raw else raw
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        raise InputError([Problem(file=option, value=raw, expected=expected)]) from None
    if not amount.is_finite():
        raise InputError([Problem(file=option, value=raw, expected=N_("expected an amount in kroner"))])
    return amount
