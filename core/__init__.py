"""tjenestemandspension: the shared core of the `tjp` tool.

The tool's packages (`curves`, `mortality`, `actuarial`, `cli`) share only what lives
here: the error type for bad input (`errors`), the provenance record every assumption
carries (`provenance`), and the house conventions, each in one place: rounding
(`rounding`), month-end dates (`dates`), Danish numbers, amounts and dates (`danish`),
and how text files are decoded and CSV files written (`textfiles`).
"""

from importlib.metadata import PackageNotFoundError, version

from tjenestemandspension.errors import InputError, Problem
from tjenestemandspension.provenance import Provenance

try:
    __version__ = version("tjenestemandspension")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"

__all__ = ["InputError", "Problem", "Provenance", "__version__"]
