"""Readers for EIOPA's monthly risk-free rate publication, as published, 2014 onwards.

`EIOPA_RFR_YYYYMMDD_Term_Structures.xlsx`: sheets `RFR_spot_no_VA` / `RFR_spot_with_VA`;
row 2 names the country (column letters move between years, so the column is found by
name), row 3 holds the curve code, rows 4–10 the parameters (Coupon_freq, LLP,
Convergence, UFR in percent, alpha, CRA in bp, VA in bp) and rows 11–160 the annually
compounded spot rates for maturities 1..150.

`EIOPA_RFR_YYYYMMDD_Qb_SW.xlsx`: sheets `SW_Qb_no_VA` / `SW_Qb_with_VA`; row 10 names
the curve's code above its Qb vector, the cash-flow dates u stand in the column to the
left of the vector.

Every layout since 2014 is read as published: `alpha_fit` for `alpha` (2014-12 to
2015-10), curve codes as currencies (`DKK_…`, 2014) or countries (`DK_…`; `GB` and `UK`,
`EU` and `EUR`), dates in the code padded, unpadded (`DK_31_1_2016_…`) or absent
(2023-05 to 2023-11), VA cells 'N/c' or 'n/a' on with-VA curves without one, Qb labels
one column right of their vectors (SW_Qb_with_VA, 2023-05 to 2023-07), the Parameters
sheet with each country's currency (2023-05 on); docs/curves.md, "Every layout since
2014", lists them.

The reference date is taken from the curve code, else from `Main_Menu!A1` (a date, or
text as ISO or DD-MM-YYYY), else from the file name `EIOPA_RFR_YYYYMMDD_…`; which of them
was used is recorded. The shock and VA sheets of these files hold formulas whose cached
values are unusable, so they are never read.
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
PARAMETERS_SHEET = "Parameters"
COUNTRY_ROW = 2
CODE_ROW = 3
PARAMETER_ROWS = {  # row → the labels column B carries in one era or another
    4: ("Coupon_freq",),
    5: ("LLP",),
    6: ("Convergence",),
    7: ("UFR",),
    8: ("alpha", "alpha_fit"),
    9: ("CRA",),
    10: ("VA",),
}
FIRST_MATURITY_ROW = 11
MATURITIES = 150
QB_CODE_ROW = 10
_CODE_DATE = re.compile(r"_(\d{1,2})_(\d{1,2})_(\d{4})_")
_FILE_NAME_DATE = re.compile(r"EIOPA_RFR_(\d{8})_", re.IGNORECASE)
_MENU_DAY_FIRST = re.compile(r"(\d{1,2})[-./](\d{1,2})[-./](\d{4})")

# EIOPA names a curve by a country code (DK, SE, UK, EUR for the euro), but older files
# name non-euro curves by their currency (DKK, SEK, GBP), the 2016-01 file the UK curve GB
# and the 2023-05 file the euro curve EU. Every code maps to one country code here; the pairs are the Parameters sheet's
# (2023-05 on) for currencies used by one country only, plus the retired ones (LVL, LTL,
# HRK) and the odd Liechtenstein code LIC of the 2014 files.
COUNTRY_OF_CODE = {
    "EUR": "EU", "GB": "UK", "GBP": "UK", "LIC": "LI", "LVL": "LV", "LTL": "LT",
    "AUD": "AU", "BGN": "BG", "BRL": "BR", "CAD": "CA", "CHF": "CH", "CLP": "CL", "CNY": "CN",
    "COP": "CO", "CZK": "CZ", "DKK": "DK", "HKD": "HK", "HRK": "HR", "HUF": "HU", "INR": "IN",
    "ISK": "IS", "JPY": "JP", "KRW": "KR", "MXN": "MX", "MYR": "MY", "NOK": "NO", "NZD": "NZ",
    "PLN": "PL", "RON": "RO", "RUB": "RU", "SEK": "SE", "SGD": "SG", "THB": "TH", "TRY": "TR",
    "TWD": "TW", "USD": "US", "ZAR": "ZA",
}
_RETIRED_CODES = ("LIC", "LVL", "LTL")
_CURRENCY_OF_COUNTRY = {country: code for code, country in COUNTRY_OF_CODE.items()
                        if len(code) == 3 and code not in _RETIRED_CODES}
_CURRENCY_OF_COUNTRY.update({"LV": "EUR", "LT": "EUR", "LI": "CHF"})


def country_code(code: str) -> str:
    """The country code behind any of EIOPA's curve codes: 'DKK' and 'DK' → 'DK'."""
    code = code.strip().upper()
    return COUNTRY_OF_CODE.get(code, code)


@dataclass(frozen=True)
class EiopaParameters:
    coupon_freq: int  # 0: the curve is calibrated to zero-coupon rates (government bonds)
    llp: int
    convergence_years: int  # the convergence point is LLP + this
    ufr: float  # annual rate as a fraction (the file gives percent)
    alpha: float
    cra_bp: float
    va_bp: float | None  # None on the no-VA sheet

    @property
    def convergence_point(self) -> int:
        return self.llp + self.convergence_years


@dataclass(frozen=True)
class EiopaTermStructure:
    """One country's published spot curve (maturities 1..150, annual compounding)."""

    reference_date: dt.date
    reference_date_source: str  # where the date was read: curve code, Main_Menu!A1 or file name
    country: str
    code: str
    currency: str | None  # from the Parameters sheet, else from the code
    with_va: bool
    parameters: EiopaParameters
    spots: np.ndarray
    source_file: str

    @property
    def code_prefix(self) -> str:
        """The curve's code before the first underscore: 'DK', 'DKK', 'EUR', 'EU', 'GB', …"""
        return self.code.split("_", 1)[0].strip()


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


def _date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def reference_date_from_code(code: str) -> dt.date | None:
    """The date in a curve code, padded or not: DK_31_12_2024_… and DK_31_1_2016_…"""
    match = _CODE_DATE.search(code)
    if not match:
        return None
    day, month, year = (int(g) for g in match.groups())
    return _date(year, month, day)


def reference_date_from_menu_cell(value: object) -> dt.date | None:
    """Main_Menu!A1: a date, or text as ISO (2023-05-31) or day first (31-01-2016)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    match = _MENU_DAY_FIRST.fullmatch(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
        return _date(year, month, day)
    return None


def reference_date_from_file_name(name: str) -> dt.date | None:
    match = _FILE_NAME_DATE.search(name)
    if not match:
        return None
    digits = match.group(1)
    return _date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))


def _menu_cell(workbook) -> object:
    if "Main_Menu" not in workbook.sheetnames:
        return None
    rows = workbook["Main_Menu"].iter_rows(min_row=1, max_row=1, max_col=1, values_only=True)
    return next(rows, (None,))[0]


def _currencies(workbook) -> dict[str, str]:
    """Country code → currency from the Parameters sheet (2023-05 on); {} without it."""
    if PARAMETERS_SHEET not in workbook.sheetnames:
        return {}
    pairs: dict[str, str] = {}
    header_seen = False
    for row in workbook[PARAMETERS_SHEET].iter_rows(values_only=True):
        texts = [str(v).strip() for v in row if isinstance(v, str) and v.strip()]
        if len(texts) != 2:
            continue
        if not header_seen:
            header_seen = [t.casefold() for t in texts] == ["country", "currency"]
            continue
        pairs[texts[0].upper()] = texts[1].upper()
    return pairs


def _is_not_calculated(value: object) -> bool:
    return value is None or (isinstance(value, str) and value.strip().casefold() in ("", "n/c", "n/a", "-"))


def _number(value: object) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return float(str(value).strip().replace(",", "."))
    except ValueError:
        return None


@dataclass(frozen=True)
class _SpotSheet:
    path: Path
    sheet: str
    rows: list[tuple]
    menu_cell: object
    currencies: dict[str, str]

    @property
    def source(self) -> str:
        return f"{self.path.name} [{self.sheet}]"

    @property
    def header(self) -> tuple:
        return self.rows[COUNTRY_ROW - 1] if len(self.rows) >= COUNTRY_ROW else ()


def _read_spot_sheet(path: Path, with_va: bool) -> _SpotSheet:
    workbook = _open_workbook(path, "EIOPA's RFR Term_Structures workbook")
    try:
        sheet_name = SPOT_SHEETS[with_va]
        if sheet_name not in workbook.sheetnames:
            raise InputError.single(
                f"sheet '{sheet_name}' not found: not EIOPA's RFR Term_Structures layout "
                f"(sheets found: {', '.join(workbook.sheetnames)})",
                file=str(path),
            )
        last_row = FIRST_MATURITY_ROW + MATURITIES - 1
        rows = list(workbook[sheet_name].iter_rows(min_row=1, max_row=last_row, values_only=True))
        sheet = _SpotSheet(path, sheet_name, rows, _menu_cell(workbook), _currencies(workbook))
    finally:
        workbook.close()
    if not _countries(sheet.header):
        raise InputError.single(f"row {COUNTRY_ROW} holds no country names: not EIOPA's layout",
                                file=sheet.source)
    return sheet


def list_countries(path: str | Path, with_va: bool = False) -> list[str]:
    """The country names in row 2 of the spot sheet."""
    return _countries(_read_spot_sheet(Path(path), with_va).header)


def _countries(row: tuple) -> list[str]:
    return [str(v).strip() for v in row[2:] if isinstance(v, str) and v.strip()]


def read_term_structures(path: str | Path, country: str = "Denmark",
                         with_va: bool = False) -> EiopaTermStructure:
    """Read one country's spot curve and parameters from EIOPA's Term_Structures file."""
    sheet = _read_spot_sheet(Path(path), with_va)
    wanted = country.strip().casefold()
    columns = [j for j, v in enumerate(sheet.header) if isinstance(v, str) and v.strip().casefold() == wanted]
    if not columns:
        raise InputError.single(
            f"country '{country}' not found in row {COUNTRY_ROW}; countries found: "
            + ", ".join(_countries(sheet.header)),
            file=sheet.source,
        )
    return _term_structure(sheet, columns[0], with_va)


def read_all_term_structures(path: str | Path, with_va: bool = False) -> dict[str, EiopaTermStructure]:
    """Every country's curve in the file, by country name, in the file's order."""
    sheet = _read_spot_sheet(Path(path), with_va)
    curves: dict[str, EiopaTermStructure] = {}
    problems: list[Problem] = []
    for column, name in enumerate(sheet.header):
        if column < 2 or not (isinstance(name, str) and name.strip()):
            continue
        try:
            curves[name.strip()] = _term_structure(sheet, column, with_va)
        except InputError as error:
            problems += error.problems
    if problems:
        raise InputError(problems)
    return curves


def _reference_date(sheet: _SpotSheet, code: str) -> tuple[dt.date | None, str]:
    from_code = reference_date_from_code(code)
    if from_code is not None:
        return from_code, "the curve code"
    from_menu = reference_date_from_menu_cell(sheet.menu_cell)
    if from_menu is not None:
        return from_menu, f"Main_Menu!A1 '{sheet.menu_cell!s}'"
    from_name = reference_date_from_file_name(sheet.path.name)
    if from_name is not None:
        return from_name, "the file name"
    return None, ""


def _term_structure(sheet: _SpotSheet, column: int, with_va: bool) -> EiopaTermStructure:
    rows, source, header = sheet.rows, sheet.source, sheet.header

    def cell(row: int) -> object:
        values = rows[row - 1] if row - 1 < len(rows) else ()
        return values[column] if column < len(values) else None

    def label(row: int) -> str:
        values = rows[row - 1] if row - 1 < len(rows) else ()
        return str(values[1]).strip() if len(values) > 1 and values[1] is not None else ""

    country = str(header[column]).strip()
    problems: list[Problem] = []
    code = str(cell(CODE_ROW) or "").strip()
    reference_date, date_source = _reference_date(sheet, code)
    if reference_date is None:
        problems.append(Problem(file=source, row=CODE_ROW, column=country, value=code,
                                expected="a curve code with the reference date (e.g. "
                                         "DK_31_12_2024_...), the date in Main_Menu!A1, or a file "
                                         "name EIOPA_RFR_YYYYMMDD_..."))

    parameters: dict[str, float | None] = {}
    for row, names in PARAMETER_ROWS.items():
        name = names[0]
        if label(row).casefold() not in {n.casefold() for n in names}:
            problems.append(Problem(file=source, row=row, column="B", value=label(row) or None,
                                    expected=f"the parameter label '{name}' (parameter row missing)"))
            continue
        value = _number(cell(row))
        # without VA the row is empty or 0; with VA some curves have none: 'N/c' (2014), 'n/a' (2016)
        va_not_calculated = name == "VA" and (not with_va or _is_not_calculated(cell(row)))
        if value is None and not va_not_calculated:
            problems.append(Problem(file=source, row=row, column=country,
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
            problems.append(Problem(file=source, row=row, column=country, value=cell(row),
                                    expected="a spot rate as a fraction between -1 and 1"))
            continue
        spots[index] = rate
    if problems:
        raise InputError(problems)

    prefix = code.split("_", 1)[0].strip().upper()
    currency = sheet.currencies.get(prefix) or _CURRENCY_OF_COUNTRY.get(country_code(prefix))
    if prefix in _CURRENCY_OF_COUNTRY.values():  # the 2014 codes are the currencies themselves
        currency = prefix
    return EiopaTermStructure(
        reference_date=reference_date,  # type: ignore[arg-type]
        reference_date_source=date_source,
        country=country,
        code=code,
        currency=currency,
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
        source_file=str(sheet.path),
    )


# --- the Qb_SW workbook -------------------------------------------------------------------

def read_all_qb(path: str | Path, with_va: bool = False) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Every (u, Qb) in EIOPA's Qb_SW file, by the code written above it ('DK', 'DKK', 'EUR', …)."""
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
    first = rows[QB_CODE_ROW] if len(rows) > QB_CODE_ROW else ()

    def number_at(column: int) -> float | None:
        return _number(first[column]) if 0 <= column < len(first) else None

    vectors: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    problems: list[Problem] = []
    for label_column, label in enumerate(header):
        if not (isinstance(label, str) and label.strip()):
            continue
        # the vector stands under its label, the dates to its left; in some files
        # (SW_Qb_with_VA 2023-05 to 2023-07) every label stands one column further right
        column = label_column
        if number_at(column) is None and number_at(column - 1) is not None and number_at(column - 2) is not None:
            column -= 1
        dates: list[float] = []
        values: list[float] = []
        for row in rows[QB_CODE_ROW:]:
            date = _number(row[column - 1]) if 0 <= column - 1 < len(row) else None
            value = _number(row[column]) if column < len(row) else None
            if date is None or value is None:
                break
            dates.append(date)
            values.append(value)
        if not dates:
            problems.append(Problem(file=source, row=QB_CODE_ROW + 1, column=label.strip(),
                                    expected=f"Qb values and their dates under the code '{label.strip()}'"))
            continue
        vectors[label.strip()] = (np.asarray(dates), np.asarray(values))
    if not vectors and not problems:
        problems.append(Problem(file=source, row=QB_CODE_ROW, expected="the curve codes (EUR, DK, ...) in this row"))
    if problems:
        raise InputError(problems)
    return vectors


def find_qb(vectors: dict[str, tuple[np.ndarray, np.ndarray]], code: str,
            source: str | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The vector for a code, under any of its names: 'DK' finds 'DKK' in a 2014 file."""
    if code in vectors:
        return vectors[code]
    wanted = country_code(code)
    matches = [label for label in vectors if country_code(label) == wanted]
    if len(matches) != 1:
        raise InputError.single(
            f"curve code '{code}' not found in row {QB_CODE_ROW}; codes found: " + (", ".join(vectors) or "none"),
            file=source)
    return vectors[matches[0]]


def read_qb(path: str | Path, currency_code: str, with_va: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Read (u, Qb) for a code such as 'DK', 'DKK' or 'EUR' from EIOPA's Qb_SW file."""
    path = Path(path)
    return find_qb(read_all_qb(path, with_va), currency_code, f"{path.name} [{QB_SHEETS[with_va]}]")


def read_qb_for(path: str | Path, term_structure: EiopaTermStructure) -> tuple[np.ndarray, np.ndarray]:
    """The Qb vector behind a curve read from the Term_Structures file of the same date."""
    return read_qb(path, term_structure.code_prefix, term_structure.with_va)


def eiopa_discount_curve(term_structure: EiopaTermStructure) -> DiscountCurve:
    """The discount curve of an EIOPA term structure: its annual spot table, with the
    file, reference date (and where it was read from) and Smith-Wilson parameters as
    provenance."""
    params = term_structure.parameters
    va = "med VA" if term_structure.with_va else "uden VA"
    return DiscountCurve(
        spots=term_structure.spots,
        name=f"EIOPA RFR {term_structure.reference_date.isoformat()} {term_structure.country} {va}",
        source="eiopa",
        provenance=Provenance(
            source=f"EIOPA risk-free rate term structures, file {term_structure.source_file}",
            date=term_structure.reference_date.isoformat(),
            note=f"{term_structure.code}; reference date from {term_structure.reference_date_source}",
        ),
        reference_date=term_structure.reference_date,
        parameters={
            "country": term_structure.country,
            "code": term_structure.code,
            "currency": term_structure.currency,
            "reference_date_source": term_structure.reference_date_source,
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
