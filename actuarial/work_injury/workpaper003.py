"""The working paper's sheets for grouping 003, in Danish (docs/work-injuries.md §6).

`add_work_injury_sheets` adds them to any workbook (the 9.72.90 working paper of a run
that values both groupings, or `arbejdsskader.xlsx` of `tjp arbejdsskader`): Arbejdsskader
(the provision by benefit type, unit and municipality, the IBNR line, the regulation of
9.72.90.003), Sager (one row per case row), IBNR (the triangle, its development factors,
ultimates and Mack's standard errors), Udbetalinger 003 (expected payments by year, with a
chart), Forudsætninger 003 (the work-injury settings with their provenance) and
Følsomheder 003 (the standard sensitivities and durations). The
formats, tables and print setup are the pension working paper's (workpaper.py).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import xlsxwriter

from tjenestemandspension.actuarial.journal import RECOGNITION_THRESHOLD, must_be_recognised
from tjenestemandspension.actuarial.work_injury.cases import BENEFIT_DANISH, BENEFIT_NAMES
from tjenestemandspension.actuarial.workpaper import (
    JOURNAL_TEXT_WIDTH,
    SHEETS,
    WORKBOOK_OPTIONS,
    WorkpaperContext,
    _chart,
    _journal,
    _analysis,
    _print_setup,
    percent_text,
    _text_height,
    _text_lines,
    _sensitivities,
    _Sheets,
    _write,
)
from tjenestemandspension.i18n import N_, _
from tjenestemandspension.danish import danish_date, danish_number, format_kroner
from tjenestemandspension.rounding import to_ore

TITLE = "Arbejdsskadeforpligtelse (9.72.90.003)"
BENEFIT_LABEL = dict(zip(BENEFIT_NAMES, (name.capitalize() for name in BENEFIT_DANISH)),
                     ibnr="IBNR (ikke anmeldte skader)", total="I alt")
TOTAL_HEADERS = ["Rækker", "Heraf ophørt", "Rentereserve", "Sagsreserve", "Forpligtelse"]
CASE_HEADERS = {"case_id": "Sagsnr.", "benefit": "Ydelse", "birth_date": "Fødselsdato", "sex": "Køn",
                "age_months": "Alder (måneder)", "annual_amount": "Årlig ydelse",
                "last_covered_month": "Sidste dækkede måned", "months_left": "Resterende måneder",
                "ended": "Ophørt", "pv": "Kapitalværdi", "reserve": "Sagsreserve", "liability": "Forpligtelse",
                "unit": "Forvaltning", "municipality": "Kommune", "injury_date": "Skadesdato"}
CASE_KRONER = ("annual_amount", "pv", "reserve", "liability")
CASES_SHEET_LIMIT = 100_000
OVERVIEW_WIDTHS = [40, 24, 22, 22, 22, 22]  # the pension overview's, so that both fit on one sheet
AMOUNT_COLUMN = 5  # the overview's amounts stand under its tables' last column (Forpligtelse)


def _totals_rows(valuation, column: str, labels: dict | None = None) -> list[list[object]]:
    totals = valuation.totals_by(column)
    return [[(labels or {}).get(name, name or "(ikke angivet)"), int(r["rows"]), int(r["ended"]), r["pv"],
             r["reserve"], r["liability"]] for name, r in totals.iterrows()]


def overview_003(sheet, s: _Sheets, run, first_row: int = 0, title: bool = True) -> int:
    """The provision by benefit type, unit and municipality and its regulation; returns the next row."""
    valuation, journal = run.valuation, run.journal
    row = first_row
    if title:
        sheet.write(row, 0, f"{TITLE} pr. {danish_date(valuation.valuation_date)}", s.title)
        row += 2
    formats = [None, s.integer, s.integer, s.kroner, s.kroner, s.kroner]
    for column, heading, labels in (("benefit", "Forpligtelsen fordelt på ydelse", BENEFIT_LABEL),
                                    ("unit", "Fordelt på forvaltning", {"ibnr": BENEFIT_LABEL["ibnr"],
                                                                        "total": "I alt"}),
                                    ("municipality", "Fordelt på kommune", {"ibnr": BENEFIT_LABEL["ibnr"],
                                                                           "total": "I alt"})):
        sheet.write(row, 0, heading, s.bold)
        rows = _totals_rows(valuation, column, labels)
        row = s.table(sheet, row + 1, [heading.split()[-1].capitalize()] + TOTAL_HEADERS, rows, formats,
                      OVERVIEW_WIDTHS)
        for column_index, (value, cell_format) in enumerate(zip(rows[-1], formats)):
            _write(sheet, row - 1, column_index, value, s.kroner_bold if cell_format is s.kroner else s.bold)
        row += 1
    sheet.write(row, 0, valuation.ibnr.note)
    row += 1
    if valuation.n_ended:
        sheet.write(row, 0, f"{danish_number(valuation.n_ended)} ydelse(r) er ophørt før opgørelsesdatoen og "
                            "indgår med 0 kr.")
        row += 1
    row += 1
    sheet.write(row, 0, "Regulering af 9.72.90.003", s.bold)
    row += 1
    liability = to_ore(valuation.total_liability)
    lines = [("Beregnet forpligtelse (rentereserve + sagsreserve + IBNR)", liability)]
    if journal is not None:
        lines += [("Bogført saldo 9.72.90.003 (kredit)", journal.booked),
                  (f"Regulering ({journal.kind})", journal.regulation)]
    for label, amount in lines:
        sheet.write(row, 0, label)
        _write(sheet, row, AMOUNT_COLUMN, amount, s.kroner_bold)
        row += 1
    if journal is None:
        sheet.write(row, 0, "Journalen er ikke dannet: den bogførte saldo på 9.72.90.003 er ikke angivet.", s.warning)
    else:
        sheet.write(row, 0, journal.note)
    row += 1
    threshold = danish_number(RECOGNITION_THRESHOLD)
    sheet.write(row, 0, f"Forpligtelsen overstiger {threshold} kr. og skal indregnes i balancen."
                if must_be_recognised(liability) else
                f"Forpligtelsen er på højst {threshold} kr.; indregning er ikke obligatorisk.")
    return row + 2


def _cases(sheet, s: _Sheets, run) -> None:
    rows_frame = run.valuation.rows
    columns = list(CASE_HEADERS)
    headers = [CASE_HEADERS[c] for c in columns]
    if len(rows_frame) > CASES_SHEET_LIMIT:
        s.table(sheet, 0, headers, [], [None] * len(columns))
        sheet.write(1, 0, f"Registeret har {danish_number(len(rows_frame))} rækker; se arbejdsskader.csv.")
        return
    labels = dict(zip(BENEFIT_NAMES, BENEFIT_DANISH))
    data = rows_frame.assign(benefit=rows_frame["benefit"].map(labels),
                             ended=np.where(rows_frame["ended"], "ja", ""))
    rows = data[columns].to_numpy(dtype=object).tolist()
    formats = [s.kroner if c in CASE_KRONER else (s.integer if c in ("age_months", "months_left") else None)
               for c in columns]
    s.table(sheet, 0, headers, rows, formats, [12, 16, 12, 6, 10, 16, 12, 12, 8, 18, 16, 18, 20, 20, 12])
    sheet.set_row(0, 30)  # the headers wrap over two lines
    sheet.freeze_panes(1, 1)
    sheet.autofilter(0, 0, len(rows), len(columns) - 1)


def _ibnr(sheet, s: _Sheets, run) -> None:
    ibnr = run.valuation.ibnr
    result = ibnr.chain_ladder
    sheet.write(0, 0, "IBNR: indtrufne, ikke anmeldte skader", s.title)
    sheet.write(1, 0, ibnr.note)
    if result is None:
        sheet.write(3, 0, "IBNR", s.bold)
        _write(sheet, 3, 1, ibnr.amount, s.kroner_bold)
        sheet.set_column(0, 0, 40)
        sheet.set_column(1, 1, 20)
        return
    development = [str(int(d)) for d in result.development_years]
    headers = ["Skadesår"] + [f"Udv.år {d}" for d in development]
    rows = [[int(year)] + [None if np.isnan(v) else v for v in result.triangle[i]]
            for i, year in enumerate(result.accident_years)]
    sheet.write(3, 0, "Kumulerede skadesudgifter (betalt + sagsreserver)", s.bold)
    row = s.table(sheet, 4, headers, rows, [None] + [s.kroner] * len(development),
                  [10] + [16] * len(development))
    sheet.write(row, 0, "Udviklingsfaktor", s.bold)
    for j, factor in enumerate(result.factors):
        sheet.write_number(row, j + 1, float(factor), s.factor)
    sheet.write(row + 1, 0, f"Halefaktor {result.tail:g}")
    row += 3
    sheet.write(row, 0, "Ultimativ skadesudgift og IBNR pr. skadesår", s.bold)
    headers = ["Skadesår", "Seneste", "Ultimativ", "IBNR", "Mack-spredning"]
    rows = [[int(y), l, u, b, e] for y, l, u, b, e in zip(result.accident_years, result.latest, result.ultimate,
                                                          result.ibnr, result.standard_error)]
    rows.append(["I alt", float(result.latest.sum()), float(result.ultimate.sum()), result.total_ibnr,
                 result.total_standard_error])
    s.table(sheet, row + 1, headers, rows, [None] + [s.kroner] * 4, [10] + [16] * len(development))
    sheet.write(row + len(rows) + 2, 0, "Mack-spredningen er standardafvigelsen på reserven i trekanten (Mack 1993); "
                                        "halefaktorens usikkerhed indgår ikke.")


def _payments(sheet, s: _Sheets, run, name: str) -> None:
    flows = run.valuation.cashflows
    rows = [[int(r["year"]), r["expected_payments"], r["present_value"]] for _, r in flows.iterrows()]
    end = s.table(sheet, 0, ["År", "Forventede udbetalinger", "Nutidsværdi"], rows, [None, s.kroner, s.kroner],
                  [8, 22, 22])
    sheet.write(end, 0, "I alt", s.bold)
    for column in (1, 2):
        letter = xlsxwriter.utility.xl_col_to_name(column)
        sheet.write_formula(end, column, f"=SUM({letter}2:{letter}{end})", s.kroner_bold,
                            float(sum(r[column] for r in rows)))
    sheet.freeze_panes(1, 1)
    if rows:
        chart = _chart(s.book, "column")
        chart.add_series({"name": [name, 0, 1], "categories": [name, 1, 0, end - 1, 0],
                          "values": [name, 1, 1, end - 1, 1], "gap": 20})
        chart.set_title({"name": "Forventede udbetalinger af løbende arbejdsskadeydelser pr. år"})
        chart.set_y_axis({"name": "kr.", "num_format": "#,##0"})
        chart.set_legend({"none": True})
        chart.set_size({"width": 800, "height": 380})
        sheet.insert_chart(1, 4, chart)


def _assumptions(sheet, s: _Sheets, run) -> None:
    records = [r for r in run.basis.as_records() if r["key"].startswith(("work_injury.", "curve.", "mortality."))
               and r["value"] != ""]
    rows = [[r["key"], r["description"], r["value"], r["source"], r["date"],
             "Bør gennemgås" if r["placeholder"] else ""] for r in records]
    curve = run.assumptions.curve
    rows.append(["(rentekurve)", "Den anvendte rentekurve (fælles med 9.72.90.001)", curve.name,
                 curve.provenance.describe(), curve.reference_date.isoformat() if curve.reference_date else "", ""])
    rows.append(["(dødelighed)", "Den anvendte dødelighed (fælles med 9.72.90.001) gange work_injury.mortality_factor",
                 run.assumptions.mortality.describe()["name"], "", "", ""])
    s.table(sheet, 0, ["Nøgle", "Betydning", "Værdi", "Kilde", "Dato", "Pladsholder"], rows,
            [None, s.wrap, s.wrap, s.wrap, None, s.warning], [34, 50, 30, 70, 12, 14])
    sheet.freeze_panes(1, 0)


def add_work_injury_sheets(book: xlsxwriter.Workbook, s: _Sheets, run, overview: bool = True) -> None:
    """The 003 sheets; `overview=False` when the caller's Oversigt already covers 003."""
    if overview:
        overview_003(book.add_worksheet("Arbejdsskader"), s, run)
        book.get_worksheet_by_name("Arbejdsskader").set_column(0, 0, 52)
    _cases(book.add_worksheet("Sager"), s, run)
    _ibnr(book.add_worksheet("IBNR"), s, run)
    _payments(book.add_worksheet("Udbetalinger 003"), s, run, "Udbetalinger 003")
    _assumptions(book.add_worksheet("Forudsætninger 003"), s, run)
    if run.sensitivities is not None:
        _sensitivities(book.add_worksheet("Følsomheder 003"), s, run.sensitivities)
    if run.analysis is not None:
        _analysis(book.add_worksheet("Ændringsanalyse 003"), s, run.analysis)


def add_to_pension_workpaper(book: xlsxwriter.Workbook, s: _Sheets, run, pension) -> None:
    """The 9.72.90 working paper of a run valuing both groupings: 003 below 001 on Oversigt
    and on Postering, the function's total, and the 003 sheets."""
    overview = book.get_worksheet_by_name(_(SHEETS["overview"]))
    row = overview.dim_rowmax + 3
    overview.write(row, 0, TITLE, s.title)
    row = overview_003(overview, s, run, row + 2, title=False)
    total = to_ore(pension.total_liability) + to_ore(run.valuation.total_liability)
    overview.write(row, 0, "Funktion 9.72.90 i alt (grupperingerne 001 og 003)", s.bold)
    _write(overview, row, AMOUNT_COLUMN, total, s.kroner_bold)
    postering = book.get_worksheet_by_name(_(SHEETS["journal"]))
    if run.journal is not None and run.journal.lines:
        formats = [None, None, None, None, None, None, s.kroner, s.kroner, s.kroner, s.wrap, None]
        first = postering.dim_rowmax + 1
        for offset, line in enumerate(run.journal.lines):
            row = line.as_row()
            for column, (value, cell_format) in enumerate(zip(row.values(), formats)):
                _write(postering, first + offset, column, value, cell_format)
            postering.set_row(first + offset, _text_height(row["tekst"], JOURNAL_TEXT_WIDTH))
    elif run.journal is not None:
        row = postering.dim_rowmax + 1
        postering.write(row, 9, run.journal.note, s.wrap)
        postering.set_row(row, _text_height(run.journal.note, JOURNAL_TEXT_WIDTH))
    _accounts_note_003(book.get_worksheet_by_name(_(SHEETS["note"])), s, run)
    add_work_injury_sheets(book, s, run, overview=False)


IBNR_NOTE = {"none": N_("no provision for injuries not yet reported (IBNR) is made"),
             "amount": N_("injuries not yet reported (IBNR): an amount set by the kommune, {amount} kr."),
             "chainladder": N_("injuries not yet reported (IBNR): the chain-ladder method on the kommune's "
                               "claims triangle, {amount} kr.")}


def _accounts_note_003(sheet, s: _Sheets, run) -> None:
    """Regnskabsnote of a run valuing both groupings: the note on 003 below the note on 001."""
    valuation, basis = run.valuation, run.basis
    liability = to_ore(valuation.total_liability)
    items = [
        ("h", _("Note: provisions, work injuries (9.72.90.003)")),
        ("p", _("The obligation for work injuries that the kommune carries itself (self-insurance) at {date} is "
                "{amount} kr. It is the capital value of the running and awarded benefits under the "
                "arbejdsskadesikringsloven, computed per case from the case register ({cases} rows), with the "
                "case reserves of cases not yet decided.").format(
                    date=danish_date(valuation.valuation_date), amount=format_kroner(liability),
                    cases=danish_number(len(valuation.rows)))),
        ("p", _("Assumptions (discount curve and mortality as for the pensions):")),
        ("b", _("regulation of running benefits: {rate} a year (the satsreguleringsprocent) [ASL-25]").format(
            rate=percent_text(basis["work_injury.regulation_rate"]))),
        ("b", _("mortality: the pensions' benchmark times {factor}").format(
            factor=danish_number(basis["work_injury.mortality_factor"], 2))),
        ("b", _(IBNR_NOTE[valuation.ibnr.method]).format(amount=format_kroner(to_ore(valuation.ibnr.amount)))),
    ]
    _text_lines(sheet, s, sheet.dim_rowmax + 2, items)


def write_work_injury_workpaper(path: Path, run) -> None:
    """arbejdsskader.xlsx: Oversigt, Postering, and the 003 sheets."""
    book = xlsxwriter.Workbook(str(path), WORKBOOK_OPTIONS)
    book.set_properties({"title": TITLE, "subject": f"Forpligtelse pr. {run.basis.valuation_date}",
                         "created": dt.datetime.combine(run.basis.valuation_date, dt.time()),
                         "comments": f"Kørsel {run.run_id}"})
    s = _Sheets(book)
    sheet = book.add_worksheet("Oversigt")
    row = overview_003(sheet, s, run)
    sheet.write(row, 0, f"Kørsel (reference) {run.run_id}")
    sheet.set_column(0, 0, 52)
    postering = book.add_worksheet("Postering")
    if run.journal is None:
        sheet_row = ["", "", "", "", "", "", None, None, None,
                     "Ingen postering: den bogførte saldo på 9.72.90.003 er ikke angivet (--booked).", ""]
        s.table(postering, 0, ["Bilagsdato", "Regnskabsår", "Kontostreng", "Funktion", "Gruppering", "Dranst",
                               "Debet", "Kredit", "Beløb", "Tekst", "Reference"], [sheet_row],
                [None] * 6 + [s.kroner] * 3 + [s.wrap, None], [12, 12, 14, 10, 11, 7, 18, 18, 18, 70, 14])
    else:
        _journal(postering, s, run.journal)
    add_work_injury_sheets(book, s, run, overview=False)
    _print_setup(book, WorkpaperContext(run_id=run.run_id, title=TITLE))
    book.close()
