"""A run's output folder as an input: verified against its manifest before it is used.

`tjp analyse`, `tjp rollforward`, `tjp compare` and `tjp verify` start from folders that
`tjp value` (or another command) wrote. The manifest lists every output file and every
input file with its sha256; a folder whose files were edited after the run, or whose
inputs changed since, is refused with a clear message.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from tjenestemandspension.actuarial.basis import Basis
from tjenestemandspension.actuarial.basis_files import load_basis
from tjenestemandspension.actuarial.headers import canonical, text_columns
from tjenestemandspension.actuarial.manifest import MANIFEST, sha256_file
from tjenestemandspension.actuarial.table_validation import mask_cpr, printable
from tjenestemandspension.errors import InputError, Problem
from tjenestemandspension.i18n import N_
from tjenestemandspension.textfiles import read_output_csv, read_regular_file


BASIS_FILE = "basis.toml"


@dataclass(frozen=True)
class RunFolder:
    folder: Path
    manifest: dict

    @property
    def kind(self) -> str:
        return self.manifest.get("kind", "valuation")

    @property
    def run_id(self) -> str:
        return self.manifest["run_id"]

    @property
    def liability(self) -> float:
        totals = self.manifest.get("totals")
        value = totals.get("liability") if isinstance(totals, dict) else None
        try:
            if isinstance(value, (int, float, str)) and not isinstance(value, bool):
                return float(value)
        except ValueError:
            pass
        raise InputError([Problem(file=str(self.folder / MANIFEST), key="totals.liability",
                                  value=None if value is None else str(value),
                                  expected=N_("has no total liability; it is not the manifest of a "
                                              "valuation or roll-forward"))])

    @property
    def valuation_date(self) -> dt.date:
        return dt.date.fromisoformat(self.manifest["valuation_date"])

    @property
    def last_recalculation(self) -> dt.date:
        """The last actuarial recalculation: this run's date, or the one a roll-forward rolled from."""
        if self.kind == "rollforward":
            return dt.date.fromisoformat(self.manifest["last_recalculation"])
        return self.valuation_date

    def input_path(self, role: str) -> Path | None:
        for entry in self.manifest.get("inputs", []):
            if entry["role"] == role:
                return Path(entry["path"])
        return None

    def basis(self) -> Basis:
        """The run's resolved basis (its basis.toml, verified with the folder)."""
        return load_basis(self.folder / BASIS_FILE)

    def basis_text(self) -> str:
        return (self.folder / BASIS_FILE).read_text(encoding="utf-8")

    def persons(self) -> pd.DataFrame:
        """The per-person results, indexed by person_id."""
        name = self.manifest.get("persons_file", "persons.csv")
        if name.endswith(".parquet"):
            frame = pd.read_parquet(self.folder / name)
        else:
            frame = canonical(read_output_csv(self.folder / name,
                                              dtype=text_columns(("person_id", "unit", "municipality"))))
        return frame.set_index("person_id")


def read_manifest(folder: Path) -> dict:
    path = folder / MANIFEST
    if not folder.is_dir():
        raise InputError([Problem(file=str(folder), expected=N_("expected the output folder of a tjp run"))])
    if not path.is_file():
        raise InputError([Problem(file=str(folder), expected=N_("is not the output folder of a tjp run "
                                                                "(no manifest.json)"))])
    try:
        manifest = json.loads(read_regular_file(path, "a tjp manifest").decode("utf-8"))
    except RecursionError:
        raise InputError([Problem(file=str(path), expected="cannot be read as JSON (nested too deeply)")]) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise InputError([Problem(file=str(path), expected=f"cannot be read as JSON ({error})")]) from None
    if not isinstance(manifest, dict) or "run_id" not in manifest or "outputs" not in manifest:
        raise InputError([Problem(file=str(path), expected="is not a tjp manifest (no run_id or outputs)")])
    outputs = manifest["outputs"]
    if (not isinstance(manifest["run_id"], str) or not isinstance(outputs, dict)
            or not all(isinstance(k, str) and isinstance(v, str) for k, v in outputs.items())
            or not all(isinstance(e, dict) and isinstance(e.get("role"), str) and isinstance(e.get("path"), str)
                       and isinstance(e.get("sha256"), str) for e in manifest.get("inputs", []) or [])
            or not isinstance(manifest.get("inputs", []), list)):
        raise InputError([Problem(file=str(path), expected="is damaged: its run_id, outputs or inputs are not "
                                                           "what tjp writes")])
    outside = [name for name in outputs if not _inside_name(name)]
    if outside:
        raise InputError([Problem(file=str(path), value=name, expected="names a file outside the folder; a tjp "
                                                                       "manifest lists only the folder's own files")
                          for name in outside])
    return manifest


def _inside_name(name: str) -> bool:
    """A name a manifest may list: a file of the folder, or a kommune folder's manifest."""
    parts = name.split("/")
    if len(parts) == 2 and parts[1] != MANIFEST:
        return False
    return 1 <= len(parts) <= 2 and all(part not in ("", ".", "..") and "\\" not in part for part in parts)


def output_problems(folder: Path, manifest: dict, strict: bool = False) -> list[Problem]:
    """Outputs missing or changed since the run; with `strict`, also files that are not
    part of the run."""
    problems = []
    for name, expected in sorted(manifest["outputs"].items()):
        path = folder / name
        if path.is_symlink() or (path.parent != folder and path.parent.is_symlink()):
            problems.append(Problem(file=str(path), expected="is a symbolic link; a tjp folder holds its own files"))
        elif not path.is_file():
            problems.append(Problem(file=str(path), expected=N_("is missing: the folder is not complete")))
        elif sha256_file(path) != expected:
            problems.append(Problem(file=str(path), expected=N_("was changed after the run (its sha256 differs from "
                                                                "manifest.json)")))
    if strict:
        known = set(manifest["outputs"]) | {MANIFEST}
        subfolders = {name.split("/")[0] for name in manifest["outputs"] if "/" in name}
        for path in sorted(folder.iterdir()):
            if path.name in subfolders and path.is_dir():
                continue
            if path.name not in known:  # hidden files too
                problems.append(Problem(file=str(path), expected="is not part of the run (not in manifest.json)"))
    return problems


def verify_folder(folder: str | Path) -> tuple[dict, int]:
    """Check a run folder (and a batch's kommune folders) against the manifests: every file
    there, unchanged, nothing extra. Returns (manifest, files checked); raises InputError."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    problems = output_problems(folder, manifest, strict=True)
    checked = len(manifest["outputs"])
    kommuner = {entry.get("folder"): name for name, entry in (manifest.get("kommuner") or {}).items()
                if isinstance(entry, dict)}
    for name in manifest["outputs"]:
        if name.endswith("/" + MANIFEST) and not problems:
            sub = name.split("/")[0]
            try:
                _, count = verify_folder(folder / sub)
                checked += count
            except InputError as error:  # say which kommune: the file names alone are the same in each
                kommune = printable(mask_cpr(str(kommuner.get(sub, sub))))
                problems.extend(dataclasses.replace(p, expected=f"{p.expected} [kommune {kommune}]")
                                for p in error.problems)
    if problems:
        raise InputError(problems)
    return manifest, checked


def input_problems(manifest: dict, roles: tuple[str, ...] | None = None) -> list[Problem]:
    """Input files (register, basis, curve, mortality) missing or changed since the run."""
    problems = []
    for entry in manifest.get("inputs", []):
        if roles is not None and entry["role"] not in roles:
            continue
        path = Path(entry["path"])
        if not path.is_file():
            problems.append(Problem(file=str(path), expected=f"the run's {entry['role']} file is no longer there"))
        elif sha256_file(path) != entry["sha256"]:
            problems.append(Problem(file=str(path), expected=f"the run's {entry['role']} file was changed since the "
                                                             "run (its sha256 differs from manifest.json)"))
    return problems


def open_run_folder(folder: str | Path, need_inputs: tuple[str, ...] | None = ()) -> RunFolder:
    """The verified run folder. `need_inputs`: the input roles that must still be there
    unchanged (None: all of them; () : none)."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    problems = output_problems(folder, manifest)
    if need_inputs is None or need_inputs:
        problems += input_problems(manifest, need_inputs)
    if problems:
        raise InputError(problems)
    return RunFolder(folder=folder, manifest=manifest)
