"""`tjp value` (the main job) and `tjp example` (a register to try it on)."""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tjenestemandspension.cli.common import FORCE_FOREIGN_HELP, problem_line
from tjenestemandspension.errors import InputError, Problem, one_line
from tjenestemandspension.i18n import N_, _

if TYPE_CHECKING:
    import pandas as pd

# The valuation's modules (numpy, pandas, pyarrow) are imported by the commands that use
# them, so that `tjp --help` starts in a fraction of a second.

EXAMPLE_BOOKED = "-950000000"  # the example kommune's fictitious ledger balance of 9.72.90.001
EXAMPLE_BOOKED_003 = "-68000000"  # and of 9.72.90.003
EXAMPLE_CASES, EXAMPLE_TRIANGLE = "sager.csv", "skadestrekant.csv"
EXAMPLE_CASE_ROWS = 48  # a few dozen case rows, every benefit type
IGNORED_COLUMNS = N_("Columns of the register that the valuation does not use")


def default_output_folder(valuation_date) -> Path:
    return Path("tjp-output") / valuation_date.isoformat()


def render_summary(run, target: Path, files: list[str]) -> str:
    from tjenestemandspension.actuarial.register import STATUS_NAMES, status_group
    from tjenestemandspension.danish import danish_number, format_kroner

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
        lines += [f"{_(IGNORED_COLUMNS)}: {one_line(valuation.ignored_columns)}", ""]
    lines.append(_("Written to {target}: {files}").format(target=one_line(target), files=", ".join(files)))
    return "\n".join(lines)


def value(
    register: Annotated[Path, typer.Argument(help="The member register: .csv, .xlsx or .parquet.")],
    basis: Annotated[Path | None, typer.Option("--basis", help="A basis file (TOML); the built-in default when omitted.")] = None,
    settings: Annotated[list[str] | None, typer.Option("--set", metavar="KEY=VALUE", help="Override one basis value, e.g. --set inflation.rate=0.025 (repeatable).")] = None,
    booked: Annotated[str | None, typer.Option("--booked", help="The balance of 9.72.90.001 in the ledger: a credit, so negative (e.g. --booked=-1234567,89). Without it no journal is written.")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Output folder; ./tjp-output/<valuation date> when omitted.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing output folder of a tjp run.")] = False,
    force_foreign: Annotated[bool, typer.Option("--force-foreign", help=FORCE_FOREIGN_HELP)] = False,
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
    columns: Annotated[Path | None, typer.Option("--columns", metavar="FILE", help="A mapping of the export's "
                                                 "column names to ours (TOML: \"Pensionsår\" = \"service_years\"); "
                                                 "on top of the basis file's columns section.")] = None,
    sheet: Annotated[str | None, typer.Option("--sheet", metavar="NAME", help="The workbook's sheet that holds "
                                              "the register (the first when omitted).")] = None,
    header_row: Annotated[int | None, typer.Option("--header-row", metavar="N", min=1, help="The row of the "
                                                   "column names, as the spreadsheet counts (1 when omitted): "
                                                   "rows above it, a title, are passed over.")] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Treat every safeguard warning as an error: exit 2, "
                                         "nothing written.")] = False,
    work_injuries: Annotated[Path | None, typer.Option("--work-injuries", help="Also value the work-injury "
                                                       "provision (9.72.90.003) from this case register.")] = None,
    booked_work_injuries: Annotated[str | None, typer.Option("--booked-work-injuries", help="The balance of "
                                                             "9.72.90.003 in the ledger (negative).")] = None,
    prior: Annotated[Path | None, typer.Option("--prior", help="Last year's output folder (verified against its "
                                               "manifest): its figures are shown beside this year's in the "
                                               "working paper.")] = None,
) -> None:
    """Value the register and write the journal, the per-person results, the cash flows,
    the working paper (valuation.xlsx) and a manifest."""
    from tjenestemandspension.actuarial.basis_files import load_basis
    from tjenestemandspension.actuarial.batch import municipalities_in
    from tjenestemandspension.actuarial.journal import parse_booked
    from tjenestemandspension.actuarial.member_register import read_member_table
    from tjenestemandspension.actuarial.output import check_output_folder, write_run
    from tjenestemandspension.actuarial.pseudonyms import Pseudonyms
    from tjenestemandspension.actuarial.run import input_paths, reading_options, run_valuation
    from tjenestemandspension.cli.progress import LARGE_REGISTER_BYTES, Phases, progress_wanted

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
    inputs = [register, *(path for _role, path in input_paths(resolved, None, columns)),
              *([booked_file] if booked_file else []), *([work_injuries] if work_injuries else []),
              *([prior] if prior else [])]
    if pseudonym_map is not None:
        if any(pseudonym_map.resolve() == Path(path).resolve() for path in inputs):
            raise InputError([Problem(file=str(pseudonym_map), expected=(
                "is an input of this run; expected a new file for the pseudonym mapping"))])
        if pseudonym_map.resolve().is_relative_to(target.resolve()):
            raise InputError([Problem(file=str(pseudonym_map), expected=(
                "expected a file outside the output folder: the mapping would undo the pseudonyms of everything "
                "shared from that folder"))])
    reading = reading_options(resolved, columns, sheet, header_row)
    from tjenestemandspension import i18n

    command = {"overrides": list(settings or []), "language": i18n.language(),
               "columns_file": None if columns is None else str(columns.resolve()),
               "persons_format": persons_format}
    # before any work: never overwrite silently; the lock is held until the results are written
    check_output_folder(target, force, protected=tuple(inputs), force_foreign=force_foreign)
    large = register.is_dir() or (register.is_file() and register.stat().st_size > LARGE_REGISTER_BYTES)
    phases = Phases(enabled=progress_wanted(large, quiet))
    try:
        table = None
        if not register.is_dir():
            with phases("reading"):
                table = read_member_table(register, reading)
        if table is None or len(municipalities_in(table)) > 1:
            if work_injuries is not None:
                raise InputError([Problem(file="--work-injuries", expected=(
                    "expected the register of one kommune: a batch values grouping 001 only; value each "
                    "kommune's work injuries with tjp arbejdsskader"))])
            if prior is not None:
                raise InputError([Problem(file="--prior", expected="expected a register of one kommune: a batch "
                                                                   "takes no --prior")])
            if booked is not None:
                raise InputError([Problem(file="--booked", value=booked, expected=(
                    "expected --booked-file for a register of several kommuner (municipality;booked per kommune)"))])
            _value_batch(register, resolved, booked_file, target, force, persons_format, pseudonyms, table, phases,
                         pseudonym_map, strict, reading)
            return
        if booked_file is not None:
            raise InputError([Problem(file="--booked-file", expected="expected a register of several kommuner (a "
                                      "municipality column or a folder of registers); use --booked for one")])
        if prior_manifest is not None and prior_manifest.get("kind", "valuation") == "batch":
            raise InputError([Problem(file=str(prior), expected="expected the output folder of one kommune's run, "
                                                                "not of a batch")])
        run = run_valuation(register, basis=resolved, booked=booked_amount, phase=phases, table=table,
                            pseudonymized=pseudonyms is not None, reading=reading, columns_file=columns,
                            prior_run_id=None if prior_manifest is None else prior_manifest["run_id"])
        check_strict(run.findings, strict)
        injuries = _work_injuries(work_injuries, booked_work_injuries, run)
        with phases("writing"):
            pending = ()
            if pseudonyms is not None and pseudonym_map is not None:  # moved into place with the folder
                pending = (_write_pending(pseudonym_map, pseudonyms.mapping(run.valuation.persons["person_id"])),)
            files = write_run(run, target, force=force, persons_format=persons_format, pseudonyms=pseudonyms,
                              pending=pending, extra_manifest={"command": command}, work_injuries=injuries,
                              prior=prior_manifest)
    finally:
        phases.close()
    summary = render_summary(run, target, files)
    if injuries is not None:
        from tjenestemandspension.cli.work_injury_cmd import render_work_injury_summary

        head, _, written = summary.rpartition("\nSkrevet til ")
        summary = "\n".join([head, *render_work_injury_summary(injuries), "", "Skrevet til " + written])
    typer.echo(summary)
    echo_findings(run.findings)


def check_strict(findings, strict: bool, kommune: str | None = None) -> None:
    """--strict: every warning is an error (exit 2, nothing written)."""
    from tjenestemandspension.actuarial.safeguards import warnings_of

    warnings = warnings_of(findings)
    if strict and warnings:
        where = f" [kommune {kommune}]" if kommune else ""
        raise InputError([Problem(file="--strict", expected=f"{w.text}{where}") for w in warnings])


def echo_findings(findings, kommune: str | None = None) -> None:
    """The safeguards' findings on stderr, warnings first: `advarsel: ...`, `bemærkning: ...`."""
    for finding in findings:
        prefix = f"{finding.severity} [kommune {one_line(kommune)}]" if kommune else finding.severity
        typer.echo(f"{prefix}: {one_line(finding.text)}", err=True)


def _write_pending(path: Path, frame: pd.DataFrame) -> tuple[Path, Path]:
    """The file written beside its place, (written, final): moved there with the output folder."""
    from tjenestemandspension.textfiles import write_csv

    written = path.parent / f".{path.name}.tjp-partial-{os.getpid()}"
    if not path.parent.is_dir():
        raise InputError([Problem(file=str(path), expected="cannot be written: its folder does not exist; "
                                                           "nothing was written")])
    try:
        write_csv(frame, written)
    except OSError as error:
        written.unlink(missing_ok=True)
        raise InputError([Problem(file=str(path), expected=f"cannot be written ({error.strerror or error}); "
                                                           "nothing was written")]) from None
    return written, path


def _work_injuries(cases: Path | None, booked: str | None, run):
    """Grouping 003 beside 001 (`--work-injuries`), on the same resolved basis."""
    from tjenestemandspension.actuarial.journal import parse_booked

    if cases is None:
        if booked is not None:
            raise InputError([Problem(file="--booked-work-injuries", expected="expected --work-injuries as well")])
        return None
    from tjenestemandspension.actuarial.work_injury.injury_run import run_work_injuries

    amount = parse_booked(booked, "--booked-work-injuries", grouping="003") if booked is not None else None
    injuries = run_work_injuries(cases, run.basis, amount, assumptions=run.assumptions)
    if len(set(injuries.cases.municipality)) > 1:
        raise InputError([Problem(file=str(cases), column="municipality", expected=(
            "names several kommuner; value one kommune's work injuries beside its register"))])
    return injuries


def _prior_manifest(folder: Path) -> dict:
    """Last year's run: its folder verified against its manifest (complete, unchanged)."""
    from tjenestemandspension.actuarial.rundir import open_run_folder

    run_folder = open_run_folder(folder, need_inputs=())
    if run_folder.manifest.get("valuation_date") is None or "totals" not in run_folder.manifest:
        raise InputError([Problem(file=str(folder), expected="expected the output folder of a valuation run")])
    return run_folder.manifest


EXIT_SKIPPED = 3  # batch: the others were valued, but some kommuner were skipped


def _value_batch(source: Path, basis, booked_file: Path | None, target: Path, force: bool,
                 persons_format: str, pseudonyms, table, phases, pseudonym_map: Path | None,
                 strict: bool = False, reading=None) -> None:
    import pandas as pd

    from tjenestemandspension.actuarial.resolve import resolve_assumptions
    from tjenestemandspension.actuarial.batch import read_booked_file, run_batch, shown_kommune
    from tjenestemandspension.actuarial.output import write_batch
    from tjenestemandspension.danish import danish_number, format_kroner

    booked = read_booked_file(booked_file) if booked_file is not None else {}
    with phases("basis"):
        assumptions = resolve_assumptions(basis)
    result = run_batch(source, basis, assumptions, booked, phase=phases, table=table,
                       require_booked=booked_file is not None, pseudonymized=pseudonyms is not None,
                       reading=reading)
    if strict:
        problems = []
        for name, run in result.runs.items():
            try:
                check_strict(run.findings, strict, kommune=shown_kommune(name))
            except InputError as error:
                problems += error.problems
        if problems:
            raise InputError(problems)
    if not result.runs:
        raise InputError([Problem(file=p.file, row=p.row, column=p.column, key=p.key, value=p.value,
                                  show_value=p.show_value, expected=f"{p.expected} [kommune {shown_kommune(name)}]")
                          for name, problems in result.skipped.items() for p in problems])
    with phases("writing"):
        pending = ()
        if pseudonyms is not None and pseudonym_map is not None:
            mapping = pd.concat([pseudonyms.mapping(run.valuation.persons["person_id"]).assign(municipality=name)
                                 for name, run in result.runs.items()], ignore_index=True)
            pending = (_write_pending(pseudonym_map, mapping[["municipality", "person_id", "pseudonym"]]),)
        write_batch(result, basis, target, force=force, persons_format=persons_format, pseudonyms=pseudonyms,
                    pending=pending)
    phases.close()
    lines = [_("Civil-servant pension obligation (9.72.90.001) at {date}: {count} kommuner").format(
                 date=f"{basis.valuation_date:%d-%m-%Y}", count=len(result.runs)), "",
             f"{_('kommune'):<30}{_('persons'):>10}{_('liability (kr.)'):>24}{_('regulation (kr.)'):>22}"]
    for name, run in result.runs.items():
        regulation = "" if run.journal is None else format_kroner(run.journal.regulation)
        persons = danish_number(len(run.register))
        lines.append(f"{shown_kommune(name)[:29]:<30}{persons:>10}{format_kroner(run.valuation.total_liability):>24}{regulation:>22}")
    total = sum(run.valuation.total_liability for run in result.runs.values())
    persons = danish_number(sum(len(run.register) for run in result.runs.values()))
    lines.append(f"{_('total'):<30}{persons:>10}{format_kroner(total):>24}")
    lines += [f"{_(IGNORED_COLUMNS)} ({shown_kommune(name)}): {one_line(run.valuation.ignored_columns)}"
              for name, run in result.runs.items() if run.valuation.ignored_columns]
    lines.append(_("Written to {target}: overview.csv, overview.xlsx, cashflows.csv, manifest.json and a folder per "
                   "kommune ({folders})").format(target=one_line(target),
                                                 folders=one_line(", ".join(result.folders.values()))))
    typer.echo("\n".join(lines))
    for name, run in result.runs.items():
        echo_findings(run.findings, kommune=shown_kommune(name))
    if result.skipped:
        for name, problems in result.skipped.items():
            typer.echo(_("kommune {name} was skipped ({count} problems):").format(name=shown_kommune(name),
                                                                                  count=len(problems)), err=True)
            for problem in problems:
                typer.echo(problem_line(problem), err=True)
    if result.skipped or result.missing_booked:
        raise typer.Exit(EXIT_SKIPPED)


def example(
    folder: Annotated[Path, typer.Argument(help="Where to write the example register and basis.")] = Path("tjp-example"),
    persons: Annotated[int, typer.Option("--persons", min=5, help="Number of persons (a few hundred by default; millions for batch tests).")] = 400,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the generator: the same seed gives the same register.")] = 2024,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing example.")] = False,
    valuation_date: Annotated[str, typer.Option("--valuation-date", help="Month end the register is as of.")] = "2024-12-31",
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress display.")] = False,
) -> None:
    """Write an example register of a fictitious kommune and a basis file to try `tjp value` on."""
    from tjenestemandspension.actuarial.basis_files import load_basis
    from tjenestemandspension.actuarial.synthetic import (
        ILLUSTRATIVE_INCIDENCE_NAME,
        illustrative_incidence_text,
        synthetic_register,
    )
    from tjenestemandspension.actuarial.work_injury.synthetic_cases import synthetic_cases, synthetic_triangle
    from tjenestemandspension.cli.progress import LARGE_EXAMPLE_PERSONS, Phases, progress_wanted
    from tjenestemandspension.textfiles import write_csv

    register_path = folder / "register.csv"
    basis_path = folder / "basis.toml"
    incidence_path = folder / ILLUSTRATIVE_INCIDENCE_NAME  # §9.2's illustrative table, so the feature shows
    existing = [p for p in (register_path, basis_path, incidence_path, folder / EXAMPLE_CASES, folder / EXAMPLE_TRIANGLE)
                if p.exists()]
    if existing and not force:
        raise InputError([Problem(file=str(p), expected="exists already; use --force to overwrite it")
                          for p in existing])
    basis = load_basis(overrides=[f"valuation.date={valuation_date}"])  # checks the date is a month end
    folder.mkdir(parents=True, exist_ok=True)
    incidence_path.write_text(illustrative_incidence_text(), encoding="utf-8")
    basis = basis.with_overrides({"ill_health.incidence_file": str(incidence_path)},
                                 source="ILLUSTRATIVE table of tjp example, not published figures [TJP-EXAMPLE]")
    phases = Phases(enabled=progress_wanted(persons >= LARGE_EXAMPLE_PERSONS, quiet))
    try:
        with phases("generating"):
            frame = synthetic_register(persons, seed=seed, valuation_date=basis.valuation_date)
        with phases("writing") as advance:
            write_csv(frame, register_path, progress=advance)
    finally:
        phases.close()
    cases_path, triangle_path = folder / EXAMPLE_CASES, folder / EXAMPLE_TRIANGLE
    write_csv(synthetic_cases(EXAMPLE_CASE_ROWS, basis.valuation_date, seed=seed,
                              municipality=str(frame["municipality"].iloc[0])), cases_path)
    write_csv(synthetic_triangle(basis.valuation_date.year, seed=seed), triangle_path)
    basis_path.write_text(
        "# The built-in default basis, every value with its provenance (docs/basis.md explains each key).\n"
        "# Edit values here, or override single ones with --set key=value.\n\n"
        + example_basis_text(basis.to_toml()), encoding="utf-8")
    typer.echo(_("Example written: {register} ({count} persons), {cases} ({case_rows} work-injury rows), {triangle}, "
                 "{basis}\nTry: tjp value {register} --basis {basis} --booked={booked} --work-injuries {cases} "
                 "--booked-work-injuries={booked_003} --out {out}").format(
        register=register_path, count=len(frame), cases=cases_path, case_rows=EXAMPLE_CASE_ROWS,
        triangle=triangle_path, basis=basis_path, booked=EXAMPLE_BOOKED, booked_003=EXAMPLE_BOOKED_003,
        out=folder / "resultat"))


def example_basis_text(toml: str) -> str:
    """The example basis: the default, with the chain-ladder IBNR on the example's triangle
    (a path relative to the basis file)."""
    source = 'source = "the example kommune’s claims triangle [TJP-EXAMPLE]"'
    lines = [line for line in toml.splitlines() if not line.startswith("ibnr_method = ")]
    at = lines.index("[work_injury]") + 1
    lines[at:at] = [f'ibnr_method = {{ value = "chainladder", {source} }}',
                    f'triangle_file = {{ value = "{EXAMPLE_TRIANGLE}", {source} }}']
    return "\n".join(lines) + "\n"


def verify(
    folder: Annotated[Path, typer.Argument(help="An output folder of tjp.")],
    rerun: Annotated[bool, typer.Option("--rerun", help="Also recompute the run from the inputs the manifest "
                                        "records and compare every output byte for byte (the proof).")] = False,
    pseudonym_key: Annotated[str | None, typer.Option("--pseudonym-key", envvar="TJP_PSEUDONYM_KEY",
                                                      help="--rerun of a pseudonymized run: its key.")] = None,
) -> None:
    """Confirm that an output folder is complete and unmodified (against its manifest) and
    that its figures agree (journal, totals, per-person results, working paper); with
    --rerun, that it is what tjp computes from the recorded inputs."""
    from tjenestemandspension.actuarial.audit import cross_check_folder, rerun_folder
    from tjenestemandspension.actuarial.rundir import verify_folder

    manifest, checked = verify_folder(folder)
    problems = cross_check_folder(folder, manifest)
    if problems:
        raise InputError(problems)
    typer.echo(_("OK: {folder} is complete and unchanged ({count} files, run {run_id}, {kind} at {date}), and its "
                 "figures agree.").format(
        folder=one_line(folder), count=checked, run_id=manifest["run_id"], kind=manifest.get("kind", "valuation"),
        date=manifest.get("valuation_date", "?")))
    if rerun:
        compared = rerun_folder(folder, pseudonym_key)
        typer.echo(_("OK: the rerun from the recorded inputs gives the same {count} files, byte for byte.").format(
            count=compared))
