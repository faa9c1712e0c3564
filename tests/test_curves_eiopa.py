"""EIOPA file readers: the published files, a synthetic workbook in EIOPA's layout, and
bad input (one clear line, exit code 2, no traceback)."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import openpyxl
import pytest
from typer.testing import CliRunner

from tjenestemandspension.cli.main import app
from tjenestemandspension.curves import (
    SmithWilsonCurve,
    eiopa_discount_curve,
    list_countries,
    read_qb,
    read_term_structures,
)
from tjenestemandspension.errors import InputError

pytestmark = pytest.mark.english  # asserts the English texts of problems (tests/conftest.py)

runner = CliRunner()
FILES = {
    "20231231": ("EIOPA_RFR_20231231_Term_Structures.xlsx", "EIOPA_RFR_20231231_Qb_SW.xlsx"),
    "20241231": ("EIOPA_RFR_20241231_Term_Structures.xlsx", "EIOPA_RFR_20241231_Qb_SW.xlsx"),
}
CASES = [("20231231", "Euro", "EUR"), ("20231231", "Denmark", "DK"),
         ("20241231", "Euro", "EUR"), ("20241231", "Denmark", "DK")]


@pytest.fixture(scope="module")
def eiopa_dir(shared_dir):
    return shared_dir / "data" / "eiopa"


@pytest.fixture(scope="module")
def vectors(eiopa_dir):
    return json.loads((eiopa_dir / "smith_wilson_test_vectors.json").read_text())


@pytest.mark.parametrize("date,country,code", CASES)
@pytest.mark.parametrize("with_va", [False, True])
def test_reads_published_curve_and_parameters(eiopa_dir, vectors, date, country, code, with_va):
    v = vectors[f"{date}_{code}"]
    ts = read_term_structures(eiopa_dir / FILES[date][0], country, with_va)
    suffix = "withVA" if with_va else "noVA"
    np.testing.assert_array_equal(ts.spots, v[f"published_spot_{suffix}_1_150"])
    assert ts.reference_date == dt.date(int(date[:4]), int(date[4:6]), int(date[6:]))
    assert ts.country == country
    assert ts.code == v["header_code"]
    assert ts.parameters.alpha == v[f"alpha_{suffix}"]
    assert ts.parameters.ufr == pytest.approx(v["UFR_annual"], abs=1e-15)
    assert ts.parameters.llp == 20 and ts.parameters.convergence_years == 40
    assert ts.parameters.coupon_freq == 1
    assert ts.parameters.cra_bp == v["CRA_bp"]
    assert ts.parameters.va_bp == (v["VA_bp"] if with_va else None)


@pytest.mark.parametrize("date,country,code", CASES)
@pytest.mark.parametrize("with_va", [False, True])
def test_qb_file_reproduces_term_structure_file(eiopa_dir, date, country, code, with_va):
    """Both EIOPA files, read independently, agree through Smith-Wilson to 5e-6."""
    ts = read_term_structures(eiopa_dir / FILES[date][0], country, with_va)
    u, qb = read_qb(eiopa_dir / FILES[date][1], "EUR" if code == "EUR" else code, with_va)
    curve = SmithWilsonCurve(ufr=ts.parameters.ufr, alpha=ts.parameters.alpha, u=u, qb=qb)
    assert np.max(np.abs(curve.spot(np.arange(1, 151)) - ts.spots)) <= 5e-6


def test_qb_file_matches_vectors(eiopa_dir, vectors):
    u, qb = read_qb(eiopa_dir / FILES["20241231"][1], "DK")
    np.testing.assert_array_equal(u, vectors["20241231_DK"]["Qb_noVA_u"])
    np.testing.assert_array_equal(qb, vectors["20241231_DK"]["Qb_noVA"])


def test_lists_countries(eiopa_dir):
    countries = list_countries(eiopa_dir / FILES["20241231"][0])
    assert countries[0] == "Euro" and "Denmark" in countries and "United States" in countries


def test_cli_shows_a_published_file(eiopa_dir):
    result = runner.invoke(app, ["curve", "show", "--file", str(eiopa_dir / FILES["20231231"][0]),
                                 "--country", "Euro"])
    assert result.exit_code == 0, result.output
    assert "EIOPA RFR 2023-12-31 Euro uden VA" in result.output
    assert "alpha 0.115500" in result.output
    assert "     1      3.357%" in result.output


# --- a workbook in EIOPA's layout, written by the test ------------------------------------

PARAMETER_LABELS = ["Coupon_freq", "LLP", "Convergence", "UFR", "alpha", "CRA", "VA"]


def write_eiopa_like(path, countries=("Euro", "Denmark"), drop_label=None, spot_override=None,
                     with_menu=True):
    workbook = openpyxl.Workbook()
    menu = workbook.active
    menu.title = "Main_Menu"
    if with_menu:
        menu["A1"] = "2024-12-31"
    sheet = workbook.create_sheet("RFR_spot_no_VA")
    sheet.cell(2, 2, "Main menu")
    for j, name in enumerate(countries):
        column = 3 + j
        sheet.cell(2, column, name)
        sheet.cell(3, column, f"X{j}_31_12_2024_SWP_LLP_20_EXT_40_UFR_3.30")
        for row, (label, value) in enumerate(zip(PARAMETER_LABELS, [1, 20, 40, 3.3, 0.12, 10, None]), start=4):
            if label != drop_label:
                sheet.cell(row, 2, label)
            sheet.cell(row, column, value)
        for n in range(1, 151):
            sheet.cell(10 + n, 2, n)
            sheet.cell(10 + n, column, 0.02 + j * 0.001 + n * 1e-5)
    if spot_override:
        row, value = spot_override
        sheet.cell(row, 4, value)
    workbook.create_sheet("RFR_spot_with_VA")
    workbook.save(path)
    return path


def test_synthetic_workbook_is_read_by_country_name(tmp_path):
    path = write_eiopa_like(tmp_path / "rfr.xlsx", countries=("Euro", "Sweden", "Denmark"))
    ts = read_term_structures(path, "denmark")
    assert ts.country == "Denmark"
    assert ts.spots[0] == pytest.approx(0.022 + 1e-5)
    assert ts.reference_date == dt.date(2024, 12, 31)
    assert ts.parameters.ufr == pytest.approx(0.033)
    curve = eiopa_discount_curve(ts)
    assert curve.source == "eiopa" and curve.parameters["code"].startswith("X2_31_12_2024")


def cli_error(*args):
    result = runner.invoke(app, ["curve", "show", *map(str, args)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = result.output.strip().splitlines()
    assert len(lines) >= 1 and all(line.startswith("error: ") for line in lines)
    return lines


def test_missing_file(tmp_path):
    lines = cli_error("--file", tmp_path / "EIOPA_missing.xlsx")
    assert lines == ["error: EIOPA_missing.xlsx: file not found (expected EIOPA's RFR Term_Structures workbook)"]


def test_not_an_excel_file(tmp_path):
    path = tmp_path / "curve.xlsx"
    path.write_text("maturity;rate\n1;0.02\n")
    lines = cli_error("--file", path)
    assert lines[0].startswith("error: curve.xlsx: cannot be read as an Excel workbook")


def test_workbook_not_in_eiopa_layout(tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active.title = "Rates"
    workbook.save(tmp_path / "other.xlsx")
    lines = cli_error("--file", tmp_path / "other.xlsx")
    assert lines == ["error: other.xlsx: sheet 'RFR_spot_no_VA' not found: not EIOPA's RFR "
                     "Term_Structures layout (sheets found: Rates)"]


def test_unknown_country_lists_those_found(tmp_path):
    path = write_eiopa_like(tmp_path / "rfr.xlsx")
    lines = cli_error("--file", path, "--country", "Narnia")
    assert lines == ["error: rfr.xlsx [RFR_spot_no_VA]: country 'Narnia' not found in row 2; "
                     "countries found: Euro, Denmark"]


def test_missing_parameter_row(tmp_path):
    path = write_eiopa_like(tmp_path / "rfr.xlsx", drop_label="alpha")
    lines = cli_error("--file", path)
    assert lines == ["error: rfr.xlsx [RFR_spot_no_VA], row 8, column 'B': the parameter label "
                     "'alpha' (parameter row missing)"]


def test_bad_spot_value_names_row_and_column(tmp_path):
    path = write_eiopa_like(tmp_path / "rfr.xlsx", spot_override=(15, "n/a"))
    lines = cli_error("--file", path)
    assert lines == ["error: rfr.xlsx [RFR_spot_no_VA], row 15, column 'Denmark': value 'n/a': "
                     "a spot rate as a fraction between -1 and 1"]


def test_empty_with_va_sheet(tmp_path):
    path = write_eiopa_like(tmp_path / "rfr.xlsx")
    lines = cli_error("--file", path, "--with-va")
    assert lines == ["error: rfr.xlsx [RFR_spot_with_VA]: row 2 holds no country names: not EIOPA's layout"]


def test_qb_reader_unknown_code(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "SW_Qb_no_VA"
    sheet.cell(10, 4, "EUR")
    sheet.cell(11, 3, 1)
    sheet.cell(11, 4, -1.5)
    workbook.create_sheet("SW_Qb_with_VA")
    workbook.save(tmp_path / "qb.xlsx")
    u, qb = read_qb(tmp_path / "qb.xlsx", "EUR")
    assert list(u) == [1.0] and list(qb) == [-1.5]
    with pytest.raises(InputError, match="curve code 'DK' not found in row 10; codes found: EUR"):
        read_qb(tmp_path / "qb.xlsx", "DK")
