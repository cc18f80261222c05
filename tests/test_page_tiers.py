"""The Client tiers page (owner and manager), run by AppTest on the sample store, and its
figure helpers on hand-built frames. Expected numbers come from kpi.tiers / kpi.margin."""
from __future__ import annotations

import json

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from kpi import frames as kpi_frames
from kpi import margin, periods, tiers
from loaders import settings as settings_mod
from loaders import store
from loaders.store import frames as store_frames
from pages._lib import margin_figures as figures
from tests.conftest import ROOT

WEEK = "2026-11-16"
CUT = periods.cutoff(WEEK)


@pytest.fixture(scope="module")
def sample_store(sample_db_url):
    url = sample_db_url
    engine = store.connect(url)
    settings = settings_mod.load_effective(engine)
    d = kpi_frames.make(store_frames.read(engine, sole_user=False), settings)
    engine.dispose()
    window = int(settings["tiers"]["window_months"])
    now = tiers.client_tiers(d, CUT, settings)
    before = tiers.client_tiers(d, CUT - pd.DateOffset(months=window), settings)
    return url, d, settings, now, before


def run_page(url, monkeypatch, role=None, client=None):
    monkeypatch.setenv("CADENCE_DB_URL", url)
    at = AppTest.from_file(str(ROOT / "pages" / "client_tiers.py"), default_timeout=180)
    at.query_params["week"] = WEEK
    if role:
        at.session_state["role_override"] = role
    at.run()
    if client:
        next(s for s in at.selectbox if s.label == "Client" and "All clients" not in
             s.options).set_value(client).run()
    return at


def test_the_clients_to_act_on_come_first(sample_store, monkeypatch):
    url, _, _, now, _ = sample_store
    table = run_page(url, monkeypatch).dataframe[0].value
    rank = table["tier"].map(["Reprice", "Demanding", "Steady", "Core"].index)
    assert rank.is_monotonic_increasing and table["tier"].iloc[0] == "Reprice"
    assert sorted(table["client"]) == sorted(now["client"])
    for _, rows in table.groupby("tier"):   # most effort first; no index (no revenue) first
        index = pd.to_numeric(rows["effort_index"])
        assert index.dropna().is_monotonic_decreasing
        assert not index.isna().any() or index.isna().values[:index.isna().sum()].all()


def scatter(at):
    return json.loads(at.get("plotly_chart")[0].proto.spec)


def test_owner_table_matches_kpi_tiers(sample_store, monkeypatch):
    url, _, _, now, before = sample_store
    at = run_page(url, monkeypatch)
    assert not at.exception
    table = at.dataframe[0].value.set_index("client")
    expected = now.set_index("client")
    assert table["tier"].to_dict() == expected["tier"].to_dict()
    assert table.loc["Bayside Dental", "tier"] == "Reprice"
    for col in ("revenue", "hours", "effort_index", "effective_hourly_rate"):
        # a client with hours and no revenue has no index and no rate on both sides
        assert table[col].to_dict() == pytest.approx(
            pd.to_numeric(expected[col]).to_dict(), nan_ok=True)
    prev = before.set_index("client")["tier"]
    for client, tier in expected["tier"].items():
        old = prev.get(client)
        want = "new in window" if old is None else "unchanged" if old == tier \
            else f"{old} → {tier}"
        assert table.loc[client, "movement"] == want
    assert (table["movement"] != "unchanged").any()       # the sample has movers
    counts = {m.label: int(m.value) for m in at.metric}
    assert counts == now["tier"].value_counts().to_dict()


def test_owner_scatter_has_dollars_quadrants_and_arrows(sample_store, monkeypatch):
    url, _, _, now, before = sample_store
    at = run_page(url, monkeypatch)
    spec = scatter(at)
    reprice = next(t for t in spec["data"] if t["name"] == "Reprice")
    i = reprice["text"].index("Bayside Dental")
    bayside = now.set_index("client").loc["Bayside Dental"]
    assert reprice["x"][i] == pytest.approx(bayside["revenue"])
    assert reprice["y"][i] == pytest.approx(bayside["effort_index"])
    lines = spec["layout"]["shapes"]
    vertical = next(s for s in lines if s["x0"] == s["x1"])
    horizontal = sorted(s["y0"] for s in lines if s["y0"] == s["y1"])
    assert vertical["x0"] == pytest.approx(now["revenue"].median())
    # the effort threshold splits the tiers; the portfolio average is a faint guide
    assert horizontal == [1.0, 1.2]
    moved = now.merge(before, on="client", suffixes=("", "_b"))
    moved = moved[moved["tier"] != moved["tier_b"]]
    arrows = [a for a in spec["layout"]["annotations"] if a.get("showarrow")]
    assert len(arrows) == len(moved)
    assert spec["layout"]["xaxis"]["tickprefix"] == "$"


def test_drill_in_shows_the_clients_months_and_categories(sample_store, monkeypatch):
    url, d, settings, _, _ = sample_store
    at = run_page(url, monkeypatch, client="Bayside Dental")
    assert not at.exception
    months = periods.last_months(CUT - pd.Timedelta(days=1), 12)
    mine = margin.service_margin(d.slice(client="Bayside Dental"), months, cutoff=CUT)
    shown = at.dataframe[1].value
    assert shown["month"].tolist() == mine["month"].tolist()
    assert shown["hours"].tolist() == pytest.approx(mine["hours"].tolist())
    assert shown["revenue"].tolist() == pytest.approx(mine["revenue"].tolist())
    window = periods.full_months_before(CUT, int(settings["tiers"]["window_months"]))
    t = d.tickets[(d.tickets["client"] == "Bayside Dental")
                  & (d.tickets["created_at"] >= window[0])
                  & (d.tickets["created_at"] < periods.month_bounds(window[-1])[1])]
    top = at.dataframe[2].value
    assert top["tickets"].tolist() == t["category"].value_counts().head(5).tolist()


def test_manager_sees_no_money(sample_store, monkeypatch):
    url, _, _, now, _ = sample_store
    at = run_page(url, monkeypatch, role="manager", client="Bayside Dental")
    assert not at.exception and not at.warning
    table = at.dataframe[0].value.set_index("client")
    assert table.loc["Bayside Dental", "tier"] == "Reprice"
    assert "revenue" not in table and "effective_hourly_rate" not in table
    assert table["revenue_rank"].to_dict() == pytest.approx(
        tiers.revenue_rank(now.set_index("client")["revenue"]).to_dict())
    assert list(at.dataframe[1].value.columns) == ["month", "hours"]
    for frame in (f.value for f in at.dataframe):
        assert not any(str(c) in ("revenue", "effective_hourly_rate") for c in frame.columns)
    spec = scatter(at)
    assert "$" not in json.dumps(spec["layout"])
    xs = [x for t in spec["data"] for x in t["x"]]
    assert max(xs) <= len(now)                            # ranks, not dollars
    text = [m.value for m in at.metric] + [c.value for c in at.caption] + \
        [m.value for m in at.markdown]
    assert not any("$" in str(v) for v in text)


def test_technician_is_refused(sample_store, monkeypatch):
    url = sample_store[0]
    at = run_page(url, monkeypatch, role="technician")
    assert not at.exception
    assert "a page for owners and managers; you are signed in as technician" in at.warning[0].value
    assert not at.dataframe and not at.metric and not at.get("plotly_chart")


# ------------------------------------------------------------------- pure helpers
NOW = pd.DataFrame({"client": ["a", "b", "c", "d"], "revenue": [10.0, 20.0, 30.0, 0.0],
                    "effort_index": [2.0, 0.5, 1.5, None],
                    "tier": ["Reprice", "Steady", "Demanding", "Reprice"]})
BEFORE = pd.DataFrame({"client": ["a", "b"], "revenue": [15.0, 25.0],
                       "effort_index": [0.8, 0.4], "tier": ["Steady", "Steady"]})


def test_tier_scatter_quadrants_traces_and_arrows():
    fig = figures.tier_scatter(NOW, BEFORE)
    assert [t.name for t in fig.data] == list(figures.TIERS)
    assert {t.marker.symbol for t in fig.data} == {"circle", "diamond", "square", "x"}
    reprice = next(t for t in fig.data if t.name == "Reprice")
    assert list(reprice.text) == ["a"]                    # d has no index: table only
    vline, threshold, average = fig.layout.shapes
    assert vline.x0 == vline.x1 == 15.0                   # median of 0, 10, 20, 30
    assert threshold.y0 == threshold.y1 == 1.2            # tiers.effort_threshold
    assert average.y0 == average.y1 == 1.0
    assert any("effort threshold (1.2)" in (a.text or "") for a in fig.layout.annotations)
    arrows = [a for a in fig.layout.annotations if a.showarrow]
    assert len(arrows) == 1                               # only a changed tier
    assert (arrows[0].ax, arrows[0].ay, arrows[0].x, arrows[0].y) == (15.0, 0.8, 10.0, 2.0)
    assert fig.layout.xaxis.tickprefix == "$" and fig.layout.plot_bgcolor == "white"


def test_tier_scatter_on_revenue_rank_has_no_dollars():
    now = NOW.assign(revenue_rank=tiers.revenue_rank(NOW["revenue"]))
    before = BEFORE.assign(revenue_rank=tiers.revenue_rank(BEFORE["revenue"]))
    fig = figures.tier_scatter(now, before, x="revenue_rank", x_title="Revenue rank",
                               money=False)
    assert fig.layout.shapes[0].x0 == 2.5
    assert fig.layout.xaxis.tickprefix is None
    assert sorted(x for t in fig.data for x in t.x) == [2.0, 3.0, 4.0]


def test_tier_movement_and_rank():
    moved = tiers.tier_movement(NOW, BEFORE).set_index("client")["movement"].to_dict()
    assert moved == {"a": "Steady → Reprice", "b": "unchanged", "c": "new in window",
                     "d": "new in window"}
    assert tiers.revenue_rank(pd.Series([5.0, 1.0, 5.0])).tolist() == [2.5, 1.0, 2.5]
