"""`tjp value` (the main job) and `tjp example` (a register to try it on)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Annotated

import typer

from actuarial.basis import load_basis
from actuarial.journal import format_kroner, parse_booked
from actuarial.output import check_output_folder, write_csv, write_run
from actuarial.register import STATUS_DANISH, STATUS_NAMES
from actuarial.run import Run, run_valuation
from actuarial.synthetic import synthetic_register
from cli.common import report_errors
from cli.progress import LARGE_REGISTER_BYTES, Phases
from tjenestemandspension.errors import InputError, Problem

EXAMPLE_BOOKED = "-950000000"  # the example kommune's fictitious ledger balance of 9.72.90.001


def default_output_folder(valuation_date) -> Path:
    return Path("tjp-output") / valuation_date.isoformat()


def render_summary(run: Run, target: Path, files: list[str]) -> str:
    valuation = run.valuation
    totals = valuation.totals_by("status")
    date = valuation.valuation_date.strftime("%d-%m-%Y")
    lines = [f"Tjenestemandspensionsforpligtelse (9.72.90.001) pr. {date}   kørsel {run.run_id}", "",
             f"{'status':<14}{'personer':>10}{'forpligtelse (kr.)':>24}"]
    for status, danish in [*zip(STATUS_NAMES, STATUS_DANISH), ("total", "i alt")]:
        if status in totals.index:
            persons = f"{int(totals.loc[status, 'persons']):,}".replace(",", ".")
            lines.append(f"{danish:<14}{persons:>10}{format_kroner(totals.loc[status, 'liability']):>24}")
    lines.append("")
    journal = run.journal
    if journal is None:
        lines.append("Journalen er ikke skrevet: angiv den bogførte saldo på 9.72.90.001 med --booked "
                     "(en kredit, altså negativ, fx --booked=-123456789,50).")
    else:
        lines.append(f"{'bogført saldo 9.72.90.001':<30}{format_kroner(journal.booked):>24}")
        lines.append(f"{'regulering (' + journal.kind + ')':<30}{format_kroner(journal.regulation):>24}")
        lines.append(journal.note)
    lines.append("")
    lines.append(f"Skrevet til {target}: {', '.join(files)}")
    return "\n".join(lines)


def value(
    register: Annotated[Path, typer.Argument(help="The member register: .csv, .xlsx or .parquet.")],
    basis: Annotated[Path | None, typer.Option("--basis", help="A basis file (TOML); the built-in default when omitted.")] = None,
    settings: Annotated[list[str] | None, typer.Option("--set", metavar="KEY=VALUE", help="Override one basis value, e.g. --set inflation.rate=0.025 (repeatable).")] = None,
    booked: Annotated[str | None, typer.Option("--booked", help="The balance of 9.72.90.001 in the ledger: a credit, so negative (e.g. --booked=-1234567,89). Without it no journal is written.")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Output folder; ./tjp-output/<valuation date> when omitted.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing, non-empty output folder.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress display.")] = False,
) -> None:
    """Value the register and write the journal, the per-person results, the cash flows,
    the working paper (valuation.xlsx) and a manifest."""
    booked_amount: Decimal | None = parse_booked(booked) if booked is not None else None
    resolved = load_basis(basis, settings or [])
    target = out if out is not None else default_output_folder(resolved.valuation_date)
    check_output_folder(target, force)  # before any work: never overwrite silently
    large = register.is_file() and register.stat().st_size > LARGE_REGISTER_BYTES
    phases = Phases(enabled=large and not quiet)
    try:
        run = run_valuation(register, basis=resolved, booked=booked_amount, phase=phases)
        with phases("writing"):
            files = write_run(run, target, force=force)
    finally:
        phases.close()
    typer.echo(render_summary(run, target, files))


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
    typer.echo(f"Eksempel skrevet: {register_path} ({len(frame)} personer), {basis_path}\n"
               f"Prøv: tjp value {register_path} --basis {basis_path} --booked={EXAMPLE_BOOKED} "
               f"--out {folder / 'resultat'}")
