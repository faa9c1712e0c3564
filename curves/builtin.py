"""The built-in default curve: EIOPA 31-12-2024, Denmark, without volatility adjustment.

It is rebuilt with this package's Smith-Wilson from EIOPA's inputs (stored in
`curves/data/eiopa_dkk_20241231.json` with their provenance), not copied: par swap
rates net of CRA at the liquid maturities 1–12, 15 and 20 years, UFR 3.30 %, LLP 20,
α by EIOPA's convergence rule. The annual spot table is rounded to 5 decimals, as EIOPA
publishes it, so that a valuation on the built-in default and one on EIOPA's own file
give the same kroner.
"""

from __future__ import annotations

import datetime as dt
import json
from functools import lru_cache
from importlib import resources

import numpy as np

from tjenestemandspension.curves.curve import DiscountCurve
from tjenestemandspension.rounding import round_as_published
from tjenestemandspension.curves.rebuild import CurveParameters, LiquidRates
from tjenestemandspension.curves.smith_wilson import SmithWilsonCurve, fit_eiopa_swaps, fit_eiopa_zero
from tjenestemandspension.provenance import Provenance

BUILTIN_FILE = "eiopa_dkk_20241231.json"
MATURITIES = 150


@lru_cache(maxsize=1)
def builtin_inputs() -> dict:
    return json.loads(resources.files("tjenestemandspension.curves").joinpath("data", BUILTIN_FILE).read_text("utf-8"))


@lru_cache(maxsize=2)
def builtin_smith_wilson(with_va: bool = False) -> SmithWilsonCurve:
    """The calibrated Smith-Wilson curve behind the default (α by EIOPA's rule).

    With VA, EIOPA calibrates to zero-coupon bonds at 1..LLP whose spot is the
    unrounded no-VA spot plus the VA.
    """
    inputs = builtin_inputs()
    no_va = fit_eiopa_swaps(inputs["liquid_maturities"], inputs["par_rates_net_of_cra"],
                            inputs["ufr"], inputs["llp"], inputs["convergence_years"],
                            inputs["coupon_freq"])
    if not with_va:
        return no_va
    maturities = np.arange(1, inputs["llp"] + 1)
    zero_rates = no_va.spot(maturities) + inputs["va_bp"] / 10_000.0
    return fit_eiopa_zero(maturities, zero_rates, inputs["ufr"], inputs["llp"], inputs["convergence_years"])


@lru_cache(maxsize=2)
def default_curve(with_va: bool = False) -> DiscountCurve:
    inputs = builtin_inputs()
    fitted = builtin_smith_wilson(with_va)
    spots = round_as_published(fitted.spot(np.arange(1, MATURITIES + 1)), inputs["published_rounding_decimals"])
    provenance = inputs["provenance"]
    name = inputs["name"] if not with_va else inputs["name"].replace("uden VA", "med VA")
    return DiscountCurve(
        spots=spots,
        name=name,
        source="builtin",
        provenance=Provenance(
            source=provenance["source"] + "; rebuilt by Smith-Wilson (built-in default)",
            date=provenance["date"],
            note=provenance["note"],
        ),
        reference_date=dt.date.fromisoformat(inputs["reference_date"]),
        parameters={
            "country": inputs["country"],
            "code": inputs["code"],
            "with_va": with_va,
            "coupon_freq": inputs["coupon_freq"],
            "llp": inputs["llp"],
            "convergence_years": inputs["convergence_years"],
            "ufr": inputs["ufr"],
            "alpha": fitted.alpha,
            "cra_bp": inputs["cra_bp"],
            "va_bp": inputs["va_bp"] if with_va else None,
        },
    )


def builtin_liquid_rates() -> tuple[LiquidRates, CurveParameters]:
    """The default's inputs, for a rebuild: the what-ifs of `curve.method`, `curve.ufr`, …"""
    inputs = builtin_inputs()
    rates = LiquidRates(
        maturities=np.asarray(inputs["liquid_maturities"], float),
        rates=np.asarray(inputs["par_rates_net_of_cra"], float),
        coupon_freq=inputs["coupon_freq"],
        source=f"par swap rates net of CRA of the built-in default ({inputs['provenance']['source']})",
    )
    parameters = CurveParameters(
        reference_date=dt.date.fromisoformat(inputs["reference_date"]), ufr=inputs["ufr"], llp=inputs["llp"],
        cra_bp=inputs["cra_bp"], convergence_years=inputs["convergence_years"], country=inputs["country"],
        code=inputs["code"])
    return rates, parameters

