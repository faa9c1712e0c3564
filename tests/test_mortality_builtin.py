"""The built-in default: the 2024 benchmark stored in the package, with provenance."""

from __future__ import annotations

import hashlib
from importlib import resources

import numpy as np

from tjenestemandspension.mortality import (
    SEX_MEN,
    SEX_WOMEN,
    builtin_metadata,
    builtin_tables,
    default_mortality_basis,
    load_mortality_basis,
    read_benchmark_table,
)


def test_builtin_equals_the_published_2024_files_exactly(published_dir):
    ft = published_dir
    mortality, improvement = builtin_tables()
    published_mortality = read_benchmark_table(ft / "Benchmark_doedelighed2024.csv", "mortality")
    published_improvement = read_benchmark_table(ft / "Benchmark_levetidsforbedringer2024.csv", "improvement")
    assert np.array_equal(mortality.values, published_mortality.values)
    assert np.array_equal(improvement.values, published_improvement.values)
    from_files = load_mortality_basis(ft / "Benchmark_doedelighed2024.csv",
                                      ft / "Benchmark_levetidsforbedringer2024.csv")
    builtin = default_mortality_basis()
    assert from_files.benchmark_year == builtin.benchmark_year == 2024
    for sex in (SEX_MEN, SEX_WOMEN):
        for age in (0, 60, 65, 110):
            for cohort in (False, True):
                assert (from_files.life_expectancy(sex, age, 2025, cohort)
                        == builtin.life_expectancy(sex, age, 2025, cohort))


def test_builtin_source_files_are_the_ones_recorded(published_dir):
    ft = published_dir
    for name, digest in builtin_metadata()["source_files"].items():
        assert hashlib.sha256((ft / name).read_bytes()).hexdigest() == digest


def test_builtin_data_file_is_unchanged():
    # line endings normalised, so that a checkout with CRLF does not matter
    text = resources.files("tjenestemandspension.mortality").joinpath("data", "ft_benchmark_2024.csv").read_text("utf-8")
    normalised = text.replace("\r\n", "\n").encode("utf-8")
    assert hashlib.sha256(normalised).hexdigest() == builtin_metadata()["data_sha256"]


def test_builtin_invariants():
    mortality, improvement = builtin_tables()
    assert mortality.kind == "mortality" and improvement.kind == "improvement"
    assert mortality.values.shape == improvement.values.shape == (2, 111)
    assert mortality.source_file is None and improvement.source_file is None
    assert np.all(mortality.values > 0) and np.all(np.isfinite(mortality.values))
    assert np.all(improvement.values >= 0) and np.all(improvement.values < 1)
    # mortality rises with age from 30 on, and men die faster than women at 60-90
    assert np.all(np.diff(mortality.values[:, 30:], axis=1) > 0)
    assert np.all(mortality.men[60:91] > mortality.women[60:91])
    # published values, spot checks
    assert mortality.women[0] == 0.003685712328
    assert mortality.men[110] == 0.8074880865
    assert improvement.women[1] == 0.0814156636


def test_default_basis_and_provenance():
    basis = default_mortality_basis()
    assert basis.benchmark_year == 2024
    assert basis.improvements is True
    assert basis.factor_men == basis.factor_women == 1.0
    assert basis.adjustment_betas is None
    assert default_mortality_basis() is basis  # built once
    provenance = basis.mortality.provenance
    assert "Finanstilsynet" in provenance.source and "2024" in provenance.source
    assert provenance.date == "2024-09"
    assert "transcription" in provenance.note
    described = basis.describe()
    assert described["name"] == "Finanstilsynet benchmark 2024 (built-in)"
    assert described["mortality"]["builtin"] is True
    assert builtin_metadata()["benchmark_year"] == 2024
