"""What differs between two runs: basis, totals by status, and the persons who moved most.

For an auditor who re-ran with other assumptions (or a year later): the basis values
that differ, the liability by status in both runs, and the persons whose liability moved
most, each with the reason where the data shows one (status, service, salary, age, a
person who joined or left; otherwise the assumptions). It compares values; the run
layer reads them from the two output folders (run.compared_run).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tjenestemandspension.actuarial.register import STATUS_NAMES, status_value
from tjenestemandspension.danish import danish_number


def _status(name: str) -> str:
    return status_value(name) if name in STATUS_NAMES else name


@dataclass(frozen=True)
class Comparison:
    basis: pd.DataFrame  # key, a, b
    totals: pd.DataFrame  # status, persons_a, persons_b, liability_a, liability_b, change
    persons: pd.DataFrame  # the largest movers: person_id, status_a, status_b, liability_a, liability_b, change, reason
    notes: tuple[str, ...]


@dataclass(frozen=True)
class ComparedRun:
    """One side of a comparison."""

    run_id: str
    basis: Mapping[str, object]  # the basis values by key, as the manifest holds them
    persons: pd.DataFrame  # the per-person results, indexed by person_id
    salaries: pd.Series | None  # salary by person_id from the run's register; None: not available unchanged


def _reason(row: pd.Series, basis_differs: bool) -> str:
    if pd.isna(row["status_a"]):
        return "tilgået"
    if pd.isna(row["status_b"]):
        return "afgået"
    reasons = []
    if row["status_a"] != row["status_b"]:
        reasons.append(f"status {_status(row['status_a'])} → {_status(row['status_b'])}")
    if not pd.isna(row["service_a"]) and not pd.isna(row["service_b"]) and row["service_a"] != row["service_b"]:
        reasons.append(f"pensionsår {row['service_a']:g} → {row['service_b']:g}")
    if not pd.isna(row.get("salary_a")) and not pd.isna(row.get("salary_b")) and row["salary_a"] != row["salary_b"]:
        reasons.append(f"løn {danish_number(row['salary_a'])} → {danish_number(row['salary_b'])}")
    if row["age_a"] != row["age_b"]:
        reasons.append(f"alder {int(row['age_b'] - row['age_a']):+d} mdr.")
    if not reasons:
        reasons.append("forudsætninger" if basis_differs else "ingen synlig årsag")
    return "; ".join(reasons)


def compare_runs(a: ComparedRun, b: ComparedRun, top: int = 20) -> Comparison:
    basis_a, basis_b = a.basis, b.basis
    keys = sorted(set(basis_a) | set(basis_b))
    differing = [(k, basis_a.get(k), basis_b.get(k)) for k in keys if basis_a.get(k) != basis_b.get(k)]
    basis = pd.DataFrame(differing, columns=["key", "a", "b"], dtype=object)

    persons_a, persons_b = a.persons, b.persons
    totals = pd.DataFrame({
        "persons_a": persons_a.groupby("status").size(),
        "persons_b": persons_b.groupby("status").size(),
        "liability_a": persons_a.groupby("status")["liability"].sum(),
        "liability_b": persons_b.groupby("status")["liability"].sum(),
    }).reindex([s for s in STATUS_NAMES if s in set(persons_a["status"]) | set(persons_b["status"])]).fillna(0)
    totals.loc["total"] = totals.sum()
    totals["change"] = totals["liability_b"] - totals["liability_a"]
    totals[["persons_a", "persons_b"]] = totals[["persons_a", "persons_b"]].astype(int)

    columns = ["status", "liability", "service_whole_years", "age_months"]
    joined = persons_a[columns].merge(persons_b[columns], how="outer", left_index=True, right_index=True,
                                      suffixes=("_a", "_b"))
    joined = joined.rename(columns={"service_whole_years_a": "service_a", "service_whole_years_b": "service_b",
                                    "age_months_a": "age_a", "age_months_b": "age_b"})
    joined["change"] = joined["liability_b"].fillna(0.0) - joined["liability_a"].fillna(0.0)
    movers = joined.reindex(joined["change"].abs().sort_values(ascending=False).index[:top]).copy()
    notes = []
    for run, suffix in ((a, "a"), (b, "b")):
        if run.salaries is None:
            notes.append(f"kørsel {run.run_id}: registeret er ikke tilgængeligt uændret; lønændringer vises ikke")
        movers[f"salary_{suffix}"] = run.salaries.reindex(movers.index) if run.salaries is not None else np.nan
    movers["reason"] = [_reason(row, bool(differing)) for _, row in movers.iterrows()]
    movers = movers.reset_index().rename(columns={"index": "person_id"})
    shown = ["person_id", "status_a", "status_b", "liability_a", "liability_b", "change", "reason"]
    return Comparison(basis=basis, totals=totals.reset_index().rename(columns={"index": "status"}),
                      persons=movers[shown], notes=tuple(notes))
