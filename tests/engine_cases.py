"""Registers for the engine tests: the synthetic mix plus hand-made edge cases."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pathlib import Path

from tjenestemandspension.actuarial.synthetic import synthetic_register

ILLUSTRATIVE_INCIDENCE = Path(__file__).resolve().parents[1] / "examples" / "ill_health_incidence_illustrative.csv"

EDGE_CASES = [
    # active with under 10 years at pension start: no pension at all
    dict(person_id="E01", birth_date="1962-03-15", sex="M", status="active", service_years=2.0,
         pensionable_salary=400000, hire_date="2022-01-01"),
    # active already past pension age, 37+ years: pension and lump sum at t_1
    dict(person_id="E02", birth_date="1957-06-30", sex="K", status="active", service_years=40.0,
         pensionable_salary=500000),
    # register pension age (not offset), half-year age, table 2 reduction, projected salary
    dict(person_id="E03", birth_date="1968-11-01", sex="M", status="active", service_years=20.5,
         pensionable_salary=450000, projected_salary=470000, pension_age=62.5, hire_date="2010-04-01"),
    # hired 2007 or later: payout age from the table; employment fraction for projected service
    dict(person_id="E04", birth_date="1990-02-28", sex="K", status="active", service_years=5.0,
         pensionable_salary=380000, hire_date="2019-08-01", employment_fraction=0.5),
    # 10.1 + 26.9 style whole years: service 36.9999999999 counts as 37 (lump sum)
    dict(person_id="E05", birth_date="1963-01-31", sex="M", status="deferred", service_years=36.9999999999,
         pensionable_salary=420000),
    # deferred, explicitly unmarried: no spouse value
    dict(person_id="E06", birth_date="1975-07-14", sex="K", status="deferred", service_years=12.0,
         pensionable_salary=350000, married="false"),
    # retired with an individual spouse of the same sex
    dict(person_id="E07", birth_date="1950-05-05", sex="M", status="retired", annual_pension=240000,
         married="true", spouse_birth_date="1952-09-09", spouse_sex="M"),
    # retired, spouse birth date given but married empty: still the probability
    dict(person_id="E08", birth_date="1944-12-31", sex="K", status="retired", annual_pension=150000,
         spouse_birth_date="1940-01-01"),
    # payee aged 119.5 at 2024-12-31, exactly 120 (the projection's horizon) at 2025-06-30: no
    # months then, value 0; older is refused by the register
    dict(person_id="E09", birth_date="1905-06-30", sex="K", status="spouse", annual_pension=90000),
    # child aged 20 years 11 months: value 0; child aged 20 years 10 months: one payment
    dict(person_id="E10", birth_date="2004-01-15", sex="M", status="child", annual_pension=20000),
    dict(person_id="E11", birth_date="2004-02-15", sex="K", status="child", annual_pension=20000),
    # a very old member close to the 120 horizon
    dict(person_id="E12", birth_date="1906-06-15", sex="M", status="retired", annual_pension=100000),
    # zero salary: zero value
    dict(person_id="E13", birth_date="1970-03-03", sex="M", status="active", service_years=15.0,
         pensionable_salary=0.0),
    # state and insured shares
    dict(person_id="E14", birth_date="1955-08-20", sex="K", status="retired", annual_pension=200000,
         state_share=0.4, insured_share=0.25),
    # active born 1959 first half (payout 60.5) hired after 2007, death in service spouse on 15 years
    dict(person_id="E15", birth_date="1959-04-10", sex="M", status="active", service_years=11.0,
         pensionable_salary=410000, hire_date="2013-05-01"),
    # §9.1: retired rows with service_years have a spouse's supplement (individual and collective spouse)
    dict(person_id="E16", birth_date="1956-03-31", sex="M", status="retired", annual_pension=260000,
         service_years=30.6, married="true", spouse_birth_date="1963-08-31", spouse_sex="K"),
    dict(person_id="E17", birth_date="1962-10-31", sex="K", status="retired", annual_pension=210000,
         service_years=41.0),
    # §9.1: the spouse reaches state pension age before the member's pension starts (L < k_A)
    dict(person_id="E18", birth_date="1975-05-20", sex="K", status="active", service_years=20.0,
         pensionable_salary=450000, married="true", spouse_birth_date="1958-02-28", spouse_sex="M"),
    # §9.4: below 10 years at pension start (no old-age values) but a qualified ill-health pension
    dict(person_id="E19", birth_date="1995-06-30", sex="K", status="active", service_years=1.0,
         pensionable_salary=390000, hire_date="2023-08-01", married="true"),
]


def engine_register(n_synthetic: int = 300, seed: int = 11) -> pd.DataFrame:
    """A few hundred synthetic persons in every status, with individual and collective
    spouse data, plus the edge cases above."""
    synthetic = synthetic_register(n_synthetic, seed=seed, individual_spouses=True)
    # half the retired keep the collective assumptions
    collective = (synthetic["status"] == "retired") & (np.arange(len(synthetic)) % 2 == 0)
    for column in ("married", "spouse_birth_date", "spouse_sex"):
        synthetic.loc[collective, column] = ""
    # §9.3: a take-over age on every ninth row (all statuses), caps on others (instead of state_share)
    row = np.arange(len(synthetic))
    status = synthetic["status"]
    for column in ("state_takeover_age", "state_cap_salary", "state_cap_pension"):
        synthetic[column] = np.nan
    takeover = row % 9 == 1
    synthetic.loc[takeover, "state_takeover_age"] = np.where(row[takeover] % 2 == 0, 63.5, 67.25)
    salary = synthetic["pensionable_salary"]
    cap_salary = (row % 9 == 4) & status.isin(["active", "deferred"])
    synthetic.loc[cap_salary, "state_cap_salary"] = np.round(np.where(row[cap_salary] % 2 == 0, 0.8, 1.1)
                                                             * salary[cap_salary], 2)
    cap_pension = (row % 9 == 4) & (status == "retired")
    synthetic.loc[cap_pension, "state_cap_pension"] = np.round(0.7 * synthetic.loc[cap_pension, "annual_pension"], 2)
    synthetic.loc[takeover | cap_salary | cap_pension, "state_share"] = np.nan
    edge = pd.DataFrame(EDGE_CASES)
    frame = pd.concat([synthetic, edge], ignore_index=True)
    text_columns = ["hire_date", "married", "spouse_birth_date", "spouse_sex", "unit", "municipality"]
    frame[text_columns] = frame[text_columns].fillna("")
    return frame
