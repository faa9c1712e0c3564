"""The work-injury provision's results (docs/work-injuries.md §5–§6): per row, totals,
the IBNR line, expected payments by calendar year.

L_003 = Σ pv + Σ reserve + IBNR. The IBNR is `work_injury.ibnr_method`: none (0, and the
report says the provision holds none), a given amount, or the chain-ladder on the
kommune's claims triangle (chainladder.py), whose reserve is Σ (ultimate − latest).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tjenestemandspension.actuarial.assumptions import Assumptions
from tjenestemandspension.actuarial.work_injury.cases import BENEFIT_NAMES, CaseRegister
from tjenestemandspension.actuarial.work_injury.chainladder import ChainLadder, chain_ladder
from tjenestemandspension.actuarial.work_injury.valuation import CaseValues, value_cases

CASE_COLUMNS = ("case_id", "benefit", "birth_date", "sex", "age_months", "annual_amount", "last_covered_month",
                "months_left", "ended", "pv", "reserve", "liability", "unit", "municipality", "injury_date")
AMOUNTS = ("pv", "reserve", "liability")
DECIMALS = 6  # pv and liability are not rounded to øre: 6 decimals, as the pension results
IBNR_NONE_NOTE = "IBNR (indtrufne, ikke anmeldte skader) er ikke hensat (work_injury.ibnr_method = none)"


@dataclass(frozen=True)
class Ibnr:
    method: str  # none, amount, chainladder
    amount: float
    chain_ladder: ChainLadder | None = None

    @property
    def note(self) -> str:
        if self.method == "none":
            return IBNR_NONE_NOTE
        if self.method == "amount":
            return "IBNR: det angivne beløb (work_injury.ibnr_amount)"
        return "IBNR: chain-ladder på kommunens skadestrekant (work_injury.triangle_file)"


def ibnr_of(assumptions: Assumptions, triangle=None) -> Ibnr:
    """The IBNR the basis asks for; `triangle` (a triangle.Triangle) for `chainladder`."""
    basis = assumptions.basis
    method = basis["work_injury.ibnr_method"]
    if method == "amount":
        return Ibnr(method, float(basis["work_injury.ibnr_amount"]))
    if method == "chainladder":
        if triangle is None:
            raise ValueError("the chain-ladder IBNR needs the triangle")
        result = chain_ladder(triangle.accident_years, triangle.development_years, triangle.cumulative,
                              tail=basis["work_injury.tail_factor"])
        return Ibnr(method, result.total_ibnr, result)
    return Ibnr("none", 0.0)


@dataclass(frozen=True)
class WorkInjuryValuation:
    assumptions: Assumptions
    cases: CaseRegister
    values: CaseValues
    ibnr: Ibnr
    rows: pd.DataFrame  # CASE_COLUMNS, one per register row
    cashflows: pd.DataFrame  # year, expected payments, their present value

    @property
    def valuation_date(self) -> dt.date:
        return self.assumptions.valuation_date

    @property
    def total_pv(self) -> float:
        return float(self.values.pv.sum())

    @property
    def total_reserve(self) -> float:
        return float(self.cases.reserve.sum())

    @property
    def total_liability(self) -> float:
        """L_003 = Σ pv + Σ reserve + IBNR."""
        return float(self.values.liability.sum()) + self.ibnr.amount

    @property
    def n_ended(self) -> int:
        return int(self.values.ended.sum())

    def totals_by(self, column: str) -> pd.DataFrame:
        """Rows and amounts by `benefit`, `unit` or `municipality`, the IBNR as its own line
        (by benefit) and a total row."""
        grouped = self.rows.groupby(column, sort=column != "benefit")
        totals = grouped[list(AMOUNTS)].sum()
        totals.insert(0, "rows", grouped.size())
        totals.insert(1, "ended", grouped["ended"].sum())
        if column == "benefit":
            totals = totals.reindex([b for b in BENEFIT_NAMES if b in totals.index])
        totals.loc["ibnr"] = [0, 0, 0.0, 0.0, self.ibnr.amount]  # its own part: neither pv nor case reserve
        totals.loc["total"] = totals.sum()
        return totals.astype({"rows": np.int64, "ended": np.int64})


def value_work_injuries(cases: CaseRegister, assumptions: Assumptions, triangle=None) -> WorkInjuryValuation:
    values = value_cases(cases, assumptions)
    ibnr = ibnr_of(assumptions, triangle)
    return WorkInjuryValuation(assumptions=assumptions, cases=cases, values=values, ibnr=ibnr,
                               rows=case_frame(cases, values), cashflows=cashflow_frame(assumptions.valuation_date,
                                                                                         values))


def case_frame(cases: CaseRegister, values: CaseValues) -> pd.DataFrame:
    running = cases.running
    return pd.DataFrame({
        "case_id": pd.Series(cases.case_id, dtype=object),
        "benefit": np.asarray(BENEFIT_NAMES, dtype=object)[cases.benefit],
        "birth_date": pd.Series(cases.birth_date).dt.strftime("%Y-%m-%d").fillna("").to_numpy(),
        "sex": np.where(cases.sex == 0, "M", np.where(cases.sex == 1, "K", "")),
        "age_months": np.where(running, values.age_months, 0),
        "annual_amount": cases.annual_amount,
        "last_covered_month": np.where(running, values.last_covered_month.astype(str), ""),
        "months_left": values.months_left,
        "ended": values.ended,
        "pv": values.pv,
        "reserve": cases.reserve,
        "liability": values.liability,
        "unit": pd.Series(cases.unit, dtype=object),
        "municipality": pd.Series(cases.municipality, dtype=object),
        "injury_date": pd.Series(cases.injury_date).dt.strftime("%Y-%m-%d").fillna("").to_numpy(),
    }, columns=list(CASE_COLUMNS))


def cashflow_frame(valuation_date: dt.date, values: CaseValues) -> pd.DataFrame:
    """Expected payments of the running benefits per calendar year, and their present value
    (case reserves and IBNR are not spread over years)."""
    months = np.arange(1, values.monthly_payments.size)
    years = valuation_date.year + (valuation_date.month - 1 + months) // 12
    index = years - years[0]
    n_years = int(index[-1]) + 1
    monthly = values.monthly_payments[1:]
    frame = pd.DataFrame({"year": np.arange(years[0], years[0] + n_years),
                          "expected_payments": np.bincount(index, weights=monthly, minlength=n_years),
                          "present_value": np.bincount(index, weights=monthly * values.discount[1:],
                                                       minlength=n_years)})
    paid = np.flatnonzero(frame["expected_payments"].to_numpy() > 0)
    return frame.iloc[: (paid[-1] + 1 if paid.size else 0)].reset_index(drop=True)
