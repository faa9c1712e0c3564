"""Reading and validating the register: formats accepted, and every rule's exact message."""

from __future__ import annotations

import datetime as dt

import numpy as np
import openpyxl
import pandas as pd
import pytest

from tjenestemandspension.actuarial import read_register
from tjenestemandspension.actuarial.register import STATUS_ACTIVE, STATUS_CHILD, STATUS_DEFERRED, STATUS_RETIRED, STATUS_SPOUSE, UNKNOWN
from tjenestemandspension.errors import InputError

pytestmark = pytest.mark.english  # asserts the English texts of problems (tests/conftest.py)

V = dt.date(2024, 12, 31)
HEADER = "person_id;birth_date;sex;status;service_years;pensionable_salary;annual_pension"
GOOD_ROWS = [
    "A1;1965-04-12;M;active;20,5;450.000;",
    "A2;1970-01-31;K;deferred;12;380000,50;",
    "A3;1950-06-01;K;retired;;;210.000,00",
    "A4;1945-02-03;M;spouse;;;95000",
    "A5;2010-08-08;K;child;;;18000",
]


def write(tmp_path, lines, name="reg.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def problems(tmp_path, lines, name="reg.csv", encoding="utf-8"):
    with pytest.raises(InputError) as caught:
        read_register(write(tmp_path, lines, name, encoding), V)
    return [str(p) for p in caught.value.problems]


# --- what is accepted -------------------------------------------------------------------

def test_semicolon_csv_with_decimal_commas_and_danish_thousands(tmp_path):
    register = read_register(write(tmp_path, [HEADER, *GOOD_ROWS]), V)
    assert list(register.person_id) == ["A1", "A2", "A3", "A4", "A5"]
    assert list(register.status) == [STATUS_ACTIVE, STATUS_DEFERRED, STATUS_RETIRED, STATUS_SPOUSE, STATUS_CHILD]
    assert register.service_years[0] == 20.5
    assert register.pensionable_salary[0] == 450000.0
    assert register.pensionable_salary[1] == 380000.5
    assert register.annual_pension[2] == 210000.0
    assert np.isnan(register.annual_pension[0])
    assert register.birth_date[0] == np.datetime64("1965-04-12")
    assert list(register.row_numbers) == [2, 3, 4, 5, 6]
    assert register.employment_fraction[0] == 1.0 and register.state_share[0] == 0.0
    assert register.married[0] == UNKNOWN and register.spouse_sex[0] == UNKNOWN


def test_comma_csv_with_decimal_points(tmp_path):
    lines = [HEADER.replace(";", ","), "A1,1965-04-12,M,active,20.5,450000,", "A3,1950-06-01,K,retired,,,210000.75"]
    register = read_register(write(tmp_path, lines), V)
    assert register.service_years[0] == 20.5 and register.annual_pension[1] == 210000.75


def test_danish_column_names_statuses_and_dates(tmp_path):
    lines = [
        "medarbejdernr;fødselsdato;køn;status;pensionsalder;pensionsgivende_løn;årlig_pension;gift;forvaltning;kommune",
        "1;12-04-1965;M;aktiv;20;450000;;ja;Teknik;Aarhus",
        "2;01-06-1950;F;pensioneret;;;210000;nej;Social;Aarhus",
        "3;03-02-1945;K;ægtefælle;;;95000;;;Aarhus",
        "4;31-01-1970;K;opsat;12;380000;;;;Aarhus",
        "5;08-08-2010;M;barn;;;18000;;;Aarhus",
        "6;09-09-1940;K;efterlevende;;;80000;;;Aarhus",
        "7;10-10-1968;M;fraflyttet;10;300000;;;;Aarhus",
    ]
    register = read_register(write(tmp_path, lines), V)
    assert list(register.status) == [0, 2, 3, 1, 4, 3, 1]
    assert list(register.sex) == [0, 1, 1, 1, 0, 1, 0]
    assert list(register.married[:3]) == [1, 0, UNKNOWN]
    assert register.birth_date[0] == np.datetime64("1965-04-12")
    assert register.unit[0] == "Teknik" and register.municipality[0] == "Aarhus"


def test_bom_and_windows_1252(tmp_path):
    lines = ["person_id;fødselsdato;køn;status;årlig_pension", "A3;1950-06-01;K;retired;210000"]
    with_bom = tmp_path / "bom.csv"
    with_bom.write_bytes(b"\xef\xbb\xbf" + "\n".join(lines).encode("utf-8"))
    assert read_register(with_bom, V).annual_pension[0] == 210000
    latin = write(tmp_path, lines, "latin.csv", encoding="cp1252")
    assert read_register(latin, V).annual_pension[0] == 210000


def test_blank_rows_are_skipped_and_row_numbers_kept(tmp_path):
    lines = [HEADER, GOOD_ROWS[0], "", GOOD_ROWS[2], ";;;;;;", "A9;2030-01-01;M;retired;;;1"]
    assert problems(tmp_path, lines) == [
        "reg.csv, row 6 (person_id 'A9'), column 'birth_date': value '2030-01-01': expected a birth date before the "
        "valuation date 2024-12-31"]


def test_excel_and_parquet(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["person_id", "birth_date", "sex", "status", "annual_pension", "hire_date"])
    sheet.append(["X1", dt.datetime(1950, 6, 1), "K", "retired", 210000.5, None])
    sheet.append([17, "1948-01-31", "M", "retired", "150.000,00", None])
    workbook.save(tmp_path / "reg.xlsx")
    register = read_register(tmp_path / "reg.xlsx", V)
    assert list(register.person_id) == ["X1", "17"]
    assert register.birth_date[0] == np.datetime64("1950-06-01")
    assert list(register.annual_pension) == [210000.5, 150000.0]

    frame = pd.DataFrame({"person_id": ["P1", "P2"], "birth_date": pd.to_datetime(["1950-06-01", "1960-01-01"]),
                          "sex": ["K", "M"], "status": ["retired", "deferred"], "annual_pension": [1000.0, None],
                          "service_years": [None, 12.0], "pensionable_salary": [None, 300000]})
    frame.to_parquet(tmp_path / "reg.parquet")
    register = read_register(tmp_path / "reg.parquet", V)
    assert register.birth_date[1] == np.datetime64("1960-01-01") and register.service_years[1] == 12.0


# --- every rule, with its exact message --------------------------------------------------

def test_missing_required_columns(tmp_path):
    assert problems(tmp_path, ["birth_date;status;sex", "1960-01-01;retired;K"]) == [
        "reg.csv, column 'person_id': required column missing (also accepted: id, medarbejdernr)"]
    assert problems(tmp_path, ["id;status", "1;retired"]) == [
        "reg.csv, column 'birth_date': required column missing (also accepted: foedselsdato)",
        "reg.csv, column 'sex': required column missing (also accepted: koen)"]


def test_a_column_given_twice(tmp_path):
    assert problems(tmp_path, ["id;person_id;birth_date;sex;status", "1;1;1960-01-01;K;retired"]) == [
        "reg.csv, column 'person_id': the column person_id is given twice ('id' and 'person_id')"]


def test_column_required_by_status(tmp_path):
    lines = ["person_id;birth_date;sex;status;service_years;pensionable_salary",
             "A1;1965-04-12;M;active;20;450000", "A3;1950-06-01;K;retired;;", "A4;1951-06-01;K;retired;;"]
    assert problems(tmp_path, lines) == [
        "reg.csv, column 'annual_pension': required column missing: needed for status retired or "
        "spouse or child (rows 3, 4); accepted names: annual_pension, aarlig_pension"]


def test_value_required_by_status(tmp_path):
    lines = [HEADER, "A1;1965-04-12;M;active;;450000;", "A3;1950-06-01;K;retired;;;"]
    assert problems(tmp_path, lines) == [
        "reg.csv, row 2 (person_id 'A1'), column 'service_years': expected a value for status active or deferred",
        "reg.csv, row 3 (person_id 'A3'), column 'annual_pension': expected a value for status retired or spouse or child"]


def test_duplicate_and_empty_ids(tmp_path):
    lines = [HEADER, GOOD_ROWS[0], GOOD_ROWS[2], GOOD_ROWS[0], ";1950-06-01;K;retired;;;1000"]
    assert problems(tmp_path, lines) == [
        "reg.csv, row 4, column 'person_id': value 'A1': expected a unique person_id; also on row 2",
        "reg.csv, row 5, column 'person_id': expected a person id"]


def test_birth_dates(tmp_path):
    lines = [HEADER, "A1;2025-03-01;M;retired;;;1000", "A2;1960-02-30;K;retired;;;1000",
             "A3;15-03-1960;K;retired;;;1000", "A4;;K;retired;;;1000", "A5;2024-12-31;K;child;;;1000"]
    assert problems(tmp_path, lines) == [
        "reg.csv, row 2 (person_id 'A1'), column 'birth_date': value '2025-03-01': expected a birth date before the valuation date 2024-12-31",
        "reg.csv, row 3 (person_id 'A2'), column 'birth_date': value '1960-02-30': expected a valid calendar date (YYYY-MM-DD)",
        "reg.csv, row 4 (person_id 'A3'), column 'birth_date': value '15-03-1960': expected a date in the column's format YYYY-MM-DD (as in row 2)",
        "reg.csv, row 5 (person_id 'A4'), column 'birth_date': expected a birth date",
        "reg.csv, row 6 (person_id 'A5'), column 'birth_date': value '2024-12-31': expected a birth date before the valuation date 2024-12-31"]


def test_an_unreadable_first_date(tmp_path):
    assert problems(tmp_path, [HEADER, "A1;12/31/60;M;retired;;;1000"]) == [
        "reg.csv, row 2 (person_id 'A1'), column 'birth_date': value '12/31/60': expected a date as YYYY-MM-DD or DD-MM-YYYY"]


def test_cpr_numbers_are_never_shown(tmp_path):
    assert problems(tmp_path, [HEADER, "A1;010160-1234;M;retired;;;1000"]) == [
        "reg.csv, row 2 (person_id 'A1'), column 'birth_date': expected a date as YYYY-MM-DD or DD-MM-YYYY "
        "(the value looks like a CPR number and is not shown)"]


def test_a_person_id_that_looks_like_a_cpr_number_is_not_named(tmp_path):
    lines = [HEADER, "0101601234;1950-01-01;X;retired;;;1000", "P-7;1950-01-01;X;retired;;;1000"]
    assert problems(tmp_path, lines) == [
        "reg.csv, row 2, column 'sex': value 'X': expected M or K (F is accepted for women)",
        "reg.csv, row 3 (person_id 'P-7'), column 'sex': value 'X': expected M or K (F is accepted for women)"]


def test_status_and_sex(tmp_path):
    lines = [HEADER, "A1;1950-01-01;X;pensioner;;;1000", "A2;1950-01-01;;retired;;;1000"]
    assert problems(tmp_path, lines) == [
        "reg.csv, row 2 (person_id 'A1'), column 'sex': value 'X': expected M or K (F is accepted for women)",
        "reg.csv, row 2 (person_id 'A1'), column 'status': value 'pensioner': expected one of active, deferred, retired, "
        "spouse, child (or aktiv, fraflyttet, opsat, pensioneret, ægtefælle, efterlevende, barn)",
        "reg.csv, row 3 (person_id 'A2'), column 'sex': expected M or K (F is accepted for women)"]


def test_numbers_and_ranges(tmp_path):
    lines = [HEADER, "A1;1965-04-12;M;active;-1;450000;", "A2;1965-04-12;M;active;51;-5;",
             "A3;1950-06-01;K;retired;;;abc", "A4;1950-06-01;K;retired;;;-100", "A5;1950-06-01;K;retired;;;inf"]
    assert problems(tmp_path, lines) == [
        "reg.csv, row 2 (person_id 'A1'), column 'service_years': value '-1': expected service between 0 and 50 years",
        "reg.csv, row 3 (person_id 'A2'), column 'service_years': value '51': expected service between 0 and 50 years",
        "reg.csv, row 3 (person_id 'A2'), column 'pensionable_salary': value '-5': expected a salary of at least 0",
        "reg.csv, row 4 (person_id 'A3'), column 'annual_pension': value 'abc': expected a number",
        "reg.csv, row 5 (person_id 'A4'), column 'annual_pension': value '-100': expected a pension of at least 0",
        "reg.csv, row 6 (person_id 'A5'), column 'annual_pension': value 'inf': expected a number"]


def test_shares(tmp_path):
    lines = [HEADER + ";state_share;insured_share", "A3;1950-06-01;K;retired;;;1000;1,2;0",
             "A4;1950-06-01;K;retired;;;1000;0,7;0,6", "A5;1950-06-01;K;retired;;;1000;0,5;0,5"]
    assert problems(tmp_path, lines) == [
        "reg.csv, row 2 (person_id 'A3'), column 'state_share': value '1,2': expected a fraction from 0 to 1",
        "reg.csv, row 3 (person_id 'A4'), column 'insured_share': value '1.2999999999999998': expected state_share + "
        "insured_share at most 1"]


def test_optional_columns(tmp_path):
    lines = [HEADER + ";pension_age;employment_fraction;married;spouse_birth_date;spouse_sex;hire_date;projected_salary",
             "A1;1965-04-12;M;active;20;450000;;6,5;0;maybe;2030-01-01;Q;2025-01-01;-1",
             "A2;1965-04-12;M;active;20;450000;;;1,5;;;;1960-01-01;"]
    assert problems(tmp_path, lines) == [
        "reg.csv, row 2 (person_id 'A1'), column 'pension_age': value '6,5': expected a pension age between 50 and 80 years",
        "reg.csv, row 2 (person_id 'A1'), column 'employment_fraction': value '0': expected an employment fraction above 0 and at most 1",
        "reg.csv, row 2 (person_id 'A1'), column 'married': value 'maybe': expected true or false (ja/nej), or empty to use the basis probability",
        "reg.csv, row 2 (person_id 'A1'), column 'spouse_birth_date': value '2030-01-01': expected a birth date before the valuation date 2024-12-31",
        "reg.csv, row 2 (person_id 'A1'), column 'spouse_sex': value 'Q': expected M or K (F is accepted for women), or empty",
        "reg.csv, row 2 (person_id 'A1'), column 'hire_date': value '2025-01-01': expected a hire date on or before the valuation date 2024-12-31",
        "reg.csv, row 2 (person_id 'A1'), column 'projected_salary': value '-1': expected a salary of at least 0",
        "reg.csv, row 3 (person_id 'A2'), column 'employment_fraction': value '1,5': expected an employment fraction above 0 and at most 1",
        "reg.csv, row 3 (person_id 'A2'), column 'hire_date': value '1960-01-01': expected a hire date after the birth date"]


def test_a_row_with_too_many_fields(tmp_path):
    lines = [HEADER, GOOD_ROWS[0], "A2;1970-01-31;K;deferred;12;380000;;extra"]
    assert problems(tmp_path, lines) == [
        "reg.csv, row 3: expected 7 fields separated by ';' like the header, found 8"]


def test_files_that_are_not_registers(tmp_path):
    (tmp_path / "empty.csv").write_text("")
    (tmp_path / "header.csv").write_text(HEADER + "\n")
    (tmp_path / "reg.json").write_text("{}")
    cases = {
        "empty.csv": "empty.csv: the file is empty; expected a header row with the register columns",
        "header.csv": "header.csv: has a header but no persons",
        "reg.json": "reg.json: unsupported file type '.json'; expected .csv, .xlsx or .parquet",
        "missing.csv": "missing.csv: file not found (expected a register: .csv, .xlsx or .parquet)",
    }
    for name, message in cases.items():
        with pytest.raises(InputError) as caught:
            read_register(tmp_path / name, V)
        assert [str(p) for p in caught.value.problems] == [message]


def test_all_problems_are_reported_together_in_row_order(tmp_path):
    lines = [HEADER, "A1;2025-03-01;X;active;;450000;", GOOD_ROWS[1], "A1;1950-06-01;K;retired;;;-1"]
    found = problems(tmp_path, lines)
    assert [line.split(",")[1].strip() for line in found] == ["row 2 (person_id 'A1')"] * 3 + [
        "row 4", "row 4 (person_id 'A1')"]  # the duplicate id itself is the value, not repeated
    assert len(found) == 5
