"""Reading the basis and scenario files (TOML): the edge of the basis.

The built-in default (`data/default_basis.toml`), a user's basis file and `--set`
overrides make a Basis (basis.py checks every value); a scenario file of
`tjp sensitivities` holds one table of overrides per scenario. TOML files are UTF-8 by
the TOML standard (a BOM is tolerated), unlike the CSV files the tool reads
(tjenestemandspension.textfiles).
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from tjenestemandspension.actuarial.basis import COLUMNS_SECTION, Basis, basis_from_tables, column_mapping
from tjenestemandspension.actuarial.sensitivities import OWN_PREFIX, Scenario
from tjenestemandspension.errors import InputError, Problem
from tjenestemandspension.textfiles import read_regular_file

DEFAULT_BASIS_FILE = "default_basis.toml"


def default_basis_text() -> str:
    return resources.files("tjenestemandspension.actuarial").joinpath("data", DEFAULT_BASIS_FILE).read_text("utf-8")


def read_toml(path: Path, what: str, expected: str) -> dict[str, Any]:
    """The tables of a TOML file; `what` the kind of file, `expected` what it should hold."""
    if not path.exists():
        raise InputError.single(f"{what} file not found", file=str(path))
    try:
        return tomllib.loads(read_regular_file(path, f"a TOML {what} file").decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise InputError.single(f"is not UTF-8 text; expected a TOML {what} file", file=str(path)) from None
    except tomllib.TOMLDecodeError as error:
        raise InputError.single(f"is not valid TOML ({error}); expected {expected}", file=str(path)) from None
    except RecursionError:  # tables or arrays nested thousands deep
        raise InputError.single(f"is nested too deeply to be read; expected {expected}", file=str(path)) from None
    except (IsADirectoryError, PermissionError, OSError) as error:
        raise InputError.single(f"cannot be read ({error.strerror})", file=str(path)) from None


def load_basis(path: str | Path | None = None, overrides: Iterable[str] | Mapping[str, Any] = ()) -> Basis:
    """The default basis, with a user's basis file and `key=value` overrides on top.

    Relative file paths in a basis file are relative to that file's folder; given with
    --set, relative to the current folder. Both are stored as absolute paths.
    """
    user = None
    if path is not None:
        path = Path(path)
        user = (str(path), read_toml(path, "basis", "a basis file"), path.resolve().parent)
    return basis_from_tables(tomllib.loads(default_basis_text()), user, overrides)


def load_column_mapping(path: str | Path) -> dict[str, str]:
    """A mapping file (`--columns`): `"Pensionsår" = "service_years"` lines, at the top or
    in a [columns] table as in a basis file."""
    path = Path(path)
    content = read_toml(path, "column mapping", '"the export\'s column" = "our column" lines')
    if set(content) == {COLUMNS_SECTION} and isinstance(content[COLUMNS_SECTION], dict):
        content = content[COLUMNS_SECTION]
    return column_mapping(content, str(path))


def default_basis() -> Basis:
    return load_basis()


def load_scenarios(path: str | Path) -> list[Scenario]:
    """User scenarios from TOML: one table per scenario, dotted keys quoted, absolute values.

        [scenario."Rente -25 bp"]
        "curve.shift_bp" = -25
    """
    path = Path(path)
    content = read_toml(path, "scenario", "scenario tables")
    tables = content.get("scenario")
    if not isinstance(tables, dict) or not tables or set(content) != {"scenario"}:
        raise InputError.single('expected tables [scenario."name"] with "key" = value lines', file=str(path))
    scenarios = []
    for name, overrides in tables.items():
        if not isinstance(overrides, dict) or not overrides:
            raise InputError([Problem(file=str(path), key=f"scenario.{name}",
                                      expected="expected at least one \"key\" = value override")])
        scenarios.append(Scenario(OWN_PREFIX + str(name), str(name), dict(overrides), user_defined=True))
    return scenarios
