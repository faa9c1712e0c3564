"""`tjp`: value the uninsured civil-servant pension obligation (9.72.90.001).

The language is chosen before anything is parsed or shown: `tjp --lang en …` or
TJP_LANG=en (core/i18n.py); then every command's and option's help text, an English
msgid, is translated before it is rendered.
"""

from __future__ import annotations

from typing import Annotated

import typer
from typer import rich_utils
from typer.core import TyperGroup, TyperOption

from tjenestemandspension import __version__, i18n
from tjenestemandspension.cli.analysis_cmd import analyse, compare, rollforward, sensitivities
from tjenestemandspension.cli.basis_cmd import basis_app
from tjenestemandspension.cli.common import EXIT_BAD_INPUT, report_errors
from tjenestemandspension.cli.curve_cmd import curve_app
from tjenestemandspension.cli.mortality_cmd import mortality_app
from tjenestemandspension.cli.value_cmd import example, value, verify
from tjenestemandspension.cli.work_injury_cmd import arbejdsskader
from tjenestemandspension.i18n import N_, _, translate_text

LANG_OPTION = "--lang"
HELP_PANELS = {  # typer's own words in its help screens
    "ARGUMENTS_PANEL_TITLE": N_("Arguments"), "OPTIONS_PANEL_TITLE": N_("Options"),
    "COMMANDS_PANEL_TITLE": N_("Commands"), "ERRORS_PANEL_TITLE": N_("Error"),
    "DEFAULT_STRING": N_("[default: {}]"), "REQUIRED_LONG_STRING": N_("[required]"),
    "ENVVAR_STRING": N_("[env var: {}]"), "ABORTED_TEXT": N_("Aborted."),
    "RICH_HELP": N_("Try [blue]'{command_path} {help_option}'[/] for help."),
}
HELP_OPTION_TEXT = N_("Show this message and exit.")


def language_in(args: list[str]) -> str | None:
    """The value of `--lang` among the options before the command name, if any."""
    for index, arg in enumerate(args):
        if arg == LANG_OPTION:
            return args[index + 1] if index + 1 < len(args) else None
        if arg.startswith(LANG_OPTION + "="):
            return arg.split("=", 1)[1]
        if not arg.startswith("-"):
            return None
    return None


def translate_commands(command) -> None:
    """Every help text of `command` and its subcommands, in the current language."""
    for name in ("help", "short_help"):
        text = getattr(command, name, None)
        if text:
            setattr(command, name, translate_text(text))
    for param in getattr(command, "params", []):
        if getattr(param, "help", None):
            param.help = translate_text(param.help)
    try:  # click's own --help option: made now, so that its text can be translated
        if getattr(command, "_help_option", "absent") is None and command.add_help_option:
            from typer._click.decorators import help_option

            help_option(["--help"])(command)
            command._help_option = command.params.pop()
        option = getattr(command, "_help_option", None)
        if option is not None:
            option.help = _(HELP_OPTION_TEXT)
    except (ImportError, AttributeError, TypeError):  # another typer: its own English text stays
        pass
    for sub in getattr(command, "commands", {}).values():
        translate_commands(sub)


class TranslatedGroup(TyperGroup):
    """The `tjp` group: sets the language from `--lang` / TJP_LANG first, then translates."""

    def make_context(self, info_name, args, parent=None, **extra):
        chosen = language_in(list(args))
        i18n.set_language(chosen if chosen in i18n.LANGUAGES else None)
        for attribute, msgid in HELP_PANELS.items():
            if hasattr(rich_utils, attribute):
                setattr(rich_utils, attribute, _(msgid))
        translate_commands(self)
        return super().make_context(info_name, args, parent=parent, **extra)


app = typer.Typer(
    name="tjp",
    cls=TranslatedGroup,
    help=N_("Tjenestemandspension: actuarial valuation of a kommune's uninsured civil-servant pension obligation "
            "(9.72.90.001) and its journal."),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _show_version(show: bool) -> None:
    if show:
        typer.echo(f"tjp (tjenestemandspension) {__version__}")
        raise typer.Exit()


@app.callback()
def _global_options(
    version: Annotated[bool, typer.Option("--version", callback=_show_version, is_eager=True,
                                          help=N_("Show the version and exit."))] = False,
    lang: Annotated[str | None, typer.Option(LANG_OPTION, metavar="da|en", help=N_(
        "Language of everything tjp writes for people: da (Danish, the default) or en (English); the environment "
        "variable TJP_LANG does the same."))] = None,
) -> None:
    if lang is not None and lang not in i18n.LANGUAGES:
        raise typer.BadParameter(_("expected da or en"), param_hint=LANG_OPTION)
    env = i18n.environment_language()
    if lang is None and env is not None and env not in i18n.LANGUAGES:
        typer.echo(_("error: {variable}: value {value!r}: expected da or en").format(
            variable=i18n.ENVIRONMENT_VARIABLE, value=env), err=True)
        raise typer.Exit(EXIT_BAD_INPUT)


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


def main() -> None:
    app()


if __name__ == "__main__":
    main()
