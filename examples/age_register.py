"""Age an example register by a period: deaths, retirements, a new pensioner, one year
more service, pay regulation; prints the pensions paid in the period.

    tjp example ex2023 --valuation-date 2023-12-31
    python examples/age_register.py ex2023/register.csv 2023-12-31 2024-12-31 ex2024/register.csv

The result is what `tjp analyse` (and `tjp rollforward`, with the printed payments)
expects a year later. The logic is `actuarial.synthetic.age_register`.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pandas as pd

from tjenestemandspension.actuarial.synthetic import age_register
from tjenestemandspension.textfiles import read_output_csv, write_csv


def main(arguments: list[str]) -> None:
    if len(arguments) != 4:
        raise SystemExit(__doc__)
    source, from_date, to_date, target = arguments
    frame = read_output_csv(Path(source), dtype=str, na_values=[])
    for column in ("service_years", "pensionable_salary", "projected_salary", "annual_pension",
                   "state_share", "insured_share"):
        if column in frame:
            frame[column] = pd.to_numeric(frame[column].str.replace(",", "."), errors="coerce")
    aged, paid = age_register(frame, dt.date.fromisoformat(from_date), dt.date.fromisoformat(to_date))
    Path(target).parent.mkdir(parents=True, exist_ok=True)
    write_csv(aged, Path(target))
    print(f"{target}: {len(aged)} persons (was {len(frame)}); pensions paid in the period: {paid:.2f} kr.")


if __name__ == "__main__":
    main(sys.argv[1:])
