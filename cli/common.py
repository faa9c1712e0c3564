"""What every `tjp` command shares: error handling and exit codes.

Exit codes: 0 success, 2 bad input or an environment problem (one clear line per
problem on stderr, nothing written: a file that cannot be read, a folder that cannot be
written, a full disk, another run writing to the same folder), 1 internal error (a bug:
please report it), 128 + the signal's number when stopped by SIGTERM or SIGHUP (the
output folder is left as it was), 130 on Ctrl-C.
"""

from __future__ import annotations

import functools
import os
import signal
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import typer

from tjenestemandspension.errors import InputError, one_line
from tjenestemandspension.i18n import _

EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 1

FORCE_FOREIGN_HELP = ("With --force: replace even a non-empty folder that is not the output folder of a tjp run "
                      "(its files are deleted).")

F = TypeVar("F", bound=Callable[..., object])


def problem_line(problem: object) -> str:
    """One problem as the console shows it: `error: <file, row, column …>: <what was expected>`."""
    return _("error: {problem}").format(problem=problem)


def report_errors(func: F) -> F:
    """Turn `InputError` into one line per problem and exit code 2; anything else
    unexpected into a short internal-error message and exit code 1."""

    @functools.wraps(func)
    def wrapper(*args: object, **kwargs: object) -> object:
        # imported when a command runs, not when `tjp --help` starts (output imports pandas)
        from tjenestemandspension.actuarial.output import Terminated, release_output_folders

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
        except Terminated as stop:
            typer.echo(f"stopped by signal {signal.Signals(stop.signum).name}; nothing was written", err=True)
            raise typer.Exit(128 + stop.signum) from None
        except OSError as error:  # the environment: permissions, a full disk, a file gone
            where = f"{one_line(Path(error.filename).name)}: " if error.filename else ""
            typer.echo(f"error: {where}{one_line(error.strerror or error)}; nothing was written", err=True)
            raise typer.Exit(EXIT_BAD_INPUT) from None
        except Exception as error:  # noqa: BLE001 - the last line of defence
            if os.environ.get("TJP_DEBUG"):
                traceback.print_exc(file=sys.stderr)
            typer.echo(_("internal error: {kind}: {error} (set TJP_DEBUG=1 for the traceback, and please report "
                         "it)").format(kind=type(error).__name__, error=error), err=True)
            raise typer.Exit(EXIT_INTERNAL) from None
        finally:
            release_output_folders()

    return wrapper  # type: ignore[return-value]
