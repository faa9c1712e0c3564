"""docs/technical-notes.md §6: every number of the worked example, reproduced at the
precision printed (kroner to the øre)."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from tjenestemandspension.actuarial import load_basis, read_register, resolve_assumptions
from tjenestemandspension.actuarial.explain import explain
from reference import Reference, persons_from_frame

PERSONS = ["W1", "W2", "W3"]
# W4 is valued with ill-health on (§9.2): the illustrative table and a qualified share of 0.5
ILL_HEALTH = ["ill_health.qualified_share=0.5"]


def documented_rows(repo_root) -> dict[str, list[str]]:
    """`key` → the three printed cells, from the tables of the worked example."""
    text = (repo_root / "docs" / "technical-notes.md").read_text(encoding="utf-8")
    example = text[text.index("## 6. Worked example"):]
    rows = {}
    for line in example.splitlines():
        match = re.match(r"\|\s*`([^`]+)`\s*\|[^|]*\|(.*)\|\s*$", line)
        if match:
            rows[match.group(1)] = [cell.strip() for cell in match.group(2).split("|")]
    return rows


def printed(value, cell: str) -> str:
    """The value formatted the way the cell is (same decimals, thousands commas)."""
    if value is None:
        return "–"
    decimals = len(cell.split(".")[1]) if "." in cell else 0
    return f"{value:,.{decimals}f}"


@pytest.fixture(scope="module")
def example(repo_root):
    basis = load_basis()
    assumptions = resolve_assumptions(basis)
    register = read_register(repo_root / "examples" / "worked_example.csv", basis.valuation_date)
    return basis, assumptions, explain(register, assumptions, PERSONS)


def test_every_documented_number_is_the_engines(repo_root, example):
    _, _, explained = example
    rows = documented_rows(repo_root)
    assert len(rows) >= 24
    for key, cells in rows.items():
        if key.startswith("W4:"):
            continue
        for person, cell in zip(explained, cells):
            lookup = key.replace("kA", str(person["pension_start_month"]))
            assert printed(person[lookup], cell) == cell, f"{key} {person['person_id']}"


def reference_and_persons(repo_root, basis, assumptions):
    """The tests' per-person reference on the example's basis, and the worked example's
    persons read straight from examples/worked_example.csv."""
    frame = pd.read_csv(repo_root / "examples" / "worked_example.csv", sep=";", decimal=",", dtype=str,
                        keep_default_na=False)
    for column in ("service_years", "pensionable_salary", "annual_pension"):
        frame[column] = pd.to_numeric(frame[column].str.replace(",", "."), errors="coerce")
    mortality = assumptions.mortality
    reference = Reference(basis, assumptions.curve, mortality.mortality.values, mortality.improvement.values,
                          mortality.benchmark_year)
    return reference, persons_from_frame(frame)


def test_the_reference_gives_the_same_kroner(repo_root, example):
    basis, assumptions, explained = example
    reference, persons = reference_and_persons(repo_root, basis, assumptions)
    rows = documented_rows(repo_root)
    for index, person in enumerate(persons[:3]):
        expected = reference.value(person)
        for component in ("pv_own", "pv_lump_sum", "pv_supplement", "pv_spouse", "pv_child"):
            cell = rows[component][index]
            assert printed(expected[component], cell) == cell
        assert expected["k_A"] == explained[index]["pension_start_month"]


def test_the_total(repo_root, example):
    _, _, explained = example
    text = (repo_root / "docs" / "technical-notes.md").read_text(encoding="utf-8")
    total = sum(p["pv_total"] for p in explained)
    assert f"Total liability: {total:,.2f}" in text


def ill_health_basis(repo_root):
    table = repo_root / "examples" / "ill_health_incidence_illustrative.csv"
    return load_basis(overrides=[f"ill_health.incidence_file={table}", *ILL_HEALTH])


def test_the_fourth_person_with_ill_health_to_the_ore(repo_root):
    """W4 (§9.2): every printed number is the engine's, and the reference's kroner agree."""
    basis = ill_health_basis(repo_root)
    assumptions = resolve_assumptions(basis)
    register = read_register(repo_root / "examples" / "worked_example.csv", basis.valuation_date)
    person = explain(register, assumptions, ["W4"])[0]
    rows = {key[3:]: cells[0] for key, cells in documented_rows(repo_root).items() if key.startswith("W4:")}
    assert len(rows) == 12 and person["pv_ill_health"] > 0
    for key, cell in rows.items():
        assert printed(person[key], cell) == cell, key
    reference, persons = reference_and_persons(repo_root, basis, assumptions)
    expected = reference.value(persons[3])
    for component in ("pv_own", "pv_ill_health", "pv_spouse", "pv_total"):
        assert printed(expected[component], rows[component]) == rows[component], component
