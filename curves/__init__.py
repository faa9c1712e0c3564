"""Discount curves: EIOPA's term structures, Smith-Wilson, and the curve the engine uses."""

from tjenestemandspension.curves.builtin import builtin_smith_wilson, default_curve
from tjenestemandspension.curves.curve import DiscountCurve
from tjenestemandspension.curves.eiopa import (
    EiopaTermStructure,
    eiopa_discount_curve,
    list_countries,
    read_all_qb,
    read_all_term_structures,
    read_qb,
    read_qb_for,
    read_term_structures,
)
from tjenestemandspension.curves.eiopa_2027 import ConstantForwardCurve, fit_eiopa_2027
from tjenestemandspension.curves.rebuild import method_for, rebuild
from tjenestemandspension.curves.smith_wilson import (
    SmithWilsonCurve,
    calibrate_swaps,
    calibrate_zero,
    find_alpha,
    fit_eiopa_swaps,
    fit_eiopa_zero,
)

__all__ = [
    "ConstantForwardCurve",
    "DiscountCurve",
    "EiopaTermStructure",
    "SmithWilsonCurve",
    "builtin_smith_wilson",
    "calibrate_swaps",
    "calibrate_zero",
    "default_curve",
    "eiopa_discount_curve",
    "find_alpha",
    "fit_eiopa_2027",
    "fit_eiopa_swaps",
    "fit_eiopa_zero",
    "list_countries",
    "method_for",
    "read_all_qb",
    "read_all_term_structures",
    "read_qb",
    "read_qb_for",
    "read_term_structures",
    "rebuild",
]
