"""Bad input is reported, never raised as a traceback.

Every reader and validator collects `Problem`s (file, row, column, value, what was
expected) and raises one `InputError` carrying all of them. The CLI prints one line per
problem and exits with code 2.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tjenestemandspension.i18n import _

_MAX_VALUE_CHARS = 60


def one_line(text: object) -> str:
    """Text for a terminal or a one-line message: control and other invisible characters
    (escape sequences, line breaks, bidi overrides) escaped as \\x1b, \\n, \\u202e, so that
    a kommune or file name can neither move the cursor nor forge a line of its own."""
    text = str(text)
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


def _show_value(value: object) -> str:
    text = str(value)
    if len(text) > _MAX_VALUE_CHARS:
        text = text[: _MAX_VALUE_CHARS - 3] + "..."
    return repr(text)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one input, precise enough to find and fix it.

    `row` counts as a spreadsheet does: the header is row 1, the first data row is 2.
    """

    expected: str
    file: str | None = None
    row: int | None = None
    column: str | None = None
    key: str | None = None  # a basis setting, instead of a column
    value: object = None
    show_value: bool = True
    person_id: str | None = None  # the row's person (or case), so that HR can find it without the CPR
    id_name: str = "person_id"  # what the row's id is called in the message

    def __str__(self) -> str:
        """In the current language (core/i18n.py): the frame, and `expected` when it is a
        msgid of the catalogue (a text translated when the problem was made stays as it is)."""
        where = []
        if self.file is not None:
            where.append(Path(self.file).name)
        if self.row is not None:
            person = f" ({self.id_name} {_show_value(self.person_id)})" if self.person_id else ""
            where.append(_("row {row}").format(row=self.row) + person)
        if self.column is not None:
            where.append(_("column '{column}'").format(column=self.column))
        if self.key is not None:
            where.append(_("key '{key}'").format(key=self.key))
        text = ", ".join(where)
        if self.show_value and self.value is not None:
            shown = _("value {value}").format(value=_show_value(self.value))
            text = f"{text}: {shown}" if text else shown
        expected = _(self.expected)
        return one_line(f"{text}: {expected}" if text else expected)


class InputError(Exception):
    """One or more problems with the user's input; nothing was computed or written."""

    def __init__(self, problems: Problem | str | list[Problem]):
        if isinstance(problems, (Problem, str)):
            problems = [problems]
        self.problems: list[Problem] = [
            p if isinstance(p, Problem) else Problem(expected=p) for p in problems
        ]
        super().__init__("\n".join(str(p) for p in self.problems))

    @classmethod
    def single(cls, expected: str, **where: object) -> "InputError":
        return cls([Problem(expected=expected, **where)])  # type: ignore[arg-type]
