"""A run's identity and its manifest, built in one place for every kind of run.

The run id is 12 hex digits of the sha256 of what defines the run (input hashes, the
basis, the booked balance, the options of a roll-forward, each in a normalised form)
and the software version: the same inputs give the same id, typed however they were.
The manifest of an output folder starts with the same head for every kind of run
(tool, kind, run id, creation time, software versions, valuation date) and lists every
other file of the folder with its sha256, so that `tjp verify` can check it later.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import platform
from collections.abc import Mapping
from decimal import Decimal
from importlib import metadata
from pathlib import Path

import numpy as np

from tjenestemandspension import __version__

MANIFEST = "manifest.json"
LIBRARIES = ("numpy", "pandas", "scipy", "pyarrow", "openpyxl", "xlsxwriter", "typer")
RUN_ID_DIGITS = 12
_BLOCK = 1 << 20  # hash files a MiB at a time: a million-person register need not fit in memory twice


def sha256_file(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(_BLOCK), b""):
            digest.update(block)
    return digest.hexdigest()


def sha256_bytes(data: bytes) -> str:
    """The sha256 of bytes already read (an input file, hashed as it was read)."""
    return hashlib.sha256(data).hexdigest()


def run_id(payload: Mapping[str, object]) -> str:
    """The id of a run defined by `payload` (JSON-able, normalised) and the software version."""
    content = {"software": __version__, **payload}
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode("utf-8")).hexdigest()[:RUN_ID_DIGITS]


def library_versions() -> dict[str, str]:
    versions = {"python": platform.python_version(), "tjenestemandspension": __version__}
    for name in LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def manifest(kind: str, run_id: str, valuation_date: dt.date, **content: object) -> dict[str, object]:
    """A manifest: the head every kind of run shares, then the kind's own `content`."""
    return {
        "tool": "tjenestemandspension",
        "kind": kind,
        "run_id": run_id,
        "created": dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat(),
        "software": library_versions(),
        "valuation_date": valuation_date,
        **content,
    }


def journal_summary(journal) -> dict[str, object] | None:
    """What a manifest says about a run's journal (None: no journal was made)."""
    if journal is None:
        return None
    return {"liability": str(journal.liability), "booked": str(journal.booked),
            "regulation": str(journal.regulation), "kind": journal.kind, "lines": len(journal.lines)}


def _jsonable(value: object) -> object:
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating,)):
        return float(value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} to JSON")


def write_manifest(folder: Path, content: Mapping[str, object]) -> None:
    """The manifest lists every other file of the folder with its sha256 (`tjp verify`),
    and the manifests of subfolders (a batch's kommuner), which list theirs."""
    outputs = {p.name: sha256_file(p) for p in sorted(folder.iterdir()) if p.is_file() and p.name != MANIFEST}
    for sub in sorted(folder.iterdir()):
        if sub.is_dir() and (sub / MANIFEST).is_file():
            outputs[f"{sub.name}/{MANIFEST}"] = sha256_file(sub / MANIFEST)
    content = dict(content, outputs=outputs)
    (folder / MANIFEST).write_text(json.dumps(content, indent=2, ensure_ascii=False, default=_jsonable) + "\n",
                                   encoding="utf-8")
