"""The op- or nedskrivning of 9.72.90.001 as a ready-to-post journal (docs/specification.md §7).

With L the computed liability rounded to øre and B the booked balance of 9.72.90.001 as it
stands in the ledger (a credit, so negative), the regulation is D = L + B:

| kontostreng | dranst | debet     | kredit    |
|-------------|--------|-----------|-----------|
| 9.72.90.001 | 9      | max(−D, 0)| max(D, 0) |
| 9.75.99     | 9      | max(D, 0) | max(−D, 0)|

D > 0: the obligation rose, it is written up (opskrivning: credit 9.72.90.001, debit the
balance account 9.75.99). D < 0: it is written down (nedskrivning). Amounts are Decimal
kroner with øre, so the journal balances exactly. The work-injury provision (grouping
003) posts the same way on 9.72.90.003 against 9.75.99 (`grouping="003"`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from tjenestemandspension.danish import compact_amount_text, danish_date, format_kroner, parse_amount
from tjenestemandspension.errors import InputError, Problem
from tjenestemandspension.i18n import N_, _
from tjenestemandspension.rounding import to_ore

LIABILITY_ACCOUNT = ("9.72.90.001", "9.72.90", "001")
# grouping → (kontostreng, funktion, gruppering) and the obligation's name in the posting text
GROUPINGS = {
    "001": (LIABILITY_ACCOUNT, "tjenestemandspensionsforpligtelsen"),
    "003": (("9.72.90.003", "9.72.90", "003"), "arbejdsskadeforpligtelsen"),
}
BALANCE_ACCOUNT = ("9.75.99", "9.75.99", "")
DRANST = 9
RECOGNITION_THRESHOLD = Decimal("100000")  # hensatte forpligtelser over 100.000 kr. skal indregnes

JOURNAL_COLUMNS = ("bilagsdato", "regnskabsår", "kontostreng", "funktion", "gruppering", "dranst",
                   "debet", "kredit", "beløb", "tekst", "reference")


def parse_booked(text: str | float | Decimal, option: str = "--booked", grouping: str = "001") -> Decimal:
    """The booked balance as given on the command line: a credit, so negative.

    Accepts 1234567.89, -1.234.567,89 and -1234567,89. A positive amount is refused with
    the sign convention explained.
    """
    amount = parse_amount(text, option, expected=N_("expected an amount in kroner, e.g. -123456789,50"))
    if amount > 0:
        raise InputError([Problem(
            file=option, value=compact_amount_text(text),
            expected=_("expected the balance of {account} as it stands in the ledger: a liability is a credit, "
                       "so the balance is negative (e.g. -{amount}); a positive balance would be a debit").format(
                           account=GROUPINGS[grouping][0][0], amount=amount))])
    return to_ore(amount)


@dataclass(frozen=True)
class JournalLine:
    bilagsdato: dt.date
    regnskabsaar: int
    kontostreng: str
    funktion: str
    gruppering: str
    dranst: int
    debet: Decimal
    kredit: Decimal
    tekst: str
    reference: str

    @property
    def beloeb(self) -> Decimal:
        """Debit positive, credit negative."""
        return self.debet - self.kredit

    def as_row(self) -> dict[str, object]:
        return {
            "bilagsdato": danish_date(self.bilagsdato),
            "regnskabsår": self.regnskabsaar,
            "kontostreng": self.kontostreng,
            "funktion": self.funktion,
            "gruppering": self.gruppering,
            "dranst": self.dranst,
            "debet": self.debet,
            "kredit": self.kredit,
            "beløb": self.beloeb,
            "tekst": self.tekst,
            "reference": self.reference,
        }


@dataclass(frozen=True)
class Journal:
    valuation_date: dt.date
    liability: Decimal  # computed, rounded to øre
    booked: Decimal  # the ledger's balance of 9.72.90.001 (≤ 0)
    lines: tuple[JournalLine, ...]
    note: str  # one sentence for the summary and the working paper
    reference: str

    @property
    def regulation(self) -> Decimal:
        """D = L + B: positive when the obligation is written up."""
        return self.liability + self.booked

    @property
    def kind(self) -> str:
        if self.regulation > 0:
            return "opskrivning"
        if self.regulation < 0:
            return "nedskrivning"
        return "ingen regulering"

    @property
    def balances(self) -> bool:
        return sum((line.debet for line in self.lines), Decimal(0)) == sum(
            (line.kredit for line in self.lines), Decimal(0))


def must_be_recognised(liability: Decimal) -> bool:
    """Hensatte forpligtelser above the threshold must be recognised in the balance sheet."""
    return liability > RECOGNITION_THRESHOLD


def make_journal(valuation_date: dt.date, liability: float | Decimal, booked: Decimal, reference: str,
                 basis_text: str = "efter aktuarmæssig genberegning", grouping: str = "001") -> Journal:
    """The regulation of 9.72.90.001 to the computed liability, with its counter-entry on 9.75.99.

    `basis_text` completes the posting text: "efter aktuarmæssig genberegning" for a
    recalculation, something else for a roll-forward.
    """
    account, obligation = GROUPINGS[grouping]
    computed = to_ore(liability)
    booked = to_ore(booked)
    regulation = computed + booked
    date_text = danish_date(valuation_date)
    if regulation == 0:
        note = (f"Den bogførte saldo på {account[0]} svarer til den beregnede forpligtelse pr. {date_text}; "
                "der skal ikke posteres.")
        return Journal(valuation_date, computed, booked, (), note, reference)
    kind = "Opskrivning" if regulation > 0 else "Nedskrivning"
    text = f"{kind} af {obligation} pr. {date_text} {basis_text}"
    amount = abs(regulation)
    up = regulation > 0
    lines = (
        JournalLine(valuation_date, valuation_date.year, account[0], account[1], account[2], DRANST, debet=Decimal(0) if up else amount,
                    kredit=amount if up else Decimal(0), tekst=text, reference=reference),
        JournalLine(valuation_date, valuation_date.year, BALANCE_ACCOUNT[0], BALANCE_ACCOUNT[1],
                    BALANCE_ACCOUNT[2], DRANST, debet=amount if up else Decimal(0),
                    kredit=Decimal(0) if up else amount, tekst=f"Modpost: {text[0].lower()}{text[1:]}",
                    reference=reference),
    )
    note = (f"{kind} af {account[0]} med {format_kroner(amount)} kr.: beregnet forpligtelse "
            f"{format_kroner(computed)} kr., bogført saldo {format_kroner(booked)} kr.")
    return Journal(valuation_date, computed, booked, lines, note, reference)

