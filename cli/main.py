"""`tjp`: value the uninsured civil-servant pension obligation (9.72.90.001)."""

from __future__ import annotations

import typer

from tjenestemandspension.cli.analysis_cmd import analyse, compare, rollforward, sensitivities
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
app.command("arbejdsskader")(report_errors(arbejdsskader))
app.add_typer(curve_app, name="curve")
app.add_typer(mortality_app, name="mortality")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
