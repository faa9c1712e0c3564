"""Hard input: a corpus of malformed registers and basis files (tests/data/bad), each with
the exact messages `tjp value` prints, and the proof that nothing is written.

Every file in tests/data/bad must have an entry in EXPECTED (a test checks it), so the
corpus and the expectations cannot drift apart. A `.toml` file is a basis, run with the
valid example register of `tjp example`; any other file is a register, run with the
built-in basis. The comment above each entry says what is wrong with the file.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pytest
from typer.testing import CliRunner

from tjenestemandspension.actuarial import read_register
from tjenestemandspension.cli.main import app

pytestmark = pytest.mark.english  # asserts the English texts of problems (tests/conftest.py)

BAD = Path(__file__).parent / "data" / "bad"
V = dt.date(2024, 12, 31)
CPR_LIKE = re.compile(r"(?<!\d)\d{6}[-\s]?\d{4}(?!\d)")  # DDMMYY-NNNN, not within a longer number
# the CPR numbers in the corpus, also as digits only and without a lost leading zero
CPR_DIGITS = ("1204654321", "120465-4321", "0106501234", "106501234", "030245 1234", "0302451234")

runner = CliRunner()

EXPECTED: dict[str, list[str]] = {
    # a salary of 450 billion and pensions of 1e300 and 1e400 kr.
    "absurd_amounts.csv": [
        ("absurd_amounts.csv, row 2 (person_id 'A1'), column 'pensionable_salary': value '450000000000': "
         "expected a salary of at most 10 million kr. a year"),
        ("absurd_amounts.csv, row 3 (person_id 'A3'), column 'annual_pension': value '1e300': expected a "
         "pension of at most 10 million kr. a year"),
        ("absurd_amounts.csv, row 4 (person_id 'A4'), column 'annual_pension': value '1e400': expected a "
         "number"),
    ],
    # amounts with units: '20 år', '450.000 kr.', 'DKK 210000'
    "amounts_with_currency.csv": [
        ("amounts_with_currency.csv, row 2 (person_id 'A1'), column 'service_years': value '20 år': "
         "expected a number"),
        ("amounts_with_currency.csv, row 2 (person_id 'A1'), column 'pensionable_salary': value '450.000 "
         "kr.': expected a number"),
        ("amounts_with_currency.csv, row 3 (person_id 'A3'), column 'annual_pension': value 'DKK 210000': "
         "expected a number"),
    ],
    # the payout-age table's born_from dates not increasing
    "basis_age_table_unsorted.toml": [
        ("basis_age_table_unsorted.toml, key 'pension_age.payout_age_table': value '[{ born_from = "
         "1967-01-01, age = 62 }, { born_from = 1960...': expected a list of { born_from = YYYY-MM-DD, "
         "age = number } in increasing born_from"),
    ],
    # choices misspelt: active_basis 'acrued', curve.source 'EIOPA-2024'
    "basis_choice_misspelt.toml": [
        ("basis_choice_misspelt.toml, key 'valuation.active_basis': value 'acrued': expected one of "
         "accrued, projected"),
        ("basis_choice_misspelt.toml, key 'curve.source': value 'EIOPA-2024': expected one of builtin, "
         "eiopa, flat, par_rates"),
    ],
    # a key given twice in a section (invalid TOML)
    "basis_duplicate_key.toml": [
        ("basis_duplicate_key.toml: is not valid TOML (Cannot overwrite a value (at line 3, column 13)); "
         "expected a basis file"),
    ],
    # curve.source = eiopa with a curve file that does not exist
    "basis_eiopa_file_missing.toml": [
        ("EIOPA_RFR_20241231_Term_Structures.xlsx: file not found (expected EIOPA's RFR Term_Structures "
         "workbook)"),
    ],
    # curve.source = eiopa without curve.file
    "basis_eiopa_without_file.toml": [
        "basis_eiopa_without_file.toml, key 'curve.file': a value is needed because curve.source = eiopa",
    ],
    # curve.source = flat without curve.rate
    "basis_flat_without_rate.toml": [
        "basis_flat_without_rate.toml, key 'curve.rate': a value is needed because curve.source = flat",
    ],
    # inflation given in percent (2.0) instead of a fraction
    "basis_inflation_in_percent.toml": [
        ("basis_inflation_in_percent.toml, key 'inflation.rate': value '2.0': expected a number from -0.05 "
         "to 0.25"),
    ],
    # INI-style 'rate: 0.02' (not TOML)
    "basis_ini_style.toml": [
        ("basis_ini_style.toml: is not valid TOML (Expected '=' after a key in a key/value pair (at line 2, "
         "column 5)); expected a basis file"),
    ],
    # a setting above any [section]
    "basis_key_outside_section.toml": [
        ("basis_key_outside_section.toml, key 'rate': value '0.02': expected a [section] table (settings "
         "are section.name)"),
    ],
    # valuation date in the middle of a month
    "basis_month_middle_date.toml": [
        ("basis_month_middle_date.toml, key 'valuation.date': value '2024-12-15': expected the last day of "
         "a month"),
    ],
    # TOML nan and inf as numbers
    "basis_nan_and_inf.toml": [
        "basis_nan_and_inf.toml, key 'inflation.rate': value 'nan': expected a number from -0.05 to 0.25",
        ("basis_nan_and_inf.toml, key 'supplement.early_supplement_full': value 'inf': expected a number "
         "from 0 to 1000000"),
    ],
    # a JSON file given as the basis
    "basis_not_toml.toml": [
        ("basis_not_toml.toml: is not valid TOML (Invalid statement (at line 1, column 1)); expected a "
         "basis file"),
    ],
    # a basis saved as Windows-1252
    "basis_not_utf8.toml": [
        "basis_not_utf8.toml: is not UTF-8 text; expected a TOML basis file",
    ],
    # a text for a number: rate = "2 %", shift_bp = "ten"
    "basis_string_for_number.toml": [
        ("basis_string_for_number.toml, key 'inflation.rate': value '2 %': expected a number from -0.05 to "
         "0.25"),
        ("basis_string_for_number.toml, key 'curve.shift_bp': value 'ten': expected a number from -1000 to "
         "1000"),
    ],
    # misspelt keys (inflation.rte, spouse.age_diference_years)
    "basis_unknown_key.toml": [
        ("basis_unknown_key.toml, key 'inflation.rte': unknown basis key; known keys in [inflation]: "
         "inflation.rate, inflation.by_term"),
        ("basis_unknown_key.toml, key 'spouse.age_diference_years': unknown basis key; known keys in "
         "[spouse]: spouse.fraction, spouse.fraction_deferred, "
         "spouse.min_service_years_on_death_in_service, spouse.marriage_probability_men, "
         "spouse.marriage_probability_women, spouse.age_difference_years"),
    ],
    # an unknown section [discount]
    "basis_unknown_section.toml": [
        ("basis_unknown_section.toml, key 'discount.rate': unknown basis key; known sections: benefit, "
         "checks, columns, curve, ill_health, inflation, mortality, pension_age, spouse, supplement, valuation, work_injury"),
    ],
    # valuation date 9999-12-31
    "basis_valuation_date_year_9999.toml": [
        ("basis_valuation_date_year_9999.toml, key 'valuation.date': value '9999-12-31': expected a "
         "valuation date in the years 1990 to 2100"),
    ],
    # a value table with misspelt fields (sorce, dato)
    "basis_value_table_misspelt_field.toml": [
        ("basis_value_table_misspelt_field.toml, key 'inflation.rate': value 'dato, sorce': expected only "
         "value, source, date, placeholder and note in a value table"),
    ],
    # a value table whose value field is misspelt (vaule)
    "basis_value_table_without_value.toml": [
        ("basis_value_table_without_value.toml, key 'inflation.rate': value 'source, vaule': expected a "
         "value table with a value field, e.g. { value = ..., source = \"...\" }"),
    ],
    # wrong types: text for a bool, 2024.5 for a year, 1 for a bool, a short list
    "basis_wrong_types.toml": [
        "basis_wrong_types.toml, key 'mortality.improvements': value 'maybe': expected true or false",
        ("basis_wrong_types.toml, key 'mortality.benchmark_year': value '2024.5': expected a whole number "
         "from 1990 to 2100"),
        "basis_wrong_types.toml, key 'curve.with_va': value '1': expected true or false",
        ("basis_wrong_types.toml, key 'pension_age.reduction_table_1': value '[0.1, 0.07]': expected a list "
         "of 6 numbers between 0 and 1"),
    ],
    # only blank lines
    "blank_lines_only.csv": [
        "blank_lines_only.csv: the file is empty; expected a header row with the register columns",
    ],
    # only a UTF-8 byte-order mark and a line break
    "bom_only.csv": [
        "bom_only.csv: the file is empty; expected a header row with the register columns",
    ],
    # the status column twice
    "column_given_twice.csv": [
        "column_given_twice.csv, column 'status': the column status is given twice ('status' and 'status')",
    ],
    # CPR numbers (with dash, without, with a space) in birth_date
    "cpr_in_birth_date.csv": [
        ("cpr_in_birth_date.csv, row 2 (person_id 'A1'), column 'birth_date': expected a date as YYYY-MM-DD "
         "or DD-MM-YYYY (the value looks like a CPR number and is not shown)"),
        ("cpr_in_birth_date.csv, row 3 (person_id 'A3'), column 'birth_date': expected a date as YYYY-MM-DD "
         "or DD-MM-YYYY (the value looks like a CPR number and is not shown)"),
        ("cpr_in_birth_date.csv, row 4 (person_id 'A4'), column 'birth_date': expected a date as YYYY-MM-DD "
         "or DD-MM-YYYY (the value looks like a CPR number and is not shown)"),
    ],
    # CPR numbers shifted into service_years and annual_pension
    "cpr_in_numeric_column.csv": [
        ("cpr_in_numeric_column.csv, row 2 (person_id 'A1'), column 'service_years': expected service "
         "between 0 and 50 years (the value looks like a CPR number and is not shown)"),
        ("cpr_in_numeric_column.csv, row 3 (person_id 'A3'), column 'annual_pension': expected a pension of "
         "at most 10 million kr. a year (the value looks like a CPR number and is not shown)"),
    ],
    # decimal commas in a comma-separated file
    "decimal_comma_in_comma_csv.csv": [
        ("decimal_comma_in_comma_csv.csv, row 2: expected 7 fields separated by ',' like the header, found "
         "8; a decimal comma (or a comma in a text) splits a value in two: separate the columns by ';', "
         "or put such values in quotes"),
        ("decimal_comma_in_comma_csv.csv, row 3: expected 7 fields separated by ',' like the header, found "
         "8; a decimal comma (or a comma in a text) splits a value in two: separate the columns by ';', "
         "or put such values in quotes"),
    ],
    # a CPR number as person_id, twice
    "duplicate_cpr_as_person_id.csv": [
        ("duplicate_cpr_as_person_id.csv, row 3, column 'person_id': expected a unique person_id; also on "
         "row 2 (the value looks like a CPR number and is not shown)"),
    ],
    # a person_id twice (and one differing only in case, which is allowed)
    "duplicate_ids.csv": [
        ("duplicate_ids.csv, row 5, column 'person_id': value 'A1': expected a unique person_id; also on "
         "row 2"),
    ],
    # employment fraction as 100 (percent) and as '37/37'
    "employment_fraction_percent.csv": [
        ("employment_fraction_percent.csv, row 2 (person_id 'A1'), column 'employment_fraction': value "
         "'100': expected an employment fraction above 0 and at most 1"),
        ("employment_fraction_percent.csv, row 3 (person_id 'A2'), column 'employment_fraction': value "
         "'37/37': expected a number"),
    ],
    # employment fraction 0
    "employment_fraction_zero.csv": [
        ("employment_fraction_zero.csv, row 2 (person_id 'A1'), column 'employment_fraction': value '0': "
         "expected an employment fraction above 0 and at most 1"),
    ],
    # an empty file
    "empty.csv": [
        "empty.csv: the file is empty; expected a header row with the register columns",
    ],
    # birth dates as Excel serial numbers
    "excel_serial_dates.csv": [
        ("excel_serial_dates.csv, row 2 (person_id 'A1'), column 'birth_date': value '23844': expected a "
         "date as YYYY-MM-DD or DD-MM-YYYY"),
        ("excel_serial_dates.csv, row 3 (person_id 'A3'), column 'birth_date': value '18415': expected a "
         "date as YYYY-MM-DD or DD-MM-YYYY"),
    ],
    # birth dates after and on the valuation date
    "future_birth_date.csv": [
        ("future_birth_date.csv, row 3 (person_id 'A3'), column 'birth_date': value '2025-06-01': expected "
         "a birth date before the valuation date 2024-12-31"),
        ("future_birth_date.csv, row 4 (person_id 'A5'), column 'birth_date': value '2024-12-31': expected "
         "a birth date before the valuation date 2024-12-31"),
    ],
    # a header and rows of empty fields only
    "header_and_empty_rows.csv": [
        "header_and_empty_rows.csv: has a header but no persons",
    ],
    # a header only
    "header_only.csv": [
        "header_only.csv: has a header but no persons",
    ],
    # a quote opened in the header and never closed
    "header_unclosed_quote.csv": [
        "header_unclosed_quote.csv, row 1: expected a closing quote (\") in the header row",
    ],
    # hire date before birth, and after the valuation date
    "hire_date_before_birth_date.csv": [
        ("hire_date_before_birth_date.csv, row 2 (person_id 'A1'), column 'hire_date': value '1960-08-01': "
         "expected a hire date after the birth date"),
        ("hire_date_before_birth_date.csv, row 3 (person_id 'A2'), column 'hire_date': value '2025-02-01': "
         "expected a hire date on or before the valuation date 2024-12-31"),
    ],
    # a 140,000-character status field
    "huge_text_field.csv": [
        ("huge_text_field.csv, row 3 (person_id 'A3'), column 'status': value 'retired "
         "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...': expected one of active, deferred, "
         "retired, spouse, child (or aktiv, fraflyttet, opsat, pensioneret, ægtefælle, efterlevende, barn)"),
    ],
    # 29 February 1965, month 13, 31 April
    "invalid_calendar_dates.csv": [
        ("invalid_calendar_dates.csv, row 2 (person_id 'A1'), column 'birth_date': value '1965-02-29': "
         "expected a valid calendar date (YYYY-MM-DD)"),
        ("invalid_calendar_dates.csv, row 3 (person_id 'A3'), column 'birth_date': value '1950-13-01': "
         "expected a valid calendar date (YYYY-MM-DD)"),
        ("invalid_calendar_dates.csv, row 4 (person_id 'A4'), column 'birth_date': value '1945-04-31': "
         "expected a valid calendar date (YYYY-MM-DD)"),
    ],
    # a blank line above the header
    "leading_blank_line.csv": [
        ("leading_blank_line.csv, row 1: expected the header row, naming the columns (person_id, "
         "birth_date, sex, status, ...), in row 1; row 1 is empty"),
    ],
    # married 'måske', a future spouse birth date, spouse sex 'X'
    "married_and_spouse_data_invalid.csv": [
        ("married_and_spouse_data_invalid.csv, row 2 (person_id 'A1'), column 'married': value 'måske': "
         "expected true or false (ja/nej), or empty to use the basis probability"),
        ("married_and_spouse_data_invalid.csv, row 3 (person_id 'A3'), column 'spouse_birth_date': value "
         "'2030-01-01': expected a birth date before the valuation date 2024-12-31"),
        ("married_and_spouse_data_invalid.csv, row 3 (person_id 'A3'), column 'spouse_sex': value 'X': "
         "expected M or K (F is accepted for women), or empty"),
    ],
    # retired and spouse rows, no annual_pension column
    "missing_pension_column_for_retired.csv": [
        ("missing_pension_column_for_retired.csv, column 'annual_pension': required column missing: needed "
         "for status retired or spouse or child (rows 3, 4); accepted names: annual_pension, aarlig_pension"),
    ],
    # no birth_date and no sex column
    "missing_required_columns.csv": [
        ("missing_required_columns.csv, column 'birth_date': required column missing (also accepted: "
         "foedselsdato)"),
        "missing_required_columns.csv, column 'sex': required column missing (also accepted: koen)",
    ],
    # active members without service (and salary)
    "missing_service_for_active.csv": [
        ("missing_service_for_active.csv, row 2 (person_id 'A1'), column 'service_years': expected a value "
         "for status active or deferred"),
        ("missing_service_for_active.csv, row 4 (person_id 'A7'), column 'service_years': expected a value "
         "for status active or deferred"),
        ("missing_service_for_active.csv, row 4 (person_id 'A7'), column 'pensionable_salary': expected a "
         "value for status active or deferred"),
    ],
    # YYYY-MM-DD, DD-MM-YYYY, DD.MM.YYYY and YYYY/MM/DD in one column
    "mixed_date_formats.csv": [
        ("mixed_date_formats.csv, row 3 (person_id 'A2'), column 'birth_date': value '31-01-1970': expected "
         "a date in the column's format YYYY-MM-DD (as in row 2)"),
        ("mixed_date_formats.csv, row 4 (person_id 'A3'), column 'birth_date': value '01.06.1950': expected "
         "a date in the column's format YYYY-MM-DD (as in row 2)"),
        ("mixed_date_formats.csv, row 5 (person_id 'A4'), column 'birth_date': value '1945/02/03': expected "
         "a date in the column's format YYYY-MM-DD (as in row 2)"),
    ],
    # a UTF-8 file with a Windows-1252 row appended
    "mixed_utf8_and_windows1252.csv": [
        ("mixed_utf8_and_windows1252.csv, row 4: holds text that is not UTF-8 although the file's other "
         "rows are (Windows-1252 rows added to a UTF-8 file?); save the register as CSV UTF-8"),
    ],
    # 'NaN', 'inf' and '-Infinity' as amounts
    "nan_and_inf_texts.csv": [
        ("nan_and_inf_texts.csv, row 2 (person_id 'A1'), column 'service_years': value 'NaN': expected a "
         "number"),
        ("nan_and_inf_texts.csv, row 3 (person_id 'A3'), column 'annual_pension': value 'inf': expected a "
         "number"),
        ("nan_and_inf_texts.csv, row 4 (person_id 'A4'), column 'annual_pension': value '-Infinity': "
         "expected a number"),
    ],
    # negative service, salary and pension
    "negative_amounts.csv": [
        ("negative_amounts.csv, row 2 (person_id 'A1'), column 'service_years': value '-3': expected "
         "service between 0 and 50 years"),
        ("negative_amounts.csv, row 2 (person_id 'A1'), column 'pensionable_salary': value '-450000': "
         "expected a salary of at least 0"),
        ("negative_amounts.csv, row 3 (person_id 'A3'), column 'annual_pension': value '-210.000,00': "
         "expected a pension of at least 0"),
    ],
    # no header row: the first person (with a CPR number) is read as the header
    "no_header_row.csv": [
        ("no_header_row.csv, row 1: expected a header naming the columns person_id, birth_date, sex and "
         "status; found 'A1', (a CPR number, not shown), 'M', 'active', ..."),
        "no_header_row.csv, column 'person_id': required column missing (also accepted: id, medarbejdernr)",
        "no_header_row.csv, column 'birth_date': required column missing (also accepted: foedselsdato)",
        "no_header_row.csv, column 'sex': required column missing (also accepted: koen)",
        "no_header_row.csv, column 'status': required column missing",
    ],
    # a byte that is neither UTF-8 nor Windows-1252
    "non_utf8_bytes.csv": [
        ("non_utf8_bytes.csv, row 3: holds bytes that are neither UTF-8 nor Windows-1252 text; save the "
         "register as CSV UTF-8"),
    ],
    # an old .xls (OLE) workbook named .xlsx
    "old_xls_renamed.xlsx": [
        ("old_xls_renamed.xlsx: is an old Excel workbook (.xls) or a password-protected one; expected "
         ".xlsx: save it as an Excel workbook without a password, or as CSV UTF-8"),
    ],
    # pension age 6,5 (for 65)
    "pension_age_6_5.csv": [
        ("pension_age_6_5.csv, row 2 (person_id 'A1'), column 'pension_age': value '6,5': expected a "
         "pension age between 50 and 80 years"),
    ],
    # a quoted line break in a unit name (valid), then a bad status: the row number counts records
    "quoted_newline_then_bad_row.csv": [
        ("quoted_newline_then_bad_row.csv, row 3 (person_id 'A3'), column 'status': value 'pensioner': "
         "expected one of active, deferred, retired, spouse, child (or aktiv, fraflyttet, opsat, "
         "pensioneret, ægtefælle, efterlevende, barn)"),
    ],
    # a JSON register (unsupported type)
    "register.json": [
        "register.json: unsupported file type '.json'; expected .csv, .xlsx or .parquet",
    ],
    # service 51 and 370 years
    "service_above_50.csv": [
        ("service_above_50.csv, row 2 (person_id 'A1'), column 'service_years': value '51': expected "
         "service between 0 and 50 years"),
        ("service_above_50.csv, row 3 (person_id 'A2'), column 'service_years': value '370': expected "
         "service between 0 and 50 years"),
    ],
    # service 20.125 in a ';' file, read as 20125 (point = thousands separator)
    "service_with_three_decimals.csv": [
        ("service_with_three_decimals.csv, row 2 (person_id 'A1'), column 'service_years': value '20.125': "
         "expected service between 0 and 50 years; a point before three digits is a thousands separator "
         "in this file: write decimals with a comma"),
    ],
    # sex 'X' ('Kvinde' is accepted)
    "sex_x.csv": [
        ("sex_x.csv, row 2 (person_id 'A1'), column 'sex': value 'X': expected M or K (F is accepted for "
         "women)"),
    ],
    # state share 1,5 and insured share -0,1
    "shares_above_one.csv": [
        ("shares_above_one.csv, row 2 (person_id 'A3'), column 'state_share': value '1,5': expected a "
         "fraction from 0 to 1"),
        ("shares_above_one.csv, row 3 (person_id 'A4'), column 'insured_share': value '-0,1': expected a "
         "fraction from 0 to 1"),
    ],
    # state share + insured share = 1.1
    "shares_sum_above_one.csv": [
        ("shares_sum_above_one.csv, row 2 (person_id 'A3'), column 'insured_share': value '1.1': expected "
         "state_share + insured_share at most 1"),
    ],
    # an empty status
    "status_missing.csv": [
        ("status_missing.csv, row 3 (person_id 'A3'), column 'status': expected one of active, deferred, "
         "retired, spouse, child (or aktiv, fraflyttet, opsat, pensioneret, ægtefælle, efterlevende, barn)"),
    ],
    # status 'enke' ('pensionist' is accepted)
    "status_unknown.csv": [
        ("status_unknown.csv, row 4 (person_id 'A4'), column 'status': value 'enke': expected one of "
         "active, deferred, retired, spouse, child (or aktiv, fraflyttet, opsat, pensioneret, ægtefælle, "
         "efterlevende, barn)"),
    ],
    # a title row above the header
    "title_row_above_header.csv": [
        ("title_row_above_header.csv, row 1: expected a header naming the columns person_id, birth_date, "
         "sex and status; found 'Tjenestemænd pr. 31-12-2024' (a title above the header? give the header's "
         "row with --header-row N)"),
        ("title_row_above_header.csv, column 'person_id': required column missing (also accepted: id, "
         "medarbejdernr)"),
        ("title_row_above_header.csv, column 'birth_date': required column missing (also accepted: "
         "foedselsdato)"),
        "title_row_above_header.csv, column 'sex': required column missing (also accepted: koen)",
        "title_row_above_header.csv, column 'status': required column missing",
    ],
    # a row with 4 of 7 fields
    "too_few_fields.csv": [
        "too_few_fields.csv, row 3: expected 7 fields separated by ';' like the header, found 4",
    ],
    # a row with 8 of 7 fields
    "too_many_fields.csv": [
        "too_many_fields.csv, row 3: expected 7 fields separated by ';' like the header, found 8",
    ],
    # a Parquet file cut in half
    "truncated.parquet": [
        "truncated.parquet: is an incomplete Parquet file (its end is missing: cut off in copying?)",
    ],
    # birth dates with two-digit years
    "two_digit_years.csv": [
        ("two_digit_years.csv, row 2 (person_id 'A1'), column 'birth_date': value '12-04-65': expected a "
         "date as YYYY-MM-DD or DD-MM-YYYY"),
        ("two_digit_years.csv, row 3 (person_id 'A3'), column 'birth_date': value '01-06-50': expected a "
         "date as YYYY-MM-DD or DD-MM-YYYY"),
    ],
    # two exports put together: a second BOM and header in the middle
    "two_exports_concatenated.csv": [
        ("two_exports_concatenated.csv, row 4: repeats the header row; expected it once, in row 1 (two "
         "files put together?)"),
    ],
    # a quote that is never closed, swallowing the rows after it
    "unclosed_quote.csv": [
        ("unclosed_quote.csv, row 3: expected a closing quote (\") for the value opened in this row; as it "
         "stands the rest of the file is read as that one value"),
    ],
    # US month-first dates in a comma-separated file
    "us_dates.csv": [
        ("us_dates.csv, row 3 (person_id 'A3'), column 'birth_date': value '06/13/1950': expected a valid "
         "calendar date (DD/MM/YYYY)"),
    ],
    # Excel's 'Unicode text' export (UTF-16 with BOM, tabs)
    "utf16_excel_unicode_text.csv": [
        ("utf16_excel_unicode_text.csv: is UTF-16 text (as Excel saves \"Unicode text\"); save the register "
         "as CSV UTF-8"),
    ],
    # pipe-separated
    "wrong_delimiter_pipe.csv": [
        ("wrong_delimiter_pipe.csv, row 1: expected the columns separated by ';', ',' or a tab; found one "
         "column, the names in it separated by '|'"),
        ("wrong_delimiter_pipe.csv, column 'person_id': required column missing (also accepted: id, "
         "medarbejdernr)"),
        ("wrong_delimiter_pipe.csv, column 'birth_date': required column missing (also accepted: "
         "foedselsdato)"),
        "wrong_delimiter_pipe.csv, column 'sex': required column missing (also accepted: koen)",
        "wrong_delimiter_pipe.csv, column 'status': required column missing",
    ],
    # a workbook with a blank row, then a bad row: the row number counts sheet rows
    "xlsx_blank_row_then_bad_row.xlsx": [
        ("xlsx_blank_row_then_bad_row.xlsx, row 4 (person_id 'A3'), column 'sex': value 'X': expected M or "
         "K (F is accepted for women)"),
    ],
    # a workbook with the status column twice
    "xlsx_column_given_twice.xlsx": [
        ("xlsx_column_given_twice.xlsx, column 'status': the column status is given twice ('status' and "
         "'status')"),
    ],
    # a cover sheet first, the register on the second sheet
    "xlsx_data_on_second_sheet.xlsx": [
        ("xlsx_data_on_second_sheet.xlsx, row 1: expected a header naming the columns person_id, "
         "birth_date, sex and status; found 'Tjenestemandsregister pr. 3...' (of the sheets 'Forside', "
         "'Data', the first is read; choose another with --sheet NAME)"),
        ("xlsx_data_on_second_sheet.xlsx, column 'person_id': required column missing (also accepted: id, "
         "medarbejdernr)"),
        ("xlsx_data_on_second_sheet.xlsx, column 'birth_date': required column missing (also accepted: "
         "foedselsdato)"),
        "xlsx_data_on_second_sheet.xlsx, column 'sex': required column missing (also accepted: koen)",
        "xlsx_data_on_second_sheet.xlsx, column 'status': required column missing",
    ],
    # a workbook with an empty sheet
    "xlsx_empty_workbook.xlsx": [
        ("xlsx_empty_workbook.xlsx: the first sheet 'Sheet' is empty; expected the register there, with the "
         "header in row 1"),
    ],
    # #VALUE! and #N/A error cells where amounts are required
    "xlsx_formula_errors.xlsx": [
        ("xlsx_formula_errors.xlsx, row 2 (person_id 'A1'), column 'service_years': expected a value for "
         "status active or deferred"),
        ("xlsx_formula_errors.xlsx, row 3 (person_id 'A3'), column 'annual_pension': expected a value for "
         "status retired or spouse or child"),
    ],
    # a CSV text file named .xlsx
    "xlsx_that_is_text.xlsx": [
        ("xlsx_that_is_text.xlsx: is a text file, not an Excel workbook; if it is a CSV register, name it "
         ".csv"),
    ],
    # issue 16: ages beyond the projection's horizon (0001-01-01, 150 years), valued at 0 kr. before
    "birth_date_age_over_120.csv": [
        ("birth_date_age_over_120.csv, row 2 (person_id 'A1'), column 'birth_date': value '0001-01-01': "
         "expected an age of at most 120 at the valuation date"),
        ("birth_date_age_over_120.csv, row 3 (person_id 'A2'), column 'birth_date': value '1874-06-01': "
         "expected an age of at most 120 at the valuation date"),
    ],
    # issue 16: hired at 10
    "hire_date_before_age_14.csv": [
        ("hire_date_before_age_14.csv, row 2 (person_id 'A1'), column 'hire_date': value '1990-08-01': "
         "expected a date at least 14 years after the birth date"),
    ],
    # issue 16: text after a date in a later row (was cut to 10 characters)
    "date_with_trailing_text.csv": [
        ("date_with_trailing_text.csv, row 3 (person_id 'A2'), column 'birth_date': value '1960-01-15 kl. 12': "
         "expected a date in the column's format YYYY-MM-DD (as in row 2)"),
    ],
    # issue 16: quoted "450,000" and "120,840" in a comma file (was read as 120840)
    "comma_in_number_comma_file.csv": [
        ("comma_in_number_comma_file.csv, row 2 (person_id 'A1'), column 'pensionable_salary': value "
         "'450,000': expected a number without a comma: in a comma-separated file '120,840' may mean 120840 "
         "or 120.84; write 120840 or 120.84"),
        ("comma_in_number_comma_file.csv, row 3 (person_id 'A3'), column 'annual_pension': value '120,840': "
         "expected a number without a comma: in a comma-separated file '120,840' may mean 120840 or 120.84; "
         "write 120840 or 120.84"),
    ],
    # issue 16: a NUL byte past the first 4 kB (was written raw to persons.csv)
    "nul_byte_after_4kb.csv": [
        "nul_byte_after_4kb.csv, row 201: holds a NUL byte (a damaged file?); expected a CSV register",
    ],
    # issue 16: an id with a leading BOM, another with a trailing zero-width space (were valued twice)
    "ids_with_bom_and_zero_width_space.csv": [
        ("ids_with_bom_and_zero_width_space.csv, row 3, column 'person_id': value 'A1': expected a unique "
         "person_id; also on row 2"),
        ("ids_with_bom_and_zero_width_space.csv, row 5, column 'person_id': value 'A2': expected a unique "
         "person_id; also on row 4"),
    ],
    # issue 16: a value nested 5,000 arrays deep (was an internal error)
    "basis_nested_5000_deep.toml": [
        "basis_nested_5000_deep.toml: is nested too deeply to be read; expected a basis file",
    ],
}


@pytest.fixture(scope="module")
def example_register(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("example")
    result = runner.invoke(app, ["example", str(folder), "--persons", "20"])
    assert result.exit_code == 0, result.output
    return folder / "register.csv"


def corpus() -> list[str]:
    return sorted(path.name for path in BAD.iterdir())


def test_every_corpus_file_has_its_expected_messages():
    assert len(corpus()) >= 30
    assert sorted(EXPECTED) == corpus(), "tests/data/bad and EXPECTED must name the same files"
    assert all(EXPECTED.values())


def test_no_expected_message_shows_a_cpr_number():
    for name, lines in EXPECTED.items():
        for line in lines:
            assert not CPR_LIKE.search(line), (name, line)
            assert not any(digits in line for digits in CPR_DIGITS), (name, line)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_input_is_reported_exactly_and_nothing_is_written(name, tmp_path, example_register):
    before = corpus()
    out = tmp_path / "out"
    if name.endswith(".toml"):
        args = ["value", str(example_register), "--basis", str(BAD / name), "--out", str(out)]
    else:
        args = ["value", str(BAD / name), "--out", str(out)]
    result = runner.invoke(app, args)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output and "internal error" not in result.output
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert result.stderr.splitlines() == [f"error: {line}" for line in EXPECTED[name]]
    assert not CPR_LIKE.search(result.stderr)
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []
    assert corpus() == before  # nothing written beside the input either


# --- what is not bad: accepted as HR and payroll systems write it ----------------------

HEADER = "person_id;birth_date;sex;status;service_years;pensionable_salary;annual_pension"


def write(tmp_path: Path, text: str, name: str = "reg.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


def test_cpr_and_name_columns_are_ignored_and_never_reach_the_results(tmp_path):
    register = write(tmp_path, "\n".join([
        HEADER + ";cpr;navn",
        "A1;1965-04-12;M;active;20,5;450.000;;120465-4321;Jens Hansen",
        "A3;1950-06-01;K;retired;;;210.000,00;0106501234;Karen Jensen",
    ]) + "\n")
    assert read_register(register, V).ignored_columns == ("cpr", "navn")
    out = tmp_path / "out"
    result = runner.invoke(app, ["value", str(register), "--booked=-1000000", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Hansen" not in result.output and not CPR_LIKE.search(result.output)
    texts = []
    for path in out.iterdir():
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as archive:
                texts += [archive.read(name).decode("utf-8", "replace") for name in archive.namelist()]
        else:
            texts.append(path.read_text(encoding="utf-8-sig"))
    for text in texts:
        assert "Hansen" not in text and "Jensen" not in text
        assert not any(digits in text for digits in CPR_DIGITS)


def test_a_quoted_line_break_in_a_text_is_valid_csv(tmp_path):
    register = read_register(write(tmp_path, HEADER + ';unit\nA1;1965-04-12;M;active;20;450000;;"Teknik\nog Miljø"\n'
                                              "A3;1950-06-01;K;retired;;;210000;Social\n"), V)
    assert list(register.unit) == ["Teknik\nog Miljø", "Social"]
    assert list(register.row_numbers) == [2, 3]


def test_old_mac_line_endings_and_trailing_separators(tmp_path):
    cr = read_register(write(tmp_path, f"{HEADER}\rA1;1965-04-12;M;active;20;450000;\rA3;1950-06-01;K;retired;;;1\r",
                             "cr.csv"), V)
    assert list(cr.person_id) == ["A1", "A3"]
    trailing = read_register(write(tmp_path, f"{HEADER};;\nA1;1965-04-12;M;active;20;450000;;;\n", "trailing.csv"), V)
    assert list(trailing.person_id) == ["A1"]


def test_a_point_before_three_digits_after_a_zero_is_a_decimal_point(tmp_path):
    register = read_register(write(tmp_path, HEADER + ";employment_fraction\n"
                                   "A1;1965-04-12;M;active;20;450.000;;0.125\n"), V)
    assert register.employment_fraction[0] == 0.125 and register.pensionable_salary[0] == 450000


def test_excel_number_cells_stay_numbers_beside_text_cells(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(";"))
    sheet.append(["A1", "1965-04-12", "M", "active", 20.125, "450.000,50", None])
    sheet.append(["A2", "1970-01-31", "K", "deferred", "12,5", 1.234, None])
    workbook.save(tmp_path / "reg.xlsx")
    register = read_register(tmp_path / "reg.xlsx", V)
    assert list(register.service_years) == [20.125, 12.5]
    assert list(register.pensionable_salary) == [450000.5, 1.234]
    assert not np.isnan(register.service_years).any()
