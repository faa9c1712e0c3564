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
