"""The reading half and the validation helpers serve any register type, not only the
member register: a second type describes its columns in a ColumnSet and gets the same
reading conventions, header messages, row ids and CPR masking."""

from __future__ import annotations

import numpy as np
import pytest

from tjenestemandspension.actuarial.table_reading import read_table
from tjenestemandspension.actuarial.table_validation import Collector, ColumnSet, dates, match_header, numbers, text
from tjenestemandspension.errors import InputError

pytestmark = pytest.mark.english  # asserts the English texts of problems (tests/conftest.py)

CASES = ColumnSet(noun="case register", aliases={"case_id": ("sagsnr",), "injury_date": ("skadesdato",),
                                                 "annual_amount": ("aarligt_beloeb",)},
                  required=("case_id", "injury_date", "annual_amount"))


def test_a_second_register_type_reads_and_validates_with_the_same_helpers(tmp_path):
    path = tmp_path / "sager.csv"
    path.write_bytes("Sagsnr;Skadesdato;Årligt beløb;Note\nS1;01-02-2010;120.000,50;x\n"
                     "S2;2010-02-03;abc;\n0101701234;31-02-2011;5;\n".encode("cp1252"))
    table = read_table(path, CASES)
    header, ignored, problems = match_header(list(table.frame.columns), CASES, table.source, table.header_row,
                                             table.sheets)
    assert header == {"case_id": "Sagsnr", "injury_date": "Skadesdato", "annual_amount": "Årligt beløb"}
    assert ignored == ["Note"] and problems == []
    collect = Collector(table.source, header, table.row_numbers, id_column="case_id")
    collect.row_ids = text(table.frame["Sagsnr"])
    amounts, _, unreadable, _ = numbers(table.frame["Årligt beløb"], table.danish_numbers)
    collect.rows("annual_amount", unreadable, text(table.frame["Årligt beløb"]), "expected a number")
    dates(table.frame["Skadesdato"], "injury_date", collect)
    assert amounts[0] == 120000.5 and np.isnan(amounts[1])
    assert [str(p) for p in collect.problems] == [
        "sager.csv, row 3 (case_id 'S2'), column 'Årligt beløb': value 'abc': expected a number",
        "sager.csv, row 3 (case_id 'S2'), column 'Skadesdato': value '2010-02-03': expected a date in the "
        "column's format DD-MM-YYYY (as in row 2)",
        "sager.csv, row 4, column 'Skadesdato': value '31-02-2011': expected a valid calendar date (DD-MM-YYYY)"]


def test_the_messages_name_the_register_type(tmp_path):
    (tmp_path / "empty.csv").write_text("\n", encoding="utf-8")
    (tmp_path / "wrong.csv").write_text("a;b\n1;2\n", encoding="utf-8")
    with pytest.raises(InputError, match="expected a header row with the case register columns"):
        read_table(tmp_path / "empty.csv", CASES)
    table = read_table(tmp_path / "wrong.csv", CASES)
    _, _, problems = match_header(list(table.frame.columns), CASES, table.source, 1, ())
    assert str(problems[0]) == ("wrong.csv, row 1: expected a header naming the columns case_id, injury_date and "
                                "annual_amount; found 'a', 'b'")
    with pytest.raises(InputError, match=r"missing\.xlsx: file not found \(expected a case register"):
        read_table(tmp_path / "missing.xlsx", CASES)


def test_a_parquet_file_with_damaged_text_is_refused(tmp_path):
    """Found by tests/test_fuzz_register.py: a byte overwritten in a Parquet file's text made
    pyarrow hand over invalid UTF-8, and the first value shown ended in a traceback."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from tjenestemandspension.actuarial import read_register

    path = tmp_path / "register.parquet"
    pq.write_table(pa.table({"person_id": ["P-0001"], "birth_date": ["1950-01-01"], "sex": ["M"],
                             "status": ["retired"], "annual_pension": [100000.0]}), path, compression="none",
                   write_statistics=False, use_dictionary=False)
    data = path.read_bytes()
    assert data.count(b"P-0001") == 1  # the value in the data page, nowhere else
    path.write_bytes(data.replace(b"P-0001", b"P-\x80001"))
    with pytest.raises(InputError) as error:
        read_register(path, __import__("datetime").date(2024, 12, 31))
    assert [str(p) for p in error.value.problems] == [
        "register.parquet: holds text that is not UTF-8 in the column 'person_id'; the Parquet file is damaged"]
