"""`tjp verify` cross-checks the figures, `tjp verify --rerun` recomputes the run from its
recorded inputs: a journal changed with its hash rewritten in the manifest passes the
checksums but not the cross-check, and a change consistent in every file passes the
cross-check but not the rerun."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tjenestemandspension.actuarial.manifest import sha256_file
from tjenestemandspension.cli.main import app


runner = CliRunner()


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("rerun")
    assert runner.invoke(app, ["example", str(folder)]).exit_code == 0
    out = folder / "out"
    result = runner.invoke(app, ["value", str(folder / "register.csv"), "--basis", str(folder / "basis.toml"),
                                 "--set", "inflation.rate=0.021", "--booked=-950000000", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


def copy(run: Path, tmp_path: Path) -> Path:
    import shutil

    target = tmp_path / "copy"
    shutil.copytree(run, target)
    return target


def rewrite_hash(folder: Path, name: str, **changes) -> None:
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    manifest["outputs"][name] = sha256_file(folder / name)
    for key, value in changes.items():
        manifest[key] = value
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def test_rerun_passes_on_an_untouched_run(run):
    result = runner.invoke(app, ["verify", str(run), "--rerun"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].endswith("og tallene stemmer indbyrdes.")
    assert lines[1] == "OK: genberegningen fra de registrerede inddata giver de samme 5 filer, byte for byte."


def test_a_journal_changed_with_its_hash_rewritten_fails(run, tmp_path):
    folder = copy(run, tmp_path)
    journal = folder / "journal.csv"
    text = journal.read_text(encoding="utf-8-sig")
    amount = text.splitlines()[1].split(";")[7]  # the credit on 9.72.90.001
    journal.write_text(text.replace(amount, "12345678,90"), encoding="utf-8-sig")  # still balances
    rewrite_hash(folder, "journal.csv")
    result = runner.invoke(app, ["verify", str(folder)])
    assert result.exit_code == 2
    assert "journal.csv: posts" in result.stderr and "but the regulation recorded is" in result.stderr
    rerun = runner.invoke(app, ["verify", str(folder), "--rerun"])
    assert rerun.exit_code == 2


@pytest.mark.english
def test_a_change_consistent_in_every_summary_is_caught_only_by_the_rerun(run, tmp_path):
    """The journal and the manifest's journal summary both changed: the cross-check cannot
    tell, the rerun can."""
    folder = copy(run, tmp_path)
    journal = folder / "journal.csv"
    journal.write_text(journal.read_text(encoding="utf-8-sig").replace("Opskrivning", "Opskrivning (ændret)"),
                       encoding="utf-8-sig")
    rewrite_hash(folder, "journal.csv")
    assert runner.invoke(app, ["verify", str(folder)]).exit_code == 0
    result = runner.invoke(app, ["verify", str(folder), "--rerun"])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "error: journal.csv: differs from the rerun's: the file is not what tjp computes from the recorded inputs"]


def test_the_working_paper_and_persons_are_cross_checked(run, tmp_path):
    folder = copy(run, tmp_path)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    totals = dict(manifest["totals"], liability=manifest["totals"]["liability"] + 1000.0)
    rewrite_hash(folder, "journal.csv", totals=totals)
    result = runner.invoke(app, ["verify", str(folder)])
    assert result.exit_code == 2
    errors = result.stderr.splitlines()
    assert any("manifest.json: the journal's liability" in e for e in errors)
    assert any("persons.csv: the persons' liabilities add up to" in e for e in errors)
    assert any("valuation.xlsx: shows the liability" in e for e in errors)


@pytest.mark.english
def test_rerun_needs_the_inputs_unchanged(run, tmp_path):
    import shutil

    source = run.parent
    moved = tmp_path / "moved"
    shutil.copytree(source, moved, ignore=shutil.ignore_patterns("out"))
    (source / "register.csv").write_bytes((source / "register.csv").read_bytes() + b"\n")
    try:
        result = runner.invoke(app, ["verify", str(run), "--rerun"])
        assert result.exit_code == 2
        assert result.stderr.splitlines() == [
            f"error: register.csv: the run's register file was changed since the run (its sha256 differs from "
            f"manifest.json)"]
    finally:
        shutil.copy(moved / "register.csv", source / "register.csv")


def test_rerun_recomputes_both_groupings_and_catches_a_changed_case_register(tmp_path):
    """The README's main command values 001 and 003 in one run: --rerun recomputes both
    from the recorded registers, and refuses a case register changed since."""
    folder = tmp_path / "example"
    assert runner.invoke(app, ["example", str(folder)]).exit_code == 0
    out = folder / "out"
    result = runner.invoke(app, ["value", str(folder / "register.csv"), "--basis", str(folder / "basis.toml"),
                                 "--booked=-950000000", "--work-injuries", str(folder / "sager.csv"),
                                 "--booked-work-injuries=-68000000", "--out", str(out)])
    assert result.exit_code == 0, result.output
    again = runner.invoke(app, ["verify", str(out), "--rerun"])
    assert again.exit_code == 0, again.output
    assert again.output.splitlines()[1] == ("OK: genberegningen fra de registrerede inddata giver de samme 10 filer, "
                                            "byte for byte.")
    with open(folder / "sager.csv", "a", encoding="utf-8") as cases:
        cases.write("\n")
    changed = runner.invoke(app, ["verify", str(out), "--rerun"])
    assert changed.exit_code == 2
    assert "sager.csv" in changed.output and "sha256" in changed.output
