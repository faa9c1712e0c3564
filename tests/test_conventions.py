"""House conventions, kept by a test (after lifelib's test_model_conventions_uk.py).

The rules ARCHITECTURE.md states, checked on the source itself:

- one installed top-level package: nothing imports the folders' bare names;
- curves/ and mortality/ stand alone; core/ needs none of the subpackages;
- the engine and the other pure modules read and write no file, and import no reader
  or writer;
- one home for every convention: rounding, month ends, Danish formatting, amount
  parsing, decoding and the CSV dialect in core/, run ids and manifests in
  actuarial/manifest.py, the benefit rules in actuarial/rules.py;
- ARCHITECTURE.md names every module, and the technical notes' table of the
  specification's symbols names only what exists in the code.

The data files' provenance sidecars are checked in tests/test_data_provenance.py.
"""

from __future__ import annotations

import ast
import dataclasses
import importlib
import inspect
import re
import textwrap
from functools import cache
from pathlib import Path

import pytest

from conftest import REPO_ROOT

PACKAGE = "tjenestemandspension"
FOLDERS = {"core": PACKAGE, "actuarial": f"{PACKAGE}.actuarial", "curves": f"{PACKAGE}.curves",
           "mortality": f"{PACKAGE}.mortality", "cli": f"{PACKAGE}.cli",
           "actuarial/work_injury": f"{PACKAGE}.actuarial.work_injury"}
BARE_NAMES = ("actuarial", "curves", "mortality", "cli", "core")

# the pure modules: they compute on values and objects they are given
PURE = (
    "errors", "provenance", "rounding", "dates", "danish",
    "i18n",  # gettext reads the compiled catalogue, a package resource like the code, on first use
    "actuarial.basis", "actuarial.register", "actuarial.rules", "actuarial.assumptions", "actuarial.projection",
    "actuarial.results", "actuarial.engine", "actuarial.explain", "actuarial.journal", "actuarial.analysis",
    "actuarial.rollforward", "actuarial.sensitivities", "actuarial.compare", "actuarial.table_validation",
    "actuarial.pseudonyms",
    "actuarial.indexation", "actuarial.safeguards", "actuarial.ill_health", "actuarial.headers",
    "actuarial.work_injury.cases", "actuarial.work_injury.valuation", "actuarial.work_injury.chainladder",
    "actuarial.work_injury.provision", "actuarial.work_injury.synthetic_cases",
    "actuarial.work_injury.sensitivities003", "actuarial.work_injury.analysis003",
    "curves.curve", "curves.smith_wilson", "curves.eiopa_2027",
)
# the modules that read or write files (and the run layer and the CLI, which call them)
READERS_AND_WRITERS = (
    "textfiles",
    "actuarial.basis_files", "actuarial.table_reading", "actuarial.member_register", "actuarial.resolve",
    "actuarial.rundir", "actuarial.run", "actuarial.batch", "actuarial.output", "actuarial.workpaper",
    "actuarial.manifest", "actuarial.synthetic", "actuarial.audit",
    "actuarial.work_injury.case_register", "actuarial.work_injury.triangle", "actuarial.work_injury.injury_run",
    "actuarial.work_injury.workpaper003",
    "curves.eiopa", "curves.builtin", "curves.rebuild", "mortality.tables", "mortality.builtin",
    "cli",
)
# what the curves' and mortality's facades export that reads a file
READER_NAMES = {"read_term_structures", "read_qb", "list_countries", "eiopa_discount_curve", "default_curve",
                "builtin_smith_wilson", "builtin_inputs", "read_benchmark_table", "load_mortality_basis",
                "default_mortality_basis", "builtin_tables", "builtin_metadata"}
# calls that touch the file system
IO_CALLS = {"open", "read_text", "read_bytes", "write_text", "write_bytes", "read_csv", "read_parquet",
            "read_excel", "to_csv", "to_parquet", "load_workbook", "Workbook", "mkdir", "mkdtemp", "rmtree",
            "unlink", "iterdir", "exists", "is_file", "is_dir", "stat", "files"}


@dataclasses.dataclass(frozen=True)
class Module:
    name: str  # below the package: "actuarial.rules", "rounding" (core)
    path: Path
    tree: ast.Module

    @property
    def source(self) -> str:
        return self.path.read_text(encoding="utf-8")

    def imports(self) -> list[tuple[str, tuple[str, ...], int]]:
        """(module imported, names taken from it, line) for every import, at any depth."""
        found = []
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Import):
                found += [(alias.name, (), node.lineno) for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.append((node.module, tuple(alias.name for alias in node.names), node.lineno))
        return found

    def calls(self) -> list[tuple[str, int]]:
        """(name called, line): `open(...)` → open, `path.read_text()` → read_text."""
        found = []
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Call):
                func = node.func
                name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
                if name:
                    found.append((name, node.lineno))
        return found


@cache
def modules() -> dict[str, Module]:
    found = {}
    for folder, package in FOLDERS.items():
        for path in sorted((REPO_ROOT / folder).glob("*.py")):
            dotted = package if path.stem == "__init__" else f"{package}.{path.stem}"
            name = dotted.removeprefix(PACKAGE).lstrip(".") or "__init__"
            found[name] = Module(name, path, ast.parse(path.read_text(encoding="utf-8")))
    return found


def below(name: str) -> str:
    """`tjenestemandspension.actuarial.rules` → `actuarial.rules`."""
    return name.removeprefix(PACKAGE).lstrip(".")


def in_group(name: str, group: tuple[str, ...]) -> bool:
    return any(name == g or name.startswith(g + ".") for g in group)


def where(module: Module, line: int) -> str:
    return f"{module.path.relative_to(REPO_ROOT)}:{line}"


# --- one namespace ------------------------------------------------------------------------

def test_nothing_imports_the_folders_bare_names():
    """One installed top-level package: `import actuarial` would only work inside a checkout."""
    files = [p for folder in (*FOLDERS, "tests", "benchmarks", "examples")
             for p in sorted((REPO_ROOT / folder).rglob("*.py"))]
    wrong = []
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module] if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module
                     else [])
            wrong += [f"{path.relative_to(REPO_ROOT)}:{node.lineno} imports {name}"
                      for name in names if name.split(".")[0] in BARE_NAMES]
    assert not wrong, wrong


# --- dependencies -------------------------------------------------------------------------

@pytest.mark.parametrize("package, forbidden", [
    ("curves", ("actuarial", "cli", "mortality")),
    ("mortality", ("actuarial", "cli", "curves")),
])
def test_curves_and_mortality_stand_alone(package, forbidden):
    wrong = [f"{where(m, line)} imports {imported}"
             for m in modules().values() if in_group(m.name, (package,))
             for imported, _, line in m.imports()
             if imported.startswith(PACKAGE) and in_group(below(imported), forbidden)]
    assert not wrong, wrong


def test_core_needs_none_of_the_subpackages():
    wrong = [f"{where(m, line)} imports {imported}"
             for m in modules().values() if m.path.parent.name == "core"
             for imported, _, line in m.imports()
             if imported.startswith(PACKAGE) and in_group(below(imported), ("actuarial", "curves", "mortality", "cli"))]
    assert not wrong, wrong


@pytest.mark.parametrize("name", PURE)
def test_the_pure_modules_read_and_write_nothing(name):
    """No file is opened, read, written or listed; no reader or writer is imported."""
    module = modules()[name]
    wrong = [f"{where(module, line)} calls {called}" for called, line in module.calls() if called in IO_CALLS]
    for imported, names, line in module.imports():
        if imported.startswith(PACKAGE) and in_group(below(imported), READERS_AND_WRITERS):
            wrong.append(f"{where(module, line)} imports the reader or writer {imported}")
        wrong += [f"{where(module, line)} imports the reader {n} from {imported}" for n in names if n in READER_NAMES]
    assert not wrong, wrong


def test_every_module_is_classified():
    """A new module is either pure or a reader/writer (or a package's facade): decide which."""
    facades = {"__init__", "actuarial", "curves", "mortality", "actuarial.work_injury"}
    unclassified = [name for name in modules()
                    if name not in facades and not in_group(name, PURE) and not in_group(name, READERS_AND_WRITERS)
                    and name != "mortality.basis"]  # MortalityBasis, and load_mortality_basis beside it
    assert not unclassified, unclassified


# --- one home per convention ------------------------------------------------------------------

HOMES = {  # a function → the one module that may define it
    "round_half_up": "rounding", "whole_years": "rounding", "to_ore": "rounding", "round_as_published": "rounding",
    "is_month_end": "dates", "months_between": "dates", "completed_months": "dates",
    "danish_number": "danish", "danish_percent": "danish", "format_kroner": "danish", "kroner_text": "danish",
    "danish_date": "danish", "parse_amount": "danish",
    "decode_text": "textfiles", "sniff_separator": "textfiles", "write_csv": "textfiles",
    "run_id": "actuarial.manifest", "sha256_file": "actuarial.manifest", "write_manifest": "actuarial.manifest",
    "manifest": "actuarial.manifest", "benefits": "actuarial.rules", "spouse_assumptions": "actuarial.rules",
}
PATTERNS = {  # a spelling of a convention → the module that may spell it so
    r"\.quantize\(": "rounding",  # øre rounding
    r"ROUND_HALF": "rounding",
    r"\+ 0\.5 \+|\+ 0\.5\)": "rounding",  # half-up rounding by hand
    r"timedelta\(days=1\)\)?\.day|monthrange": "dates",  # month-end checks
    r':,(\.\d+)?f?\}|:,\}': "danish",  # thousands separators (then swapped to Danish)
    r'replace\("_", "\."\)': "danish",
    r'cp1252|windows-1252|latin-1': "textfiles",  # decoding
    r'sep=";"|decimal=","|lineterminator': "textfiles",  # the CSV dialect
    r"hexdigest\(\)\[:": "actuarial.manifest",  # run ids (pseudonyms cut theirs by name)
    r'"tool": "tjenestemandspension"': "actuarial.manifest",  # a manifest head
}
SPELLED_ELSEWHERE = {  # where a pattern is a different thing
    ("cp1252|windows-1252|latin-1", "mortality.tables"),  # comments: Finanstilsynet's files in cp1252
}


def test_one_home_per_convention():
    wrong = []
    for module in modules().values():
        for node in module.tree.body:  # module-level functions (a method may share a name)
            if isinstance(node, ast.FunctionDef) and node.name in HOMES and module.name != HOMES[node.name]:
                wrong.append(f"{where(module, node.lineno)} defines {node.name} (its home is {HOMES[node.name]})")
        for pattern, home in PATTERNS.items():
            if module.name == home or (pattern, module.name) in SPELLED_ELSEWHERE:
                continue
            for number, line in enumerate(module.source.splitlines(), start=1):
                if re.search(pattern, line):
                    wrong.append(f"{where(module, number)} spells {pattern!r} (its home is {home}): {line.strip()}")
    assert not wrong, "\n".join(wrong)


def test_benefit_rules_live_in_rules():
    """The projection applies the rules; it does not look the basis' tables up itself."""
    rule_methods = {"pension_percentage", "earliest_payout_age", "state_pension_age", "reduction",
                    "marriage_probability"}
    projection = modules()["actuarial.projection"]
    wrong = [f"{where(projection, node.lineno)} calls rules.{node.func.attr}"
             for node in ast.walk(projection.tree)
             if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in rule_methods]
    assert not wrong, wrong


# --- the documents name the code ------------------------------------------------------------

def test_architecture_names_every_module():
    text = (REPO_ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`(\w+\.py)`", text))
    for folder in FOLDERS:
        files = {p.name for p in (REPO_ROOT / folder).glob("*.py")}
        assert files <= named, f"ARCHITECTURE.md does not name {sorted(files - named)} of {folder}/"
    every = {p.name for folder in FOLDERS for p in (REPO_ROOT / folder).glob("*.py")}
    assert named <= every | {"pyproject.py"}, f"ARCHITECTURE.md names modules that do not exist: {named - every}"


SPEC_SYMBOLS = ("V", "a0", "A", "k_A", "n", "pct", "SPA", "B_u", "B", "SB_pre", "SB_post", "p", "m", "I(t)", "P(t)",
                "v_k", "μ", "f", "R", "Y0", "S, S_c", "S_m, S_sp", "A_c[k]", "J[k]", "L", "D")


def symbol_table() -> dict[str, list[str]]:
    text = (REPO_ROOT / "docs" / "technical-notes.md").read_text(encoding="utf-8")
    section = text[text.index("The specification's symbols in the code"):]
    rows = {}
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0] not in ("symbol", "---"):
            rows[cells[0]] = re.findall(r"`([^`]+)`", cells[2])
    return rows


def exists_in_code(reference: str) -> bool:
    """`actuarial.rules.Benefits.start` (an attribute or a dataclass field), or
    `actuarial.projection._spouse_pensions:joint_annuity` (a name a function assigns)."""
    dotted, _, local = reference.partition(":")
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            target = importlib.import_module(".".join([PACKAGE, *parts[:cut]]))
        except ModuleNotFoundError:
            continue
        break
    else:
        return False
    for attribute in parts[cut:]:
        if dataclasses.is_dataclass(target) and attribute in {f.name for f in dataclasses.fields(target)}:
            target = None  # a field: nothing below it
        elif target is not None and hasattr(target, attribute):
            target = getattr(target, attribute)
        else:
            return False
    if local:
        function = ast.parse(textwrap.dedent(inspect.getsource(target)))
        return any(isinstance(n, ast.Name) and n.id == local and isinstance(n.ctx, ast.Store)
                   for n in ast.walk(function))
    return True


def test_the_symbol_table_covers_the_specification_and_names_what_exists():
    table = symbol_table()
    assert set(SPEC_SYMBOLS) <= set(table), f"symbols missing from the table: {set(SPEC_SYMBOLS) - set(table)}"
    missing = [f"{symbol}: {reference}" for symbol, references in table.items() for reference in references
               if not exists_in_code(reference)]
    assert all(table.values()), [symbol for symbol, references in table.items() if not references]
    assert not missing, missing
