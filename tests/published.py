"""The published vectors kept in tests/data/published/, for tests that check against
EIOPA's and Finanstilsynet's figures without the large workbooks of ../shared.

`write_term_structures` puts the published EIOPA curves back into a small workbook in
the layout of EIOPA's `Term_Structures` file (only the sheets and cells the reader
uses), so that a test can value on a published curve through `curve.source = eiopa`.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import openpyxl

PUBLISHED_DIR = Path(__file__).resolve().parent / "data" / "published"
EIOPA_SPOTS_FILE = "eiopa_rfr_spot_no_va.json"
SMITH_WILSON_VECTORS_FILE = "smith_wilson_test_vectors.json"
# the layout of EIOPA's RFR_spot sheets: names in row 2, the code in row 3, parameters by
# label in column B from row 4, spots for maturities 1..150 from row 11
PARAMETER_LABELS = ("Coupon_freq", "LLP", "Convergence", "UFR", "alpha", "CRA", "VA")
FIRST_PARAMETER_ROW, FIRST_SPOT_ROW = 4, 11


@lru_cache(maxsize=None)
def _json(name: str) -> dict:
    return json.loads((PUBLISHED_DIR / name).read_text(encoding="utf-8"))


def eiopa_publication(date: str) -> dict:
    """One reference date (`YYYYMMDD`) of the extracted EIOPA curves: code, parameters
    as published (UFR in percent) and spots 1..150, by country name."""
    return _json(EIOPA_SPOTS_FILE)["publications"][date]


def smith_wilson_vectors() -> dict:
    return _json(SMITH_WILSON_VECTORS_FILE)


def write_term_structures(path: Path, date: str) -> Path:
    """A workbook in the layout of EIOPA_RFR_<date>_Term_Structures.xlsx holding the
    published no-VA curves of that date (and an empty with-VA sheet)."""
    publication = eiopa_publication(date)
    workbook = openpyxl.Workbook()
    workbook.active.title = "Main_Menu"
    workbook.active["A1"] = publication["reference_date"]
    sheet = workbook.create_sheet(publication["sheet"])
    sheet.cell(2, 2, "Main menu")
    for offset, label in enumerate(PARAMETER_LABELS):
        sheet.cell(FIRST_PARAMETER_ROW + offset, 2, label)
    for column, (country, curve) in enumerate(publication["curves"].items(), start=3):
        sheet.cell(2, column, country)
        sheet.cell(3, column, curve["code"])
        for offset, label in enumerate(PARAMETER_LABELS):
            sheet.cell(FIRST_PARAMETER_ROW + offset, column, curve["parameters"][label])
        for maturity, spot in enumerate(curve["spots"], start=1):
            sheet.cell(FIRST_SPOT_ROW + maturity - 1, 2, maturity)
            sheet.cell(FIRST_SPOT_ROW + maturity - 1, column, spot)
    workbook.create_sheet("RFR_spot_with_VA")
    workbook.save(path)
    return path
