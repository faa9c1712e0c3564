"""`tjp value` end to end on 1,000,000 persons: read (CSV and Parquet), validate, value,
write every output; as a separate process, so start-up and peak memory are the real
ones (issue: at most 30 seconds and 4 GB on the 2-core machine)."""

from __future__ import annotations

import resource
import shutil
import subprocess
import sys
import time

import pytest

from tjenestemandspension.textfiles import write_csv
from tjenestemandspension.actuarial.synthetic import synthetic_register

N_PERSONS = 1_000_000


@pytest.fixture(scope="module")
def registers(tmp_path_factory):
    folder = tmp_path_factory.mktemp("e2e")
    frame = synthetic_register(N_PERSONS, seed=2024)
    write_csv(frame, folder / "register.csv")
    frame.to_parquet(folder / "register.parquet")
    return folder


@pytest.mark.parametrize("kind", ["csv", "parquet"])
def test_value_end_to_end(benchmark, registers, kind):
    out = registers / f"out-{kind}"
    command = [sys.executable, "-m", "tjenestemandspension.cli.main", "value", str(registers / f"register.{kind}"),
               "--booked=-2000000000000", "--out", str(out), "--force", "--quiet"]

    def run() -> float:
        shutil.rmtree(out, ignore_errors=True)
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        return time.perf_counter() - start

    benchmark.pedantic(run, rounds=2, iterations=1)
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    benchmark.extra_info["persons"] = N_PERSONS
    benchmark.extra_info["peak_rss_mb_of_children"] = round(peak_mb)
    assert sorted(p.name for p in out.iterdir()) == [
        "basis.toml", "cashflows.csv", "journal.csv", "manifest.json", "persons.parquet", "valuation.xlsx"]
