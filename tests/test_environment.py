"""Ordinary environment problems are one line and exit code 2, never "internal error":
files that are not regular files, zip bombs, deep TOML, folders that cannot be written,
a full disk, overlong kommune names (docs/operations.md)."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

import tjenestemandspension.actuarial.table_reading as table_reading
from tjenestemandspension.actuarial import read_register
from tjenestemandspension.actuarial.synthetic import synthetic_register
from tjenestemandspension.cli.main import app
from tjenestemandspension.errors import InputError
from tjenestemandspension.textfiles import write_csv

pytestmark = pytest.mark.english  # asserts the English texts of problems (tests/conftest.py)

runner = CliRunner()
TJP = [sys.executable, "-m", "tjenestemandspension.cli.main"]


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture
def register(tmp_path) -> Path:
    path = tmp_path / "register.csv"
    write_csv(synthetic_register(30, seed=1), path)
    return path


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_a_pipe_or_a_device_as_register_is_refused_at_once(tmp_path, kind):
    if kind == "fifo":
        path = tmp_path / "register.csv"
        os.mkfifo(path)
    else:
        path = Path("/dev/zero")
        if not path.exists():
            pytest.skip("no /dev/zero")
    result = subprocess.run(TJP + ["value", str(path), "--out", str(tmp_path / "out")], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 2, result.stderr
    assert result.stderr.endswith("is not a regular file (a pipe, a device or a socket); expected a register "
                                  "file (.csv, .xlsx or .parquet)\n") or "unsupported file type" in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_zip_bomb_workbook_is_refused_before_it_is_unpacked(tmp_path, monkeypatch):
    path = tmp_path / "bomb.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["person_id", "birth_date", "sex", "status", "annual_pension"])
    for i in range(20_000):
        sheet.append([f"P{i}", "1960-01-15", "M", "retired", 100000])
    book.save(path)
    monkeypatch.setattr(table_reading, "MAX_XLSX_UNPACKED_BYTES", 1 << 20)  # 1 MiB, for a quick test
    with pytest.raises(InputError) as caught:
        read_register(path, __import__("datetime").date(2024, 12, 31))
    message = str(caught.value)
    assert message.startswith("bomb.xlsx: unpacks to ") and message.endswith(
        "MiB, more than the 1 MiB of the largest workbook read; save a register this large as CSV UTF-8 or Parquet")


def test_a_toml_nested_thousands_deep_is_a_message(tmp_path, register):
    basis = tmp_path / "basis.toml"
    basis.write_text("[valuation]\nx = " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    result = invoke("value", register, "--basis", basis, "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert result.output.startswith("error: basis.toml: is nested too deeply to be read; expected ")
    assert not (tmp_path / "out").exists()


def test_an_output_folder_below_a_file_is_a_message(tmp_path, register):
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    result = invoke("value", register, "--out", tmp_path / "afile" / "out")
    assert result.exit_code == 2
    assert result.output == "error: afile: cannot be created (Not a directory)\n" or \
        result.output.startswith("error: afile: ")
    assert "internal error" not in result.output


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_parent_is_a_message(tmp_path, register):
    parent = tmp_path / "ro"
    parent.mkdir()
    parent.chmod(0o555)
    try:
        result = invoke("value", register, "--out", parent / "out")
    finally:
        parent.chmod(0o755)
    assert result.exit_code == 2 and "internal error" not in result.output
    assert result.output.startswith("error: ro: cannot be written (Permission denied)")


def test_a_full_disk_is_a_message_and_leaves_nothing(tmp_path, register, monkeypatch):
    import tjenestemandspension.actuarial.output as output

    def full(*_args, **_kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(output, "write_persons", full)
    result = invoke("value", register, "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert result.output == ("error: out: the results cannot be written (No space left on device); nothing "
                             "was written\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["register.csv"]


def test_an_overlong_kommune_name_in_a_batch_is_skipped_without_echoing_it(tmp_path):
    frame = synthetic_register(40, seed=3, municipalities=("Aarhus Kommune", "K" * 300))
    write_csv(frame, tmp_path / "all.csv")
    result = invoke("value", tmp_path / "all.csv", "--out", tmp_path / "out")
    assert result.exit_code == 3, result.output
    assert "KKKKK" not in result.output and "kommune (a name of 300 bytes, not shown) was skipped" \
        in result.output
    assert "expected a name of at most 200 bytes (UTF-8); the name is not shown" in result.output
    assert sorted(p.name for p in (tmp_path / "out").iterdir() if p.is_dir()) == ["Aarhus_Kommune"]
