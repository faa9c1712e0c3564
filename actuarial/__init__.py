"""The valuation: benefit rules, the vectorised engine, results and the journal.

Public API (used alike by the CLI and notebooks):

    from actuarial import load_basis, read_register, value
    basis = load_basis("basis.toml", overrides=["inflation.rate=0.025"])
    register = read_register("register.csv", basis.valuation_date)
    valuation = value(register, basis)
    valuation.persons, valuation.totals_by("status"), valuation.cashflows
"""

from actuarial.assumptions import Assumptions, resolve_assumptions
from actuarial.basis import SETTINGS, Basis, default_basis, load_basis
from actuarial.engine import value
from actuarial.register import STATUS_NAMES, Register
from actuarial.register_io import read_register
from actuarial.results import Valuation
from actuarial.rules import BenefitRules

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
    "resolve_assumptions",
    "value",
]
