"""`tjp mortality show`: the mortality benchmark and the life expectancies it implies."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tjenestemandspension.cli.common import report_errors
from tjenestemandspension.mortality import SEX_MEN, SEX_WOMEN, MortalityBasis, default_mortality_basis, load_mortality_basis

mortality_app = typer.Typer(help="Finanstilsynet's mortality benchmark.", no_args_is_help=True)

SHOWN_AGES = (60, 62, 65, 67, 80)


def life_expectancy_rows(basis: MortalityBasis, calendar_year: int,
                         ages: tuple[int, ...] = SHOWN_AGES) -> list[tuple[int, float, float, float, float]]:
    """(age, men period, men cohort, women period, women cohort) for each age."""
    return [
        (age,
         basis.life_expectancy(SEX_MEN, age, calendar_year, cohort=False),
         basis.life_expectancy(SEX_MEN, age, calendar_year, cohort=True),
         basis.life_expectancy(SEX_WOMEN, age, calendar_year, cohort=False),
         basis.life_expectancy(SEX_WOMEN, age, calendar_year, cohort=True))
        for age in ages
    ]


def _source_lines(basis: MortalityBasis) -> list[str]:
    lines = []
    shown_notes = set()
    for label, table in (("Mortality:", basis.mortality), ("Improvement:", basis.improvement)):
        if table.source_file is not None:
            lines.append(f"{label:<13}{table.source_file}")
            continue
        provenance = table.provenance
        # the built-in tables share one provenance: say it once
        if provenance.describe() in shown_notes:
            continue
        shown_notes.add(provenance.describe())
        published = f", published {provenance.date}" if provenance.date else ""
        lines.append(f"{'Source:':<13}{provenance.source}{published}")
        if provenance.note:
            lines.append(f"{'Note:':<13}{provenance.note}")
    return lines


def render_life_expectancy(basis: MortalityBasis, calendar_year: int) -> str:
    betas = basis.adjustment_betas
    lines = [
        f"Benchmark:   {basis.describe()['name']}, benchmark year Y0 = {basis.benchmark_year}",
        *_source_lines(basis),
        f"Factors:     men {basis.factor_men:g}, women {basis.factor_women:g}; improvements "
        f"{'on' if basis.improvements else 'off'}; company adjustment "
        f"{'none' if betas is None else 'betas ' + ', '.join(f'{b:g}' for b in betas)}",
        "",
        f"Complete expectation of life in years, calendar year {calendar_year}:",
        f"  period: {calendar_year}'s intensities at every age, constant within each year of age",
        f"  cohort: aged exactly x on {calendar_year - 1}-12-31, intensities month by month as in "
        "docs/specification.md §5",
        "",
        f"{'age':>4}  {'men period':>11}  {'men cohort':>11}  {'women period':>13}  {'women cohort':>13}",
    ]
    for age, men_period, men_cohort, women_period, women_cohort in life_expectancy_rows(basis, calendar_year):
        lines.append(f"{age:>4}  {men_period:>11.3f}  {men_cohort:>11.3f}  {women_period:>13.3f}  "
                     f"{women_cohort:>13.3f}")
    return "\n".join(lines)


@mortality_app.command("show")
@report_errors
def show(
    year: Annotated[int | None, typer.Option(
        "--year", help="Calendar year of the life expectancies; the benchmark year when omitted.",
        min=1900, max=2200)] = None,
    files: Annotated[tuple[Path, Path] | None, typer.Option(
        "--files", metavar="MORT IMPR",
        help="Finanstilsynet's Benchmark_doedelighed<YYYY> and Benchmark_levetidsforbedringer<YYYY> "
             "(csv, xlsx or xls), in that order; the built-in 2024 benchmark when omitted.")] = None,
    benchmark_year: Annotated[int | None, typer.Option(
        "--benchmark-year", help="Benchmark year Y0 of --files; taken from the mortality file's name "
                                 "when omitted.", min=1900, max=2200)] = None,
    no_improvements: Annotated[bool, typer.Option(
        "--no-improvements", help="Switch the longevity improvements off (R = 0).")] = False,
    factor_men: Annotated[float, typer.Option("--factor-men", help="Factor on men's intensities.", min=0.0)] = 1.0,
    factor_women: Annotated[float, typer.Option("--factor-women", help="Factor on women's intensities.",
                                                min=0.0)] = 1.0,
) -> None:
    """Print the benchmark and remaining lifetimes at 60, 62, 65, 67 and 80, period and cohort."""
    if files is None:
        if benchmark_year is not None:
            typer.echo("note: --benchmark-year applies to --files; the built-in benchmark is 2024's", err=True)
        basis = default_mortality_basis()
    else:
        basis = load_mortality_basis(files[0], files[1], benchmark_year=benchmark_year)
    basis = basis.with_changes(improvements=not no_improvements, factor_men=factor_men, factor_women=factor_women)
    typer.echo(render_life_expectancy(basis, basis.benchmark_year if year is None else year))
