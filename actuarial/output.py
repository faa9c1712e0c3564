"""Writing a run's results: CSV files, the manifest, and the output directory.

CSV files are written in the one dialect of `tjenestemandspension.textfiles`, which
Danish Excel opens directly. They contain no time stamps, so the same inputs give
byte-identical files; the manifest (manifest.py) records the run.

Everything is written into a temporary folder beside the target and moved into place
only when every file is complete: a failure never leaves half a result, and an existing
result is replaced only with `force` (and then only once the new one is complete).
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from tjenestemandspension.actuarial.headers import for_people
from tjenestemandspension.actuarial.journal import JOURNAL_COLUMNS, Journal
from tjenestemandspension.actuarial.manifest import journal_summary, manifest, write_manifest
from tjenestemandspension.actuarial.pseudonyms import Pseudonyms
from tjenestemandspension.actuarial.results import EXPLANATORY_COLUMNS, PERSON_COLUMNS, Valuation
from tjenestemandspension.danish import danish_date, kroner_text
from tjenestemandspension.errors import InputError, Problem
from tjenestemandspension.i18n import N_
from tjenestemandspension.rounding import to_ore
from tjenestemandspension.textfiles import write_csv

PARQUET_THRESHOLD = 200_000  # persons; above it the per-person results are written as Parquet


def journal_frame(journal: Journal) -> pd.DataFrame:
    if not journal.lines:  # nothing to post: one explanatory line, no amounts
        row = {column: "" for column in JOURNAL_COLUMNS}
        row.update(bilagsdato=danish_date(journal.valuation_date),
                   regnskabsår=journal.valuation_date.year, tekst=journal.note, reference=journal.reference)
        return pd.DataFrame([row], columns=list(JOURNAL_COLUMNS))
    rows = []
    for line in journal.lines:
        row = line.as_row()
        for column in ("debet", "kredit", "beløb"):
            row[column] = kroner_text(row[column])
        rows.append(row)
    return pd.DataFrame(rows, columns=list(JOURNAL_COLUMNS))


def persons_frame(valuation: Valuation) -> pd.DataFrame:
    """§7's columns in register order, then the explanatory ones."""
    return valuation.persons[list(PERSON_COLUMNS) + list(EXPLANATORY_COLUMNS)]


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def check_output_folder(target: Path, force: bool) -> None:
    """Refuse, before any work is done, to touch a user's existing results without --force."""
    if target.exists() and not target.is_dir():
        raise InputError([Problem(file=str(target), expected=N_("is a file; expected a folder for the results"))])
    if target.is_dir() and any(target.iterdir()) and not force:
        raise InputError([Problem(
            file=str(target),
            expected=N_("the output folder exists and is not empty; choose another with --out, or replace "
                        "it with --force"))])


@contextmanager
def output_folder(target: Path, force: bool) -> Iterator[Path]:
    """A temporary folder to write into; moved to `target` when the block succeeds."""
    check_output_folder(target, force)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tjp-partial", dir=target.parent))
    staging.chmod(0o777 & ~_umask())  # mkdtemp makes it private; results follow the user's umask
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    old = None
    if target.exists():
        if any(target.iterdir()):
            old = target.parent / f".{target.name}.tjp-replaced-{os.getpid()}"
            target.rename(old)
        else:
            target.rmdir()
    try:
        staging.rename(target)
    except BaseException:
        if old is not None:
            old.rename(target)
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def valuation_manifest(run, kind: str = "valuation") -> dict[str, object]:
    """Enough to reproduce and verify the run: inputs with hashes, the resolved basis,
    software versions and the totals (the outputs' hashes are added when written)."""
    valuation = run.valuation
    totals = valuation.totals_by("status")
    return manifest(
        kind, run.run_id, valuation.valuation_date,
        inputs=[{"role": f.role, "path": f.path, "sha256": f.sha256} for f in run.inputs],
        booked=None if run.booked is None else str(run.booked),
        basis=run.basis.to_plain(),
        basis_provenance={r["key"]: r["source"] + (f"; {r['date']}" if r["date"] else "")
                          for r in run.basis.as_records()},
        curve=valuation.assumptions.curve.describe(),
        mortality=valuation.assumptions.mortality.describe(),
        totals={
            "persons": int(totals.loc["total", "persons"]),
            "liability": float(valuation.total_liability),
            "by_status": {status: {column: float(totals.loc[status, column]) if column != "persons"
                                   else int(totals.loc[status, column])
                                   for column in totals.columns}
                          for status in totals.index if status != "total"},
        },
        journal=journal_summary(run.journal),
        not_valued=valuation.not_valued,
    )


def analysis_manifest(analysis, prior_run_id: str) -> dict[str, object]:
    """What the manifest of an ændringsanalyse adds: the prior run and every step."""
    return {"prior_run_id": prior_run_id, "analysis": {
        "order": list(analysis.order), "operating_expense_c": analysis.operating_expense,
        "residual": analysis.residual,
        "steps": [{"category": s.category, "description": s.description, "amount": s.amount}
                  for s in analysis.steps]}}


def sensitivities_manifest(result) -> dict[str, object]:
    """What the manifest of a sensitivity run adds: each scenario and the durations."""
    return {"sensitivities": [{"id": r.scenario.id, "scenario": r.scenario.name, "overrides": r.scenario.overrides,
                               "liability": r.liability} for r in result.results],
            "durations": {f"{bp}bp": d for bp, d in result.durations.items()}}


def analysis_frame(analysis) -> pd.DataFrame:
    """The steps in øre that add up exactly: the liability after each step is rounded to
    øre and each step is the difference of consecutive rounded liabilities."""
    rows = []
    previous = None
    for number, step in enumerate(analysis.steps, start=1):
        level = to_ore(step.liability)
        if step.category in ("primo", "ultimo"):
            amount = level
        else:
            amount = level - previous
        previous = level
        rows.append({"trin": number, "kategori": step.category, "beskrivelse": step.description,
                     "beløb": kroner_text(amount), "forpligtelse": kroner_text(level)})
    return pd.DataFrame(rows)


def sensitivities_frame(result) -> pd.DataFrame:
    rows = [{"scenarie": "Grundlag", "forpligtelse": result.base_liability, "ændring": 0.0, "ændring_pct": 0.0,
             "egen": "", "varighed_år": None}]
    rows += [{"scenarie": r.scenario.name, "forpligtelse": r.liability, "ændring": r.change,
              "ændring_pct": 100.0 * r.change_percent, "egen": "ja" if r.scenario.user_defined else "",
              "varighed_år": None} for r in result.results]
    rows += [{"scenarie": f"Varighed ud fra ±{bp} bp", "forpligtelse": None, "ændring": None, "ændring_pct": None,
              "egen": "", "varighed_år": years} for bp, years in sorted(result.durations.items())]
    return pd.DataFrame(rows)


def persons_file_name(n_persons: int, persons_format: str = "auto") -> str:
    """persons.csv, or persons.parquet for large registers (`auto`: above PARQUET_THRESHOLD)."""
    if persons_format == "auto":
        persons_format = "parquet" if n_persons > PARQUET_THRESHOLD else "csv"
    return f"persons.{persons_format}"


def write_persons(frame: pd.DataFrame, path: Path) -> None:
    if path.suffix == ".parquet":
        # status as text, so the file reads the same without pandas' categories
        frame.assign(status=frame["status"].astype(str)).to_parquet(path, index=False, compression="zstd")
    else:  # for people: headers and status values in their language (headers.py)
        write_csv(for_people(frame), path)


def write_run_files(run, folder: Path, kind: str = "valuation", analysis=None, sensitivities=None,
                    extra_manifest: dict | None = None, persons_format: str = "auto",
                    pseudonyms: Pseudonyms | None = None, prior: dict | None = None) -> None:
    """Every result of a run, written into an existing (staging) folder; `prior`: the
    manifest of last year's run (`tjp value --prior`), shown beside this year's figures."""
    from tjenestemandspension.actuarial.workpaper import PriorYear, WorkpaperContext, write_workpaper

    valuation = run.valuation
    persons = persons_frame(valuation)
    if pseudonyms is not None:
        persons = persons.assign(person_id=pseudonyms.apply(persons["person_id"]))
        valuation = dataclasses.replace(valuation, persons=valuation.persons.assign(person_id=persons["person_id"]))
    persons_name = persons_file_name(len(persons), persons_format)
    if run.journal is not None:
        write_csv(journal_frame(run.journal), folder / "journal.csv")
    write_persons(persons, folder / persons_name)
    write_csv(for_people(valuation.cashflows), folder / "cashflows.csv")
    if analysis is not None:
        write_csv(analysis_frame(analysis), folder / "analysis.csv")
    if sensitivities is not None:
        write_csv(sensitivities_frame(sensitivities), folder / "sensitivities.csv")
    (folder / "basis.toml").write_text(run.basis.to_toml(), encoding="utf-8")
    register_name = next((Path(f.path).name for f in run.inputs if f.role == "register"), "")
    write_workpaper(folder / "valuation.xlsx", valuation, run.journal,
                    WorkpaperContext(run_id=run.run_id, register_name=register_name, persons_file=persons_name,
                                     prior=None if prior is None else PriorYear.from_manifest(prior)),
                    analysis=analysis, sensitivities=sensitivities)
    content = valuation_manifest(run, kind)
    if prior is not None:
        content["prior_run_id"] = prior["run_id"]
    content["persons_file"] = persons_name
    content["pseudonymized"] = None if pseudonyms is None else pseudonyms.describe()
    content.update(extra_manifest or {})
    write_manifest(folder, content)


def write_run(run, target: Path, force: bool = False, **options) -> list[str]:
    """Write every result of a run into `target` (all or nothing); returns the file names."""
    with output_folder(target, force) as folder:
        write_run_files(run, folder, **options)
        names = sorted(p.name for p in folder.iterdir())
    return names


def write_rollforward(rollforward, journal: Journal | None, basis_text: str, run_id: str, target: Path,
                      force: bool = False) -> list[str]:
    from tjenestemandspension.actuarial.workpaper import write_rollforward_workpaper

    with output_folder(target, force) as folder:
        if journal is not None:
            write_csv(journal_frame(journal), folder / "journal.csv")
        lines = pd.DataFrame([{"post": label, "beløb": kroner_text(amount)}
                              for label, amount in rollforward.lines()])
        write_csv(lines, folder / "rollforward.csv")
        (folder / "basis.toml").write_text(basis_text, encoding="utf-8")
        write_rollforward_workpaper(folder / "valuation.xlsx", rollforward, journal, basis_text, run_id)
        write_manifest(folder, manifest(
            "rollforward", run_id, rollforward.to_date,
            last_recalculation=rollforward.last_recalculation,
            prior_run_id=rollforward.prior_run_id,
            inputs=[],
            rollforward={"prior_liability": rollforward.prior_liability, "rate": rollforward.rate,
                         "years": rollforward.years, "interest": rollforward.interest,
                         "accrual": rollforward.accrual, "payments": rollforward.payments},
            totals={"liability": rollforward.liability},
            journal=journal_summary(journal),
        ))
        names = sorted(p.name for p in folder.iterdir())
    return names


def write_batch(result, basis, target: Path, force: bool = False, persons_format: str = "auto",
                pseudonyms: Pseudonyms | None = None) -> list[str]:
    """Each kommune's results in its own folder, a consolidated overview beside them."""
    from tjenestemandspension.actuarial.batch import consolidated_cashflows, overview_frame
    from tjenestemandspension.actuarial.workpaper import write_batch_overview

    folders = result.folders
    with output_folder(target, force) as folder:
        for name, run in result.runs.items():
            sub = folder / folders[name]
            sub.mkdir()
            write_run_files(run, sub, persons_format=persons_format, pseudonyms=pseudonyms,
                            extra_manifest={"municipality": name})
        overview = overview_frame(result)
        write_csv(overview, folder / "overview.csv")
        write_csv(for_people(consolidated_cashflows(result)), folder / "cashflows.csv")
        skipped = pd.DataFrame([{"kommune": name, "problem": str(problem)}
                                for name, problems in result.skipped.items() for problem in problems],
                               columns=["kommune", "problem"])
        write_csv(skipped, folder / "skipped.csv")
        write_batch_overview(folder / "overview.xlsx", overview, skipped)
        write_manifest(folder, manifest(
            "batch", result.run_id, basis.valuation_date,
            kommuner={name: {"folder": folders[name], "run_id": run.run_id, "source": result.sources[name],
                             "persons": len(run.register), "liability": run.valuation.total_liability}
                      for name, run in result.runs.items()},
            skipped={name: [str(p) for p in problems] for name, problems in result.skipped.items()},
            totals={"persons": int(sum(len(r.register) for r in result.runs.values())),
                    "liability": float(sum(r.valuation.total_liability for r in result.runs.values()))},
        ))
        names = sorted(p.name for p in folder.iterdir())
    return names
