"""The basis: every assumption of a run, each with its provenance.

A basis is the built-in default (`actuarial/data/default_basis.toml`), optionally a
user's TOML file on top of it, and optionally `--set key=value` overrides on top of
that (basis_files.py reads the files; everything here works on their tables). Keys are dotted (`inflation.rate`); `SETTINGS` below is the authoritative list,
and docs/basis.md documents every one of them.

A value in a TOML file is either plain (`rate = 0.025`) or carries its provenance
(`rate = { value = 0.025, source = "F&P samfundsforudsætninger", date = "2025-06-30" }`).
A value set without a source gets "basis file <name>" or "command line (--set)".
"""

from __future__ import annotations

import datetime as dt
import math
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tjenestemandspension.dates import is_month_end
from tjenestemandspension.errors import InputError, Problem
from tjenestemandspension.provenance import Provenance

# Ranges of table entries and of the valuation date: beyond them a value is a typing
# error (2204 for 2024), and the engine would compute nonsense from it.
TABLE_AGES = (50, 80)  # payout and state pension ages
LADDER_YEARS = (1, 50)  # the pension percentage ladder's steps
LADDER_POINTS = (0, 10)  # points a year
BETA_RANGE = (-5, 5)  # the company adjustment's β
TERM_RATE_LAST_YEAR = 150  # inflation by term: the last year a rate may be given for
TERM_RATE_RANGE = (-0.05, 0.25)  # and the yearly rates, as for inflation.rate
VALUATION_YEARS = (1990, 2100)  # within every curve and mortality table
COLUMNS_SECTION = "columns"  # a basis file's [columns]: the register's header → our column (not a setting)


# --- value types -------------------------------------------------------------------

class _Invalid(Exception):
    """A value does not fit its setting; the message says what was expected."""


def _parse_bool(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str):
        text = raw.strip().casefold()
        if text in {"true", "ja", "yes", "1", "sand"}:
            return True
        if text in {"false", "nej", "no", "0", "falsk"}:
            return False
    raise _Invalid("true or false")


def _parse_float(raw: Any) -> float:
    if isinstance(raw, bool):
        raise _Invalid("a number")
    value = None
    if isinstance(raw, (int, float)):
        try:
            value = float(raw)
        except OverflowError:  # a TOML integer beyond any float
            pass
    elif isinstance(raw, str):
        try:
            value = float(raw.strip().replace(",", "."))
        except ValueError:
            pass
    if value is None or not math.isfinite(value):  # TOML and float() both know nan and inf
        raise _Invalid("a number")
    return value


def _parse_int(raw: Any) -> int:
    if isinstance(raw, bool):
        raise _Invalid("a whole number")
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    if isinstance(raw, str) and raw.strip().lstrip("-").isdigit():
        return int(raw.strip())
    raise _Invalid("a whole number")


def _parse_date(raw: Any) -> dt.date:
    """YYYY-MM-DD, or DD-MM-YYYY as Danes write it (`--set valuation.date=31-12-2024`)."""
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, str):
        text = raw.strip()
        for form in ("%Y-%m-%d", "%d-%m-%Y"):
            try:
                return dt.datetime.strptime(text, form).date()
            except ValueError:
                pass
    raise _Invalid("a date YYYY-MM-DD")


def _parse_text(raw: Any) -> str:
    if isinstance(raw, str):
        return raw.strip()
    raise _Invalid("a text")


def _parse_toml_literal(raw: Any) -> Any:
    """--set values for list settings arrive as text: read them as a TOML value."""
    if isinstance(raw, str):
        try:
            return tomllib.loads(f"value = {raw}")["value"]
        except tomllib.TOMLDecodeError:
            raise _Invalid("a TOML list, e.g. [0.1, 0.07]") from None
    return raw


def _number_text(number: float) -> str:
    return f"{number:g}" if abs(number) < 1e6 else f"{number:.0f}"


@dataclass(frozen=True)
class Setting:
    key: str
    kind: str  # bool, float, int, date, text, path, choice, rates, age_table, ladder, betas, term_rates
    description: str
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    length: int | None = None

    @property
    def expected(self) -> str:
        if self.kind == "choice":
            return "one of " + ", ".join(self.choices)
        text = {
            "bool": "true or false",
            "float": "a number",
            "int": "a whole number",
            "date": "a date YYYY-MM-DD",
            "text": "a text",
            "path": "a file path",
            "rates": f"a list of {self.length} numbers between 0 and 1",
            "betas": "a list of 4 numbers (or an empty list)",
            "age_table": "a list of { born_from = YYYY-MM-DD, age = number } in increasing born_from",
            "ladder": "a list of [up to years, points a year] in increasing years",
            "term_rates": "a list of [up to year, rate] in increasing years (or an empty list)",
        }[self.kind]
        if self.minimum is not None and self.maximum is not None:
            text += f" from {_number_text(self.minimum)} to {_number_text(self.maximum)}"
        elif self.minimum is not None:
            text += f" of at least {_number_text(self.minimum)}"
        return text

    def parse(self, raw: Any) -> Any:
        parser: Callable[[Any], Any] = {
            "bool": _parse_bool,
            "float": _parse_float,
            "int": _parse_int,
            "date": _parse_date,
            "text": _parse_text,
            "path": _parse_text,
            "choice": _parse_text,
            "rates": self._parse_rates,
            "betas": self._parse_betas,
            "age_table": self._parse_age_table,
            "ladder": self._parse_ladder,
            "term_rates": self._parse_term_rates,
        }[self.kind]
        try:
            value = parser(raw)
        except _Invalid:
            raise _Invalid(self.expected) from None
        if self.kind == "choice":
            value = value.casefold()
            if value not in self.choices:
                raise _Invalid(self.expected)
        # tables' entries have ranges too: beyond them a value is a typing error, and the
        # engine would compute nonsense (negative pensions, overflow) from it
        low, high = TABLE_AGES
        if self.kind == "age_table" and any(not low <= age <= high for _, age in value):
            raise _Invalid(f"{self.expected}, with ages from {low} to {high}")
        (fewest, most), (least, highest) = LADDER_YEARS, LADDER_POINTS
        if self.kind == "ladder" and any(not (fewest <= years <= most and least <= points <= highest)
                                         for years, points in value):
            raise _Invalid(f"{self.expected}, up to at most {most} years and with {least} to {highest} points a year")
        low, high = BETA_RANGE
        if self.kind == "betas" and value and any(not low <= beta <= high for beta in value):
            raise _Invalid(f"{self.expected}, each from {low} to {high}")
        (last_year, (lowest_rate, highest_rate)) = TERM_RATE_LAST_YEAR, TERM_RATE_RANGE
        if self.kind == "term_rates" and value and any(not (1 <= year <= last_year
                                                            and lowest_rate <= rate <= highest_rate)
                                                       for year, rate in value):
            raise _Invalid(f"{self.expected}, up to at most year {last_year} and with rates from "
                           f"{lowest_rate:g} to {highest_rate:g}")
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if (self.minimum is not None and value < self.minimum) or (
                self.maximum is not None and value > self.maximum
            ):
                raise _Invalid(self.expected)
        return value

    def _parse_rates(self, raw: Any) -> tuple[float, ...]:
        raw = _parse_toml_literal(raw)
        if not isinstance(raw, list) or len(raw) != self.length:
            raise _Invalid(self.expected)
        values = tuple(_parse_float(v) for v in raw)
        if any(not 0.0 <= v <= 1.0 for v in values):
            raise _Invalid(self.expected)
        return values

    def _parse_betas(self, raw: Any) -> tuple[float, ...] | None:
        raw = _parse_toml_literal(raw)
        if not isinstance(raw, list) or len(raw) not in (0, 4):
            raise _Invalid(self.expected)
        return tuple(_parse_float(v) for v in raw) or None

    def _parse_age_table(self, raw: Any) -> tuple[tuple[dt.date, float], ...]:
        raw = _parse_toml_literal(raw)
        if not isinstance(raw, list) or not raw:
            raise _Invalid(self.expected)
        rows = []
        for entry in raw:
            if not isinstance(entry, dict) or set(entry) != {"born_from", "age"}:
                raise _Invalid(self.expected)
            rows.append((_parse_date(entry["born_from"]), _parse_float(entry["age"])))
        if any(b[0] <= a[0] for a, b in zip(rows, rows[1:])):
            raise _Invalid(self.expected)
        return tuple(rows)

    def _parse_ladder(self, raw: Any) -> tuple[tuple[int, float], ...]:
        rows = self._increasing_year_pairs(raw)
        if not rows or rows[0][0] <= 0:
            raise _Invalid(self.expected)
        return rows

    def _parse_term_rates(self, raw: Any) -> tuple[tuple[int, float], ...] | None:
        return self._increasing_year_pairs(raw) or None

    def _increasing_year_pairs(self, raw: Any) -> tuple[tuple[int, float], ...]:
        """A TOML list of [year, number] pairs with strictly increasing years."""
        raw = _parse_toml_literal(raw)
        if not isinstance(raw, list):
            raise _Invalid(self.expected)
        rows = []
        for entry in raw:
            if not isinstance(entry, list) or len(entry) != 2:
                raise _Invalid(self.expected)
            rows.append((_parse_int(entry[0]), _parse_float(entry[1])))
        if any(b[0] <= a[0] for a, b in zip(rows, rows[1:])):
            raise _Invalid(self.expected)
        return tuple(rows)

    def to_toml(self, value: Any) -> Any:
        """The value in the form TOML writes (tuples to lists, tables to dicts)."""
        if value is None:
            return None
        if self.kind == "age_table":
            return [{"born_from": born, "age": age} for born, age in value]
        if self.kind in ("ladder", "term_rates"):
            return [[years, points] for years, points in value]
        if self.kind in ("rates", "betas"):
            return list(value)
        return value


SETTINGS: tuple[Setting, ...] = (
    Setting("valuation.date", "date", "Valuation date V; must be the last day of a month."),
    Setting("valuation.active_basis", "choice",
            "Benefit of actives: `accrued` (service to V, salary incl. seniority increases) or "
            "`projected` (service to pension start).", choices=("accrued", "projected")),
    Setting("curve.source", "choice", "Where the discount curve comes from.",
            choices=("builtin", "eiopa", "flat", "par_rates")),
    Setting("curve.file", "path", "EIOPA_RFR_YYYYMMDD_Term_Structures.xlsx (source `eiopa`)."),
    Setting("curve.country", "text", "Country column of EIOPA's file (source `eiopa`)."),
    Setting("curve.with_va", "bool", "Use EIOPA's curve with volatility adjustment (not the prescribed one)."),
    Setting("curve.rate", "float", "Annual rate of a flat curve (source `flat`).",
            minimum=-0.05, maximum=0.5),
    Setting("curve.shift_bp", "float", "Parallel shift of every annual spot rate, in basis points.",
            minimum=-1000, maximum=1000),
    Setting("curve.method", "choice",
            "Extrapolation method: `auto` = EIOPA's at the curve's reference date (Smith-Wilson before "
            "2027-01-31, `eiopa_2027` from then); another method rebuilds the curve from its liquid rates.",
            choices=("auto", "smith_wilson", "eiopa_2027")),
    Setting("curve.alpha_2027", "float", "Convergence speed α of EIOPA's 2027 method (11 %; 40 % for SEK).",
            minimum=0.01, maximum=2.0),
    Setting("curve.qb_file", "path",
            "EIOPA_RFR_YYYYMMDD_Qb_SW.xlsx of `curve.file`'s date: its liquid rates, for a rebuild."),
    Setting("curve.par_rates_file", "path",
            "Liquid market rates before CRA in the columns of EIOPA's workbook (Maturity, DLT, LLFR Weight, "
            "Input Rate): source `par_rates`, or a rebuild of `curve.file`."),
    Setting("curve.ufr", "float", "UFR of a rebuilt curve (annual rate); set on another source, it rebuilds "
            "that curve with this UFR.", minimum=0.0, maximum=0.2),
    Setting("curve.llp", "int", "Last liquid point of a rebuilt curve (Smith-Wilson), also the 2027 method's "
            "first smoothing point when `curve.par_rates_file` gives no LLFR weights.",
            minimum=1, maximum=150),
    Setting("curve.convergence_years", "int", "Smith-Wilson's convergence period after the LLP of a rebuilt "
            "curve; EIOPA's general rule (to max(LLP + 40, 60)) when absent.", minimum=1, maximum=150),
    Setting("curve.cra_bp", "float", "Credit risk adjustment deducted from the liquid rates of a rebuilt "
            "curve, bp.", minimum=0.0, maximum=100.0),
    Setting("curve.coupon_freq", "int", "Coupons a year of the par swaps in `curve.par_rates_file` "
            "(0: the rates are annual zero rates).", minimum=0, maximum=52),
    Setting("mortality.source", "choice", "Where the mortality benchmark comes from.",
            choices=("builtin", "files")),
    Setting("mortality.mortality_file", "path",
            "Finanstilsynet's Benchmark_doedelighed<YYYY> (csv, xlsx or xls; source `files`)."),
    Setting("mortality.improvement_file", "path",
            "Finanstilsynet's Benchmark_levetidsforbedringer<YYYY> (csv, xlsx or xls; source `files`)."),
    Setting("mortality.benchmark_year", "int",
            "Benchmark year Y0 of the files; taken from the mortality file's name when absent.",
            minimum=1990, maximum=2100),
    Setting("mortality.improvements", "bool", "Apply the longevity improvements."),
    Setting("mortality.factor_men", "float", "Multiplicative factor on men's intensities.",
            minimum=0.0, maximum=10.0),
    Setting("mortality.factor_women", "float", "Multiplicative factor on women's intensities.",
            minimum=0.0, maximum=10.0),
    Setting("mortality.adjustment_betas", "betas",
            "Optional company adjustment: β for the four age functions on knots 40/60/80/100 "
            "(mu · exp(Σ β_i g_i(age)))."),
    Setting("inflation.rate", "float", "Annual indexation of pensions, deferred pensions and salaries' pension basis.",
            minimum=-0.05, maximum=0.25),
    Setting("inflation.by_term", "term_rates",
            "Inflation by term (Rådet for Afkastforventninger: years 1-5, 6-10, 11+): [up to year, rate], e.g. "
            "[[5, 0.025], [10, 0.022]]; later years at `inflation.rate`. Not set: `inflation.rate` in every year."),
    Setting("pension_age.offset_years", "float",
            "Pension age = earliest payout age + this offset (unless the register gives `pension_age`).",
            minimum=0.0, maximum=15.0),
    Setting("pension_age.early_retirement_reduction", "bool", "Apply the førtidspensionsfradrag."),
    Setting("pension_age.reduction_table_1", "rates",
            "Reduction for pension start at ages 60, 61, 62, 63, 64, 65+ before state pension age "
            "(born before `reduction_table_2_from_birth_year`).", length=6),
    Setting("pension_age.reduction_table_2", "rates",
            "Reduction for ages 60..65+ for those born in or after `reduction_table_2_from_birth_year`.",
            length=6),
    Setting("pension_age.reduction_table_2_from_birth_year", "int",
            "First birth year that uses reduction table 2.", minimum=1900, maximum=2100),
    Setting("pension_age.payout_age_table", "age_table",
            "Earliest payout age by birth date (each row applies from `born_from`)."),
    Setting("pension_age.legacy_hire_before", "date",
            "Members hired before this date keep `legacy_payout_age`."),
    Setting("pension_age.legacy_payout_age", "float", "Payout age of members hired before `legacy_hire_before`.",
            minimum=50, maximum=80),
    Setting("pension_age.missing_hire_date_is_legacy", "bool",
            "A missing hire date counts as hired before `legacy_hire_before`."),
    Setting("pension_age.state_pension_age_table", "age_table",
            "State pension age (folkepensionsalder) by birth date; ends the early supplement and the reduction."),
    Setting("benefit.pension_percentage_ladder", "ladder",
            "Pension percentage: points a year of service up to each number of years (the last caps service)."),
    Setting("benefit.min_service_years", "int", "Service needed for an own pension (actives).",
            minimum=0, maximum=50),
    Setting("benefit.child_pension_end_age", "int", "Children's pensions are paid until this age.",
            minimum=1, maximum=30),
    Setting("spouse.fraction", "float", "Spouse pension as a fraction of the unreduced own pension.",
            minimum=0.0, maximum=1.0),
    Setting("spouse.fraction_deferred", "float", "Spouse fraction after a deferred pension.",
            minimum=0.0, maximum=1.0),
    Setting("spouse.min_service_years_on_death_in_service", "int",
            "Spouse pension on death in service is computed on at least this service.", minimum=0, maximum=50),
    Setting("spouse.marriage_probability_men", "float",
            "Probability a male member is married when the register does not say.", minimum=0.0, maximum=1.0),
    Setting("spouse.marriage_probability_women", "float",
            "Probability a female member is married when the register does not say.", minimum=0.0, maximum=1.0),
    Setting("spouse.age_difference_years", "float",
            "Husband older than wife by this many years, when the register gives no spouse birth date.",
            minimum=-30, maximum=30),
    Setting("supplement.early_supplement_full", "float",
            "Full yearly førtidstillæg (kr.); 0 = not valued.", minimum=0.0, maximum=1_000_000.0),
    Setting("supplement.lump_sum_fraction", "float", "Lump sum as a fraction of the pensionable salary.",
            minimum=0.0, maximum=1.0),
    Setting("supplement.lump_sum_service_years", "int", "Service (whole years) that gives the lump sum.",
            minimum=0, maximum=50),
    Setting("supplement.supplement_halved_below_age", "float",
            "The early supplement is halved if the pension starts before this age.", minimum=0, maximum=80),
    Setting("checks.regulation_share", "float",
            "Safeguard: warn before posting when the regulation |D| exceeds this share of the liability |L| "
            "(0.1 = 10 %).", minimum=0.0, maximum=10.0),
    Setting("ill_health.incidence_file", "path",
            "Ill-health retirement intensities of actives by completed age, a CSV `age;men;women` "
            "(§9.2); not set: ill-health retirement is not valued."),
    Setting("ill_health.factor", "float", "Multiplicative factor on the incidence table's intensities.",
            minimum=0.0, maximum=10.0),
    Setting("ill_health.qualified_share", "float",
            "Share of ill-health exits before the earliest payout age that are qualified (TPL § 7: service "
            "counted to age 70).", minimum=0.0, maximum=1.0),
    Setting("ill_health.mortality_factor", "float",
            "Ill-health pensioners' survival is the member's survival to this power (their mortality "
            "intensities times this factor).", minimum=0.01, maximum=10.0),
    # grouping 003, the work-injury provision (docs/work-injuries.md)
    Setting("work_injury.regulation_rate", "float",
            "Yearly regulation of running work-injury benefits (the satsreguleringsprocent, ASL § 25).",
            minimum=-0.05, maximum=0.25),
    Setting("work_injury.mortality_factor", "float",
            "Factor on the payees' mortality intensities, on top of the pension basis' factors.",
            minimum=0.0, maximum=10.0),
    Setting("work_injury.ibnr_method", "choice",
            "IBNR (injuries incurred, not yet reported): `none`, `amount` (`work_injury.ibnr_amount`) or "
            "`chainladder` (from `work_injury.triangle_file`).", choices=("none", "amount", "chainladder")),
    Setting("work_injury.ibnr_amount", "float", "IBNR in kr. (method `amount`).", minimum=0.0, maximum=1e10),
    Setting("work_injury.triangle_file", "path",
            "The claims triangle (CSV: accident_year;development_year;cumulative) of method `chainladder`."),
    Setting("work_injury.tail_factor", "float",
            "Chain-ladder tail factor beyond the triangle's last development year.", minimum=1.0, maximum=10.0),
)
SETTINGS_BY_KEY: Mapping[str, Setting] = {s.key: s for s in SETTINGS}


# --- the basis -----------------------------------------------------------------------

@dataclass(frozen=True)
class BasisValue:
    value: Any
    provenance: Provenance
    origin: str = "default basis"  # where it was set: a basis file, --set, or the default


@dataclass(frozen=True)
class Basis:
    """A complete, validated assumption set. Immutable; `with_overrides` gives a new one."""

    values: Mapping[str, BasisValue]
    files: tuple[str, ...] = field(default=())  # the basis files read, in order
    columns: Mapping[str, str] = field(default_factory=dict)  # [columns]: the register's header → our column

    def __getitem__(self, key: str) -> Any:
        """The value of a setting; None for an optional setting that is not set."""
        entry = self.values.get(key)
        if entry is None:
            if key not in SETTINGS_BY_KEY:
                raise KeyError(f"unknown basis key {key!r}")
            return None
        return entry.value

    def provenance(self, key: str) -> Provenance:
        return self.values[key].provenance

    @property
    def valuation_date(self) -> dt.date:
        return self["valuation.date"]

    def with_overrides(self, overrides: Mapping[str, Any] | Iterable[str],
                       source: str = "command line (--set)") -> "Basis":
        """Override values by dotted key; `overrides` is a mapping or `key=value` texts."""
        if not isinstance(overrides, Mapping):
            overrides = parse_assignments(overrides)
        values = dict(self.values)
        problems = _apply_layer(values, overrides, origin="--set", default_source=source, base_dir=None)
        if problems:
            raise InputError(problems)
        return _checked(Basis(values=values, files=self.files, columns=self.columns))

    def as_records(self) -> list[dict[str, Any]]:
        """One record per setting: key, value, source, date, placeholder (for reports)."""
        records = []
        for setting in SETTINGS:
            entry = self.values.get(setting.key)
            value = None if entry is None else entry.value
            provenance = entry.provenance if entry else Provenance(source="not set")
            records.append({
                "key": setting.key,
                "value": format_value(setting, value),
                "source": provenance.source,
                "date": provenance.date or "",
                "placeholder": provenance.placeholder,
                "description": setting.description,
            })
        return records

    def to_toml(self) -> str:
        """The resolved basis as a TOML file with provenance, re-readable by `load_basis`."""
        sections: dict[str, list[str]] = {}
        for setting in SETTINGS:
            entry = self.values.get(setting.key)
            if entry is None or entry.value is None:
                continue
            section, name = setting.key.split(".", 1)
            parts = [f"value = {_toml_literal(setting.to_toml(entry.value))}",
                     f"source = {_toml_literal(entry.provenance.source)}"]
            if entry.provenance.date:
                parts.append(f"date = {_toml_literal(entry.provenance.date)}")
            if entry.provenance.placeholder:
                parts.append("placeholder = true")
            sections.setdefault(section, []).append(f"{name} = {{ {', '.join(parts)} }}")
        if self.columns:
            sections[COLUMNS_SECTION] = [f"{_toml_literal(name)} = {_toml_literal(target)}"
                                         for name, target in self.columns.items()]
        return "\n".join(
            f"[{section}]\n" + "\n".join(lines) + "\n" for section, lines in sections.items()
        )

    def to_plain(self) -> dict[str, Any]:
        """Plain JSON-friendly values by dotted key (dates as ISO text)."""
        plain = {}
        for setting in SETTINGS:
            entry = self.values.get(setting.key)
            value = None if entry is None else setting.to_toml(entry.value)
            plain[setting.key] = _jsonable(value)
        return plain


def format_value(setting: Setting, value: Any) -> str:
    if value is None:
        return ""
    if setting.kind == "age_table":
        return "; ".join(f"fra {born.isoformat()}: {age:g}" for born, age in value)
    if setting.kind == "ladder":
        return "; ".join(f"til {years} år: {points:g}" for years, points in value)
    if setting.kind == "term_rates":
        return "; ".join(f"til år {year}: {rate:g}" for year, rate in value)
    if setting.kind in ("rates", "betas"):
        return ", ".join(f"{v:g}" for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


def _toml_literal(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        escaped = value.replace("\\", "\\\\").replace('"', '\\"')
        return f'"{escaped}"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml_literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml_literal(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")


def parse_assignments(assignments: Iterable[str]) -> dict[str, str]:
    """`key=value` texts (from --set) to a mapping; a malformed one is an input error."""
    parsed: dict[str, str] = {}
    problems = []
    for text in assignments:
        key, sep, value = text.partition("=")
        if not sep or not key.strip():
            problems.append(Problem(file="--set", value=text, expected="expected key=value, e.g. inflation.rate=0.025"))
            continue
        if key.strip() in parsed:  # the last would silently win
            problems.append(Problem(file="--set", key=key.strip(), value=text,
                                    expected="is given twice; expected each key once"))
            continue
        parsed[key.strip()] = value.strip()
    if problems:
        raise InputError(problems)
    return parsed


def _flatten(table: Mapping[str, Any], origin: str) -> tuple[dict[str, Any], list[Problem]]:
    """[section] name = value  →  {"section.name": value}; a value table with `value` is one value."""
    flat: dict[str, Any] = {}
    problems: list[Problem] = []
    for section, content in table.items():
        if not isinstance(content, dict):
            problems.append(Problem(file=origin, key=section, value=content,
                                    expected="expected a [section] table (settings are section.name)"))
            continue
        for name, value in content.items():
            flat[f"{section}.{name}"] = value
    return flat, problems


def _apply_layer(values: dict[str, BasisValue], layer: Mapping[str, Any], origin: str,
                 default_source: str, base_dir: Path | None) -> list[Problem]:
    problems: list[Problem] = []
    for key, raw in layer.items():
        setting = SETTINGS_BY_KEY.get(key)
        if setting is None:
            section = key.split(".", 1)[0]
            known = [s.key for s in SETTINGS if s.key.startswith(section + ".")]
            hint = ("known keys in [" + section + "]: " + ", ".join(known)) if known else (
                "known sections: " + ", ".join(sorted({s.key.split('.')[0] for s in SETTINGS} | {COLUMNS_SECTION})))
            problems.append(Problem(file=origin, key=key, expected=f"unknown basis key; {hint}"))
            continue
        provenance = Provenance(source=default_source)
        if isinstance(raw, dict) and "value" in raw:
            extra = set(raw) - {"value", "source", "date", "placeholder", "note"}
            if extra:
                problems.append(Problem(file=origin, key=key, value=", ".join(sorted(extra)),
                                        expected="expected only value, source, date, placeholder and note in a value table"))
                continue
            date = raw.get("date")
            provenance = Provenance(
                source=str(raw.get("source", default_source)),
                date=date.isoformat() if isinstance(date, dt.date) else (str(date) if date else None),
                placeholder=bool(raw.get("placeholder", False)),
                note=raw.get("note"),
            )
            raw = raw["value"]
        elif isinstance(raw, dict):  # no setting takes a table: a value table without its value
            problems.append(Problem(file=origin, key=key, value=", ".join(sorted(map(str, raw))),
                                    expected="expected a value table with a value field, e.g. "
                                             "{ value = ..., source = \"...\" }"))
            continue
        try:
            value = setting.parse(raw)
        except _Invalid as invalid:
            problems.append(Problem(file=origin, key=key, value=_shown(raw), expected=f"expected {invalid}"))
            continue
        if setting.kind == "path" and value:
            # stored absolute, so a run's basis.toml still points to the same files later
            candidate = Path(value).expanduser()
            value = str(candidate if candidate.is_absolute() else ((base_dir or Path.cwd()) / candidate).resolve())
        values[key] = BasisValue(value=value if value != "" else None, provenance=provenance, origin=origin)
    return problems


def _shown(raw: Any) -> Any:
    """A rejected value as the user wrote it: lists and tables in TOML, not Python, notation."""
    if isinstance(raw, (list, dict)):
        try:
            return _toml_literal(raw)
        except TypeError:
            return raw
    return raw


def _checked(basis: Basis) -> Basis:
    """Cross-key rules: what a setting needs from the others."""
    problems: list[Problem] = []

    def origin(key: str) -> str:
        entry = basis.values.get(key)
        return entry.origin if entry else (basis.files[-1] if basis.files else "basis")

    def need(key: str, because: str) -> None:
        if basis.values.get(key) is None or basis.values[key].value in (None, ""):
            problems.append(Problem(file=origin(because.split(" ")[0]), key=key,
                                    expected=f"a value is needed because {because}"))

    date = basis["valuation.date"]
    first, last = VALUATION_YEARS
    if not first <= date.year <= last:
        problems.append(Problem(file=origin("valuation.date"), key="valuation.date", value=date.isoformat(),
                                expected=f"expected a valuation date in the years {first} to {last}"))
    elif not is_month_end(date):
        problems.append(Problem(file=origin("valuation.date"), key="valuation.date", value=date.isoformat(),
                                expected="expected the last day of a month"))
    if basis["curve.source"] == "eiopa":
        need("curve.file", "curve.source = eiopa")
    if basis["curve.source"] == "flat":
        need("curve.rate", "curve.source = flat")
    if basis["curve.source"] == "par_rates":
        for key in ("curve.par_rates_file", "curve.ufr", "curve.llp", "curve.cra_bp", "curve.coupon_freq"):
            need(key, "curve.source = par_rates")
    if basis["curve.qb_file"] and basis["curve.par_rates_file"]:
        problems.append(Problem(file=origin("curve.qb_file"), key="curve.qb_file",
                                expected="set curve.qb_file or curve.par_rates_file, not both: each gives the "
                                         "liquid rates of a rebuild"))
    if basis["curve.coupon_freq"] is not None and not basis["curve.par_rates_file"]:
        problems.append(Problem(file=origin("curve.coupon_freq"), key="curve.coupon_freq",
                                expected="curve.coupon_freq applies to the rates of curve.par_rates_file; "
                                         "EIOPA's and the built-in curves have their own"))
    if basis["mortality.source"] == "files":
        need("mortality.mortality_file", "mortality.source = files")
        need("mortality.improvement_file", "mortality.source = files")
    if basis["work_injury.ibnr_method"] == "amount":
        need("work_injury.ibnr_amount", "work_injury.ibnr_method = amount")
    if basis["work_injury.ibnr_method"] == "chainladder":
        need("work_injury.triangle_file", "work_injury.ibnr_method = chainladder")
    if problems:
        raise InputError(problems)
    return basis


def column_mapping(table: Any, origin: str) -> dict[str, str]:
    """A [columns] table (or a mapping file's): the export's header name → our column name,
    both texts; which columns are ours is the register's to check."""
    if not isinstance(table, dict):
        raise InputError([Problem(file=origin, key=COLUMNS_SECTION, value=_shown(table), expected=(
            'expected a table of "the export\'s column" = "our column" lines, e.g. "Pensionsår" = "service_years"'))])
    problems = [Problem(file=origin, key=str(name), value=_shown(target),
                        expected='expected the name of our column as a text, e.g. "service_years"')
                for name, target in table.items() if not isinstance(target, str)]
    if problems:
        raise InputError(problems)
    return {str(name): target.strip() for name, target in table.items()}


def basis_from_tables(default: Mapping[str, Any], user: tuple[str, Mapping[str, Any], Path] | None = None,
                      overrides: Iterable[str] | Mapping[str, Any] = ()) -> Basis:
    """The basis of the default tables, a user's tables on top (`(name, tables, folder)`:
    relative file paths are relative to that folder) and `key=value` overrides on top of
    that (relative paths: to the current folder). Paths are stored absolute."""
    values: dict[str, BasisValue] = {}
    default_flat, problems = _flatten(default, "default basis")
    problems += _apply_layer(values, default_flat, "default basis", "built-in default", None)
    if problems:  # the shipped default is wrong: a bug, not bad input
        raise RuntimeError("; ".join(map(str, problems)))
    files: tuple[str, ...] = ()
    columns: dict[str, str] = {}
    if user is not None:
        name, tables, folder = user
        tables = dict(tables)
        if COLUMNS_SECTION in tables:
            columns = column_mapping(tables.pop(COLUMNS_SECTION), name)
        flat, problems = _flatten(tables, name)
        problems += _apply_layer(values, flat, name, f"basis file {Path(name).name}", folder)
        if problems:
            raise InputError(problems)
        files = (name,)
    basis = _checked(Basis(values=values, files=files, columns=columns))
    if overrides:
        basis = basis.with_overrides(overrides)
    return basis
