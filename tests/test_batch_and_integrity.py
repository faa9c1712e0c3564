"""Batch runs across kommuner, determinism, `tjp verify`, large-register outputs and
personal data."""

from __future__ import annotations

import hashlib
import json
import shutil
from decimal import Decimal
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from tjenestemandspension.actuarial.headers import canonical
from tjenestemandspension.textfiles import write_csv
from tjenestemandspension.actuarial.synthetic import synthetic_register
from tjenestemandspension.cli.main import app


runner = CliRunner()
KOMMUNER = ("Aarhus Kommune", "Odense Kommune", "Aalborg Kommune")


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


def read_csv(path: Path) -> pd.DataFrame:
    """One of our CSVs; persons.csv and cashflows.csv with their headers and status values
    canonical whatever language wrote them (actuarial/headers.py)."""
    return (canonical if path.name in ("persons.csv", "cashflows.csv") else lambda frame: frame)(pd.read_csv(path, sep=";", decimal=",", encoding="utf-8-sig", keep_default_na=False,
                                 na_values=[""]))


def tree_digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def three_kommuner(tmp_path_factory):
    """One register, three kommuner; Odense's has future birth dates and a bad sex code."""
    folder = tmp_path_factory.mktemp("batch")
    frame = synthetic_register(450, seed=8, municipalities=KOMMUNER)
    odense = frame.index[frame["municipality"] == "Odense Kommune"]
    frame.loc[odense[:2], "birth_date"] = "2031-01-01"
    frame.loc[odense[2], "sex"] = "X"
    write_csv(frame, folder / "alle.csv")
    (folder / "booked.csv").write_text("municipality;booked\nAarhus Kommune;-500000000\n"
                                       "Aalborg Kommune;-1.234.567,89\nOdense Kommune;-1\n", encoding="utf-8")
    return folder, frame


@pytest.mark.danish  # the console and the working paper in Danish
def test_batch_values_the_good_kommuner_and_reports_the_broken_one(three_kommuner):
    folder, frame = three_kommuner
    out = folder / "out"
    result = invoke("value", folder / "alle.csv", "--booked-file", folder / "booked.csv", "--out", out)
    assert result.exit_code == 3, result.output
    assert "kommune Odense Kommune er sprunget over (4 problemer):" in result.output
    assert "fejl: alle.csv, række" in result.output and "værdien 'X': forventede M eller K" in result.output
    assert sorted(p.name for p in out.iterdir()) == [
        "Aalborg_Kommune", "Aarhus_Kommune", "cashflows.csv", "manifest.json", "overview.csv", "overview.xlsx",
        "skipped.csv"]
    total, n_persons = 0.0, 0
    for kommune, folder_name in (("Aarhus Kommune", "Aarhus_Kommune"), ("Aalborg Kommune", "Aalborg_Kommune")):
        sub = out / folder_name
        assert sorted(p.name for p in sub.iterdir()) == [
            "basis.toml", "cashflows.csv", "journal.csv", "manifest.json", "persons.csv", "valuation.xlsx"]
        persons = read_csv(sub / "persons.csv")
        assert len(persons) == (frame["municipality"] == kommune).sum()
        assert set(persons["municipality"]) == {kommune}
        total += persons["liability"].sum()
        n_persons += len(persons)
    overview = read_csv(out / "overview.csv").set_index("kommune")
    # the overview in øre, persons.csv with six decimals
    assert overview.loc["I alt", "forpligtelse"] == pytest.approx(total, abs=0.005 + 0.5e-6 * n_persons)
    assert overview.loc["Odense Kommune", "status"] == "sprunget over"
    assert overview.loc["Odense Kommune", "problemer"] == 4  # an active: its hire date now precedes birth
    aalborg = read_csv(out / "Aalborg_Kommune" / "journal.csv")
    manifest = json.loads((out / "Aalborg_Kommune" / "manifest.json").read_text())
    assert manifest["booked"] == "-1234567.89" and manifest["municipality"] == "Aalborg Kommune"
    assert aalborg["reference"].iloc[0] == manifest["run_id"]
    consolidated = read_csv(out / "cashflows.csv")
    parts = sum(read_csv(out / f / "cashflows.csv")["present_value"].sum() for f in ("Aarhus_Kommune", "Aalborg_Kommune"))
    assert consolidated["present_value"].sum() == pytest.approx(parts, abs=0.5e-6 * 3 * len(consolidated))
    assert len(read_csv(out / "skipped.csv")) == 4
    workbook = openpyxl.load_workbook(out / "overview.xlsx")
    assert workbook.sheetnames == ["Oversigt", "Sprunget over"]
    sheet = [[cell.value for cell in row] for row in workbook["Oversigt"].iter_rows()]
    assert sheet[0][:4] == ["Kommune", "Status", "Personer", "Forpligtelse"]
    assert sheet[-1][0] == "I alt" and sheet[-1][3] == pytest.approx(total, rel=1e-12)
    assert [row[0] for row in workbook["Sprunget over"].iter_rows(min_row=2, values_only=True)] == [
        "Odense Kommune"] * 4
    assert invoke("verify", out).exit_code == 0


@pytest.mark.danish  # the console and the working paper in Danish
def test_a_folder_of_registers_one_per_kommune(tmp_path):
    frame = synthetic_register(300, seed=9, municipalities=KOMMUNER)
    for kommune in KOMMUNER:
        part = frame[frame["municipality"] == kommune].drop(columns="municipality")
        write_csv(part, tmp_path / f"{kommune.split()[0]}.csv")
    (tmp_path / "Broken.csv").write_text("person_id;birth_date\n1;1950-01-01\n", encoding="utf-8")
    result = invoke("value", tmp_path, "--out", tmp_path / "out")
    assert result.exit_code == 3
    assert "kommune Broken er sprunget over" in result.output
    assert sorted(p.name for p in (tmp_path / "out").iterdir() if p.is_dir()) == ["Aalborg", "Aarhus", "Odense"]


@pytest.mark.english
def test_a_kommune_in_two_files_of_a_folder_is_refused_not_half_valued(tmp_path):
    frame = synthetic_register(120, seed=9, municipalities=KOMMUNER[:2])
    aarhus = frame[frame["municipality"] == "Aarhus Kommune"]
    write_csv(aarhus.iloc[:20], tmp_path / "aarhus_1.csv")
    write_csv(aarhus.iloc[20:], tmp_path / "aarhus_2.csv")
    write_csv(frame[frame["municipality"] == "Odense Kommune"], tmp_path / "odense.csv")
    result = invoke("value", tmp_path, "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert [line for line in result.stderr.splitlines() if line.startswith("error:")] == [
        "error: aarhus_2.csv: value 'Aarhus Kommune': expected each kommune in one file only; it is also in "
        "aarhus_1.csv"]
    assert not (tmp_path / "out").exists()


def test_kommuner_whose_names_make_the_same_folder_get_their_own(tmp_path):
    frame = synthetic_register(120, seed=9, municipalities=("Lyngby-Taarbæk", "Lyngby Taarbæk"))
    write_csv(frame, tmp_path / "alle.csv")
    result = invoke("value", tmp_path / "alle.csv", "--out", tmp_path / "out", "--pseudonymize",
                    "--pseudonym-key", "k", "--pseudonym-map", tmp_path / "map.csv")
    assert result.exit_code == 0, result.output
    overview = read_csv(tmp_path / "out" / "overview.csv").set_index("kommune")
    assert overview.loc["Lyngby-Taarbæk", "mappe"] == "Lyngby_Taarbæk"
    assert overview.loc["Lyngby Taarbæk", "mappe"] == "Lyngby_Taarbæk_2"
    for kommune, row in overview.drop(index="I alt").iterrows():
        persons = read_csv(tmp_path / "out" / row["mappe"] / "persons.csv")
        assert set(persons["municipality"]) == {kommune} and len(persons) == row["personer"]
    mapping = read_csv(tmp_path / "map.csv")
    assert list(mapping.columns) == ["municipality", "person_id", "pseudonym"] and len(mapping) == 120
    assert invoke("verify", tmp_path / "out").exit_code == 0


@pytest.mark.english
def test_booked_file_as_danish_excel_saves_it(tmp_path):
    """kommune;bogført in Windows-1252 with a blank line: read by the readers' one decoding
    rule; a bad amount is named by its line."""
    from tjenestemandspension.actuarial.batch import read_booked_file
    from tjenestemandspension.errors import InputError

    path = tmp_path / "bogført.csv"
    path.write_bytes("Kommune;Bogført\r\nAarhus Kommune;-1.234.567,89\r\n\r\nKøge Kommune;-5\r\n".encode("cp1252"))
    assert read_booked_file(path) == {"Aarhus Kommune": Decimal("-1234567.89"), "Køge Kommune": Decimal("-5.00")}
    path.write_bytes("kommune;bogført\n\nKøge Kommune;fem\n".encode("cp1252"))
    with pytest.raises(InputError) as error:
        read_booked_file(path)
    assert [str(p) for p in error.value.problems] == [
        "bogført.csv, row 3, column 'bogført': value 'fem': expected an amount in kroner, e.g. -123456789,50"]


@pytest.mark.english
def test_batch_input_errors_write_nothing(three_kommuner, tmp_path):
    folder, frame = three_kommuner
    (tmp_path / "booked.csv").write_text("municipality;booked\nAarhuus Kommune;-5\n", encoding="utf-8")
    result = invoke("value", folder / "alle.csv", "--booked-file", tmp_path / "booked.csv", "--out", tmp_path / "o")
    assert result.exit_code == 2
    assert ("error: value 'Aarhuus Kommune': expected a kommune of the register in the booked-balance file; "
            "kommuner found: Aalborg Kommune, Aarhus Kommune, Odense Kommune") in result.output
    result = invoke("value", folder / "alle.csv", "--booked=-5", "--out", tmp_path / "o")
    assert result.exit_code == 2 and "expected --booked-file for a register of several kommuner" in result.output
    only_bad = frame[frame["municipality"] == "Odense Kommune"].copy()
    only_bad["municipality"] = only_bad["municipality"].where(only_bad.index % 2 == 0, "Odense Syd")
    only_bad["birth_date"] = "2031-01-01"
    write_csv(only_bad, tmp_path / "bad.csv")
    result = invoke("value", tmp_path / "bad.csv", "--out", tmp_path / "o")
    assert result.exit_code == 2
    assert "[kommune Odense Kommune]" in result.output and "[kommune Odense Syd]" in result.output
    assert not (tmp_path / "o").exists()


# --- determinism and integrity -------------------------------------------------------------

def test_two_runs_give_byte_identical_csvs_and_the_same_run_id(tmp_path):
    write_csv(synthetic_register(150, seed=4), tmp_path / "register.csv")
    for name in ("one", "two"):
        assert invoke("value", tmp_path / "register.csv", "--booked=-1000", "--out", tmp_path / name).exit_code == 0
    one, two = tree_digest(tmp_path / "one"), tree_digest(tmp_path / "two")
    for name in ("journal.csv", "persons.csv", "cashflows.csv", "basis.toml"):
        assert one[name] == two[name], name
    ids = [json.loads((tmp_path / n / "manifest.json").read_text())["run_id"] for n in ("one", "two")]
    assert ids[0] == ids[1]


@pytest.mark.danish  # the console and the working paper in Danish
def test_verify_confirms_and_catches_changes(tmp_path):
    write_csv(synthetic_register(60, seed=4), tmp_path / "register.csv")
    out = tmp_path / "out"
    assert invoke("value", tmp_path / "register.csv", "--out", out).exit_code == 0
    result = invoke("verify", out)
    assert result.exit_code == 0 and result.output.startswith(f"OK: {out} er komplet og uændret (4 filer")
    cases = {
        "changed": lambda: (out / "cashflows.csv").write_text("year;total\n", encoding="utf-8"),
        "missing": lambda: (out / "valuation.xlsx").unlink(),
        "extra": lambda: (out / "notes.txt").write_text("mine", encoding="utf-8"),
    }
    expected = {
        "changed": "fejl: cashflows.csv: er ændret efter kørslen (dens sha256 afviger fra manifest.json)",
        "missing": "fejl: valuation.xlsx: mangler: mappen er ikke komplet",
        "extra": "fejl: notes.txt: is not part of the run (not in manifest.json)",
    }
    pristine = tmp_path / "pristine"
    shutil.copytree(out, pristine)
    for case, damage in cases.items():
        shutil.rmtree(out)
        shutil.copytree(pristine, out)
        damage()
        result = invoke("verify", out)
        assert result.exit_code == 2
        assert result.output.strip() == expected[case]
    result = invoke("verify", tmp_path)
    assert result.exit_code == 2 and "er ikke resultatmappen fra en tjp-kørsel (ingen manifest.json)" in result.output


# --- large registers --------------------------------------------------------------------------

@pytest.mark.danish  # the console and the working paper in Danish
def test_large_registers_get_parquet_and_a_pointer_in_the_workbook(tmp_path, monkeypatch):
    from tjenestemandspension.actuarial import output, workpaper

    monkeypatch.setattr(output, "PARQUET_THRESHOLD", 50)
    monkeypatch.setattr(workpaper, "PERSONS_SHEET_LIMIT", 50)
    write_csv(synthetic_register(80, seed=4), tmp_path / "register.csv")
    assert invoke("value", tmp_path / "register.csv", "--out", tmp_path / "out").exit_code == 0
    persons = pd.read_parquet(tmp_path / "out" / "persons.parquet")
    assert len(persons) == 80 and persons["liability"].sum() > 0
    sheet = openpyxl.load_workbook(tmp_path / "out" / "valuation.xlsx")["Personer"]
    assert "se persons.parquet" in sheet["A2"].value
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["persons_file"] == "persons.parquet"
    result = invoke("value", tmp_path / "register.csv", "--persons-format", "csv", "--out", tmp_path / "csv")
    assert result.exit_code == 0 and (tmp_path / "csv" / "persons.csv").exists()


# --- personal data -----------------------------------------------------------------------------

def test_names_and_cpr_numbers_never_reach_the_outputs(tmp_path):
    frame = synthetic_register(40, seed=12)
    frame.insert(1, "cpr", [f"{(i % 28) + 1:02d}0{i % 9 + 1}5{i % 10}-{1000 + i}" for i in range(len(frame))])
    frame.insert(2, "navn", [f"Hemmelig Person{i}" for i in range(len(frame))])
    write_csv(frame, tmp_path / "register.csv")
    out = tmp_path / "out"
    result = invoke("value", tmp_path / "register.csv", "--booked=-1", "--out", out)
    assert result.exit_code == 0, result.output
    for path in out.iterdir():
        data = path.read_bytes()
        assert b"Hemmelig" not in data, path.name
        assert frame["cpr"].iloc[0].encode() not in data, path.name
    for text in (result.output,):
        assert "Hemmelig" not in text


def test_pseudonymize_replaces_ids_everywhere_and_maps_only_where_asked(tmp_path):
    frame = synthetic_register(40, seed=12)
    write_csv(frame, tmp_path / "register.csv")
    out = tmp_path / "out"
    result = invoke("value", tmp_path / "register.csv", "--booked=-1", "--out", out, "--pseudonymize",
                    "--pseudonym-key", "kommunens-hemmelighed", "--pseudonym-map", tmp_path / "map.csv")
    assert result.exit_code == 0, result.output
    ids = [i.encode() for i in frame["person_id"]]
    for path in out.iterdir():
        data = path.read_bytes()
        assert not any(i in data for i in ids), path.name
    persons = read_csv(out / "persons.csv")
    assert persons["person_id"].str.match(r"^PS-[0-9a-f]{16}$").all()
    mapping = read_csv(tmp_path / "map.csv")
    assert list(mapping["person_id"]) == list(frame["person_id"])
    assert list(mapping["pseudonym"]) == list(persons["person_id"])
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["pseudonymized"] == "HMAC-SHA256 of person_id with a key given by the user"
    assert "kommunens-hemmelighed" not in (out / "manifest.json").read_text()
    again = tmp_path / "again"
    assert invoke("value", tmp_path / "register.csv", "--out", again, "--pseudonymize",
                  "--pseudonym-key", "kommunens-hemmelighed").exit_code == 0
    assert list(read_csv(again / "persons.csv")["person_id"]) == list(persons["person_id"])
    result = invoke("value", tmp_path / "register.csv", "--out", tmp_path / "x", "--pseudonym-map", tmp_path / "m.csv")
    assert result.exit_code == 2 and "expected --pseudonymize as well" in result.output
    inside = tmp_path / "inside"
    result = invoke("value", tmp_path / "register.csv", "--out", inside, "--pseudonymize",
                    "--pseudonym-map", inside / "map.csv")
    assert result.exit_code == 2 and "expected a file outside the output folder" in result.output
    assert not inside.exists()


def test_a_cpr_number_in_a_kommune_name_is_masked_in_the_batch_overview(tmp_path):
    cpr = "010170-1234"
    frame = synthetic_register(60, seed=13, municipalities=("Aarhus Kommune", f"Odense {cpr}"))
    write_csv(frame, tmp_path / "register.csv")
    out = tmp_path / "out"
    result = invoke("value", tmp_path / "register.csv", "--out", out)
    assert result.exit_code in (0, 3), result.output
    for name in ("overview.csv", "skipped.csv"):
        assert cpr.encode() not in (out / name).read_bytes(), name
    workbook = openpyxl.load_workbook(out / "overview.xlsx", read_only=True)
    cells = [str(v) for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True) for v in row]
    assert not any(cpr in cell for cell in cells) and any("Odense xxxxxx-xxxx" in cell for cell in cells)
    assert "Odense xxxxxx-xxxx" in (out / "overview.csv").read_text(encoding="utf-8-sig")
    assert cpr not in result.output
