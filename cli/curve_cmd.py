"""`tjp curve show` and `tjp curve rebuild`: the discount curve, its parameters and spot rates."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import numpy as np
import typer

from tjenestemandspension.cli.common import report_errors
from tjenestemandspension.curves import DiscountCurve, default_curve, eiopa_discount_curve, read_term_structures
from tjenestemandspension.curves.eiopa import reference_date_from_file_name
from tjenestemandspension.curves.rebuild import METHOD_NAMES, method_for
from tjenestemandspension.errors import InputError

curve_app = typer.Typer(help="EIOPA discount curves.", no_args_is_help=True)

SHOWN_MATURITIES = (1, 2, 5, 10, 15, 20, 30, 40, 50, 60, 80, 100, 150)


def _format_parameters(curve: DiscountCurve) -> list[str]:
    p = curve.parameters
    lines = []
    if "ufr" in p:
        va = p.get("va_bp")
        method = p.get("method") or (method_for(curve.reference_date) if curve.reference_date else None)
        if method:
            made = "rebuilt by the tool" if curve.source == "rebuild" else "as EIOPA publishes it"
            lines.append(f"  method {METHOD_NAMES[method]} ({made})")
        if "fsp" in p:
            weights = ", ".join(f"{t}: {w:g}" for t, w in p["llfr_weights"].items())
            lines.append(f"  coupon frequency {p['coupon_freq']}, first smoothing point {p['fsp']:g} years, "
                         f"LLFR {p['llfr']:.6%} (continuous; weights {weights})")
            lines.append(f"  UFR {p['ufr']:.2%}, alpha {p['alpha']:.6f}, CRA {p['cra_bp']:g} bp")
        else:
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


def _reference(curve: DiscountCurve) -> str:
    if curve.reference_date is None:
        return "-"
    date_source = curve.parameters.get("reference_date_source")
    if date_source:
        return f"{curve.reference_date.isoformat()} (from {date_source})"
    return curve.reference_date.isoformat()


def render_curve(curve: DiscountCurve) -> str:
    currency = curve.parameters.get("currency")
    lines = [
        f"Curve:      {curve.name}" + (f" ({currency})" if currency else ""),
        f"Source:     {curve.provenance.source}",
        *([f"Note:       {curve.provenance.note}"] if curve.provenance.note else []),
        f"Reference:  {_reference(curve)}",
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


def render_comparison(rebuilt: DiscountCurve, published: DiscountCurve) -> str:
    """The rebuilt spots beside the published ones, in basis points."""
    n = min(rebuilt.max_maturity, published.max_maturity)
    difference_bp = (rebuilt.spots[:n] - published.spots[:n]) * 10_000
    lines = [
        f"Compared with {published.name}:",
        f"{'years':>6}  {'rebuilt':>9}  {'published':>9}  {'difference':>10}",
    ]
    for years in SHOWN_MATURITIES:
        if years > n:
            break
        lines.append(f"{years:>6}  {rebuilt.spots[years - 1] * 100:>8.3f}%  {published.spots[years - 1] * 100:>8.3f}%"
                     f"  {difference_bp[years - 1]:>+7.2f} bp")
    worst = int(np.argmax(np.abs(difference_bp)))
    lines.append(f"Largest difference over 1..{n} years: {difference_bp[worst]:+.2f} bp at {worst + 1} years")
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
        named = reference_date_from_file_name(file.name)
        if named is not None and named != curve.reference_date:
            typer.echo(f"note: the file name says {named.isoformat()}, the file itself "
                       f"{curve.reference_date.isoformat()} (from {curve.parameters['reference_date_source']})",
                       err=True)
    typer.echo(render_curve(curve.shifted(shift_bp)))


@curve_app.command("rebuild")
@report_errors
def rebuild_command(
    file: Annotated[Path | None, typer.Option("--file", help="EIOPA_RFR_YYYYMMDD_Term_Structures.xlsx: the parameters, and the published spots to compare with; the built-in default when omitted (unless --par-rates).")] = None,
    qb_file: Annotated[Path | None, typer.Option("--qb-file", help="EIOPA_RFR_YYYYMMDD_Qb_SW.xlsx of the same date: the liquid rates, recovered from its Qb vector.")] = None,
    par_rates: Annotated[Path | None, typer.Option("--par-rates", help="Liquid market rates before CRA (.csv or .xlsx) in the columns of EIOPA's workbook: Maturity, DLT, LLFR Weight, Input Rate.")] = None,
    country: Annotated[str, typer.Option(help="Country name as in row 2 of EIOPA's spot sheet.")] = "Denmark",
    method: Annotated[str, typer.Option(help="auto (EIOPA's at the reference date), smith_wilson or eiopa_2027.")] = "auto",
    alpha_2027: Annotated[float | None, typer.Option("--alpha-2027", help="Convergence speed of the 2027 method (default 0.11).")] = None,
    ufr: Annotated[float | None, typer.Option(help="UFR, annual rate (e.g. 0.033).")] = None,
    llp: Annotated[int | None, typer.Option(help="Last liquid point (Smith-Wilson); the FSP without LLFR weights.")] = None,
    convergence_years: Annotated[int | None, typer.Option("--convergence-years", help="Smith-Wilson's convergence period after the LLP.")] = None,
    cra_bp: Annotated[float | None, typer.Option("--cra-bp", help="Credit risk adjustment deducted from the rates, bp.")] = None,
    coupon_freq: Annotated[int | None, typer.Option("--coupon-freq", help="Coupons a year of the swaps in --par-rates (0: zero rates).")] = None,
    reference_date: Annotated[str | None, typer.Option("--reference-date", help="Reference date of --par-rates without --file (a month end, YYYY-MM-DD); it chooses the method under auto.")] = None,
    shift_bp: Annotated[float, typer.Option("--shift-bp", help="Parallel shift of every spot rate, in basis points.")] = 0.0,
) -> None:
    """Rebuild a curve from its liquid rates (Smith-Wilson or EIOPA's 2027 method) and compare it
    with the published one: for auditors' checks and what-ifs."""
    from tjenestemandspension.actuarial import load_basis
    from tjenestemandspension.actuarial.resolve import resolve_curve

    if reference_date is not None and (file is not None or par_rates is None):
        raise InputError.single("--reference-date applies to --par-rates without --file (EIOPA's file and the "
                                "built-in curve have their own)")
    source = "eiopa" if file is not None else ("par_rates" if par_rates is not None else "builtin")
    curve_settings = {"curve.source": source, "curve.file": file, "curve.country": country,
                      "curve.shift_bp": shift_bp, "valuation.date": reference_date}
    rebuild_settings = {
        "curve.qb_file": qb_file, "curve.par_rates_file": par_rates, "curve.method": method,
        "curve.alpha_2027": alpha_2027, "curve.ufr": ufr, "curve.llp": llp, "curve.convergence_years": convergence_years,
        "curve.cra_bp": cra_bp, "curve.coupon_freq": coupon_freq,
    }

    def basis_of(settings: dict[str, object]):
        return load_basis(overrides={key: str(value) for key, value in settings.items() if value is not None})

    rebuilt = resolve_curve(basis_of({**curve_settings, **rebuild_settings}), force_rebuild=True)
    typer.echo(render_curve(rebuilt))
    if source != "par_rates":
        typer.echo("")
        typer.echo(render_comparison(rebuilt, resolve_curve(basis_of(curve_settings))))
