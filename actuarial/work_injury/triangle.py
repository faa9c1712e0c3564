"""Reading the claims triangle of the chain-ladder IBNR (`work_injury.triangle_file`).

A CSV (or xlsx / Parquet, read by table_reading.py like every register) with the columns
`accident_year;development_year;cumulative` [`skadesår;udviklingsår;kumuleret`], one row
per accident year and development year with the cumulative incurred amount (paid plus
case reserves). Empty cumulative cells are skipped. Every accident year's development
years must be consecutive integers from the first development year the triangle uses
(gaps and duplicates are errors), and the amounts numbers of at least 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from tjenestemandspension.actuarial.table_reading import RawTable, read_table
from tjenestemandspension.actuarial.table_validation import (
    Collector,
    ColumnSet,
    in_file_order,
    match_header,
    numbers,
    printable,
    text,
)
from tjenestemandspension.errors import InputError

TRIANGLE_COLUMNS = ColumnSet(
    noun="claims triangle",
    aliases={"accident_year": ("skadesaar",), "development_year": ("udviklingsaar",),
             "cumulative": ("kumuleret",)},
    required=("accident_year", "development_year", "cumulative"),
    mappable=False,  # tjp arbejdsskader takes no --columns
)
ACCIDENT_YEARS = (1900, 2100)
MAX_DEVELOPMENT_YEARS = 100
MAX_CUMULATIVE = 1e12  # kr. for one accident year: more is a typing or unit error


@dataclass(frozen=True)
class Triangle:
    accident_years: np.ndarray  # int, increasing
    development_years: np.ndarray  # int, consecutive
    cumulative: np.ndarray  # (accident years, development years), NaN where not observed
    source: str


def read_triangle(path: str | Path) -> Triangle:
    """Read and validate a triangle file; raises InputError listing every problem."""
    return triangle_from_table(read_table(path, TRIANGLE_COLUMNS))


def triangle_from_table(table: RawTable) -> Triangle:
    header_names, _, problems = match_header([str(name) for name in table.frame.columns], TRIANGLE_COLUMNS,
                                             table.source, table.header_row, table.sheets)
    if problems:
        raise InputError(problems)
    frame = table.frame
    collect = Collector(table.source, header_names, table.row_numbers, id_column="accident_year")

    def column(canonical: str) -> pd.Series:
        return frame[header_names[canonical]].reset_index(drop=True)

    def whole_numbers(canonical: str, low: int, high: int, expected: str) -> np.ndarray:
        values = numbers(column(canonical), table.danish_numbers)[0]  # NaN where empty or unreadable
        bad = np.isnan(values) | (values != np.round(values)) | (values < low) | (values > high)
        collect.rows(canonical, bad, lambda: text(column(canonical)), expected)
        return np.where(bad, -1, np.nan_to_num(values)).astype(np.int64)

    low, high = ACCIDENT_YEARS
    accident = whole_numbers("accident_year", low, high, f"expected an accident year from {low} to {high}")
    development = whole_numbers("development_year", 0, MAX_DEVELOPMENT_YEARS,
                                f"expected a development year, a whole number from 0 to {MAX_DEVELOPMENT_YEARS}")
    amount, empty, unreadable, _ = numbers(column("cumulative"), table.danish_numbers)
    collect.rows("cumulative", unreadable, lambda: text(column("cumulative")), "expected an amount")
    collect.rows("cumulative", amount < 0, amount, "expected a cumulative amount of at least 0")
    collect.rows("cumulative", amount > MAX_CUMULATIVE, amount,
                 "expected a cumulative amount of at most 1.000.000 million kr.")
    if collect.problems:
        raise InputError(in_file_order(collect.problems, [printable(c) for c in frame.columns]))

    keep = ~empty
    if not keep.any():
        raise InputError.single("has no amounts; expected one row per accident year and development year",
                                file=table.source)
    keys = pd.Series(list(zip(accident, development)))
    duplicated = keys.duplicated(keep="first").to_numpy() & keep
    for index in np.flatnonzero(duplicated):
        collect.add("development_year", int(index), int(development[index]),
                    f"expected each development year once per accident year; accident year "
                    f"{accident[index]} has it twice")
    first = int(development[keep].min())
    for year in np.unique(accident[keep]):
        rows = np.flatnonzero(keep & (accident == year) & ~duplicated)
        years = np.sort(development[rows])
        expected_years = np.arange(first, first + years.size)
        if not np.array_equal(years, expected_years):
            gap = int(expected_years[np.argmax(years != expected_years)])
            collect.add("development_year", int(rows[np.argmax(development[rows])]), None,
                        f"expected consecutive development years from {first} for accident year {year}; "
                        f"development year {gap} is missing")
    if collect.problems:
        raise InputError(in_file_order(collect.problems, [printable(c) for c in frame.columns]))

    accident_years = np.unique(accident[keep])
    n_dev = int(development[keep].max()) - first + 1
    cumulative = np.full((accident_years.size, n_dev), np.nan)
    cumulative[np.searchsorted(accident_years, accident[keep]), development[keep] - first] = amount[keep]
    return Triangle(accident_years=accident_years, development_years=np.arange(first, first + n_dev),
                    cumulative=cumulative, source=table.source)
