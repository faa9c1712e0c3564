"""The yearly update between actuarial recalculations (fremskrivning).

The obligation must be stated every year but recalculated actuarially only every fifth.
In the years between, the prior liability is rolled forward:

    L1 = L0 · (1 + r)^T + accrual − payments

with r the prior curve's one-year spot rate, T the period in years, accrual the pension
earned in the period (given, or a rate times the pensionable salaries), and payments the
pensions actually paid (function 6.52.72). It ignores experience (who died, retired,
joined) and assumption changes: docs/analysis.md states how close it comes to a full
recalculation. It works on values (the prior run's liability, date and curve); reading
the prior run's folder is the run layer's job (run.run_rollforward).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from tjenestemandspension.curves import DiscountCurve
from tjenestemandspension.danish import danish_number
from tjenestemandspension.dates import is_month_end, months_between
from tjenestemandspension.errors import InputError, Problem

RECALCULATION_INTERVAL_YEARS = 5


@dataclass(frozen=True)
class PriorRun:
    """What a roll-forward needs of the run it starts from."""

    run_id: str
    valuation_date: dt.date
    last_recalculation: dt.date  # the last actuarial recalculation in the chain
    liability: float
    curve: DiscountCurve  # the prior run's curve, with its shift


@dataclass(frozen=True)
class RollForward:
    prior_run_id: str
    prior_date: dt.date
    to_date: dt.date
    last_recalculation: dt.date
    prior_liability: float
    rate: float  # the prior curve's one-year spot rate
    curve_name: str
    years: float
    interest: float
    accrual: float
    accrual_text: str
    payments: float

    @property
    def liability(self) -> float:
        return self.prior_liability + self.interest + self.accrual - self.payments

    @property
    def recalculation_due(self) -> bool:
        """True when the last actuarial recalculation is 5 years old or more at `to_date`."""
        due = self.last_recalculation.replace(year=self.last_recalculation.year + RECALCULATION_INTERVAL_YEARS)
        return self.to_date >= due

    def lines(self) -> list[tuple[str, float]]:
        return [
            (f"Forpligtelse primo pr. {self.prior_date:%d-%m-%Y} (kørsel {self.prior_run_id})", self.prior_liability),
            (f"Renter: {self.rate:.3%} p.a. i {self.years:g} år (etårig rente, {self.curve_name})", self.interest),
            (f"Optjening i perioden ({self.accrual_text})", self.accrual),
            ("Udbetalte pensioner i perioden (funktion 6.52.72)", -self.payments),
            (f"Forpligtelse ultimo pr. {self.to_date:%d-%m-%Y} (fremskrevet)", self.liability),
        ]


def roll_forward(prior: PriorRun, to_date: dt.date, payments: Decimal, accrual: Decimal | None = None,
                 accrual_rate: float | None = None, salaries: Decimal | None = None) -> RollForward:
    prior_date = prior.valuation_date
    problems = []
    if not is_month_end(to_date):
        problems.append(Problem(file="--to", value=to_date.isoformat(), expected="expected the last day of a month"))
    if to_date <= prior_date:
        problems.append(Problem(file="--to", value=to_date.isoformat(),
                                expected=f"expected a date after the prior run's {prior_date.isoformat()}"))
    if payments < 0:
        problems.append(Problem(file="--payments", value=str(payments),
                                expected="expected the pensions paid in the period as a positive amount"))
    if accrual is not None and (accrual_rate is not None or salaries is not None):
        problems.append(Problem(file="--accrual", value=str(accrual),
                                expected="expected either --accrual or --accrual-rate with --salaries, not both"))
    if (accrual_rate is None) != (salaries is None):
        problems.append(Problem(file="--accrual-rate", value=str(accrual_rate),
                                expected="expected --accrual-rate and --salaries together"))
    if accrual_rate is not None and not 0 <= accrual_rate <= 1:
        problems.append(Problem(file="--accrual-rate", value=str(accrual_rate),
                                expected="expected a rate of the pensionable salaries between 0 and 1"))
    if problems:
        raise InputError(problems)

    curve = prior.curve
    rate = float(curve.spots[0])
    years = months_between(prior_date, to_date) / 12.0
    prior_liability = prior.liability
    if accrual is not None:
        accrued, text = float(accrual), "angivet beløb"
    elif accrual_rate is not None:
        accrued = accrual_rate * float(salaries)
        text = f"{accrual_rate:.2%} af pensionsgivende lønsum {danish_number(float(salaries))} kr."
    else:
        accrued, text = 0.0, "ikke angivet: 0"
    return RollForward(
        prior_run_id=prior.run_id, prior_date=prior_date, to_date=to_date,
        last_recalculation=prior.last_recalculation, prior_liability=prior_liability, rate=rate,
        curve_name=curve.name, years=years, interest=prior_liability * ((1.0 + rate) ** years - 1.0),
        accrual=accrued, accrual_text=text, payments=float(payments))
