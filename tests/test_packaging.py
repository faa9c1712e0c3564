"""What gets installed: the wheel built from this tree holds one top-level name,
`tjenestemandspension`, every module of the five folders, and the package data.

Built in a subprocess with setuptools' own backend (PEP 517), from a copy of the
sources, so that the checkout gets no build/ or *.egg-info folders.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile

import pytest

from conftest import REPO_ROOT

PACKAGE = "tjenestemandspension"
FOLDERS = {"core": PACKAGE, "actuarial": f"{PACKAGE}/actuarial", "curves": f"{PACKAGE}/curves",
           "mortality": f"{PACKAGE}/mortality", "cli": f"{PACKAGE}/cli",
           "actuarial/work_injury": f"{PACKAGE}/actuarial/work_injury"}
BUILD = ("import sys, setuptools.build_meta as backend; "
         "print(backend.build_wheel(sys.argv[1]))")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> zipfile.ZipFile:
    pytest.importorskip("setuptools", minversion="70.1", reason="the test extras install setuptools>=70.1")
    source = tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO_ROOT / name, source / name)
    for folder in FOLDERS:
        if "/" in folder:
            continue  # a subpackage, copied with its parent folder
        shutil.copytree(REPO_ROOT / folder, source / folder, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    out = tmp_path_factory.mktemp("dist")
    built = subprocess.run([sys.executable, "-c", BUILD, str(out)], cwd=source, capture_output=True, text=True)
    assert built.returncode == 0, built.stderr[-3000:]
    return zipfile.ZipFile(out / built.stdout.strip().splitlines()[-1])


def test_the_wheel_installs_one_top_level_name(wheel):
    names = wheel.namelist()
    tops = {name.split("/")[0] for name in names if not name.split("/")[0].endswith(".dist-info")}
    assert tops == {PACKAGE}
    top_level = next(name for name in names if name.endswith(".dist-info/top_level.txt"))
    assert wheel.read(top_level).decode().split() == [PACKAGE]
    entry_points = next(name for name in names if name.endswith(".dist-info/entry_points.txt"))
    assert "tjp = tjenestemandspension.cli.main:main" in wheel.read(entry_points).decode()


def test_the_wheel_holds_every_module_and_data_file(wheel):
    names = set(wheel.namelist())
    expected = set()
    for folder, installed in FOLDERS.items():
        root = REPO_ROOT / folder
        expected |= {f"{installed}/{path.name}" for path in root.glob("*.py")}
        for package_data in ("data", "locale"):  # locale: core/i18n.py's catalogue
            data = root / package_data
            if data.is_dir():
                expected |= {f"{installed}/{package_data}/{path.relative_to(data).as_posix()}"
                             for path in data.rglob("*") if path.is_file() and "__pycache__" not in path.parts}
    assert {name for name in expected if "/data/" in name}, "no package data found in the tree"
    assert expected <= names, f"missing from the wheel: {sorted(expected - names)}"
    stray = {name for name in names if not name.startswith(PACKAGE + "-") and name not in expected}
    assert not stray, f"in the wheel but not in the five folders: {sorted(stray)}"
