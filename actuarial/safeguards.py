"""Safeguards before posting: what a finance officer must hear before the journal is booked.

A valuation can be computed correctly and still be the wrong one to post: on a curve of
another date, on an old mortality benchmark, against a booked balance typed in thousands
of kroner, on placeholders nobody reviewed. Each check here returns `Finding`s; the CLI
prints them (stderr), the working paper shows them on Oversigt (Advarsler), the manifest
records them, and `--strict` turns every warning into exit code 2 with nothing written.

Two severities: a *warning* (advarsel) is something that may make the journal wrong and
counts for `--strict`; a *note* (bemærkning) is information the reader should see (what
is not valued, rows skipped as a totals row) but that is never wrong by itself.

Every text is here, in Danish (the console and the working paper are Danish), in one
place each so that the translation catalogues can wrap them. Pure: no files.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from tjenestemandspension.actuarial.basis import SETTINGS_BY_KEY, Basis, format_value
from tjenestemandspension.actuarial.table_validation import looks_like_cpr
from tjenestemandspension.danish import danish_date, danish_number, danish_percent, format_kroner
from tjenestemandspension.rounding import to_ore

WARNING = "advarsel"
NOTE = "bemærkning"

# Finanstilsynet publishes the benchmark of year Y in September of year Y (docs/mortality.md)
BENCHMARK_PUBLICATION_MONTH = 9
# a booked balance within this factor of L / 1000 was typed in thousands of kroner; so was
# one within it of L / 1,000,000: thousands typed with a comma between the thousands
# (-22,837 for 22.837.000 kr.), which reads as a decimal comma (22,837 kr.)
THOUSANDS_FACTOR = 2.0
THOUSANDS_SCALES = (1000, 1_000_000)
# outside this range of |B| / |L| the booked balance has another order of magnitude
MAGNITUDE_RATIO = (0.1, 10.0)
# person ids that look like CPR numbers: a hint from this share of the ids on
CPR_ID_SHARE = 0.5
MAX_LISTED_ROWS = 10


@dataclass(frozen=True)
class Finding:
    """One safeguard's finding: a stable `code` (for scripts and tests), its severity and
    the Danish text people read."""

    code: str
    severity: str
    text: str

    @property
    def is_warning(self) -> bool:
        return self.severity == WARNING

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "severity": self.severity, "text": self.text}

    def __str__(self) -> str:
        return f"{self.severity}: {self.text}"


def _warning(code: str, text: str) -> Finding:
    return Finding(code, WARNING, text)


def _note(code: str, text: str) -> Finding:
    return Finding(code, NOTE, text)


# --- the texts ------------------------------------------------------------------------------

def _curve_text(reference: dt.date, valuation: dt.date) -> str:
    return (f"Rentekurven har referencedato {danish_date(reference)}, men opgørelsesdatoen er "
            f"{danish_date(valuation)}: brug EIOPA's kurve pr. opgørelsesdatoen (curve.source = eiopa og "
            "curve.file).")


def _benchmark_after_text(year: int, valuation: dt.date) -> str:
    return (f"Dødelighedsbenchmark {year} er offentliggjort i september {year}, efter opgørelsesdatoen "
            f"{danish_date(valuation)}: brug det benchmark, der var offentliggjort på opgørelsesdatoen.")


def _benchmark_old_text(year: int, newest: int, valuation: dt.date) -> str:
    return (f"Dødelighedsbenchmark {year} er ældre end det nyeste, der er offentliggjort pr. opgørelsesdatoen "
            f"{danish_date(valuation)}: benchmark {newest} (september {newest}); angiv det med "
            "mortality.source = files.")


def _regulation_text(regulation: Decimal, liability: Decimal, share: float, limit: float) -> str:
    return (f"Reguleringen {format_kroner(regulation)} kr. er {danish_percent(share, 1)} af forpligtelsen "
            f"{format_kroner(liability)} kr., mere end grænsen på {danish_percent(limit, 1)} "
            "(checks.regulation_share): kontrollér den bogførte saldo og registeret, før journalen bogføres.")


def _thousands_text(booked: Decimal, liability: Decimal, scale: int) -> str:
    return (f"Den bogførte saldo {format_kroner(booked)} kr. ligner et beløb i tusinde kroner: forpligtelsen er "
            f"{format_kroner(liability)} kr. (saldoen × {danish_number(scale)} er "
            f"{format_kroner(booked * scale)} kr.). Angiv saldoen på 9.72.90.001 i kroner, fx "
            f"--booked={format_kroner(booked * scale)}.")


def _magnitude_text(booked: Decimal, liability: Decimal) -> str:
    return (f"Den bogførte saldo {format_kroner(booked)} kr. har en anden størrelsesorden end forpligtelsen "
            f"{format_kroner(liability)} kr.: kontrollér saldoen på 9.72.90.001 (fortegn, enhed og konto).")


def _placeholder_text(items: Sequence[str]) -> str:
    return (f"Pladsholdere, der ikke er gennemgået: {'; '.join(items)}. Angiv værdierne i basisfilen eller med "
            "--set (eller fjern placeholder = true, når værdien er gennemgået).")


def _not_valued_text(items: Sequence[str]) -> str:
    return f"Ikke værdiansat: {'; '.join(items)}."


def _cpr_text(count: int, total: int) -> str:
    return (f"{danish_number(count)} af {danish_number(total)} person-id'er ligner CPR-numre: brug --pseudonymize, "
            "så CPR-numrene ikke står i resultaterne.")


def _skipped_rows_text(rows: Sequence[tuple[int, str]]) -> str:
    listed = ", ".join(f"række {row} ({why})" for row, why in rows[:MAX_LISTED_ROWS])
    more = len(rows) - MAX_LISTED_ROWS
    return f"Sprunget over i registeret: {listed}" + (f" og {more} mere" if more > 0 else "") + "."


def _no_booked_text(kommune: str) -> str:
    return (f"Kommune {kommune}: ingen bogført saldo i --booked-file, så journalen er ikke dannet; tilføj "
            "kommunen i filen.")


def _no_municipality_text(rows: Sequence[int], label: str) -> str:
    listed = ", ".join(str(r) for r in rows[:MAX_LISTED_ROWS])
    more = len(rows) - MAX_LISTED_ROWS
    return (f"{danish_number(len(rows))} rækker uden kommune (række {listed}" + (f" og {more} mere" if more > 0 else "")
            + f") er værdiansat for sig som '{label}': angiv kommunen i kolonnen municipality.")


# --- the checks -----------------------------------------------------------------------------

def newest_benchmark_year(valuation_date: dt.date) -> int:
    """The newest benchmark year published on or before the valuation date."""
    published = valuation_date.month >= BENCHMARK_PUBLICATION_MONTH
    return valuation_date.year if published else valuation_date.year - 1


def dates_findings(valuation_date: dt.date, curve_reference: dt.date | None,
                   benchmark_year: int | None) -> list[Finding]:
    """The curve's reference date and the benchmark's year against the valuation date."""
    found = []
    if curve_reference is not None and curve_reference != valuation_date:
        found.append(_warning("curve_date", _curve_text(curve_reference, valuation_date)))
    if benchmark_year is not None:
        newest = newest_benchmark_year(valuation_date)
        if benchmark_year > newest:
            found.append(_warning("benchmark_after_valuation", _benchmark_after_text(benchmark_year, valuation_date)))
        elif benchmark_year < newest:
            found.append(_warning("benchmark_old", _benchmark_old_text(benchmark_year, newest, valuation_date)))
    return found


def regulation_findings(liability: float | Decimal, booked: Decimal | None, limit: float) -> list[Finding]:
    """|D| above `limit` × |L|, and a booked balance in thousands or of another magnitude."""
    if booked is None:
        return []
    liability = to_ore(liability)
    regulation = liability + to_ore(booked)
    found = []
    if liability != 0 and abs(regulation) > Decimal(str(limit)) * abs(liability):
        share = float(abs(regulation) / abs(liability))
        found.append(_warning("regulation_share", _regulation_text(regulation, liability, share, limit)))
    if liability != 0 and booked != 0:
        ratio = float(abs(booked) / abs(liability))
        scale = next((scale for scale in THOUSANDS_SCALES
                      if 1 / THOUSANDS_FACTOR <= ratio * scale <= THOUSANDS_FACTOR), None)
        if scale is not None:
            found.append(_warning("booked_thousands", _thousands_text(booked, liability, scale)))
        elif not MAGNITUDE_RATIO[0] <= ratio <= MAGNITUDE_RATIO[1]:
            found.append(_warning("booked_magnitude", _magnitude_text(booked, liability)))
    return found


WORK_INJURY_PREFIX = "work_injury."


def placeholder_findings(basis: Basis, work_injuries: bool = False) -> list[Finding]:
    """Every basis value still marked placeholder: set by nobody, reviewed by nobody; the
    work-injury keys only where grouping 003 is valued (`work_injuries`)."""
    items = []
    for key, entry in basis.values.items():
        if key.startswith(WORK_INJURY_PREFIX) and not work_injuries:
            continue
        if entry.provenance.placeholder and entry.value is not None:
            items.append(f"{key} = {format_value(SETTINGS_BY_KEY[key], entry.value)}")
    return [_warning("placeholders", _placeholder_text(items))] if items else []


def not_valued_findings(not_valued: Iterable[str]) -> list[Finding]:
    items = list(not_valued)
    return [_note("not_valued", _not_valued_text(items))] if items else []


def cpr_findings(person_ids: np.ndarray, pseudonymized: bool) -> list[Finding]:
    """A hint to pseudonymize when most person ids look like CPR numbers."""
    if pseudonymized or len(person_ids) == 0:
        return []
    sample = person_ids[: 1000]
    count = sum(looks_like_cpr(pid) for pid in sample)
    if count < CPR_ID_SHARE * len(sample):
        return []
    total = len(person_ids)
    if len(sample) < total:
        count = sum(looks_like_cpr(pid) for pid in person_ids)
    return [_warning("cpr_ids", _cpr_text(count, total))]


def skipped_rows_findings(rows: Sequence[tuple[int, str]]) -> list[Finding]:
    return [_note("skipped_rows", _skipped_rows_text(rows))] if rows else []


def no_booked_finding(kommune: str) -> Finding:
    return _warning("no_booked", _no_booked_text(kommune))


def no_municipality_finding(rows: Sequence[int], label: str) -> Finding:
    return _warning("no_municipality", _no_municipality_text(rows, label))


def valuation_findings(basis: Basis, valuation, booked: Decimal | None, pseudonymized: bool = False,
                       skipped_rows: Sequence[tuple[int, str]] = ()) -> tuple[Finding, ...]:
    """Every safeguard of one valuation, warnings first."""
    assumptions = valuation.assumptions
    found = dates_findings(basis.valuation_date, assumptions.curve.reference_date,
                           assumptions.mortality.benchmark_year)
    found += regulation_findings(valuation.total_liability, booked, basis["checks.regulation_share"])
    found += placeholder_findings(basis)
    found += cpr_findings(valuation.register.person_id, pseudonymized)
    found += skipped_rows_findings(skipped_rows)
    found += not_valued_findings(valuation.not_valued)
    return tuple(sorted(found, key=lambda f: not f.is_warning))


def warnings_of(findings: Iterable[Finding]) -> list[Finding]:
    return [f for f in findings if f.is_warning]
