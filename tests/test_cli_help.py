"""`tjp --version`, `tjp basis keys`, --help without `<bool>`, and progress only where
someone watches."""

from __future__ import annotations

import pandas as pd
import pytest
from typer.testing import CliRunner

from tjenestemandspension import __version__
from tjenestemandspension.actuarial.basis import SETTINGS
from tjenestemandspension.cli import progress
from tjenestemandspension.cli.main import app
from tjenestemandspension.textfiles import write_csv

runner = CliRunner()
COMMANDS = [["value"], ["example"], ["analyse"], ["rollforward"], ["sensitivities"], ["compare"], ["verify"],
            ["basis", "keys"], ["curve", "show"], ["mortality", "show"], []]


def test_version():
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output == f"tjp (tjenestemandspension) {__version__}\n"


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "tjp")
def test_no_bool_metavar_on_flags(command):
    result = runner.invoke(app, [*command, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "<bool>" not in result.output
    assert "--help" in result.output


def test_basis_keys_lists_every_key_with_its_default_and_source():
    result = runner.invoke(app, ["basis", "keys"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    listed = [line.split(" = ")[0] for line in lines if not line.startswith(" ")]
    assert listed == [s.key for s in SETTINGS]
    assert "inflation.rate = 0.02  (pladsholder: gennemgå)" in lines
    assert "checks.regulation_share = 0.1" in lines
    assert "curve.file = (ikke sat)" in lines
    first = lines.index("inflation.rate = 0.02  (pladsholder: gennemgå)")
    assert lines[first + 3].startswith("    kilde: Budget- og regnskabssystem for kommuner")


def test_progress_only_where_someone_watches(monkeypatch):
    monkeypatch.delenv(progress.PROGRESS_ENV, raising=False)
    monkeypatch.setattr(progress.sys.stderr, "isatty", lambda: False, raising=False)
    assert not progress.progress_wanted(large=True, quiet=False)  # a pipe or a log: nothing
    monkeypatch.setattr(progress.sys.stderr, "isatty", lambda: True, raising=False)
    assert progress.progress_wanted(large=True, quiet=False)
    assert not progress.progress_wanted(large=True, quiet=True)
    assert not progress.progress_wanted(large=False, quiet=False)
    monkeypatch.setenv(progress.PROGRESS_ENV, "0")
    assert not progress.progress_wanted(large=True, quiet=False)
    monkeypatch.setattr(progress.sys.stderr, "isatty", lambda: False, raising=False)
    monkeypatch.setenv(progress.PROGRESS_ENV, "1")
    assert progress.progress_wanted(large=True, quiet=False)


def test_a_csv_written_with_progress_has_the_same_bytes(tmp_path, monkeypatch):
    monkeypatch.setattr("tjenestemandspension.textfiles.PROGRESS_CHUNK_ROWS", 7)
    frame = pd.DataFrame({"a": range(50), "b": [i / 3 for i in range(50)], "c": ["æø"] * 50})
    write_csv(frame, tmp_path / "plain.csv")
    reported = []
    write_csv(frame, tmp_path / "chunked.csv", progress=lambda done, total: reported.append((done, total)))
    assert (tmp_path / "plain.csv").read_bytes() == (tmp_path / "chunked.csv").read_bytes()
    assert reported[0] == (7, 50) and reported[-1] == (50, 50) and len(reported) == 8


def test_example_progress_with_a_percentage_on_stderr_only(tmp_path, monkeypatch):
    monkeypatch.setenv(progress.PROGRESS_ENV, "1")
    monkeypatch.setattr(progress, "LARGE_EXAMPLE_PERSONS", 10)
    result = runner.invoke(app, ["example", str(tmp_path / "ex"), "--persons", "50"])
    assert result.exit_code == 0, result.output
    assert "100%" in result.stderr and "Danner eksempelregister" in result.stderr
    assert "100%" not in result.stdout
