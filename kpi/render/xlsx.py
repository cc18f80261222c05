"""The QBR pack (``qbr.build_pack``) as an Excel workbook (openpyxl).

Text from the data is always written as text: every string cell is stored as a string
(``data_type = "s"``), so a client or summary beginning with ``=``, ``+``, ``-`` or ``@``
is never a formula; such cells also get Excel's quote prefix, so editing the cell in Excel
keeps it text. The visible text is unchanged, except control characters that the xlsx
format cannot hold (removed). Numbers are number cells and dates are date cells, each
with a format by its unit (``kpi.metrics``): "$", "%", " h", "yyyy-mm-dd". Headers come
from the metric declarations, whatever columns the pack holds, so a pack without money
(the client's, or ``qbr.without_money``) gives a file without money.
"""
from __future__ import annotations

import datetime as dt

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .pack import (INTERNAL_MARK, SECTIONS, comparison, comparison_headers, header,
                   heading, is_number, partial_weeks_note, plain, unit_of)

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Excel number formats by unit; a change carries its sign (a real minus) and unit.
FORMATS = {"currency": '"$"#,##0.00', "percent": '0.0"%"', "hours": '#,##0.00" h"',
           "ratio": '0.00', "count": '#,##0', "days": '#,##0.0" d"',
           "date": "yyyy-mm-dd", "datetime": "yyyy-mm-dd hh:mm", "month": "mmm yyyy"}
CHANGE_FORMATS = {"currency": '+"$"#,##0.00;"−$"#,##0.00;"$"0.00',
                  "percent": '+0.0" pp";"−"0.0" pp";0.0" pp"',
                  "hours": '+#,##0.00" h";"−"#,##0.00" h";0.00" h"',
                  "ratio": '+0.00;"−"0.00;0.00', "count": '+#,##0;"−"#,##0;0'}
HEADER_FILL = PatternFill("solid", fgColor="1F6FEB")
HEADER_FONT = Font(bold=True, color="FFFFFF")
TITLE_FONT = Font(bold=True, size=14)
BOLD = Font(bold=True)
RIGHT = Alignment(horizontal="right", vertical="center", wrap_text=True)
CENTRE = Alignment(horizontal="left", vertical="center", wrap_text=True)


def _put(ws, row: int, col: int, value, unit: str | None = None, change: bool = False):
    """Write one cell; strings always as string cells (never formulas)."""
    cell = ws.cell(row=row, column=col)
    value = plain(value)
    if isinstance(value, str):
        text = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.value = text
        cell.data_type = "s"  # openpyxl makes "=..." a formula; this keeps it text
        if text.startswith(FORMULA_STARTS):
            cell.quotePrefix = True
        return cell
    cell.value = value
    if isinstance(value, (dt.date, dt.datetime)):
        cell.number_format = FORMATS.get(unit or "", "yyyy-mm-dd") \
            if unit in ("date", "datetime", "month") else \
            ("yyyy-mm-dd hh:mm" if isinstance(value, dt.datetime) and value.time() != dt.time()
             else "yyyy-mm-dd")
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        table = CHANGE_FORMATS if change else FORMATS
        cell.number_format = table.get(unit or "", FORMATS["count"] if isinstance(value, int)
                                       else "#,##0.00")
    return cell


def _header_row(ws, row: int, texts: list[str], right: list[bool]) -> None:
    for j, (text, r) in enumerate(zip(texts, right), start=1):
        cell = _put(ws, row, j, text)
        cell.fill, cell.font = HEADER_FILL, HEADER_FONT
        cell.alignment = RIGHT if r else CENTRE


def _title(ws, text: str) -> None:
    _put(ws, 1, 1, text).font = TITLE_FONT


def _table(ws, frame, first_row: int) -> None:
    columns = list(frame.columns)
    _header_row(ws, first_row, [header(c) for c in columns], [is_number(c) for c in columns])
    for i, row in enumerate(frame.itertuples(index=False), start=first_row + 1):
        for j, (col, value) in enumerate(zip(columns, row), start=1):
            _put(ws, i, j, value, unit_of(col))
    for j, col in enumerate(columns, start=1):
        longest = max([min(len(header(col)), 18)] +
                      [len(str(v)) for v in frame[col].head(200) if v is not None])
        ws.column_dimensions[get_column_letter(j)].width = min(max(11, longest + 2), 60)
    ws.freeze_panes = ws.cell(row=first_row + 1, column=1)


def _notes(ws, notes: list[str], row: int) -> int:
    for note in notes:
        _put(ws, row, 1, note)
        row += 1
    return row


def _volume_chart(ws, rows: int, first_row: int) -> None:
    if rows == 0:
        return
    chart = BarChart()
    chart.type = "col"
    chart.title = "Tickets opened and closed per week"
    chart.y_axis.title = "tickets"
    chart.x_axis.title = "week from"
    chart.add_data(Reference(ws, min_col=3, max_col=4, min_row=first_row,
                             max_row=first_row + rows), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=first_row + 1,
                                   max_row=first_row + rows))
    chart.height, chart.width = 8, 18
    ws.add_chart(chart, "H2")


def _summary(wb, pack: dict) -> None:
    ws = wb.active
    ws.title = "Summary"
    _title(ws, heading(pack))
    lines = []
    if pack.get("msp_name"):
        lines.append(f"Prepared by {pack['msp_name']}")
    if pack["audience"] == "internal":
        lines.append(INTERNAL_MARK)
    row = _notes(ws, lines, 2)
    _put(ws, row + 1, 1, "What changed").font = BOLD
    row = _notes(ws, pack["sentences"], row + 2) + 1
    _header_row(ws, row, comparison_headers(pack), [False, True, True, True])
    for i, (name, unit, now, then, change) in enumerate(comparison(pack), start=row + 1):
        _put(ws, i, 1, name)
        _put(ws, i, 2, now, unit)
        _put(ws, i, 3, then, unit)
        _put(ws, i, 4, change, unit, change=True)
    ws.column_dimensions["A"].width = 34
    for col in "BCD":
        ws.column_dimensions[col].width = 20


def to_workbook(pack: dict, path_or_buffer) -> None:
    """A Summary sheet (what changed, and the quarter against the one before), then one
    sheet per section: a title in row 1, its notes under it, then its table."""
    wb = Workbook()
    _summary(wb, pack)
    for key, name, title, notes_key in SECTIONS:
        if key not in pack:
            continue
        frame = pack[key]
        ws = wb.create_sheet(name)
        _title(ws, f"{title} - {pack['client']}, {pack['quarter']}")
        notes = list(pack.get(notes_key) or []) if notes_key else []
        if key == "volume" and partial_weeks_note(pack):
            notes.append(partial_weeks_note(pack))
        first_row = _notes(ws, notes, 2) + (1 if notes else 0)
        _table(ws, frame, first_row)
        if key == "volume":
            _volume_chart(ws, len(frame), first_row)
    wb.save(path_or_buffer)
