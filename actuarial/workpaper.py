"""The auditor's working paper, `valuation.xlsx`, in Danish.

Sheets: Oversigt (the basis in brief, totals, a prior-year column with `--prior`, booked
balance, regulation, the 100.000 kr. rule, sign-off fields), Metode (the rule basis and
the method in a page, what is valued and what is not), Regnskabsnote (text for the
annual accounts), Datagrundlag (the register reconciled: rows, persons and sums in vs.
valued), Postering (the journal), Forudsætninger (every basis value in Danish, with its
source), Personer (one row per person with the input columns, for registers up to
PERSONS_SHEET_LIMIT), Betalinger (expected payments per year, with a chart), Rentekurve
(with a chart) and Dødelighed (the tables used and remaining lifetimes).

Printed on A4, landscape, one page wide; header rows repeat on every page; the footer
carries the run id. Wrapped text gets explicit row heights (`_text_height`) so that no
line prints over the next, and every amount column is wide enough for its largest
amount (`_amount_width`), so that nothing prints as ###. Texts are English msgids
translated by `tjenestemandspension.i18n` (docs: ARCHITECTURE.md, "Language").
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import xlsxwriter

from tjenestemandspension.actuarial.journal import JOURNAL_COLUMNS, RECOGNITION_THRESHOLD, Journal, must_be_recognised
from tjenestemandspension.actuarial.register import STATUS_NAMES, status_group, status_value
from tjenestemandspension.actuarial.results import Valuation
from tjenestemandspension.actuarial.basis import SETTINGS_BY_KEY, Setting
from tjenestemandspension.danish import danish_date, danish_number, danish_percent, format_kroner
from tjenestemandspension.i18n import N_, _
from tjenestemandspension.mortality import MAX_TABLE_AGE, SEX_MEN, SEX_WOMEN
from tjenestemandspension.rounding import to_ore

PERSONS_SHEET_LIMIT = 100_000  # above this, the Personer sheet points to the per-person file
A4_PAPER = 9  # xlsxwriter's paper code
PERSONS_PAGES_WIDE = 3  # the Personer sheet's print width in pages
WIDTH_SAMPLE_ROWS = 2000  # column widths are judged from the first rows
MAX_COLUMN_WIDTH = 60
MAX_NAME_COLUMN_WIDTH = 40  # person ids, units, kommuner
METHOD_ROW_HEIGHT = 90  # points: the analysis' method text wraps over several lines
KRONER = '#,##0.00 "kr."'
WORKPAPER_LIABILITY_LABEL = N_("Computed liability")  # Oversigt: the figure `tjp verify` checks (audit.py)
PERSON_HEADERS = {  # Personer: the results (msgids; the sheet shows them translated)
    "person_id": N_("Person id"), "status": N_("Status"), "unit": N_("Unit"), "municipality": N_("Kommune"),
    "age_months": N_("Age (months)"), "pension_age": N_("Pension age"), "pension_start_month": N_("First pension month"),
    "service_whole_years": N_("Service (whole years)"), "pension_percentage": N_("Pension percentage"),
    "reduction": N_("Reduction"), "annual_benefit": N_("Annual benefit"), "pv_own": N_("Own pension"),
    "pv_lump_sum": N_("Lump sum"), "pv_supplement": N_("Early supplement"), "pv_spouse": N_("Spouse pension"),
    "pv_child": N_("Children's pension"), "pv_ill_health": N_("Ill-health pension"),
    "pv_total": N_("Capital value, total"), "state_part": N_("State share"),
    "insured_part": N_("Insured share"), "liability": N_("Liability"),
}
AMOUNT_FIELDS = ("annual_benefit", "pv_own", "pv_lump_sum", "pv_supplement", "pv_spouse", "pv_child", "pv_ill_health",
                 "pv_total", "state_part", "insured_part", "liability")
INPUT_HEADERS = {  # Personer: the register's columns, after the results
    "birth_date": N_("Birth date"), "sex": N_("Sex"), "hire_date": N_("Hire date"),
    "service_years": N_("Service (years, input)"), "pensionable_salary": N_("Pensionable salary"),
    "projected_salary": N_("Projected salary"), "annual_pension": N_("Pension in payment (a year)"),
    "employment_fraction": N_("Employment fraction"), "married": N_("Married"),
    "state_share": N_("State share"), "insured_share": N_("Insured share"),
}
INPUT_AMOUNTS = ("pensionable_salary", "projected_salary", "annual_pension")
INPUT_DATES = ("birth_date", "hire_date")
TOTAL_HEADERS = [N_("Number of persons"), N_("Capital value, total"), N_("State share"), N_("Insured share"),
                 N_("Liability")]
DATE_FORMAT = "dd-mm-yyyy"
LINE_HEIGHT = 15  # points per line of wrapped 11-point text
CHARS_PER_WIDTH = 1.15  # characters of ordinary text per unit of column width
TEXT_WIDTH = 72  # the text sheets' one column: a portrait A4 page
SIGN_OFF = (N_("Prepared by"), N_("Reviewed by"), N_("Approved by"))
RATE_KEYS = ("inflation.rate", "curve.rate", "curve.ufr", "curve.alpha_2027", "spouse.fraction",
             "spouse.fraction_deferred", "spouse.marriage_probability_men", "spouse.marriage_probability_women",
             "supplement.lump_sum_fraction")


@dataclass(frozen=True)
class PriorYear:
    """The prior run (`tjp value --prior DIR`) as the working paper shows it."""

    run_id: str
    valuation_date: dt.date
    liability: float
    persons: int
    by_status: dict  # status → {"persons": int, "liability": float, ...}

    @classmethod
    def from_manifest(cls, manifest: dict) -> "PriorYear":
        totals = manifest.get("totals", {})
        return cls(run_id=manifest["run_id"], valuation_date=dt.date.fromisoformat(manifest["valuation_date"]),
                   liability=float(totals.get("liability", 0.0)), persons=int(totals.get("persons", 0)),
                   by_status=dict(totals.get("by_status", {})))


@dataclass(frozen=True)
class WorkpaperContext:
    """What the working paper says about the run beyond the valuation itself."""

    run_id: str
    title: str = N_("Civil-servant pension obligation (9.72.90.001)")
    kind: str = N_("Actuarial recalculation")
    register_name: str = ""
    persons_file: str = "persons.csv"
    notes: tuple[str, ...] = ()
    findings: tuple = ()  # safeguards.Finding: the Advarsler block on Oversigt
    prior: PriorYear | None = None


# user text never becomes a formula, link or number (a register's '=HYPERLINK(...)' in a
# file name, a kommune, a unit); formulas are only the working paper's own, by
# write_formula. In memory: xlsxwriter's temporary file per sheet costs more than a small sheet
WORKBOOK_OPTIONS = {"nan_inf_to_errors": True, "strings_to_formulas": False, "strings_to_urls": False,
                    "strings_to_numbers": False, "in_memory": True}


class _Sheets:
    """Formats and helpers shared by the sheets."""

    def __init__(self, workbook: xlsxwriter.Workbook):
        self.book = workbook
        self.header = workbook.add_format({"bold": True, "bg_color": "#DDE5F0", "border": 1, "text_wrap": True,
                                           "valign": "top"})
        self.title = workbook.add_format({"bold": True, "font_size": 14})
        self.bold = workbook.add_format({"bold": True})
        self.kroner = workbook.add_format({"num_format": KRONER})
        self.kroner_bold = workbook.add_format({"num_format": KRONER, "bold": True})
        self.integer = workbook.add_format({"num_format": "#,##0"})
        self.integer_bold = workbook.add_format({"num_format": "#,##0", "bold": True})
        self.percent = workbook.add_format({"num_format": "0.000%"})
        self.fraction = workbook.add_format({"num_format": "0.0000"})
        self.factor = workbook.add_format({"num_format": "0.00000000"})
        self.decimal3 = workbook.add_format({"num_format": "0.000"})
        self.wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
        self.top = workbook.add_format({"valign": "top"})
        self.date_top = workbook.add_format({"num_format": DATE_FORMAT, "align": "left", "valign": "top"})
        self.warning_top = workbook.add_format({"bold": True, "font_color": "#9C0006", "bg_color": "#FFC7CE",
                                                "valign": "top"})
        self.warning = workbook.add_format({"bold": True, "font_color": "#9C0006", "bg_color": "#FFC7CE"})
        self.warning_wrap = workbook.add_format({"bold": True, "font_color": "#9C0006", "bg_color": "#FFC7CE",
                                                 "text_wrap": True, "valign": "top"})
        self.date = workbook.add_format({"num_format": DATE_FORMAT, "align": "left"})
        self.heading = workbook.add_format({"bold": True, "font_size": 12})
        self.bold_wrap = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top"})
        self.sign_line = workbook.add_format({"bottom": 1})
        self.number2 = workbook.add_format({"num_format": "#,##0.00"})
        self.share = workbook.add_format({"num_format": "0.00%"})

    def table(self, sheet, first_row: int, headers: list[str], rows: list[list[object]],
              formats: list[object | None], widths: list[int] | None = None) -> int:
        """Header row and data rows; returns the row after the table."""
        for column, text in enumerate(headers):
            sheet.write(first_row, column, text, self.header)
        for offset, row in enumerate(rows, start=1):
            for column, (value, cell_format) in enumerate(zip(row, formats)):
                _write(sheet, first_row + offset, column, value, cell_format)
        widths = widths or _widths(headers, rows)
        for column, width in enumerate(widths):
            sheet.set_column(column, column, width)
        # a header that wraps gets the height of its lines: no text printed over the next row
        sheet.set_row(first_row, max(_text_height(text, width) for text, width in zip(headers, widths)))
        return first_row + len(rows) + 1


def _write(sheet, row: int, column: int, value: object, cell_format) -> None:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        sheet.write_blank(row, column, None, cell_format)
    elif isinstance(value, Decimal):
        sheet.write_number(row, column, float(value), cell_format)
    elif isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        sheet.write_number(row, column, float(value), cell_format)
    else:
        sheet.write_string(row, column, str(value), cell_format)


def _widths(headers: list[str], rows: list[list[object]], sample: int = WIDTH_SAMPLE_ROWS) -> list[int]:
    widths = []
    for column, header in enumerate(headers):
        longest = max([len(word) for word in str(header).split()] + [8])
        for row in rows[:sample]:
            value = row[column]
            if isinstance(value, (float, np.floating, Decimal)):
                longest = max(longest, len(danish_number(float(value), 2)) + 4)
            elif value is not None:
                longest = max(longest, len(str(value)))
        widths.append(min(longest + 2, MAX_COLUMN_WIDTH))
    return widths


SHEETS = {  # the sheets of a valuation's working paper, in order (English msgids of their Danish names)
    "overview": N_("Overview"), "method": N_("Method"), "note": N_("Accounts note"), "data": N_("Data basis"),
    "journal": N_("Posting"), "assumptions": N_("Assumptions"), "persons": N_("Persons"),
    "payments": N_("Payments"), "curve": N_("Discount curve"), "mortality": N_("Mortality"),
}


def sheet_names() -> list[str]:
    """The valuation working paper's sheet names in the current language, in order."""
    return [_(name) for name in SHEETS.values()]


def write_workpaper(path: Path, valuation: Valuation, journal: Journal | None, context: WorkpaperContext,
                    analysis=None, sensitivities=None, work_injuries=None) -> None:
    """`work_injuries`: a grouping-003 run valued beside (its sheets join, and Oversigt and
    Postering cover 9.72.90 as a whole)."""
    workbook = xlsxwriter.Workbook(str(path), WORKBOOK_OPTIONS)
    # a fixed creation time: the same run gives the same document properties
    created = dt.datetime.combine(valuation.valuation_date, dt.time())
    workbook.set_properties({"title": _(context.title), "subject": _("Liability at {date}").format(
                                 date=danish_date(valuation.valuation_date)),
                             "created": created, "comments": f"{_('Run')} {context.run_id}"})
    sheets = _Sheets(workbook)
    add = {key: workbook.add_worksheet(_(name)) for key, name in SHEETS.items()}
    _overview(add["overview"], sheets, valuation, journal, context)
    _method(add["method"], sheets, valuation)
    _accounts_note(add["note"], sheets, valuation, context)
    _data_basis(add["data"], sheets, valuation, context)
    _journal(add["journal"], sheets, journal)
    _assumptions(add["assumptions"], sheets, valuation)
    _persons(add["persons"], sheets, valuation, context)
    _payments(add["payments"], sheets, valuation)
    _curve(add["curve"], sheets, valuation)
    _mortality(add["mortality"], sheets, valuation)
    if analysis is not None:
        _analysis(workbook.add_worksheet("Ændringsanalyse"), sheets, analysis)
    if sensitivities is not None:
        _sensitivities(workbook.add_worksheet("Følsomheder"), sheets, sensitivities)
    if work_injuries is not None:
        from tjenestemandspension.actuarial.work_injury.workpaper003 import add_to_pension_workpaper

        add_to_pension_workpaper(workbook, sheets, work_injuries, valuation)
    # signed last, below everything Oversigt states (003's block included, when it is valued)
    _sign_off(add["overview"], sheets, add["overview"].dim_rowmax + 3)
    _print_setup(workbook, context, portrait=(add["method"].name, add["note"].name),
                 no_repeat=(add["overview"].name, add["data"].name))
    # Personer has 30 columns: printed three pages wide, with the person id on every page
    add["persons"].fit_to_pages(PERSONS_PAGES_WIDE, 0)
    add["persons"].repeat_columns(0, 1)
    workbook.close()


def _print_setup(workbook: xlsxwriter.Workbook, context: WorkpaperContext, portrait: tuple[str, ...] = (),
                 no_repeat: tuple[str, ...] = ()) -> None:
    """A4, one page wide, the title in the header, the run id and page in the footer; the
    header row repeats on every page of a table sheet; the text sheets upright."""
    no_repeat = no_repeat + portrait
    for sheet in workbook.worksheets():
        sheet.set_paper(A4_PAPER)
        if sheet.name in portrait:
            sheet.set_portrait()
        else:
            sheet.set_landscape()
        sheet.fit_to_pages(1, 0)
        sheet.set_margins(left=0.5, right=0.5, top=0.75, bottom=0.75)
        sheet.set_header(f"&L&8{_(context.title)}&R&8&A")
        sheet.set_footer(f"&L&8{_('Run')} {context.run_id}&R&8{_('page')} &P {_('of')} &N")
        if sheet.name not in no_repeat and sheet.name not in ("Oversigt", "Overview", "Fremskrivning"):
            sheet.repeat_rows(*_header_rows(sheet))


def _header_rows(sheet) -> tuple[int, int]:
    return getattr(sheet, "tjp_header_rows", (0, 0))


def _text_height(text: str, width: float) -> float:
    """The row height (points) that shows `text` wrapped in a column `width` wide."""
    per_line = max(1, int(width * CHARS_PER_WIDTH))
    lines = sum(max(1, -(-len(part) // per_line)) for part in str(text).split("\n"))
    return LINE_HEIGHT * lines + 3


def _amount_width(values, minimum: int = 14) -> int:
    """A kroner column wide enough for its largest amount with the "kr." suffix (no ###)."""
    largest = max((abs(float(v)) for v in values if v is not None and not pd.isna(v)), default=0.0)
    return max(minimum, len(danish_number(largest, 2)) + 7)


def _text_lines(sheet, s: _Sheets, row: int, items: list[tuple[str, str]], width: int = TEXT_WIDTH) -> int:
    """Headings ("h"), paragraphs ("p") and bullets ("b") down column A; returns the next row."""
    sheet.set_column(0, 0, width)
    for kind, text in items:
        if kind == "h":
            row += 1 if row else 0
            sheet.write_string(row, 0, text, s.heading)
        elif kind == "gap":
            pass
        else:
            shown = f"•  {text}" if kind == "b" else text
            sheet.write_string(row, 0, shown, s.wrap)
            sheet.set_row(row, _text_height(shown, width))
        row += 1
    return row


# --- the sheets ----------------------------------------------------------------------

def _totals_rows(valuation: Valuation, column: str, labels: dict[str, str] | None = None) -> list[list[object]]:
    totals = valuation.totals_by(column)
    rows = []
    for name, row in totals.iterrows():
        label = _("Total") if name == "total" else (labels or {}).get(str(name), str(name) or _("(not given)"))
        rows.append([label, int(row["persons"]), row["pv_total"], row["state_part"], row["insured_part"],
                     row["liability"]])
    return rows


def _basis_in_brief(valuation: Valuation) -> list[tuple[str, str]]:
    """The few assumptions an auditor looks at first, in Danish."""
    assumptions = valuation.assumptions
    basis = assumptions.basis
    curve = assumptions.curve
    mortality = assumptions.mortality
    curve_text = curve.name + (f", {danish_date(curve.reference_date)}" if curve.reference_date else "")
    if curve.shift_bp:
        curve_text += _(", shifted {bp} bp").format(bp=f"{curve.shift_bp:g}")
    inflation = percent_text(basis["inflation.rate"]) + (_(" (by term)") if basis["inflation.by_term"] else "")
    improvements = _("with longevity improvements") if mortality.improvements else _("without longevity improvements")
    return [
        (_("Discount curve"), curve_text),
        (_("Mortality"), _("Finanstilsynet's benchmark {year}, {improvements}").format(
            year=mortality.benchmark_year, improvements=improvements)),
        (_("Inflation (indexation)"), inflation),
        (_("Pension age"), _("earliest payout age + {years} years").format(
            years=danish_decimal(basis["pension_age.offset_years"]))),
        (_("Actives valued on"), _(ACTIVE_BASIS[basis["valuation.active_basis"]])),
    ]


ACTIVE_BASIS = {"accrued": N_("service to the valuation date (accrued)"),
                "projected": N_("service to pension start (projected)")}


def _overview(sheet, s: _Sheets, valuation: Valuation, journal: Journal | None, context: WorkpaperContext) -> None:
    date = danish_date(valuation.valuation_date)
    sheet.write(0, 0, _("{title} at {date}").format(title=_(context.title), date=date), s.title)
    info = [
        (_("Valuation"), _(context.kind)),
        (_("Valuation date"), valuation.valuation_date),
        (_("Run (reference)"), context.run_id),
        (_("Register"), context.register_name),
        (_("Kommune(s)"), ", ".join(sorted({m for m in valuation.register.municipality if m})) or _("(not given)")),
    ]
    if context.prior is not None:
        info.append((_("Prior run"), _("{run_id} of {date}").format(
            run_id=context.prior.run_id, date=danish_date(context.prior.valuation_date))))
    if valuation.ignored_columns:  # the user should know what the register held that was not used
        info.append((_("Columns not used"), valuation.ignored_columns))
    row = 2
    for label, text in info:
        sheet.write(row, 0, label, s.bold)
        if isinstance(text, dt.date):
            sheet.write_datetime(row, 1, dt.datetime.combine(text, dt.time()), s.date)
        else:
            sheet.write_string(row, 1, str(text))
        row += 1
    row = _findings(sheet, s, row + 1, context.findings)
    sheet.write(row, 0, _("The basis in brief"), s.bold)
    row += 1
    for label, text in _basis_in_brief(valuation):
        sheet.write(row, 0, label)
        sheet.write_string(row, 1, text)
        row += 1
    sheet.write(row, 0, _("Every assumption with its source: sheet {sheet}.").format(sheet=_(SHEETS["assumptions"])))
    row += 2
    formats = [None, s.integer, s.kroner, s.kroner, s.kroner, s.kroner]
    widths = [26, 14, 22, 22, 22, 22]
    sheet.write(row, 0, _("The liability by status"), s.bold)
    status_rows = _totals_rows(valuation, "status", {name: status_group(name) for name in STATUS_NAMES})
    headers = [_("Status")] + [_(text) for text in TOTAL_HEADERS]
    prior = context.prior
    if prior is not None:
        prior_date = danish_date(prior.valuation_date)
        headers += [_("Liability {date}").format(date=prior_date), _("Change")]
        formats += [s.kroner, s.kroner]
        widths += [22, 22]
        for line, status in zip(status_rows, [*[n for n in STATUS_NAMES if n in valuation.totals_by("status").index],
                                               "total"]):
            before = prior.liability if status == "total" else prior.by_status.get(status, {}).get("liability", 0.0)
            line += [before, line[5] - before]
    row = s.table(sheet, row + 1, headers, status_rows[:-1], formats, widths)
    _sum_row(sheet, s, row, row - len(status_rows) + 1, status_rows[-1], formats)
    if prior is not None:  # the change as a formula, so that it recomputes with the figures beside it
        for r in range(row - len(status_rows) + 1, row + 1):
            sheet.write_formula(r, 7, f"=F{r + 1}-G{r + 1}", s.kroner_bold if r == row else s.kroner,
                                float(status_rows[r - row + len(status_rows) - 1][7]))
    row += 2
    for column, heading, first in (("unit", _("The liability by unit"), _("Unit")),
                                   ("municipality", _("The liability by kommune"), _("Kommune"))):
        sheet.write(row, 0, heading, s.bold)
        rows = _totals_rows(valuation, column)
        row = s.table(sheet, row + 1, [first] + [_(text) for text in TOTAL_HEADERS], rows[:-1], formats[:6],
                      widths[:6])
        _sum_row(sheet, s, row, row - len(rows) + 1, rows[-1], formats[:6])
        row += 2

    sheet.write(row, 0, _("Regulation of 9.72.90.001"), s.bold)
    row += 1
    liability = to_ore(valuation.total_liability)
    lines = [(_(WORKPAPER_LIABILITY_LABEL), liability)]
    if journal is not None:
        lines += [(_("Booked balance 9.72.90.001 (credit)"), journal.booked),
                  (_("Regulation ({kind})").format(kind=journal.kind), journal.regulation)]
    for label, amount in lines:
        sheet.write(row, 0, label)
        _write(sheet, row, 1, amount, s.kroner_bold)
        row += 1
    if journal is None:
        sheet.write(row, 0, _("No journal: the booked balance of 9.72.90.001 is not given (--booked)."), s.warning)
        row += 1
    else:
        sheet.write(row, 0, journal.note)
        row += 1
    threshold = danish_number(RECOGNITION_THRESHOLD)
    if must_be_recognised(liability):
        rule = _("The liability exceeds {threshold} kr. and must be recognised in the balance sheet (provisions)."
                 ).format(threshold=threshold)
    else:
        rule = _("The liability is at most {threshold} kr.; provisions below this limit need not be "
                 "recognised.").format(threshold=threshold)
    sheet.write(row, 0, rule)
    row += 2
    sheet.write(row, 0, _("Not valued"), s.bold)
    row += 1
    for item in valuation.not_valued:
        sheet.write(row, 0, f"• {item}")
        row += 1
    for note in context.notes:
        row += 1
        sheet.write(row, 0, note, s.warning)
    sheet.set_column(0, 0, 40)
    sheet.set_column(1, 1, 24)


FINDINGS_LAST_COLUMN = 5  # Oversigt's tables are six columns wide
FINDINGS_WIDTH = 120  # their width (column units) less a margin, for the wrapped text's height


def _findings(sheet, s: _Sheets, row: int, findings: tuple) -> int:
    """The safeguards before posting (safeguards.py): a compact Advarsler block."""
    warnings = [f for f in findings if f.is_warning]
    sheet.write(row, 0, _("Warnings"), s.bold)
    row += 1
    if not warnings:
        sheet.write(row, 0, _("No warnings before posting."))
        row += 1
    # a finding can be long (the placeholders): wrapped across the overview's table columns,
    # so that it neither runs off the page nor shrinks the printed sheet to fit it
    for finding in warnings:
        text = f"• {finding.text}"
        sheet.merge_range(row, 0, row, FINDINGS_LAST_COLUMN, text, s.warning_wrap)
        sheet.set_row(row, _text_height(text, FINDINGS_WIDTH))
        row += 1
    for finding in findings:  # notes, but not what is not valued: that has its own block below
        if not finding.is_warning and finding.code != "not_valued":
            text = f"• {finding.text}"
            sheet.merge_range(row, 0, row, FINDINGS_LAST_COLUMN, text, s.wrap)
            sheet.set_row(row, _text_height(text, FINDINGS_WIDTH))
            row += 1
    return row + 1




def _sign_off(sheet, s: _Sheets, row: int) -> int:
    """Udarbejdet / kontrolleret / godkendt: name, date and signature lines to fill in."""
    sheet.write(row, 0, _("Sign-off"), s.bold)
    row += 1
    for column, text in enumerate((_("Role"), _("Name"), _("Date"), _("Signature"))):
        sheet.write(row, column, text, s.header)
    for label in SIGN_OFF:
        row += 1
        sheet.write(row, 0, _(label), s.bold)
        for column in (1, 2, 3):
            sheet.write_blank(row, column, None, s.sign_line)
        sheet.set_row(row, 30)
    return row + 1


def _sum_row(sheet, s: _Sheets, row: int, first_row: int, values: list[object], formats: list[object | None]) -> None:
    """The "I alt" row of a table whose data rows are first_row..row-1 (0-based): sums as
    formulas, with their values cached for readers that do not calculate."""
    sheet.write_string(row, 0, _("Total"), s.bold)
    bold = {None: s.bold, s.integer: s.integer_bold, s.kroner: s.kroner_bold}
    for column, (value, cell_format) in enumerate(zip(values, formats)):
        if column == 0 or value is None:
            continue
        letter = xlsxwriter.utility.xl_col_to_name(column)
        sheet.write_formula(row, column, f"=SUM({letter}{first_row + 1}:{letter}{row})",
                            bold.get(cell_format, cell_format), float(value))


def _bold_last_row(sheet, s: _Sheets, row: int, values: list[object], formats: list[object | None]) -> None:
    bold = [s.bold, s.integer_bold, s.kroner_bold, s.kroner_bold, s.kroner_bold, s.kroner_bold]
    for column, value in enumerate(values):
        _write(sheet, row, column, value, bold[column])


def _method(sheet, s: _Sheets, valuation: Valuation) -> None:
    """The rule basis and the method in a page, what is valued and what is not."""
    basis = valuation.assumptions.basis
    offset = danish_decimal(basis["pension_age.offset_years"])
    items = [
        ("h", _("Method of the valuation")),
        ("p", _("Rule basis: the obligation is the kommune's uninsured civil-servant pensions, a provision on "
                "function 9.72.90 grouping 001 in the Budget- og regnskabssystem for kommuner [BRS-9.72.90]. "
                "The benefits are those of the tjenestemandspensionslov [TPL] as the kommune's pension regulation "
                "applies them [KL-REGULATIV]. The obligation is stated every year and recalculated actuarially at "
                "least every fifth year; at a recalculation the booked value is written up or down to the computed "
                "value against balance account 9.75.99 [BRS-9.75.99].")),
        ("p", _("The prescribed assumptions [BRS-9.72.90]: a pension age {offset} years after the earliest payout "
                "age of the pension regulation; Finanstilsynet's latest benchmark for mortality with its expected "
                "longevity improvements [FT-LEVETIDSMODEL]; EIOPA's risk-free DKK curve without volatility adjustment "
                "[EIOPA-RFR]; indexation by the long-term inflation estimate of the samfundsforudsætninger [RFA]. "
                "Every value used, with its source, is on the sheet {sheet}.").format(
                    offset=offset, sheet=_(SHEETS["assumptions"]))),
        ("p", _("Method: every person in the register is valued separately, month by month. For each month "
                "after the valuation date the expected payment (the pension times the probability that it is "
                "paid, from the mortality benchmark) is indexed with the inflation and discounted with the "
                "curve; the liability is the sum. Actives and deferred members are valued from their pension age "
                "on the pension percentage of their service [TPL-6], with the early-retirement reduction "
                "[FRADRAG-2019] where it applies; pensions in payment from the month after the valuation date. "
                "A spouse pension is valued for members who may leave a spouse [TPL-12], children's pensions "
                "while they are paid [TPL-16], and the lump sum [FM-CIRK-2018].")),
        ("p", _("The kommune's share: the state's part (folkeskole civil servants appointed by 31 March 1992 "
                "[FOLKESKOLE-12], and the like) and the insured (reinsured) part are computed and shown but not "
                "included in the liability; the register gives both as fractions per person.")),
        ("p", _("Control: the engine is checked against an independent month-by-month calculation, published "
                "curves and mortality tables, and closed forms; the same inputs give the same run id and the "
                "same figures. The sheet {sheet} reconciles the register with the persons valued.").format(
                    sheet=_(SHEETS["data"]))),
        ("h", _("What is valued")),
    ]
    items += [("b", _(text)) for text in VALUED]
    items.append(("h", _("What is not valued")))
    items += [("b", text) for text in valuation.not_valued]
    _text_lines(sheet, s, 0, items)


VALUED = (
    N_("actives and deferred members: the own pension from the pension age, the lump sum and the early "
       "supplement where due, the spouse pension on death before or after retirement"),
    N_("pensioners (ill-health pensions included): the pension in payment, and the spouse pension after it"),
    N_("surviving spouses: the spouse pension in payment, for life"),
    N_("children: the children's pension in payment, until the end age of the basis"),
)


def _accounts_note(sheet, s: _Sheets, valuation: Valuation, context: WorkpaperContext) -> None:
    """Text ready to paste into the annual accounts: the accounting policy and the note."""
    assumptions = valuation.assumptions
    basis = assumptions.basis
    curve = assumptions.curve
    mortality = assumptions.mortality
    date = danish_date(valuation.valuation_date)
    liability = to_ore(valuation.total_liability)
    items = [
        ("h", _("Accounting policy")),
        ("p", _("The obligation for civil-servant pensions that are not insured is recognised as a provision "
                "(hensat forpligtelse) at the capital value of the expected future pension payments to active, "
                "deferred and retired civil servants and their survivors. The obligation is computed actuarially "
                "on the assumptions prescribed by the Budget- og regnskabssystem for kommuner, section 9.72.90: "
                "Finanstilsynet's benchmark for mortality and future longevity improvements, EIOPA's risk-free "
                "discount curve without volatility adjustment, the long-term inflation estimate of the "
                "samfundsforudsætninger, and a pension age two years after the earliest payout age. The state's "
                "share and the insured part are not included.")),
        ("h", _("Note: provisions, civil-servant pensions (9.72.90.001)")),
        ("p", _("The uninsured civil-servant pension obligation at {date} is {amount} kr. It is computed per "
                "person from the pension register ({persons} persons).").format(
                    date=date, amount=format_kroner(liability), persons=danish_number(len(valuation.persons)))),
        ("p", _("Assumptions:")),
        ("b", _("discount curve: {curve} [EIOPA-RFR]").format(
            curve=curve.name + (f" {danish_date(curve.reference_date)}" if curve.reference_date else ""))),
        ("b", _("mortality: Finanstilsynet's benchmark {year} {improvements} [FT-LEVETIDSMODEL]").format(
            year=mortality.benchmark_year,
            improvements=_("with longevity improvements") if mortality.improvements
            else _("without longevity improvements"))),
        ("b", _("inflation (indexation of pensions and salaries): {rate} a year [RFA]").format(
            rate=percent_text(basis["inflation.rate"]))),
        ("b", _("pension age: the earliest payout age plus {years} years [BRS-9.72.90]").format(
            years=danish_decimal(basis["pension_age.offset_years"]))),
    ]
    prior = context.prior
    if prior is not None:
        before = to_ore(prior.liability)
        items += [("p", _("The obligation was {before} kr. at {prior_date}; the change in the year is {change} kr.")
                       .format(before=format_kroner(before), prior_date=danish_date(prior.valuation_date),
                               change=format_kroner(liability - before)))]
    row = _text_lines(sheet, s, 0, items)
    row += 1
    rows = [[_("Liability at {date}").format(date=date), float(liability)]]
    if prior is not None:
        rows.insert(0, [_("Liability at {date}").format(date=danish_date(prior.valuation_date)),
                        float(to_ore(prior.liability))])
    for label, amount in rows:
        sheet.write_string(row, 0, label)
        sheet.write_number(row, 1, amount, s.kroner)
        row += 1
    if prior is not None:
        sheet.write_string(row, 0, _("Change in the year"), s.bold)
        sheet.write_formula(row, 1, f"=B{row}-B{row - 1}", s.kroner_bold, rows[1][1] - rows[0][1])
    sheet.set_column(1, 1, _amount_width([r[1] for r in rows], 22))


def _data_basis(sheet, s: _Sheets, valuation: Valuation, context: WorkpaperContext) -> None:
    """The register reconciled: rows read, blank rows, persons by status with the sums of
    their salaries and pensions, the persons valued, and what is excluded (state, insured)."""
    register = valuation.register
    persons = valuation.persons
    n = len(register)
    sheet.write(0, 0, _("Data basis: the register reconciled with the valuation"), s.title)
    rows_numbers = register.row_numbers
    gaps = 0
    first = last = None
    if rows_numbers is not None and n:
        first, last = int(rows_numbers.min()), int(rows_numbers.max())
        gaps = (last - first + 1) - n
    facts = [
        (_("Register file"), context.register_name or register.source or ""),
        (_("Rows with a person (read)"), n),
        (_("Blank rows between the first and last person (skipped)"), gaps),
        (_("First and last row with a person"), "" if first is None else f"{first}–{last}"),
        (_("Persons valued"), len(persons)),
        (_("Difference (read − valued)"), n - len(persons)),
    ]
    if valuation.ignored_columns:
        facts.append((_("Columns not used"), valuation.ignored_columns))
    row = 2
    for label, value in facts:
        sheet.write_string(row, 0, label, s.bold)
        _write(sheet, row, 1, value, s.integer if isinstance(value, int) else None)
        row += 1
    row += 1

    sheet.write_string(row, 0, _("The register by status (input)"), s.heading)
    status = register.status
    salary = np.nan_to_num(register.pensionable_salary)
    pension = np.nan_to_num(register.annual_pension)
    input_rows = []
    for code, name in enumerate(STATUS_NAMES):
        mask = status == code
        if not mask.any():
            continue
        input_rows.append([status_group(name), int(mask.sum()), float(salary[mask].sum()), float(pension[mask].sum()),
                           int((register.state_share[mask] > 0).sum()), int((register.insured_share[mask] > 0).sum())])
    totals = [None, n, float(salary.sum()), float(pension.sum()), int((register.state_share > 0).sum()),
              int((register.insured_share > 0).sum())]
    headers = [_("Status"), _("Persons"), _("Pensionable salary, total"), _("Pensions in payment, total (a year)"),
               _("Persons with a state share"), _("Persons with an insured share")]
    formats = [None, s.integer, s.kroner, s.kroner, s.integer, s.integer]
    amount_width = _amount_width([totals[2], totals[3]], 22)
    widths = [30, 14, amount_width, amount_width, 18, 18]
    end = s.table(sheet, row + 1, headers, input_rows, formats, widths)
    _sum_row(sheet, s, end, end - len(input_rows), totals, formats)
    row = end + 2

    sheet.write_string(row, 0, _("Valued, by status"), s.heading)
    by_status = valuation.totals_by("status")
    valued_rows = [[status_group(name), int(r["persons"]), r["pv_total"], r["state_part"], r["insured_part"],
                    r["liability"]] for name, r in by_status.iterrows() if name != "total"]
    total = by_status.loc["total"]
    headers = [_("Status"), _("Persons"), _("Capital value, total"), _("Excluded: the state's share"),
               _("Excluded: the insured part"), _("Liability (the kommune's share)")]
    formats = [None, s.integer, s.kroner, s.kroner, s.kroner, s.kroner]
    end = s.table(sheet, row + 1, headers, valued_rows, formats,
                  [30, 14] + [_amount_width([total["pv_total"]], 22)] * 4)
    _sum_row(sheet, s, end, end - len(valued_rows),
             [None, int(total["persons"]), total["pv_total"], total["state_part"], total["insured_part"],
              total["liability"]], formats)
    row = end + 2
    sheet.merge_range(row, 0, row, 5, _("Capital value − the state's share − the insured part = the liability; "
                                        "the liability equals the total on {sheet} and the journal.").format(
                                            sheet=_(SHEETS["overview"])), s.wrap)
    sheet.set_row(row, 2 * LINE_HEIGHT + 3)
    sheet.set_column(0, 0, 56)


JOURNAL_TEXT_WIDTH = 60  # Postering's text column; wrapped, its rows get the height of their lines


def _journal(sheet, s: _Sheets, journal: Journal | None) -> None:
    headers = list(JOURNAL_COLUMNS)
    formats = [None, None, None, None, None, None, s.kroner, s.kroner, s.kroner, s.wrap, None]
    if journal is None:
        rows = [["", "", "", "", "", "", None, None, None,
                 "Ingen postering: den bogførte saldo på 9.72.90.001 er ikke angivet (--booked).", ""]]
    elif not journal.lines:
        rows = [[danish_date(journal.valuation_date), journal.valuation_date.year, "", "", "", "", None, None, None,
                 journal.note, journal.reference]]
    else:
        rows = [[line.as_row()[h] for h in headers] for line in journal.lines]
    amounts = [r[c] for r in rows for c in (6, 7, 8) if r[c] is not None]
    width = _amount_width(amounts, 18)
    widths = [12, 12, 14, 10, 11, 7, width, width, width, JOURNAL_TEXT_WIDTH, 14]
    s.table(sheet, 0, [h.capitalize() for h in headers], rows, formats, widths)
    for offset, line in enumerate(rows, start=1):
        sheet.set_row(offset, _text_height(line[9], widths[9]))
    sheet.freeze_panes(1, 0)


def percent_text(rate: float, decimals: int = 2) -> str:
    """0.02 → '2,00 %' (Danish: a space before the sign)."""
    return danish_percent(rate, decimals).replace("%", " %")


def danish_decimal(value: float) -> str:
    """2 → '2', 0.5 → '0,5', 2.25 → '2,25' (no float noise, no trailing zeros)."""
    return f"{value:g}".replace(".", ",")


def danish_value(setting: Setting, value) -> str:
    """A basis value as finance staff read it: 2,00 %, ja/nej, 31-12-2024, 1.000 kr."""
    if value is None:
        return ""
    if setting.kind == "bool":
        return _("yes") if value else _("no")
    if setting.kind == "date":
        return danish_date(value)
    if setting.kind == "age_table":
        return "; ".join(_("from {date}: {age}").format(date=danish_date(born), age=danish_decimal(age))
                         for born, age in value)
    if setting.kind == "ladder":
        return "; ".join(_("up to {years} years: {points}").format(years=years, points=danish_decimal(points))
                         for years, points in value)
    if setting.kind == "term_rates":
        return "; ".join(_("up to year {year}: {rate}").format(year=year, rate=percent_text(rate))
                         for year, rate in value)
    if setting.kind == "rates":
        return ", ".join(percent_text(v, 0 if round(v * 100, 6).is_integer() else 2) for v in value)
    if setting.kind == "betas":
        return ", ".join(danish_decimal(v) for v in value)
    if setting.key in RATE_KEYS:
        return percent_text(value)
    if setting.key.endswith("_bp"):
        return f"{danish_decimal(value)} bp"
    if setting.key == "supplement.early_supplement_full":
        return f"{format_kroner(value)} kr."
    if setting.kind == "float":
        return danish_decimal(value)
    if setting.kind == "int":
        return str(value)
    if setting.kind == "choice":
        return _(CHOICE_TEXTS.get(value, value))
    return str(value)


CHOICE_TEXTS = {
    "accrued": N_("accrued (service to the valuation date)"), "projected": N_("projected (service to pension start)"),
    "builtin": N_("built in"), "eiopa": N_("EIOPA's file"), "flat": N_("flat rate"), "par_rates": N_("par rates"),
    "files": N_("Finanstilsynet's files"), "auto": N_("EIOPA's method at the reference date"),
    "smith_wilson": "Smith-Wilson", "eiopa_2027": N_("EIOPA's method from 2027"),
}


def _assumptions(sheet, s: _Sheets, valuation: Valuation) -> None:
    """Every basis value in Danish with its source; dates as date cells; row heights to fit."""
    basis = valuation.assumptions.basis
    widths = [30, 50, 30, 54, 12, 14]
    headers = [_("Key"), _("Assumption"), _("Value"), _("Source"), _("Date"), _("Placeholder")]
    for column, text in enumerate(headers):
        sheet.write(0, column, text, s.header)
    row = 1
    records = basis.as_records()
    curve = valuation.assumptions.curve
    mortality = valuation.assumptions.mortality.describe()
    entries = []
    for record in records:
        setting = SETTINGS_BY_KEY[record["key"]]
        source = _("not set") if record["source"] == NOT_SET else record["source"]
        entries.append((record["key"], translate_description(setting.description),
                        danish_value(setting, basis[record["key"]]), source, record["date"],
                        _("Review") if record["placeholder"] else ""))
    entries.append((_("(discount curve)"), _("The discount curve used"), curve.name, curve.provenance.describe(),
                    curve.reference_date, ""))
    entries.append((_("(mortality)"), _("The mortality used"), mortality["name"], mortality["mortality"]["text"],
                    "", ""))
    for key, description, value_text, source, date, placeholder in entries:
        sheet.write_string(row, 0, key, s.wrap)
        sheet.write_string(row, 1, description, s.wrap)
        sheet.write_string(row, 2, value_text, s.wrap)
        sheet.write_string(row, 3, source, s.wrap)
        when = _as_date(date)
        if when is not None:
            sheet.write_datetime(row, 4, dt.datetime.combine(when, dt.time()), s.date_top)
        elif date:
            sheet.write_string(row, 4, str(date), s.wrap)
        if placeholder:
            sheet.write_string(row, 5, placeholder, s.warning_top)
        height = max(_text_height(text, width) for text, width in
                     ((key, widths[0]), (description, widths[1]), (value_text, widths[2]), (source, widths[3])))
        sheet.set_row(row, height)
        row += 1
    for column, width in enumerate(widths):
        sheet.set_column(column, column, width)
    sheet.freeze_panes(1, 0)


NOT_SET = "not set"  # basis.as_records' source of a setting without a value


def translate_description(description: str) -> str:
    """A basis setting's description (an English msgid in basis.py) in the current language."""
    return _(description)


def _as_date(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and len(value) == 10:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _persons(sheet, s: _Sheets, valuation: Valuation, context: WorkpaperContext) -> None:
    columns = list(PERSON_HEADERS)
    inputs = list(INPUT_HEADERS)
    headers = [_(PERSON_HEADERS[c]) for c in columns] + [_(INPUT_HEADERS[c]) for c in inputs]
    frame = valuation.persons
    if len(frame) > PERSONS_SHEET_LIMIT:
        for column, text in enumerate(headers):
            sheet.write(0, column, text, s.header)
        sheet.write(1, 0, _("The register has {count} persons, more than the sheet shows ({limit}); see {file}.").format(
            count=danish_number(len(frame)), limit=danish_number(PERSONS_SHEET_LIMIT), file=context.persons_file))
        sheet.freeze_panes(1, 0)
        return
    formats = {c: (s.kroner if c in AMOUNT_FIELDS else None) for c in columns}
    formats.update(pension_percentage=s.percent, reduction=s.percent, age_months=s.integer)
    for column, text in enumerate(headers):
        sheet.write(0, column, text, s.header)
    sheet.set_row(0, 2 * LINE_HEIGHT + 3)
    data = {c: frame[c].to_numpy() for c in columns}
    singular = {name: status_value(name) for name in STATUS_NAMES}
    data["status"] = np.asarray([singular[v] for v in frame["status"].astype(str)], dtype=object)
    widths = []
    for column in columns:
        width = (_amount_width(data[column], 16) if column in AMOUNT_FIELDS
                 else max(12, max(len(word) for word in _(PERSON_HEADERS[column]).split()) + 3))
        if column in ("unit", "municipality", "person_id"):
            longest = max((len(str(v)) for v in data[column][:WIDTH_SAMPLE_ROWS]), default=8)
            width = max(width, min(MAX_NAME_COLUMN_WIDTH, longest + 2))
        widths.append(width)
    inputs_bulk = _person_inputs(s, valuation.register, widths)
    _bulk_rows(sheet, [(data[c], formats[c]) for c in columns] + inputs_bulk)
    for column_index, width in enumerate(widths):
        sheet.set_column(column_index, column_index, width)
    sheet.freeze_panes(1, 1)
    sheet.autofilter(0, 0, len(frame), len(headers) - 1)


SEX_LETTER = {SEX_MEN: "M", SEX_WOMEN: "K"}


EXCEL_EPOCH = np.datetime64("1899-12-30", "D")  # Excel's day 0 (with its 1900 leap-year quirk)


def _person_inputs(s: _Sheets, register, widths: list[int]) -> list[tuple[np.ndarray, object]]:
    """The register's own columns beside the results, so that each person's valuation can
    be followed from what was read: dates as date cells (Excel serial days), amounts in
    kroner; as (values, cell format) columns for `_bulk_rows`."""
    columns = []
    for name in INPUT_HEADERS:
        values = getattr(register, name)
        if name in INPUT_DATES:
            days = np.asarray(values, dtype="datetime64[D]")
            serial = (days - EXCEL_EPOCH).astype(np.float64)
            serial[np.isnat(days)] = np.nan
            columns.append((serial, s.date))
            widths.append(12)
        elif name == "sex":
            letters = np.array([SEX_LETTER.get(int(v), "") for v in (SEX_MEN, SEX_WOMEN)], dtype=object)
            codes = np.asarray(values).astype(int)
            columns.append((np.where(codes == SEX_MEN, letters[0], np.where(codes == SEX_WOMEN, letters[1], "")
                                     ).astype(object), None))
            widths.append(8)
        elif name == "married":
            codes = np.asarray(values)
            columns.append((np.where(codes == 1, _("yes"), np.where(codes == 0, _("no"), "")).astype(object), None))
            widths.append(8)
        else:
            cell_format = s.kroner if name in INPUT_AMOUNTS else s.share if name.endswith("share") or \
                name == "employment_fraction" else s.number2
            columns.append((np.asarray(values, dtype=np.float64), cell_format))
            widths.append(_amount_width(values, 16) if name in INPUT_AMOUNTS else 12)
    return columns


# --- a sheet's rows in bulk -------------------------------------------------------------
#
# Writing a cell through xlsxwriter costs about 13 µs; the Personer sheet of 100,000
# persons has two million. Its rows are instead built as the sheet's XML, column by column
# with pyarrow, and handed to xlsxwriter to put after the rows it wrote (the header) when
# it assembles the sheet: same formats (xf indices), same sheet settings. Numbers are
# written as the shortest text that reads back as the same float; text as inline strings
# (always text, never a formula), escaped as xlsxwriter escapes it.

_XML_ESCAPES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"))
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f]|_x[0-9a-fA-F]{4}_")


def _bulk_rows(sheet, columns: list[tuple[np.ndarray, object]]) -> None:
    """Rows 2.. of `sheet`: one column of values (and its cell format) per sheet column;
    NaN and empty text leave the cell empty."""
    import pyarrow as pa
    import pyarrow.compute as pc

    n_rows = len(columns[0][0]) if columns else 0
    if n_rows == 0:
        return
    cells = []
    for values, cell_format in columns:
        style = f' s="{cell_format._get_xf_index()}"' if cell_format is not None else ""
        if values.dtype.kind in "fiu":
            array = pa.array(np.asarray(values, dtype=np.float64), from_pandas=True)  # NaN as null
            text = pc.cast(array, pa.string())
            cell = pc.binary_join_element_wise(f"<c{style}><v>", text, "</v></c>", "")
        else:
            try:
                text = pa.array(values, type=pa.string(), from_pandas=True)
            except (pa.ArrowException, TypeError):  # not all str: as the cell loop wrote them, str(value)
                text = pa.array([str(v) for v in values], type=pa.string())
            text = pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)
            text = _xml_text(text)
            cell = pc.binary_join_element_wise(f'<c{style} t="inlineStr"><is><t xml:space="preserve">', text,
                                               "</t></is></c>", "")
        cells.append(cell.fill_null(f"<c{style}/>" if style else "<c/>"))
    numbers = pc.cast(pa.array(np.arange(2, n_rows + 2)), pa.string())
    rows = pc.binary_join_element_wise('<row r="', numbers, '">', *cells, "</row>", "")
    offsets = pa.array([0, len(rows)], type=pa.int32())
    xml = pc.binary_join(pa.ListArray.from_arrays(offsets, rows), "")[0].as_buffer()
    header_rows = sheet.dim_rowmax
    sheet.dim_rowmax = n_rows  # the sheet's <dimension> covers the bulk rows
    sheet.dim_colmax = max(sheet.dim_colmax, len(columns) - 1)
    write_header_rows = sheet._write_rows

    def write_rows() -> None:
        sheet.dim_rowmax = header_rows  # xlsxwriter writes what it holds (the header) ...
        write_header_rows()
        sheet.dim_rowmax = n_rows
        if hasattr(sheet.fh, "buffer"):  # ... and the bulk rows follow, inside <sheetData>
            sheet.fh.flush()
            sheet.fh.buffer.write(memoryview(xml))
        else:  # xlsxwriter's in-memory mode
            sheet.fh.write(memoryview(xml).tobytes().decode("utf-8"))

    sheet._write_rows = write_rows


def _xml_text(text):
    """Text for an inline string: XML-escaped, control characters as xlsxwriter writes
    them (_xHHHH_, and a literal _xHHHH_ with its underscore escaped)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    odd = pc.match_substring_regex(text, _CONTROL.pattern).fill_null(False)
    if pc.any(odd).as_py():
        values = text.to_pylist()
        for i in np.flatnonzero(odd.to_numpy(zero_copy_only=False)):
            values[i] = _CONTROL.sub(lambda m: "_x005F" + m.group(0) if len(m.group(0)) > 1
                                     else f"_x{ord(m.group(0)):04X}_", values[i])
        text = pa.array(values, type=pa.string())
    for character, entity in _XML_ESCAPES:
        text = pc.replace_substring(text, character, entity)
    return text


def _payments(sheet, s: _Sheets, valuation: Valuation) -> None:
    flows = valuation.cashflows
    headers = ([_("Year")] + [status_group(name).capitalize() for name in STATUS_NAMES]
               + [_("Total"), _("Present value")])
    rows = [[int(r["year"])] + [r[name] for name in STATUS_NAMES] + [r["total"], r["present_value"]]
            for _unused, r in flows.iterrows()]
    formats = [None] + [s.kroner] * (len(headers) - 1)
    sums = [float(sum(row[column] for row in rows)) for column in range(1, len(headers))]
    # the width of each column from its total, which is its largest figure: no ### in print
    end = s.table(sheet, 0, headers, rows, formats, [8] + [_amount_width([total], 18) for total in sums])
    sheet.write(end, 0, _("Total"), s.bold)
    for column in range(1, len(headers)):
        letter = xlsxwriter.utility.xl_col_to_name(column)
        sheet.write_formula(end, column, f"=SUM({letter}2:{letter}{end})", s.kroner_bold, sums[column - 1])
    sheet.freeze_panes(1, 1)
    chart = _chart(s.book, "column", {"subtype": "stacked"})
    for column, name in enumerate(STATUS_NAMES, start=1):
        chart.add_series({"name": [sheet.name, 0, column], "categories": [sheet.name, 1, 0, end - 1, 0],
                          "values": [sheet.name, 1, column, end - 1, column], "gap": 20})
    chart.set_title({"name": _("Expected payments a year (the kommune's share)")})
    chart.set_y_axis({"name": "kr.", "num_format": "#,##0"})
    chart.set_x_axis({"name": _("Year"), "interval_unit": 10})
    chart.set_size({"width": 900, "height": 420})
    sheet.insert_chart(1, len(headers) + 1, chart)


def _chart(book: xlsxwriter.Workbook, kind: str, options: dict | None = None):
    return book.add_chart({"type": kind, **(options or {})})


def _curve(sheet, s: _Sheets, valuation: Valuation) -> None:
    curve = valuation.assumptions.curve
    forwards = curve.forward_rates()
    rows = [[n, float(curve.spots[n - 1]), float(curve.discount(n)), float(forwards[n - 1])]
            for n in range(1, curve.max_maturity + 1)]
    sheet.write(0, 6, curve.name, s.bold)
    sheet.write(1, 6, curve.provenance.source)
    sheet.write(2, 6, _("Parallel shift: {bp} bp").format(bp=f"{curve.shift_bp:g}"))
    end = s.table(sheet, 0, [_("Term (years)"), _("Spot rate"), _("Discount factor"), _("One-year forward rate")], rows,
                  [None, s.percent, s.factor, s.percent], [12, 16, 20, 20])
    sheet.freeze_panes(1, 0)
    chart = _chart(s.book, "line")
    chart.add_series({"name": _("Spot rate"), "categories": [sheet.name, 1, 0, end - 1, 0],
                      "values": [sheet.name, 1, 1, end - 1, 1]})
    chart.add_series({"name": _("One-year forward rate"), "categories": [sheet.name, 1, 0, end - 1, 0],
                      "values": [sheet.name, 1, 3, end - 1, 3]})
    chart.set_title({"name": curve.name})
    chart.set_y_axis({"num_format": "0.0%"})
    chart.set_x_axis({"name": _("Term (years)"), "interval_unit": 10})
    chart.set_size({"width": 800, "height": 400})
    sheet.insert_chart(4, 6, chart)


def _mortality(sheet, s: _Sheets, valuation: Valuation) -> None:
    mortality = valuation.assumptions.mortality
    described = mortality.describe()
    year = valuation.valuation_date.year + 1
    sheet.write(0, 0, _("{name}: benchmark year {year}").format(name=described["name"], year=mortality.benchmark_year),
                s.bold)
    sheet.write(1, 0, described["mortality"]["text"], s.wrap)
    sheet.write(2, 0, _("Factors: men {men}, women {women}; {improvements}").format(
        men=f"{mortality.factor_men:g}", women=f"{mortality.factor_women:g}",
        improvements=_("with longevity improvements") if mortality.improvements
        else _("without longevity improvements")))
    sheet.write(4, 0, _("Remaining lifetime (years), calendar year {year}").format(year=year), s.bold)
    rows = []
    for age in (60, 65, 67):
        rows.append([age] + [mortality.life_expectancy(sex, age, year, cohort) for sex in (SEX_MEN, SEX_WOMEN)
                             for cohort in (False, True)])
    end = s.table(sheet, 5, [_("Age"), _("Men, period"), _("Men, cohort"), _("Women, period"), _("Women, cohort")],
                  rows, [None] + [s.decimal3] * 4, [10, 16, 16, 18, 18])
    ages = np.arange(MAX_TABLE_AGE + 1)
    table_rows = [[int(age), mortality.mortality.values[SEX_MEN, age], mortality.mortality.values[SEX_WOMEN, age],
                   mortality.improvement.values[SEX_MEN, age], mortality.improvement.values[SEX_WOMEN, age]]
                  for age in ages]
    sheet.write(end + 1, 0, _("The benchmark tables (before factors)"), s.bold)
    s.table(sheet, end + 2, [_("Age"), _("Mortality intensity, men"), _("Mortality intensity, women"),
                             _("Longevity improvement, men"), _("Longevity improvement, women")],
            table_rows, [None, s.factor, s.factor, s.fraction, s.fraction], [10, 20, 22, 24, 26])
    sheet.freeze_panes(6, 0)


def _analysis(sheet, s: _Sheets, analysis) -> None:
    rows = [[number, step.category, step.description, step.amount, step.liability]
            for number, step in enumerate(analysis.steps, start=1)]
    end = s.table(sheet, 0, ["Trin", "Kategori", "Beskrivelse", "Beløb", "Forpligtelse efter trinnet"], rows,
                  [None, None, s.wrap, s.kroner, s.kroner], [6, 12, 80, 22, 26])
    sheet.freeze_panes(1, 0)
    notes = [
        ("Udgift i det udgiftsbaserede driftsregnskab (c)", analysis.operating_expense),
        ("Difference (ultimo − primo − trin)", analysis.residual),
    ]
    row = end + 1
    for label, amount in notes:
        sheet.write(row, 2, label, s.bold)
        _write(sheet, row, 3, amount, s.kroner_bold)
        row += 1
    row += 1
    sheet.write(row, 2, "Metode", s.bold)
    sheet.write(row + 1, 2, analysis.method, s.wrap)
    sheet.set_row(row + 1, METHOD_ROW_HEIGHT)


def _sensitivities(sheet, s: _Sheets, result) -> None:
    rows = [["Grundlag", result.base_liability, None, None]]
    rows += [[r.scenario.name + (" (egen)" if r.scenario.user_defined else ""), r.liability, r.change,
              r.change_percent] for r in result.results]
    end = s.table(sheet, 0, ["Scenarie", "Forpligtelse", "Ændring", "Ændring i %"], rows,
                  [None, s.kroner, s.kroner, s.percent], [36, 24, 22, 14])
    sheet.freeze_panes(1, 0)
    row = end + 1
    for bp, years in sorted(result.durations.items()):
        sheet.write(row, 0, f"Varighed (effektiv) ud fra ±{bp} bp")
        sheet.write_number(row, 1, years, s.decimal3)
        sheet.write(row, 2, "år")
        row += 1
    sheet.write(row + 1, 0, "Varigheden er forpligtelsens relative fald pr. procentpoint højere rente, divideret med "
                            "100: en varighed på 15 betyder, at 1 %-point højere rente sænker forpligtelsen med ca. 15 %.",
                s.wrap)


def write_rollforward_workpaper(path: Path, rollforward, journal: Journal | None, basis, run_id: str) -> None:
    """The working paper of a roll-forward: says plainly that it is one, and when the last
    actuarial recalculation was."""
    context = WorkpaperContext(run_id=run_id, kind="Fremskrivning (ikke aktuarmæssig genberegning)")
    workbook = xlsxwriter.Workbook(str(path), WORKBOOK_OPTIONS)
    workbook.set_properties({"title": _(context.title), "comments": f"Fremskrivning {run_id}",
                             "created": dt.datetime.combine(rollforward.to_date, dt.time())})
    s = _Sheets(workbook)
    sheet = workbook.add_worksheet("Fremskrivning")
    sheet.write(0, 0, f"{_(context.title)} pr. {danish_date(rollforward.to_date)}: FREMSKRIVNING", s.title)
    sheet.write(1, 0, "Dette er en fremskrivning af den seneste opgørelse, ikke en aktuarmæssig genberegning.",
                s.warning)
    sheet.write(2, 0, f"Seneste aktuarmæssige genberegning: {danish_date(rollforward.last_recalculation)}")
    row = 3
    if rollforward.recalculation_due:
        sheet.write(row, 0, "Forpligtelsen skal genberegnes aktuarmæssigt mindst hvert 5. år: genberegning er nu "
                            "påkrævet.", s.warning)
        row += 1
    end = s.table(sheet, row + 1, ["Post", "Beløb"], [[label, amount] for label, amount in rollforward.lines()],
                  [s.wrap, s.kroner], [90, 24])
    row = end + 1
    if journal is not None:
        for label, amount in (("Bogført saldo 9.72.90.001 (kredit)", journal.booked),
                              (f"Regulering ({journal.kind})", journal.regulation)):
            sheet.write(row, 0, label)
            _write(sheet, row, 1, amount, s.kroner_bold)
            row += 1
        sheet.write(row, 0, journal.note)
    _journal(workbook.add_worksheet("Postering"), s, journal)
    assumptions = workbook.add_worksheet("Forudsætninger")
    rows = [["Etårig rente", f"{rollforward.rate:.5%}", f"{rollforward.curve_name}: den tidligere kørsels kurve"],
            ["Periode", f"{rollforward.years:g} år", f"{danish_date(rollforward.prior_date)} til "
                                                      f"{danish_date(rollforward.to_date)}"],
            ["Optjening", format_kroner(rollforward.accrual),
             rollforward.accrual_text],
            ["Tidligere kørsel", rollforward.prior_run_id, "grundlaget er den tidligere kørsels basis.toml"]]
    s.table(assumptions, 0, ["Forudsætning", "Værdi", "Kilde"], rows, [None, None, s.wrap], [20, 24, 80])
    _print_setup(workbook, context)
    workbook.close()


def write_batch_overview(path: Path, overview: pd.DataFrame, skipped: pd.DataFrame) -> None:
    """A batch's consolidated overview: one row per kommune and the total (`Oversigt`),
    and every problem of a skipped kommune (`Sprunget over`)."""
    workbook = xlsxwriter.Workbook(str(path), WORKBOOK_OPTIONS)
    s = _Sheets(workbook)
    amounts = {"forpligtelse", "bogført", "regulering"}
    rows = [[None if pd.isna(value) else value for value in record]
            for record in overview.itertuples(index=False)]
    formats = [s.kroner if name in amounts else s.integer if name in ("personer", "problemer") else None
               for name in overview.columns]
    sheet = workbook.add_worksheet("Oversigt")
    s.table(sheet, 0, [name.capitalize() for name in overview.columns], rows, formats)
    sheet.freeze_panes(1, 0)
    problems = workbook.add_worksheet("Sprunget over")
    s.table(problems, 0, ["Kommune", "Problem"], [list(record) for record in skipped.itertuples(index=False)],
            [None, s.wrap], [30, 120])
    problems.freeze_panes(1, 0)
    workbook.close()
