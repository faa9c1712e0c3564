"""Runs from files: what each command does before it writes anything (the run layer).

A valuation run reads the basis and the register, resolves the basis once, values,
makes the journal when the booked balance is known, and records every input file with
its sha256. The run id is a hash of exactly those inputs (and the software version), so
the same inputs give the same id and byte-identical CSV outputs. The other runs (the
ændringsanalyse, the roll-forward, the sensitivities, a comparison) read the prior run's
folder here too, and hand plain values to the pure modules that compute them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from contextlib import nullcontext
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd

from tjenestemandspension.actuarial.analysis import Analysis, analyse_change
from tjenestemandspension.actuarial.assumptions import Assumptions
from tjenestemandspension.actuarial.basis import Basis
from tjenestemandspension.actuarial.basis_files import load_basis, load_column_mapping
from tjenestemandspension.actuarial.compare import ComparedRun
from tjenestemandspension.actuarial.engine import value
from tjenestemandspension.actuarial.journal import Journal, make_journal
from tjenestemandspension.actuarial.manifest import run_id, sha256_file
from tjenestemandspension.actuarial.register import Register
from tjenestemandspension.actuarial.member_register import read_member_table, read_register, register_from_table
from tjenestemandspension.actuarial.table_reading import RawTable, ReadOptions
from tjenestemandspension.actuarial.resolve import resolve_assumptions, resolve_curve
from tjenestemandspension.actuarial.results import Valuation
from tjenestemandspension.actuarial.rollforward import PriorRun, RollForward, roll_forward
from tjenestemandspension.actuarial.rundir import RunFolder, input_problems
from tjenestemandspension.actuarial.safeguards import Finding, valuation_findings, warnings_of
from tjenestemandspension.actuarial.sensitivities import Scenario, Sensitivities, run_sensitivities, scenario_basis
from tjenestemandspension.errors import InputError, Problem
from tjenestemandspension.rounding import to_ore

Phase = Callable[[str], object]  # a context manager factory: `with phase("reading"): ...`


@dataclass(frozen=True)
class InputFile:
    role: str  # "register", "basis", "curve", "mortality", "improvement"
    path: str  # absolute
    sha256: str


@dataclass(frozen=True)
class Run:
    run_id: str
    basis: Basis
    assumptions: Assumptions
    register: Register
    valuation: Valuation
    journal: Journal | None
    booked: Decimal | None
    inputs: tuple[InputFile, ...]
    findings: tuple[Finding, ...] = ()  # the safeguards before posting (safeguards.py)
    reading: ReadOptions | None = None  # how the register was read (sheet, header row, column mapping)

    @property
    def warnings(self) -> list[Finding]:
        return warnings_of(self.findings)


def reading_options(basis: Basis, columns_file: str | Path | None = None, sheet: str | None = None,
                    header_row: int | None = None) -> ReadOptions:
    """How to read the register as it comes: the basis' [columns] with a mapping file's
    (`--columns`) on top, the sheet and the header row."""
    columns = dict(basis.columns)
    if columns_file is not None:
        columns.update(load_column_mapping(columns_file))
    return ReadOptions(sheet=sheet, header_row=header_row, columns=columns)


def input_paths(basis: Basis, register_path: str | Path | None = None,
                columns_file: str | Path | None = None) -> list[tuple[str, Path]]:
    """(role, path) of every file the run reads: the register, a column mapping file, the
    basis file, and the curve and mortality files the basis names."""
    files = []
    if register_path is not None:
        files.append(("register", register_path))
    if columns_file is not None:
        files.append(("columns", columns_file))
    files += [("basis", path) for path in basis.files]
    if basis["curve.source"] == "eiopa":
        files.append(("curve", basis["curve.file"]))
    for role, key in (("curve_qb", "curve.qb_file"), ("curve_par_rates", "curve.par_rates_file")):
        if basis[key]:
            files.append((role, basis[key]))
    if basis["mortality.source"] == "files":
        files.append(("mortality", basis["mortality.mortality_file"]))
        files.append(("improvement", basis["mortality.improvement_file"]))
    return [(role, Path(path)) for role, path in files]


def input_files(basis: Basis, register_path: str | Path | None, register_sha256: str | None = None,
                columns_file: str | Path | None = None) -> tuple[InputFile, ...]:
    """Every file the run reads, with its hash; the register's is the hash of the bytes
    that were read (`register_sha256`), so a file replaced during the run cannot give the
    manifest and run id of another file than the results."""
    return tuple(InputFile(role, str(path.resolve()),
                           register_sha256 if role == "register" and register_sha256 else sha256_file(path))
                 for role, path in input_paths(basis, register_path, columns_file))


def valuation_run_id(inputs: Iterable[InputFile], basis: Basis, booked: Decimal | None, extra: str = "",
                     reading: ReadOptions | None = None) -> str:
    """Changes whenever an input, the basis, the booked balance, the way the register is
    read (sheet, header row, column mapping) or the software version does (paths do not
    matter, contents do)."""
    payload = {
        "inputs": sorted((f.role, f.sha256) for f in inputs),
        "basis": basis.to_plain(),
        "booked": None if booked is None else str(booked),
        "extra": extra,
    }
    if reading is not None and reading != ReadOptions():
        payload["reading"] = reading.describe()
    return run_id(payload)


def rollforward_run_id(prior_run_id: str, to_date: dt.date, payments: Decimal, booked: Decimal,
                       accrual: Decimal | None = None, accrual_rate: float | None = None,
                       salaries: Decimal | None = None) -> str:
    """Amounts count in øre, whatever way they were typed (50000000 or 50.000.000,00)."""
    def ore(amount: Decimal | None) -> str | None:
        return None if amount is None else str(to_ore(amount))

    return run_id({"prior": prior_run_id, "to": to_date.isoformat(), "payments": ore(payments),
                   "accrual": ore(accrual), "rate": accrual_rate, "salaries": ore(salaries),
                   "booked": ore(booked)})


def run_valuation(register_path: str | Path, basis_path: str | Path | None = None,
                  overrides: Iterable[str] = (), booked: Decimal | None = None,
                  phase: Phase | None = None, basis: Basis | None = None,
                  table: RawTable | None = None, pseudonymized: bool = False,
                  reading: ReadOptions | None = None, columns_file: str | Path | None = None,
                  prior_run_id: str | None = None) -> Run:
    """Read, validate and value; `phase` (optional) reports progress by phase; `table`:
    the register file already read (not yet validated); `pseudonymized`: whether the
    outputs will carry pseudonyms (then person ids like CPR numbers need no hint); `reading`:
    how the register is read (reading_options; by default the basis' [columns]), from
    `columns_file` among others, which is an input of the run; `prior_run_id`: last year's
    run shown beside this one (`--prior`), part of the run id since the working paper shows it."""
    step = phase or (lambda _name: nullcontext())
    with step("basis"):
        if basis is None:
            basis = load_basis(basis_path, overrides)
        assumptions = resolve_assumptions(basis)
    if reading is None:
        reading = reading_options(basis, columns_file)
    with step("register"):
        if table is None:
            table = read_member_table(register_path, reading)
        register = register_from_table(table, basis.valuation_date)
    with step("valuation"):
        valuation = value(register, assumptions)
    inputs = input_files(basis, register_path, table.sha256, columns_file)
    identity = valuation_run_id(inputs, basis, booked, reading=reading,
                                extra="" if prior_run_id is None else f"prior:{prior_run_id}")
    journal = None
    if booked is not None:
        journal = make_journal(basis.valuation_date, valuation.total_liability, booked, reference=identity)
    findings = valuation_findings(basis, valuation, booked, pseudonymized=pseudonymized,
                                  skipped_rows=register.skipped_rows)
    return Run(run_id=identity, basis=basis, assumptions=assumptions, register=register, valuation=valuation,
               journal=journal, booked=booked, inputs=inputs, findings=findings, reading=reading)


# --- the years between and the auditor's questions ---------------------------------------

ROLLFORWARD_BASIS_TEXT = "efter fremskrivning (ikke aktuarmæssig genberegning)"


def run_analysis(prior: RunFolder, register_path: str | Path, basis: Basis, booked: Decimal | None,
                 order: tuple[str, ...]) -> tuple[Run, Analysis]:
    """The new valuation and the ændringsanalyse from the prior run to it."""
    if prior.kind == "rollforward" or prior.input_path("register") is None:
        raise InputError([Problem(file=str(prior.folder), expected="is a roll-forward; the analysis needs a full "
                                                                   "valuation with its register")])
    prior_basis = prior.basis()
    prior_register = read_register(prior.input_path("register"), prior_basis.valuation_date)
    run = run_valuation(register_path, basis=basis, booked=booked)
    prior_assumptions = resolve_assumptions(prior_basis, reuse=(run.assumptions,))
    analysis = analyse_change(prior_register, prior_assumptions, run.register, run.assumptions, order,
                              reported_prior=prior.liability, new_valuation=run.valuation)
    return run, analysis


@dataclass(frozen=True)
class RollForwardRun:
    run_id: str
    rollforward: RollForward
    journal: Journal
    basis_text: str  # the prior run's basis.toml, which the roll-forward carries on


def run_rollforward(prior: RunFolder, to_date: dt.date, payments: Decimal, booked: Decimal,
                    accrual: Decimal | None = None, accrual_rate: float | None = None,
                    salaries: Decimal | None = None) -> RollForwardRun:
    """The roll-forward of a prior run (verified, its curve file unchanged) to `to_date`."""
    start = PriorRun(run_id=prior.run_id, valuation_date=prior.valuation_date,
                     last_recalculation=prior.last_recalculation, liability=prior.liability,
                     curve=resolve_curve(prior.basis()))
    result = roll_forward(start, to_date, payments, accrual=accrual, accrual_rate=accrual_rate, salaries=salaries)
    identity = rollforward_run_id(prior.run_id, to_date, payments, booked, accrual, accrual_rate, salaries)
    journal = make_journal(to_date, result.liability, booked, reference=identity, basis_text=ROLLFORWARD_BASIS_TEXT)
    return RollForwardRun(run_id=identity, rollforward=result, journal=journal, basis_text=prior.basis_text())


def scenario_bases(basis: Basis, scenarios: list[Scenario]) -> list[Basis]:
    """Each scenario's basis; every override is checked (InputError) before anything is valued."""
    return [scenario_basis(basis, scenario) for scenario in scenarios]


def scenario_assumptions(base: Assumptions, scenarios: list[Scenario]) -> list[tuple[Scenario, Assumptions]]:
    """Each scenario's overrides applied to the base's resolved assumptions: a file is read
    only for a scenario that names another curve or mortality source."""
    bases = scenario_bases(base.basis, scenarios)
    return [(scenario, resolve_assumptions(changed, reuse=(base,))) for scenario, changed in zip(scenarios, bases)]


def run_sensitivity_analysis(register_path: str | Path, basis: Basis,
                             scenarios: list[Scenario]) -> tuple[Run, Sensitivities]:
    """The valuation on `basis` and under each scenario; the basis is resolved once."""
    scenario_bases(basis, scenarios)  # a bad override is reported before anything is read or valued
    run = run_valuation(register_path, basis=basis)
    chosen = scenario_assumptions(run.assumptions, scenarios)
    result = run_sensitivities(run.register, run.assumptions, chosen, base_liability=run.valuation.total_liability,
                               base_valuation=run.valuation)
    return run, result


def compared_run(folder: RunFolder) -> ComparedRun:
    """A run's side of a comparison: its basis, per-person results and (if its register is
    still there unchanged) the salaries from the register."""
    salaries = None
    path = folder.input_path("register")
    if path is not None and not input_problems(folder.manifest, ("register",)):
        register = read_register(path, folder.valuation_date)
        salary = np.where(np.isnan(register.projected_salary), register.pensionable_salary,
                          register.projected_salary)
        salaries = pd.Series(salary, index=register.person_id)
    return ComparedRun(run_id=folder.run_id, basis=folder.manifest["basis"], persons=folder.persons(),
                       salaries=salaries)
