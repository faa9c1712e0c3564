"""Batch runs: many kommuner in one invocation, each with its own results.

The input is one register with a `municipality` column naming two or more kommuner, or a
folder of registers, one per kommune. Every kommune is validated on its own: a kommune
whose rows have problems is reported and skipped, the others are valued. The curve and
mortality are resolved once; each kommune is valued separately, so its cash flows,
journal and working paper are its own, but the cohorts' survival rows and annuities are
computed once for all of them (`SharedCohorts`). Booked balances come from a small CSV
(`municipality;booked`, or `kommune;bogført`).
"""

from __future__ import annotations

import csv
import dataclasses
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd

from tjenestemandspension.actuarial.assumptions import Assumptions
from tjenestemandspension.actuarial.basis import Basis
from tjenestemandspension.actuarial.engine import value
from tjenestemandspension.actuarial.projection import SharedCohorts
from tjenestemandspension.actuarial.journal import make_journal, parse_booked
from tjenestemandspension.actuarial.member_register import MEMBER_COLUMNS, read_member_table, register_from_table
from tjenestemandspension.actuarial.table_reading import TABLE_SUFFIXES, RawTable, ReadOptions
from tjenestemandspension.actuarial.table_validation import (
    FIRST_DATA_ROW,
    MAX_LABEL_BYTES,
    key_text,
    mask_cpr,
    normalise_header,
    printable,
)
from tjenestemandspension.actuarial.manifest import run_id, sha256_file
from tjenestemandspension.actuarial.run import InputFile, Run, input_files, valuation_run_id
from tjenestemandspension.actuarial.safeguards import no_booked_finding, no_municipality_finding, valuation_findings
from tjenestemandspension.errors import InputError, Problem
from tjenestemandspension.textfiles import decode_text, sniff_separator

NO_MUNICIPALITY = "(uden kommune)"


@dataclass
class BatchResult:
    runs: dict[str, Run] = field(default_factory=dict)  # kommune → its run, in input order
    skipped: dict[str, list[Problem]] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)  # kommune → register file

    @property
    def missing_booked(self) -> list[str]:
        """The valued kommuner that got no journal because the booked-balance file lacks them."""
        return [name for name, run in self.runs.items() if any(f.code == "no_booked" for f in run.findings)]

    @property
    def run_id(self) -> str:
        """The batch's id: its kommuner's run ids, in order."""
        return run_id({"kommuner": [run.run_id for run in self.runs.values()]})

    @property
    def folders(self) -> dict[str, str]:
        """kommune → its output folder's name."""
        return output_folders(list(self.runs))


def folder_name(kommune: str) -> str:
    """A kommune's output folder: its name with anything but letters and digits as '_', a
    CPR number in it masked."""
    return re.sub(r"[^\w]+", "_", mask_cpr(kommune), flags=re.UNICODE).strip("_") or "kommune"


def shown_kommune(name: str) -> str:
    """A kommune's name in a message: one line, cut, a CPR number in it masked; a name too
    long for a folder not at all."""
    if len(name.encode("utf-8")) > MAX_LABEL_BYTES:
        return f"(a name of {len(name.encode('utf-8'))} bytes, not shown)"
    return printable(mask_cpr(name))


def municipality_column(table: RawTable) -> str | None:
    columns = table.columns or MEMBER_COLUMNS
    for name in table.frame.columns:
        if columns.canonical(name) == "municipality":
            return str(name)
    return None


def municipalities_in(table: RawTable) -> list[str]:
    """The distinct kommuner named in a register (empty when it has no such column)."""
    column = municipality_column(table)
    if column is None:
        return []
    return sorted({str(v) or NO_MUNICIPALITY for v in key_text(table.frame[column]).unique()})


def _split(table: RawTable) -> list[tuple[str, RawTable]]:
    column = municipality_column(table)
    frame = table.frame
    rows = table.row_numbers if table.row_numbers is not None else np.arange(len(frame)) + FIRST_DATA_ROW
    names = key_text(frame[column]).replace("", NO_MUNICIPALITY).to_numpy(dtype=object)  # NFC: one kommune
    parts = []
    for name in dict.fromkeys(names):  # in order of first appearance
        mask = names == name
        parts.append((name, dataclasses.replace(table, frame=frame.loc[mask].reset_index(drop=True),
                                                row_numbers=np.asarray(rows)[mask])))
    return parts


def kommune_tables(source: Path, table: RawTable | None = None, reading: ReadOptions | None = None
                   ) -> tuple[list[tuple[str, RawTable, Path]], dict[str, list[Problem]]]:
    """(kommune, its table, its file) for every kommune of a file or folder, and the
    kommuner whose file could not even be read. `table`: the file, already read;
    `reading`: how to read each file (sheet, header row, column mapping)."""
    unreadable: dict[str, list[Problem]] = {}
    if source.is_file():
        whole = table if table is not None else read_member_table(source, reading)
        return [(name, part, source) for name, part in _split(whole)], unreadable
    parts = []
    files = sorted(p for p in source.iterdir() if p.is_file() and p.suffix.casefold() in TABLE_SUFFIXES)
    if not files:
        raise InputError([Problem(file=str(source), expected="expected register files (.csv, .xlsx, .parquet) "
                                                             "in the folder, one per kommune")])
    found_in: dict[str, Path] = {}
    clashes = []
    for path in files:
        try:
            table = read_member_table(path, reading)
        except InputError as error:
            unreadable[path.stem] = error.problems
            continue
        names = municipalities_in(table)
        if len(names) > 1:  # a file of several kommuner is split as a single register would be
            file_parts = _split(table)
        else:
            file_parts = [(names[0] if names and names[0] != NO_MUNICIPALITY else path.stem, table)]
        for name, part in file_parts:
            if name in found_in:
                clashes.append(Problem(file=str(path), value=name,
                                       expected=f"expected each kommune in one file only; it is also in "
                                                f"{found_in[name].name}"))
                continue
            found_in[name] = path
            parts.append((name, part, path))
    for name in unreadable:
        if name in found_in:  # an unreadable file's stem stands for its kommune
            clashes.append(Problem(file=str(found_in[name]), value=name,
                                   expected="expected each kommune in one file only; an unreadable file has "
                                            "the same name"))
    if clashes:  # valuing either copy alone would silently drop the other's persons
        raise InputError(clashes)
    return parts, unreadable


def output_folders(names: list[str]) -> dict[str, str]:
    """Each kommune's folder name; kommuner whose names differ only in punctuation
    (Lyngby-Taarbæk, Lyngby Taarbæk) get distinct folders, numbered in order."""
    folders: dict[str, str] = {}
    taken: set[str] = set()
    for name in names:
        candidate = base = folder_name(name)
        number = 2
        while candidate.casefold() in taken:  # case-insensitive file systems
            candidate = f"{base}_{number}"
            number += 1
        taken.add(candidate.casefold())
        folders[name] = candidate
    return folders


def read_booked_file(path: Path, grouping: str = "001") -> dict[str, Decimal]:
    """municipality;booked (or kommune;bogført) → the booked balance of each kommune on
    9.72.90 `grouping` (001 pensions, 003 work injuries: the sign message names it)."""
    if not path.is_file():
        raise InputError.single("booked-balance file not found", file=str(path))
    text, _ = decode_text(path.read_bytes(), str(path), "booked-balance file")
    lines = text.splitlines()
    separator = sniff_separator(lines[0] if lines else "")
    rows = [(number, row) for number, row in enumerate(csv.reader(lines, delimiter=separator), start=1) if row]
    header = [name.strip() for name in rows[0][1]] if rows else []
    names = {normalise_header(name): position for position, name in enumerate(header)}
    kommune = names.get("municipality", names.get("kommune"))
    booked = names.get("booked", names.get("bogfoert"))
    if kommune is None or booked is None:
        raise InputError.single("expected the columns municipality;booked (or kommune;bogført)", file=str(path))
    balances: dict[str, Decimal] = {}
    problems = []
    for number, row in rows[1:]:
        name = row[kommune].strip() if kommune < len(row) else ""
        amount_text = row[booked] if booked < len(row) else ""
        try:
            amount = parse_booked(amount_text, option=str(path), grouping=grouping)
        except InputError as error:
            problems += [Problem(file=str(path), row=number, column=header[booked], value=amount_text,
                                 expected=p.expected) for p in error.problems]
            continue
        if name in balances:
            problems.append(Problem(file=str(path), row=number, column=header[kommune], value=name,
                                    expected="expected each kommune once"))
        balances[name] = amount
    if problems:
        raise InputError(problems)
    return balances


def run_batch(source: Path, basis: Basis, assumptions: Assumptions, booked: dict[str, Decimal],
              phase=None, table: RawTable | None = None, require_booked: bool = False,
              pseudonymized: bool = False, reading: ReadOptions | None = None) -> BatchResult:
    """Validate and value every kommune; a kommune with problems is skipped, not fatal.
    `require_booked` (a booked-balance file was given): a kommune missing from it is a
    warning (safeguards.py), and it gets no journal."""
    from contextlib import nullcontext

    step = phase or (lambda _name: nullcontext())
    result = BatchResult()
    with step("register"):
        parts, unreadable = kommune_tables(source, table, reading)
    result.skipped.update(unreadable)
    known = {name for name, _, _ in parts} | set(unreadable)
    unknown = sorted(set(booked) - known)
    if unknown:
        raise InputError([Problem(value=name, expected="expected a kommune of the register in the booked-balance "
                                                       "file; kommuner found: " + ", ".join(sorted(known)))
                          for name in unknown])
    hashes: dict[Path, InputFile] = {}
    shared = SharedCohorts()  # each cohort's survival and annuity computed once for all kommuner
    with step("valuation") as advance:
        for number, (name, table, path) in enumerate(parts, start=1):
            if callable(advance):  # progress by kommune
                advance(number - 1, len(parts))
            try:
                register = register_from_table(table, basis.valuation_date)
            except InputError as error:
                result.skipped[name] = error.problems
                continue
            if path not in hashes:
                hashes[path] = InputFile("register", str(path.resolve()), table.sha256 or sha256_file(path))
            inputs = (hashes[path],) + input_files(basis, None)
            kommune_booked = booked.get(name)
            identity = valuation_run_id(inputs, basis, kommune_booked, extra=name, reading=reading)
            valuation = value(register, assumptions, shared)
            journal = None
            if kommune_booked is not None:
                journal = make_journal(basis.valuation_date, valuation.total_liability, kommune_booked, identity)
            findings = list(valuation_findings(basis, valuation, kommune_booked, pseudonymized=pseudonymized,
                                               skipped_rows=register.skipped_rows))
            if require_booked and kommune_booked is None:
                findings.insert(0, no_booked_finding(name))
            if name == NO_MUNICIPALITY and municipality_column(table) is not None:
                findings.insert(0, no_municipality_finding([int(r) for r in register.row_numbers], NO_MUNICIPALITY))
            result.runs[name] = Run(run_id=identity, basis=basis, assumptions=assumptions, register=register,
                                    valuation=valuation, journal=journal, booked=kommune_booked, inputs=inputs,
                                    findings=tuple(findings), reading=reading)
            result.sources[name] = str(path)
    return result


def overview_frame(result: BatchResult) -> pd.DataFrame:
    """One row per kommune (valued or skipped) and a total: the consolidated overview."""
    rows = []
    folders = result.folders
    for name, run in result.runs.items():
        journal = run.journal
        rows.append({
            "kommune": mask_cpr(name), "status": "værdiansat", "personer": len(run.register),
            "forpligtelse": run.valuation.total_liability,
            "bogført": None if journal is None else float(journal.booked),
            "regulering": None if journal is None else float(journal.regulation),
            "mappe": folders[name], "kørsel": run.run_id, "problemer": 0,
        })
    for name, problems in result.skipped.items():
        rows.append({"kommune": mask_cpr(name), "status": "sprunget over", "personer": None, "forpligtelse": None,
                     "bogført": None, "regulering": None, "mappe": "", "kørsel": "", "problemer": len(problems)})
    frame = pd.DataFrame(rows)
    valued = frame[frame["status"] == "værdiansat"]
    total = {"kommune": "I alt", "status": "", "personer": valued["personer"].sum(),
             "forpligtelse": valued["forpligtelse"].sum(),
             "bogført": valued["bogført"].sum(min_count=1), "regulering": valued["regulering"].sum(min_count=1),
             "mappe": "", "kørsel": "", "problemer": int(frame["problemer"].sum())}
    frame = pd.concat([frame, pd.DataFrame([total])], ignore_index=True)
    frame["personer"] = frame["personer"].astype("Int64")
    return frame


def consolidated_cashflows(result: BatchResult) -> pd.DataFrame:
    frames = [run.valuation.cashflows.set_index("year") for run in result.runs.values()]
    if not frames:
        return pd.DataFrame()
    total = frames[0]
    for frame in frames[1:]:
        total = total.add(frame, fill_value=0.0)
    return total.reset_index()
