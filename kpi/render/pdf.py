"""The QBR pack (``qbr.build_pack``) as a PDF (reportlab).

Text goes through ``Paragraph`` with XML escaping (reportlab's mini-markup never sees a
``<`` or ``&`` from the data). Headers and number formats come from the metric
declarations (``kpi.metrics``, ``kpi.formats``) for whatever columns the pack holds.
"""
from __future__ import annotations

from xml.sax.saxutils import escape

from ..formats import number
from .pack import SHEETS, SUMMARY_LABELS, header, heading, plain, unit_of

DIGITS = {"currency": 2, "percent": 1, "hours": 2, "ratio": 2}


def _text(value, unit: str | None = None) -> str:
    value = plain(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        if unit in DIGITS:
            return number(value, unit, DIGITS[unit])
        return number(value, "count", 0 if isinstance(value, int) else 2)
    return number(value, None)


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
        rows = [[para(header(c), head_style) for c in cols]]
        for r in frame.itertuples(index=False):
            rows.append([para(_text(v, unit_of(c))) for c, v in zip(cols, r)])
        t = Table(rows, colWidths=widths, repeatRows=1, hAlign="LEFT")
        t.setStyle(grid)
        return t

    story = [Paragraph(escape(heading(pack)), styles["Title"])]
    summary = [[para("Measure", head_style), para("Value", head_style)]]
    for key, value in pack["summary"].items():
        summary.append([para(SUMMARY_LABELS.get(key, key)), para(_text(value, unit_of(key)))])
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
