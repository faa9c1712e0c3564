"""The auditor's working paper, `valuation.xlsx`, in Danish.

Sheets: Oversigt (totals, booked balance, regulation, the 100.000 kr. rule, what is not
valued), Postering (the journal), Forudsætninger (every basis value with provenance),
Personer (one row per person, for registers up to PERSONS_SHEET_LIMIT), Betalinger
(expected payments per year, with a chart), Rentekurve (with a chart) and Dødelighed
(the tables used and remaining lifetimes).
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
from tjenestemandspension.actuarial.register import STATUS_DANISH, STATUS_DANISH_SINGULAR, STATUS_NAMES
from tjenestemandspension.actuarial.results import Valuation
from tjenestemandspension.danish import danish_date, danish_number, format_kroner
from tjenestemandspension.mortality import MAX_TABLE_AGE, SEX_MEN, SEX_WOMEN
from tjenestemandspension.rounding import to_ore

PERSONS_SHEET_LIMIT = 100_000  # above this, the Personer sheet points to the per-person file
A4_PAPER = 9  # xlsxwriter's paper code
WIDTH_SAMPLE_ROWS = 2000  # column widths are judged from the first rows
MAX_COLUMN_WIDTH = 60
MAX_NAME_COLUMN_WIDTH = 40  # person ids, units, kommuner
METHOD_ROW_HEIGHT = 90  # points: the analysis' method text wraps over several lines
KRONER = '#,##0.00 "kr."'
WORKPAPER_LIABILITY_LABEL = "Beregnet forpligtelse"  # Oversigt: the figure `tjp verify` checks (audit.py)
STATUS_LABEL = dict(zip(STATUS_NAMES, STATUS_DANISH))
PERSON_HEADERS = {
    "person_id": "Person-id", "status": "Status", "unit": "Forvaltning", "municipality": "Kommune",
    "age_months": "Alder (måneder)", "pension_age": "Pensionsalder", "pension_start_month": "Første pensionsmåned",
    "service_whole_years": "Pensionsår", "pension_percentage": "Pensionsprocent", "reduction": "Fradrag",
    "annual_benefit": "Årlig ydelse", "pv_own": "Egenpension", "pv_lump_sum": "Engangsbeløb",
    "pv_supplement": "Førtidstillæg", "pv_spouse": "Ægtefællepension", "pv_child": "Børnepension",
    "pv_ill_health": "Svagelighedspension", "pv_total": "Kapitalværdi i alt", "state_part": "Statens andel",
    "insured_part": "Forsikret andel", "liability": "Forpligtelse",
}
AMOUNT_FIELDS = ("annual_benefit", "pv_own", "pv_lump_sum", "pv_supplement", "pv_spouse", "pv_child", "pv_ill_health",
                 "pv_total", "state_part", "insured_part", "liability")
TOTAL_HEADERS = ["Antal personer", "Kapitalværdi i alt", "Statens andel", "Forsikret andel", "Forpligtelse"]


@dataclass(frozen=True)
class WorkpaperContext:
    """What the working paper says about the run beyond the valuation itself."""

    run_id: str
    title: str = "Tjenestemandspensionsforpligtelse (9.72.90.001)"
    kind: str = "Aktuarmæssig genberegning"
    register_name: str = ""
    persons_file: str = "persons.csv"
    notes: tuple[str, ...] = ()
    findings: tuple = ()  # safeguards.Finding: the Advarsler block on Oversigt


# every text is written as text: `write()` would otherwise make a register's '=HYPERLINK(...)' (a
# file name, a kommune, a unit) a live formula and 'http://...' a link; formulas are only
# the working paper's own, by write_formula
# user text never becomes a formula, link or number; in memory: xlsxwriter's temporary
# file per sheet costs more than a small sheet
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
        self.warning = workbook.add_format({"bold": True, "font_color": "#9C0006", "bg_color": "#FFC7CE"})

    def table(self, sheet, first_row: int, headers: list[str], rows: list[list[object]],
              formats: list[object | None], widths: list[int] | None = None) -> int:
        """Header row and data rows; returns the row after the table."""
        for column, text in enumerate(headers):
            sheet.write(first_row, column, text, self.header)
        for offset, row in enumerate(rows, start=1):
            for column, (value, cell_format) in enumerate(zip(row, formats)):
                _write(sheet, first_row + offset, column, value, cell_format)
        for column, width in enumerate(widths or _widths(headers, rows)):
            sheet.set_column(column, column, width)
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


def write_workpaper(path: Path, valuation: Valuation, journal: Journal | None, context: WorkpaperContext,
                    analysis=None, sensitivities=None, work_injuries=None) -> None:
    """`work_injuries`: a grouping-003 run valued beside (its sheets join, and Oversigt and
    Postering cover 9.72.90 as a whole)."""
    workbook = xlsxwriter.Workbook(str(path), WORKBOOK_OPTIONS)
    # a fixed creation time: the same run gives the same document properties
    created = dt.datetime.combine(valuation.valuation_date, dt.time())
    workbook.set_properties({"title": context.title, "subject": f"Forpligtelse pr. {valuation.valuation_date}",
                             "created": created, "comments": f"Kørsel {context.run_id}"})
    sheets = _Sheets(workbook)
    _overview(workbook.add_worksheet("Oversigt"), sheets, valuation, journal, context)
    _journal(workbook.add_worksheet("Postering"), sheets, journal)
    _assumptions(workbook.add_worksheet("Forudsætninger"), sheets, valuation)
    _persons(workbook.add_worksheet("Personer"), sheets, valuation, context)
    _payments(workbook.add_worksheet("Betalinger"), sheets, valuation)
    _curve(workbook.add_worksheet("Rentekurve"), sheets, valuation)
    _mortality(workbook.add_worksheet("Dødelighed"), sheets, valuation)
    if analysis is not None:
        _analysis(workbook.add_worksheet("Ændringsanalyse"), sheets, analysis)
    if sensitivities is not None:
        _sensitivities(workbook.add_worksheet("Følsomheder"), sheets, sensitivities)
    if work_injuries is not None:
        from tjenestemandspension.actuarial.work_injury.workpaper003 import add_to_pension_workpaper

        add_to_pension_workpaper(workbook, sheets, work_injuries, valuation)
    _print_setup(workbook, context)
    workbook.close()


def _print_setup(workbook: xlsxwriter.Workbook, context: WorkpaperContext) -> None:
    for sheet in workbook.worksheets():  # printed working papers: landscape, one page wide
        sheet.set_landscape()
        sheet.set_paper(A4_PAPER)
        sheet.fit_to_pages(1, 0)
        sheet.set_footer(f"&L{context.title}&C&A&R{context.run_id}  side &P af &N")
        if sheet.name not in ("Oversigt", "Fremskrivning"):
            sheet.repeat_rows(0)


# --- the sheets ----------------------------------------------------------------------

def _totals_rows(valuation: Valuation, column: str, labels: dict[str, str] | None = None) -> list[list[object]]:
    totals = valuation.totals_by(column)
    rows = []
    for name, row in totals.iterrows():
        label = "I alt" if name == "total" else (labels or {}).get(str(name), str(name) or "(ikke angivet)")
        rows.append([label, int(row["persons"]), row["pv_total"], row["state_part"], row["insured_part"],
                     row["liability"]])
    return rows


def _overview(sheet, s: _Sheets, valuation: Valuation, journal: Journal | None, context: WorkpaperContext) -> None:
    date = danish_date(valuation.valuation_date)
    sheet.write(0, 0, f"{context.title} pr. {date}", s.title)
    info = [
        ("Opgørelse", context.kind),
        ("Opgørelsesdato", date),
        ("Kørsel (reference)", context.run_id),
        ("Register", context.register_name),
        ("Kommune(r)", ", ".join(sorted({m for m in valuation.register.municipality if m})) or "(ikke angivet)"),
    ]
    if valuation.ignored_columns:  # the user should know what the register held that was not used
        info.append(("Kolonner, der ikke indgår", valuation.ignored_columns))
    row = 2
    for label, text in info:
        sheet.write(row, 0, label, s.bold)
        sheet.write(row, 1, text)
        row += 1
    row = _findings(sheet, s, row + 1, context.findings)
    formats = [None, s.integer, s.kroner, s.kroner, s.kroner, s.kroner]
    sheet.write(row, 0, "Forpligtelsen fordelt på status", s.bold)
    status_rows = _totals_rows(valuation, "status", STATUS_LABEL)
    row = s.table(sheet, row + 1, ["Status"] + TOTAL_HEADERS, status_rows, formats, [26, 14, 22, 22, 22, 22])
    _bold_last_row(sheet, s, row - 1, status_rows[-1], formats)
    row += 1
    for column, heading in (("unit", "Forpligtelsen fordelt på forvaltning"),
                            ("municipality", "Forpligtelsen fordelt på kommune")):
        sheet.write(row, 0, heading, s.bold)
        rows = _totals_rows(valuation, column)
        row = s.table(sheet, row + 1, [heading.split()[-1].capitalize()] + TOTAL_HEADERS, rows, formats,
                      [26, 14, 22, 22, 22, 22])
        _bold_last_row(sheet, s, row - 1, rows[-1], formats)
        row += 1

    sheet.write(row, 0, "Regulering af 9.72.90.001", s.bold)
    row += 1
    liability = to_ore(valuation.total_liability)
    lines = [(WORKPAPER_LIABILITY_LABEL, liability)]
    if journal is not None:
        lines += [("Bogført saldo 9.72.90.001 (kredit)", journal.booked),
                  (f"Regulering ({journal.kind})", journal.regulation)]
    for label, amount in lines:
        sheet.write(row, 0, label)
        _write(sheet, row, 1, amount, s.kroner_bold)
        row += 1
    if journal is None:
        sheet.write(row, 0, "Journalen er ikke dannet: den bogførte saldo på 9.72.90.001 er ikke angivet (--booked).",
                    s.warning)
        row += 1
    else:
        sheet.write(row, 0, journal.note)
        row += 1
    threshold = danish_number(RECOGNITION_THRESHOLD)
    if must_be_recognised(liability):
        rule = f"Forpligtelsen overstiger {threshold} kr. og skal indregnes i balancen (hensatte forpligtelser)."
    else:
        rule = (f"Forpligtelsen er på højst {threshold} kr.; hensatte forpligtelser under denne grænse er ikke "
                "obligatoriske at indregne.")
    sheet.write(row, 0, rule)
    row += 2
    sheet.write(row, 0, "Ikke værdiansat", s.bold)
    row += 1
    for item in valuation.not_valued:
        sheet.write(row, 0, f"• {item}")
        row += 1
    for note in context.notes:
        row += 1
        sheet.write(row, 0, note, s.warning)
    sheet.set_column(0, 0, 40)
    sheet.set_column(1, 1, 24)


def _findings(sheet, s: _Sheets, row: int, findings: tuple) -> int:
    """The safeguards before posting (safeguards.py): a compact Advarsler block."""
    warnings = [f for f in findings if f.is_warning]
    sheet.write(row, 0, "Advarsler", s.bold)
    row += 1
    if not warnings:
        sheet.write(row, 0, "Ingen advarsler før bogføring.")
        row += 1
    for finding in warnings:
        sheet.write(row, 0, f"• {finding.text}", s.warning)
        row += 1
    for finding in findings:  # notes, but not what is not valued: that has its own block below
        if not finding.is_warning and finding.code != "not_valued":
            sheet.write(row, 0, f"• {finding.text}")
            row += 1
    return row + 1


def _bold_last_row(sheet, s: _Sheets, row: int, values: list[object], formats: list[object | None]) -> None:
    bold = [s.bold, s.integer_bold, s.kroner_bold, s.kroner_bold, s.kroner_bold, s.kroner_bold]
    for column, value in enumerate(values):
        _write(sheet, row, column, value, bold[column])


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
    s.table(sheet, 0, [h.capitalize() for h in headers], rows, formats,
            [12, 12, 14, 10, 11, 7, 18, 18, 18, 70, 14])
    sheet.freeze_panes(1, 0)


def _assumptions(sheet, s: _Sheets, valuation: Valuation) -> None:
    basis = valuation.assumptions.basis
    rows = [[r["key"], r["description"], r["value"], r["source"], r["date"],
             "Bør gennemgås" if r["placeholder"] else ""] for r in basis.as_records()]
    curve = valuation.assumptions.curve
    mortality = valuation.assumptions.mortality.describe()
    rows.append(["(rentekurve)", "Den anvendte rentekurve", curve.name, curve.provenance.describe(),
                 curve.reference_date.isoformat() if curve.reference_date else "", ""])
    rows.append(["(dødelighed)", "Den anvendte dødelighed", mortality["name"], mortality["mortality"]["text"],
                 "", ""])
    s.table(sheet, 0, ["Nøgle", "Betydning", "Værdi", "Kilde", "Dato", "Pladsholder"], rows,
            [None, s.wrap, s.wrap, s.wrap, None, s.warning], [34, 50, 30, 70, 12, 14])
    sheet.freeze_panes(1, 0)


def _persons(sheet, s: _Sheets, valuation: Valuation, context: WorkpaperContext) -> None:
    columns = list(PERSON_HEADERS)
    headers = [PERSON_HEADERS[c] for c in columns]
    frame = valuation.persons
    if len(frame) > PERSONS_SHEET_LIMIT:
        for column, text in enumerate(headers):
            sheet.write(0, column, text, s.header)
        sheet.write(1, 0, f"Registeret har {danish_number(len(frame))} personer, mere end arket viser "
                          f"({danish_number(PERSONS_SHEET_LIMIT)}); se {context.persons_file}.")
        sheet.freeze_panes(1, 0)
        return
    formats = {c: (s.kroner if c in AMOUNT_FIELDS else None) for c in columns}
    formats.update(pension_percentage=s.percent, reduction=s.percent, age_months=s.integer)
    for column, text in enumerate(headers):
        sheet.write(0, column, text, s.header)
    data = {c: frame[c].to_numpy() for c in columns}
    singular = dict(zip(STATUS_NAMES, STATUS_DANISH_SINGULAR))
    data["status"] = np.asarray([singular[v] for v in frame["status"].astype(str)], dtype=object)
    _bulk_rows(sheet, [(data[c], formats[c]) for c in columns])
    for column_index, column in enumerate(columns):
        width = 20 if column in AMOUNT_FIELDS else max(12, len(PERSON_HEADERS[column]) + 2)
        if column in ("unit", "municipality", "person_id"):
            longest = max((len(str(v)) for v in data[column][:WIDTH_SAMPLE_ROWS]), default=8)
            width = max(width, min(MAX_NAME_COLUMN_WIDTH, longest + 2))
        sheet.set_column(column_index, column_index, width)
    sheet.freeze_panes(1, 1)
    sheet.autofilter(0, 0, len(frame), len(columns) - 1)


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
    headers = ["År"] + [STATUS_LABEL[name].capitalize() for name in STATUS_NAMES] + ["I alt", "Nutidsværdi"]
    rows = [[int(r["year"])] + [r[name] for name in STATUS_NAMES] + [r["total"], r["present_value"]]
            for _, r in flows.iterrows()]
    formats = [None] + [s.kroner] * (len(headers) - 1)
    end = s.table(sheet, 0, headers, rows, formats, [8] + [18] * (len(headers) - 1))
    sheet.write(end, 0, "I alt", s.bold)
    for column in range(1, len(headers)):
        letter = xlsxwriter.utility.xl_col_to_name(column)
        sheet.write_formula(end, column, f"=SUM({letter}2:{letter}{end})", s.kroner_bold,
                            float(sum(row[column] for row in rows)))
    sheet.freeze_panes(1, 1)
    chart = _chart(s.book, "column", {"subtype": "stacked"})
    for column, name in enumerate(STATUS_NAMES, start=1):
        chart.add_series({"name": ["Betalinger", 0, column], "categories": ["Betalinger", 1, 0, end - 1, 0],
                          "values": ["Betalinger", 1, column, end - 1, column], "gap": 20})
    chart.set_title({"name": "Forventede udbetalinger pr. år (kommunens andel)"})
    chart.set_y_axis({"name": "kr.", "num_format": "#,##0"})
    chart.set_x_axis({"name": "År", "interval_unit": 10})
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
    sheet.write(2, 6, f"Parallelforskydning: {curve.shift_bp:g} bp")
    end = s.table(sheet, 0, ["Løbetid (år)", "Nulkuponrente", "Diskonteringsfaktor", "Etårig terminsrente"], rows,
                  [None, s.percent, s.factor, s.percent], [12, 16, 20, 20])
    sheet.freeze_panes(1, 0)
    chart = _chart(s.book, "line")
    chart.add_series({"name": "Nulkuponrente", "categories": ["Rentekurve", 1, 0, end - 1, 0],
                      "values": ["Rentekurve", 1, 1, end - 1, 1]})
    chart.add_series({"name": "Etårig terminsrente", "categories": ["Rentekurve", 1, 0, end - 1, 0],
                      "values": ["Rentekurve", 1, 3, end - 1, 3]})
    chart.set_title({"name": curve.name})
    chart.set_y_axis({"num_format": "0.0%"})
    chart.set_x_axis({"name": "Løbetid (år)", "interval_unit": 10})
    chart.set_size({"width": 800, "height": 400})
    sheet.insert_chart(4, 6, chart)


def _mortality(sheet, s: _Sheets, valuation: Valuation) -> None:
    mortality = valuation.assumptions.mortality
    described = mortality.describe()
    year = valuation.valuation_date.year + 1
    sheet.write(0, 0, f"{described['name']}: benchmarkår {mortality.benchmark_year}", s.bold)
    sheet.write(1, 0, described["mortality"]["text"], s.wrap)
    sheet.write(2, 0, f"Faktorer: mænd {mortality.factor_men:g}, kvinder {mortality.factor_women:g}; "
                      f"levetidsforbedringer {'med' if mortality.improvements else 'uden'}")
    sheet.write(4, 0, f"Restlevetid (år), kalenderår {year}", s.bold)
    rows = []
    for age in (60, 65, 67):
        rows.append([age] + [mortality.life_expectancy(sex, age, year, cohort) for sex in (SEX_MEN, SEX_WOMEN)
                             for cohort in (False, True)])
    end = s.table(sheet, 5, ["Alder", "Mænd, periode", "Mænd, kohorte", "Kvinder, periode", "Kvinder, kohorte"],
                  rows, [None] + [s.decimal3] * 4, [10, 16, 16, 18, 18])
    ages = np.arange(MAX_TABLE_AGE + 1)
    table_rows = [[int(age), mortality.mortality.values[SEX_MEN, age], mortality.mortality.values[SEX_WOMEN, age],
                   mortality.improvement.values[SEX_MEN, age], mortality.improvement.values[SEX_WOMEN, age]]
                  for age in ages]
    sheet.write(end + 1, 0, "Benchmarktabellerne (før faktorer)", s.bold)
    s.table(sheet, end + 2, ["Alder", "Dødsintensitet, mænd", "Dødsintensitet, kvinder",
                             "Levetidsforbedring, mænd", "Levetidsforbedring, kvinder"],
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
    workbook.set_properties({"title": context.title, "comments": f"Fremskrivning {run_id}",
                             "created": dt.datetime.combine(rollforward.to_date, dt.time())})
    s = _Sheets(workbook)
    sheet = workbook.add_worksheet("Fremskrivning")
    sheet.write(0, 0, f"{context.title} pr. {danish_date(rollforward.to_date)}: FREMSKRIVNING", s.title)
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
