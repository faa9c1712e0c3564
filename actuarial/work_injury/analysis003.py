"""Ændringsanalyse of the work-injury provision (grouping 003): from the prior L_003 to the
new one, step by step, in the pension analysis' arithmetic and types (analysis.py). Pure.

    prior provision L0 (V0) = rentereserve + sagsreserver + IBNR
    + interest          pv0·(1/P0(T) − 1): the running benefits' discounting unwinds
                        (case reserves and IBNR are at face value)
    − payments          Σ_{t_k ≤ T} CF_k·P0(t_k)/P0(T), the prior run's expected payments
    = expected provision at V1
    − closed cases      the prior rows (case_id, benefit, birth date) no longer in the register,
                        valued at V1 on the prior basis, their amounts regulated to V1's level
    + new cases         the rows not in the prior register, valued at V1 on the prior basis
    + changes           the other rows' changed awards and reserves, deaths and awards ended
                        otherwise than expected: the rest, so that the steps reach the new
                        register on the prior basis at V1
    + IBNR              the new IBNR less the prior
    + assumptions       one group at a time: curve, mortality, regulation, other
    = new provision L1 (V1)

The steps on the prior basis at V1 use the prior curve's forward rates, as for 001.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from tjenestemandspension.actuarial.analysis import Analysis, Step, _differs, _take, analysis_period
from tjenestemandspension.actuarial.assumptions import Assumptions, derive
from tjenestemandspension.actuarial.basis import SETTINGS, BasisValue
from tjenestemandspension.actuarial.work_injury.cases import CaseRegister
from tjenestemandspension.actuarial.work_injury.provision import value_work_injuries
from tjenestemandspension.actuarial.work_injury.valuation import value_cases
from tjenestemandspension.provenance import Provenance

GROUPS = {
    "curve": tuple(s.key for s in SETTINGS if s.key.startswith("curve.")),
    "mortality": tuple(s.key for s in SETTINGS if s.key.startswith("mortality.")) + ("work_injury.mortality_factor",),
    "regulation": ("work_injury.regulation_rate",),
}
LABELS = {"curve": "Rentekurve", "mortality": "Dødelighed", "regulation": "Satsregulering",
          "other": "Øvrige forudsætninger"}
ORDER = ("curve", "mortality", "regulation", "other")


def row_keys(cases: CaseRegister) -> np.ndarray:
    """A row's identity across years: case_id, benefit and the payee's birth date."""
    return np.array([f"{c}|{b}|{d}" for c, b, d in zip(cases.case_id, cases.benefit, cases.birth_date.astype(str))],
                    dtype=object)


def analyse_work_injuries(prior_cases: CaseRegister, prior: Assumptions, prior_triangle, new_cases: CaseRegister,
                          new: Assumptions, new_triangle=None) -> Analysis:
    prior_basis, new_basis = prior.basis, new.basis
    prior_date, new_date, months, years = analysis_period(prior_basis, new_basis)
    start = value_work_injuries(prior_cases, prior, prior_triangle)
    curve = prior.curve
    discount = curve.discount(np.arange(start.values.monthly_payments.size) / 12.0)
    at_end = float(curve.discount(years))
    interest = start.total_pv * (1.0 / at_end - 1.0)
    paid = float(np.sum(start.values.monthly_payments[1:months + 1] * discount[1:months + 1])) / at_end
    expected = start.total_liability + interest - paid

    moved_basis = dataclasses.replace(prior_basis, values={
        **prior_basis.values,
        "valuation.date": BasisValue(new_date, Provenance(source="ændringsanalyse: ny opgørelsesdato"))})
    forward = dataclasses.replace(derive(moved_basis, (prior, new)), curve=curve.forward_from(years))

    def rows_value(cases: CaseRegister, assumptions: Assumptions) -> float:
        return float(value_cases(cases, assumptions).liability.sum()) if len(cases) else 0.0

    prior_keys, new_keys = row_keys(prior_cases), row_keys(new_cases)
    gone = prior_cases.subset(~np.isin(prior_keys, new_keys))
    # what they would have been worth at V1: their amounts regulated to V1's level
    gone = dataclasses.replace(gone, annual_amount=gone.annual_amount
                               * (1 + prior_basis["work_injury.regulation_rate"]) ** years)
    closed = rows_value(gone, forward)
    added = rows_value(new_cases.subset(~np.isin(new_keys, prior_keys)), forward)
    register_level = rows_value(new_cases, forward) + start.ibnr.amount
    steps = [Step("primo", f"Forpligtelse primo pr. {prior_date:%d-%m-%Y}", start.total_liability,
                  start.total_liability),
             Step("renter", f"Renter: afvikling af diskonteringen af rentereserven over {months} måneder",
                  interest, start.total_liability + interest),
             Step("d", "Forventede udbetalinger af løbende ydelser i perioden, med renter", -paid, expected),
             Step("c", "Afsluttede sager (rækker, der ikke længere er i registeret)", -closed, expected - closed),
             Step("c", "Nye sager", added, expected - closed + added),
             Step("c", "Ændrede ydelser og sagsreserver, dødsfald og andre afvigelser i verserende sager",
                  register_level - (expected - closed + added), register_level)]
    level = register_level - start.ibnr.amount
    ibnr = value_work_injuries(new_cases.subset(np.zeros(len(new_cases), dtype=bool)), new, new_triangle).ibnr.amount
    steps.append(Step("c", "IBNR (ikke anmeldte skader)", ibnr - start.ibnr.amount, level + ibnr))

    grouped = {key for keys in GROUPS.values() for key in keys} | {"valuation.date"}
    groups = dict(GROUPS, other=tuple(s.key for s in SETTINGS if s.key not in grouped))
    current, curve_moved = moved_basis, False
    for group in ORDER:
        if group == "curve" or _differs(current, new_basis, groups[group]):
            current = _take(current, new_basis, groups[group])
            curve_moved = curve_moved or group == "curve"
            assumptions = derive(current, (prior, new))
            if not curve_moved:
                assumptions = dataclasses.replace(assumptions, curve=forward.curve)
            moved = rows_value(new_cases, assumptions)
        else:
            moved = level
        steps.append(Step("a", f"(a) {LABELS[group]}", moved - level, moved + ibnr))
        level = moved
    final = value_work_injuries(new_cases, new, new_triangle).total_liability
    steps.append(Step("ultimo", f"Forpligtelse ultimo pr. {new_date:%d-%m-%Y}", final, final))
    method = ("Renter og forventede udbetalinger beregnes af den tidligere kørsels forventede månedlige betalinger og "
              "rentekurve; sager følges på sagsnr., ydelse og fødselsdato. Tilgang, afgang og ændringer "
              "værdiansættes på det tidligere grundlag ved den nye dato med den tidligere kurves terminsrenter; "
              "forudsætningerne skiftes én gruppe ad gangen: rentekurve, dødelighed, satsregulering, øvrige.")
    return Analysis(prior_date=prior_date, new_date=new_date, period_years=years, order=ORDER, steps=tuple(steps),
                    prior_liability=start.total_liability, new_liability=final, method=method)
