"""Extract a few published EIOPA curves into tests/data/published/, so that the tests
that check against EIOPA's figures run in a plain clone.

    python scripts/extract_eiopa_published.py ../shared/data/eiopa

reads `EIOPA_RFR_<date>_Term_Structures.xlsx` for each reference date below and writes,
for each country below, the sheet `RFR_spot_no_VA` as published: the curve code
(row 3), the parameters by their labels in column B (rows 4-10: Coupon_freq, LLP,
Convergence, UFR in percent, alpha, CRA and VA in bp) and the spot rates for
maturities 1..150 (rows 11-160), every number exactly as the workbook stores it.
It then writes the provenance sidecar with the output's sha256.

The workbook is read with openpyxl alone, not with the package's own EIOPA reader, so
that the tests compare the reader with an independent reading of the same cells.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import sys
from pathlib import Path

import openpyxl

REFERENCE_DATES = ("20231231", "20241231")
COUNTRIES = ("Euro", "Denmark")
SHEET = "RFR_spot_no_VA"
COUNTRY_ROW, CODE_ROW = 2, 3
PARAMETER_LABELS = ("Coupon_freq", "LLP", "Convergence", "UFR", "alpha", "CRA", "VA")
FIRST_PARAMETER_ROW, FIRST_SPOT_ROW, MATURITIES = 4, 11, 150
LABEL_COLUMN = 2  # column B

REPO_ROOT = Path(__file__).resolve().parents[1]
OUTPUT = REPO_ROOT / "tests" / "data" / "published" / "eiopa_rfr_spot_no_va.json"
SOURCES = {"20231231": "EIOPA-RFR-2023-12", "20241231": "EIOPA-RFR-2024-12"}


def term_structures_name(date: str) -> str:
    return f"EIOPA_RFR_{date}_Term_Structures.xlsx"


def extract_sheet(path: Path, countries: tuple[str, ...] = COUNTRIES) -> dict:
    """The named countries' columns of `RFR_spot_no_VA`, as stored in the workbook."""
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        rows = list(workbook[SHEET].iter_rows(min_row=1, max_row=FIRST_SPOT_ROW + MATURITIES - 1,
                                              values_only=True))
    finally:
        workbook.close()
    names = rows[COUNTRY_ROW - 1]
    labels = [rows[FIRST_PARAMETER_ROW - 1 + i][LABEL_COLUMN - 1] for i in range(len(PARAMETER_LABELS))]
    if tuple(labels) != PARAMETER_LABELS:
        raise SystemExit(f"{path.name}: parameter labels {labels}, expected {list(PARAMETER_LABELS)}")
    maturities = [rows[FIRST_SPOT_ROW - 1 + i][LABEL_COLUMN - 1] for i in range(MATURITIES)]
    if maturities != list(range(1, MATURITIES + 1)):
        raise SystemExit(f"{path.name}: column B of rows {FIRST_SPOT_ROW}.. does not count 1..{MATURITIES}")
    curves = {}
    for country in countries:
        if country not in names:
            raise SystemExit(f"{path.name}: country {country!r} not in row {COUNTRY_ROW}")
        column = names.index(country)
        curves[country] = {
            "column": openpyxl.utils.get_column_letter(column + 1),
            "code": rows[CODE_ROW - 1][column],
            "parameters": {label: rows[FIRST_PARAMETER_ROW - 1 + i][column]
                           for i, label in enumerate(PARAMETER_LABELS)},
            "spots": [rows[FIRST_SPOT_ROW - 1 + i][column] for i in range(MATURITIES)],
        }
    return curves


def extract(eiopa_dir: Path, dates: tuple[str, ...] = REFERENCE_DATES,
            countries: tuple[str, ...] = COUNTRIES) -> dict:
    publications = {}
    for date in dates:
        path = eiopa_dir / term_structures_name(date)
        publications[date] = {
            "reference_date": dt.datetime.strptime(date, "%Y%m%d").date().isoformat(),
            "source_file": path.name,
            "source_sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
            "sheet": SHEET,
            "curves": extract_sheet(path, countries),
        }
    return {
        "description": ("EIOPA's basic risk-free curves (no volatility adjustment) as published: curve code, "
                        "parameters (UFR in percent, CRA and VA in bp) and annual spot rates for maturities "
                        "1..150, copied cell for cell from the Term_Structures workbooks by "
                        "scripts/extract_eiopa_published.py"),
        "publications": publications,
    }


def sidecar_text(data_file: Path, extracted: dict) -> str:
    digest = hashlib.sha256(data_file.read_bytes()).hexdigest()
    dates = sorted(extracted["publications"])
    files = ", ".join(extracted["publications"][d]["source_file"] for d in dates)
    ids = ", ".join(f'"{SOURCES[d]}"' for d in dates)
    return (
        f'source = "EIOPA, risk-free interest rate term structures, sheet {SHEET}: the curves of '
        f'{", ".join(next(iter(extracted["publications"].values()))["curves"])} as published"\n'
        f'sources = ["EIOPA-RFR", {ids}, "EIOPA-ALL-CURVES"]\n'
        f'published = "{", ".join(extracted["publications"][d]["reference_date"] for d in dates)} (reference dates)"\n'
        f'obtained = "derived by scripts/extract_eiopa_published.py from {files} (each source file\'s sha256 '
        f'is in the data file), copies kept by open-source-modelling/EIOPA_all_curves"\n'
        f'sha256 = "{digest}"\n'
    )


def main(arguments: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("eiopa_dir", type=Path, help="the folder holding EIOPA's Term_Structures workbooks")
    parser.add_argument("--out", type=Path, default=OUTPUT)
    options = parser.parse_args(arguments)
    extracted = extract(options.eiopa_dir)
    options.out.write_text(json.dumps(extracted, indent=1) + "\n", encoding="utf-8")
    sidecar = options.out.with_name(options.out.name + ".provenance.toml")
    sidecar.write_text(sidecar_text(options.out, extracted), encoding="utf-8")
    print(f"wrote {options.out} and {sidecar.name}")


if __name__ == "__main__":
    main(sys.argv[1:])
