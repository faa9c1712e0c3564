"""A seedable generator of fictitious registers with a realistic mix.

Used by `tjp example`, the benchmarks and the tests, so that all three value the same
kind of population. The people are invented; the proportions follow a typical Danish
kommune's civil-servant population (many pensioners, an ageing active group, mostly
hired before 2007, a share of folkeskole teachers whose pension is partly the state's).
Where the register speaks to an assumption (who is married, the spouse's age, deaths,
the spouse pension of a widow, when children leave), the draws follow the basis.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from tjenestemandspension.actuarial.basis import Basis
from tjenestemandspension.actuarial.basis_files import default_basis, load_basis
from tjenestemandspension.actuarial.engine import value
from tjenestemandspension.actuarial.member_register import register_from_frame
from tjenestemandspension.actuarial.resolve import resolve_assumptions
from tjenestemandspension.actuarial.rules import BenefitRules
from tjenestemandspension.dates import months_between
from tjenestemandspension.mortality import SEX_MEN, SEX_WOMEN

STATUS_MIX = {"active": 0.33, "deferred": 0.15, "retired": 0.40, "spouse": 0.10, "child": 0.02}
UNITS = ("Børne- og Ungeforvaltningen", "Teknik og Miljø", "Social og Sundhed",
         "Kultur og Fritid", "Økonomi og Administration")
AGE_RANGES = {  # completed years at the valuation date
    "active": (30, 66), "deferred": (35, 66), "retired": (60, 99), "spouse": (50, 99), "child": (3, 20),
}


ILLUSTRATIVE_INCIDENCE_NAME = "ill_health_incidence_illustrative.csv"


def illustrative_incidence_text() -> str:
    """An ILLUSTRATIVE ill-health incidence table (§9.2), not published figures: yearly
    intensities 0.0004·exp(0.085·(age − 18)) for men, 1.25 times that for women, ages 18–69.
    `tjp example` writes it beside its basis; examples/ holds the same file."""
    lines = ["age;men;women"]
    for age in range(18, 70):
        men = 0.0004 * np.exp(0.085 * (age - 18))
        lines.append(f"{age};{men:.6f};{1.25 * men:.6f}")
    return "\n".join(lines) + "\n"


def synthetic_register(n_persons: int = 400, seed: int = 2024, valuation_date: dt.date = dt.date(2024, 12, 31),
                       individual_spouses: bool = False,
                       municipalities: tuple[str, ...] = ("Eksempel Kommune",),
                       basis: Basis | None = None) -> pd.DataFrame:
    """A register of `n_persons` fictitious persons in every status (canonical columns).

    `individual_spouses`: retired members get `married` (with the basis' probability
    for their sex) and, when married, the spouse's birth date (the basis' age difference
    on average) and sex; else the collective assumptions apply to everyone.
    """
    rng = np.random.default_rng(seed)
    statuses = np.array(list(STATUS_MIX))
    weights = np.array(list(STATUS_MIX.values()))
    counts = np.floor(weights / weights.sum() * n_persons).astype(int)
    counts[np.argmax(counts)] += n_persons - counts.sum()
    if n_persons >= len(statuses):  # at least one of every status
        for i in np.flatnonzero(counts == 0):
            counts[i] = 1
            counts[np.argmax(counts)] -= 1
    status = np.repeat(statuses, counts)
    rng.shuffle(status)
    n = status.size

    codes = np.searchsorted(statuses, status, sorter=np.argsort(statuses))
    codes = np.argsort(statuses)[codes]  # each person's position in `statuses`
    low = np.array([AGE_RANGES[s][0] for s in statuses])[codes]
    high = np.array([AGE_RANGES[s][1] for s in statuses])[codes]
    age_years = low + (high - low + 1) * rng.random(n)
    v_day = np.datetime64(valuation_date, "D")
    birth = v_day - np.round(age_years * 365.25).astype("timedelta64[D]") - np.timedelta64(1, "D")
    sex = np.where(rng.random(n) < 0.58, "K", "M")

    active = status == "active"
    deferred = status == "deferred"
    member = active | deferred
    hired_years_ago = np.where(rng.random(n) < 0.8, 18 + 20 * rng.random(n), 2 + 16 * rng.random(n))
    hired_years_ago = np.minimum(hired_years_ago, age_years - 20)
    hire = v_day - np.round(hired_years_ago * 365.25).astype("timedelta64[D]")
    service = np.where(active, hired_years_ago, np.clip(rng.normal(14, 7, n), 1, 35))
    service = np.round(np.clip(service, 0.5, 45), 2)
    salary = np.round(rng.uniform(340_000, 620_000, n), -2)
    projected = np.where(active & (rng.random(n) < 0.5), np.round(salary * rng.uniform(1.0, 1.08, n), -2), np.nan)

    annual_pension = np.select(
        [status == "retired", status == "spouse", status == "child"],
        [np.round(rng.uniform(90_000, 330_000, n), -1), np.round(rng.uniform(50_000, 180_000, n), -1),
         np.round(rng.uniform(12_000, 30_000, n), -1)],
        default=np.nan)

    teacher = rng.random(n) < 0.12
    state_share = np.where(teacher, np.round(rng.uniform(0.3, 1.0, n), 2), 0.0)
    insured = ~teacher & (rng.random(n) < 0.05)
    insured_share = np.where(insured, np.round(rng.uniform(0.1, 0.5, n), 2), 0.0)

    frame = pd.DataFrame({
        "person_id": [f"P{i:07d}" for i in range(1, n + 1)],
        "birth_date": pd.to_datetime(birth).strftime("%Y-%m-%d"),
        "sex": sex,
        "status": status,
        "service_years": np.where(member, service, np.nan),
        "pensionable_salary": np.where(member, salary, np.nan),
        "projected_salary": projected,
        "annual_pension": annual_pension,
        "hire_date": np.where(active, pd.to_datetime(hire).strftime("%Y-%m-%d"), ""),
        "state_share": state_share,
        "insured_share": insured_share,
        "unit": np.asarray(UNITS, dtype=object)[rng.integers(0, len(UNITS), n)],
        "municipality": np.asarray(municipalities, dtype=object)[rng.integers(0, len(municipalities), n)],
    })
    if individual_spouses:
        rules = BenefitRules.from_basis(basis or default_basis())
        retired = status == "retired"
        married = retired & (rng.random(n) < rules.marriage_probability(np.where(sex == "M", SEX_MEN, SEX_WOMEN)))
        older = rules.age_difference_years  # husband older than wife
        gap_years = rng.normal(np.where(sex == "M", -older, older), 4.0)
        spouse_birth = birth - np.round(gap_years * 365.25).astype("timedelta64[D]")
        spouse_birth = np.minimum(spouse_birth, v_day - np.timedelta64(20 * 365, "D"))
        frame["married"] = np.where(retired, np.where(married, "true", "false"), "")
        frame["spouse_birth_date"] = np.where(married, pd.to_datetime(spouse_birth).strftime("%Y-%m-%d"), "")
        frame["spouse_sex"] = np.where(married, np.where(sex == "M", "K", "M"), "")
    return frame


def age_register(frame: pd.DataFrame, from_date: dt.date, to_date: dt.date, seed: int = 7,
                 deaths: bool = True, retirements: bool = True, new_pensioner: bool = True,
                 accrual: bool = True, regulation: float = 0.02,
                 basis: Basis | None = None) -> tuple[pd.DataFrame, float]:
    """The register a period later, as it might come from HR and payroll, and the
    pensions paid in the period.

    Everything assumed comes from `basis` (the default basis at `to_date` when None):
    deaths are drawn from its mortality; a member who dies leaves a spouse, married
    as the register says or with the basis' probability, who is paid `spouse.fraction`
    of the pension and is `spouse.age_difference_years` younger (a wife) or older (a
    husband); members past their pension age retire on the benefit the engine computes;
    children leave at `benefit.child_pension_end_age`. Actives gain the period's
    service; salaries and pensions follow the pay `regulation`; one new (ill-health)
    pensioner joins. `(frame, pensions paid)`; each change can be switched off to test
    its effect alone.
    """
    if basis is None:
        basis = load_basis(overrides=[f"valuation.date={to_date.isoformat()}"])
    assumptions = resolve_assumptions(basis)
    rules = assumptions.rules
    rng = np.random.default_rng(seed)
    years = months_between(from_date, to_date) / 12.0
    aged = frame.copy().reset_index(drop=True)
    status = aged["status"].to_numpy()
    birth = pd.to_datetime(aged["birth_date"]).to_numpy().astype("datetime64[D]")
    age_years = (np.datetime64(to_date, "D") - birth).astype(np.int64) / 365.25
    payee = np.isin(status, ["retired", "spouse", "child"])
    paid = aged["annual_pension"].where(payee, 0.0).fillna(0.0).to_numpy() * years

    dead = np.zeros(len(aged), dtype=bool)
    widows = []
    if deaths:
        sex = np.where(aged["sex"].to_numpy() == "M", SEX_MEN, SEX_WOMEN)
        mu = assumptions.mortality.intensity(sex, np.floor(age_years).astype(int), to_date.year)
        dead = rng.random(len(aged)) < 1.0 - np.exp(-mu * years)
        paid = np.where(dead, paid / 2.0, paid)  # on average half the period
        married = aged.get("married", pd.Series("", index=aged.index)).astype(str).str.lower().to_numpy()
        assumed_married = rng.random(len(aged)) < rules.marriage_probability(sex)
        leaves_spouse = dead & (status == "retired") & ((married == "true") | ((married == "") & assumed_married))
        for i in np.flatnonzero(leaves_spouse):
            member_birth = pd.Timestamp(birth[i])
            # a man's wife is younger, a woman's husband older
            younger_by = rules.age_difference_months if aged.at[i, "sex"] == "M" else -rules.age_difference_months
            widows.append({
                "person_id": f"{aged.at[i, 'person_id']}-E", "status": "spouse",
                "sex": "K" if aged.at[i, "sex"] == "M" else "M",
                "birth_date": (member_birth + pd.DateOffset(months=younger_by)).strftime("%Y-%m-%d"),
                "annual_pension": round(rules.spouse_fraction * aged.at[i, "annual_pension"] * (1 + regulation), 2),
                "unit": aged.at[i, "unit"], "municipality": aged.at[i, "municipality"],
                "state_share": aged.at[i, "state_share"], "insured_share": aged.at[i, "insured_share"],
            })
    children_out = (status == "child") & (age_years >= rules.child_pension_end_age)

    member = np.isin(status, ["active", "deferred"])
    if accrual:
        active = status == "active"
        fraction = aged["employment_fraction"].fillna(1.0) if "employment_fraction" in aged else 1.0
        aged.loc[active, "service_years"] = np.round(aged.loc[active, "service_years"] + years * fraction, 4)
    salary_factor = (1 + regulation) ** years
    for column in ("pensionable_salary", "projected_salary"):
        aged.loc[member, column] = np.round(aged.loc[member, column] * salary_factor, 2)
    aged.loc[payee, "annual_pension"] = np.round(aged.loc[payee, "annual_pension"] * salary_factor, 2)

    if retirements and member.any():
        members = aged.loc[member].copy()
        valued = value(register_from_frame(members, to_date), assumptions).persons
        retiring = (valued["pension_start_month"].to_numpy() == 1) & (valued["annual_benefit"].to_numpy() > 0)
        rows = members.index[retiring]
        aged.loc[rows, "status"] = "retired"
        aged.loc[rows, "annual_pension"] = np.round(valued["annual_benefit"].to_numpy()[retiring], 2)
        for column in ("service_years", "pensionable_salary", "projected_salary", "hire_date"):
            aged.loc[rows, column] = np.nan if column != "hire_date" else ""
        paid = paid + np.where(aged.index.isin(rows), aged["annual_pension"].fillna(0).to_numpy() * years / 2, 0.0)

    keep = ~dead & ~children_out
    result = aged.loc[keep]
    additions = list(widows)
    if new_pensioner:
        additions.append({
            "person_id": "NY0000001", "status": "retired", "sex": "K",
            "birth_date": (pd.Timestamp(to_date) - pd.DateOffset(years=58, months=4)).strftime("%Y-%m-%d"),
            "annual_pension": 186000.0, "unit": UNITS[0], "municipality": str(frame["municipality"].iloc[0]),
            "state_share": 0.0, "insured_share": 0.0,
        })
    if additions:
        result = pd.concat([result, pd.DataFrame(additions)], ignore_index=True)
    text_columns = [c for c in ("hire_date", "married", "spouse_birth_date", "spouse_sex", "unit", "municipality")
                    if c in result]
    result[text_columns] = result[text_columns].fillna("")
    return result.reset_index(drop=True), float(np.sum(paid))
