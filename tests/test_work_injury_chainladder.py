"""The chain-ladder IBNR and Mack's standard error (docs/work-injuries.md §5).

The check figures are the RAA triangle's ([RAA-1991] in docs/sources.md: accident years
1981–1990, thousands) as published for Mack's method ([MACK-1993], worked on RAA in
[MACK-1994]) and reproduced by R's ChainLadder (`MackChainLadder(RAA)`) and casact's
chainladder: total IBNR 52,135.23 (ultimate 213,122.23 on latest 160,987), Mack's standard
error of the total reserve 26,909.01, and by accident year the ultimates and standard
errors below as those libraries print them (whole thousands).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tjenestemandspension.actuarial.work_injury.chainladder import chain_ladder
from tjenestemandspension.actuarial.work_injury.triangle import read_triangle

RAA = Path(__file__).parent / "data" / "published" / "raa_triangle.csv"
RAA_ULTIMATE = (18_834, 16_858, 24_083, 28_703, 28_927, 19_501, 17_749, 24_019, 16_045, 18_402)
RAA_IBNR = (0, 154, 617, 1_636, 2_747, 3_649, 5_435, 10_907, 10_650, 16_339)
RAA_STANDARD_ERROR = (0, 206, 623, 747, 1_469, 2_002, 2_209, 5_358, 6_333, 24_566)


@pytest.fixture(scope="module")
def raa():
    triangle = read_triangle(RAA)
    return chain_ladder(triangle.accident_years, triangle.development_years, triangle.cumulative)


def test_raa_total_ibnr_and_standard_error(raa):
    assert raa.total_ibnr == pytest.approx(52_135.23, abs=0.005)
    assert raa.ultimate.sum() == pytest.approx(213_122.23, abs=0.005)
    assert raa.latest.sum() == 160_987
    assert raa.total_standard_error == pytest.approx(26_909.01, abs=0.005)


def test_raa_by_accident_year(raa):
    assert list(raa.accident_years) == list(range(1981, 1991))
    np.testing.assert_array_equal(np.round(raa.ultimate), RAA_ULTIMATE)
    np.testing.assert_array_equal(np.round(raa.ibnr), RAA_IBNR)
    np.testing.assert_array_equal(np.round(raa.standard_error), RAA_STANDARD_ERROR)


def test_raa_factors_are_volume_weighted(raa):
    C = raa.triangle
    for j, factor in enumerate(raa.factors):
        rows = ~np.isnan(C[:, j + 1])
        assert factor == pytest.approx(C[rows, j + 1].sum() / C[rows, j].sum(), rel=1e-15)
    assert raa.factors[0] == pytest.approx(2.999359, abs=1e-6)  # as published: 2.999, 1.624, 1.271, ...


def test_the_tail_factor_applies_to_every_accident_year(raa):
    tailed = chain_ladder(raa.accident_years, raa.development_years, raa.triangle, tail=1.05)
    np.testing.assert_allclose(tailed.ultimate, raa.ultimate * 1.05, rtol=1e-15)
    assert tailed.ibnr[0] == pytest.approx(18_834 * 0.05)


def test_exact_development_has_no_error():
    """Every accident year develops by the same ratios: the factors are those ratios, and
    Mack's standard error is 0."""
    ratios = np.array([2.0, 1.5, 1.1])
    first = np.array([100.0, 120.0, 90.0, 150.0])
    full = first[:, None] * np.concatenate([[1.0], np.cumprod(ratios)])[None, :]
    triangle = full.copy()
    for i in range(4):
        triangle[i, 4 - i:] = np.nan
    result = chain_ladder(np.arange(2020, 2024), np.arange(1, 5), triangle)
    np.testing.assert_allclose(result.factors, ratios, rtol=1e-14)
    np.testing.assert_allclose(result.ultimate, full[:, -1], rtol=1e-14)
    assert result.total_standard_error == pytest.approx(0, abs=1e-9)


def test_one_development_year_only_the_tail():
    result = chain_ladder(np.array([2023, 2024]), np.array([1]), np.array([[100.0], [50.0]]), tail=1.2)
    np.testing.assert_allclose(result.ibnr, [20.0, 10.0])
