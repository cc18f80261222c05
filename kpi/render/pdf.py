"""The QBR pack (``qbr.build_pack``) as a PDF (reportlab).

Layout: a cover (the MSP's logo and name from the settings, the client and quarter), then
what changed and the quarter against the one before, the weekly chart (partial weeks
labelled), one table per section with its notes, and the notable tickets (the workbook
lists them all). Numbers are right-aligned with their unit (``kpi.formats`` by the
column's unit in ``kpi.metrics``). A heading never ends a page without its table: a table
that fits on a page is kept whole with its heading; a longer one starts on a new page
unless its heading and first rows fit, and repeats its header row on every page.

Text goes through ``Paragraph`` with XML escaping (reportlab's mini-markup never sees a
``<`` or ``&`` from the data). The font is Bitstream Vera, shipped with reportlab, so
the real minus sign and the dashes print on any machine.
"""
from __future__ import annotations

import io
import os
from xml.sax.saxutils import escape

from .pack import (INTERNAL_MARK, SECTIONS, change_text, comparison, comparison_headers,
                   header, heading, is_number, notable_note, partial_weeks_note, text,
                   unit_of, week_labels)

FONT, BOLD = "CadenceVera", "CadenceVera-Bold"
BLUE, GREY, RULE, MUTED = "#1F6FEB", "#9AA5B1", "#C8CDD3", "#57606A"
PDF_SECTIONS = ("months", "sla", "csat", "comments", "categories", "hours", "agreements",
                "tier")
MIN_ROWS_WITH_HEADING = 3
PAD = 8   # points of padding in a cell, left and right together


def _fonts() -> None:
    import reportlab
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    folder = os.path.join(os.path.dirname(reportlab.__file__), "fonts")
    pdfmetrics.registerFont(TTFont(FONT, os.path.join(folder, "Vera.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, os.path.join(folder, "VeraBd.ttf")))


def _widths(rigid: list[bool], cells: list[list[str]], heads: list[str], size: float,
            total: float) -> list[float]:
    """Column widths that fit ``total``: numbers and dates as wide as their widest cell
    (they never wrap), text columns share what is left, each at least its header's
    longest word."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    natural, least, fixed = [], [], []
    for j, keep in enumerate(rigid):
        widest = max([stringWidth(row[j], FONT, size) for row in cells] + [0]) + PAD
        word = max(stringWidth(w, BOLD, size) for w in (heads[j].split() or [""])) + PAD
        natural.append(max(widest, word))
        least.append(max(word, widest if keep else min(widest, 60)))
        fixed.append(keep)
    if sum(natural) <= total:
        return natural
    rest = total - sum(w for w, f in zip(least, fixed) if f)
    flexible = [w for w, f in zip(natural, fixed) if not f]
    share = [max(lw, rest * w / sum(flexible)) if flexible else lw
             for w, lw in zip(natural, least)]
    widths = [lw if f else s for lw, s, f in zip(least, share, fixed)]
    scale = min(1.0, total / sum(widths))
    return [w * scale for w in widths]


def to_pdf(pack: dict, path_or_buffer, logo: bytes | None = None) -> None:
    """The pack as a landscape letter PDF (see the module notes)."""
    from reportlab.graphics.charts.barcharts import VerticalBarChart
    from reportlab.graphics.charts.legends import Legend
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_LEFT, TA_RIGHT
    from reportlab.lib.pagesizes import landscape, letter
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import inch
    from reportlab.platypus import (CondPageBreak, Image, KeepTogether, PageBreak,
                                    Paragraph, SimpleDocTemplate, Spacer, Table,
                                    TableStyle)

    _fonts()
    page_w, page_h = landscape(letter)
    margin = 0.5 * inch
    frame_w, frame_h = page_w - 2 * margin, page_h - 2 * margin - 14
    base = getSampleStyleSheet()
    body = base["BodyText"].clone("qbr-body", fontName=FONT, fontSize=9, leading=12)
    note = body.clone("qbr-note", fontSize=8, leading=10.5, spaceAfter=3,
                      textColor=colors.HexColor(MUTED))
    h1 = base["Title"].clone("qbr-title", fontName=BOLD, fontSize=26, leading=32,
                             alignment=TA_LEFT)
    h2 = base["Heading2"].clone("qbr-h2", fontName=BOLD, fontSize=13, leading=16,
                                spaceBefore=4, spaceAfter=4, keepWithNext=1)
    cell = body.clone("qbr-cell", fontSize=8, leading=10)
    head = cell.clone("qbr-head", fontName=BOLD, textColor=colors.white)
    head_right = head.clone("qbr-head-r", alignment=TA_RIGHT)
    para = lambda value, style: Paragraph(escape(str(value)), style)  # noqa: E731

    def grid(rows: int, right: list[bool]) -> TableStyle:
        return TableStyle([
            ("FONTNAME", (0, 1), (-1, -1), FONT), ("FONTSIZE", (0, 1), (-1, -1), 8),
            ("LEADING", (0, 1), (-1, -1), 10),
            *[("ALIGN", (j, 1), (j, -1), "RIGHT") for j, r in enumerate(right) if r],
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(BLUE)),
            ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor(RULE)),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), PAD / 2),
            ("RIGHTPADDING", (0, 0), (-1, -1), PAD / 2),
            # the header never leaves its first rows behind
            ("NOSPLIT", (0, 0), (-1, min(rows, MIN_ROWS_WITH_HEADING))),
        ])

    def table(heads: list[str], cells: list[list[str]], right: list[bool],
              rigid: list[bool]) -> Table:
        widths = _widths(rigid, cells, heads, 8, frame_w)
        rows = [[para(h, head_right if r else head) for h, r in zip(heads, right)]]
        # numbers and dates never wrap (their column is as wide as the widest): plain
        # strings; text may wrap: a paragraph
        rows += [[v if keep else para(v, cell) for v, keep in zip(row, rigid)]
                 for row in cells]
        t = Table(rows, colWidths=widths, repeatRows=1, hAlign="LEFT")
        t.setStyle(grid(len(cells), right))
        return t

    def frame_table(frame) -> Table:
        columns = list(frame.columns)
        cells = [[change_text(v, unit_of(c)) if c == "tickets_change" else text(v, unit_of(c))
                  for c, v in zip(columns, row)] for row in frame.itertuples(index=False)]
        return table([header(c) for c in columns], cells, [is_number(c) for c in columns],
                     [is_number(c) or unit_of(c) in ("date", "datetime", "month")
                      for c in columns])

    def block(title: str, notes: list[str], body_flowables: list) -> list:
        """A heading, its notes and its table, never parted."""
        top = [Paragraph(escape(title), h2)] + [para(n, note) for n in notes]
        parts = top + body_flowables
        height = sum(f.wrap(frame_w, frame_h)[1] for f in parts) + 6 * len(parts)
        if height <= frame_h:
            return [KeepTogether(parts), Spacer(1, 12)]
        first = sum(f.wrap(frame_w, frame_h)[1] for f in top) + 6 * len(top)
        t = body_flowables[0]
        first += sum(t._rowHeights[:MIN_ROWS_WITH_HEADING + 1]) if isinstance(t, Table) else 0
        return [CondPageBreak(first + 12)] + parts + [Spacer(1, 12)]

    story = _cover(pack, logo, h1, body, note, para, Image, Spacer, inch, colors)
    story.append(PageBreak())
    story += block("What changed", [], [para(f"• {s}", body) for s in pack["sentences"]])
    rows = [[name, text(now, unit), text(then, unit),
             change_text(change, unit)] for name, unit, now, then, change in comparison(pack)]
    story += block(f"{pack['quarter']} against {pack['previous_quarter']}", [],
                   [table(comparison_headers(pack), rows, [False, True, True, True],
                          [False, True, True, True])])

    volume = pack["volume"]
    if len(volume):
        drawing = Drawing(frame_w, 2.4 * inch)
        chart = VerticalBarChart()
        chart.x, chart.y, chart.width, chart.height = 30, 28, frame_w - 150, 1.9 * inch
        chart.data = [list(map(int, volume["opened"])), list(map(int, volume["closed"]))]
        chart.categoryAxis.categoryNames = week_labels(volume)
        chart.categoryAxis.labels.fontName = FONT
        chart.categoryAxis.labels.fontSize = 7
        chart.valueAxis.labels.fontName = FONT
        chart.valueAxis.labels.fontSize = 7
        chart.valueAxis.valueMin = 0
        chart.bars[0].fillColor = colors.HexColor(BLUE)
        chart.bars[1].fillColor = colors.HexColor(GREY)
        legend = Legend()
        legend.fontName = FONT
        legend.x, legend.y = frame_w - 105, 1.9 * inch
        legend.colorNamePairs = [(colors.HexColor(BLUE), "opened"),
                                 (colors.HexColor(GREY), "resolved or closed")]
        drawing.add(chart)
        drawing.add(legend)
        notes = [n for n in [partial_weeks_note(pack)] if n]
        story += block("Tickets opened and closed per week", notes, [drawing])

    for key, _sheet, title, notes_key in SECTIONS:
        if key not in PDF_SECTIONS or key not in pack:
            continue
        frame = pack[key]
        notes = list(pack.get(notes_key) or []) if notes_key else []
        if frame.empty:
            story += block(title, notes, [para("Nothing in this quarter.", body)])
            continue
        story += block(title, notes, [frame_table(frame)])
    notable = pack["notable"]
    story += block("Notable tickets", [notable_note(pack)],
                   [frame_table(notable) if len(notable) else
                    para("No P1 or P2, reopened or late tickets in this quarter.", body)])

    footer = f"QBR {pack['quarter']} · {pack['client']}" + (
        f" · {INTERNAL_MARK}" if pack["audience"] == "internal" else "")

    def on_page(canvas, doc):
        canvas.saveState()
        canvas.setFont(FONT, 7)
        canvas.setFillColor(colors.HexColor(MUTED))
        canvas.drawString(margin, margin / 2, footer)
        canvas.drawRightString(page_w - margin, margin / 2, f"page {doc.page}")
        canvas.restoreState()

    doc = SimpleDocTemplate(path_or_buffer, pagesize=landscape(letter),
                            title=f"QBR {pack['quarter']} {pack['client']}",
                            author=pack.get("msp_name") or "", leftMargin=margin,
                            rightMargin=margin, topMargin=margin, bottomMargin=margin + 14)
    doc.build(story, onFirstPage=on_page, onLaterPages=on_page)


def _cover(pack, logo, h1, body, note, para, Image, Spacer, inch, colors) -> list:
    """The MSP's logo and name, then the client, the quarter and the audience."""
    story = [Spacer(1, 0.6 * inch)]
    if logo:
        try:
            from reportlab.lib.utils import ImageReader

            w, h = ImageReader(io.BytesIO(logo)).getSize()
            scale = min(2.8 * inch / w, 1.3 * inch / h, 1.0 if w > 200 else 3.0)
            image = Image(io.BytesIO(logo), width=w * scale, height=h * scale)
            image.hAlign = "LEFT"
            story += [image, Spacer(1, 0.25 * inch)]
        except Exception:   # a logo reportlab can't read leaves the cover without one
            pass
    big = body.clone("qbr-cover", fontSize=16, leading=22)
    if pack.get("msp_name"):
        story.append(para(pack["msp_name"], big))
    story += [Spacer(1, 0.5 * inch), para("Quarterly business review", big),
              para(pack["client"], h1), Spacer(1, 0.1 * inch),
              para(f"{pack['quarter']}: {pack['start']} to {pack['end']}, compared with "
                   f"{pack['previous_quarter']}", big)]
    if pack["audience"] == "internal":
        mark = big.clone("qbr-internal", textColor=colors.HexColor("#B42318"))
        story += [Spacer(1, 0.4 * inch), para(INTERNAL_MARK, mark)]
    story += [Spacer(1, 0.4 * inch), para(heading(pack), note)]
    return story
