"""One valuation run from files: what `tjp value` does before it writes anything.

A run reads the basis and the register, values, makes the journal when the booked
balance is known, and records every input file with its sha256. The run id is a hash of
exactly those inputs (and the software version), so the same inputs give the same id
and byte-identical CSV outputs.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from contextlib import nullcontext
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from tjenestemandspension.actuarial.assumptions import Assumptions, resolve_assumptions
from tjenestemandspension.actuarial.basis import Basis, load_basis
from tjenestemandspension.actuarial.engine import value
from tjenestemandspension.actuarial.journal import Journal, make_journal
from tjenestemandspension.actuarial.register import Register
from tjenestemandspension.actuarial.register_io import RegisterTable, read_table, register_from_table
from tjenestemandspension.actuarial.results import Valuation
from tjenestemandspension import __version__

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


def sha256_file(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def input_files(basis: Basis, register_path: str | Path | None) -> tuple[InputFile, ...]:
    """Every file the run reads, with its hash: the register, the basis file, and the
    curve and mortality files the basis names."""
    files = []
    if register_path is not None:
        files.append(("register", register_path))
    files += [("basis", path) for path in basis.files]
    if basis["curve.source"] == "eiopa":
        files.append(("curve", basis["curve.file"]))
    for role, key in (("curve_qb", "curve.qb_file"), ("curve_par_rates", "curve.par_rates_file")):
        if basis[key]:
            files.append((role, basis[key]))
    if basis["mortality.source"] == "files":
        files.append(("mortality", basis["mortality.mortality_file"]))
        files.append(("improvement", basis["mortality.improvement_file"]))
    return tuple(InputFile(role, str(Path(path).resolve()), sha256_file(path)) for role, path in files)


def run_id_of(inputs: Iterable[InputFile], basis: Basis, booked: Decimal | None, extra: str = "") -> str:
    """12 hex digits that change whenever an input, the basis, the booked balance or the
    software version does (paths do not matter, contents do)."""
    payload = {
        "software": __version__,
        "inputs": sorted((f.role, f.sha256) for f in inputs),
        "basis": basis.to_plain(),
        "booked": None if booked is None else str(booked),
        "extra": extra,
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode("utf-8")).hexdigest()[:12]


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
    run_id = run_id_of(inputs, basis, booked)
    journal = None
    if booked is not None:
        journal = make_journal(basis.valuation_date, valuation.total_liability, booked, reference=run_id)
    return Run(run_id=run_id, basis=basis, assumptions=assumptions, register=register, valuation=valuation,
               journal=journal, booked=booked, inputs=inputs)
