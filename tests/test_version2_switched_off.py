"""Version 2 (docs/specification.md §9) switched off: every result on the example
register equals the first version's to the øre, component by component.

The figures below were recorded on the first version's engine (main at c35e0f6) before
§9 was implemented: the example register of `tjp example` (400 persons, seed 2024)
valued on the built-in basis, and on the same basis with the early supplement valued
(so that the spouse's supplement of §9.1 is the only thing that may move
`pv_supplement`, and it may not move anything else). With no ill-health table and no
§9.3 register column, nothing may change.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from tjenestemandspension.actuarial import load_basis, register_from_frame, resolve_assumptions, value
from tjenestemandspension.actuarial.synthetic import synthetic_register
from tjenestemandspension.rounding import to_ore

FIRST_VERSION_COLUMNS = ("annual_benefit", "pv_own", "pv_lump_sum", "pv_supplement", "pv_spouse", "pv_child",
                         "pv_total", "state_part", "insured_part", "liability")
RECORDED = {
    "annual_benefit": "1635c9a11bdf393825478b284ef089c05200c149595cd91a014503ba45aaafb0",
    "pv_own": "6a0c43e6224d672b746c8cb6cce76597c9188962889c32c339a64121d78d8eb6",
    "pv_lump_sum": "5626abb528a4cd4675fff6d9bac8b7f191fdcee72f62b2314d92ac0f613fadff",
    "pv_supplement": "82f62a3d4c95581531f818800f0fb9c6b3ca7298eb235fed279981facb4f7a8c",
    "pv_spouse": "e41da06c848d65fa6b016211f07642501a259982d7217ec584a42c7d8950257b",
    "pv_child": "48db76bb22e10ceb7d6a2fb3792de72dd6c03d5d6bc8c3bd3c9e68b036eabc19",
    "pv_total": "d0ec1d7535c112856bc66c4c3f3e02c98d545275366f03da14e352842b446644",
    "state_part": "8d12f39a9a7a221a161962d07839fa843199bc6b5c5bc847b7d7171d42fb0acb",
    "insured_part": "b97983f8c98a23077b39e7651fa1c3c85b7ac925c5fa14000861f280a6ff4414",
    "liability": "4f9c61014c031d3e6a345898ff4cacc12f1922ddac18f7d1bb66970303112fda",
    "cashflows": "48a4d80835f104b4e4bba065a733a65d0cbf418663c70c1909d9c138d89adaa4",
}
# with supplement.early_supplement_full = 24000 everything but pv_supplement, pv_total and
# what follows from it must be as in the first version
RECORDED_WITH_SUPPLEMENT = {
    "pv_own": "6a0c43e6224d672b746c8cb6cce76597c9188962889c32c339a64121d78d8eb6",
    "pv_lump_sum": "5626abb528a4cd4675fff6d9bac8b7f191fdcee72f62b2314d92ac0f613fadff",
    "pv_spouse": "e41da06c848d65fa6b016211f07642501a259982d7217ec584a42c7d8950257b",
    "pv_child": "48db76bb22e10ceb7d6a2fb3792de72dd6c03d5d6bc8c3bd3c9e68b036eabc19",
}


def ore_fingerprint(values) -> str:
    cells = ";".join(str(to_ore(float(x))) for x in np.nan_to_num(np.asarray(values, dtype=float)))
    return hashlib.sha256(cells.encode("ascii")).hexdigest()


def fingerprints(overrides: list[str]) -> dict[str, str]:
    basis = load_basis(overrides=overrides)
    frame = synthetic_register(400, seed=2024, valuation_date=basis.valuation_date)
    valuation = value(register_from_frame(frame, basis.valuation_date), resolve_assumptions(basis))
    persons = valuation.persons
    out = {column: ore_fingerprint(persons[column]) for column in FIRST_VERSION_COLUMNS}
    out["cashflows"] = ore_fingerprint(valuation.cashflows.drop(columns="year").to_numpy().ravel())
    if "pv_ill_health" in persons:
        out["pv_ill_health_is_zero"] = bool((persons["pv_ill_health"] == 0).all())
    return out


def test_switched_off_every_component_is_the_first_versions():
    got = fingerprints([])
    assert got.pop("pv_ill_health_is_zero", True)
    assert got == RECORDED


def test_with_the_early_supplement_only_the_supplement_moves():
    got = fingerprints(["supplement.early_supplement_full=24000"])
    assert {key: got[key] for key in RECORDED_WITH_SUPPLEMENT} == RECORDED_WITH_SUPPLEMENT
