"""The QBR pack (``qbr.build_pack``) as an Excel workbook (openpyxl) and a PDF (reportlab).

Text from the data is always written as text:

- Workbook: every string cell is stored as a string (``data_type = "s"``), so a client or
  summary beginning with ``=``, ``+``, ``-`` or ``@`` is never a formula; such cells also
  get Excel's quote prefix, so editing the cell in Excel keeps it text. The visible text
  is unchanged, except control characters that the xlsx format cannot hold (removed).
- PDF: text goes through ``Paragraph`` with XML escaping (reportlab's mini-markup never
  sees a ``<`` or ``&`` from the data).

Both take a path or a binary buffer (``io.BytesIO``) and render whatever columns the
pack holds, so a pack passed through ``qbr.without_money`` gives a file without money.
"""
from __future__ import annotations

import math
from xml.sax.saxutils import escape

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .qbr import MONEY_COLUMNS

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PERCENT_COLUMNS = {"response_percent", "resolution_percent", "percent_positive", "share",
                   "csat_percent_positive"}
HOUR_COLUMNS = {"hours"}
RATIO_COLUMNS = {"effort_index"}
FORMATS = {"money": '"$"#,##0.00', "percent": '0.0"%"', "hours": '#,##0.00',
           "ratio": '0.00', "int": '#,##0'}
LABELS = {
    "week": "Week from", "opened": "Opened", "closed": "Closed", "priority": "Priority",
    "response_n": "Responses", "response_met": "Responded on time",
    "response_percent": "Response SLA %", "resolution_n": "Resolutions",
    "resolution_met": "Resolved on time", "resolution_percent": "Resolution SLA %",
    "period": "Period", "responses": "Responses", "positive": "Positive",
    "neutral": "Neutral", "negative": "Negative", "percent_positive": "% positive",
    "small_n": "Fewer than 10", "category": "Category", "tickets": "Tickets",
    "share": "Share %", "month": "Month", "hours": "Hours worked",
    "recurring_revenue": "Agreement revenue", "labor_revenue": "Billed labour",
    "revenue": "Revenue", "revenue_per_hour": "Revenue per hour",
    "agreement_id": "Agreement", "name": "Name", "type": "Type",
    "monthly_revenue": "Monthly revenue", "start_date": "Start", "end_date": "End",
    "as_of": "As of", "cutoff": "Cut-off", "effort_index": "Effort index", "tier": "Tier",
    "ticket_id": "Ticket", "created": "Created", "done": "Done", "status": "Status",
    "summary": "Summary",
}
SHEETS = [  # (pack key, sheet name, title)
    ("volume", "Volume", "Ticket volume per week"),
    ("sla", "SLA", "SLA compliance"),
    ("csat", "CSAT", "Customer satisfaction"),
    ("categories", "Categories", "Top categories"),
    ("hours", "Hours", "Hours against agreement"),
    ("agreements", "Agreements", "Agreements active in the quarter"),
    ("tier", "Tier", "Effort-to-revenue tier"),
    ("tickets", "Tickets", "Tickets opened in the quarter"),
]
SUMMARY_LABELS = {
    "client": "Client", "quarter": "Quarter", "tickets_opened": "Tickets opened",
    "tickets_closed": "Tickets closed", "response_percent": "Response SLA %",
    "response_n": "Responses", "resolution_percent": "Resolution SLA %",
    "resolution_n": "Resolutions", "csat_percent_positive": "CSAT % positive",
    "csat_responses": "CSAT responses", "hours": "Hours worked", "revenue": "Revenue",
    "tier": "Tier at quarter end", "previous_tier": "Tier at previous quarter end",
    "tier_movement": "Tier movement",
}
HEADER_FILL = PatternFill("solid", fgColor="1F6FEB")
HEADER_FONT = Font(bold=True, color="FFFFFF")
TITLE_FONT = Font(bold=True, size=14)


def _plain(value):
    """A Python scalar for a cell: None for missing, numpy numbers unwrapped."""
    if value is None:
        return None
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    try:
        if value is not None and not isinstance(value, (str, bool, int, float)) \
                and value != value:  # pd.NA / NaT
            return None
    except (TypeError, ValueError):
        return None
    return value


def _kind(column: str) -> str | None:
    if column in MONEY_COLUMNS:
        return "money"
    if column in PERCENT_COLUMNS or column.endswith("_percent"):
        return "percent"
    if column in HOUR_COLUMNS:
        return "hours"
    if column in RATIO_COLUMNS:
        return "ratio"
    return None


# ---------------------------------------------------------------------------- workbook
def _put(ws, row: int, col: int, value, kind: str | None = None):
    """Write one cell; strings always as string cells (never formulas)."""
    cell = ws.cell(row=row, column=col)
    value = _plain(value)
    if isinstance(value, str):
        text = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.value = text
        cell.data_type = "s"  # openpyxl makes "=..." a formula; this keeps it text
        if text.startswith(FORMULA_STARTS):
            cell.quotePrefix = True
        return cell
    cell.value = value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        cell.number_format = FORMATS[kind] if kind else (
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
        cell = _put(ws, first_row, j, LABELS.get(col, col.replace("_", " ").capitalize()))
        cell.fill, cell.font = HEADER_FILL, HEADER_FONT
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for i, row in enumerate(frame.itertuples(index=False), start=first_row + 1):
        for j, (col, value) in enumerate(zip(columns, row), start=1):
            _put(ws, i, j, value, _kind(col))
    for j, col in enumerate(columns, start=1):
        longest = max([len(str(LABELS.get(col, col)))] +
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


def _heading(pack: dict) -> str:
    return f"QBR {pack['quarter']} - {pack['client']} ({pack['start']} to {pack['end']})"


def to_workbook(pack: dict, path_or_buffer) -> None:
    """One sheet per section, each with a title row (row 1) and its table (header in row
    2, data from row 3); a Summary sheet first."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Summary"
    _title(ws, _heading(pack), 2)
    head = [("Measure", "Value")]
    for j, text in enumerate(head[0], start=1):
        cell = _put(ws, 2, j, text)
        cell.fill, cell.font = HEADER_FILL, HEADER_FONT
    for i, (key, value) in enumerate(pack["summary"].items(), start=3):
        _put(ws, i, 1, SUMMARY_LABELS.get(key, key))
        _put(ws, i, 2, value, _kind(key))
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


# ---------------------------------------------------------------------------- PDF
def _text(value, kind: str | None = None) -> str:
    value = _plain(value)
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        if kind == "money":
            return f"-${abs(value):,.2f}" if value < 0 else f"${value:,.2f}"
        if kind == "percent":
            return f"{value:.1f} %"
        if kind in ("hours", "ratio"):
            return f"{value:,.2f}"
        return f"{value:,}" if isinstance(value, int) else f"{value:,.2f}"
    return str(value)


def to_pdf(pack: dict, path_or_buffer, max_tickets: int = 60) -> None:
    """Title, a summary table, one table per section, a bar chart of the weekly volume;
    the ticket list is cut at ``max_tickets`` rows (the workbook holds them all)."""
    from reportlab.graphics.charts.barcharts import VerticalBarChart
    from reportlab.graphics.charts.legends import Legend
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import landscape, letter
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import inch
    from reportlab.platypus import (Paragraph, SimpleDocTemplate, Spacer, Table,
                                    TableStyle)

    styles = getSampleStyleSheet()
    cell_style = styles["BodyText"].clone("cell", fontSize=8, leading=10)
    head_style = cell_style.clone("head", textColor=colors.white, fontName="Helvetica-Bold")
    para = lambda text, style=cell_style: Paragraph(escape(str(text)), style)  # noqa: E731
    grid = TableStyle([
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#1F6FEB")),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#C8CDD3")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ])

    def table(frame, widths=None):
        cols = list(frame.columns)
        rows = [[para(LABELS.get(c, c), head_style) for c in cols]]
        for r in frame.itertuples(index=False):
            rows.append([para(_text(v, _kind(c))) for c, v in zip(cols, r)])
        t = Table(rows, colWidths=widths, repeatRows=1, hAlign="LEFT")
        t.setStyle(grid)
        return t

    story = [Paragraph(escape(_heading(pack)), styles["Title"])]
    summary = [[para("Measure", head_style), para("Value", head_style)]]
    for key, value in pack["summary"].items():
        summary.append([para(SUMMARY_LABELS.get(key, key)), para(_text(value, _kind(key)))])
    t = Table(summary, colWidths=[2.6 * inch, 4 * inch], hAlign="LEFT")
    t.setStyle(grid)
    story += [t, Spacer(1, 12)]

    volume = pack["volume"]
    if len(volume):
        drawing = Drawing(9 * inch, 2.6 * inch)
        chart = VerticalBarChart()
        chart.x, chart.y, chart.width, chart.height = 40, 30, 8 * inch, 1.9 * inch
        chart.data = [list(map(int, volume["opened"])), list(map(int, volume["closed"]))]
        chart.categoryAxis.categoryNames = [str(w)[5:] for w in volume["week"]]
        chart.categoryAxis.labels.fontSize = 7
        chart.valueAxis.valueMin = 0
        chart.bars[0].fillColor = colors.HexColor("#1F6FEB")
        chart.bars[1].fillColor = colors.HexColor("#9AA5B1")
        legend = Legend()
        legend.x, legend.y = 8.2 * inch, 2.4 * inch
        legend.colorNamePairs = [(colors.HexColor("#1F6FEB"), "opened"),
                                 (colors.HexColor("#9AA5B1"), "closed")]
        drawing.add(chart)
        drawing.add(legend)
        story += [Paragraph("Tickets opened and closed per week", styles["Heading2"]),
                  drawing]
    for key, _name, title in SHEETS:
        frame = pack[key]
        story.append(Paragraph(escape(title), styles["Heading2"]))
        if key == "tier":
            story.append(Paragraph(escape(f"Movement: {pack['tier_movement']}"),
                                   styles["BodyText"]))
        if frame.empty:
            story.append(Paragraph("Nothing in this quarter.", styles["BodyText"]))
            continue
        shown = frame
        if key == "tickets" and len(frame) > max_tickets:
            shown = frame.head(max_tickets)
        widths = None
        if key == "tickets":
            widths = [0.8 * inch, 1.1 * inch, 1.1 * inch, 0.6 * inch, 1.2 * inch,
                      0.9 * inch, 3.6 * inch][:len(frame.columns)]
        story.append(table(shown, widths))
        if shown is not frame:
            story.append(Paragraph(f"... and {len(frame) - len(shown)} more tickets in the "
                                   "workbook.", styles["BodyText"]))
        story.append(Spacer(1, 10))
    doc = SimpleDocTemplate(path_or_buffer, pagesize=landscape(letter),
                            title=f"QBR {pack['quarter']}", leftMargin=0.5 * inch,
                            rightMargin=0.5 * inch, topMargin=0.5 * inch,
                            bottomMargin=0.5 * inch)
    doc.build(story)
