"""The QBR pack (``qbr.build_pack``) as an Excel workbook (openpyxl).

Text from the data is always written as text: every string cell is stored as a string
(``data_type = "s"``), so a client or summary beginning with ``=``, ``+``, ``-`` or ``@``
is never a formula; such cells also get Excel's quote prefix, so editing the cell in Excel
keeps it text. The visible text is unchanged, except control characters that the xlsx
format cannot hold (removed). Headers and number formats come from the metric
declarations (``kpi.metrics``), whatever columns the pack holds, so a pack passed through
``qbr.without_money`` gives a file without money.
"""
from __future__ import annotations

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .pack import SHEETS, SUMMARY_LABELS, header, heading, plain, unit_of

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Excel number formats by unit (a count keeps Excel's integer or two-decimal format).
FORMATS = {"currency": '"$"#,##0.00', "percent": '0.0"%"', "hours": '#,##0.00',
           "ratio": '0.00', "int": '#,##0'}
HEADER_FILL = PatternFill("solid", fgColor="1F6FEB")
HEADER_FONT = Font(bold=True, color="FFFFFF")
TITLE_FONT = Font(bold=True, size=14)


def _put(ws, row: int, col: int, value, unit: str | None = None):
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
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        cell.number_format = FORMATS[unit] if unit in FORMATS else (
            FORMATS["int"] if isinstance(value, int) else "#,##0.00")
    return cell


def _title(ws, text: str, width: int) -> None:
    cell = _put(ws, 1, 1, text)
    cell.font = TITLE_FONT
    if width > 1:
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)


def _table(ws, frame, first_row: int = 2) -> None:
    columns = list(frame.columns)
    for j, col in enumerate(columns, start=1):
        cell = _put(ws, first_row, j, header(col))
        cell.fill, cell.font = HEADER_FILL, HEADER_FONT
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for i, row in enumerate(frame.itertuples(index=False), start=first_row + 1):
        for j, (col, value) in enumerate(zip(columns, row), start=1):
            _put(ws, i, j, value, unit_of(col))
    for j, col in enumerate(columns, start=1):
        longest = max([len(header(col))] +
                      [len(str(v)) for v in frame[col].head(200) if v is not None])
        ws.column_dimensions[get_column_letter(j)].width = min(max(10, longest + 2), 60)
    ws.freeze_panes = ws.cell(row=first_row + 1, column=1)


def _volume_chart(ws, rows: int) -> None:
    if rows == 0:
        return
    chart = BarChart()
    chart.type = "col"
    chart.title = "Tickets opened and closed per week"
    chart.y_axis.title = "tickets"
    chart.x_axis.title = "week from"
    values = Reference(ws, min_col=2, max_col=3, min_row=2, max_row=rows + 2)
    weeks = Reference(ws, min_col=1, min_row=3, max_row=rows + 2)
    chart.add_data(values, titles_from_data=True)
    chart.set_categories(weeks)
    chart.height, chart.width = 8, 18
    ws.add_chart(chart, "E2")


def _hours_chart(ws, rows: int) -> None:
    if rows == 0:
        return
    chart = BarChart()
    chart.type = "col"
    chart.title = "Hours worked per month"
    chart.add_data(Reference(ws, min_col=2, min_row=2, max_row=rows + 2),
                   titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=3, max_row=rows + 2))
    chart.height, chart.width = 7, 14
    ws.add_chart(chart, get_column_letter(ws.max_column + 2) + "2")


def to_workbook(pack: dict, path_or_buffer) -> None:
    """One sheet per section, each with a title row (row 1) and its table (header in row
    2, data from row 3); a Summary sheet first."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Summary"
    _title(ws, heading(pack), 2)
    head = [("Measure", "Value")]
    for j, text in enumerate(head[0], start=1):
        cell = _put(ws, 2, j, text)
        cell.fill, cell.font = HEADER_FILL, HEADER_FONT
    for i, (key, value) in enumerate(pack["summary"].items(), start=3):
        _put(ws, i, 1, SUMMARY_LABELS.get(key, key))
        _put(ws, i, 2, value, unit_of(key))
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["B"].width = 40
    for key, name, title in SHEETS:
        frame = pack[key]
        ws = wb.create_sheet(name)
        _title(ws, f"{title} - {pack['client']}, {pack['quarter']}", max(1, len(frame.columns)))
        _table(ws, frame)
        if key == "volume":
            _volume_chart(ws, len(frame))
        if key == "hours":
            _hours_chart(ws, len(frame) - 1)  # the months, not the quarter total
    wb.save(path_or_buffer)
