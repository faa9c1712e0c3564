"""The one home of the user's language: gettext catalogues, Danish by default.

Every text a user reads (console, problem messages, `--help`, the working paper, the
journal, CSV headers and status values) is written in the code as an English msgid and
looked up here at the moment it is shown:

- `_("text")` translates now, into the current language;
- `N_("text")` only marks a text for the catalogue (module constants, `--help` texts,
  `expected=` texts of problems), and whoever shows it translates it then with `_()`;
- texts with values are templates: `_("Written to {target}").format(target=...)`, never
  an f-string inside `_()`.

The language is `da` unless `set_language("en")` (the CLI's `--lang en`) or the
environment variable `TJP_LANG=en` says otherwise; `--lang` wins over `TJP_LANG`.
An English msgid without a Danish entry is shown in English, so a missing translation
is never an error at run time; tests/test_i18n.py fails on it instead.

The catalogue is `locale/da/LC_MESSAGES/tjp.po` (the source, edited by hand) and its
compiled `tjp.mo` beside it, rebuilt by `python scripts/compile_catalogue.py`.
"""

from __future__ import annotations

import gettext
import os
from pathlib import Path

DOMAIN = "tjp"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LANGUAGES = ("da", "en")
DEFAULT_LANGUAGE = "da"
ENVIRONMENT_VARIABLE = "TJP_LANG"

_chosen: str | None = None
_catalogues: dict[str, gettext.NullTranslations] = {}


def set_language(language: str | None) -> None:
    """Choose `da` or `en` for everything shown from now on; None: back to TJP_LANG or Danish."""
    global _chosen
    if language is not None and language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; expected one of {', '.join(LANGUAGES)}")
    _chosen = language


def environment_language() -> str | None:
    """TJP_LANG as given (lower case, stripped), or None when it is not set."""
    value = os.environ.get(ENVIRONMENT_VARIABLE, "").strip().lower()
    return value or None


def language() -> str:
    """The current language: set_language's choice, else TJP_LANG, else Danish."""
    if _chosen is not None:
        return _chosen
    env = environment_language()
    return env if env in LANGUAGES else DEFAULT_LANGUAGE


def catalogue(language_code: str) -> gettext.NullTranslations:
    if language_code not in _catalogues:
        if language_code == "en":  # the msgids are English
            _catalogues[language_code] = gettext.NullTranslations()
        else:
            _catalogues[language_code] = gettext.translation(DOMAIN, LOCALE_DIR, [language_code], fallback=True)
    return _catalogues[language_code]


def _(message: str) -> str:
    """`message` (an English msgid) in the current language."""
    if not message:
        return message
    return catalogue(language()).gettext(message)


def pgettext(context: str, message: str) -> str:
    """`message` in `context` (a .po `msgctxt`): the same English word with another
    Danish one, e.g. the CSV header `total` (i_alt) beside the console's `total` (i alt)."""
    return catalogue(language()).pgettext(context, message)


def translations_in(language_code: str, context: str, messages) -> dict[str, str]:
    """{message: its translation in `language_code`} in `context`, whatever the current language."""
    found = catalogue(language_code)
    return {message: found.pgettext(context, message) for message in messages}


def ngettext(singular: str, plural: str, n: int) -> str:
    return catalogue(language()).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark `message` for the catalogue without translating it (translate where it is shown)."""
    return message


def translate_text(text: str) -> str:
    """A text whose line breaks do not matter (a docstring, a wrapped `--help`): looked up
    with its whitespace folded to single spaces; unchanged when the catalogue has no entry."""
    if language() == "en":
        return text
    return _(" ".join(text.split()))


def is_danish() -> bool:
    return language() == "da"
