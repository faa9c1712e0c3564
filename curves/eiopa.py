"""Readers for EIOPA's monthly risk-free rate publication, as published.

`EIOPA_RFR_YYYYMMDD_Term_Structures.xlsx`: sheets `RFR_spot_no_VA` / `RFR_spot_with_VA`;
row 2 names the country (column letters move between years, so the column is found by
name), row 3 holds a code such as `DK_31_12_2024_PEE_LLP_20_EXT_40_UFR_3.30`, rows 4–10
the parameters (Coupon_freq, LLP, Convergence, UFR in percent, alpha, CRA in bp, VA in
bp) and rows 11–160 the annually compounded spot rates for maturities 1..150.

`EIOPA_RFR_YYYYMMDD_Qb_SW.xlsx`: sheets `SW_Qb_no_VA` / `SW_Qb_with_VA`; row 10 names
the currency code (`EUR`, `DK`, ...) above the Qb vector, the cash-flow dates u stand in
the column to its left.

The shock and VA sheets of these files hold formulas whose cached values are unusable,
so they are never read.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tjenestemandspension.curves.curve import DiscountCurve
from tjenestemandspension.errors import InputError, Problem
from tjenestemandspension.provenance import Provenance

SPOT_SHEETS = {False: "RFR_spot_no_VA", True: "RFR_spot_with_VA"}
QB_SHEETS = {False: "SW_Qb_no_VA", True: "SW_Qb_with_VA"}
COUNTRY_ROW = 2
CODE_ROW = 3
PARAMETER_ROWS = {  # row → label in column B
    4: "Coupon_freq",
    5: "LLP",
    6: "Convergence",
    7: "UFR",
    8: "alpha",
    9: "CRA",
    10: "VA",
}
FIRST_MATURITY_ROW = 11
MATURITIES = 150
QB_CODE_ROW = 10
_CODE_DATE = re.compile(r"_(\d{2})_(\d{2})_(\d{4})_")


@dataclass(frozen=True)
class EiopaParameters:
    coupon_freq: int
    llp: int
    convergence_years: int
    ufr: float  # annual rate as a fraction (the file gives percent)
    alpha: float
    cra_bp: float
    va_bp: float | None  # None on the no-VA sheet


@dataclass(frozen=True)
class EiopaTermStructure:
    """One country's published spot curve (maturities 1..150, annual compounding)."""

    reference_date: dt.date
    country: str
    code: str
    with_va: bool
    parameters: EiopaParameters
    spots: np.ndarray
    source_file: str


def _open_workbook(path: Path, what: str):
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    if not path.exists():
        raise InputError.single(f"file not found (expected {what})", file=str(path))
    if path.is_dir():
        raise InputError.single(f"is a folder, expected {what}", file=str(path))
    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise InputError.single(
            f"cannot be read as an Excel workbook ({type(error).__name__}); expected {what}",
            file=str(path),
        ) from None


def _reference_date_from_code(code: str) -> dt.date | None:
    match = _CODE_DATE.search(code)
    if not match:
        return None
    day, month, year = (int(g) for g in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _reference_date_from_menu(workbook) -> dt.date | None:
    if "Main_Menu" not in workbook.sheetnames:
        return None
    value = next(workbook["Main_Menu"].iter_rows(min_row=1, max_row=1, max_col=1, values_only=True))[0]
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        return None


def _number(value: object) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return float(str(value).strip().replace(",", "."))
    except ValueError:
        return None


def list_countries(path: str | Path, with_va: bool = False) -> list[str]:
    """The country names in row 2 of the spot sheet."""
    path = Path(path)
    workbook = _open_workbook(path, "EIOPA's RFR Term_Structures workbook")
    try:
        rows = _spot_sheet_rows(workbook, path, with_va)
        return _countries(rows[COUNTRY_ROW - 1])
    finally:
        workbook.close()


def _countries(row: tuple) -> list[str]:
    return [str(v).strip() for v in row[2:] if isinstance(v, str) and v.strip()]


def _spot_sheet_rows(workbook, path: Path, with_va: bool) -> list[tuple]:
    sheet_name = SPOT_SHEETS[with_va]
    if sheet_name not in workbook.sheetnames:
        raise InputError.single(
            f"sheet '{sheet_name}' not found: not EIOPA's RFR Term_Structures layout "
            f"(sheets found: {', '.join(workbook.sheetnames)})",
            file=str(path),
        )
    last_row = FIRST_MATURITY_ROW + MATURITIES - 1
    return list(workbook[sheet_name].iter_rows(min_row=1, max_row=last_row, values_only=True))


def read_term_structures(path: str | Path, country: str = "Denmark",
                         with_va: bool = False) -> EiopaTermStructure:
    """Read one country's spot curve and parameters from EIOPA's Term_Structures file."""
    path = Path(path)
    workbook = _open_workbook(path, "EIOPA's RFR Term_Structures workbook")
    try:
        rows = _spot_sheet_rows(workbook, path, with_va)
        menu_date = _reference_date_from_menu(workbook)
    finally:
        workbook.close()
    sheet = SPOT_SHEETS[with_va]
    source = f"{path.name} [{sheet}]"

    if len(rows) < COUNTRY_ROW or not _countries(rows[COUNTRY_ROW - 1]):
        raise InputError.single(f"row {COUNTRY_ROW} holds no country names: not EIOPA's layout",
                                file=source)
    header = rows[COUNTRY_ROW - 1]
    wanted = country.strip().casefold()
    columns = [j for j, v in enumerate(header) if isinstance(v, str) and v.strip().casefold() == wanted]
    if not columns:
        raise InputError.single(
            f"country '{country}' not found in row {COUNTRY_ROW}; countries found: "
            + ", ".join(_countries(header)),
            file=source,
        )
    column = columns[0]

    def cell(row: int) -> object:
        values = rows[row - 1] if row - 1 < len(rows) else ()
        return values[column] if column < len(values) else None

    def label(row: int) -> str:
        values = rows[row - 1] if row - 1 < len(rows) else ()
        return str(values[1]).strip() if len(values) > 1 and values[1] is not None else ""

    problems: list[Problem] = []
    code = str(cell(CODE_ROW) or "").strip()
    reference_date = _reference_date_from_code(code) or menu_date
    if reference_date is None:
        problems.append(Problem(file=source, row=CODE_ROW, column=header[column], value=code,
                                expected="a curve code with the reference date (e.g. "
                                         "DK_31_12_2024_...) or the date in Main_Menu!A1"))

    parameters: dict[str, float | None] = {}
    for row, name in PARAMETER_ROWS.items():
        if label(row).casefold() != name.casefold():
            problems.append(Problem(file=source, row=row, column="B", value=label(row) or None,
                                    expected=f"the parameter label '{name}' (parameter row missing)"))
            continue
        value = _number(cell(row))
        if value is None and not (name == "VA" and not with_va):
            problems.append(Problem(file=source, row=row, column=str(header[column]),
                                    value=cell(row), expected=f"a number for {name}"))
        parameters[name] = value

    spots = np.full(MATURITIES, np.nan)
    for index in range(MATURITIES):
        row = FIRST_MATURITY_ROW + index
        maturity = rows[row - 1][1] if row - 1 < len(rows) and len(rows[row - 1]) > 1 else None
        if _number(maturity) != index + 1:
            problems.append(Problem(file=source, row=row, column="B", value=maturity,
                                    expected=f"maturity {index + 1}"))
            continue
        rate = _number(cell(row))
        if rate is None or not np.isfinite(rate) or not -1.0 < rate < 1.0:
            problems.append(Problem(file=source, row=row, column=str(header[column]), value=cell(row),
                                    expected="a spot rate as a fraction between -1 and 1"))
            continue
        spots[index] = rate
    if problems:
        raise InputError(problems)

    return EiopaTermStructure(
        reference_date=reference_date,  # type: ignore[arg-type]
        country=str(header[column]).strip(),
        code=code,
        with_va=with_va,
        parameters=EiopaParameters(
            coupon_freq=int(parameters["Coupon_freq"]),  # type: ignore[arg-type]
            llp=int(parameters["LLP"]),  # type: ignore[arg-type]
            convergence_years=int(parameters["Convergence"]),  # type: ignore[arg-type]
            ufr=float(parameters["UFR"]) / 100.0,  # type: ignore[arg-type]
            alpha=float(parameters["alpha"]),  # type: ignore[arg-type]
            cra_bp=float(parameters["CRA"]),  # type: ignore[arg-type]
            va_bp=parameters["VA"] if with_va else None,
        ),
        spots=spots,
        source_file=str(path),
    )


def read_qb(path: str | Path, currency_code: str, with_va: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Read (u, Qb) for a currency code such as 'DK' or 'EUR' from EIOPA's Qb_SW file."""
    path = Path(path)
    workbook = _open_workbook(path, "EIOPA's RFR Qb_SW workbook")
    sheet_name = QB_SHEETS[with_va]
    try:
        if sheet_name not in workbook.sheetnames:
            raise InputError.single(
                f"sheet '{sheet_name}' not found: not EIOPA's Qb_SW layout "
                f"(sheets found: {', '.join(workbook.sheetnames)})",
                file=str(path),
            )
        rows = list(workbook[sheet_name].iter_rows(min_row=1, values_only=True))
    finally:
        workbook.close()
    source = f"{path.name} [{sheet_name}]"
    header = rows[QB_CODE_ROW - 1] if len(rows) >= QB_CODE_ROW else ()
    codes = {str(v).strip(): j for j, v in enumerate(header) if isinstance(v, str) and v.strip()}
    if currency_code not in codes:
        raise InputError.single(
            f"currency code '{currency_code}' not found in row {QB_CODE_ROW}; codes found: "
            + (", ".join(codes) or "none"),
            file=source,
        )
    column = codes[currency_code]
    dates: list[float] = []
    values: list[float] = []
    for row in rows[QB_CODE_ROW:]:
        date = _number(row[column - 1]) if column - 1 < len(row) else None
        value = _number(row[column]) if column < len(row) else None
        if date is None or value is None:
            break
        dates.append(date)
        values.append(value)
    if not dates:
        raise InputError.single(f"no Qb values under '{currency_code}' in row {QB_CODE_ROW + 1}",
                                file=source)
    return np.asarray(dates), np.asarray(values)


def eiopa_discount_curve(term_structure: EiopaTermStructure) -> DiscountCurve:
    """The discount curve of an EIOPA term structure: its annual spot table, with the
    file, reference date and Smith-Wilson parameters as provenance."""
    params = term_structure.parameters
    va = "med VA" if term_structure.with_va else "uden VA"
    return DiscountCurve(
        spots=term_structure.spots,
        name=f"EIOPA RFR {term_structure.reference_date.isoformat()} {term_structure.country} {va}",
        source="eiopa",
        provenance=Provenance(
            source=f"EIOPA risk-free rate term structures, file {term_structure.source_file}",
            date=term_structure.reference_date.isoformat(),
            note=term_structure.code,
        ),
        reference_date=term_structure.reference_date,
        parameters={
            "country": term_structure.country,
            "code": term_structure.code,
            "with_va": term_structure.with_va,
            "coupon_freq": params.coupon_freq,
            "llp": params.llp,
            "convergence_years": params.convergence_years,
            "ufr": params.ufr,
            "alpha": params.alpha,
            "cra_bp": params.cra_bp,
            "va_bp": params.va_bp,
        },
    )
