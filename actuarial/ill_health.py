"""Ill-health retirement of actives (docs/specification.md §9.2): the incidence table.

A table of yearly ill-health retirement intensities by completed age for men and women
(`age;men;women`, or `alder;mænd;kvinder`), ages missing from it 0 and not capped at
110. `incidence_table` validates a table already read (the reading is resolve.py's);
`monthly_incidence` gives each cohort's ι_k for the projection's months.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from tjenestemandspension.errors import InputError, Problem
from tjenestemandspension.mortality import SEX_MEN

HEADER = {"age": ("age", "alder"), "men": ("men", "mænd", "maend"), "women": ("women", "kvinder")}
MAX_AGE = 130  # ages above are not ages of actives: a typing error
MAX_INTENSITY = 10.0  # a yearly intensity above is a unit error (per mille?)


@dataclass(frozen=True)
class IncidenceTable:
    """Yearly intensities by completed age 0..MAX_AGE (0 where the file has none)."""

    men: np.ndarray
    women: np.ndarray
    source: str

    def yearly(self, sex: np.ndarray, age_years: np.ndarray) -> np.ndarray:
        """ι at completed age (beyond the table: 0)."""
        age = np.asarray(age_years, dtype=np.int64)
        inside = (age >= 0) & (age <= MAX_AGE)
        index = np.clip(age, 0, MAX_AGE)
        rates = np.where(np.asarray(sex) == SEX_MEN, self.men[index], self.women[index])
        return np.where(inside, rates, 0.0)


def incidence_table(frame: pd.DataFrame, source: str) -> IncidenceTable:
    """A table of text cells (header in the frame's columns) validated into an IncidenceTable."""
    folded = {str(name).strip().casefold(): name for name in frame.columns}
    columns = {}
    problems = []
    for canonical, names in HEADER.items():
        found = next((folded[name] for name in names if name in folded), None)
        if found is None:
            problems.append(Problem(file=source, column=canonical,
                                    expected=f"expected a column {' or '.join(names)} (age;men;women)"))
        columns[canonical] = found
    if problems:
        raise InputError(problems)
    men, women = np.zeros(MAX_AGE + 1), np.zeros(MAX_AGE + 1)
    seen: dict[int, int] = {}
    for offset, row in enumerate(frame.itertuples(index=False)):
        line = offset + 2
        cells = dict(zip(frame.columns, row))
        age_text = str(cells[columns["age"]]).strip()
        try:
            age_value = float(age_text.replace(",", "."))
        except ValueError:
            age_value = float("nan")
        if not (np.isfinite(age_value) and age_value.is_integer() and 0 <= age_value <= MAX_AGE):
            problems.append(Problem(file=source, row=line, column=columns["age"], value=age_text,
                                    expected=f"expected a whole age from 0 to {MAX_AGE}"))
            continue
        age = int(age_value)
        if age in seen:
            problems.append(Problem(file=source, row=line, column=columns["age"], value=age_text,
                                    expected=f"expected each age once; also on row {seen[age]}"))
            continue
        seen[age] = line
        for canonical, target in (("men", men), ("women", women)):
            text = str(cells[columns[canonical]]).strip()
            try:
                rate = float(text.replace(",", ".")) if text else 0.0
            except ValueError:
                rate = float("nan")
            if not (np.isfinite(rate) and 0 <= rate <= MAX_INTENSITY):
                problems.append(Problem(file=source, row=line, column=columns[canonical], value=text,
                                        expected=f"expected a yearly intensity from 0 to {MAX_INTENSITY:g}"))
                continue
            target[age] = rate
    if problems:
        raise InputError(problems)
    return IncidenceTable(men=men, women=women, source=source)


def monthly_incidence(table: IncidenceTable, factor: float, cohort_sex: np.ndarray, cohort_age: np.ndarray,
                      n_months: int) -> np.ndarray:
    """ι_k for k = 1..n_months per cohort, (cohorts, n_months): the intensity at the completed
    age floor((a0 + k − 1)/12) at the month's start, times the basis' factor."""
    months = np.arange(1, n_months + 1)
    age_years = (cohort_age[:, None] + months[None, :] - 1) // 12
    return factor * table.yearly(cohort_sex[:, None], age_years)


# --- the projection's pieces (pure arrays) -----------------------------------------------------

def suffix(rows: np.ndarray) -> np.ndarray:
    """out[:, k] = Σ_{j ≥ k} rows[:, j]."""
    return np.cumsum(rows[:, ::-1], axis=1)[:, ::-1]


@dataclass(frozen=True)
class CohortTables:
    """Per cohort of actives with ill-health months, months k = 0..width−1 (§9.2):
    in service A, exits D_k, deaths in service (cumulated), and the suffix sums the
    values look up. S^φ and its annuity cover the whole grid."""

    in_service: np.ndarray  # A(t_k)
    exits: np.ndarray  # D_k
    exits_over_s_phi: np.ndarray  # D_k / S(t_k)^φ
    deaths_by: np.ndarray  # Dth(t_k) = Σ_{j≤k} death in service in month j
    survival_phi: np.ndarray  # S(t_k)^φ, whole grid
    annuity_phi: np.ndarray  # Σ_{l≥k} v_l S(t_l)^φ, whole grid
    own: np.ndarray  # suffix sums of D_k · annuity_phi[k] / S(t_k)^φ: the ill-health annuity of exits from k on
    exits_suffix: np.ndarray  # suffix sums of D_k
    exits_over_s_phi_suffix: np.ndarray  # suffix sums of D_k / S(t_k)^φ


def cohort_tables(mu: np.ndarray, iota: np.ndarray, survival: np.ndarray, v: np.ndarray,
                  phi: float) -> CohortTables:
    """mu, iota: (cohorts, width − 1) intensities of months 1..width−1; survival (cohorts, grid)."""
    rows, months = mu.shape
    width = months + 1
    total = mu + iota
    in_service = np.ones((rows, width))
    np.exp(np.cumsum(-total / 12.0, axis=1), out=in_service[:, 1:])
    leaving = in_service[:, :-1] * -np.expm1(-total / 12.0)  # A(t_{k−1})·(1 − e^{−(μ+ι)/12})
    safe = np.where(total > 0, total, 1.0)
    exits = np.zeros((rows, width))
    exits[:, 1:] = np.where(total > 0, leaving * iota / safe, 0.0)
    deaths_by = np.zeros((rows, width))
    np.cumsum(np.where(total > 0, leaving * mu / safe, 0.0), axis=1, out=deaths_by[:, 1:])
    survival_phi = survival if phi == 1.0 else survival ** phi
    annuity_phi = suffix(survival_phi * v)
    s_phi = survival_phi[:, :width]
    exits_over = np.divide(exits, s_phi, out=np.zeros_like(exits), where=s_phi > 0)
    return CohortTables(in_service=in_service, exits=exits, exits_over_s_phi=exits_over, deaths_by=deaths_by,
                        survival_phi=survival_phi, annuity_phi=annuity_phi,
                        own=suffix(exits_over * annuity_phi[:, :width]), exits_suffix=suffix(exits),
                        exits_over_s_phi_suffix=suffix(exits_over))


@dataclass(frozen=True)
class StepFunction:
    """An amount f(k) for k = 1, 2, … per person: `base` at k = 1, changed by `delta` from
    month `month` on (for the person `person`)."""

    base: np.ndarray
    person: np.ndarray
    month: np.ndarray
    delta: np.ndarray


Term = tuple[StepFunction, np.ndarray, float]  # (f, stop: exits in months k < stop, coefficient)


def step_sum(terms: list[Term], lookup, cap: np.ndarray | None = None) -> np.ndarray:
    """Σ over terms of coefficient · Σ_{k=1}^{min(stop, cap)−1} f(k)·X(k), where
    lookup(persons, months) gives the suffix sums C[k] = Σ_{j≥k} X(j) of each person."""
    total = None
    for f, stop, coefficient in terms:
        if coefficient == 0:
            continue
        s = stop if cap is None else np.minimum(stop, cap)
        everyone = np.arange(f.base.size)
        at_stop = lookup(everyone, s)
        part = f.base * (lookup(everyone, np.ones_like(s)) - at_stop)
        if f.person.size:
            s_change = s[f.person]
            gained = f.delta * (lookup(f.person, np.minimum(f.month, s_change)) - at_stop[f.person])
            part = part + np.bincount(f.person, weights=gained, minlength=f.base.size)
        total = coefficient * part if total is None else total + coefficient * part
    return np.zeros(0) if total is None else total


def take(f: StepFunction, positions: np.ndarray) -> StepFunction:
    """The step functions of the persons at `positions` (changes are sorted by person)."""
    bounds = np.searchsorted(f.person, np.arange(f.base.size + 1))
    counts = bounds[positions + 1] - bounds[positions]
    new_person = np.repeat(np.arange(positions.size), counts)
    index = bounds[positions][new_person] + (np.arange(new_person.size) - np.repeat(np.cumsum(counts) - counts,
                                                                                        counts))
    return StepFunction(base=f.base[positions], person=new_person, month=f.month[index], delta=f.delta[index])


def take_terms(terms: list[Term], positions: np.ndarray) -> list[Term]:
    if terms and positions.size == terms[0][0].base.size and np.array_equal(positions, np.arange(positions.size)):
        return terms  # everyone, in order
    return [(take(f, positions), stop[positions], coefficient) for f, stop, coefficient in terms]


def rate_histogram(terms: list[Term], cells_of, weight: np.ndarray, size: int,
                   cap: np.ndarray | None = None) -> np.ndarray:
    """The changes of rate_changes binned: Σ weight·amount at cells_of(persons, months), one
    bincount per piece (no concatenation of the pieces)."""
    out = np.zeros(size)
    for f, stop, coefficient in terms:
        if coefficient == 0:
            continue
        s = stop if cap is None else np.minimum(stop, cap)
        everyone = np.arange(f.base.size)
        amount = coefficient * f.base * weight
        out += np.bincount(cells_of(everyone, np.ones_like(s)), weights=amount, minlength=size)
        out -= np.bincount(cells_of(everyone, s), weights=amount, minlength=size)
        if f.person.size:
            s_change = s[f.person]
            delta = coefficient * f.delta * weight[f.person]
            out += np.bincount(cells_of(f.person, np.minimum(f.month, s_change)), weights=delta, minlength=size)
            out -= np.bincount(cells_of(f.person, s_change), weights=delta, minlength=size)
    return out
