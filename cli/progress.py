"""Progress by phase on stderr, for large registers and examples (a million persons take
seconds): one line per phase with a bar, its percentage and its time.

Shown only where someone watches: when stderr is a terminal (or TJP_PROGRESS=1 asks for
it, e.g. under a CI log that is not a terminal) and not `--quiet`; never on stdout, so
piped output stays clean. A phase that knows its size (kommuner valued, rows written)
reports along the way (`with phases("writing") as advance: advance(done, total)`);
others go from 0 to 100 % when they end.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TaskProgressColumn, TextColumn, TimeElapsedColumn

from tjenestemandspension.i18n import N_, _

PHASE_LABELS = {
    "reading": N_("Reading the register file"),
    "basis": N_("Loading the assumptions (curve, mortality)"),
    "register": N_("Validating the register"),
    "valuation": N_("Computing the liability"),
    "writing": N_("Writing the results"),
    "generating": N_("Generating the example register"),
}
LARGE_REGISTER_BYTES = 5_000_000  # about 50,000 persons
LARGE_EXAMPLE_PERSONS = 50_000
PROGRESS_ENV = "TJP_PROGRESS"  # 1: show progress even when stderr is not a terminal; 0: never

Advance = Callable[[int, int], None]  # (done, total)


def progress_wanted(large: bool, quiet: bool) -> bool:
    """Whether to show progress: a large job, not --quiet, and someone watching stderr."""
    if quiet or not large:
        return False
    asked = os.environ.get(PROGRESS_ENV)
    if asked is not None:
        return asked.strip() not in ("", "0")
    return sys.stderr.isatty()


class Phases:
    """`with phases("register"): ...` shows a line per phase with its percentage and time."""

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self.timings: dict[str, float] = {}
        self._progress: Progress | None = None
        if enabled:
            self._progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                                      TaskProgressColumn(), TimeElapsedColumn(), console=Console(stderr=True),
                                      transient=False)
            self._progress.start()

    @contextmanager
    def __call__(self, name: str) -> Iterator[Advance]:
        start = time.perf_counter()
        task = None
        if self._progress is not None:
            task = self._progress.add_task(_(PHASE_LABELS.get(name, name)), total=1)

        def advance(done: int, total: int) -> None:
            if self._progress is not None and task is not None and total > 0:
                self._progress.update(task, completed=done, total=total)

        try:
            yield advance
        finally:
            self.timings[name] = time.perf_counter() - start
            if self._progress is not None and task is not None:
                total = self._progress.tasks[task].total or 1
                self._progress.update(task, completed=total)

    def close(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None
