"""The basis: defaults with provenance, files, overrides, and clear errors."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tjenestemandspension.actuarial import SETTINGS, load_basis
from tjenestemandspension.errors import InputError

pytestmark = pytest.mark.english  # asserts the English texts of problems (tests/conftest.py)

REQUIRED_KEYS = [
    "valuation.date", "valuation.active_basis", "curve.source", "curve.file", "curve.country", "curve.with_va",
    "curve.rate", "curve.shift_bp", "mortality.source", "mortality.mortality_file", "mortality.improvement_file",
    "mortality.benchmark_year", "mortality.improvements", "mortality.factor_men", "mortality.factor_women",
    "inflation.rate", "pension_age.offset_years", "pension_age.early_retirement_reduction", "spouse.fraction",
    "spouse.fraction_deferred", "spouse.marriage_probability_men", "spouse.marriage_probability_women",
    "spouse.age_difference_years", "supplement.early_supplement_full", "supplement.lump_sum_fraction",
    "work_injury.regulation_rate", "work_injury.mortality_factor", "work_injury.ibnr_method",
    "work_injury.ibnr_amount", "work_injury.triangle_file", "work_injury.tail_factor",
]


def messages(error: InputError) -> list[str]:
    return [str(p) for p in error.problems]


def test_every_promised_key_exists():
    keys = {s.key for s in SETTINGS}
    assert set(REQUIRED_KEYS) <= keys


def test_defaults_of_the_spec_with_provenance():
    basis = load_basis()
    assert basis["valuation.date"] == dt.date(2024, 12, 31)
    assert basis["valuation.active_basis"] == "accrued"
    assert basis["curve.source"] == "builtin" and basis["curve.with_va"] is False
    assert basis["mortality.source"] == "builtin" and basis["mortality.improvements"] is True
    assert basis["inflation.rate"] == 0.02
    assert basis["pension_age.offset_years"] == 2.0
    assert basis["spouse.fraction"] == 0.71 and basis["spouse.fraction_deferred"] == 0.71
    assert basis["spouse.marriage_probability_men"] == 0.6
    assert basis["spouse.age_difference_years"] == 3.0
    assert basis["supplement.lump_sum_fraction"] == 0.15
    assert basis["supplement.early_supplement_full"] == 0.0
    assert basis["curve.rate"] is None and basis["curve.file"] is None
    assert "Finansministeriet" in basis.provenance("supplement.lump_sum_fraction").source
    placeholders = {r["key"] for r in basis.as_records() if r["placeholder"]}
    assert placeholders == {"inflation.rate", "spouse.marriage_probability_men", "spouse.marriage_probability_women",
                            "spouse.age_difference_years", "supplement.early_supplement_full",
                            "work_injury.regulation_rate"}
    assert basis["work_injury.regulation_rate"] == 0.02 and basis["work_injury.ibnr_method"] == "none"
    assert basis["work_injury.mortality_factor"] == 1.0 and basis["work_injury.tail_factor"] == 1.0
    for record in basis.as_records():
        assert record["source"], record["key"]


def test_a_basis_file_with_plain_and_sourced_values(tmp_path):
    (tmp_path / "curves").mkdir()
    path = tmp_path / "basis.toml"
    path.write_text(
        '[valuation]\ndate = 2025-12-31\n'
        '[inflation]\nrate = { value = 0.021, source = "F&P samfundsforudsætninger", date = "2025-06-30" }\n'
        '[curve]\nsource = "eiopa"\nfile = "curves/EIOPA_RFR_20251231_Term_Structures.xlsx"\n', encoding="utf-8")
    basis = load_basis(path)
    assert basis["valuation.date"] == dt.date(2025, 12, 31)
    assert basis.provenance("valuation.date").source == "basis file basis.toml"
    assert basis["inflation.rate"] == 0.021
    assert basis.provenance("inflation.rate").describe() == "F&P samfundsforudsætninger; 2025-06-30"
    assert basis["curve.file"] == str(tmp_path / "curves" / "EIOPA_RFR_20251231_Term_Structures.xlsx")
    assert basis["spouse.fraction"] == 0.71  # untouched defaults stay


def test_overrides_by_dotted_key():
    basis = load_basis(overrides=["inflation.rate=0,025", "mortality.improvements=nej",
                                  "pension_age.reduction_table_1=[0.1, 0.07, 0.04, 0.03, 0.02, 0.0]",
                                  "valuation.active_basis=PROJECTED"])
    assert basis["inflation.rate"] == 0.025
    assert basis["mortality.improvements"] is False
    assert basis["pension_age.reduction_table_1"][-1] == 0.0
    assert basis["valuation.active_basis"] == "projected"
    assert basis.provenance("inflation.rate").source == "command line (--set)"
    assert load_basis().with_overrides({"inflation.rate": 0.03})["inflation.rate"] == 0.03


def test_the_resolved_basis_round_trips_through_toml(tmp_path):
    basis = load_basis(overrides=["inflation.rate=0.025", "curve.source=flat", "curve.rate=0.03",
                                  "mortality.adjustment_betas=[0.1, 0, 0, -0.1]"])
    path = tmp_path / "resolved.toml"
    path.write_text(basis.to_toml(), encoding="utf-8")
    again = load_basis(path)
    assert again.to_plain() == basis.to_plain()
    assert again.provenance("inflation.rate").source == "command line (--set)"
    assert again.provenance("spouse.marriage_probability_men").placeholder


def test_bad_values_and_keys(tmp_path):
    with pytest.raises(InputError) as caught:
        load_basis(overrides=["inflation.rat=1", "curve.source=foo", "inflation.rate=abc",
                              "spouse.fraction=1.5", "justtext"])
    assert messages(caught.value) == [
        "--set: value 'justtext': expected key=value, e.g. inflation.rate=0.025"]
    with pytest.raises(InputError) as caught:
        load_basis(overrides=["inflation.rat=1", "curve.source=foo", "inflation.rate=abc", "spouse.fraction=1.5",
                              "pension_age.reduction_table_1=[0.1]"])
    assert messages(caught.value) == [
        "--set, key 'inflation.rat': unknown basis key; known keys in [inflation]: inflation.rate, inflation.by_term",
        "--set, key 'curve.source': value 'foo': expected one of builtin, eiopa, flat, par_rates",
        "--set, key 'inflation.rate': value 'abc': expected a number from -0.05 to 0.25",
        "--set, key 'spouse.fraction': value '1.5': expected a number from 0 to 1",
        "--set, key 'pension_age.reduction_table_1': value '[0.1]': expected a list of 6 numbers between 0 and 1"]


def test_cross_key_rules():
    with pytest.raises(InputError) as caught:
        load_basis(overrides=["valuation.date=2024-12-30", "curve.source=flat", "mortality.source=files"])
    assert messages(caught.value) == [
        "--set, key 'valuation.date': value '2024-12-30': expected the last day of a month",
        "--set, key 'curve.rate': a value is needed because curve.source = flat",
        "--set, key 'mortality.mortality_file': a value is needed because mortality.source = files",
        "--set, key 'mortality.improvement_file': a value is needed because mortality.source = files"]


def test_bad_basis_files(tmp_path):
    broken = tmp_path / "broken.toml"
    broken.write_text("[inflation]\nrate = \n")
    unknown = tmp_path / "unknown.toml"
    unknown.write_text('[inflation]\nrate = "two percent"\n[colour]\nname = "blue"\n')
    wrapped = tmp_path / "wrapped.toml"
    wrapped.write_text('[inflation]\nrate = { value = 0.02, sorce = "typo" }\n')
    with pytest.raises(InputError, match=r"^broken.toml: is not valid TOML"):
        load_basis(broken)
    with pytest.raises(InputError) as caught:
        load_basis(unknown)
    assert messages(caught.value) == [
        "unknown.toml, key 'inflation.rate': value 'two percent': expected a number from -0.05 to 0.25",
        "unknown.toml, key 'colour.name': unknown basis key; known sections: benefit, checks, columns, curve, "
        "ill_health, inflation, mortality, pension_age, spouse, supplement, valuation, work_injury"]
    with pytest.raises(InputError) as caught:
        load_basis(wrapped)
    assert messages(caught.value) == [
        "wrapped.toml, key 'inflation.rate': value 'sorce': expected only value, source, date, placeholder "
        "and note in a value table"]
    with pytest.raises(InputError, match="missing.toml: basis file not found"):
        load_basis(tmp_path / "missing.toml")


def test_docs_document_every_key(repo_root):
    text = (repo_root / "docs" / "basis.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"`([a-z_]+\.[a-z_0-9]+)`", text))
    missing = [s.key for s in SETTINGS if s.key not in documented]
    assert not missing, f"docs/basis.md does not document {missing}"


def test_docs_state_each_keys_accepted_values_as_the_code_checks_them(repo_root):
    text = (repo_root / "docs" / "basis.md").read_text(encoding="utf-8")
    documented = dict(re.findall(r"^\| `([a-z_]+\.[a-z_0-9]+)` \| ([^|]*) \|", text, flags=re.MULTILINE))
    differing = {s.key: (documented[s.key], s.expected) for s in SETTINGS
                 if s.key in documented and documented[s.key] != s.expected}
    assert not differing, f"docs/basis.md states other ranges than the code: {differing}"


def test_the_example_basis_file_loads(repo_root):
    basis = load_basis(repo_root / "examples" / "basis.toml")
    assert basis["valuation.date"] == dt.date(2024, 12, 31)
