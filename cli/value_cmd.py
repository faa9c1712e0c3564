"""`tjp value` (the main job) and `tjp example` (a register to try it on)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from tjenestemandspension.actuarial.basis_files import load_basis
from tjenestemandspension.actuarial.batch import municipalities_in
from tjenestemandspension.actuarial.journal import parse_booked
from tjenestemandspension.actuarial.output import check_output_folder, write_run
from tjenestemandspension.actuarial.pseudonyms import Pseudonyms
from tjenestemandspension.actuarial.register import STATUS_NAMES, status_group
from tjenestemandspension.actuarial.member_register import read_member_table
from tjenestemandspension.actuarial.run import Run, run_valuation
from tjenestemandspension.actuarial.synthetic import synthetic_register
from tjenestemandspension.cli.common import problem_line
from tjenestemandspension.cli.progress import LARGE_REGISTER_BYTES, Phases
from tjenestemandspension.danish import danish_number, format_kroner
from tjenestemandspension.errors import InputError, Problem
from tjenestemandspension.i18n import N_, _
from tjenestemandspension.textfiles import write_csv

EXAMPLE_BOOKED = "-950000000"  # the example kommune's fictitious ledger balance of 9.72.90.001
IGNORED_COLUMNS = N_("Columns of the register that the valuation does not use")


def default_output_folder(valuation_date) -> Path:
    return Path("tjp-output") / valuation_date.isoformat()


def render_summary(run: Run, target: Path, files: list[str]) -> str:
    valuation = run.valuation
    totals = valuation.totals_by("status")
    date = valuation.valuation_date.strftime("%d-%m-%Y")
    lines = [_("Civil-servant pension obligation (9.72.90.001) at {date}   run {run_id}").format(
                 date=date, run_id=run.run_id), "",
             f"{_('status'):<14}{_('persons'):>10}{_('liability (kr.)'):>24}"]
    for status, danish in [*((name, status_group(name)) for name in STATUS_NAMES), ("total", _("total"))]:
        if status in totals.index:
            persons = danish_number(int(totals.loc[status, 'persons']))
            lines.append(f"{danish:<14}{persons:>10}{format_kroner(totals.loc[status, 'liability']):>24}")
    lines.append("")
    journal = run.journal
    if journal is None:
        lines.append(_("The journal is not written: give the booked balance of 9.72.90.001 with --booked "
                       "(a credit, so negative, e.g. --booked=-123456789,50)."))
    else:
        lines.append(f"{_('booked balance 9.72.90.001'):<30}{format_kroner(journal.booked):>24}")
        regulation = _("regulation ({kind})").format(kind=journal.kind)
        lines.append(f"{regulation:<30}{format_kroner(journal.regulation):>24}")
        lines.append(journal.note)
    lines.append("")
    if valuation.ignored_columns:
        lines += [f"{_(IGNORED_COLUMNS)}: {valuation.ignored_columns}", ""]
    lines.append(_("Written to {target}: {files}").format(target=target, files=", ".join(files)))
    return "\n".join(lines)


def value(
    register: Annotated[Path, typer.Argument(help="The member register: .csv, .xlsx or .parquet.")],
    basis: Annotated[Path | None, typer.Option("--basis", help="A basis file (TOML); the built-in default when omitted.")] = None,
    settings: Annotated[list[str] | None, typer.Option("--set", metavar="KEY=VALUE", help="Override one basis value, e.g. --set inflation.rate=0.025 (repeatable).")] = None,
    booked: Annotated[str | None, typer.Option("--booked", help="The balance of 9.72.90.001 in the ledger: a credit, so negative (e.g. --booked=-1234567,89). Without it no journal is written.")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Output folder; ./tjp-output/<valuation date> when omitted.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing, non-empty output folder.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress display.")] = False,
    booked_file: Annotated[Path | None, typer.Option("--booked-file", help="Batch: the booked balance of each "
                                                     "kommune, a CSV with municipality;booked.")] = None,
    persons_format: Annotated[str, typer.Option("--persons-format", help="Per-person results as csv or parquet; "
                                                "auto: Parquet above 200,000 persons.")] = "auto",
    pseudonymize: Annotated[bool, typer.Option("--pseudonymize", help="Replace person ids in all outputs by a "
                                               "keyed hash.")] = False,
    pseudonym_key: Annotated[str | None, typer.Option("--pseudonym-key", envvar="TJP_PSEUDONYM_KEY",
                                                      help="Key of the hash (the same key gives the same "
                                                           "pseudonyms); a random one per run when omitted.")] = None,
    pseudonym_map: Annotated[Path | None, typer.Option("--pseudonym-map", help="Write person_id → pseudonym here "
                                                       "(only where asked; keep it safe).")] = None,
    prior: Annotated[Path | None, typer.Option("--prior", help="Last year's output folder (verified against its "
                                               "manifest): its figures are shown beside this year's in the "
                                               "working paper.")] = None,
) -> None:
    """Value the register and write the journal, the per-person results, the cash flows,
    the working paper (valuation.xlsx) and a manifest."""
    if persons_format not in ("auto", "csv", "parquet"):
        raise InputError([Problem(file="--persons-format", value=persons_format, expected="expected auto, csv or parquet")])
    if (pseudonym_key is not None or pseudonym_map is not None) and not pseudonymize:
        raise InputError([Problem(file="--pseudonym-key/--pseudonym-map", expected="expected --pseudonymize as well")])
    if pseudonym_map is not None and pseudonym_map.exists() and not force:
        raise InputError([Problem(file=str(pseudonym_map), expected="exists already; use --force to overwrite it")])
    pseudonyms = Pseudonyms(pseudonym_key) if pseudonymize else None
    prior_manifest = _prior_manifest(prior) if prior is not None else None
    resolved = load_basis(basis, settings or [])
    booked_amount: Decimal | None = parse_booked(booked) if booked is not None else None
    target = out if out is not None else default_output_folder(resolved.valuation_date)
    check_output_folder(target, force)  # before any work: never overwrite silently
    if pseudonym_map is not None and pseudonym_map.resolve().is_relative_to(target.resolve()):
        raise InputError([Problem(file=str(pseudonym_map), expected=(
            "expected a file outside the output folder: the mapping would undo the pseudonyms of everything "
            "shared from that folder"))])
    large = register.is_dir() or (register.is_file() and register.stat().st_size > LARGE_REGISTER_BYTES)
    phases = Phases(enabled=large and not quiet)
    try:
        table = None
        if not register.is_dir():
            with phases("reading"):
                table = read_member_table(register)
        if table is None or len(municipalities_in(table)) > 1:
            if prior is not None:
                raise InputError([Problem(file="--prior", expected="expected a register of one kommune: a batch "
                                                                   "takes no --prior")])
            if booked is not None:
                raise InputError([Problem(file="--booked", value=booked, expected=(
                    "expected --booked-file for a register of several kommuner (municipality;booked per kommune)"))])
            _value_batch(register, resolved, booked_file, target, force, persons_format, pseudonyms, table, phases,
                         pseudonym_map)
            return
        if booked_file is not None:
            raise InputError([Problem(file="--booked-file", expected="expected a register of several kommuner (a "
                                      "municipality column or a folder of registers); use --booked for one")])
        if prior_manifest is not None and prior_manifest.get("kind", "valuation") == "batch":
            raise InputError([Problem(file=str(prior), expected="expected the output folder of one kommune's run, "
                                                                "not of a batch")])
        run = run_valuation(register, basis=resolved, booked=booked_amount, phase=phases, table=table,
                            prior_run_id=None if prior_manifest is None else prior_manifest["run_id"])
        with phases("writing"):
            files = write_run(run, target, force=force, persons_format=persons_format, pseudonyms=pseudonyms,
                              prior=prior_manifest)
            if pseudonyms is not None and pseudonym_map is not None:
                write_csv(pseudonyms.mapping(run.valuation.persons["person_id"]), pseudonym_map)
    finally:
        phases.close()
    typer.echo(render_summary(run, target, files))


def _prior_manifest(folder: Path) -> dict:
    """Last year's run: its folder verified against its manifest (complete, unchanged)."""
    from tjenestemandspension.actuarial.rundir import open_run_folder

    run_folder = open_run_folder(folder, need_inputs=())
    if run_folder.manifest.get("valuation_date") is None or "totals" not in run_folder.manifest:
        raise InputError([Problem(file=str(folder), expected="expected the output folder of a valuation run")])
    return run_folder.manifest


EXIT_SKIPPED = 3  # batch: the others were valued, but some kommuner were skipped


def _value_batch(source: Path, basis, booked_file: Path | None, target: Path, force: bool,
                 persons_format: str, pseudonyms, table, phases: Phases, pseudonym_map: Path | None) -> None:
    from tjenestemandspension.actuarial.resolve import resolve_assumptions
    from tjenestemandspension.actuarial.batch import read_booked_file, run_batch
    from tjenestemandspension.actuarial.output import write_batch

    booked = read_booked_file(booked_file) if booked_file is not None else {}
    with phases("basis"):
        assumptions = resolve_assumptions(basis)
    result = run_batch(source, basis, assumptions, booked, phase=phases, table=table)
    if not result.runs:
        raise InputError([Problem(file=p.file, row=p.row, column=p.column, key=p.key, value=p.value,
                                  show_value=p.show_value, expected=f"{p.expected} [kommune {name}]")
                          for name, problems in result.skipped.items() for p in problems])
    with phases("writing"):
        write_batch(result, basis, target, force=force, persons_format=persons_format, pseudonyms=pseudonyms)
        if pseudonyms is not None and pseudonym_map is not None:
            mapping = pd.concat([pseudonyms.mapping(run.valuation.persons["person_id"]).assign(municipality=name)
                                 for name, run in result.runs.items()], ignore_index=True)
            write_csv(mapping[["municipality", "person_id", "pseudonym"]], pseudonym_map)
    phases.close()
    lines = [_("Civil-servant pension obligation (9.72.90.001) at {date}: {count} kommuner").format(
                 date=f"{basis.valuation_date:%d-%m-%Y}", count=len(result.runs)), "",
             f"{_('kommune'):<30}{_('persons'):>10}{_('liability (kr.)'):>24}{_('regulation (kr.)'):>22}"]
    for name, run in result.runs.items():
        regulation = "" if run.journal is None else format_kroner(run.journal.regulation)
        persons = danish_number(len(run.register))
        lines.append(f"{name[:29]:<30}{persons:>10}{format_kroner(run.valuation.total_liability):>24}{regulation:>22}")
    total = sum(run.valuation.total_liability for run in result.runs.values())
    persons = danish_number(sum(len(run.register) for run in result.runs.values()))
    lines.append(f"{_('total'):<30}{persons:>10}{format_kroner(total):>24}")
    lines += [f"{_(IGNORED_COLUMNS)} ({name}): {run.valuation.ignored_columns}"
              for name, run in result.runs.items() if run.valuation.ignored_columns]
    lines.append(_("Written to {target}: overview.csv, overview.xlsx, cashflows.csv, manifest.json and a folder per "
                   "kommune ({folders})").format(target=target, folders=", ".join(result.folders.values())))
    typer.echo("\n".join(lines))
    if result.skipped:
        for name, problems in result.skipped.items():
            typer.echo(_("kommune {name} was skipped ({count} problems):").format(name=name, count=len(problems)),
                       err=True)
            for problem in problems:
                typer.echo(problem_line(problem), err=True)
        raise typer.Exit(EXIT_SKIPPED)


def example(
    folder: Annotated[Path, typer.Argument(help="Where to write the example register and basis.")] = Path("tjp-example"),
    persons: Annotated[int, typer.Option("--persons", min=5, help="Number of persons (a few hundred by default; millions for batch tests).")] = 400,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the generator: the same seed gives the same register.")] = 2024,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing example.")] = False,
    valuation_date: Annotated[str, typer.Option("--valuation-date", help="Month end the register is as of.")] = "2024-12-31",
) -> None:
    """Write an example register of a fictitious kommune and a basis file to try `tjp value` on."""
    register_path = folder / "register.csv"
    basis_path = folder / "basis.toml"
    existing = [p for p in (register_path, basis_path) if p.exists()]
    if existing and not force:
        raise InputError([Problem(file=str(p), expected="exists already; use --force to overwrite it")
                          for p in existing])
    basis = load_basis(overrides=[f"valuation.date={valuation_date}"])  # checks the date is a month end
    folder.mkdir(parents=True, exist_ok=True)
    frame = synthetic_register(persons, seed=seed, valuation_date=basis.valuation_date)
    write_csv(frame, register_path)
    basis_path.write_text(
        "# The built-in default basis, every value with its provenance (docs/basis.md explains each key).\n"
        "# Edit values here, or override single ones with --set key=value.\n\n" + basis.to_toml(),
        encoding="utf-8")
    typer.echo(_("Example written: {register} ({count} persons), {basis}\nTry: tjp value {register} --basis {basis} "
                 "--booked={booked} --out {out}").format(register=register_path, count=len(frame), basis=basis_path,
                                                         booked=EXAMPLE_BOOKED, out=folder / "resultat"))


def verify(
    folder: Annotated[Path, typer.Argument(help="An output folder of tjp.")],
) -> None:
    """Confirm that an output folder is complete and unmodified (against its manifest)."""
    from tjenestemandspension.actuarial.rundir import verify_folder

    manifest, checked = verify_folder(folder)
    typer.echo(_("OK: {folder} is complete and unchanged ({count} files, run {run_id}, {kind} at {date}).").format(
        folder=folder, count=checked, run_id=manifest["run_id"], kind=manifest.get("kind", "valuation"),
        date=manifest.get("valuation_date", "?")))
