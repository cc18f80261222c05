"""Charts and small frames for the Margins and Client tiers pages.

Pure functions: pandas in, a plotly Figure (or a frame) out; no Streamlit, so they are
tested on hand-built frames. Every chart is made to survive a black-and-white print:
white background, labelled axes, and patterns, marker shapes or text labels carry the
meaning that colour also carries.
"""
from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from kpi.utilisation import BAND_HIGH, BAND_LOW
TIERS = ("Core", "Demanding", "Steady", "Reprice")
TIER_STYLE = {  # colour and marker shape (the shape is what survives a grey print)
    "Core": ("#1a7f37", "circle"),
    "Demanding": ("#bf8700", "diamond"),
    "Steady": ("#0969da", "square"),
    "Reprice": ("#cf222e", "x"),
}
FONT = dict(family="Arial, sans-serif", size=13, color="#1f2328")


def numeric(frame: pd.DataFrame) -> pd.DataFrame:
    """The KPI frames keep ratios as objects (None when undefined); tables want floats."""
    cols = [c for c in ("margin_percent", "effective_hourly_rate", "effort_index",
                        "utilisation_percent", "billable_percent") if c in frame]
    return frame.assign(**{c: pd.to_numeric(frame[c], errors="coerce") for c in cols})


def _print_layout(fig: go.Figure, title: str, **layout) -> go.Figure:
    fig.update_layout(title=dict(text=title, y=0.98, yanchor="top"), template="plotly_white",
                      paper_bgcolor="white", plot_bgcolor="white", font=FONT,
                      margin=dict(l=60, r=60, t=110, b=50),
                      legend=dict(orientation="h", yanchor="bottom", y=1.04, x=0), **layout)
    fig.update_xaxes(showline=True, linecolor="#57606a", gridcolor="#d0d7de")
    fig.update_yaxes(showline=True, linecolor="#57606a", gridcolor="#d0d7de")
    return fig


def margin_trend_figure(monthly: pd.DataFrame, mtd_month: str | None = None) -> go.Figure:
    """Per month (``kpi.margin.service_margin`` rows): revenue as a stack (recurring +
    labour) beside a cost stack (labour cost + hard cost), margin % as a line on a second
    axis. ``mtd_month`` (a ``YYYY-MM`` label) is shaded and labelled "month to date"."""
    months = monthly["month"].astype(str).tolist()
    fig = go.Figure()
    stacks = [("Recurring revenue", "recurring_revenue", "revenue", None, "#0969da", ""),
              ("Labour revenue", "labor_revenue", "revenue", "recurring_revenue", "#54aeff",
               "/"),
              ("Labour cost", "labor_cost", "cost", None, "#8c959f", "."),
              ("Hard cost", "hard_cost", "cost", "labor_cost", "#424a53", "x")]
    for name, col, group, base, colour, pattern in stacks:
        fig.add_bar(name=name, x=months, y=monthly[col].astype(float).tolist(),
                    base=monthly[base].astype(float).tolist() if base else None,
                    offsetgroup=group, marker=dict(color=colour, pattern_shape=pattern,
                                                   line=dict(color="#1f2328", width=0.5)),
                    hovertemplate=f"{name}: $%{{y:,.0f}}<extra>%{{x}}</extra>")
    pct = pd.to_numeric(monthly["margin_percent"], errors="coerce")
    fig.add_scatter(name="Margin %", x=months, y=pct.tolist(), yaxis="y2",
                    mode="lines+markers+text", line=dict(color="#1f2328", width=2, dash="dot"),
                    marker=dict(symbol="diamond", size=8),
                    text=[f"{v:.0f} %" if pd.notna(v) else "" for v in pct],
                    textposition="top center",
                    hovertemplate="Margin: %{y:.1f} %<extra></extra>")
    if mtd_month in months:
        i = months.index(mtd_month)
        fig.add_vrect(x0=i - 0.5, x1=i + 0.5, fillcolor="#eaeef2", opacity=0.6, layer="below",
                      line_width=0, annotation_text="month to date",
                      annotation_position="top right")
    # Bars fill the lower ~60 % of the plot and the margin line its upper band, so the
    # line and its labels never sit on the bars (the right axis is ticked only there).
    tallest = max(float((monthly["recurring_revenue"] + monthly["labor_revenue"]).max()),
                  float((monthly["labor_cost"] + monthly["hard_cost"]).max()), 1.0)
    low, high = (float(pct.min()), float(pct.max())) if pct.notna().any() else (0.0, 100.0)
    band_lo, band_hi = math.floor((low - 5) / 10) * 10, math.ceil((high + 5) / 10) * 10
    step = 10 * max(1, math.ceil((band_hi - band_lo) / 60))
    return _print_layout(
        fig, "Service margin by month", barmode="group",
        xaxis=dict(title="Month", type="category"),
        yaxis=dict(title="Revenue and cost ($)", tickprefix="$", tickformat=",.0f",
                   range=[0, tallest * 1.6]),
        yaxis2=dict(title="Margin %", overlaying="y", side="right", ticksuffix=" %",
                    range=[band_hi - (band_hi - band_lo) / 0.35, band_hi], showgrid=False,
                    tickmode="array", tickvals=list(range(band_lo, band_hi + 1, step)),
                    ticktext=[f"{v} %" for v in range(band_lo, band_hi + 1, step)]))


def utilisation_figure(util: pd.DataFrame) -> go.Figure:
    """Horizontal bars of utilisation (client hours ÷ capacity) per technician
    (``kpi.utilisation`` rows) with the 75–85 % band shaded; each bar is labelled with its
    % and band word, and billable utilisation is a hollow marker beside it."""
    u = util.assign(utilisation_percent=pd.to_numeric(util["utilisation_percent"],
                                                      errors="coerce").fillna(0.0),
                    billable_percent=pd.to_numeric(util["billable_percent"], errors="coerce"))
    u = u.sort_values("utilisation_percent")
    fig = go.Figure()
    fig.add_vrect(x0=BAND_LOW, x1=BAND_HIGH, fillcolor="#2da44e", opacity=0.18,
                  line=dict(color="#1a7f37", width=1, dash="dash"), layer="below",
                  annotation_text="target 75–85%", annotation_position="top")
    words = {"in": "in band", "below": "below", "above": "above"}
    fig.add_bar(name="Utilisation (client hours)", orientation="h",
                y=u["technician"].tolist(), x=u["utilisation_percent"].tolist(),
                marker=dict(color="#0969da"),
                text=[f"{p:.0f}% · {words[b]}" if isinstance(b, str) else "–"
                      for p, b in zip(u["utilisation_percent"], u["band"])],
                textposition="outside", cliponaxis=False,
                hovertemplate="%{y}: %{x:.1f}% of capacity on client work<extra></extra>")
    fig.add_scatter(name="Billable", y=u["technician"].tolist(),
                    x=u["billable_percent"].tolist(), mode="markers",
                    marker=dict(symbol="diamond-open", size=10, color="#1f2328"),
                    hovertemplate="%{y}: %{x:.1f}% billable<extra></extra>")
    right = max(100.0, float(u[["utilisation_percent", "billable_percent"]].max().max()
                             if len(u) else 0.0) * 1.2)
    return _print_layout(fig, "Technician utilisation",
                         height=max(320, 28 * len(u) + 120),
                         xaxis=dict(title="% of capacity", ticksuffix="%", range=[0, right]),
                         yaxis=dict(title="Technician", automargin=True))


def tier_scatter(now: pd.DataFrame, before: pd.DataFrame | None = None,
                 x: str = "revenue", x_title: str = "Revenue in window ($)",
                 money: bool = True, threshold: float = 1.2) -> go.Figure:
    """Effort index (y) against ``now[x]`` (revenue, or a revenue rank), one trace per
    tier; the quadrant lines where the tiers split: the median of ``x`` and the effort
    threshold (above it a client is high-effort), with the portfolio average (1.0) as a
    faint guide; for clients whose tier
    changed, an arrow from their position in ``before`` (same columns) to now. Clients
    without an index (hours, no revenue) cannot be placed and are left to the table."""
    pts = now.assign(effort_index=pd.to_numeric(now["effort_index"], errors="coerce"))
    median_x = float(pd.to_numeric(now[x], errors="coerce").median()) if len(now) else 0.0
    pts = pts[pts["effort_index"].notna()]
    fig = go.Figure()
    for tier in TIERS:
        part = pts[pts["tier"] == tier]
        colour, symbol = TIER_STYLE[tier]
        fig.add_scatter(name=tier, x=part[x].tolist(), y=part["effort_index"].tolist(),
                        mode="markers", text=part["client"].tolist(),
                        marker=dict(color=colour, symbol=symbol, size=11,
                                    line=dict(color="#1f2328", width=1)),
                        hovertemplate="%{text}<br>effort index %{y:.2f}<extra>" + tier
                                      + "</extra>")
    fig.add_vline(x=median_x, line=dict(color="#57606a", dash="dash"),
                  annotation_text="median revenue", annotation_position="top")
    fig.add_hline(y=threshold, line=dict(color="#cf222e", dash="dash"),
                  annotation_text=f"effort threshold ({threshold:g}): above it, high-effort",
                  annotation_position="top right")
    fig.add_hline(y=1.0, line=dict(color="#8c959f", dash="dot", width=1),
                  annotation_text="portfolio average (1.0)",
                  annotation_position="bottom right")
    if before is not None and len(before):
        prev = before.assign(effort_index=pd.to_numeric(before["effort_index"],
                                                        errors="coerce"))
        moved = pts.merge(prev[["client", "tier", x, "effort_index"]], on="client",
                          suffixes=("", "_before"))
        moved = moved[(moved["tier"] != moved["tier_before"])
                      & moved["effort_index_before"].notna()]
        # Set once: plotly copies every annotation on each add_annotation (quadratic in
        # the number of arrows).
        arrows = [go.layout.Annotation(x=row[x], y=row["effort_index"], ax=row[f"{x}_before"],
                                       ay=row["effort_index_before"], xref="x", yref="y",
                                       axref="x", ayref="y", showarrow=True, arrowhead=2,
                                       arrowwidth=1.2, arrowcolor="#57606a", text="")
                  for row in moved.to_dict("records")]
        fig.layout.annotations = tuple(fig.layout.annotations) + tuple(arrows)
    xaxis = dict(title=x_title, zeroline=False)
    if money:
        xaxis.update(tickprefix="$", tickformat=",.0f")
    return _print_layout(fig, "Effort versus revenue", height=560, xaxis=xaxis,
                         yaxis=dict(title="Effort index (1.0 = portfolio average)"))
