"""Every layout EIOPA has published, read from the real files of each era (../shared), and
the quirks of each era on workbooks written by the test.

| file | what it tests |
|---|---|
| 2014-12-31 | row 8 `alpha_fit`; three-letter codes (`DKK_…`, `GBP_…`) in both workbooks; VA 'N/c' |
| 2016-01-31 | unpadded curve code `DK_31_1_2016_…`; `Main_Menu!A1` text `31-01-2016`; UK is `GB_` / `UK` |
| 2023-05-31 | no date in the curve code (from `Main_Menu!A1`); euro `EU_` / `EUR`; Qb with-VA labels shifted |
| 2023-12-31, 2024-12-31 | the layout the tool was first written for |
| 2025-12-31 | the `Parameters` sheet (country → currency) |
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import openpyxl
import pytest
from typer.testing import CliRunner

from tjenestemandspension.cli.main import app
from tjenestemandspension.curves import (
    SmithWilsonCurve,
    eiopa_discount_curve,
    read_all_qb,
    read_all_term_structures,
    read_qb,
    read_qb_for,
    read_term_structures,
)
from tjenestemandspension.curves.eiopa import (
    country_code,
    reference_date_from_code,
    reference_date_from_file_name,
    reference_date_from_menu_cell,
)

pytestmark = pytest.mark.english  # asserts the English texts of problems (tests/conftest.py)

runner = CliRunner()
DATES = ["20141231", "20160131", "20230531", "20231231", "20241231", "20251231"]


def term_structures(eiopa_dir, date):
    return eiopa_dir / f"EIOPA_RFR_{date}_Term_Structures.xlsx"


def qb_sw(eiopa_dir, date):
    return eiopa_dir / f"EIOPA_RFR_{date}_Qb_SW.xlsx"


def as_date(date: str) -> dt.date:
    return dt.date(int(date[:4]), int(date[4:6]), int(date[6:]))


@pytest.fixture(scope="module")
def eiopa_dir(shared_dir):
    return shared_dir / "data" / "eiopa"


def by_hand(path, country, sheet="RFR_spot_no_VA"):
    """The country's column of the spot sheet with nothing but openpyxl: (code, label of row 8, spots)."""
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    rows = list(workbook[sheet].iter_rows(min_row=1, max_row=160, values_only=True))
    workbook.close()
    column = rows[1].index(country)
    return rows[2][column], rows[7][1], np.array([rows[10 + n][column] for n in range(150)], float)


# --- the real files, one era each ---------------------------------------------------------

@pytest.mark.parametrize("date", DATES)
@pytest.mark.parametrize("with_va", [False, True])
def test_every_era_reads_denmark_as_published(eiopa_dir, date, with_va):
    path = term_structures(eiopa_dir, date)
    code, _, spots = by_hand(path, "Denmark", "RFR_spot_with_VA" if with_va else "RFR_spot_no_VA")
    ts = read_term_structures(path, "Denmark", with_va)
    np.testing.assert_array_equal(ts.spots, spots)
    assert ts.reference_date == as_date(date)
    assert ts.code == code and ts.currency == "DKK"
    assert ts.parameters.llp == 20 and ts.parameters.convergence_years == 40 and ts.parameters.coupon_freq == 1


@pytest.mark.parametrize("date", DATES)
@pytest.mark.parametrize("with_va", [False, True])
def test_the_two_workbooks_agree_for_every_curve_of_every_era(eiopa_dir, date, with_va):
    """Each country's Qb, found by its code in whatever form, gives its published spots."""
    vectors = read_all_qb(qb_sw(eiopa_dir, date), with_va)
    curves = read_all_term_structures(term_structures(eiopa_dir, date), with_va)
    assert len(vectors) == len(curves) >= 41
    from tjenestemandspension.curves.eiopa import find_qb

    for name, ts in curves.items():
        u, qb = find_qb(vectors, ts.code_prefix)
        curve = SmithWilsonCurve(ufr=ts.parameters.ufr, alpha=ts.parameters.alpha, u=u, qb=qb)
        # 5e-6 is half the published rounding; 1e-9 more for a tie (Japan 2023-05, 1 year:
        # −0.000175 published as −0.00018)
        assert np.max(np.abs(curve.spot(np.arange(1, 151)) - ts.spots)) <= 5e-6 + 1e-9, name


def test_2014_alpha_fit_and_three_letter_codes(eiopa_dir):
    path = term_structures(eiopa_dir, "20141231")
    code, label, _ = by_hand(path, "Denmark")
    assert label == "alpha_fit" and code.startswith("DKK_31_12_2014_")
    ts = read_term_structures(path, "Denmark")
    assert ts.parameters.alpha == pytest.approx(0.129597, abs=1e-12) and ts.code_prefix == "DKK"
    assert ts.reference_date_source == "the curve code"
    # the Qb sheet says DKK too; a two-letter code finds it as well
    np.testing.assert_array_equal(read_qb(qb_sw(eiopa_dir, "20141231"), "DK")[1],
                                  read_qb(qb_sw(eiopa_dir, "20141231"), "DKK")[1])
    assert read_term_structures(path, "United Kingdom").currency == "GBP"


def test_2014_with_va_curves_without_a_va(eiopa_dir):
    russia = read_term_structures(term_structures(eiopa_dir, "20141231"), "Russia", with_va=True)
    assert russia.parameters.va_bp is None  # the file says 'N/c'


def test_2016_unpadded_code_and_menu_text(eiopa_dir):
    path = term_structures(eiopa_dir, "20160131")
    ts = read_term_structures(path, "Denmark")
    assert ts.code == "DK_31_1_2016_SWP_LLP_20_EXT_40_UFR_4.2"
    assert ts.reference_date == dt.date(2016, 1, 31) and ts.reference_date_source == "the curve code"
    workbook = openpyxl.load_workbook(path, read_only=True)
    assert workbook["Main_Menu"]["A1"].value == "31-01-2016"
    workbook.close()
    uk = read_term_structures(path, "United Kingdom")
    assert uk.code_prefix == "GB"
    assert read_qb_for(qb_sw(eiopa_dir, "20160131"), uk)[1].size > 0  # labelled UK in the Qb sheet


def test_2023_05_date_from_the_main_menu(eiopa_dir):
    ts = read_term_structures(term_structures(eiopa_dir, "20230531"), "Denmark")
    assert ts.code == "DK_PEE_LLP_20_EXT_40_UFR_3.45"
    assert ts.reference_date == dt.date(2023, 5, 31)
    assert ts.reference_date_source == "Main_Menu!A1 '2023-05-31'"
    euro = read_term_structures(term_structures(eiopa_dir, "20230531"), "Euro")
    assert euro.code_prefix == "EU" and euro.currency == "EUR"


def test_2023_05_qb_with_va_labels_stand_one_column_right(eiopa_dir):
    path = qb_sw(eiopa_dir, "20230531")
    workbook = openpyxl.load_workbook(path, read_only=True)
    rows = list(workbook["SW_Qb_with_VA"].iter_rows(min_row=10, max_row=11, max_col=8, values_only=True))
    workbook.close()
    assert rows[0][4] == "EUR" and rows[1][4] is None and rows[1][3] is not None  # the vector is left of its label
    u, qb = read_qb(path, "DK", with_va=True)
    ts = read_term_structures(term_structures(eiopa_dir, "20230531"), "Denmark", with_va=True)
    curve = SmithWilsonCurve(ufr=ts.parameters.ufr, alpha=ts.parameters.alpha, u=u, qb=qb)
    assert np.max(np.abs(curve.spot(np.arange(1, 151)) - ts.spots)) <= 5e-6


def test_2025_12_parameters_sheet_gives_the_currency(eiopa_dir):
    path = term_structures(eiopa_dir, "20251231")
    workbook = openpyxl.load_workbook(path, read_only=True)
    assert "Parameters" in workbook.sheetnames
    workbook.close()
    curves = read_all_term_structures(path)
    assert curves["Denmark"].currency == "DKK" and curves["Sweden"].currency == "SEK"
    assert curves["Euro"].currency == "EUR" and curves["United Kingdom"].currency == "GBP"


@pytest.mark.parametrize("date", DATES)
def test_cli_shows_each_era_with_its_reference_date(eiopa_dir, date):
    path = term_structures(eiopa_dir, date)
    _, _, spots = by_hand(path, "Denmark")
    result = runner.invoke(app, ["curve", "show", "--file", str(path), "--country", "Denmark"])
    assert result.exit_code == 0, result.output
    reference = as_date(date).isoformat()
    assert f"EIOPA RFR {reference} Denmark uden VA (DKK)" in result.output
    assert f"Reference:  {reference} (from " in result.output
    assert "method Smith-Wilson (as EIOPA publishes it)" in result.output
    for years in (1, 20, 150):
        assert f"{years:>6}  {spots[years - 1] * 100:>9.3f}%" in result.output


# --- each quirk on a workbook written by the test -----------------------------------------

def write_workbook(path, code="DK_31_12_2024_SWP_LLP_20_EXT_40_UFR_3.30", menu=None, alpha_label="alpha",
                   va=None):
    workbook = openpyxl.Workbook()
    workbook.active.title = "Main_Menu"
    if menu is not None:
        workbook.active["A1"] = menu
    sheet = workbook.create_sheet("RFR_spot_no_VA")
    sheet.cell(2, 2, "Main menu")
    sheet.cell(2, 3, "Denmark")
    sheet.cell(3, 3, code)
    for row, (label, value) in enumerate(zip(["Coupon_freq", "LLP", "Convergence", "UFR", alpha_label, "CRA", "VA"],
                                             [1, 20, 40, 3.3, 0.12, 11, va]), start=4):
        sheet.cell(row, 2, label)
        sheet.cell(row, 3, value)
    for n in range(1, 151):
        sheet.cell(10 + n, 2, n)
        sheet.cell(10 + n, 3, 0.02 + n * 1e-5)
    workbook.save(path)
    return path


@pytest.mark.parametrize("code,expected", [
    ("DK_31_12_2024_SWP_LLP_20_EXT_40_UFR_3.30", dt.date(2024, 12, 31)),
    ("DK_31_1_2016_SWP_LLP_20_EXT_40_UFR_4.2", dt.date(2016, 1, 31)),
    ("DKK_28_2_2015_SWP_LLP_20_EXT_40_UFR_4.2", dt.date(2015, 2, 28)),
    ("DK_PEE_LLP_20_EXT_40_UFR_3.45", None),
    ("DK_31_2_2016_SWP", None),  # no such day
])
def test_reference_date_in_any_form_of_code(code, expected):
    assert reference_date_from_code(code) == expected


@pytest.mark.parametrize("cell,expected", [
    ("2023-05-31", dt.date(2023, 5, 31)),
    ("31-01-2016", dt.date(2016, 1, 31)),
    (" 31-12-2014 ", dt.date(2014, 12, 31)),
    ("31.03.2015", dt.date(2015, 3, 31)),
    (dt.datetime(2019, 6, 30), dt.date(2019, 6, 30)),
    (dt.date(2019, 6, 30), dt.date(2019, 6, 30)),
    ("Main menu", None),
    (43646, None),  # a bare number is not taken for a date
])
def test_menu_cell_as_text_or_date(cell, expected):
    assert reference_date_from_menu_cell(cell) == expected


def test_reference_date_falls_back_to_menu_then_file_name(tmp_path):
    dateless = "DK_PEE_LLP_20_EXT_40_UFR_3.45"
    from_menu = read_term_structures(write_workbook(tmp_path / "a.xlsx", dateless, menu=dt.datetime(2023, 6, 30)))
    assert from_menu.reference_date == dt.date(2023, 6, 30)
    assert from_menu.reference_date_source == "Main_Menu!A1 '2023-06-30 00:00:00'"
    named = tmp_path / "EIOPA_RFR_20230731_Term_Structures.xlsx"
    from_name = read_term_structures(write_workbook(named, dateless))
    assert from_name.reference_date == dt.date(2023, 7, 31)
    assert from_name.reference_date_source == "the file name"
    assert reference_date_from_file_name("EIOPA_RFR_20230231_Term_Structures.xlsx") is None


def test_a_file_name_with_another_date_is_noted(tmp_path):
    renamed = write_workbook(tmp_path / "EIOPA_RFR_20251231_Term_Structures.xlsx")  # the content says 2024-12-31
    result = runner.invoke(app, ["curve", "show", "--file", str(renamed)])
    assert result.exit_code == 0
    assert result.stderr.strip() == ("note: the file name says 2025-12-31, the file itself 2024-12-31 "
                                     "(from the curve code)")
    assert "Reference:  2024-12-31 (from the curve code)" in result.stdout


def test_no_date_anywhere_is_a_clear_error(tmp_path):
    path = write_workbook(tmp_path / "rfr.xlsx", "DK_PEE_LLP_20_EXT_40_UFR_3.45")
    result = runner.invoke(app, ["curve", "show", "--file", str(path)])
    assert result.exit_code == 2
    assert result.output.strip() == (
        "error: rfr.xlsx [RFR_spot_no_VA], row 3, column 'Denmark': value 'DK_PEE_LLP_20_EXT_40_UFR_3.45': a curve "
        "code with the reference date (e.g. DK_31_12_2024_...), the date in Main_Menu!A1, or a file name "
        "EIOPA_RFR_YYYYMMDD_...")


def test_alpha_fit_label(tmp_path):
    ts = read_term_structures(write_workbook(tmp_path / "rfr.xlsx", alpha_label="alpha_fit"))
    assert ts.parameters.alpha == 0.12
    curve = eiopa_discount_curve(ts)
    assert curve.parameters["reference_date_source"] == "the curve code"
    assert curve.provenance.note == "DK_31_12_2024_SWP_LLP_20_EXT_40_UFR_3.30; reference date from the curve code"


def test_country_codes_in_every_form():
    assert {country_code(c) for c in ("DK", "DKK", "dk")} == {"DK"}
    assert {country_code(c) for c in ("UK", "GB", "GBP")} == {"UK"}
    assert country_code("EUR") == country_code("EU") == "EU"
    assert country_code("SE") == country_code("SEK") == "SE"


def test_shifted_qb_labels_written_by_the_test(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "SW_Qb_with_VA"
    for label_column, code in ((5, "EUR"), (8, "DK")):  # labels one column right of their vectors
        sheet.cell(10, label_column, code)
        for n in range(1, 4):
            sheet.cell(10 + n, label_column - 2, n)
            sheet.cell(10 + n, label_column - 1, n * (1.5 if code == "DK" else 1.0))
    workbook.save(tmp_path / "qb.xlsx")
    u, qb = read_qb(tmp_path / "qb.xlsx", "DKK", with_va=True)
    assert list(u) == [1, 2, 3] and list(qb) == [1.5, 3.0, 4.5]
