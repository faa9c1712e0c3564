"""What used to be accepted without a word and valued wrongly: each is now a clear message
or a documented conversion (docs/operations.md, "Hard input")."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from tjenestemandspension.actuarial import read_register
from tjenestemandspension.cli.main import app
from tjenestemandspension.errors import InputError

pytestmark = pytest.mark.english  # asserts the English texts of problems (tests/conftest.py)

runner = CliRunner()
V = dt.date(2024, 12, 31)
HEADER = "person_id;birth_date;sex;status;service_years;pensionable_salary;annual_pension"


def write(tmp_path: Path, text: str, name: str = "reg.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def messages(path: Path) -> list[str]:
    with pytest.raises(InputError) as caught:
        read_register(path, V)
    return [str(p) for p in caught.value.problems]


def test_impossible_ages_are_refused(tmp_path):
    path = write(tmp_path, f"{HEADER};hire_date\n"
                           "A1;0001-01-01;M;retired;;;100000;\n"
                           "A2;1024-04-07;K;retired;;;100000;\n"
                           "A3;1894-12-31;M;retired;;;100000;\n"
                           "A4;1874-06-01;K;spouse;;;50000;\n"
                           "A5;1904-12-31;K;retired;;;100000;\n"  # exactly 120: accepted
                           "A6;1980-01-01;M;active;10;400000;;1990-01-01\n")
    assert messages(path) == [
        "reg.csv, row 2 (person_id 'A1'), column 'birth_date': value '0001-01-01': expected an age of at most "
        "120 at the valuation date",
        "reg.csv, row 3 (person_id 'A2'), column 'birth_date': value '1024-04-07': expected an age of at most "
        "120 at the valuation date",
        "reg.csv, row 4 (person_id 'A3'), column 'birth_date': value '1894-12-31': expected an age of at most "
        "120 at the valuation date",
        "reg.csv, row 5 (person_id 'A4'), column 'birth_date': value '1874-06-01': expected an age of at most "
        "120 at the valuation date",
        "reg.csv, row 7 (person_id 'A6'), column 'hire_date': value '1990-01-01': expected a date at least 14 "
        "years after the birth date",
    ]


def test_keys_compare_after_nfc_and_without_invisible_characters(tmp_path):
    nfc, nfd = "Græsted-Gilleleje Å", "Græsted-Gilleleje A\u030a"
    path = write(tmp_path, f"{HEADER};municipality\n"
                           f"P1;1960-01-15;M;retired;;;100000;{nfc}\n"
                           f"P2;1960-01-15;M;retired;;;100000;{nfd}\n"
                           "\ufeffP1;1960-01-15;M;retired;;;100000;x\n"
                           "P2\u200b;1960-01-15;M;retired;;;100000;x\n")
    assert messages(path) == [
        "reg.csv, row 4, column 'person_id': value 'P1': expected a unique person_id; also on row 2",
        "reg.csv, row 5, column 'person_id': value 'P2': expected a unique person_id; also on row 3",
    ]
    ok = write(tmp_path, f"{HEADER};municipality\nP1;1960-01-15;M;retired;;;100000;{nfc}\n"
                         f"P2;1960-01-15;M;retired;;;100000;{nfd}\n", "two.csv")
    register = read_register(ok, V)
    assert set(register.municipality) == {nfc}  # one kommune, not two


def test_zoned_parquet_dates_are_the_date_in_denmark(tmp_path):
    local = pd.to_datetime(["1958-06-15", "1960-01-15"]).tz_localize("Europe/Copenhagen")
    frame = pd.DataFrame({"person_id": ["P1", "P2"], "birth_date": local.tz_convert("UTC"), "sex": ["M", "K"],
                          "status": ["retired", "retired"], "annual_pension": [100000.0, 90000.0]})
    frame.to_parquet(tmp_path / "reg.parquet")
    register = read_register(tmp_path / "reg.parquet", V)
    assert [str(d) for d in register.birth_date] == ["1958-06-15", "1960-01-15"]


def test_a_date_with_trailing_text_is_not_cut_to_ten_characters(tmp_path):
    path = write(tmp_path, f"{HEADER}\nP1;1960-01-15;M;retired;;;100000\nP2;1960-01-15 extra text;M;retired;;;1\n"
                           "P3;1960-01-15 00:00:00;M;retired;;;1\n")
    assert messages(path) == [
        "reg.csv, row 3 (person_id 'P2'), column 'birth_date': value '1960-01-15 extra text': expected a date "
        "in the column's format YYYY-MM-DD (as in row 2)"]


def test_a_comma_inside_a_number_of_a_comma_file_is_refused(tmp_path):
    path = write(tmp_path, HEADER.replace(";", ",") + '\nP1,1960-01-15,M,retired,,,"120,840"\n')
    assert messages(path) == [
        "reg.csv, row 2 (person_id 'P1'), column 'annual_pension': value '120,840': expected a number without "
        "a comma: in a comma-separated file '120,840' may mean 120840 or 120.84; write 120840 or 120.84"]


def test_a_nul_byte_anywhere_is_refused(tmp_path):
    rows = "".join(f"P{i};1960-01-15;M;retired;;;100000\n" for i in range(300))
    path = tmp_path / "reg.csv"
    path.write_bytes((HEADER + "\n" + rows).encode() + b"P9;1960-01-15;M;retired;;;1\x00\n")
    assert messages(path) == ["reg.csv, row 302: holds a NUL byte (a damaged file?); expected a CSV register"]


def test_overlong_ids_and_names_are_refused_and_long_names_not_shown(tmp_path):
    long_name = "Kommune " + "x" * 300
    path = write(tmp_path, f"{HEADER};unit\nP{'1' * 120};1960-01-15;M;retired;;;100000;a\n"
                           f"P2;1960-01-15;M;retired;;;100000;{long_name}\n")
    found = messages(path)
    assert found[0].startswith("reg.csv, row 2, column 'person_id': value 'P111") and found[0].endswith(
        "expected an id of at most 100 characters")
    assert found[1] == ("reg.csv, row 3 (person_id 'P2'), column 'unit': expected a name of at most 200 bytes "
                        "(UTF-8); the name is not shown")
    assert "xxxxxxxx" not in " ".join(found)


def test_set_of_the_same_key_twice_is_an_error(tmp_path):
    result = runner.invoke(app, ["value", "x.csv", "--set", "inflation.rate=0.02", "--set",
                                 "inflation.rate=0.03", "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert result.output == ("error: --set, key 'inflation.rate': value 'inflation.rate=0.03': is given twice; "
                             "expected each key once\n")
    assert not (tmp_path / "out").exists()


def test_parquet_float_ids_are_whole_numbers_and_binary_ids_refused(tmp_path):
    base = {"birth_date": ["1958-06-15", "1960-01-15"], "sex": ["M", "K"], "status": ["retired", "retired"],
            "annual_pension": [100000.0, 90000.0]}
    pd.DataFrame({"person_id": [1.0, 2.0], **base}).to_parquet(tmp_path / "floats.parquet")
    assert list(read_register(tmp_path / "floats.parquet", V).person_id) == ["1", "2"]
    pd.DataFrame({"person_id": [1.5, 2.0], **base}).to_parquet(tmp_path / "decimals.parquet")
    assert messages(tmp_path / "decimals.parquet") == [
        "decimals.parquet, row 2, column 'person_id': value '1.5': expected a whole number or a text as id, not "
        "a number with decimals"]
    pd.DataFrame({"person_id": [b"P0000001", b"P0000002"], **base}).to_parquet(tmp_path / "bytes.parquet")
    assert messages(tmp_path / "bytes.parquet") == [
        f"bytes.parquet, row {row}, column 'person_id': expected a text or a number as id; the column holds "
        "bytes (binary Parquet data)" for row in (2, 3)]


def test_a_cpr_number_in_a_kommune_or_unit_is_masked_and_pseudonymised(tmp_path):
    kommune = "Kommune 120465-4321"
    path = write(tmp_path, f"{HEADER};unit;municipality\n"
                           "P1;1960-01-15;M;retired;;;100000;Afd 0106501234;Aarhus\n"
                           f"P2;1960-01-15;M;retired;;;100000;a;{kommune}\n"
                           f"P3;1960-01-15;M;sex?;;;100000;a;{kommune}\n")
    out = tmp_path / "out"
    result = runner.invoke(app, ["value", str(path), "--out", str(out), "--pseudonymize"])
    assert result.exit_code == 3, result.output
    assert "120465-4321" not in result.output and "xxxxxx-xxxx" in result.output
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == ["Aarhus"]
    persons = (out / "Aarhus" / "persons.csv").read_text(encoding="utf-8-sig")
    assert "0106501234" not in persons and "PS-" in persons
    ok = write(tmp_path, f"{HEADER};municipality\nP2;1960-01-15;M;retired;;;100000;{kommune}\n"
                         "P3;1960-01-15;M;retired;;;100000;Aarhus\n", "ok.csv")
    result = runner.invoke(app, ["value", str(ok), "--out", str(tmp_path / "out2")])
    assert result.exit_code == 0, result.output
    folders = sorted(p.name for p in (tmp_path / "out2").iterdir() if p.is_dir())
    assert folders == ["Aarhus", "Kommune_xxxxxx_xxxx"]
    assert "120465-4321" not in result.output
    assert json.loads((tmp_path / "out2" / "manifest.json").read_text())["totals"]["persons"] == 2
