"""`tjp arbejdsskader`: the work-injury provision (9.72.90.003) on its own."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from typing import TYPE_CHECKING

from tjenestemandspension.errors import InputError, Problem

if TYPE_CHECKING:
    from tjenestemandspension.actuarial.work_injury.injury_run import WorkInjuryRun

# the valuation's modules are imported by the command when it runs (`tjp --help` starts fast)


def default_output_folder(valuation_date) -> Path:
    return Path("tjp-output") / f"{valuation_date.isoformat()}-arbejdsskader"


def render_work_injury_summary(run: WorkInjuryRun) -> list[str]:
    from tjenestemandspension.actuarial.work_injury.cases import BENEFIT_DANISH, BENEFIT_NAMES
    from tjenestemandspension.danish import danish_number, format_kroner

    valuation = run.valuation
    totals = valuation.totals_by("benefit")
    date = valuation.valuation_date.strftime("%d-%m-%Y")
    lines = [f"Arbejdsskadeforpligtelse (9.72.90.003) pr. {date}   kørsel {run.run_id}", "",
             f"{'ydelse':<24}{'rækker':>8}{'forpligtelse (kr.)':>24}"]
    labels = [*zip(BENEFIT_NAMES, BENEFIT_DANISH), ("ibnr", "IBNR"), ("total", "i alt")]
    for key, danish in labels:
        if key in totals.index:
            rows = danish_number(int(totals.loc[key, "rows"])) if key != "ibnr" else ""
            lines.append(f"{danish:<24}{rows:>8}{format_kroner(totals.loc[key, 'liability']):>24}")
    lines += ["", valuation.ibnr.note]
    if valuation.n_ended:
        lines.append(f"{danish_number(valuation.n_ended)} ydelse(r) er ophørt og indgår med 0 kr.")
    journal = run.journal
    if journal is None:
        lines.append("Journalen er ikke skrevet: angiv den bogførte saldo på 9.72.90.003 (en kredit, altså negativ).")
    else:
        lines += [f"{'bogført saldo 9.72.90.003':<32}{format_kroner(journal.booked):>24}",
                  f"{'regulering (' + journal.kind + ')':<32}{format_kroner(journal.regulation):>24}", journal.note]
    return lines


def arbejdsskader(
    cases: Annotated[Path, typer.Argument(help="The case register: .csv, .xlsx or .parquet.")],
    booked: Annotated[str | None, typer.Option("--booked", help="The balance of 9.72.90.003 in the ledger: a "
                                               "credit, so negative (e.g. --booked=-1234567,89).")] = None,
    basis: Annotated[Path | None, typer.Option("--basis", help="A basis file (TOML); the built-in default when omitted.")] = None,
    settings: Annotated[list[str] | None, typer.Option("--set", metavar="KEY=VALUE", help="Override one basis value, e.g. --set work_injury.regulation_rate=0.025 (repeatable).")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Output folder; ./tjp-output/<valuation date>-arbejdsskader when omitted.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing, non-empty output folder.")] = False,
    booked_file: Annotated[Path | None, typer.Option("--booked-file", help="A case register of several kommuner: "
                                                     "the booked balance of each, a CSV with municipality;booked.")] = None,
    prior: Annotated[Path | None, typer.Option("--prior", help="Last year's tjp arbejdsskader output folder: adds "
                                               "the ændringsanalyse from its provision to this one.")] = None,
) -> None:
    """Value the work-injury provision (arbejdsskader, 9.72.90.003) and write its journal,
    the per-case results (arbejdsskader.csv), totals, expected payments, sensitivities, the
    working paper (arbejdsskader.xlsx) and a manifest. A register naming several kommuner
    (`municipality`) is valued per kommune, with --booked-file."""
    from tjenestemandspension.actuarial.basis_files import load_basis
    from tjenestemandspension.actuarial.batch import read_booked_file
    from tjenestemandspension.actuarial.journal import parse_booked
    from tjenestemandspension.actuarial.output import check_output_folder
    from tjenestemandspension.actuarial.work_injury.injury_run import (
        municipalities,
        run_work_injuries,
        run_work_injury_batch,
        with_analysis,
        write_work_injury_batch,
        write_work_injury_run,
    )
    from tjenestemandspension.danish import danish_number, format_kroner

    if (booked is None) == (booked_file is None):
        raise InputError([Problem(file="--booked", expected="expected --booked (one kommune) or --booked-file "
                                                            "(municipality;booked, several kommuner)")])
    resolved = load_basis(basis, settings or [])
    target = out if out is not None else default_output_folder(resolved.valuation_date)
    check_output_folder(target, force)
    if booked_file is not None:
        runs = run_work_injury_batch(cases, resolved, read_booked_file(booked_file, grouping="003"))
        files = write_work_injury_batch(runs, resolved, target, force=force)
        lines = [f"Arbejdsskadeforpligtelse (9.72.90.003) pr. {resolved.valuation_date:%d-%m-%Y}: {len(runs)} kommuner",
                 "", f"{'kommune':<30}{'rækker':>8}{'forpligtelse (kr.)':>24}{'regulering (kr.)':>22}"]
        for name, run in runs.items():
            lines.append(f"{(name or '(uden kommune)')[:29]:<30}{danish_number(len(run.cases)):>8}"
                         f"{format_kroner(run.valuation.total_liability):>24}"
                         f"{format_kroner(run.journal.regulation):>22}")
        typer.echo("\n".join(lines + ["", f"Skrevet til {target}: {', '.join(files)}"]))
        return
    booked_amount = parse_booked(booked, "--booked", grouping="003")
    run = run_work_injuries(cases, resolved, booked_amount)
    if prior is not None:
        run = with_analysis(run, prior)
    if len(municipalities(run.cases)) > 1:
        raise InputError([Problem(file=str(cases), column="municipality", expected=(
            "names several kommuner: give each kommune's booked balance with --booked-file (municipality;booked)"))])
    files = write_work_injury_run(run, target, force=force)
    typer.echo("\n".join(render_work_injury_summary(run) + ["", f"Skrevet til {target}: {', '.join(files)}"]))
