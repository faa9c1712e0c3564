"""Rebuilding a curve from its liquid rates, by either of EIOPA's methods.

A valuation uses EIOPA's published spots as they stand (`curve.source = eiopa`). A rebuild
recomputes a curve from the rates EIOPA calibrates to, for an auditor who checks a
published curve, and for what-ifs: last year's curve on the 2027 method, another UFR, the
par rates of a day EIOPA did not publish. The liquid rates come either from EIOPA's
published pair of workbooks (the Qb vector gives back the par swaps it was calibrated to,
see `smith_wilson.liquid_swaps`) or from a file of par rates laid out as the input columns
of EIOPA's workbook for the 2027 method (`Maturity`, `DLT`, `LLFR Weight`, `Input Rate`).

The method follows the reference date unless chosen: Smith-Wilson up to 31 December 2026,
EIOPA's 2027 method from 31 January 2027 (`method_for`). The spots are rounded to 5
decimals as EIOPA publishes them.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from tjenestemandspension.rounding import round_as_published
from tjenestemandspension.textfiles import decode_text, sniff_separator
from tjenestemandspension.curves.curve import PUBLISHED_DECIMALS, DiscountCurve
from tjenestemandspension.curves.eiopa import EiopaTermStructure
from tjenestemandspension.curves.eiopa_2027 import ALPHA, FIRST_REFERENCE_DATE, fit_eiopa_2027
from tjenestemandspension.curves.smith_wilson import (
    SmithWilsonCurve,
    convergence_point,
    fit_eiopa_swaps,
    fit_eiopa_zero,
    liquid_swaps,
    liquid_zero_rates,
)
from tjenestemandspension.errors import InputError, Problem
from tjenestemandspension.provenance import Provenance

METHOD_AUTO = "auto"
METHOD_SMITH_WILSON = "smith_wilson"
METHOD_2027 = "eiopa_2027"
METHODS = (METHOD_AUTO, METHOD_SMITH_WILSON, METHOD_2027)
METHOD_NAMES = {METHOD_SMITH_WILSON: "Smith-Wilson", METHOD_2027: "EIOPA's 2027 method"}
_METHOD_IN_NAME = {METHOD_SMITH_WILSON: "Smith-Wilson", METHOD_2027: "EIOPA 2027-metode"}  # Danish, as curve names
MATURITIES = 150
MAX_RATE = 0.5  # a larger "rate" is a percentage typed as a number


def method_for(reference_date: dt.date) -> str:
    """The method EIOPA uses for a curve of this reference date."""
    return METHOD_2027 if reference_date >= FIRST_REFERENCE_DATE else METHOD_SMITH_WILSON


@dataclass(frozen=True)
class LiquidRates:
    """The rates a curve is built from, net of the CRA."""

    maturities: np.ndarray
    rates: np.ndarray
    coupon_freq: int  # coupons a year of par swaps; 0: the rates are annual zero rates
    source: str  # where they come from, for the provenance
    file: str | None = None  # the file they were read from, for messages
    llfr_weights: Mapping[float, float] | None = None  # for the 2027 method; None: the FSP's alone


@dataclass(frozen=True)
class CurveParameters:
    """The currency's parameters of a rebuild."""

    reference_date: dt.date
    ufr: float
    llp: int  # Smith-Wilson's last liquid point; the 2027 method's FSP when no weights are given
    cra_bp: float
    convergence_years: int | None = None  # None: EIOPA's general rule, to max(LLP + 40, 60)
    country: str = ""
    code: str = ""

    @classmethod
    def from_eiopa(cls, term_structure: EiopaTermStructure) -> "CurveParameters":
        p = term_structure.parameters
        return cls(reference_date=term_structure.reference_date, ufr=p.ufr, llp=p.llp, cra_bp=p.cra_bp,
                   convergence_years=p.convergence_years, country=term_structure.country,
                   code=term_structure.code)


@dataclass(frozen=True)
class Overrides:
    """What-if parameters that replace a curve's own; any of them makes the tool rebuild."""

    ufr: float | None = None
    llp: int | None = None
    cra_bp: float | None = None
    convergence_years: int | None = None

    def any(self) -> bool:
        return any(v is not None for v in (self.ufr, self.llp, self.cra_bp, self.convergence_years))


def needs_rebuild(reference_date: dt.date, method: str, overrides: Overrides) -> bool:
    """A published curve stands as published unless another method or parameter is asked for."""
    return overrides.any() or method not in (METHOD_AUTO, method_for(reference_date))


def apply_overrides(rates: LiquidRates, parameters: CurveParameters,
                    overrides: Overrides) -> tuple[LiquidRates, CurveParameters]:
    """The inputs with the what-if parameters in place; another CRA moves every net rate."""
    if overrides.cra_bp is not None and overrides.cra_bp != parameters.cra_bp:
        moved = rates.rates + (parameters.cra_bp - overrides.cra_bp) / 10_000.0
        rates = replace(rates, rates=moved, source=f"{rates.source}, CRA {overrides.cra_bp:g} bp instead")
    changes = {name: value for name, value in vars(overrides).items() if value is not None}
    if "llp" in changes and overrides.convergence_years is None and parameters.convergence_years is not None:
        # the convergence point stays where it was unless the period is set too
        changes["convergence_years"] = max(1, parameters.llp + parameters.convergence_years - overrides.llp)
    return rates, replace(parameters, **changes)


def rates_from_eiopa(term_structure: EiopaTermStructure, u: np.ndarray, qb: np.ndarray,
                     qb_file: str | Path) -> LiquidRates:
    """The rates behind a published no-VA curve, from its Qb vector (net of CRA, as calibrated)."""
    p = term_structure.parameters
    published = SmithWilsonCurve(ufr=p.ufr, alpha=p.alpha, u=np.asarray(u, float), qb=np.asarray(qb, float))
    where = f"{Path(qb_file).name}, {term_structure.code_prefix}"
    try:
        if p.coupon_freq == 0:
            maturities, rates = liquid_zero_rates(published)
            what = "zero rates"
        else:
            maturities, rates = liquid_swaps(published, p.coupon_freq)
            what = "par swap rates"
    except ValueError as error:
        raise InputError.single(f"the liquid rates cannot be recovered from the Qb vector: {error}",
                                file=str(qb_file)) from None
    return LiquidRates(maturities=maturities, rates=rates, coupon_freq=p.coupon_freq,
                       source=f"{what} net of CRA recovered from EIOPA's Qb vector ({where})", file=str(qb_file))


def rebuild(rates: LiquidRates, parameters: CurveParameters, method: str = METHOD_AUTO,
            alpha_2027: float = ALPHA) -> DiscountCurve:
    """The curve rebuilt from its liquid rates, as a `DiscountCurve` with EIOPA's 5-decimal spots."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, not {method!r}")
    chosen = method_for(parameters.reference_date) if method == METHOD_AUTO else method
    years = np.arange(1, MATURITIES + 1)
    described: dict[str, object] = {
        "country": parameters.country, "code": parameters.code, "with_va": False, "method": chosen,
        "coupon_freq": rates.coupon_freq, "ufr": parameters.ufr, "cra_bp": parameters.cra_bp, "va_bp": None,
    }
    try:
        if chosen == METHOD_SMITH_WILSON:
            fitted = _smith_wilson(rates, parameters)
            described.update(llp=parameters.llp, convergence_years=convergence_point(
                parameters.llp, parameters.convergence_years) - parameters.llp, alpha=fitted.alpha)
        else:
            weights = rates.llfr_weights or {float(parameters.llp): 1.0}
            fitted = fit_eiopa_2027(rates.maturities, rates.rates, parameters.ufr, rates.coupon_freq,
                                    weights, alpha_2027)
            described.update(fsp=fitted.fsp, llfr=fitted.llfr, alpha=fitted.alpha,
                             llfr_weights={f"{t:g}": w for t, w in weights.items()})
    except ValueError as error:
        raise InputError.single(f"the curve cannot be rebuilt by {METHOD_NAMES[chosen]}: {error}",
                                file=rates.file) from None
    label = f"{parameters.country} " if parameters.country else ""
    return DiscountCurve(
        spots=round_as_published(fitted.spot(years), PUBLISHED_DECIMALS),
        name=f"Genberegnet RFR {parameters.reference_date.isoformat()} {label}uden VA, {_METHOD_IN_NAME[chosen]}",
        source="rebuild",
        provenance=Provenance(
            source=f"rebuilt by {METHOD_NAMES[chosen]} from {rates.source}",
            date=parameters.reference_date.isoformat(),
            note=parameters.code or None,
        ),
        reference_date=parameters.reference_date,
        parameters=described,
    )


def _smith_wilson(rates: LiquidRates, parameters: CurveParameters) -> SmithWilsonCurve:
    # Smith-Wilson calibrates to the liquid points up to the LLP; rates beyond it (the 2027
    # method's, for its LLFR) are not used
    within = rates.maturities <= parameters.llp
    if not np.any(within):
        raise ValueError(f"no liquid rate up to the LLP of {parameters.llp} years")
    maturities, values = rates.maturities[within], rates.rates[within]
    if rates.coupon_freq == 0:
        return fit_eiopa_zero(maturities, values, parameters.ufr, parameters.llp, parameters.convergence_years)
    return fit_eiopa_swaps(maturities, values, parameters.ufr, parameters.llp, parameters.convergence_years,
                           rates.coupon_freq)


# --- a file of liquid rates, laid out as EIOPA's workbook ---------------------------------

MATURITY_HEADERS = ("maturity",)
RATE_HEADERS = ("input rate", "rate", "par rate", "par_rate")
DLT_HEADERS = ("dlt",)
WEIGHT_HEADERS = ("llfr weight", "llfr_weight")


def read_liquid_rates(path: str | Path, cra_bp: float, coupon_freq: int) -> LiquidRates:
    """Market rates before the CRA from a .csv or .xlsx file, one row per maturity.

    Columns as EIOPA's workbook for the 2027 method: `Maturity` (whole years), `DLT` (1 if the
    maturity is liquid; optional, then every row with a rate is), `LLFR Weight` (optional)
    and `Input Rate` (a par swap rate, or an annual zero rate with coupon frequency 0, as a
    fraction). Rows with DLT 0 or no rate are not used. The CRA is deducted here.
    """
    path = Path(path)
    name = str(path)
    rows = _rows(path)
    header_index = next((i for i, row in enumerate(rows) if any(_header(c) in MATURITY_HEADERS for c in row)), None)
    if header_index is None:
        raise InputError.single("expected a header with the columns Maturity and Input Rate "
                                "(and optionally DLT and LLFR Weight), as EIOPA's workbook", file=name)
    header = [_header(c) for c in rows[header_index]]

    def column(names: tuple[str, ...]) -> int | None:
        return next((j for j, h in enumerate(header) if h in names), None)

    maturity_col, rate_col = column(MATURITY_HEADERS), column(RATE_HEADERS)
    dlt_col, weight_col = column(DLT_HEADERS), column(WEIGHT_HEADERS)
    if rate_col is None:
        raise InputError.single("expected a column Input Rate (the market rate before the CRA)",
                                file=name, row=header_index + 1)
    problems: list[Problem] = []
    seen: dict[int, int] = {}
    maturities: list[int] = []
    values: list[float] = []
    weights: dict[float, float] = {}
    for index in range(header_index + 1, len(rows)):
        row, number = rows[index], index + 1

        def cell(j: int | None) -> object:
            return row[j] if j is not None and j < len(row) else None

        if all(_blank(c) for c in row):
            continue
        maturity = _number(cell(maturity_col))
        if maturity is None or not float(maturity).is_integer() or not 1 <= maturity <= MATURITIES:
            problems.append(Problem(file=name, row=number, column="Maturity", value=cell(maturity_col),
                                    expected=f"expected a whole number of years from 1 to {MATURITIES}"))
            continue
        years = int(maturity)
        if years in seen:
            problems.append(Problem(file=name, row=number, column="Maturity", value=cell(maturity_col),
                                    expected=f"expected each maturity once; {years} is already in row {seen[years]}"))
            continue
        seen[years] = number
        # without a DLT column every rate is liquid; in the column an empty cell counts as 0
        dlt = 1.0 if dlt_col is None else (0.0 if _blank(cell(dlt_col)) else _number(cell(dlt_col)))
        if dlt not in (0.0, 1.0):
            problems.append(Problem(file=name, row=number, column="DLT", value=cell(dlt_col),
                                    expected="expected 1 (liquid) or 0"))
            continue
        weight = 0.0 if _blank(cell(weight_col)) else _number(cell(weight_col))
        if weight is None or not 0.0 <= weight <= 1.0:
            problems.append(Problem(file=name, row=number, column="LLFR Weight", value=cell(weight_col),
                                    expected="expected a weight from 0 to 1"))
            continue
        rate = _number(cell(rate_col))
        if _blank(cell(rate_col)) or dlt == 0.0:
            if weight > 0:
                problems.append(Problem(file=name, row=number, column="LLFR Weight", value=cell(weight_col),
                                        expected="expected no weight on a maturity without a liquid rate"))
            continue
        if rate is None or not math.isfinite(rate) or abs(rate) >= MAX_RATE:
            problems.append(Problem(file=name, row=number, column="Input Rate", value=cell(rate_col),
                                    expected="expected a rate as a fraction, e.g. 0.02176 for 2.176 %"))
            continue
        maturities.append(years)
        values.append(rate)
        if weight > 0:
            weights[float(years)] = weight
    if not maturities and not problems:
        problems.append(Problem(file=name, expected="expected at least one liquid rate"))
    if problems:
        raise InputError(problems)
    order = np.argsort(maturities)
    what = "zero rates" if coupon_freq == 0 else f"par swap rates ({coupon_freq} coupon(s) a year)"
    return LiquidRates(
        maturities=np.asarray(maturities, float)[order],
        rates=np.asarray(values, float)[order] - cra_bp / 10_000.0,
        coupon_freq=coupon_freq,
        source=f"{what} in {path.name}, less a CRA of {cra_bp:g} bp",
        file=name,
        llfr_weights=weights or None,
    )


def _rows(path: Path) -> list[list[object]]:
    import pandas as pd

    if not path.is_file():
        raise InputError.single("file not found (expected liquid rates: Maturity, Input Rate)", file=str(path))
    suffix = path.suffix.casefold()
    try:
        if suffix in (".xlsx", ".xlsm"):
            frame = pd.read_excel(path, header=None, dtype=object)
        elif suffix in (".csv", ".txt"):
            frame = _read_csv(path)
        else:
            raise InputError.single("expected a .csv or .xlsx file of liquid rates", file=str(path))
    except InputError:
        raise
    except Exception as error:  # noqa: BLE001 - pandas, csv and openpyxl errors alike
        raise InputError.single(f"cannot be read ({type(error).__name__}); expected a .csv or .xlsx file "
                                "of liquid rates", file=str(path)) from None
    return [[None if _blank(v) else v for v in row] for row in frame.itertuples(index=False, name=None)]


def _read_csv(path: Path):
    import io

    import pandas as pd

    text, _ = decode_text(path.read_bytes(), str(path), "file of liquid rates")
    # blank lines kept, so that the frame's rows are the file's lines
    return pd.read_csv(io.StringIO(text), header=None, sep=sniff_separator(text.split("\n", 1)[0]),
                       dtype=str, keep_default_na=False, skip_blank_lines=False)


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or (
        isinstance(value, str) and not value.strip())


def _header(value: object) -> str:
    return str(value).strip().lstrip("\ufeff").casefold() if isinstance(value, str) else ""


def _number(value: object) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return float(value)
    text = str(value).strip()
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    try:
        return float(text)
    except ValueError:
        return None
