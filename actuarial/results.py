"""Results of a valuation (docs/specification.md §7): per person, totals, cash flows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from tjenestemandspension.actuarial.assumptions import Assumptions
from tjenestemandspension.actuarial.projection import GRID, Projection
from tjenestemandspension.actuarial.register import STATUS_NAMES, Register
from tjenestemandspension.actuarial.table_validation import MAX_SHOWN_NAME_CHARS, looks_like_cpr, printable

PERSON_COLUMNS = (
    "person_id", "status", "pension_age", "annual_benefit", "pv_own", "pv_lump_sum",
    "pv_supplement", "pv_spouse", "pv_child", "pv_ill_health", "pv_total", "state_part", "insured_part", "liability",
)
EXPLANATORY_COLUMNS = (
    "unit", "municipality", "age_months", "pension_start_month", "service_whole_years",
    "pension_percentage", "reduction", "spouse_probability",
)
COMPONENTS = ("pv_own", "pv_lump_sum", "pv_supplement", "pv_spouse", "pv_child", "pv_ill_health")
AMOUNT_COLUMNS = COMPONENTS + ("pv_total", "state_part", "insured_part", "liability")

ILL_HEALTH_NOT_VALUED = ("invaliditet ikke værdiansat: ingen tabel for tilgang til svagelighedspension "
                         "blandt aktive (ill_health.incidence_file), heller ikke tjenestetid til 70 år")
NOT_VALUED = (  # docs/specification.md §3, in the working paper's Danish
    "afskedigelse",
    "efterindtægt (3 måneders løn eller pension ved død)",
    "børnepension, der ikke er under udbetaling",
    "lavtrinstillæg efter tjenestemandspensionslovens § 6, stk. 2 (udfaset)",
)


def person_frame(register: Register, projection: Projection) -> pd.DataFrame:
    values = projection.persons
    pv_total = (values.pv_own + values.pv_lump_sum + values.pv_supplement + values.pv_spouse
                + values.pv_child)
    if np.any(values.pv_ill_health):  # §9.4: pv_total = the first version's sum + pv_ill_health
        pv_total = pv_total + values.pv_ill_health
    state_part = pv_total * values.state_share
    insured_part = pv_total * values.insured_share
    takeover = ~np.isnan(values.pv_own_before_takeover)
    if np.any(takeover):  # §9.3: the kommune's part is the own pension before the take-over age
        kommune = values.pv_own_before_takeover[takeover]
        state_part[takeover] = pv_total[takeover] - kommune
        insured_part[takeover] = kommune * values.insured_share[takeover]
    return pd.DataFrame({
        # object columns as they are: converting a million ids to pandas strings costs more
        # than the whole projection
        "person_id": pd.Series(register.person_id, dtype=object),
        "status": pd.Categorical.from_codes(register.status, categories=list(STATUS_NAMES)),
        "pension_age": values.pension_age,
        "annual_benefit": values.annual_benefit,
        "pv_own": values.pv_own,
        "pv_lump_sum": values.pv_lump_sum,
        "pv_supplement": values.pv_supplement,
        "pv_spouse": values.pv_spouse,
        "pv_child": values.pv_child,
        "pv_ill_health": values.pv_ill_health,
        "pv_total": pv_total,
        "state_part": state_part,
        "insured_part": insured_part,
        "liability": pv_total - state_part - insured_part,
        "unit": pd.Series(register.unit, dtype=object),
        "municipality": pd.Series(register.municipality, dtype=object),
        "age_months": values.age_months,
        "pension_start_month": values.pension_start_month,
        "service_whole_years": values.service_whole_years,
        "pension_percentage": values.pension_percentage,
        "reduction": values.reduction,
        "spouse_probability": values.spouse_probability,
    })


def cashflow_frame(valuation_date: dt.date, projection: Projection, discount: np.ndarray) -> pd.DataFrame:
    """Expected payments (the kommune's share, after state and insured shares) per
    calendar year of payment, by status, and their present value."""
    months = np.arange(1, GRID)
    years = valuation_date.year + (valuation_date.month - 1 + months) // 12
    monthly = projection.monthly_payments[:, 1:]
    first_year = int(years[0])
    index = years - first_year
    n_years = int(index[-1]) + 1
    table = {"year": np.arange(first_year, first_year + n_years)}
    for status, name in enumerate(STATUS_NAMES):
        table[name] = np.bincount(index, weights=monthly[status], minlength=n_years)
    total_monthly = monthly.sum(axis=0)
    table["total"] = np.bincount(index, weights=total_monthly, minlength=n_years)
    table["present_value"] = np.bincount(index, weights=total_monthly * discount[1:], minlength=n_years)
    frame = pd.DataFrame(table)
    # drop the empty tail beyond the last expected payment
    paid = np.flatnonzero(frame["total"].to_numpy() != 0)
    return frame.iloc[: (paid[-1] + 1 if paid.size else 0)].reset_index(drop=True)


@dataclass(frozen=True)
class Valuation:
    """One run: the assumptions used, the register valued, and the results."""

    assumptions: Assumptions
    register: Register
    persons: pd.DataFrame
    cashflows: pd.DataFrame
    n_cohorts: int
    n_spouse_pairs: int
    monthly_payments: np.ndarray  # expected payments at t_k, k = 0..1441, the kommune's share
    # totals_by's tables, computed once (the summary, the manifest and the working paper
    # all ask); not copied by dataclasses.replace, so a changed `persons` gets its own
    _totals: dict[str, pd.DataFrame] = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def valuation_date(self) -> dt.date:
        return self.assumptions.valuation_date

    @property
    def total_liability(self) -> float:
        return float(self.persons["liability"].sum())

    def totals_by(self, column: str) -> pd.DataFrame:
        """Persons and amounts by `status`, `unit` or `municipality` (with a total row)."""
        if column not in self._totals:
            self._totals[column] = self._totals_by(column)
        return self._totals[column].copy()

    def _totals_by(self, column: str) -> pd.DataFrame:
        grouped = self.persons.groupby(column, sort=column != "status")
        totals = grouped[list(AMOUNT_COLUMNS)].sum()
        totals.insert(0, "persons", grouped.size())
        if column == "status":
            totals = totals.reindex([s for s in STATUS_NAMES if s in totals.index])
        totals.loc["total"] = totals.sum()
        totals["persons"] = totals["persons"].astype(np.int64)
        return totals

    @property
    def ignored_columns(self) -> str | None:
        """The register's columns the valuation does not use, for people to see (in Danish);
        None when it uses them all."""
        names = self.register.ignored_columns
        if not names:
            return None
        return ", ".join(_shown_column(name) for name in names)

    @property
    def not_valued(self) -> list[str]:
        items = list(NOT_VALUED)
        if self.assumptions.incidence is None or self.assumptions.rules.ill_health_factor == 0:
            items.insert(0, ILL_HEALTH_NOT_VALUED)
        if self.assumptions.rules.early_supplement_full == 0:
            items.insert(0, "førtidstillæg og ægtefælletillæg: det fulde beløb er ikke angivet (supplement.early_supplement_full = 0)")
        return items


def _shown_column(name: str) -> str:
    if not name.strip():
        return "(uden navn)"
    if looks_like_cpr(name):
        return "(et CPR-nummer, vises ikke)"
    return f"'{printable(name, MAX_SHOWN_NAME_CHARS)}'"
