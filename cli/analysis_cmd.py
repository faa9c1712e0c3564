"""Auditors and the years between: `tjp analyse`, `rollforward`, `sensitivities`, `compare`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

# the valuation's modules are imported by the commands (`tjp --help` starts fast)
from tjenestemandspension.cli.common import FORCE_FOREIGN_HELP
from tjenestemandspension.errors import InputError, Problem

PriorOption = Annotated[Path, typer.Option("--prior", help="The output folder of the prior run (verified against "
                                                           "its manifest).")]
BasisOption = Annotated[Path | None, typer.Option("--basis", help="A basis file (TOML).")]
SetOption = Annotated[list[str] | None, typer.Option("--set", metavar="KEY=VALUE", help="Override one basis value.")]
OutOption = Annotated[Path | None, typer.Option("--out", help="Output folder.")]
ForceOption = Annotated[bool, typer.Option("--force", help="Replace an existing output folder of a tjp run.")]
ForceForeignOption = Annotated[bool, typer.Option("--force-foreign", help=FORCE_FOREIGN_HELP)]
BookedOption = Annotated[str | None, typer.Option("--booked", help="The balance of 9.72.90.001 in the ledger "
                                                                   "(negative); writes the journal.")]


def _date(text: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InputError([Problem(file=option, value=text, expected="expected a date YYYY-MM-DD")]) from None


def _shown(value: object) -> str:
    return "(ikke sat)" if value is None or (isinstance(value, float) and value != value) else str(value)


def analyse(
    prior: PriorOption,
    register: Annotated[Path, typer.Option("--register", help="The register at the new valuation date.")],
    basis: BasisOption = None,
    settings: SetOption = None,
    booked: BookedOption = None,
    order: Annotated[str | None, typer.Option("--order", help="Order of the assumption steps (a), e.g. "
                                                              "curve,mortality,improvements,inflation,other.")] = None,
    out: OutOption = None,
    force: ForceOption = False,
    force_foreign: ForceForeignOption = False,
) -> None:
    """Ændringsanalyse: explain the move from the prior liability to the new one, step by step."""
    from tjenestemandspension.actuarial.analysis import parse_order
    from tjenestemandspension.actuarial.basis_files import load_basis
    from tjenestemandspension.actuarial.journal import parse_booked
    from tjenestemandspension.actuarial.output import analysis_manifest, check_output_folder, write_run
    from tjenestemandspension.actuarial.rundir import open_run_folder
    from tjenestemandspension.actuarial.run import input_paths, run_analysis
    from tjenestemandspension.cli.value_cmd import render_summary
    from tjenestemandspension.danish import format_kroner

    groups = parse_order(order)
    booked_amount = parse_booked(booked) if booked is not None else None
    prior_run = open_run_folder(prior, need_inputs=None)
    new_basis = load_basis(basis, settings or [])
    target = out if out is not None else Path("tjp-output") / f"{new_basis.valuation_date.isoformat()}-analyse"
    protected = (prior, register, *(path for _, path in input_paths(new_basis)))
    check_output_folder(target, force, protected=protected, force_foreign=force_foreign)
    run, analysis = run_analysis(prior_run, register, new_basis, booked_amount, groups)
    files = write_run(run, target, force=force, kind="analysis", analysis=analysis,
                      extra_manifest=analysis_manifest(analysis, prior_run.run_id))
    lines = [f"Ændringsanalyse {analysis.prior_date:%d-%m-%Y} → {analysis.new_date:%d-%m-%Y}", ""]
    for step in analysis.steps:
        amount = step.liability if step.category in ("primo", "ultimo") else step.amount
        lines.append(f"{step.description[:78]:<80}{format_kroner(amount):>22}")
    lines += ["", f"Udgift i det udgiftsbaserede driftsregnskab (c): {format_kroner(analysis.operating_expense)} kr.",
              f"Difference: {format_kroner(analysis.residual)} kr.", "", render_summary(run, target, files)]
    typer.echo("\n".join(lines))


def rollforward(
    prior: PriorOption,
    to: Annotated[str, typer.Option("--to", help="The new balance date (a month end), YYYY-MM-DD.")],
    payments: Annotated[str, typer.Option("--payments", help="Pensions paid in the period (6.52.72), kroner.")],
    booked: Annotated[str, typer.Option("--booked", help="The balance of 9.72.90.001 in the ledger (negative).")],
    accrual: Annotated[str | None, typer.Option("--accrual", help="Pension earned in the period, kroner.")] = None,
    accrual_rate: Annotated[float | None, typer.Option("--accrual-rate", help="Accrual as a rate of the "
                                                                              "pensionable salaries.")] = None,
    salaries: Annotated[str | None, typer.Option("--salaries", help="Pensionable salaries of the period.")] = None,
    out: OutOption = None,
    force: ForceOption = False,
    force_foreign: ForceForeignOption = False,
) -> None:
    """The yearly update between actuarial recalculations: interest, accrual, payments."""
    from tjenestemandspension.actuarial.journal import parse_booked
    from tjenestemandspension.actuarial.output import check_output_folder, write_rollforward
    from tjenestemandspension.actuarial.rundir import open_run_folder
    from tjenestemandspension.actuarial.run import run_rollforward
    from tjenestemandspension.danish import format_kroner, parse_amount

    to_date = _date(to, "--to")
    booked_amount = parse_booked(booked)
    prior_run = open_run_folder(prior, need_inputs=("curve",))
    target = out if out is not None else Path("tjp-output") / f"{to_date.isoformat()}-fremskrivning"
    check_output_folder(target, force, protected=(prior,), force_foreign=force_foreign)
    run = run_rollforward(prior_run, to_date, parse_amount(payments, "--payments"), booked_amount,
                          accrual=None if accrual is None else parse_amount(accrual, "--accrual"),
                          accrual_rate=accrual_rate,
                          salaries=None if salaries is None else parse_amount(salaries, "--salaries"))
    result, journal = run.rollforward, run.journal
    files = write_rollforward(result, journal, run.basis_text, run.run_id, target, force=force)
    lines = [f"Fremskrivning af 9.72.90.001 til {to_date:%d-%m-%Y} (ikke aktuarmæssig genberegning)",
             f"Seneste aktuarmæssige genberegning: {result.last_recalculation:%d-%m-%Y}", ""]
    lines += [f"{label[:70]:<72}{format_kroner(amount):>22}" for label, amount in result.lines()]
    lines += ["", journal.note]
    if result.recalculation_due:
        lines.append("Bemærk: forpligtelsen skal genberegnes aktuarmæssigt mindst hvert 5. år; det er nu påkrævet.")
    lines.append(f"Skrevet til {target}: {', '.join(files)}")
    typer.echo("\n".join(lines))


def sensitivities(
    register: Annotated[Path, typer.Argument(help="The member register.")],
    basis: BasisOption = None,
    settings: SetOption = None,
    scenarios: Annotated[Path | None, typer.Option("--scenarios", help="TOML file of own scenarios "
                                                                       "([scenario.\"name\"] \"key\" = value).")] = None,
    out: OutOption = None,
    force: ForceOption = False,
    force_foreign: ForceForeignOption = False,
) -> None:
    """The liability under the standard alternative assumptions (and own scenarios)."""
    from tjenestemandspension.actuarial.basis_files import load_basis, load_scenarios
    from tjenestemandspension.actuarial.output import check_output_folder, sensitivities_manifest, write_run
    from tjenestemandspension.actuarial.run import input_paths, run_sensitivity_analysis, scenario_bases
    from tjenestemandspension.actuarial.sensitivities import standard_scenarios
    from tjenestemandspension.danish import danish_number, danish_percent, format_kroner

    resolved = load_basis(basis, settings or [])
    chosen = standard_scenarios(resolved) + (load_scenarios(scenarios) if scenarios is not None else [])
    scenario_bases(resolved, chosen)  # every override is checked before anything is valued
    target = out if out is not None else Path("tjp-output") / f"{resolved.valuation_date.isoformat()}-foelsomheder"
    protected = (register, *(path for _, path in input_paths(resolved)), *([scenarios] if scenarios else []))
    check_output_folder(target, force, protected=protected, force_foreign=force_foreign)
    run, result = run_sensitivity_analysis(register, resolved, chosen)
    files = write_run(run, target, force=force, kind="sensitivities", sensitivities=result,
                      extra_manifest=sensitivities_manifest(result))
    lines = [f"Følsomheder pr. {resolved.valuation_date:%d-%m-%Y}", "",
             f"{'scenarie':<34}{'forpligtelse (kr.)':>24}{'ændring (kr.)':>22}{'ændring':>10}",
             f"{'Grundlag':<34}{format_kroner(result.base_liability):>24}"]
    for r in result.results:
        name = r.scenario.name + (" (egen)" if r.scenario.user_defined else "")
        percent = danish_percent(r.change_percent, sign=True)
        lines.append(f"{name:<34}{format_kroner(r.liability):>24}{format_kroner(r.change):>22}{percent:>10}")
    lines.append("")
    for bp, years in sorted(result.durations.items()):
        lines.append(f"Varighed (effektiv) ud fra ±{bp} bp: {danish_number(years, 2)} år")
    lines.append(f"Skrevet til {target}: {', '.join(files)}")
    typer.echo("\n".join(lines))


def compare(
    first: Annotated[Path, typer.Argument(help="Output folder of run A.")],
    second: Annotated[Path, typer.Argument(help="Output folder of run B.")],
    top: Annotated[int, typer.Option("--top", min=1, help="How many persons to show.")] = 20,
    out: OutOption = None,
    force: ForceOption = False,
    force_foreign: ForceForeignOption = False,
) -> None:
    """What differs between two runs: basis, totals by status, the persons who moved most."""
    from tjenestemandspension.actuarial.compare import compare_runs
    from tjenestemandspension.actuarial.output import check_output_folder, output_folder, write_comparison_files
    from tjenestemandspension.actuarial.rundir import open_run_folder
    from tjenestemandspension.actuarial.run import compared_run
    from tjenestemandspension.danish import format_kroner

    run_a, run_b = open_run_folder(first), open_run_folder(second)
    result = compare_runs(compared_run(run_a), compared_run(run_b), top=top)
    lines = [f"A: {first} (kørsel {run_a.run_id}, {run_a.manifest['valuation_date']})",
             f"B: {second} (kørsel {run_b.run_id}, {run_b.manifest['valuation_date']})", "",
             "Forudsætninger, der er forskellige:"]
    if result.basis.empty:
        lines.append("  ingen")
    for _, row in result.basis.iterrows():
        lines.append(f"  {row['key']}: {_shown(row['a'])} → {_shown(row['b'])}")
    lines += ["", f"{'status':<12}{'personer A':>11}{'personer B':>11}{'forpligtelse A':>22}{'forpligtelse B':>22}"
                  f"{'ændring':>20}"]
    for _, row in result.totals.iterrows():
        lines.append(f"{row['status']:<12}{row['persons_a']:>11}{row['persons_b']:>11}"
                     f"{format_kroner(row['liability_a']):>22}{format_kroner(row['liability_b']):>22}"
                     f"{format_kroner(row['change']):>20}")
    lines += ["", f"De {len(result.persons)} personer, hvis forpligtelse ændrede sig mest:"]
    for _, row in result.persons.iterrows():
        lines.append(f"  {row['person_id']:<14}{format_kroner(row['change']):>20}  {row['reason']}")
    lines += [f"Note: {note}" for note in result.notes]
    if out is not None:
        check_output_folder(out, force, protected=(first, second), force_foreign=force_foreign)
        with output_folder(out, force) as folder:
            write_comparison_files(result, folder)
        lines.append(f"Skrevet til {out}")
    typer.echo("\n".join(lines))
