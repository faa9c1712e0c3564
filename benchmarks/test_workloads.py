"""Every workload end to end, as its own process, beside the per-person yardstick
measured in the same session (issue 15). Opt-in like every benchmark:

    .venv/bin/python -m pytest benchmarks/test_workloads.py --benchmark-only

Figures go to benchmarks/README.md as seconds and as the speed-up over the yardstick
(persons / yardstick rate / seconds): absolute seconds vary between machines, the ratio
much less. The 1,000,000-person and batch cases are marked `big` (`-m "not big"` skips them).
"""

from __future__ import annotations

import datetime as dt
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from tjenestemandspension.actuarial import default_basis, resolve_assumptions
from tjenestemandspension.actuarial.projection import GRID, value_factors
from tjenestemandspension.actuarial.synthetic import synthetic_register
from tjenestemandspension.textfiles import write_csv

V = dt.date(2024, 12, 31)
TJP = [sys.executable, "-m", "tjenestemandspension.cli.main"]
YARDSTICK_PERSONS = 1000
KOMMUNER = tuple(f"Kommune {number:02d}" for number in range(1, 99))


def yardstick_rate() -> float:
    """Persons a second of a straightforward per-person monthly grid in numpy: each person's
    survival path over 1,441 months, times v_k, summed (an annuity from the next month)."""
    assumptions = resolve_assumptions(default_basis())
    v = value_factors(assumptions.curve, assumptions.inflation)
    rng = np.random.default_rng(1)
    ages = rng.integers(30 * 12, 90 * 12, YARDSTICK_PERSONS)
    sexes = rng.integers(0, 2, YARDSTICK_PERSONS)
    start = time.perf_counter()
    total = 0.0
    for sex, age in zip(sexes, ages):
        survival = assumptions.mortality.monthly_survival(V, np.array([sex]), np.array([age]), GRID - 1)[0]
        total += float((survival[1:] * v[1:GRID]).sum())
    assert total > 0
    return YARDSTICK_PERSONS / (time.perf_counter() - start)


@pytest.fixture(scope="module")
def rate():
    return yardstick_rate()


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("workloads")
    for n in (10_000, 100_000):
        write_csv(synthetic_register(n, seed=2024), folder / f"register{n}.csv")
    return folder


@pytest.fixture(scope="module")
def big_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("big")
    frame = synthetic_register(1_000_000, seed=2024)
    write_csv(frame, folder / "register1000000.csv")
    frame.to_parquet(folder / "register1000000.parquet")
    write_csv(synthetic_register(1_000_000, seed=2024, municipalities=KOMMUNER), folder / "batch1000000.csv")
    write_csv(synthetic_register(98_000, seed=2024, municipalities=KOMMUNER), folder / "batch98000.csv")
    return folder


def process(benchmark, command: list[str], rounds: int, persons: int, rate: float, out: Path | None = None):
    def run() -> None:
        if out is not None:
            shutil.rmtree(out, ignore_errors=True)
        subprocess.run(command, check=True, capture_output=True)

    benchmark.pedantic(run, rounds=rounds, iterations=1)
    benchmark.extra_info["persons"] = persons
    benchmark.extra_info["yardstick_persons_per_s"] = round(rate)
    if persons:
        benchmark.extra_info["speedup_over_yardstick"] = round(persons / rate / benchmark.stats.stats.median, 1)
    benchmark.extra_info["peak_rss_mb_of_children"] = round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)


def test_help(benchmark, rate):
    process(benchmark, TJP + ["--help"], 5, 0, rate)


@pytest.mark.parametrize("n", [10_000, 100_000])
def test_value_with_personer_sheet(benchmark, files, rate, n):
    """persons.csv and the working paper with every person on the Personer sheet."""
    out = files / f"out{n}"
    process(benchmark, TJP + ["value", str(files / f"register{n}.csv"), "--booked=-950000000", "--out", str(out),
                              "--force", "--quiet"], 3, n, rate, out)
    assert (out / "persons.csv").exists() and (out / "valuation.xlsx").exists()


def test_example_1m(benchmark, tmp_path, rate):
    process(benchmark, TJP + ["example", str(tmp_path / "ex"), "--persons", "1000000", "--force"], 1, 1_000_000, rate)


@pytest.mark.big
@pytest.mark.parametrize("kind", ["csv", "parquet"])
def test_value_1m(benchmark, big_files, rate, kind):
    out = big_files / f"out-{kind}"
    process(benchmark, TJP + ["value", str(big_files / f"register1000000.{kind}"), "--booked=-2000000000000",
                              "--out", str(out), "--force", "--quiet"], 1, 1_000_000, rate, out)


@pytest.mark.big
def test_value_1m_persons_csv(benchmark, big_files, rate):
    out = big_files / "out-persons-csv"
    process(benchmark, TJP + ["value", str(big_files / "register1000000.csv"), "--persons-format", "csv",
                              "--out", str(out), "--force", "--quiet"], 1, 1_000_000, rate, out)


@pytest.mark.big
@pytest.mark.parametrize("n", [98_000, 1_000_000])
def test_batch_98_kommuner(benchmark, big_files, rate, n):
    out = big_files / f"batch-out{n}"
    process(benchmark, TJP + ["value", str(big_files / f"batch{n}.csv"), "--out", str(out), "--force", "--quiet"],
            1, n, rate, out)
    assert len([p for p in out.iterdir() if p.is_dir()]) == len(KOMMUNER)
