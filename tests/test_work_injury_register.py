"""The work-injury case register (docs/work-injuries.md §3): what it reads, and a corpus of
malformed case registers and claims triangles (tests/data/bad_work_injury, `triangle_*`
the triangles) each with its exact messages.

Every file in the corpus must have an entry in EXPECTED (a test checks it). The proof that
`tjp arbejdsskader` writes nothing on any of them is in tests/test_work_injury_cli.py.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tjenestemandspension.actuarial.work_injury.case_register import cases_from_frame, read_cases
from tjenestemandspension.actuarial.work_injury.triangle import read_triangle
from tjenestemandspension.actuarial.work_injury.cases import (
    BENEFIT_CASE_RESERVE,
    BENEFIT_CHILD,
    BENEFIT_EARNING_CAPACITY,
    BENEFIT_SPOUSE,
)
from tjenestemandspension.errors import InputError

pytestmark = pytest.mark.english  # asserts the English texts of problems (tests/conftest.py)

BAD = Path(__file__).parent / "data" / "bad_work_injury"
V = dt.date(2024, 12, 31)

EXPECTED: dict[str, list[str]] = {
    "absurd_amounts.csv": [
        "absurd_amounts.csv, row 2 (case_id 'S1'), column 'annual_amount': value '50000000.0': expected an annual amount of at most 10 million kr.",
        "absurd_amounts.csv, row 3 (case_id 'S2'), column 'reserve': value '2500000000.5': expected a reserve of at most 1000 million kr.",
    ],
    "amount_with_currency.csv": [
        "amount_with_currency.csv, row 2 (case_id 'S1'), column 'årlig_ydelse': value '120.000 kr.': expected a number",
    ],
    "birth_after_valuation_date.csv": [
        "birth_after_valuation_date.csv, row 2 (case_id 'S1'), column 'birth_date': value '2025-02-01': expected a birth date before the valuation date 2024-12-31",
    ],
    "case_id_missing.csv": [
        "case_id_missing.csv, row 2, column 'case_id': expected a case id",
    ],
    "case_reserve_column_missing.csv": [
        "case_reserve_column_missing.csv, column 'reserve': required column missing: needed for benefit case_reserve (rows 2)",
    ],
    "case_reserve_with_annual_amount.csv": [
        "case_reserve_with_annual_amount.csv, row 2 (case_id 'S1'), column 'annual_amount': value '50000.0': expected no annual amount on a case_reserve row (the estimate goes in reserve)",
    ],
    "case_reserve_without_reserve.csv": [
        "case_reserve_without_reserve.csv, row 2 (case_id 'S1'), column 'reserve': expected a value for benefit case_reserve",
        "case_reserve_without_reserve.csv, row 3 (case_id 'S2'), column 'reserve': value '-25000.0': expected a reserve of at least 0",
    ],
    "end_age_out_of_range.csv": [
        "end_age_out_of_range.csv, row 2 (case_id 'S1'), column 'end_age': value '12.0': expected an end age between 15 and 80 years",
        "end_age_out_of_range.csv, row 3 (case_id 'S2'), column 'end_age': value '85.0': expected an end age between 15 and 80 years",
    ],
    "header_only.csv": [
        'header_only.csv: has a header but no cases',
    ],
    "last_month_before_first.csv": [
        "last_month_before_first.csv, row 2 (case_id 'S1'), column 'last_month': value '2021-12': expected a last month on or after first_month",
    ],
    "member_register_given.csv": [
        "member_register_given.csv, row 1: expected a header naming the columns case_id and benefit; found 'person_id', 'birth_date', 'sex', 'status', ...",
        "member_register_given.csv, column 'case_id': required column missing (also accepted: sagsnr, sagsnummer)",
        "member_register_given.csv, column 'benefit': required column missing (also accepted: ydelse)",
    ],
    "month_not_a_month.csv": [
        "month_not_a_month.csv, row 2 (case_id 'S1'), column 'first_month': value '2020-13': expected a valid calendar date (YYYY-MM-DD), or a month YYYY-MM",
        "month_not_a_month.csv, row 3 (case_id 'S2'), column 'first_month': value 'maj 2020': expected a date in the column's format YYYY-MM-DD (as in row 2), or a month YYYY-MM",
    ],
    "running_amount_missing_or_not_positive.csv": [
        "running_amount_missing_or_not_positive.csv, row 2 (case_id 'S1'), column 'annual_amount': value '0.0': expected a positive annual amount for a running benefit",
        "running_amount_missing_or_not_positive.csv, row 3 (case_id 'S2'), column 'annual_amount': expected a value for a running benefit (loss_of_earning_capacity, spouse, child)",
        "running_amount_missing_or_not_positive.csv, row 4 (case_id 'S3'), column 'annual_amount': value '-5000.0': expected a positive annual amount for a running benefit",
    ],
    "running_without_birth_or_sex.csv": [
        "running_without_birth_or_sex.csv, row 2 (case_id 'S1'), column 'birth_date': expected a value for a running benefit (loss_of_earning_capacity, spouse, child)",
        "running_without_birth_or_sex.csv, row 3 (case_id 'S2'), column 'sex': expected a value for a running benefit (loss_of_earning_capacity, spouse, child)",
    ],
    "sex_unknown_word.csv": [
        "sex_unknown_word.csv, row 2 (case_id 'S1'), column 'sex': value 'X': expected M or K (F is accepted for women)",
    ],
    "spouse_without_first_month.csv": [
        "spouse_without_first_month.csv, row 2 (case_id 'S1'), column 'first_month': expected first_month (or last_month) for benefit spouse: the 10-year limit counts from the first month",
    ],
    "spouse_without_month_columns.csv": [
        "spouse_without_month_columns.csv, column 'first_month': required column missing: needed for benefit spouse, or last_month (rows 2)",
    ],
    "unknown_benefit.csv": [
        "unknown_benefit.csv, row 3 (case_id 'S2'), column 'benefit': value 'pension': expected one of loss_of_earning_capacity, spouse, child, case_reserve (or erhvervsevnetab, forsørgertab, ægtefælle, samlever, barn, sagsreserve)",
    ],    "triangle_absurd_amount.csv": [
        "triangle_absurd_amount.csv, row 2, column 'cumulative': value '1.5e+168': expected a cumulative amount of at most 1.000.000 million kr.",
    ],
    "triangle_amount_text.csv": [
        "triangle_amount_text.csv, row 2, column 'cumulative': value '100 kr': expected an amount",
    ],
    "triangle_duplicate.csv": [
        "triangle_duplicate.csv, row 4, column 'development_year': value '2': expected each development year once per accident year; accident year 2020 has it twice",
    ],
    "triangle_gap.csv": [
        "triangle_gap.csv, row 4, column 'development_year': expected consecutive development years from 1 for accident year 2020; development year 3 is missing",
    ],
    "triangle_header_wrong.csv": [
        "triangle_header_wrong.csv, column 'development_year': required column missing (also accepted: udviklingsaar); "
        "columns not recognised: 'udvikling', 'beløb'",
        "triangle_header_wrong.csv, column 'cumulative': required column missing (also accepted: kumuleret); "
        "columns not recognised: 'udvikling', 'beløb'",
    ],
    "triangle_late_first_year.csv": [
        "triangle_late_first_year.csv, row 4, column 'development_year': expected consecutive development years from 1 for accident year 2021; development year 1 is missing",
    ],
    "triangle_negative.csv": [
        "triangle_negative.csv, row 3, column 'cumulative': value '-150.0': expected a cumulative amount of at least 0",
    ],
    "triangle_no_amounts.csv": [
        'triangle_no_amounts.csv: has no amounts; expected one row per accident year and development year',
    ],
    "triangle_years_not_whole.csv": [
        "triangle_years_not_whole.csv, row 3, column 'development_year': value '1,5': expected a development year, a whole number from 0 to 100",
        "triangle_years_not_whole.csv, row 4, column 'accident_year': value '20x1': expected an accident year from 1900 to 2100",
    ],
}


def test_every_bad_file_has_its_messages():
    assert sorted(p.name for p in BAD.iterdir() if p.suffix == ".csv") == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_case_register_is_refused_with_its_messages(name):
    with pytest.raises(InputError) as caught:
        read_triangle(BAD / name) if name.startswith("triangle_") else read_cases(BAD / name, V)
    assert [str(p) for p in caught.value.problems] == EXPECTED[name]


def test_danish_columns_months_and_every_benefit():
    frame = pd.DataFrame({
        "Sagsnr": ["A1", "A2", "A2", "A3", "A4"],
        "Ydelse": ["Erhvervsevnetab", "Ægtefælle", "barn", "sagsreserve", "samlever"],
        "Fødselsdato": ["15-03-1970", "01-01-1972", "01-06-2015", "", "02-02-1975"],
        "Køn": ["M", "K", "M", "", "m"],
        "Årlig_ydelse": ["120.000,50", "80000", "20000", "", "1.000"],
        "Startdato": ["", "2020-05", "", "", "2021-08-17"],
        "Slutdato": ["", "", "2030-06-30", "", ""],
        "end_age": ["", "", "", "", "66,5"],
        "reserve": ["", "", "", "150.000", "10"],
        "kommune": ["X", "X", "X", "Y", "Y"],
        "note": ["", "", "", "", ""],
    })
    cases = cases_from_frame(frame, V)
    assert list(cases.case_id) == ["A1", "A2", "A2", "A3", "A4"]
    assert list(cases.benefit) == [BENEFIT_EARNING_CAPACITY, BENEFIT_SPOUSE, BENEFIT_CHILD, BENEFIT_CASE_RESERVE,
                                   BENEFIT_SPOUSE]
    np.testing.assert_array_equal(cases.annual_amount, [120000.5, 80000, 20000, 0, 1000])
    np.testing.assert_array_equal(cases.reserve, [0, 0, 0, 150000, 10])
    assert cases.first_month[1] == np.datetime64("2020-05") and cases.first_month[4] == np.datetime64("2021-08")
    assert cases.last_month[2] == np.datetime64("2030-06") and np.isnat(cases.last_month[0])
    assert cases.end_age[4] == 66.5 and np.isnan(cases.end_age[0])
    assert cases.sex[3] == -1 and np.isnat(cases.birth_date[3])
    assert list(cases.municipality) == ["X", "X", "X", "Y", "Y"]
    assert cases.ignored_columns == ("note",)
    assert list(cases.running) == [True, True, True, False, True]


@pytest.mark.parametrize("suffix", [".xlsx", ".parquet"])
def test_excel_and_parquet_read_like_csv(tmp_path, suffix):
    frame = pd.DataFrame({"case_id": ["A1", "A2"], "benefit": ["spouse", "case_reserve"],
                          "birth_date": [pd.Timestamp("1972-01-01"), pd.NaT], "sex": ["K", None],
                          "annual_amount": [80000.0, None], "first_month": [pd.Timestamp("2020-05-17"), pd.NaT],
                          "reserve": [None, 25000.0]})
    path = tmp_path / f"cases{suffix}"
    frame.to_excel(path, index=False) if suffix == ".xlsx" else frame.to_parquet(path)
    cases = read_cases(path, V)
    assert cases.first_month[0] == np.datetime64("2020-05") and cases.reserve[1] == 25000.0
    assert list(cases.benefit) == [BENEFIT_SPOUSE, BENEFIT_CASE_RESERVE]
