"""Random fuzzing of the case register and the triangle: whatever the cells hold, reading
and valuing end either in a provision with finite amounts or in a clean `InputError`
whose every problem is one non-empty line. Any other exception is a bug."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tjenestemandspension.actuarial import load_basis, resolve_assumptions
from tjenestemandspension.actuarial.table_reading import RawTable
from tjenestemandspension.actuarial.work_injury.case_register import cases_from_frame
from tjenestemandspension.actuarial.work_injury.provision import value_work_injuries
from tjenestemandspension.actuarial.work_injury.synthetic_cases import synthetic_cases, synthetic_triangle
from tjenestemandspension.actuarial.work_injury.triangle import triangle_from_table
from tjenestemandspension.errors import InputError

pytestmark = pytest.mark.fuzz
V = dt.date(2024, 12, 31)
CELLS = st.one_of(
    st.sampled_from(["", " ", "0", "-1", "1e400", "nan", "inf", "2024-13", "2024-02-30", "31-12-2024", "2024-12",
                     "1.000,5", "1,000.5", "99", "15", "80,5", "M", "K", "x", "barn", "sagsreserve", "spouse",
                     "1900-01-01", "2261-12-31", "0101011234", "ægtefælle", "\x00", "1" * 40]),
    st.text(max_size=12), st.integers(-10**12, 10**12).map(str), st.floats(allow_nan=True).map(str))


@pytest.fixture(scope="module")
def assumptions():
    return resolve_assumptions(load_basis())


def check(error: InputError) -> None:
    assert error.problems
    for problem in error.problems:
        text = str(problem)
        assert text.strip() and "\n" not in text


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_case_register_fuzz(assumptions, data):
    frame = synthetic_cases(12, V, seed=data.draw(st.integers(0, 50)))
    for _ in range(data.draw(st.integers(0, 8))):
        row = data.draw(st.integers(0, len(frame) - 1))
        column = data.draw(st.sampled_from(list(frame.columns)))
        frame.loc[row, column] = data.draw(CELLS)
    if data.draw(st.booleans()):
        frame = frame.drop(columns=[data.draw(st.sampled_from(list(frame.columns)))])
    try:
        valuation = value_work_injuries(cases_from_frame(frame, V), assumptions)
    except InputError as error:
        event("refused")
        check(error)
        return
    event("valued")
    assert np.isfinite(valuation.values.liability).all() and np.isfinite(valuation.total_liability)
    assert (valuation.values.pv >= 0).all()


@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_triangle_fuzz(data):
    frame = synthetic_triangle(2024, years=data.draw(st.integers(1, 10))).astype(str)
    for _ in range(data.draw(st.integers(0, 5))):
        row = data.draw(st.integers(0, len(frame) - 1))
        column = data.draw(st.sampled_from(list(frame.columns)))
        frame.loc[row, column] = data.draw(CELLS)
    table = RawTable(frame=frame.reset_index(drop=True), source="triangle", danish_numbers=True, header_row=None)
    try:
        triangle = triangle_from_table(table)
    except InputError as error:
        event("refused")
        check(error)
        return
    event("valued")
    from tjenestemandspension.actuarial.work_injury.chainladder import chain_ladder

    result = chain_ladder(triangle.accident_years, triangle.development_years, triangle.cumulative)
    assert np.isfinite(result.ibnr).all() and np.isfinite(result.total_standard_error)
