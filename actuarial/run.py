"""One valuation run from files: what `tjp value` does before it writes anything.

A run reads the basis and the register, values, makes the journal when the booked
balance is known, and records every input file with its sha256. The run id is a hash of
exactly those inputs (and the software version), so the same inputs give the same id
and byte-identical CSV outputs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from contextlib import nullcontext
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from tjenestemandspension.actuarial.assumptions import Assumptions, resolve_assumptions
from tjenestemandspension.actuarial.basis import Basis, load_basis
from tjenestemandspension.actuarial.engine import value
from tjenestemandspension.actuarial.journal import Journal, make_journal
from tjenestemandspension.actuarial.manifest import run_id, sha256_file
from tjenestemandspension.actuarial.register import Register
from tjenestemandspension.actuarial.register_io import RegisterTable, read_table, register_from_table
from tjenestemandspension.actuarial.results import Valuation
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


def input_files(basis: Basis, register_path: str | Path | None) -> tuple[InputFile, ...]:
    """Every file the run reads, with its hash: the register, the basis file, and the
    curve and mortality files the basis names."""
    files = []
    if register_path is not None:
        files.append(("register", register_path))
    files += [("basis", path) for path in basis.files]
    if basis["curve.source"] == "eiopa":
        files.append(("curve", basis["curve.file"]))
    if basis["mortality.source"] == "files":
        files.append(("mortality", basis["mortality.mortality_file"]))
        files.append(("improvement", basis["mortality.improvement_file"]))
    return tuple(InputFile(role, str(Path(path).resolve()), sha256_file(path)) for role, path in files)


def valuation_run_id(inputs: Iterable[InputFile], basis: Basis, booked: Decimal | None, extra: str = "") -> str:
    """Changes whenever an input, the basis, the booked balance or the software version
    does (paths do not matter, contents do)."""
    return run_id({
        "inputs": sorted((f.role, f.sha256) for f in inputs),
        "basis": basis.to_plain(),
        "booked": None if booked is None else str(booked),
        "extra": extra,
    })


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
                  table: RegisterTable | None = None) -> Run:
    """Read, validate and value; `phase` (optional) reports progress by phase; `table`:
    the register file already read (not yet validated)."""
    step = phase or (lambda _name: nullcontext())
    with step("basis"):
        if basis is None:
            basis = load_basis(basis_path, overrides)
        assumptions = resolve_assumptions(basis)
    with step("register"):
        register = register_from_table(table if table is not None else read_table(register_path),
                                       basis.valuation_date)
    with step("valuation"):
        valuation = value(register, assumptions)
    inputs = input_files(basis, register_path)
    identity = valuation_run_id(inputs, basis, booked)
    journal = None
    if booked is not None:
        journal = make_journal(basis.valuation_date, valuation.total_liability, booked, reference=identity)
    return Run(run_id=identity, basis=basis, assumptions=assumptions, register=register, valuation=valuation,
               journal=journal, booked=booked, inputs=inputs)
