"""The one place of the CSV files' headers and status values as people read them.

The engine's columns have canonical names (`person_id`, `pv_own`, `liability`, the
statuses `active` …). A CSV for people carries them in the user's language
(core/i18n.py): Danish by default (`nv_egenpension`, `forpligtelse`, `aktiv`), the
canonical names in English. The Danish words are in the catalogue under the context
`csv` (a header) and, for status values, register.STATUS_VALUE_TEXTS. Every writer of
such a CSV goes through `for_people`; every reader of one of our own CSVs (a prior run's
persons.csv) through `canonical`, which accepts either language. Parquet files keep the
canonical names: they are for programs.
"""

from __future__ import annotations

import pandas as pd

from tjenestemandspension import i18n
from tjenestemandspension.actuarial.register import STATUS_NAMES, STATUS_VALUE_TEXTS, status_value

CONTEXT = "csv"  # the catalogue's msgctxt of CSV headers
PERSON_COLUMNS_CSV = (  # persons.csv, results.PERSON_COLUMNS + EXPLANATORY_COLUMNS
    "person_id", "status", "pension_age", "annual_benefit", "pv_own", "pv_lump_sum", "pv_supplement", "pv_spouse",
    "pv_child", "pv_total", "state_part", "insured_part", "liability", "unit", "municipality", "age_months",
    "pension_start_month", "service_whole_years", "pension_percentage", "reduction", "spouse_probability",
)
CASHFLOW_COLUMNS_CSV = ("year", *STATUS_NAMES, "total", "present_value")  # cashflows.csv
HEADERS = tuple(dict.fromkeys(PERSON_COLUMNS_CSV + CASHFLOW_COLUMNS_CSV))
STATUS_COLUMN = "status"


def header(name: str) -> str:
    """A canonical column name as a CSV header in the current language."""
    return i18n.pgettext(CONTEXT, name) if name in HEADERS else name


def for_people(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with its headers, and its status values, in the current language."""
    renamed = frame.rename(columns={name: header(name) for name in frame.columns})
    if STATUS_COLUMN in frame.columns:
        words = {name: status_value(name) for name in STATUS_NAMES}
        renamed[header(STATUS_COLUMN)] = frame[STATUS_COLUMN].astype(str).map(lambda v: words.get(v, v)).to_numpy()
    return renamed


def header_in_every_language(name: str) -> set[str]:
    """The header of canonical column `name` as a CSV of any language shows it."""
    return {name, *(i18n.translations_in(language, CONTEXT, (name,)).get(name, name) for language in i18n.LANGUAGES)}


def text_columns(names: tuple[str, ...]) -> dict[str, type]:
    """A reader's dtype for the text columns `names`, under their headers in every language."""
    found: dict[str, type] = {}
    for language in i18n.LANGUAGES:
        found.update({shown: str for shown in i18n.translations_in(language, CONTEXT, names).values()})
    return found


def canonical(frame: pd.DataFrame) -> pd.DataFrame:
    """A CSV we wrote, in either language, back to canonical headers and status values."""
    names = {}
    statuses = {}
    for language in i18n.LANGUAGES:
        names.update({shown: name for name, shown in i18n.translations_in(language, CONTEXT, HEADERS).items()})
        catalogue = i18n.catalogue(language)
        statuses.update({catalogue.gettext(text): name for name, text in zip(STATUS_NAMES, STATUS_VALUE_TEXTS)})
    result = frame.rename(columns={c: names.get(c, c) for c in frame.columns})
    if STATUS_COLUMN in result.columns:
        result[STATUS_COLUMN] = result[STATUS_COLUMN].map(lambda v: statuses.get(v, v))
    return result
