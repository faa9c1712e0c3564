"""Progress by phase on stderr, for large registers (a million persons take seconds)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from tjenestemandspension.i18n import N_, _

PHASE_LABELS = {
    "reading": N_("Reading the register file"),
    "basis": N_("Loading the assumptions (curve, mortality)"),
    "register": N_("Validating the register"),
    "valuation": N_("Computing the liability"),
    "writing": N_("Writing the results"),
}
LARGE_REGISTER_BYTES = 5_000_000  # about 50,000 persons


class Phases:
    """`with phases("register"): ...` shows a line per phase with its time."""

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self.timings: dict[str, float] = {}
        self._progress: Progress | None = None
        if enabled:
            self._progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                                      TimeElapsedColumn(), console=Console(stderr=True), transient=False)
            self._progress.start()

    @contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        task = None
        if self._progress is not None:
            task = self._progress.add_task(_(PHASE_LABELS.get(name, name)), total=1)
        try:
            yield
        finally:
            self.timings[name] = time.perf_counter() - start
            if self._progress is not None and task is not None:
                self._progress.update(task, completed=1)

    def close(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None
