"""Mortality: Finanstilsynet's benchmark with longevity improvements (docs/specification.md §5)."""

from tjenestemandspension.mortality.basis import (
    ADJUSTMENT_KNOTS,
    MortalityBasis,
    adjustment_functions,
    benchmark_year_from_name,
    distinct_cohorts,
    load_mortality_basis,
)
from tjenestemandspension.mortality.builtin import builtin_metadata, builtin_tables, default_mortality_basis
from tjenestemandspension.mortality.tables import (
    HORIZON_MONTHS,
    MAX_TABLE_AGE,
    SEX_MEN,
    SEX_WOMEN,
    BenchmarkTable,
    read_benchmark_table,
)

__all__ = [
    "ADJUSTMENT_KNOTS",
    "HORIZON_MONTHS",
    "MAX_TABLE_AGE",
    "SEX_MEN",
    "SEX_WOMEN",
    "BenchmarkTable",
    "MortalityBasis",
    "adjustment_functions",
    "benchmark_year_from_name",
    "builtin_metadata",
    "builtin_tables",
    "default_mortality_basis",
    "distinct_cohorts",
    "load_mortality_basis",
    "read_benchmark_table",
]
