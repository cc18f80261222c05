"""The QBR page's figure as a pure function: the pack's tickets per week in (``kpi.qbr``),
a plotly Figure out, no Streamlit, so it is tested on a small hand-built frame."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

OPENED, CLOSED = "#1f6feb", "#8cb8f5"


def volume_figure(volume: pd.DataFrame, weeks: list[str]) -> go.Figure:
    """Tickets opened and closed in each week of the quarter, side by side; ``weeks``: the
    labels of ``volume``'s rows ("07-06", "07-01 (5 d)" for a week cut at the quarter's
    edge), shown as categories so that a label is never read as a date."""
    fig = go.Figure()
    fig.add_bar(x=weeks, y=volume["opened"], name="Opened", marker_color=OPENED)
    fig.add_bar(x=weeks, y=volume["closed"], name="Closed", marker_color=CLOSED)
    fig.update_layout(barmode="group", height=380, hovermode="x unified",
                      margin=dict(l=10, r=10, t=30, b=10),
                      legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0))
    fig.update_xaxes(type="category", title_text="Week (starting Monday)")
    fig.update_yaxes(title_text="Tickets", rangemode="tozero")
    return fig
