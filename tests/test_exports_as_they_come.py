"""A register exported "as it comes" from a pay system: a cover sheet, a title row above the
header, Danish column names that are not among the aliases (named by a mapping file),
Danish values (Mand/Kvinde, pensionist, efterlevende ægtefælle) and a totals row. Read
with --columns, --sheet and --header-row it is valued to the same øre as the clean
register, as xlsx and as csv; the totals row is skipped and reported."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import xlsxwriter
from typer.testing import CliRunner

from tjenestemandspension.actuarial.basis_files import load_basis
from tjenestemandspension.actuarial.member_register import MEMBER_COLUMNS, read_register
from tjenestemandspension.actuarial.table_reading import ReadOptions
from tjenestemandspension.actuarial.table_validation import totals_rows
from tjenestemandspension.cli.main import app
from tjenestemandspension.errors import InputError

pytestmark = pytest.mark.english  # asserts the English texts of problems (tests/conftest.py)

runner = CliRunner()
HEADERS = {  # our column → the export's name; the first five are not aliases of ours
    "person_id": "Medarbejder", "birth_date": "Født", "service_years": "Pensionsår", "pensionable_salary": "Løn",
    "annual_pension": "Pension pr. år", "sex": "Køn", "status": "Status",
}
STATUS_AS_EXPORTED = {"active": "aktiv", "deferred": "fraflyttet", "retired": "pensionist",
                      "spouse": "efterlevende ægtefælle", "child": "barn"}
MAPPING = "".join(f'"{name}" = "{ours}"\n' for ours, name in list(HEADERS.items())[:5])


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    folder = tmp_path_factory.mktemp("clean")
    assert runner.invoke(app, ["example", str(folder)]).exit_code == 0
    out = folder / "out"
    result = runner.invoke(app, ["value", str(folder / "register.csv"), "--booked=-950000000", "--out", str(out)])
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(folder / "register.csv", sep=";", dtype=str, encoding="utf-8-sig", keep_default_na=False)
    return frame, out


def exported(frame: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str]]:
    """The clean register as a pay system exports it, and its totals row."""
    export = frame.rename(columns=HEADERS).copy()
    export["Køn"] = export["Køn"].map({"M": "Mand", "K": "Kvinde"})
    export["Status"] = export["Status"].map(STATUS_AS_EXPORTED)
    totals = {name: "" for name in export.columns}
    totals["Medarbejder"] = "I alt"
    for name in ("Pensionsår", "Løn", "Pension pr. år"):
        totals[name] = f"{pd.to_numeric(export[name].str.replace(',', '.'), errors='coerce').sum():.2f}"
    return export, totals


def persons(out: Path) -> pd.DataFrame:
    return pd.read_csv(out / "persons.csv", sep=";", decimal=",", encoding="utf-8-sig", dtype={"person_id": str})


def same_to_the_ore(out: Path, clean_out: Path) -> None:
    a, b = persons(out), persons(clean_out)
    assert list(a["person_id"]) == list(b["person_id"])
    assert ((a["liability"] * 100).round() == (b["liability"] * 100).round()).all()
    assert (out / "journal.csv").read_bytes().split(b";")[:9] == (clean_out / "journal.csv").read_bytes().split(b";")[:9]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    clean_manifest = json.loads((clean_out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["journal"]["regulation"] == clean_manifest["journal"]["regulation"]
    assert round(manifest["totals"]["liability"], 2) == round(clean_manifest["totals"]["liability"], 2)


def test_an_excel_export_with_a_cover_sheet_title_row_danish_headers_and_totals(clean, tmp_path):
    frame, clean_out = clean
    export, totals = exported(frame)
    path = tmp_path / "eksport.xlsx"
    book = xlsxwriter.Workbook(str(path))
    cover = book.add_worksheet("Forside")
    cover.write(0, 0, "Lønsystemets udtræk af tjenestemænd")
    data = book.add_worksheet("Data")
    data.write(0, 0, "Tjenestemænd pr. 31-12-2024")
    for column, name in enumerate(export.columns):
        data.write(2, column, name)
        for row, value in enumerate(export[name], start=3):
            number = value.replace(",", ".")
            if name in ("Pensionsår", "Løn", "Pension pr. år", "state_share", "insured_share") and value:
                data.write_number(row, column, float(number))
            elif value:
                data.write_string(row, column, value)
        if totals[name]:
            data.write(3 + len(export), column, float(totals[name]) if name != "Medarbejder" else totals[name])
    book.close()
    (tmp_path / "kolonner.toml").write_text(MAPPING, encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(app, ["value", str(path), "--columns", str(tmp_path / "kolonner.toml"), "--sheet", "Data",
                                 "--header-row", "3", "--booked=-950000000", "--out", str(out)])
    assert result.exit_code == 0, result.output
    same_to_the_ore(out, clean_out)
    assert "bemærkning: Sprunget over i registeret: række 404 (sumrække 'I alt')." in result.stderr.splitlines()
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["skipped_rows"] == [{"row": 404, "why": "sumrække 'I alt'"}]
    assert manifest["reading"]["sheet"] == "Data" and manifest["reading"]["header_row"] == 3
    assert [entry["role"] for entry in manifest["inputs"]][:2] == ["register", "columns"]


def test_a_csv_export_with_a_title_row_and_an_unlabelled_totals_row(clean, tmp_path):
    frame, clean_out = clean
    export, totals = exported(frame)
    totals["Medarbejder"] = ""  # no label: recognised by its amounts, which are the columns' sums
    for name in ("Pensionsår", "Løn", "Pension pr. år"):
        totals[name] = totals[name].replace(".", ",")
    lines = ["Udtræk fra lønsystemet;;;", ";".join(export.columns)]
    lines += [";".join(row) for row in export.itertuples(index=False)]
    lines.append(";".join(totals[name] for name in export.columns))
    path = tmp_path / "eksport.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    basis = tmp_path / "basis.toml"  # the mapping as a [columns] section of the basis this time
    basis.write_text("[columns]\n" + MAPPING, encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(app, ["value", str(path), "--basis", str(basis), "--header-row", "2",
                                 "--booked=-950000000", "--out", str(out)])
    assert result.exit_code == 0, result.output
    same_to_the_ore(out, clean_out)
    assert ("bemærkning: Sprunget over i registeret: række 403 (sumrække uden id: beløbene er kolonnernes summer)."
            in result.stderr.splitlines())
    assert "[columns]" in (out / "basis.toml").read_text(encoding="utf-8")  # a re-run reads it the same way


def test_a_missing_column_lists_the_accepted_names_and_the_unrecognised_columns(tmp_path):
    path = tmp_path / "reg.csv"
    path.write_text("person_id;birth_date;sex;status;Pensionsår;Løn;Kommune\nA1;1965-04-12;M;aktiv;20;450000;Køge\n",
                    encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_register(path, load_basis().valuation_date)
    assert [str(p) for p in caught.value.problems] == [
        "reg.csv, column 'service_years': required column missing: needed for status active or deferred (rows 2); "
        "accepted names: service_years, pensionsalder; columns not recognised: 'Pensionsår', 'Løn' (map one with "
        "--columns FILE, e.g. \"Pensionsår\" = \"service_years\")",
        "reg.csv, column 'pensionable_salary': required column missing: needed for status active or deferred "
        "(rows 2); accepted names: pensionable_salary, pensionsgivende_loen; columns not recognised: 'Pensionsår', "
        "'Løn' (map one with --columns FILE, e.g. \"Pensionsår\" = \"pensionable_salary\")"]


def test_a_mapping_to_a_column_we_do_not_have_is_refused(tmp_path):
    path = tmp_path / "reg.csv"
    path.write_text("person_id;birth_date;sex;status\nA1;1965-04-12;M;aktiv\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_register(path, load_basis().valuation_date, ReadOptions(columns={"Løn": "salary"}))
    assert str(caught.value.problems[0]) == (
        "--columns, key 'Løn': value 'salary': expected one of the register's columns: " + ", ".join(MEMBER_COLUMNS.aliases))


def test_sheet_and_header_row_messages(tmp_path):
    path = tmp_path / "reg.xlsx"
    book = xlsxwriter.Workbook(str(path))
    book.add_worksheet("Data").write(0, 0, "person_id")
    book.close()
    with pytest.raises(InputError) as caught:
        read_register(path, load_basis().valuation_date, ReadOptions(sheet="Ark1"))
    assert str(caught.value.problems[0]) == "reg.xlsx: has no sheet named 'Ark1' (--sheet); its sheets are 'Data'"
    csv = tmp_path / "reg.csv"
    csv.write_text("Titel\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_register(csv, load_basis().valuation_date, ReadOptions(header_row=3))
    assert str(caught.value.problems[0]) == "reg.csv: has 1 rows; expected the header in row 3 (--header-row)"
    with pytest.raises(InputError) as caught:
        read_register(csv, load_basis().valuation_date, ReadOptions(sheet="Data"))
    assert str(caught.value.problems[0]) == "reg.csv: is not an Excel workbook; --sheet applies to .xlsx files"


def test_row_numbers_below_a_header_row_count_as_the_file_does(tmp_path):
    path = tmp_path / "reg.csv"
    path.write_text("Titel\n\nperson_id;birth_date;sex;status;annual_pension\nA1;1950-01-01;X;pensionist;1000\n",
                    encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_register(path, load_basis().valuation_date, ReadOptions(header_row=3))
    assert [str(p) for p in caught.value.problems] == [
        "reg.csv, row 4 (person_id 'A1'), column 'sex': value 'X': expected M or K (F is accepted for women)"]


def test_totals_rows_are_found_by_label_or_by_their_sums():
    frame = pd.DataFrame({"id": ["A1", "A2", "", "", "Total"], "løn": ["100", "200", "300", "301", ""],
                          "navn": ["", "", "", "", ""]})
    found = totals_rows(frame, {"person_id": "id", "pensionable_salary": "løn"}, "person_id",
                        ("pensionable_salary",), danish=True)
    assert found == [(2, "sumrække uden id: beløbene er kolonnernes summer"), (4, "sumrække 'Total'")]


def test_danish_dates_are_accepted_in_set_and_basis_files(tmp_path):
    assert str(load_basis(overrides=["valuation.date=31-12-2024"]).valuation_date) == "2024-12-31"
    path = tmp_path / "basis.toml"
    path.write_text('[valuation]\ndate = "31-12-2025"\n', encoding="utf-8")
    assert str(load_basis(path).valuation_date) == "2025-12-31"
