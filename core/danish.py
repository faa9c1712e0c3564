"""Numbers, amounts and dates the Danish way, in one place.

What finance staff read is written with a decimal comma and a point between thousands
(1.234.567,89), dates as DD-MM-YYYY; the journal's CSV columns hold kroner without
thousands separators (1234567,89), as ledgers import them. Amounts typed on the command
line or in a small CSV are read in either convention: 1234567.89, 1.234.567,89 or
1234567,89.
"""

from __future__ import annotations

import datetime as dt
import re
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


_GROUPED = re.compile(r"[+-]?\d{1,3}(?:\.\d{3})+")


def _plain_amount(raw: str) -> str | None:
    """The typed amount with a decimal point and no grouping, or None if it cannot be read unambiguously.

    With a comma, the comma is the decimal sign and any points must group thousands
    (1.234.567,89). Without one, two or more points can only group thousands
    (-2.000.000); a single point is a decimal point, except one followed by exactly
    three digits (2.000), which could be either and is refused.
    """
    if "," in raw:
        whole, _, decimals = raw.partition(",")
        if "," in decimals or "." in decimals or ("." in whole and not _GROUPED.fullmatch(whole)):
            return None
        return whole.replace(".", "") + "." + decimals
    if raw.count(".") > 1:
        return raw.replace(".", "") if _GROUPED.fullmatch(raw) else None
    if re.fullmatch(r"[+-]?\d+\.\d{3}", raw):
        return None
    return raw


def parse_amount(text: str | float | Decimal, option: str,
                 expected: str = N_("expected an amount in kroner, e.g. 123456789,50")) -> Decimal:
    """Kroner as typed: 1234567.89, 1.234.567,89, 1234567,89 or -2.000.000 (spaces ignored).

    `option` names where it was typed (`--booked`, or a file), for the message.
    """
    raw = compact_amount_text(text)
    cleaned = _plain_amount(raw)
    if cleaned is None:
        raise InputError([Problem(file=option, value=raw, expected=expected)])
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        raise InputError([Problem(file=option, value=raw, expected=expected)]) from None
    if not amount.is_finite():
        raise InputError([Problem(file=option, value=raw, expected=N_("expected an amount in kroner"))])
    return amount
