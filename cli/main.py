"""`tjp`: value the uninsured civil-servant pension obligation (9.72.90.001)."""

from __future__ import annotations

from typing import Annotated

import typer
from typer.core import TyperOption

from tjenestemandspension import __version__
from tjenestemandspension.cli.analysis_cmd import analyse, compare, rollforward, sensitivities
from tjenestemandspension.cli.basis_cmd import basis_app
from tjenestemandspension.cli.common import report_errors
from tjenestemandspension.cli.curve_cmd import curve_app
from tjenestemandspension.cli.mortality_cmd import mortality_app
from tjenestemandspension.cli.value_cmd import example, value, verify
from tjenestemandspension.cli.work_injury_cmd import arbejdsskader

app = typer.Typer(
    name="tjp",
    help="Tjenestemandspension: actuarial valuation of a kommune's uninsured "
    "civil-servant pension obligation (9.72.90.001) and its journal.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("value")(report_errors(value))
app.command("example")(report_errors(example))
app.command("analyse")(report_errors(analyse))
app.command("rollforward")(report_errors(rollforward))
app.command("sensitivities")(report_errors(sensitivities))
app.command("compare")(report_errors(compare))
app.command("verify")(report_errors(verify))
app.add_typer(basis_app, name="basis")
app.command("arbejdsskader")(report_errors(arbejdsskader))
app.add_typer(curve_app, name="curve")
app.add_typer(mortality_app, name="mortality")


_display_type_rich = TyperOption.display_type_rich


def _flag_without_metavar(self: TyperOption, ctx) -> str | None:
    """A flag takes no value: --help shows no `<bool>` beside it."""
    return None if self.is_flag else _display_type_rich(self, ctx)


TyperOption.display_type_rich = _flag_without_metavar  # type: ignore[method-assign]


def _show_version(show: bool) -> None:
    if show:
        typer.echo(f"tjp (tjenestemandspension) {__version__}")
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[bool, typer.Option("--version", callback=_show_version, is_eager=True,
                                          help="Show the version and exit.")] = False,
) -> None:
    """Tjenestemandspension: actuarial valuation of a kommune's uninsured civil-servant
    pension obligation (9.72.90.001) and its journal."""


def main() -> None:
    app()


if __name__ == "__main__":
    main()
