"""The valuation: benefit rules, the vectorised engine, results and the journal.

Public API (used alike by the CLI and notebooks):

    from tjenestemandspension.actuarial import load_basis, read_register, resolve_assumptions, value
    basis = load_basis("basis.toml", overrides=["inflation.rate=0.025"])
    register = read_register("register.csv", basis.valuation_date)
    valuation = value(register, resolve_assumptions(basis))
    valuation.persons, valuation.totals_by("status"), valuation.cashflows
"""

from tjenestemandspension.actuarial.assumptions import Assumptions
from tjenestemandspension.actuarial.basis import SETTINGS, Basis
from tjenestemandspension.actuarial.basis_files import default_basis, load_basis
from tjenestemandspension.actuarial.engine import value
from tjenestemandspension.actuarial.register import STATUS_NAMES, Register
from tjenestemandspension.actuarial.member_register import read_register, register_from_frame
from tjenestemandspension.actuarial.resolve import resolve_assumptions
from tjenestemandspension.actuarial.results import Valuation
from tjenestemandspension.actuarial.rules import BenefitRules

__all__ = [
    "Assumptions",
    "Basis",
    "BenefitRules",
    "Register",
    "SETTINGS",
    "STATUS_NAMES",
    "Valuation",
    "default_basis",
    "load_basis",
    "read_register",
    "register_from_frame",
    "resolve_assumptions",
    "value",
]
