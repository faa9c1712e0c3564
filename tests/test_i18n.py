"""The user's language (core/i18n.py): the Danish catalogue is complete and compiled,
Danish by default, English by `--lang en` or TJP_LANG=en."""

from __future__ import annotations

import sys

import pytest

from tjenestemandspension import i18n
from tjenestemandspension.actuarial.basis import SETTINGS
from tjenestemandspension.i18n import _

sys.path.insert(0, str(i18n.LOCALE_DIR.parents[1] / "scripts"))
import compile_catalogue  # noqa: E402

CATALOGUE = compile_catalogue.CATALOGUE


@pytest.fixture
def entries():
    return compile_catalogue.parse_po(CATALOGUE.read_text(encoding="utf-8"))


def test_the_committed_mo_is_compiled_from_the_po():
    assert CATALOGUE.with_suffix(".mo").read_bytes() == compile_catalogue.compiled(), \
        "tjp.mo is not current: run python scripts/compile_catalogue.py"


def test_every_msgid_in_the_code_has_a_danish_translation(entries):
    missing = {msgid: where for msgid, where in compile_catalogue.msgids_in_code().items() if msgid not in entries}
    assert not missing, "no Danish entry (python scripts/compile_catalogue.py --missing):\n" + "\n".join(
        f"{where}: {msgid!r}" for msgid, where in missing.items())


def test_every_basis_description_has_a_danish_translation(entries):
    missing = [s.key for s in SETTINGS if s.description not in entries]
    assert not missing, missing


def test_the_translations_keep_their_placeholders(entries):
    import string

    def fields(text):
        return sorted(name for _, name, _, _ in string.Formatter().parse(text) if name)

    wrong = [msgid for msgid, msgstr in entries.items() if msgid and "\0" not in msgid and fields(msgid) != fields(msgstr)]
    assert not wrong, wrong


def test_danish_by_default_english_on_request(monkeypatch):
    monkeypatch.delenv("TJP_LANG", raising=False)
    i18n.set_language(None)
    assert i18n.language() == "da" and _("Overview") == "Oversigt"
    monkeypatch.setenv("TJP_LANG", "en")
    assert i18n.language() == "en" and _("Overview") == "Overview"
    i18n.set_language("da")  # --lang wins over TJP_LANG
    assert _("Overview") == "Oversigt"
    i18n.set_language(None)


def test_the_compiler_reads_what_it_writes(tmp_path):
    po = tmp_path / "x.po"
    po.write_text('msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                  'msgid "a \\"b\\"\\n"\n"c"\nmsgstr "æ"\n"ø"\n\nmsgid "untranslated"\nmsgstr ""\n', encoding="utf-8")
    entries = compile_catalogue.parse_po(po.read_text(encoding="utf-8"))
    assert entries == {"": "Content-Type: text/plain; charset=UTF-8\n", 'a "b"\nc': "æø"}
    import gettext
    import io

    catalogue = gettext.GNUTranslations(io.BytesIO(compile_catalogue.mo_bytes(entries)))
    assert catalogue.gettext('a "b"\nc') == "æø" and catalogue.gettext("untranslated") == "untranslated"


def help_texts(command) -> list[str]:
    """Every help text of the command tree, whitespace folded as the lookup folds it."""
    found = [" ".join(text.split()) for text in (command.help, getattr(command, "short_help", None)) if text]
    found += [" ".join(p.help.split()) for p in command.params if getattr(p, "help", None)]
    for sub in getattr(command, "commands", {}).values():
        found += help_texts(sub)
    return found


def test_every_help_text_has_a_danish_translation(entries):
    import typer

    from tjenestemandspension.cli.main import HELP_OPTION_TEXT, HELP_PANELS, app

    texts = help_texts(typer.main.get_command(app)) + list(HELP_PANELS.values()) + [HELP_OPTION_TEXT]
    missing = sorted({text for text in texts if text not in entries})
    assert not missing, missing


def test_help_and_console_in_danish_by_default_and_english_on_request(monkeypatch, tmp_path):
    from typer.testing import CliRunner

    from tjenestemandspension.cli.main import app

    runner = CliRunner()
    danish = runner.invoke(app, ["value", "--help"])
    assert "Medlemsregisteret" in danish.output and "Tilvalg" in danish.output
    english = runner.invoke(app, ["--lang", "en", "value", "--help"])
    assert "The member register" in english.output and "Options" in english.output
    monkeypatch.setenv("TJP_LANG", "en")
    assert "The member register" in runner.invoke(app, ["value", "--help"]).output
    assert "Medlemsregisteret" in runner.invoke(app, ["--lang=da", "value", "--help"]).output
    result = runner.invoke(app, ["example", str(tmp_path / "ex"), "--persons", "5"])
    assert result.exit_code == 0 and result.output.startswith("Example written:")
    monkeypatch.delenv("TJP_LANG")
    result = runner.invoke(app, ["verify", str(tmp_path / "nowhere")])
    assert result.exit_code == 2 and result.output.startswith("fejl: ")
    result = runner.invoke(app, ["--lang", "en", "verify", str(tmp_path / "nowhere")])
    assert result.exit_code == 2 and result.output.startswith("error: ")


def test_a_wrong_language_is_refused(monkeypatch):
    from typer.testing import CliRunner

    from tjenestemandspension.cli.main import app

    runner = CliRunner()
    assert runner.invoke(app, ["--lang", "fr", "verify", "x"]).exit_code == 2
    monkeypatch.setenv("TJP_LANG", "fr")
    result = runner.invoke(app, ["verify", "x"])
    assert result.exit_code == 2 and "TJP_LANG" in result.output


def test_the_working_paper_in_english(monkeypatch, tmp_path):
    from typer.testing import CliRunner

    import openpyxl

    from tjenestemandspension.cli.main import app

    runner = CliRunner()
    assert runner.invoke(app, ["example", str(tmp_path / "ex"), "--persons", "20"]).exit_code == 0
    result = runner.invoke(app, ["--lang", "en", "value", str(tmp_path / "ex" / "register.csv"), "--out",
                                 str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    names = openpyxl.load_workbook(tmp_path / "out" / "valuation.xlsx").sheetnames
    assert names[:4] == ["Overview", "Method", "Accounts note", "Data basis"]


def test_every_csv_header_has_a_danish_word_and_reads_back(entries, tmp_path):
    import pandas as pd

    from tjenestemandspension.actuarial.headers import CONTEXT, HEADERS, canonical, for_people

    missing = [name for name in HEADERS if f"{CONTEXT}\x04{name}" not in entries]
    assert not missing, missing
    frame = pd.DataFrame({"person_id": ["a", "b"], "status": ["active", "child"], "liability": [1.0, 2.0]})
    i18n.set_language("da")
    danish = for_people(frame)
    assert list(danish.columns) == ["person_id", "status", "forpligtelse"] and list(danish["status"]) == ["aktiv", "barn"]
    i18n.set_language("en")
    assert for_people(frame).equals(frame)
    assert canonical(danish).equals(frame)  # a Danish file reads back whatever the current language
    i18n.set_language(None)
