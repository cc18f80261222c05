"""The Margins page (owner only), run by AppTest on the sample store, and its chart
builders on hand-built frames. Expected numbers come from kpi/ for the same cut-off."""
from __future__ import annotations

import json

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from kpi import frames as kpi_frames
from kpi import labour, margin, periods, utilisation
from loaders import settings as settings_mod
from loaders import store
from loaders.store import frames as store_frames
from pages._lib import margin_figures as figures
from pages._lib.formats import money, percent
from tests.conftest import ROOT

WEEK = "2026-11-16"
CUT = periods.cutoff(WEEK)                      # 2026-11-23 00:00
MONTHS = periods.last_months(CUT - pd.Timedelta(days=1), 12)


@pytest.fixture(scope="module")
def sample_store(sample_db_url):
    url = sample_db_url
    engine = store.connect(url)
    settings = settings_mod.load_effective(engine)
    frames = kpi_frames.make(store_frames.read(engine, sole_user=False), settings)
    engine.dispose()
    return url, frames, settings


def run_page(url, monkeypatch, role=None, month=None):
    monkeypatch.setenv("CADENCE_DB_URL", url)
    at = AppTest.from_file(str(ROOT / "pages" / "margins.py"), default_timeout=180)
    at.query_params["week"] = WEEK
    if role:
        at.session_state["role_override"] = role
    at.run()
    if month:
        next(s for s in at.selectbox if s.label == "Month").set_value(month).run()
    return at


def chart_specs(at):
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


@pytest.mark.parametrize("month", [None, "2026-08"])
def test_owner_sees_the_kpi_numbers(sample_store, monkeypatch, month):
    url, d, settings = sample_store
    at = run_page(url, monkeypatch, month=month)
    assert not at.exception
    monthly = margin.service_margin(d, MONTHS, cutoff=CUT)
    label = month or "2026-11"
    row = monthly.set_index("month").loc[label]
    shown = {m.label: m.value for m in at.metric}
    assert shown == {"Revenue": money(row["revenue"]), "Margin": money(row["margin"]),
                     "Margin %": percent(row["margin_percent"], 1),
                     "Labour cost": money(row["labor_cost"]),
                     "Effective hourly rate": money(row["effective_hourly_rate"], cents=True)}

    by_client = margin.service_margin(d, [label], cutoff=CUT, by_client=True)
    # the MSP's own time (internal clients, no client) is shown apart, not as a client
    by_client = by_client.loc[~labour.internal(by_client["client"], settings)] \
        .set_index("client")
    table = at.dataframe[0].value
    assert sorted(table["client"]) == sorted(by_client.index)
    assert list(table.columns[:5]) == ["client", "flag", "revenue", "margin", "margin_percent"]
    assert table["margin"].tolist() == sorted(table["margin"])        # worst first
    for c in ("revenue", "labor_cost", "hard_cost", "margin"):
        assert table.set_index("client")[c].to_dict() == pytest.approx(by_client[c].to_dict())
    negative = table["margin"] < 0
    assert (table.loc[negative, "flag"] == "costs more than it pays").all()
    assert (table.loc[~negative, "flag"] == "").all()

    agreements = margin.margin_by_agreement(d, [label], cutoff=CUT)
    own = labour.internal(agreements["client"], settings)
    shown_ag = at.dataframe[1].value
    assert len(shown_ag) == len(agreements[~own])    # the MSP's own time shown apart
    assert shown_ag["margin"].sum() == pytest.approx(agreements.loc[~own, "margin"].sum())
    assert agreements["margin"].sum() == pytest.approx(row["margin"])


def test_november_is_month_to_date_and_bayside_loses_money(sample_store, monkeypatch):
    url, d, settings = sample_store
    at = run_page(url, monkeypatch)
    month_box = next(s for s in at.selectbox if s.label == "Month")
    assert month_box.options[0] == "2026-11 (month to date)" and month_box.value == "2026-11"
    assert at.dataframe[0].value.iloc[0]["client"] == "Bayside Dental"
    assert "cost more than they pay" in at.warning[0].value
    trend = chart_specs(at)[0]
    monthly = margin.service_margin(d, MONTHS, cutoff=CUT)
    bars = {t["name"]: t for t in trend["data"] if t["type"] == "bar"}
    assert bars["Recurring revenue"]["y"] == pytest.approx(monthly["recurring_revenue"].tolist())
    assert bars["Hard cost"]["y"] == pytest.approx(monthly["hard_cost"].tolist())
    assert trend["layout"]["shapes"][0]["x0"] == pytest.approx(10.5)   # the 12th month
    assert any(a.get("text") == "month to date" for a in trend["layout"]["annotations"])


def test_utilisation_table_and_band(sample_store, monkeypatch):
    url, d, settings = sample_store
    at = run_page(url, monkeypatch)
    expected = utilisation.utilisation(d, CUT - 4 * periods.WEEK, CUT, settings).set_index("technician")
    shown = next(f.value for f in at.dataframe if "band" in f.value.columns) \
        .set_index("technician")
    assert shown.loc["Marcus Bell", "band"] == "above"
    assert shown.loc["Owen Fletcher", "band"] == "below"
    # the sample's story: the Infrastructure technicians above the band, most others in it
    infra = expected[expected["team"] == "Infrastructure"]
    assert len(infra) >= 3 and (infra["band"] == "above").all()
    assert (expected["band"] == "in").sum() >= 12
    assert shown["utilisation_percent"].to_dict() == pytest.approx(
        pd.to_numeric(expected["utilisation_percent"]).to_dict())
    assert shown["billable_percent"].to_dict() == pytest.approx(
        pd.to_numeric(expected["billable_percent"]).to_dict())
    weekly = next(f.value for f in at.dataframe if "technician" in f.value.columns
                  and "band" not in f.value.columns)
    assert len(weekly.columns) == 2 + 4    # technician, team and the 4 weeks
    chart = chart_specs(at)[1]
    band = chart["layout"]["shapes"][0]
    assert (band["x0"], band["x1"]) == (75, 85)


@pytest.mark.parametrize("role", ["manager", "technician"])
def test_other_roles_see_no_margins(sample_store, monkeypatch, role):
    url, _, _ = sample_store
    at = run_page(url, monkeypatch, role=role)
    assert not at.exception
    assert "Margins is the owner's page; you are signed in as " + role in at.warning[0].value
    assert not at.metric and not at.dataframe and not at.get("plotly_chart")
    assert not any("$" in m.value for m in at.markdown)


# ------------------------------------------------------------------- pure figure builders
def test_margin_trend_figure_stacks_revenue_beside_cost():
    monthly = pd.DataFrame({"month": ["2026-09", "2026-10", "2026-11"],
                            "recurring_revenue": [100.0, 100.0, 100.0],
                            "labor_revenue": [50.0, 20.0, 0.0],
                            "labor_cost": [60.0, 30.0, 0.0], "hard_cost": [10.0, 10.0, 0.0],
                            "margin_percent": [53.3, 66.7, None]})
    fig = figures.margin_trend_figure(monthly, mtd_month="2026-11")
    assert [t.type for t in fig.data] == ["bar"] * 4 + ["scatter"]
    rec, lab, cost, hard, line = fig.data
    assert rec.offsetgroup == lab.offsetgroup == "revenue"
    assert cost.offsetgroup == hard.offsetgroup == "cost"
    assert list(lab.base) == [100.0, 100.0, 100.0] and list(hard.base) == [60.0, 30.0, 0.0]
    assert line.yaxis == "y2" and line.y[:2] == (53.3, 66.7)
    assert {lab.marker.pattern.shape, hard.marker.pattern.shape} == {"/", "x"}  # print
    assert fig.layout.shapes[0].x0 == 1.5 and fig.layout.shapes[0].x1 == 2.5
    assert fig.layout.plot_bgcolor == "white"
    assert fig.layout.xaxis.title.text and fig.layout.yaxis.title.text
    assert fig.layout.yaxis2.title.text == "Margin %"


def test_margin_trend_figure_without_month_to_date():
    monthly = pd.DataFrame({"month": ["2026-10"], "recurring_revenue": [1.0],
                            "labor_revenue": [0.0], "labor_cost": [2.0], "hard_cost": [0.0],
                            "margin_percent": [-100.0]})
    fig = figures.margin_trend_figure(monthly, mtd_month=None)
    assert not fig.layout.shapes
    ticks = fig.layout.yaxis2.tickvals
    assert min(ticks) <= -100.0 and max(ticks) >= -100.0   # the line's band is ticked
    assert fig.layout.yaxis2.range[0] < min(ticks)          # and sits above the bars
    assert fig.layout.yaxis.range == (0, 2.0 * 1.6)


def test_utilisation_figure_shades_the_band_and_labels_bars():
    util = pd.DataFrame({"technician": ["Ann", "Bob", "Cy"],
                         "utilisation_percent": [90.0, 80.0, None],
                         "billable_percent": [35.0, 25.0, None],
                         "band": ["above", "in", None]})
    fig = figures.utilisation_figure(util)
    band = fig.layout.shapes[0]
    assert (band.x0, band.x1, band.type) == (75.0, 85.0, "rect")
    bars = fig.data[0]
    assert bars.type == "bar" and bars.orientation == "h"
    assert list(bars.y) == ["Cy", "Bob", "Ann"] and list(bars.x) == [0.0, 80.0, 90.0]
    assert list(bars.text) == ["–", "80% · in band", "90% · above"]
    assert fig.data[1].marker.symbol == "diamond-open"
    assert fig.layout.xaxis.title.text == "% of capacity"
