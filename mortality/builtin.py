"""The built-in default: Finanstilsynet's 2024 benchmark, stored in the package.

`mortality/data/ft_benchmark_2024.csv` holds both published tables in one compact file
(age;mu_women;mu_men;improvement_women;improvement_men), every value copied digit for
digit from the published csv files so that it parses to the same float64;
`ft_benchmark_2024.json` says where they come from. The tests check both against
the published files' copies in tests/data/published/ (docs/sources.md [FT-BENCH-2024]).
"""

from __future__ import annotations

import csv
import io
import json
from functools import lru_cache
from importlib import resources

import numpy as np

from tjenestemandspension.mortality.basis import MortalityBasis
from tjenestemandspension.mortality.tables import KIND_IMPROVEMENT, KIND_MORTALITY, N_AGES, SEX_MEN, SEX_WOMEN, BenchmarkTable
from tjenestemandspension.provenance import Provenance

BUILTIN_METADATA_FILE = "ft_benchmark_2024.json"
BUILTIN_COLUMNS = ("age", "mu_women", "mu_men", "improvement_women", "improvement_men")


def _data_text(name: str) -> str:
    return resources.files("tjenestemandspension.mortality").joinpath("data", name).read_text("utf-8")


@lru_cache(maxsize=1)
def builtin_metadata() -> dict:
    return json.loads(_data_text(BUILTIN_METADATA_FILE))


@lru_cache(maxsize=1)
def builtin_tables() -> tuple[BenchmarkTable, BenchmarkTable]:
    """(mortality, improvement) of the built-in benchmark."""
    metadata = builtin_metadata()
    rows = list(csv.reader(io.StringIO(_data_text(metadata["data_file"])), delimiter=";"))
    if tuple(rows[0]) != BUILTIN_COLUMNS:
        raise RuntimeError(f"built-in mortality data: unexpected columns {rows[0]}")
    data = np.array([[float(cell) for cell in row] for row in rows[1:] if row], dtype=np.float64)
    if data.shape != (N_AGES, len(BUILTIN_COLUMNS)) or not np.array_equal(data[:, 0], np.arange(N_AGES)):
        raise RuntimeError("built-in mortality data: expected one row per age 0..110")

    def table(kind: str, women: int, men: int) -> BenchmarkTable:
        values = np.empty((2, N_AGES))
        values[SEX_WOMEN] = data[:, women]
        values[SEX_MEN] = data[:, men]
        provenance = metadata["provenance"]
        return BenchmarkTable(
            kind=kind,
            values=values,
            source_file=None,
            provenance=Provenance(source=provenance["source"] + " (built-in)",
                                  date=provenance["date"], note=provenance["note"]),
        )

    return table(KIND_MORTALITY, 1, 2), table(KIND_IMPROVEMENT, 3, 4)


@lru_cache(maxsize=1)
def default_mortality_basis() -> MortalityBasis:
    """The built-in 2024 benchmark with improvements, factors 1, no adjustment."""
    mortality, improvement = builtin_tables()
    return MortalityBasis(mortality=mortality, improvement=improvement,
                          benchmark_year=int(builtin_metadata()["benchmark_year"]))
