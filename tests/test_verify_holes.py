"""What `tjp verify` proves (docs/operations.md): every file the manifest names is in the
folder, unchanged, and nothing else is there; the manifest names only the folder's own
files; a damaged manifest is a message; a batch's problems name the kommune."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tjenestemandspension.actuarial.synthetic import synthetic_register
from tjenestemandspension.cli.main import app
from tjenestemandspension.textfiles import write_csv

pytestmark = pytest.mark.english  # asserts the English texts of problems (tests/conftest.py)

runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("verify")
    write_csv(synthetic_register(40, seed=1), folder / "one.csv")
    write_csv(synthetic_register(90, seed=2, municipalities=("Aarhus Kommune", "Odense Kommune")), folder / "two.csv")
    assert invoke("value", folder / "one.csv", "--out", folder / "single").exit_code == 0
    assert invoke("value", folder / "two.csv", "--out", folder / "batch").exit_code == 0
    return folder


@pytest.fixture
def single(runs, tmp_path):
    shutil.copytree(runs / "single", tmp_path / "run")
    assert invoke("verify", tmp_path / "run").exit_code == 0
    return tmp_path / "run"


def rewrite_manifest(folder: Path, change) -> None:
    path = folder / "manifest.json"
    content = json.loads(path.read_text(encoding="utf-8"))
    change(content)
    path.write_text(json.dumps(content), encoding="utf-8")


def test_a_hidden_file_added_is_found(single):
    (single / ".hidden").write_text("x", encoding="utf-8")
    result = invoke("verify", single)
    assert result.exit_code == 2
    assert result.output == "error: .hidden: is not part of the run (not in manifest.json)\n"


def test_a_manifest_naming_a_file_outside_the_folder_is_refused(single):
    outside = Path("/etc/hostname")
    if not outside.is_file():
        outside = Path(__file__)
    digest = hashlib.sha256(outside.read_bytes()).hexdigest()
    for name in (str(outside), "../" + outside.name, "sub/../../x"):
        rewrite_manifest(single, lambda content: content["outputs"].update({name: digest}))
        result = invoke("verify", single)
        assert result.exit_code == 2, result.output
        assert "names a file outside the folder" in result.output
        rewrite_manifest(single, lambda content: content["outputs"].pop(name))


def test_a_symlink_to_a_file_elsewhere_is_refused(single, tmp_path):
    elsewhere = tmp_path / "elsewhere.csv"
    shutil.copy(single / "cashflows.csv", elsewhere)
    (single / "cashflows.csv").unlink()
    (single / "cashflows.csv").symlink_to(elsewhere)
    result = invoke("verify", single)
    assert result.exit_code == 2
    assert "error: cashflows.csv: is a symbolic link; a tjp folder holds its own files" in result.output


@pytest.mark.parametrize("damage", [
    lambda c: c.update(outputs=["persons.csv"]),
    lambda c: c.update(outputs={"persons.csv": 5}),
    lambda c: c.update(run_id=None),
    lambda c: c.update(inputs="register.csv"),
])
def test_a_damaged_manifest_is_a_message_and_exit_2(single, damage):
    rewrite_manifest(single, damage)
    result = invoke("verify", single)
    assert result.exit_code == 2, result.output
    assert result.output == ("error: manifest.json: is damaged: its run_id, outputs or inputs are not what tjp "
                             "writes\n")


def test_a_deeply_nested_manifest_is_a_message(single):
    (single / "manifest.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    result = invoke("verify", single)
    assert result.exit_code == 2
    assert result.output.startswith("error: manifest.json: ")


def test_batch_problems_name_the_kommune(runs, tmp_path):
    batch = tmp_path / "batch"
    shutil.copytree(runs / "batch", batch)
    persons = batch / "Odense_Kommune" / "persons.csv"
    persons.write_text(persons.read_text(encoding="utf-8-sig") + "\n", encoding="utf-8-sig")
    result = invoke("verify", batch)
    assert result.exit_code == 2
    assert result.output == ("error: persons.csv: was changed after the run (its sha256 differs from "
                             "manifest.json) [kommune Odense Kommune]\n")


def test_a_manifest_without_its_total_is_a_message_not_a_traceback(single, tmp_path):
    rewrite_manifest(single, lambda content: content.pop("totals"))
    result = invoke("rollforward", "--prior", single, "--to", "2025-12-31", "--payments", "1000000", "--booked", "-5000000",
                    "--out", tmp_path / "rf")
    assert result.exit_code == 2, result.output
    assert result.output == ("error: manifest.json, key 'totals.liability': has no total liability; it is not the "
                             "manifest of a valuation or roll-forward\n")
    assert not (tmp_path / "rf").exists()
