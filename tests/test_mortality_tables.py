"""Reading Finanstilsynet's benchmark tables: the published files, layout variants, and
every bad-input rule with its exact message."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import openpyxl
import pytest

from tjenestemandspension.mortality import MAX_TABLE_AGE, SEX_MEN, SEX_WOMEN, BenchmarkTable, read_benchmark_table
from tjenestemandspension.errors import InputError

pytestmark = pytest.mark.english  # asserts the English texts of problems (tests/conftest.py)

AGES = range(MAX_TABLE_AGE + 1)


# --- helpers ------------------------------------------------------------------------

def published_by_hand(path: Path) -> np.ndarray:
    """The published csv parsed with nothing but the csv module and float(): (2, 111)."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    assert rows[0] == ["Alder", "Kvinder", "Mænd"]
    values = np.full((2, 111), np.nan)
    for age, women, men in (row for row in rows[1:] if row):
        values[SEX_WOMEN, int(age)] = float(women)
        values[SEX_MEN, int(age)] = float(men)
    return values


def sample_rows(kind: str = "mortality") -> list[list[str]]:
    """A plausible table: rows [age, women, men] as text with decimal points, 10 significant
    digits as Finanstilsynet publishes them (and as a workbook stores them exactly)."""
    rows = []
    for age in AGES:
        if kind == "mortality":
            women, men = 1e-4 * np.exp(0.09 * age), 1.3e-4 * np.exp(0.09 * age)
        else:
            women, men = 0.02 - 0.0001 * age, 0.025 - 0.0002 * age
        rows.append([str(age), f"{women:.10g}", f"{men:.10g}"])
    return rows


def expected_values(rows: list[list[str]]) -> np.ndarray:
    values = np.empty((2, 111))
    for age, women, men in rows:
        values[SEX_WOMEN, int(age)] = float(women)
        values[SEX_MEN, int(age)] = float(men)
    return values


def write_csv(path: Path, rows: list[list[str]], header=("Alder", "Kvinder", "Mænd"), delimiter=";",
              decimal_comma=False, encoding="utf-8", line_end="\r\n") -> Path:
    lines = [delimiter.join(header)]
    for row in rows:
        cells = [cell.replace(".", ",") if decimal_comma else cell for cell in row]
        lines.append(delimiter.join(cells))
    path.write_bytes((line_end.join(lines) + line_end).encode(encoding))
    return path


def problems_of(path: Path, kind: str = "mortality") -> list[str]:
    with pytest.raises(InputError) as caught:
        read_benchmark_table(path, kind)
    return [str(problem) for problem in caught.value.problems]


# --- the published files --------------------------------------------------------------

@pytest.mark.parametrize("name, kind", [
    ("Benchmark_doedelighed2024.csv", "mortality"),
    ("Benchmark_levetidsforbedringer2024.csv", "improvement"),
    ("Benchmark_doedelighed2012.csv", "mortality"),
    ("Benchmark_levetidsforbedringer2012.csv", "improvement"),
])
def test_published_csv_files_read_exactly(published_dir, name, kind):
    path = published_dir / name
    table = read_benchmark_table(path, kind)
    assert table.kind == kind
    assert table.values.shape == (2, 111) and table.values.dtype == np.float64
    assert np.array_equal(table.values, published_by_hand(path))
    assert table.source_file == str(path)
    assert table.provenance.source == name


def test_published_numbers_spot_checks(published_dir):
    ft = published_dir
    mortality_2024 = read_benchmark_table(ft / "Benchmark_doedelighed2024.csv", "mortality")
    improvement_2024 = read_benchmark_table(ft / "Benchmark_levetidsforbedringer2024.csv", "improvement")
    mortality_2012 = read_benchmark_table(ft / "Benchmark_doedelighed2012.csv", "mortality")
    # literals copied from the published files
    assert mortality_2024.values[SEX_WOMEN, 0] == 0.003685712328
    assert mortality_2024.values[SEX_MEN, 0] == 0.004137570002
    assert mortality_2024.values[SEX_WOMEN, 2] == 8.173374278e-5
    assert mortality_2024.values[SEX_MEN, 110] == 0.8074880865
    assert improvement_2024.values[SEX_WOMEN, 1] == 0.0814156636
    assert improvement_2024.values[SEX_MEN, 110] == 0.0
    assert mortality_2012.values[SEX_WOMEN, 110] == 0.691382
    assert mortality_2012.men[1] == 0.000332


def test_published_2022_workbook_reads_exactly(shared_dir):
    path = shared_dir / "data" / "ft" / "Benchmark_doedelighed2022_010224.xlsx"
    table = read_benchmark_table(path, "mortality")
    workbook = openpyxl.load_workbook(path, data_only=True)
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert rows[0] == ("Alder", "Kvinder", "Mænd")
    for age, women, men in rows[1:]:
        assert table.values[SEX_WOMEN, age] == women
        assert table.values[SEX_MEN, age] == men
    assert table.values[SEX_WOMEN, 0] == 0.00302799040210515
    assert table.values[SEX_MEN, 110] == 0.826147338816912


# --- layout variants ------------------------------------------------------------------

@pytest.mark.parametrize("variant", [
    dict(delimiter=";"),
    dict(delimiter=";", decimal_comma=True),
    dict(delimiter=","),
    dict(delimiter="\t"),
    dict(header=("Alder", "Kvinder", "Maend")),
    dict(header=("alder ", " KVINDER", "mand")),
    dict(encoding="utf-8-sig"),  # with a BOM
    dict(encoding="cp1252", decimal_comma=True),  # Danish Excel export
    dict(line_end="\n"),
    dict(header=("Alder", "Kvinder", "MÃ¦nd")),  # UTF-8 read back as cp1252 once
])
def test_csv_variants_read_the_same_numbers(tmp_path, variant):
    rows = sample_rows()
    path = write_csv(tmp_path / "Benchmark_doedelighed2030.csv", rows, **variant)
    assert np.array_equal(read_benchmark_table(path, "mortality").values, expected_values(rows))


def test_bom_is_not_part_of_the_first_header(tmp_path):
    rows = sample_rows()
    path = write_csv(tmp_path / "m.csv", rows, encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    assert np.array_equal(read_benchmark_table(path, "mortality").values, expected_values(rows))


def test_columns_in_another_order_blank_lines_and_extra_columns(tmp_path):
    rows = sample_rows()
    lines = ["Note;Mænd;Alder;Kvinder"] + [f"x;{men};{age};{women}" for age, women, men in rows]
    lines.insert(5, "")
    (tmp_path / "m.csv").write_text("\n".join(lines) + "\n\n", encoding="utf-8")
    assert np.array_equal(read_benchmark_table(tmp_path / "m.csv", "mortality").values, expected_values(rows))


def test_improvement_table_with_decimal_comma(tmp_path):
    rows = sample_rows("improvement")
    path = write_csv(tmp_path / "Benchmark_levetidsforbedringer2030.csv", rows, decimal_comma=True)
    table = read_benchmark_table(path, "improvement")
    assert table.kind == "improvement"
    assert np.array_equal(table.values, expected_values(rows))


def test_xlsx_created_with_openpyxl(tmp_path):
    rows = sample_rows()
    workbook = openpyxl.Workbook()
    cover = workbook.active
    cover.title = "Forside"
    cover["A1"] = "Finanstilsynet benchmark"  # a sheet without the table comes first
    sheet = workbook.create_sheet("Data")
    sheet["A1"] = "Benchmark for dødelighed"  # a title above the header
    sheet.append([])
    sheet.append(["Alder", "Kvinder", "Mænd"])
    for age, women, men in rows:
        # ages as floats, one value as text with a decimal comma, as hand-made sheets do
        sheet.append([float(age), float(women), men.replace(".", ",") if age == "7" else float(men)])
    path = tmp_path / "Benchmark_doedelighed2030.xlsx"
    workbook.save(path)
    assert np.array_equal(read_benchmark_table(path, "mortality").values, expected_values(rows))


def test_table_object_is_frozen_and_compares_by_value(tmp_path):
    rows = sample_rows()
    path = write_csv(tmp_path / "m.csv", rows)
    first, second = read_benchmark_table(path, "mortality"), read_benchmark_table(path, "mortality")
    assert first == second and hash(first) == hash(second)
    with pytest.raises(ValueError):
        first.values[0, 0] = 1.0
    assert isinstance(first, BenchmarkTable)


# --- bad input: every rule, with its exact message -------------------------------------

def test_negative_intensity_names_file_row_column_value(tmp_path):
    rows = sample_rows()
    rows[61][2] = "-0.01"  # age 61 is spreadsheet row 63
    path = write_csv(tmp_path / "Benchmark_doedelighed2024.csv", rows)
    assert problems_of(path) == [
        "Benchmark_doedelighed2024.csv, row 63, column 'Mænd': value '-0.01': expected an intensity >= 0"]


def test_all_problems_are_reported_at_once(tmp_path):
    rows = sample_rows()
    rows[3][1] = "abc"  # row 5
    rows[10][2] = "nan"  # row 12
    rows[20][1] = ""  # row 22
    rows[30][2] = "inf"  # row 32
    rows[40][0] = "39"  # row 42: a duplicate of age 39 (row 41), so 40 is missing
    del rows[17:20]  # ages 17-19 missing
    rows.append(["111", "0.9", "0.9"])
    rows.append(["5.5", "0.1", "0.1"])
    path = write_csv(tmp_path / "m.csv", rows)
    assert problems_of(path) == [
        "m.csv, row 5, column 'Kvinder': value 'abc': expected a number",
        "m.csv, row 12, column 'Mænd': value 'nan': expected a finite intensity >= 0",
        "m.csv, row 19, column 'Kvinder': value '': expected a number",
        "m.csv, row 29, column 'Mænd': value 'inf': expected a finite intensity >= 0",
        "m.csv, row 39, column 'Alder': value '39': expected each age once; age 39 is already in row 38",
        "m.csv, row 110, column 'Alder': value '111': expected an age 0..110 (the benchmark stops at 110; "
        "older ages use its values)",
        "m.csv, row 111, column 'Alder': value '5.5': expected a whole age 0..110",
        "m.csv, column 'Alder': expected every age 0..110 once; missing: 17-19, 40",
    ]


def test_improvement_rate_outside_the_open_interval(tmp_path):
    rows = sample_rows("improvement")
    rows[0][1] = "1"
    rows[1][2] = "-1,0"
    rows[2][1] = "0.5"  # fine
    rows[3][2] = "-0.999"  # fine
    path = write_csv(tmp_path / "i.csv", rows)
    assert problems_of(path, "improvement") == [
        "i.csv, row 2, column 'Kvinder': value '1': expected an improvement rate in (-1, 1)",
        "i.csv, row 3, column 'Mænd': value '-1,0': expected an improvement rate in (-1, 1)",
    ]


def test_a_negative_age(tmp_path):
    rows = sample_rows()
    rows.append(["-1", "0.1", "0.1"])
    assert problems_of(write_csv(tmp_path / "m.csv", rows)) == [
        "m.csv, row 113, column 'Alder': value '-1': expected an age 0..110 (the benchmark stops at 110; "
        "older ages use its values)"]


def test_missing_column(tmp_path):
    rows = [[age, women] for age, women, _ in sample_rows()]
    path = tmp_path / "m.csv"
    path.write_text("Alder;Kvinder\n" + "\n".join(";".join(row) for row in rows), encoding="utf-8")
    assert problems_of(path) == [
        "m.csv, row 1: expected a column Mænd (or Maend) in the header; found: Alder, Kvinder"]


def test_no_header_at_all(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text("age_x;w;m\n0;0.1;0.1\n", encoding="utf-8")
    assert problems_of(path) == [
        "m.csv, row 1: expected a header with the columns Alder, Kvinder, Mænd; found: age_x, w, m"]


def test_a_column_given_twice(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text("Alder;Kvinder;Mænd;Maend\n0;0.1;0.1;0.1\n", encoding="utf-8")
    assert problems_of(path) == [
        "m.csv, row 1, column 'Maend': expected one Mænd column; it is also 'Mænd'"]


def test_decimal_comma_with_comma_separator(tmp_path):
    rows = sample_rows()
    path = write_csv(tmp_path / "m.csv", rows, delimiter=",", decimal_comma=True)
    problems = problems_of(path)
    assert problems[0] == ("m.csv, row 2: expected 3 fields like the header, found 5: a decimal comma "
                           "needs ';' as the field separator")
    assert len(problems) == 112  # every data row, then the missing ages
    assert problems[-1] == "m.csv, column 'Alder': expected every age 0..110 once; missing: 0-110"


def test_header_only(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text("Alder;Kvinder;Mænd\n", encoding="utf-8")
    assert problems_of(path) == ["m.csv, column 'Alder': expected every age 0..110 once; missing: 0-110"]


@pytest.mark.parametrize("content", [b"", b"\r\n  \n", b"\xef\xbb\xbf"])
def test_empty_file(tmp_path, content):
    path = tmp_path / "m.csv"
    path.write_bytes(content)
    assert problems_of(path) == [
        "m.csv: the file is empty; expected a header Alder, Kvinder, Mænd and one row per age 0..110"]


def test_file_not_found(tmp_path):
    assert problems_of(tmp_path / "Benchmark_doedelighed2031.csv") == [
        "Benchmark_doedelighed2031.csv: file not found"]


def test_a_directory(tmp_path):
    (tmp_path / "d.csv").mkdir()
    assert problems_of(tmp_path / "d.csv") == ["d.csv: expected a file, found a directory or special file"]


def test_not_an_xlsx_workbook(tmp_path):
    path = tmp_path / "m.xlsx"
    path.write_text("Alder;Kvinder;Mænd\n", encoding="utf-8")
    assert problems_of(path) == ["m.xlsx: not a readable .xlsx workbook (BadZipFile)"]


def test_empty_workbook(tmp_path):
    path = tmp_path / "m.xlsx"
    openpyxl.Workbook().save(path)
    assert problems_of(path) == [
        "m.xlsx: the file is empty; expected a header Alder, Kvinder, Mænd and one row per age 0..110"]


def test_workbook_problems_use_spreadsheet_rows(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Alder", "Kvinder", "Mænd"])
    for age, women, men in sample_rows():
        sheet.append([int(age), float(women), -0.01 if age == "61" else float(men)])
    sheet["B10"] = "x"  # age 8
    path = tmp_path / "Benchmark_doedelighed2024.xlsx"
    workbook.save(path)
    assert problems_of(path) == [
        "Benchmark_doedelighed2024.xlsx, row 10, column 'Kvinder': value 'x': expected a number",
        "Benchmark_doedelighed2024.xlsx, row 63, column 'Mænd': value '-0.01': expected an intensity >= 0",
    ]


@pytest.mark.parametrize("name, message", [
    ("m.xls", "m.xls: not a readable .xls workbook (XLRDError)"),
    ("m.json", "m.json: expected a .csv, .xlsx or .xls file"),
])
def test_unsupported_file_types(tmp_path, name, message):
    (tmp_path / name).write_text("{}", encoding="utf-8")
    assert problems_of(tmp_path / name) == [message]


def test_unknown_kind_is_a_programming_error(tmp_path):
    with pytest.raises(ValueError):
        read_benchmark_table(write_csv(tmp_path / "m.csv", sample_rows()), "mortal")


# --- Finanstilsynet's old-style .xls ---------------------------------------------------------

def test_an_xlsx_named_xls_is_read_as_the_workbook_it_is(tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active.append(["Alder", "Kvinder", "Mænd"])
    for age, women, men in sample_rows():
        workbook.active.append([int(age), float(women), float(men)])
    workbook.save(tmp_path / "Benchmark_doedelighed2030.xls")
    table = read_benchmark_table(tmp_path / "Benchmark_doedelighed2030.xls", "mortality")
    np.testing.assert_array_equal(table.values, expected_values(sample_rows()))
