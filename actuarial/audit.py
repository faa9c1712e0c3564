"""What `tjp verify` proves beyond the checksums: the figures agree with each other, and
(`--rerun`) the run recomputed from its inputs gives the same files byte for byte.

The manifest's sha256 sums detect an accidental change (a file edited, cut off or
replaced); they do not detect a deliberate one, since whoever changes a file can write
its new hash into the manifest. Two further checks:

- `cross_check_folder`: the journal against the manifest's totals (D = L + B, the lines
  balance, 9.72.90.001 carries −D), the per-person results against the total, and the
  working paper's liability against both. A deliberate change must now be consistent
  in every file to pass.
- `rerun_folder`: the run recomputed from the inputs the manifest records (register,
  basis file, mapping file, curve and mortality files; each must be at hand with the
  hash recorded) with the options it records, written to a scratch folder, and every
  output compared byte for byte. Only this proves the outputs are what the tool
  computes from those inputs.

Separate from rundir.verify_folder (completeness and hashes), which runs first.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import tempfile
from decimal import Decimal, InvalidOperation
from pathlib import Path

import numpy as np
import pandas as pd

from tjenestemandspension.actuarial.manifest import MANIFEST
from tjenestemandspension.errors import InputError, Problem
from tjenestemandspension.rounding import to_ore
from tjenestemandspension.textfiles import read_output_csv

LIABILITY_ACCOUNT = "9.72.90.001"
PERSONS_TOLERANCE_KR = 0.01  # the per-person liabilities (6 decimals each) add up to the total to an øre
VOLATILE_MANIFEST_KEYS = ("created", "software", "outputs")  # what a rerun may change in the manifest


def _kroner(text: str) -> Decimal:
    return Decimal(text.strip().replace(".", "").replace(",", ".")) if "," in text else Decimal(text.strip())


def _journal_problems(folder: Path, manifest: dict) -> list[Problem]:
    summary = manifest.get("journal")
    path = folder / "journal.csv"
    if summary is None:
        return [Problem(file=str(path), expected="is there, but the manifest records no journal")] if path.is_file() else []
    if not path.is_file():
        return [Problem(file=str(path), expected="is missing, but the manifest records a journal")]
    problems = []
    liability, booked, regulation = (Decimal(summary[k]) for k in ("liability", "booked", "regulation"))
    total = manifest.get("totals", {}).get("liability")
    if total is not None and to_ore(float(total)) != liability:
        problems.append(Problem(file=str(folder / MANIFEST), expected=(
            f"the journal's liability {liability} differs from the total {to_ore(float(total))}")))
    if liability + booked != regulation:
        problems.append(Problem(file=str(folder / MANIFEST), expected=(
            f"the regulation {regulation} is not the liability {liability} plus the booked balance {booked}")))
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig")), delimiter=";"))
    try:
        amounts = [(row.get("kontostreng", ""), _kroner(row["beløb"])) for row in rows if row.get("beløb", "").strip()]
    except (KeyError, InvalidOperation):
        return problems + [Problem(file=str(path), expected="expected the journal's columns with amounts in beløb")]
    if sum(amount for _, amount in amounts) != 0:
        problems.append(Problem(file=str(path), expected="the lines do not balance (beløb does not sum to 0)"))
    posted = sum(amount for account, amount in amounts if account == LIABILITY_ACCOUNT)
    if posted != -regulation:
        problems.append(Problem(file=str(path), expected=(
            f"posts {posted} on {LIABILITY_ACCOUNT}, but the regulation recorded is {regulation} "
            f"(expected {-regulation})")))
    return problems


def _persons_problems(folder: Path, manifest: dict) -> list[Problem]:
    name = manifest.get("persons_file")
    total = manifest.get("totals", {}).get("liability")
    if not name or total is None or not (folder / name).is_file():
        return []
    path = folder / name
    if name.endswith(".parquet"):
        liabilities = pd.read_parquet(path, columns=["liability"])["liability"]
    else:
        from tjenestemandspension.actuarial.headers import header_in_every_language

        names = header_in_every_language("liability")  # persons.csv in the language it was written in
        liabilities = read_output_csv(path, usecols=lambda column: column in names).iloc[:, 0]
    persons = manifest["totals"].get("persons")
    problems = []
    if persons is not None and len(liabilities) != persons:
        problems.append(Problem(file=str(path), expected=f"holds {len(liabilities)} persons; the manifest {persons}"))
    if abs(float(np.nansum(liabilities.to_numpy(dtype=float))) - float(total)) > PERSONS_TOLERANCE_KR:
        problems.append(Problem(file=str(path), expected=(
            f"the persons' liabilities add up to {float(np.nansum(liabilities)):.2f}, not the total {float(total):.2f}")))
    return problems


def _workpaper_problems(folder: Path, manifest: dict) -> list[Problem]:
    """The working paper's liability (the figure beside WORKPAPER_LIABILITY_LABEL) against the total."""
    from tjenestemandspension import i18n
    from tjenestemandspension.actuarial.workpaper import WORKPAPER_LIABILITY_LABEL
    import openpyxl

    labels = {i18n.catalogue(language).gettext(WORKPAPER_LIABILITY_LABEL) for language in i18n.LANGUAGES}

    path = folder / "valuation.xlsx"
    total = manifest.get("totals", {}).get("liability")
    if manifest.get("kind", "valuation") != "valuation" or total is None or not path.is_file():
        return []
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        shown = None
        for sheet in book.worksheets:
            for row in sheet.iter_rows(values_only=True):
                if row and isinstance(row[0], str) and row[0].strip() in labels:
                    shown = next((v for v in row[1:] if isinstance(v, (int, float))), None)
                    break
            if shown is not None:
                break
    finally:
        book.close()
    if shown is None:
        return [Problem(file=str(path), expected=f"shows no '{i18n._(WORKPAPER_LIABILITY_LABEL)}' figure to check")]
    if to_ore(float(shown)) != to_ore(float(total)):
        return [Problem(file=str(path), expected=(
            f"shows the liability {to_ore(float(shown))}, but the total is {to_ore(float(total))}"))]
    return []


def _kommune_folders(folder: Path, manifest: dict) -> list[Path]:
    return [folder / name.split("/")[0] for name in manifest.get("outputs", {}) if name.endswith("/" + MANIFEST)]


def cross_check_folder(folder: str | Path, manifest: dict | None = None) -> list[Problem]:
    """The journal, the per-person results and the working paper against the manifest's
    totals (a batch: in every kommune's folder). The folder's hashes are checked first
    (rundir.verify_folder)."""
    folder = Path(folder)
    if manifest is None:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    problems = []
    if manifest.get("kind", "valuation") in ("valuation", "rollforward"):
        problems += _journal_problems(folder, manifest)
    if manifest.get("kind", "valuation") == "valuation":
        problems += _persons_problems(folder, manifest) + _workpaper_problems(folder, manifest)
    for sub in _kommune_folders(folder, manifest):
        problems += cross_check_folder(sub)
    return problems


# --- the rerun ------------------------------------------------------------------------------

def _rerun_problem(folder: Path, expected: str) -> InputError:
    return InputError([Problem(file=str(folder), expected=expected)])


def _rerun_work_injuries(manifest: dict, run):
    """Grouping 003 valued beside 001 (`tjp value --work-injuries`), again from its recorded
    case register (its hash must match) on the run's basis; None when the run had none."""
    recorded = manifest.get("work_injury")
    if recorded is None:
        return None
    from tjenestemandspension.actuarial.manifest import sha256_file
    from tjenestemandspension.actuarial.work_injury.injury_run import run_work_injuries

    problems = []
    for entry in recorded.get("inputs", []):
        path = Path(entry["path"])
        if not path.is_file():
            problems.append(Problem(file=str(path), expected="is not at hand; --rerun needs the run's inputs"))
        elif sha256_file(path) != entry["sha256"]:
            problems.append(Problem(file=str(path), expected=(
                "was changed since the run (its sha256 differs from manifest.json)")))
    if problems:
        raise InputError(problems)
    cases = next(entry["path"] for entry in recorded["inputs"] if entry["role"] == "cases")
    booked = recorded.get("booked")
    return run_work_injuries(cases, run.basis, None if booked is None else Decimal(booked),
                             assumptions=run.assumptions)


def rerun_folder(folder: str | Path, pseudonym_key: str | None = None) -> int:
    """Recompute a valuation run from the inputs its manifest records and compare every
    output byte for byte; returns the number of files compared, raises InputError."""
    from tjenestemandspension.actuarial.basis_files import load_basis
    from tjenestemandspension.actuarial.output import write_run_files
    from tjenestemandspension.actuarial.pseudonyms import Pseudonyms
    from tjenestemandspension.actuarial.rundir import input_problems, read_manifest
    from tjenestemandspension.actuarial.run import reading_options, run_valuation

    folder = Path(folder)
    manifest = read_manifest(folder)
    if manifest.get("kind", "valuation") != "valuation" or "municipality" in manifest:
        raise _rerun_problem(folder, "--rerun recomputes a valuation of one kommune (tjp value); this folder holds "
                                     f"a {manifest.get('kind', 'valuation')} run"
                                     + (" of a batch" if "municipality" in manifest else ""))
    command = manifest.get("command")
    if not isinstance(command, dict):
        raise _rerun_problem(folder, "the manifest does not record the run's options (written by an older tjp); "
                                     "--rerun needs them")
    problems = input_problems(manifest)
    if problems:
        raise InputError(problems)
    pseudonyms = None
    if manifest.get("pseudonymized"):
        if "random key" in str(manifest["pseudonymized"]) or pseudonym_key is None:
            raise _rerun_problem(folder, "the run's person ids are pseudonymized; --rerun needs the same key "
                                         "(--pseudonym-key or TJP_PSEUDONYM_KEY), which a run with a random key "
                                         "does not have")
        pseudonyms = Pseudonyms(pseudonym_key)
    inputs = {entry["role"]: entry["path"] for entry in manifest.get("inputs", [])}
    basis = load_basis(inputs.get("basis"), command.get("overrides", []))
    reading_recorded = manifest.get("reading") or {}
    reading = reading_options(basis, inputs.get("columns"), reading_recorded.get("sheet"),
                              reading_recorded.get("header_row"))
    booked = manifest.get("booked")
    run = run_valuation(inputs["register"], basis=basis, booked=None if booked is None else Decimal(booked),
                        reading=reading, columns_file=inputs.get("columns"), pseudonymized=pseudonyms is not None)
    work_injuries = _rerun_work_injuries(manifest, run)
    scratch = Path(tempfile.mkdtemp(prefix=".tjp-rerun-"))
    from tjenestemandspension import i18n

    shown_in = i18n.language()
    try:
        # the outputs in the language the run wrote them in (headers, status words, working paper)
        i18n.set_language(command.get("language") if command.get("language") in i18n.LANGUAGES else None)
        try:
            write_run_files(run, scratch, persons_format=command.get("persons_format", "auto"),
                            pseudonyms=pseudonyms, extra_manifest={"command": command},
                            work_injuries=work_injuries)
        finally:
            i18n.set_language(shown_in)
        problems = []
        names = sorted(manifest["outputs"])
        for name in names:
            again = scratch / name
            if not again.is_file():
                problems.append(Problem(file=str(folder / name), expected="is not an output of the rerun"))
            elif again.read_bytes() != (folder / name).read_bytes():
                problems.append(Problem(file=str(folder / name), expected=(
                    "differs from the rerun's: the file is not what tjp computes from the recorded inputs")))
        extra = sorted(p.name for p in scratch.iterdir() if p.name != MANIFEST and p.name not in manifest["outputs"])
        problems += [Problem(file=str(folder / name), expected="is an output of the rerun, missing in the folder")
                     for name in extra]
        again = json.loads((scratch / MANIFEST).read_text(encoding="utf-8"))
        for key in sorted(set(manifest) | set(again)):
            if key not in VOLATILE_MANIFEST_KEYS and manifest.get(key) != again.get(key):
                problems.append(Problem(file=str(folder / MANIFEST), key=key, expected=(
                    "differs from the rerun's manifest")))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    if problems:
        raise InputError(problems)
    return len(names)

