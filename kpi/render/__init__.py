"""Renderers: the built views (``kpi.report``, ``kpi.qbr``) as a text e-mail, an Excel
workbook and a PDF. They format and lay out; they compute nothing."""
