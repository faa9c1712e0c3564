"""What every `tjp` command shares: error handling and exit codes.

Exit codes: 0 success, 2 bad input (one clear line per problem on stderr, nothing
written), 1 internal error.
"""

from __future__ import annotations

import functools
import os
import sys
import traceback
from collections.abc import Callable
from typing import TypeVar

import typer

from tjenestemandspension.errors import InputError
from tjenestemandspension.i18n import _

EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 1

F = TypeVar("F", bound=Callable[..., object])


def problem_line(problem: object) -> str:
    """One problem as the console shows it: `error: <file, row, column …>: <what was expected>`."""
    return _("error: {problem}").format(problem=problem)


def report_errors(func: F) -> F:
    """Turn `InputError` into one line per problem and exit code 2; anything else
    unexpected into a short internal-error message and exit code 1."""

    @functools.wraps(func)
    def wrapper(*args: object, **kwargs: object) -> object:
        try:
            return func(*args, **kwargs)
        except (typer.Exit, typer.Abort, SystemExit):
            raise
        except InputError as error:
            for problem in error.problems:
                typer.echo(problem_line(problem), err=True)
            raise typer.Exit(EXIT_BAD_INPUT) from None
        except KeyboardInterrupt:
            typer.echo(_("interrupted"), err=True)
            raise typer.Exit(130) from None
        except Exception as error:  # noqa: BLE001 - the last line of defence
            if os.environ.get("TJP_DEBUG"):
                traceback.print_exc(file=sys.stderr)
            typer.echo(_("internal error: {kind}: {error} (set TJP_DEBUG=1 for the traceback, and please report "
                         "it)").format(kind=type(error).__name__, error=error), err=True)
            raise typer.Exit(EXIT_INTERNAL) from None

    return wrapper  # type: ignore[return-value]
