"""Every bundled data file says where it comes from, and every provenance string points
at a source the repository documents.

Bundled data: the package data in actuarial/data, curves/data and mortality/data, the
published vectors in tests/data/published and the example CSVs. Each file F has a
sidecar `F.provenance.toml` with `source`, `sources` (ids of docs/sources.md),
`published`, `obtained`, `sha256` (of F) and optionally `note`.
"""

from __future__ import annotations

import fnmatch
import hashlib
import re
import tomllib
from pathlib import Path

import pytest

from tjenestemandspension.actuarial import load_basis
from tjenestemandspension.curves import default_curve
from tjenestemandspension.mortality import default_mortality_basis

REPO_ROOT = Path(__file__).resolve().parents[1]
DATA_FOLDERS = ("actuarial/data", "curves/data", "mortality/data", "tests/data/published")
EXAMPLE_DATA = "examples/*.csv"
SIDECAR_SUFFIX = ".provenance.toml"
REQUIRED_KEYS = {"source", "sources", "published", "obtained", "sha256"}
OPTIONAL_KEYS = {"note"}
# a source id as cited: [BRS-9.72.90], [TPL-6], [FT-BENCH-2024]
SOURCE_ID = re.compile(r"\[([A-Z][A-Z0-9]*(?:-[A-Z0-9.]+)*)\]")
# what a provenance string must never send an auditor to: files beside the repository
OUTSIDE_THE_REPOSITORY = re.compile(r"valuation-basis|work-injury-basis|\.\./shared|shared/(data|docs|seeds)")


def data_files() -> list[Path]:
    files = [path for folder in DATA_FOLDERS for path in sorted((REPO_ROOT / folder).iterdir())
             if path.is_file() and not path.name.endswith(SIDECAR_SUFFIX)]
    return files + sorted(REPO_ROOT.glob(EXAMPLE_DATA))


def sidecars() -> list[Path]:
    found = [path for folder in DATA_FOLDERS for path in sorted((REPO_ROOT / folder).glob("*" + SIDECAR_SUFFIX))]
    return found + sorted(REPO_ROOT.glob("examples/*" + SIDECAR_SUFFIX))


def documented_ids() -> set[str]:
    """The ids of docs/sources.md: every [ID] in a heading."""
    text = (REPO_ROOT / "docs" / "sources.md").read_text(encoding="utf-8")
    return {match for line in text.splitlines() if line.startswith("### ") for match in SOURCE_ID.findall(line)}


def relative(path: Path) -> str:
    return str(path.relative_to(REPO_ROOT))


def test_the_data_folders_hold_data():
    names = {relative(path) for path in data_files()}
    assert {"actuarial/data/default_basis.toml", "curves/data/eiopa_dkk_20241231.json",
            "mortality/data/ft_benchmark_2024.csv", "tests/data/published/smith_wilson_test_vectors.json",
            "examples/worked_example.csv"} <= names


@pytest.mark.parametrize("data_file", data_files(), ids=relative)
def test_every_data_file_has_a_complete_sidecar_with_its_sha256(data_file):
    sidecar = data_file.with_name(data_file.name + SIDECAR_SUFFIX)
    assert sidecar.is_file(), f"{relative(data_file)} has no provenance sidecar {sidecar.name}"
    record = tomllib.loads(sidecar.read_text(encoding="utf-8"))
    assert REQUIRED_KEYS <= record.keys() <= REQUIRED_KEYS | OPTIONAL_KEYS, (
        f"{relative(sidecar)}: keys {sorted(record)}; expected {sorted(REQUIRED_KEYS)} and optionally 'note'")
    for key in (REQUIRED_KEYS - {"sources"}) | (OPTIONAL_KEYS & record.keys()):
        assert isinstance(record[key], str) and record[key].strip(), f"{relative(sidecar)}: '{key}' must be a text"
    assert record["sources"] and all(isinstance(i, str) for i in record["sources"]), (
        f"{relative(sidecar)}: 'sources' must be a list of ids of docs/sources.md")
    digest = hashlib.sha256(data_file.read_bytes()).hexdigest()
    assert record["sha256"] == digest, (
        f"{relative(data_file)} changed since its sidecar was written: check that {sidecar.name} still "
        f"describes it, then set sha256 = \"{digest}\"")


def test_every_sidecar_belongs_to_a_data_file():
    orphans = [relative(s) for s in sidecars() if not s.with_name(s.name[: -len(SIDECAR_SUFFIX)]).is_file()]
    assert orphans == []


def test_every_cited_source_id_is_documented():
    known = documented_ids()
    cited: dict[str, set[str]] = {}
    for sidecar in sidecars():
        cited[relative(sidecar)] = set(tomllib.loads(sidecar.read_text(encoding="utf-8"))["sources"])
    documents = [REPO_ROOT / "README.md", REPO_ROOT / "ARCHITECTURE.md", *sorted((REPO_ROOT / "docs").glob("*.md"))]
    for path in [*data_files(), *documents]:
        if path.suffix in (".toml", ".json", ".md"):
            cited.setdefault(relative(path), set()).update(SOURCE_ID.findall(path.read_text(encoding="utf-8")))
    unknown = {where: sorted(ids - known) for where, ids in cited.items() if ids - known}
    assert unknown == {}, "ids not in docs/sources.md"
    assert cited["actuarial/data/default_basis.toml"] and cited["docs/specification.md"]


def test_no_provenance_points_outside_the_repository():
    offending = []
    for path in [*data_files(), *sidecars()]:
        if path.suffix in (".toml", ".json"):
            offending += [f"{relative(path)}: {line.strip()[:80]}" for line in
                          path.read_text(encoding="utf-8").splitlines() if OUTSIDE_THE_REPOSITORY.search(line)]
    # what the reports show: the resolved default basis, the built-in curve and mortality
    shown = [record["source"] for record in load_basis().as_records()]
    shown += [default_curve().provenance.describe(), default_curve(with_va=True).provenance.describe()]
    described = default_mortality_basis().describe()
    shown += [described["mortality"]["text"], described["improvement"]["text"]]
    offending += [text for text in shown if OUTSIDE_THE_REPOSITORY.search(text)]
    assert offending == []


def test_every_default_value_cites_a_documented_source():
    known = documented_ids()
    without = [record["key"] for record in load_basis().as_records()
               if record["source"] != "not set" and not set(SOURCE_ID.findall(record["source"])) & known]
    assert without == []


def test_package_data_globs_ship_every_data_file_and_sidecar():
    pyproject = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    folders = pyproject["tool"]["setuptools"]["package-dir"]
    globs = pyproject["tool"]["setuptools"]["package-data"]
    missing = []
    for package, folder in folders.items():
        data = REPO_ROOT / folder / "data"
        if not data.is_dir():
            continue
        patterns = globs.get(package, [])
        missing += [relative(path) for path in sorted(data.iterdir()) if path.is_file()
                    and not any(fnmatch.fnmatch(f"data/{path.name}", pattern) for pattern in patterns)]
    assert missing == []
