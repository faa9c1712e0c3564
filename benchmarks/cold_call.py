"""The engine's first call in a fresh process, as a `tjp value` run pays it.

pytest-benchmark reports warm calls (after a warm-up round). The first call in a process
also pays for the operating system handing out fresh memory, so it is slower; this
script measures it: `python benchmarks/cold_call.py [persons] [--individual-spouses]`.
"""

from __future__ import annotations

import datetime as dt
import resource
import sys
import time

from tjenestemandspension.actuarial import default_basis, register_from_frame, resolve_assumptions, value
from tjenestemandspension.actuarial.synthetic import synthetic_register


def main() -> None:
    n_persons = int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else 1_000_000
    individual = "--individual-spouses" in sys.argv
    valuation_date = dt.date(2024, 12, 31)
    register = register_from_frame(synthetic_register(n_persons, seed=2024, individual_spouses=individual),
                                   valuation_date)
    assumptions = resolve_assumptions(default_basis())
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    timings = []
    for _ in range(3):
        start = time.perf_counter()
        value(register, assumptions)
        timings.append(time.perf_counter() - start)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{n_persons} persons{' (individual spouses)' if individual else ''}: first call "
          f"{timings[0]:.2f} s, then {timings[1]:.2f} s, {timings[2]:.2f} s; "
          f"peak RSS {peak:.0f} MB ({before:.0f} MB before valuing)")


if __name__ == "__main__":
    main()
