"""The CSV writer on the pyarrow path writes the same bytes as pandas' `to_csv` did."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from tjenestemandspension.actuarial import default_basis, register_from_frame, resolve_assumptions, value
from tjenestemandspension.actuarial.output import persons_frame
from tjenestemandspension.actuarial.synthetic import synthetic_register
from tjenestemandspension.textfiles import _write_csv_pandas, fixed_decimals, shortest_floats, write_csv

V = dt.date(2024, 12, 31)


def both(frame: pd.DataFrame, tmp_path, decimals=None) -> tuple[bytes, bytes]:
    write_csv(frame, tmp_path / "new.csv", decimals)
    _write_csv_pandas(frame, tmp_path / "old.csv", decimals or {})
    return (tmp_path / "new.csv").read_bytes(), (tmp_path / "old.csv").read_bytes()


@pytest.fixture(scope="module")
def example_valuation():
    frame = synthetic_register(400, seed=2024)  # what `tjp example` writes
    basis = default_basis()
    return frame, value(register_from_frame(frame, V), resolve_assumptions(basis))


def test_example_register_and_results_byte_identical(example_valuation, tmp_path):
    frame, valuation = example_valuation
    for table in (frame, persons_frame(valuation), valuation.cashflows):
        new, old = both(table, tmp_path)
        assert new == old


def test_synthetic_register_with_individual_spouses_byte_identical(tmp_path):
    frame = synthetic_register(5000, seed=7, individual_spouses=True,
                               municipalities=("Aarhus Kommune", "Odense Kommune"))
    new, old = both(frame, tmp_path)
    assert new == old


def test_awkward_values_as_the_csv_module_writes_them(tmp_path):
    rng = np.random.default_rng(3)
    magnitudes = 10.0 ** rng.integers(-12, 22, 400)
    numbers = np.concatenate([rng.standard_normal(400) * magnitudes, rng.integers(-10**6, 10**6, 100) * 1.0,
                              [0.0, -0.0, np.nan, np.inf, -np.inf, 1e-4, 9.99999e-5, 1e16, 9999999999999998.0,
                               -56776960612.792984, 0.1 + 0.2]])
    n = numbers.size
    texts = np.array(['a;b', 'q"x', "l\nm", "", None, "æøå", "  space ", "x"], dtype=object)[np.arange(n) % 8]
    frame = pd.DataFrame({"x": numbers, "t": texts, "i": np.arange(n), "c": pd.Categorical(["a", "b"] * (n // 2) + ["a"] * (n % 2)),
                          "n": pd.array([1, None] * (n // 2) + [3] * (n % 2), dtype="Int64"),
                          "b": np.arange(n) % 3 == 0})
    new, old = both(frame, tmp_path)
    assert new == old
    for single in (pd.DataFrame({"a": ["", None, "x"]}), pd.DataFrame({"a": [1.0, np.nan]})):
        new, old = both(single, tmp_path)
        assert new == old  # a lone empty field is quoted


def test_carriage_return_is_quoted(tmp_path):
    # deliberately unlike Python 3.11's csv module (which quotes only the line end it writes):
    # a bare CR inside a field would end the row for Excel
    write_csv(pd.DataFrame({"a": ["r\rs"], "b": [1]}), tmp_path / "cr.csv")
    assert (tmp_path / "cr.csv").read_bytes() == "\ufeffa;b\n\"r\rs\";1\n".encode()


def test_mixed_objects_fall_back_to_pandas(tmp_path):
    frame = pd.DataFrame({"a": [1, "x", 2.5, None], "b": [1.0, 2.0, 3.0, 4.0]})
    new, old = both(frame, tmp_path)
    assert new == old


def test_number_texts_match_python():
    rng = np.random.default_rng(11)
    values = np.concatenate([rng.uniform(-1e7, 1e7, 20000), np.round(rng.uniform(0, 1e6, 20000), 7),
                             np.arange(20000) / 2e6 + 5e-7, np.arange(2000) / 200 + 0.005, [-0.0, -1e-9, 1e12 + 0.5]])
    for places in (0, 2, 6):
        assert fixed_decimals(values, places).to_pylist() == [f"{v:.{places}f}".replace(".", ",") for v in values]
    assert shortest_floats(values).to_pylist() == [repr(float(v)).replace(".", ",") for v in values]
