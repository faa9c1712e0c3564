"""The output folder's promises (docs/operations.md, "What the output folder promises"):
one run at a time per folder, --force replaces only our own results and never an input,
a killed run leaves the previous result intact or restorable and the next run cleans up,
the pseudonym map is part of the same transaction, the manifest hashes what was read."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tjenestemandspension.actuarial.manifest import MANIFEST
from tjenestemandspension.actuarial.member_register import read_member_table
from tjenestemandspension.actuarial.run import run_valuation
from tjenestemandspension.actuarial.synthetic import synthetic_register
from tjenestemandspension.cli.main import app
from tjenestemandspension.errors import InputError
from tjenestemandspension.textfiles import write_csv

pytestmark = pytest.mark.english  # asserts the English texts of problems (tests/conftest.py)

runner = CliRunner()
TJP = [sys.executable, "-m", "tjenestemandspension.cli.main"]
BIG = int(os.environ.get("TJP_KILL_TEST_PERSONS", "20000"))  # a run of some seconds (100000: the size)


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


def tree(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if ".tjp-" in p.name)


@pytest.fixture(scope="module")
def registers(tmp_path_factory):
    folder = tmp_path_factory.mktemp("guarantees")
    write_csv(synthetic_register(BIG, seed=3), folder / "big.csv")
    write_csv(synthetic_register(60, seed=4), folder / "small.csv")
    bad = synthetic_register(60, seed=5)
    bad.loc[0, "sex"] = "X"
    write_csv(bad, folder / "bad.csv")
    result = invoke("value", folder / "small.csv", "--out", folder / "previous", "--quiet")
    assert result.exit_code == 0, result.output
    return folder


def start(*args) -> subprocess.Popen:
    return subprocess.Popen(TJP + [str(a) for a in args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def wait_for(condition, timeout: float = 60.0) -> None:
    end = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.01)


def staging(parent: Path, name: str) -> bool:
    return any(p.name.startswith(f".{name}.tjp-partial") for p in parent.iterdir())


# --- item 1: one run at a time ------------------------------------------------------------

def test_two_runs_into_one_folder_exactly_one_wins_and_nothing_is_lost(registers, tmp_path):
    out = tmp_path / "out"
    first = start("value", registers / "big.csv", "--out", out, "--quiet")
    wait_for(lambda: (tmp_path / ".out.tjp-lock").exists())
    wait_for(lambda: staging(tmp_path, "out"))  # the first is writing now
    first.send_signal(signal.SIGSTOP)  # held there, lock and all, however fast the writers get
    try:
        second = subprocess.run(TJP + ["value", str(registers / "small.csv"), "--out", str(out), "--force"],
                                capture_output=True, text=True)
    finally:
        first.send_signal(signal.SIGCONT)
    assert second.returncode == 2, second.stderr
    assert "another tjp run is writing to this output folder now" in second.stderr
    assert "Skrevet til" not in second.stdout
    stdout, stderr = first.communicate(timeout=120)
    assert first.returncode == 0, stderr
    assert invoke("verify", out).exit_code == 0
    assert json.loads((out / MANIFEST).read_text())["totals"]["persons"] == BIG  # the first's result, whole
    assert leftovers(tmp_path) == []


def test_a_folder_that_appears_while_writing_is_not_replaced(tmp_path):
    from tjenestemandspension.actuarial.output import check_output_folder, output_folder, release_output_folders

    out = tmp_path / "out"
    try:
        check_output_folder(out, force=False)
        out.mkdir()
        (out / "theirs.txt").write_text("someone else's", encoding="utf-8")
        with pytest.raises(InputError, match="appeared or changed while this run was writing"):
            with output_folder(out, force=False) as folder:
                (folder / "ours.csv").write_text("x", encoding="utf-8")
    finally:
        release_output_folders()
    assert sorted(p.name for p in out.iterdir()) == ["theirs.txt"]
    assert leftovers(tmp_path) == []


# --- item 2: --force and the inputs -------------------------------------------------------

def test_force_never_replaces_a_folder_holding_an_input(tmp_path):
    folder = tmp_path / "ex2"
    folder.mkdir()
    write_csv(synthetic_register(30, seed=1), folder / "register.csv")
    (folder / "notes.txt").write_text("keep me", encoding="utf-8")
    before = tree(folder)
    for out in (folder, tmp_path):
        result = invoke("value", folder / "register.csv", "--out", out, "--force")
        assert result.exit_code == 2
        assert "holds an input of this run (register.csv)" in result.output
    assert tree(folder) == before


def test_the_pseudonym_map_may_not_be_an_input(tmp_path):
    register = tmp_path / "register.csv"
    write_csv(synthetic_register(30, seed=1), register)
    before = register.read_bytes()
    result = invoke("value", register, "--pseudonymize", "--pseudonym-map", register, "--force",
                    "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert "error: register.csv: is an input of this run; expected a new file for the pseudonym mapping" \
        in result.output
    assert register.read_bytes() == before and not (tmp_path / "out").exists()


def test_force_replaces_only_our_own_results_unless_force_foreign(registers, tmp_path):
    foreign = tmp_path / "documents"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("not a tjp folder", encoding="utf-8")
    result = invoke("value", registers / "small.csv", "--out", foreign, "--force")
    assert result.exit_code == 2
    assert "is not the output folder of a tjp run (no tjp manifest.json), so --force does not replace it" \
        in result.output
    assert (foreign / "notes.txt").read_text(encoding="utf-8") == "not a tjp folder"
    result = invoke("value", registers / "small.csv", "--out", foreign, "--force", "--force-foreign")
    assert result.exit_code == 0, result.output
    assert not (foreign / "notes.txt").exists() and invoke("verify", foreign).exit_code == 0
    ours = tmp_path / "ours"
    shutil.copytree(registers / "previous", ours)
    assert invoke("value", registers / "small.csv", "--out", ours, "--force").exit_code == 0


def test_out_may_not_be_the_current_folder_or_a_symlink(registers, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "keep.txt").write_text("x", encoding="utf-8")
    for out in (".", str(tmp_path.parent)):
        result = invoke("value", registers / "small.csv", "--out", out, "--force", "--force-foreign")
        assert result.exit_code == 2
        assert "is the current folder or contains it" in result.output
    (tmp_path / "link").symlink_to(tmp_path / "nowhere")
    result = invoke("value", registers / "small.csv", "--out", "link")
    assert result.exit_code == 2 and "link: is a symbolic link" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.txt", "link"]


# --- item 3: killed runs ------------------------------------------------------------------

@pytest.mark.parametrize("delay", [0.0, 0.4, 1.5])
def test_a_run_killed_while_writing_leaves_the_previous_result_and_the_next_run_cleans_up(
        registers, tmp_path, delay):
    out = tmp_path / "out"
    shutil.copytree(registers / "previous", out)
    previous = tree(out)
    run = start("value", registers / "big.csv", "--out", out, "--force", "--quiet")
    wait_for(lambda: staging(tmp_path, "out"))
    time.sleep(delay)
    run.send_signal(signal.SIGKILL)
    run.communicate(timeout=30)
    if out.exists() and tree(out) != previous:  # killed after the rename: the new result, complete
        assert invoke("verify", out).exit_code == 0
    # the next run into the folder (here one that fails on its register) cleans up and restores
    result = invoke("value", registers / "bad.csv", "--out", out, "--force")
    assert result.exit_code == 2
    assert leftovers(tmp_path) == []
    assert out.exists() and invoke("verify", out).exit_code == 0


def test_a_kill_between_the_two_renames_is_undone_by_the_next_run(registers, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(registers / "previous", out)
    previous = tree(out)
    # what a kill between the renames leaves: the result hidden, the new one still staged
    out.rename(tmp_path / ".out.tjp-replaced-4194303")
    shutil.copytree(registers / "previous", tmp_path / ".out.tjp-partial-abc123")
    result = invoke("value", registers / "bad.csv", "--out", out, "--force")
    assert result.exit_code == 2
    assert "det tidligere resultat, som en afbrudt kørsel var ved at erstatte, er genskabt" in result.output
    assert "fjernet en ufærdig mappe fra en afbrudt kørsel: .out.tjp-partial-abc123" in result.output
    assert tree(out) == previous and leftovers(tmp_path) == []


def test_sigterm_while_writing_cleans_up_and_keeps_the_previous_result(registers, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(registers / "previous", out)
    previous = tree(out)
    run = start("value", registers / "big.csv", "--out", out, "--force", "--quiet")
    wait_for(lambda: staging(tmp_path, "out"))
    run.send_signal(signal.SIGTERM)
    _, stderr = run.communicate(timeout=30)
    assert run.returncode == 128 + signal.SIGTERM, stderr
    assert "stopped by signal SIGTERM; nothing was written" in stderr
    assert tree(out) == previous and leftovers(tmp_path) == []


# --- item 4: the pseudonym map ------------------------------------------------------------

def test_a_pseudonym_map_that_cannot_be_written_leaves_no_output_folder(registers, tmp_path):
    out = tmp_path / "out"
    result = invoke("value", registers / "small.csv", "--pseudonymize", "--out", out,
                    "--pseudonym-map", tmp_path / "missing" / "map.csv")
    assert result.exit_code == 2, result.output
    assert "map.csv: cannot be written: its folder does not exist; nothing was written" in result.output
    assert not out.exists() and leftovers(tmp_path) == []


# --- item 5: the manifest hashes what was read --------------------------------------------

def test_the_run_records_the_hash_of_the_bytes_it_read(tmp_path):
    register = tmp_path / "register.csv"
    write_csv(synthetic_register(40, seed=1), register)
    original = hashlib.sha256(register.read_bytes()).hexdigest()
    table = read_member_table(register)
    write_csv(synthetic_register(40, seed=2), register)  # replaced while the run goes on
    run = run_valuation(register, table=table)
    assert next(f.sha256 for f in run.inputs if f.role == "register") == original
