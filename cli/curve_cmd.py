"""`tjp curve show`: the discount curve, its parameters and spot rates."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tjenestemandspension.cli.common import report_errors
from tjenestemandspension.curves import DiscountCurve, default_curve, eiopa_discount_curve, read_term_structures

curve_app = typer.Typer(help="EIOPA discount curves.", no_args_is_help=True)

SHOWN_MATURITIES = (1, 2, 5, 10, 15, 20, 30, 40, 50, 60, 80, 100, 150)


def _format_parameters(curve: DiscountCurve) -> list[str]:
    p = curve.parameters
    lines = []
    if "ufr" in p:
        va = p.get("va_bp")
        lines.append(
            f"  coupon frequency {p['coupon_freq']}, LLP {p['llp']} years, convergence "
            f"{p['convergence_years']} years after the LLP"
        )
        lines.append(
            f"  UFR {p['ufr']:.2%}, alpha {p['alpha']:.6f}, CRA {p['cra_bp']:g} bp, "
            f"VA {'-' if va is None else f'{va:g} bp'}"
        )
    elif "rate" in p:
        lines.append(f"  flat rate {p['rate']:.4%}")
    return lines


def render_curve(curve: DiscountCurve) -> str:
    lines = [
        f"Curve:      {curve.name}",
        f"Source:     {curve.provenance.source}",
        *([f"Note:       {curve.provenance.note}"] if curve.provenance.note else []),
        f"Reference:  {curve.reference_date.isoformat() if curve.reference_date else '-'}",
        f"Shift:      {curve.shift_bp:+g} bp",
        "Parameters:",
        *_format_parameters(curve),
        "",
        f"{'years':>6}  {'spot rate':>10}  {'discount factor':>16}",
    ]
    for years in SHOWN_MATURITIES:
        if years > curve.max_maturity:
            break
        rate = curve.spots[years - 1]
        lines.append(f"{years:>6}  {rate * 100:>9.3f}%  {float(curve.discount(years)):>16.8f}")
    return "\n".join(lines)


@curve_app.command("show")
@report_errors
def show(
    file: Annotated[Path | None, typer.Option("--file", help="EIOPA_RFR_YYYYMMDD_Term_Structures.xlsx; the built-in default when omitted.")] = None,
    country: Annotated[str, typer.Option(help="Country name as in row 2 of EIOPA's spot sheet.")] = "Denmark",
    with_va: Annotated[bool, typer.Option("--with-va", help="The curve with volatility adjustment (not the prescribed one).")] = False,
    shift_bp: Annotated[float, typer.Option("--shift-bp", help="Parallel shift of every spot rate, in basis points.")] = 0.0,
) -> None:
    """Print the curve's parameters and its spot rates at 1..150 years."""
    if file is None:
        if country.strip().casefold() != "denmark":
            typer.echo("note: the built-in default is Denmark; --country applies to --file", err=True)
        curve = default_curve(with_va)
    else:
        curve = eiopa_discount_curve(read_term_structures(file, country, with_va))
    typer.echo(render_curve(curve.shifted(shift_bp)))
