"""Grouping 003 from files to a written result: the run layer and the writers of the
work-injury provision (docs/work-injuries.md).

A run reads the basis (shared with grouping 001: the curve and mortality keys are the
same), the case register and, for the chain-ladder IBNR, the triangle; values; makes the
journal pair on 9.72.90.003 / 9.75.99 when the booked balance is known; and records every
input file with its sha256 (the run id hashes them, as for 001). The writers put the
results beside the pension's or on their own: arbejdsskader.csv (per row), the totals,
the expected payments, the IBNR triangle, journal.csv, basis.toml and the manifest.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd

from tjenestemandspension.actuarial.analysis import Analysis
from tjenestemandspension.actuarial.assumptions import Assumptions
from tjenestemandspension.actuarial.basis import Basis
from tjenestemandspension.actuarial.batch import NO_MUNICIPALITY, output_folders
from tjenestemandspension.actuarial.journal import Journal, make_journal
from tjenestemandspension.actuarial.manifest import journal_summary, manifest, run_id, sha256_file, write_manifest
from tjenestemandspension.actuarial.output import analysis_frame, journal_frame, output_folder, sensitivities_frame
from tjenestemandspension.actuarial.rundir import open_run_folder
from tjenestemandspension.actuarial.work_injury.analysis003 import analyse_work_injuries
from tjenestemandspension.actuarial.resolve import resolve_assumptions
from tjenestemandspension.actuarial.run import InputFile, input_files, scenario_assumptions, valuation_run_id
from tjenestemandspension.actuarial.sensitivities import Sensitivities
from tjenestemandspension.actuarial.work_injury.case_register import read_cases
from tjenestemandspension.actuarial.work_injury.cases import BENEFIT_DANISH, BENEFIT_NAMES, CaseRegister
from tjenestemandspension.actuarial.work_injury.provision import DECIMALS, WorkInjuryValuation, value_work_injuries
from tjenestemandspension.actuarial.work_injury.sensitivities003 import work_injury_scenarios, work_injury_sensitivities
from tjenestemandspension.actuarial.work_injury.triangle import read_triangle
from tjenestemandspension.errors import InputError, Problem
from tjenestemandspension.textfiles import write_csv

GROUPING = "003"
CASES_FILE = "arbejdsskader.csv"
TOTALS_FILE = "arbejdsskader_totaler.csv"
CASHFLOWS_FILE = "arbejdsskader_udbetalinger.csv"
IBNR_FILE = "arbejdsskader_ibnr.csv"
SENSITIVITIES_FILE = "arbejdsskader_foelsomheder.csv"
ANALYSIS_FILE = "arbejdsskader_analyse.csv"


@dataclass(frozen=True)
class WorkInjuryRun:
    run_id: str
    basis: Basis
    assumptions: Assumptions
    cases: CaseRegister
    valuation: WorkInjuryValuation
    journal: Journal | None
    booked: Decimal | None
    inputs: tuple[InputFile, ...]
    sensitivities: Sensitivities | None = None
    analysis: Analysis | None = None  # the ændringsanalyse from a prior run (--prior)


def work_injury_inputs(basis: Basis, cases_path: str | Path) -> tuple[InputFile, ...]:
    """The case register, the triangle (chain-ladder) and the basis' own files."""
    files = [("cases", cases_path)]
    if basis["work_injury.ibnr_method"] == "chainladder":
        files.append(("triangle", basis["work_injury.triangle_file"]))
    own = tuple(InputFile(role, str(Path(path).resolve()), sha256_file(path)) for role, path in files)
    return own + input_files(basis, None)


def run_work_injuries(cases_path: str | Path, basis: Basis, booked: Decimal | None = None,
                      assumptions: Assumptions | None = None) -> WorkInjuryRun:
    """Read, validate and value the case register; `assumptions`: the basis already
    resolved (a run valuing both groupings resolves it once)."""
    if assumptions is None:
        assumptions = resolve_assumptions(basis)
    triangle = None
    if basis["work_injury.ibnr_method"] == "chainladder":
        triangle = read_triangle(basis["work_injury.triangle_file"])
    cases = read_cases(cases_path, basis.valuation_date)
    return _valued(cases, basis, assumptions, triangle, booked, work_injury_inputs(basis, cases_path))


def _valued(cases: CaseRegister, basis: Basis, assumptions: Assumptions, triangle, booked: Decimal | None,
            inputs: tuple[InputFile, ...], extra: str = GROUPING) -> WorkInjuryRun:
    valuation = value_work_injuries(cases, assumptions, triangle)
    sensitivities = work_injury_sensitivities(cases, valuation.total_liability,
                                              scenario_assumptions(assumptions, work_injury_scenarios(basis)),
                                              triangle)
    identity = valuation_run_id(inputs, basis, booked, extra=extra)
    journal = None
    if booked is not None:
        journal = make_journal(basis.valuation_date, valuation.total_liability, booked, reference=identity,
                               grouping=GROUPING)
    return WorkInjuryRun(run_id=identity, basis=basis, assumptions=assumptions, cases=cases, valuation=valuation,
                         journal=journal, booked=booked, inputs=inputs, sensitivities=sensitivities)


def with_analysis(run: WorkInjuryRun, prior_folder: str | Path) -> WorkInjuryRun:
    """The run with its ændringsanalyse from a prior 003 run folder (verified; its case
    register, and triangle if any, still there unchanged)."""
    prior = open_run_folder(prior_folder, need_inputs=None)
    if prior.kind != "work_injury" or prior.input_path("cases") is None:
        raise InputError([Problem(file=str(prior_folder), expected="expected the output folder of a tjp "
                                                                   "arbejdsskader run (its manifest kind work_injury)")])
    basis = prior.basis()
    assumptions = resolve_assumptions(basis, reuse=(run.assumptions,))
    triangle = read_triangle(prior.input_path("triangle")) if prior.input_path("triangle") else None
    cases = read_cases(prior.input_path("cases"), basis.valuation_date)
    new_triangle = read_triangle(run.basis["work_injury.triangle_file"]) if run.valuation.ibnr.chain_ladder else None
    analysis = analyse_work_injuries(cases, assumptions, triangle, run.cases, run.assumptions, new_triangle)
    return dataclasses.replace(run, analysis=analysis)


def municipalities(cases: CaseRegister) -> list[str]:
    """The kommuner a case register names, in order of appearance ('' for none)."""
    return list(dict.fromkeys(cases.municipality))


def run_work_injury_batch(cases_path: str | Path, basis: Basis, booked: dict[str, Decimal]) -> dict[str, WorkInjuryRun]:
    """A case register of several kommuner: each kommune's cases valued on their own, with
    the kommune's booked balance (from --booked-file). The IBNR is a kommune's own, so a
    batch takes none."""
    if basis["work_injury.ibnr_method"] != "none":
        raise InputError([Problem(key="work_injury.ibnr_method", value=basis["work_injury.ibnr_method"],
                                  expected="expected none for a case register of several kommuner: the IBNR is "
                                           "each kommune's own (value each with tjp arbejdsskader)")])
    cases = read_cases(cases_path, basis.valuation_date)
    missing = [name or NO_MUNICIPALITY for name in municipalities(cases) if name not in booked]
    if missing:
        raise InputError([Problem(file="--booked-file", value=", ".join(missing),
                                  expected="expected a booked balance of 9.72.90.003 for every kommune")])
    assumptions = resolve_assumptions(basis)
    inputs = work_injury_inputs(basis, cases_path)
    return {name: _valued(cases.subset(cases.municipality == name), basis, assumptions, None, booked[name], inputs,
                          extra=f"{GROUPING}:{name}")
            for name in municipalities(cases)}


# --- the files ----------------------------------------------------------------------------

def cases_output(valuation: WorkInjuryValuation) -> pd.DataFrame:
    """arbejdsskader.csv: pv and liability to 6 decimals (not rounded to øre)."""
    rows = valuation.rows.copy()
    for column in ("pv", "liability"):
        rows[column] = rows[column].round(DECIMALS)
    rows["ended"] = np.where(rows["ended"], "ja", "nej")
    return rows


def totals_output(valuation: WorkInjuryValuation) -> pd.DataFrame:
    """Totals by benefit type (Danish names), unit and municipality, one table."""
    danish = dict(zip(BENEFIT_NAMES, BENEFIT_DANISH), ibnr="IBNR", total="i alt")
    parts = []
    for column, label in (("benefit", "ydelse"), ("unit", "forvaltning"), ("municipality", "kommune")):
        totals = valuation.totals_by(column).reset_index().rename(columns={column: "gruppe"})
        totals["gruppe"] = totals["gruppe"].map(lambda name: danish.get(name, name))
        totals.insert(0, "opdelt_efter", label)
        parts.append(totals)
    return pd.concat(parts, ignore_index=True)


def ibnr_output(valuation: WorkInjuryValuation) -> pd.DataFrame | None:
    result = valuation.ibnr.chain_ladder
    if result is None:
        return None
    factors = np.concatenate([result.factors, [1.0]])
    remaining = np.cumprod(factors[::-1])[::-1]  # Π_{j ≥ d} f_j by development index d
    last = (~np.isnan(result.triangle)).sum(axis=1) - 1
    return pd.DataFrame({"skadesår": result.accident_years, "seneste": result.latest,
                         "udviklingsfaktor_til_ultimo": remaining[last] * result.tail,
                         "ultimativ": result.ultimate, "ibnr": result.ibnr, "mack_spredning": result.standard_error})


def write_work_injury_files(run: WorkInjuryRun, folder: Path, journal: bool = True) -> None:
    """The 003 result files into an existing (staging) folder; `journal=False` when a
    run valuing both groupings writes one journal itself."""
    valuation = run.valuation
    write_csv(cases_output(valuation), folder / CASES_FILE)
    write_csv(totals_output(valuation), folder / TOTALS_FILE)
    write_csv(valuation.cashflows, folder / CASHFLOWS_FILE)
    ibnr = ibnr_output(valuation)
    if ibnr is not None:
        write_csv(ibnr, folder / IBNR_FILE)
    if run.sensitivities is not None:
        write_csv(sensitivities_frame(run.sensitivities), folder / SENSITIVITIES_FILE)
    if run.analysis is not None:
        write_csv(analysis_frame(run.analysis), folder / ANALYSIS_FILE)
    if journal and run.journal is not None:
        write_csv(journal_frame(run.journal), folder / "journal.csv")


def work_injury_summary(run: WorkInjuryRun) -> dict[str, object]:
    valuation = run.valuation
    ibnr = valuation.ibnr
    return {"run_id": run.run_id, "inputs": [{"role": f.role, "path": f.path, "sha256": f.sha256}
                                             for f in run.inputs],
            "booked": None if run.booked is None else str(run.booked),
            "totals": {"rows": len(run.cases), "ended": valuation.n_ended, "pv": valuation.total_pv,
                       "reserve": valuation.total_reserve, "ibnr": ibnr.amount,
                       "liability": valuation.total_liability},
            "ibnr": {"method": ibnr.method, "note": ibnr.note,
                     "standard_error": None if ibnr.chain_ladder is None
                     else ibnr.chain_ladder.total_standard_error},
            "journal": journal_summary(run.journal)}


def write_work_injury_run(run: WorkInjuryRun, target: Path, force: bool = False) -> list[str]:
    """`tjp arbejdsskader`: every 003 result into `target` (all or nothing)."""
    with output_folder(target, force) as folder:
        _write_one(run, folder)
        names = sorted(p.name for p in folder.iterdir())
    return names


def _write_one(run: WorkInjuryRun, folder: Path, **extra: object) -> None:
    from tjenestemandspension.actuarial.work_injury.workpaper003 import write_work_injury_workpaper

    write_work_injury_files(run, folder)
    (folder / "basis.toml").write_text(run.basis.to_toml(), encoding="utf-8")
    write_work_injury_workpaper(folder / "arbejdsskader.xlsx", run)
    summary = work_injury_summary(run)
    write_manifest(folder, manifest("work_injury", run.run_id, run.basis.valuation_date, inputs=summary["inputs"],
                                    booked=summary["booked"], basis=run.basis.to_plain(), totals=summary["totals"],
                                    work_injury=summary, **extra))


def batch_overview(runs: dict[str, WorkInjuryRun]) -> pd.DataFrame:
    rows = [{"kommune": name or NO_MUNICIPALITY, "rækker": len(run.cases),
             "forpligtelse": run.valuation.total_liability,
             "bogført": None if run.journal is None else run.journal.booked,
             "regulering": None if run.journal is None else run.journal.regulation} for name, run in runs.items()]
    return pd.DataFrame(rows)


def write_work_injury_batch(runs: dict[str, WorkInjuryRun], basis: Basis, target: Path,
                            force: bool = False) -> list[str]:
    """Each kommune's 003 results in its own folder, an overview beside them."""
    folders = output_folders([name or NO_MUNICIPALITY for name in runs])
    with output_folder(target, force) as folder:
        for name, run in runs.items():
            sub = folder / folders[name or NO_MUNICIPALITY]
            sub.mkdir()
            _write_one(run, sub, municipality=name)
        write_csv(batch_overview(runs), folder / "overview.csv")
        write_manifest(folder, manifest(
            "work_injury_batch", run_id({"runs": sorted(r.run_id for r in runs.values())}), basis.valuation_date,
            kommuner={name: {"folder": folders[name or NO_MUNICIPALITY], "run_id": r.run_id,
                             "liability": r.valuation.total_liability} for name, r in runs.items()},
            totals={"rows": sum(len(r.cases) for r in runs.values()),
                    "liability": float(sum(r.valuation.total_liability for r in runs.values()))}))
        names = sorted(p.name for p in folder.iterdir())
    return names
