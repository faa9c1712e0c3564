"""Writing a run's results: CSV files, the manifest, and the output directory.

CSV files are written in the one dialect of `tjenestemandspension.textfiles`, which
Danish Excel opens directly. They contain no time stamps, so the same inputs give
byte-identical files; the manifest (manifest.py) records the run. Per-row amounts
(persons.csv, cashflows.csv) are written with PER_ROW_DECIMALS fixed decimals, without the
float noise of a binary fraction (120098,630000, not 120098,62999999999); the
finance-facing totals (journal, overview, sensitivities, analysis, roll-forward) in øre,
rounded as every other output rounds (`kroner_text`).

Everything is written into a temporary folder beside the target and moved into place
only when every file is complete: a failure never leaves half a result, and an existing
result is replaced only with `force` (and then only once the new one is complete).
"""

from __future__ import annotations

import dataclasses
import fcntl
import json
import os
import re
import shutil
import signal
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from tjenestemandspension.actuarial.headers import for_people, header
from tjenestemandspension.actuarial.journal import JOURNAL_COLUMNS, Journal
from tjenestemandspension.actuarial.manifest import MANIFEST, journal_summary, manifest, write_manifest
from tjenestemandspension.actuarial.pseudonyms import Pseudonyms
from tjenestemandspension.actuarial.results import AMOUNT_COLUMNS, EXPLANATORY_COLUMNS, PERSON_COLUMNS, Valuation
from tjenestemandspension.actuarial.table_validation import mask_cpr
from tjenestemandspension.danish import danish_date, kroner_text
from tjenestemandspension.errors import InputError, Problem, one_line
from tjenestemandspension.i18n import N_
from tjenestemandspension.rounding import to_ore
from tjenestemandspension.textfiles import write_csv

PARQUET_THRESHOLD = 200_000  # persons; above it the per-person results are written as Parquet
PER_ROW_DECIMALS = 6  # kroner in persons.csv and cashflows.csv: a millionth of a krone
PERSON_AMOUNTS = ("annual_benefit",) + AMOUNT_COLUMNS
CASHFLOW_AMOUNTS_EXCEPT = ("year",)


def amount_decimals(frame: pd.DataFrame, amounts) -> dict[str, int]:
    return {name: PER_ROW_DECIMALS for name in amounts if name in frame.columns}


def write_csv_for_people(frame: pd.DataFrame, path: Path, amounts) -> None:
    """A per-row CSV with its headers and status values in the reader's language
    (headers.py), the `amounts` with six fixed decimals."""
    decimals = amount_decimals(frame, amounts)
    write_csv(for_people(frame), path, {header(name): places for name, places in decimals.items()})


def write_cashflows(frame: pd.DataFrame, path: Path) -> None:
    write_csv_for_people(frame, path, [c for c in frame.columns if c not in CASHFLOW_AMOUNTS_EXCEPT])


def ore_texts(frame: pd.DataFrame, columns) -> pd.DataFrame:
    """Amounts of a finance-facing CSV in øre as text (1234567,89), empty where missing."""
    return frame.assign(**{name: [None if pd.isna(value) else kroner_text(value) for value in frame[name]]
                           for name in columns})


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


# --- the output folder: one transaction from the check to the rename ------------------------
#
# `check_output_folder` (called before any work) takes an exclusive lock on a lock file
# beside the target, `.<name>.tjp-lock`, held until the results are in place; a second run
# into the same folder is refused at once. Under the lock, what an earlier run that was
# killed left behind is cleaned up: staging folders (`.<name>.tjp-partial-*`) are removed,
# and a previous result hidden while it was being replaced (`.<name>.tjp-replaced-*`) is
# restored when the folder is missing. SIGTERM and SIGHUP are turned into `Terminated`
# while the lock is held, so the staging folder is removed on the way out.

LOCK_SUFFIX = ".tjp-lock"
PARTIAL = ".tjp-partial"
REPLACED = ".tjp-replaced-"
_HELD: dict[Path, "_Lock"] = {}  # target (resolved) → its lock, held by this process


class Terminated(BaseException):
    """SIGTERM or SIGHUP while an output folder was being written (cleaned up on the way out)."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def _on_signal(signum, _frame) -> None:
    raise Terminated(signum)


@dataclasses.dataclass
class _Lock:
    target: Path
    fd: int
    path: Path
    state: tuple | None  # the target as found at the check: (device, inode) or None (absent or empty)
    signals: dict = dataclasses.field(default_factory=dict)
    notices: list[str] = dataclasses.field(default_factory=list)
    released: bool = False


def _problem(target: Path, expected: str) -> InputError:
    return InputError([Problem(file=str(target), expected=expected)])


def _target_state(target: Path) -> tuple | None:
    if target.is_dir() and any(target.iterdir()):
        info = target.stat()
        return info.st_dev, info.st_ino
    return None


def is_tjp_folder(folder: Path) -> bool:
    """Whether a folder holds a tjp manifest (what --force may replace without --force-foreign)."""
    try:
        content = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(content, dict) and content.get("tool") == "tjenestemandspension"


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or path.is_relative_to(folder)


def _check_target(target: Path, force: bool, protected: tuple[Path, ...], force_foreign: bool) -> None:
    if target.is_symlink():
        raise _problem(target, "is a symbolic link; expected a real folder for the results (or a new name)")
    resolved = target.resolve()
    if _inside(Path.cwd().resolve(), resolved):
        raise _problem(target, "is the current folder or contains it; expected a folder of its own for the "
                               "results (e.g. --out tjp-output)")
    for path in protected:
        if _inside(Path(path).resolve(), resolved):
            raise _problem(target, f"holds an input of this run ({Path(path).name}); expected a folder of its "
                                   "own for the results, which --force could replace")
    if target.exists() and not target.is_dir():
        raise _problem(target, N_("is a file; expected a folder for the results"))
    if target.is_dir() and any(target.iterdir()):
        if not force:
            raise _problem(target, N_("the output folder exists and is not empty; choose another with --out, "
                                      "or replace it with --force"))
        if not force_foreign and not is_tjp_folder(target):
            raise _problem(target, "is not the output folder of a tjp run (no tjp manifest.json), so --force does "
                                   "not replace it; choose another --out, or add --force-foreign to delete its "
                                   "files")


def _recover(target: Path) -> list[str]:
    """Under the lock: what a killed run left beside the target (see above)."""
    notices = []
    parent, name = target.parent, target.name
    if not parent.is_dir():
        return notices
    old_partial = re.compile(rf"^\.{re.escape(name)}\.[A-Za-z0-9_]{{8}}{re.escape(PARTIAL)}$")  # before 0.x
    hidden = sorted(p for p in parent.iterdir() if p.name.startswith(f".{name}{REPLACED}"))
    for path in parent.iterdir():
        if path.name.startswith(f".{name}{PARTIAL}-") or old_partial.match(path.name):
            shutil.rmtree(path, ignore_errors=True)
            notices.append(f"fjernet en ufærdig mappe fra en afbrudt kørsel: {path.name}")
    for path in hidden:
        if not target.exists():
            path.rename(target)
            notices.append(f"{target}: det tidligere resultat, som en afbrudt kørsel var ved at erstatte, er "
                           "genskabt")
        else:
            shutil.rmtree(path, ignore_errors=True)
            notices.append(f"fjernet et erstattet resultat fra en afbrudt kørsel: {path.name}")
    return notices


def _acquire(target: Path, force: bool, protected: tuple[Path, ...], force_foreign: bool) -> _Lock:
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise _problem(target.parent, f"cannot be created ({error.strerror})") from None
    path = target.parent / f".{target.name}{LOCK_SUFFIX}"
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
        except OSError as error:
            raise _problem(target.parent, f"cannot be written ({error.strerror}); expected a folder where the "
                                          "results can be written") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise _problem(target, "another tjp run is writing to this output folder now; wait for it, or "
                                   "choose another with --out") from None
        try:
            if os.fstat(fd).st_ino == os.stat(path).st_ino:
                break  # else the holder removed the file between our open and lock: take the new one
        except FileNotFoundError:
            pass
        os.close(fd)
    lock = _Lock(target=target, fd=fd, path=path, state=None)
    try:
        if threading.current_thread() is threading.main_thread():
            for signum in (signal.SIGTERM, signal.SIGHUP):
                lock.signals[signum] = signal.signal(signum, _on_signal)
        lock.notices = _recover(target)
        for notice in lock.notices:
            print(f"tjp: {one_line(notice)}", file=sys.stderr)
        _check_target(target, force, protected, force_foreign)
        lock.state = _target_state(target)
    except BaseException:
        _release(lock)
        raise
    return lock


def _release(lock: _Lock) -> None:
    if lock.released:
        return
    lock.released = True
    _HELD.pop(lock.target.resolve(), None)
    for signum, handler in lock.signals.items():
        signal.signal(signum, handler)
    try:
        os.unlink(lock.path)  # a run waiting on it sees the file gone and opens a new one
    except OSError:
        pass
    os.close(lock.fd)


def release_output_folders() -> None:
    """Release every lock this process holds (the CLI's last step, whatever happened)."""
    for lock in list(_HELD.values()):
        _release(lock)


def check_output_folder(target: Path, force: bool, protected: tuple[Path, ...] = (),
                        force_foreign: bool = False) -> None:
    """Before any work: refuse to touch a user's existing results without --force, a folder
    that is not ours without --force-foreign, a folder holding an input (`protected`), and a
    folder another run is writing; then hold the lock until the results are written."""
    key = target.resolve()
    if key not in _HELD:  # else checked already, under the lock this process holds
        _HELD[key] = _acquire(target, force, protected, force_foreign)


@contextmanager
def _signals_blocked() -> Iterator[None]:
    """SIGTERM and SIGHUP held back (delivered when the block ends): around the steps a
    signal must not split (making the staging folder, moving the results into place)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "pthread_sigmask"):
        yield
        return
    held = {signal.SIGTERM, signal.SIGHUP}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


@contextmanager
def output_folder(target: Path, force: bool, pending: tuple[tuple[Path, Path], ...] = ()) -> Iterator[Path]:
    """A staging folder to write into; moved to `target` when the block succeeds. `pending`:
    (written, final) files beside the folder (the pseudonym map), moved into place with it."""
    check_output_folder(target, force)
    lock = _HELD[target.resolve()]
    staging = None
    try:
        with _signals_blocked():
            try:
                staging = Path(tempfile.mkdtemp(prefix=f".{target.name}{PARTIAL}-", dir=target.parent))
            except OSError as error:
                raise _problem(target.parent, f"cannot be written ({error.strerror})") from None
        staging.chmod(0o777 & ~_umask())  # mkdtemp makes it private; results follow the user's umask
        try:
            yield staging
        except OSError as error:  # a full disk, a file system gone read-only
            raise _problem(target, f"the results cannot be written ({error.strerror}); nothing was "
                                   "written") from None
        with _signals_blocked():  # a signal now is delivered once the results are in place, the lock released
            _commit(target, staging, lock, pending)
            _release(lock)
    except BaseException:
        if staging is not None and staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
        for written, _ in pending:
            Path(written).unlink(missing_ok=True)
        raise
    finally:
        _release(lock)


def _commit(target: Path, staging: Path, lock: _Lock, pending: tuple[tuple[Path, Path], ...]) -> None:
    """The staging folder to `target`, the previous result (if any) hidden meanwhile and
    removed after; a target that appeared or changed since the check is refused."""
    if _target_state(target) != lock.state:
        raise _problem(target, "appeared or changed while this run was writing (another program?); nothing "
                               "was written, run again")
    old = None
    if target.exists():
        if any(target.iterdir()):
            old = target.parent / f".{target.name}{REPLACED}{os.getpid()}"
            target.rename(old)
        else:
            target.rmdir()
    try:
        staging.rename(target)
    except BaseException:
        if old is not None:
            old.rename(target)
        raise
    for written, final in pending:
        os.replace(written, final)
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
        safeguards=[finding.as_dict() for finding in getattr(run, "findings", ())],
        reading=None if getattr(run, "reading", None) is None else run.reading.describe(),
        skipped_rows=[{"row": row, "why": why} for row, why in run.register.skipped_rows],
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
        write_csv_for_people(frame, path, PERSON_AMOUNTS)


def write_run_files(run, folder: Path, kind: str = "valuation", analysis=None, sensitivities=None,
                    extra_manifest: dict | None = None, persons_format: str = "auto",
                    pseudonyms: Pseudonyms | None = None, work_injuries=None, prior: dict | None = None) -> None:
    """Every result of a run, written into an existing (staging) folder; `work_injuries`:
    a grouping-003 run beside it (its files, its journal pair in journal.csv, its sheets);
    `prior`: the manifest of last year's run (`tjp value --prior`), shown beside this year's figures."""
    from tjenestemandspension.actuarial.workpaper import PriorYear, WorkpaperContext, write_workpaper

    valuation = run.valuation
    persons = persons_frame(valuation)
    if pseudonyms is not None:
        replaced = {"person_id": pseudonyms.apply(persons["person_id"])}
        replaced.update({name: pseudonyms.names(persons[name]) for name in ("unit", "municipality")
                         if name in persons.columns})
        persons = persons.assign(**replaced)
        valuation = dataclasses.replace(valuation, persons=valuation.persons.assign(**replaced))
    persons_name = persons_file_name(len(persons), persons_format)
    if run.journal is not None:
        journals = [run.journal] + ([work_injuries.journal] if work_injuries is not None and
                                    work_injuries.journal is not None else [])
        write_csv(pd.concat([journal_frame(j) for j in journals], ignore_index=True), folder / "journal.csv")
    if work_injuries is not None:
        from tjenestemandspension.actuarial.work_injury.injury_run import write_work_injury_files

        write_work_injury_files(work_injuries, folder, journal=False)
    write_persons(persons, folder / persons_name)
    write_cashflows(valuation.cashflows, folder / "cashflows.csv")
    if analysis is not None:
        write_csv(analysis_frame(analysis), folder / "analysis.csv")
    if sensitivities is not None:
        write_csv(ore_texts(sensitivities_frame(sensitivities), ("forpligtelse", "ændring")),
                  folder / "sensitivities.csv")
    (folder / "basis.toml").write_text(run.basis.to_toml(), encoding="utf-8")
    register_name = next((Path(f.path).name for f in run.inputs if f.role == "register"), "")
    write_workpaper(folder / "valuation.xlsx", valuation, run.journal,
                    WorkpaperContext(run_id=run.run_id, register_name=register_name, persons_file=persons_name,
                                     findings=tuple(getattr(run, "findings", ())),
                                     prior=None if prior is None else PriorYear.from_manifest(prior)),
                    analysis=analysis, sensitivities=sensitivities, work_injuries=work_injuries)
    content = valuation_manifest(run, kind)
    if work_injuries is not None:
        from tjenestemandspension.actuarial.work_injury.injury_run import work_injury_summary

        content["work_injury"] = work_injury_summary(work_injuries)
    if prior is not None:
        content["prior_run_id"] = prior["run_id"]
    content["persons_file"] = persons_name
    content["pseudonymized"] = None if pseudonyms is None else pseudonyms.describe()
    content.update(extra_manifest or {})
    write_manifest(folder, content)


def write_comparison_files(result, folder: Path) -> None:
    """`tjp compare --out`: the differing basis values, the totals (øre) and the movers."""
    write_csv(result.basis, folder / "basis_differences.csv")
    write_csv(ore_texts(result.totals, ("liability_a", "liability_b", "change")), folder / "totals.csv")
    write_csv(result.persons, folder / "persons_moved.csv",
              amount_decimals(result.persons, ("liability_a", "liability_b", "change")))


def write_run(run, target: Path, force: bool = False, pending: tuple = (), **options) -> list[str]:
    """Write every result of a run into `target` (all or nothing); returns the file names."""
    with output_folder(target, force, pending) as folder:
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
                pseudonyms: Pseudonyms | None = None, pending: tuple = ()) -> list[str]:
    """Each kommune's results in its own folder, a consolidated overview beside them."""
    from tjenestemandspension.actuarial.batch import consolidated_cashflows, overview_frame
    from tjenestemandspension.actuarial.workpaper import write_batch_overview

    folders = result.folders
    with output_folder(target, force, pending) as folder:
        for name, run in result.runs.items():
            sub = folder / folders[name]
            sub.mkdir()
            write_run_files(run, sub, persons_format=persons_format, pseudonyms=pseudonyms,
                            extra_manifest={"municipality": name})
        overview = overview_frame(result)
        write_csv(ore_texts(overview, ("forpligtelse", "bogført", "regulering")), folder / "overview.csv")
        write_cashflows(consolidated_cashflows(result), folder / "cashflows.csv")
        skipped = pd.DataFrame([{"kommune": mask_cpr(name), "problem": str(problem)}
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
