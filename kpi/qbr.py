"""One client's quarter for a quarterly business review (SPEC "Who uses it": QBR).

Pure pandas, like the rest of the engine. ``build_pack`` returns a dict of tables and
values that the dashboard's QBR page, the workbook and the PDF all show (``qbr_export``).

Decisions:

- A quarter is ``[first day 00:00, first day of the next quarter 00:00)`` (``"2026Q3"``:
  2026-07-01 to 2026-10-01). Everything in the pack is cut at the quarter's end.
- **Volume**: weeks run Monday to Sunday as elsewhere; the first and last week are clipped
  to the quarter, so the weeks add up to the quarter (a week is named by its first day
  inside the quarter). Opened = created in the week; closed = done (``tickets.done_at``:
  resolved, else closed; cancelled tickets are done when cancelled) in the week.
- **SLA compliance** is ``compliance.sla_compliance`` over the quarter for the client's
  tickets, per priority plus an ``"All priorities"`` row.
- **CSAT**: the client's rated responses per month of the quarter plus a ``"Quarter"``
  row (``csat.csat_by_period``); ``small_n`` flags fewer than 10 responses.
- **Top categories**: the client's tickets created in the quarter, by category (none →
  "Uncategorised"); share = % of the quarter's tickets; the 10 largest, ties by name.
- **Hours against agreement**: the store holds no "hours included" for a block, so hours
  are set against what the agreements bring in: per month, hours worked for the client
  (all time entries, billable or not) beside the recurring revenue of the client's active
  agreements, the labour revenue billed on top, and revenue per hour worked
  (``margin.service_margin(by_client=True)``, so the numbers match the Margins page).
  The agreements active in the quarter are listed with type and monthly revenue.
- **Tier**: ``tiers.client_tiers`` at the quarter's end and at the previous quarter's end
  (= this quarter's start), each over its own ``tiers.window_months`` full months. A
  client with neither revenue nor hours in a window has no tier ("(none)").
- **Tickets**: the client's tickets created in the quarter (the appendix of the pack);
  ``done`` is blank for a ticket still open at the quarter's end.
- Money columns are listed in ``MONEY_COLUMNS``; ``without_money(pack)`` drops them for
  viewers who may not see margins and rates.
"""
from __future__ import annotations

import re

import pandas as pd

from .categories import top_categories
from .compliance import sla_compliance
from .csat import csat_by_period
from .frames import Frames
from .margin import agreement_months, service_margin
from .periods import WEEK, month_label, week_start
from .tiers import client_tiers

_QUARTER = re.compile(r"^\s*(\d{4})\s*-?\s*[Qq]([1-4])\s*$")
TOP_CATEGORIES = 10
NO_TIER = "(none)"
ALL_PRIORITIES = "All priorities"
MONEY_COLUMNS = {"revenue", "recurring_revenue", "labor_revenue", "monthly_revenue",
                 "revenue_per_hour", "effective_hourly_rate"}
SECTIONS = ("volume", "sla", "csat", "categories", "hours", "agreements", "tier", "tickets")


# ---------------------------------------------------------------------------- quarters
def quarter_bounds(quarter: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """``"2026Q3"`` → (2026-07-01 00:00, 2026-10-01 00:00), half-open."""
    match = _QUARTER.match(str(quarter))
    if not match:
        raise ValueError(f"'{quarter}' is not a quarter like 2026Q3")
    year, q = int(match.group(1)), int(match.group(2))
    start = pd.Timestamp(year, 3 * (q - 1) + 1, 1)
    return start, start + pd.DateOffset(months=3)


def quarter_label(when) -> str:
    ts = pd.Timestamp(when)
    return f"{ts.year}Q{(ts.month - 1) // 3 + 1}"


def quarters_with_data(frames: Frames) -> list[str]:
    """Every quarter from the first to the last ticket created, oldest first."""
    created = frames.tickets["created_at"].dropna()
    if created.empty:
        return []
    first, last = quarter_bounds(quarter_label(created.min()))[0], created.max()
    out, q = [], first
    while q <= last:
        out.append(quarter_label(q))
        q = q + pd.DateOffset(months=3)
    return out


def default_quarter(frames: Frames) -> str | None:
    """The last full quarter before the latest ticket created (its own quarter when the
    data ends exactly at a quarter's end)."""
    quarters = quarters_with_data(frames)
    if not quarters:
        return None
    last = frames.tickets["created_at"].max()
    full = [q for q in quarters if quarter_bounds(q)[1] <= last + pd.Timedelta(days=1)]
    return full[-1] if full else quarters[-1]


def clients(frames: Frames, settings: dict | None = None) -> list[str]:
    """Every client named in the data, the MSP's own company (``labor.internal_clients``)
    left out: it gets no QBR."""
    names = set()
    for frame in (frames.tickets, frames.agreements, frames.time_entries, frames.csat):
        # unique() before Python sees them: a million entries' names one by one is slow
        names |= set(frame["client"].dropna().unique().tolist())
    own = set((settings or {}).get("labor", {}).get("internal_clients") or [])
    return sorted(names - own)


# ---------------------------------------------------------------------------- sections
def _weeks(start: pd.Timestamp, end: pd.Timestamp) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    bounds, s = [], start
    while s < end:
        e = min(week_start(s) + WEEK, end)
        bounds.append((s, e))
        s = e
    return bounds


def _volume(tickets: pd.DataFrame, start, end) -> pd.DataFrame:
    created = tickets["created_at"]
    done = tickets["done_at"].where(created.notna())
    rows = []
    for s, e in _weeks(start, end):
        rows.append({"week": s.strftime("%Y-%m-%d"),
                     "opened": int(((created >= s) & (created < e)).sum()),
                     "closed": int(((done >= s) & (done < e)).sum())})
    return pd.DataFrame(rows, columns=["week", "opened", "closed"])


def _sla(mine: Frames, start, end, settings) -> pd.DataFrame:
    per = sla_compliance(mine, start, end, settings, by=("priority",))
    total = sla_compliance(mine, start, end, settings, by=())
    total.insert(0, "priority", ALL_PRIORITIES)
    if per.empty:
        total = total if len(total) else pd.DataFrame(
            [{"priority": ALL_PRIORITIES, "response_n": 0, "response_met": 0,
              "response_percent": None, "resolution_n": 0, "resolution_met": 0,
              "resolution_percent": None}])
        return total.reset_index(drop=True)
    return pd.concat([per, total], ignore_index=True)


def _csat(mine: Frames, start, end) -> pd.DataFrame:
    months = [start + pd.DateOffset(months=k) for k in range(3)]
    bounds = [(m, m + pd.DateOffset(months=1)) for m in months] + [(start, end)]
    labels = [month_label(m) for m in months] + ["Quarter"]
    out = csat_by_period(mine, bounds, labels)
    return out[["period", "responses", "positive", "neutral", "negative",
                "percent_positive", "small_n"]]


def _hours(mine: Frames, client: str, start, end) -> pd.DataFrame:
    months = [start + pd.DateOffset(months=k) for k in range(3)]
    per = service_margin(mine, months, cutoff=end, by_client=True)
    per = per.loc[per["client"] == client].set_index("month")
    rows = []
    for m in months:
        label = month_label(m)
        r = per.loc[label] if label in per.index else None
        hours = float(r["hours"]) if r is not None else 0.0
        recurring = float(r["recurring_revenue"]) if r is not None else 0.0
        labour = float(r["labor_revenue"]) if r is not None else 0.0
        rows.append({"month": label, "hours": hours, "recurring_revenue": recurring,
                     "labor_revenue": labour, "revenue": recurring + labour,
                     "revenue_per_hour": (recurring + labour) / hours if hours else None})
    out = pd.DataFrame(rows)
    total = {"month": "Quarter", "hours": out["hours"].sum(),
             "recurring_revenue": out["recurring_revenue"].sum(),
             "labor_revenue": out["labor_revenue"].sum(), "revenue": out["revenue"].sum()}
    total["revenue_per_hour"] = total["revenue"] / total["hours"] if total["hours"] else None
    out = pd.concat([out, pd.DataFrame([total])], ignore_index=True)
    out["revenue_per_hour"] = pd.Series(list(out["revenue_per_hour"]), dtype="object") \
        .where(out["revenue_per_hour"].notna(), None)
    return out


def _agreements(mine: Frames, start, end) -> pd.DataFrame:
    columns = ["agreement_id", "name", "type", "monthly_revenue", "start_date", "end_date"]
    a = mine.agreements
    active = agreement_months(a, [start + pd.DateOffset(months=k) for k in range(3)], end)
    keep = a.loc[a["agreement_id"].isin(set(active["agreement_id"]))]
    day = lambda s: s.dt.strftime("%Y-%m-%d").astype(object).where(s.notna(), None)  # noqa: E731
    out = pd.DataFrame({
        "agreement_id": keep["agreement_id"], "name": keep["name"], "type": keep["type"],
        "monthly_revenue": keep["monthly_revenue"],
        "start_date": day(keep["start_date"]), "end_date": day(keep["end_date"]),
    }, columns=columns)
    return out.sort_values(["agreement_id"], ignore_index=True)


def _tier_at(frames: Frames, client: str, cut, settings) -> dict:
    tiers = client_tiers(frames, cut, settings)
    row = tiers.loc[tiers["client"] == client]
    if row.empty:
        return {"revenue": 0.0, "hours": 0.0, "effort_index": None, "tier": NO_TIER}
    r = row.iloc[0]
    return {"revenue": float(r["revenue"]), "hours": float(r["hours"]),
            "effort_index": None if r["effort_index"] is None else float(r["effort_index"]),
            "tier": r["tier"]}


def _tickets(quarter_tickets: pd.DataFrame, end) -> pd.DataFrame:
    """Done is left blank when the ticket was still open at the quarter's end."""
    t = quarter_tickets.sort_values("created_at", kind="stable")
    done = t["done_at"]
    fmt = lambda s: s.dt.strftime("%Y-%m-%d %H:%M").astype(object).where(s.notna(), None)  # noqa: E731
    return pd.DataFrame({
        "ticket_id": t["ticket_id"], "created": fmt(t["created_at"]),
        "done": fmt(done.where(done < end)), "priority": t["priority"],
        "category": t["category"], "status": t["status"], "summary": t["summary"],
    }).reset_index(drop=True)


# ---------------------------------------------------------------------------- the pack
def build_pack(frames: Frames, client: str, quarter: str, settings: dict) -> dict:
    """The client's quarter (see the module notes). Keys: client, quarter, start, end
    (ISO dates, ``end`` the quarter's last day), summary (dict of headline values), and
    the tables volume, sla, csat, categories, hours, agreements, tier, tickets; plus
    tier_movement (text)."""
    start, end = quarter_bounds(quarter)
    known = clients(frames, settings)
    if client not in known:
        few = ", ".join(known[:5]) + (", ..." if len(known) > 5 else "")
        raise ValueError(f"no client named '{client}'; clients are: {few or '(none)'}")
    mine = frames.as_known_at(end).slice(client=client)   # the quarter as known at its end
    tickets = mine.tickets
    created = tickets["created_at"]
    in_quarter = tickets.loc[(created >= start) & (created < end)]

    volume = _volume(tickets, start, end)
    sla = _sla(mine, start, end, settings)
    csat_table = _csat(mine, start, end)
    hours = _hours(mine, client, start, end)
    before, after = _tier_at(frames, client, start, settings), \
        _tier_at(frames, client, end, settings)
    tier = pd.DataFrame([
        {"as_of": "previous quarter end", "cutoff": start.date().isoformat(), **before},
        {"as_of": "quarter end", "cutoff": end.date().isoformat(), **after}])
    tier["effort_index"] = pd.Series([before["effort_index"], after["effort_index"]],
                                     dtype="object")
    movement = (f"unchanged ({after['tier']})" if before["tier"] == after["tier"]
                else f"{before['tier']} -> {after['tier']}")
    total = sla.iloc[-1]
    quarter_csat = csat_table.iloc[-1]
    summary = {
        "client": client, "quarter": quarter_label(start),
        "tickets_opened": int(volume["opened"].sum()),
        "tickets_closed": int(volume["closed"].sum()),
        "response_percent": total["response_percent"], "response_n": int(total["response_n"]),
        "resolution_percent": total["resolution_percent"],
        "resolution_n": int(total["resolution_n"]),
        "csat_percent_positive": quarter_csat["percent_positive"],
        "csat_responses": int(quarter_csat["responses"]),
        "hours": float(hours.iloc[-1]["hours"]), "revenue": float(hours.iloc[-1]["revenue"]),
        "tier": after["tier"], "previous_tier": before["tier"], "tier_movement": movement,
    }
    return {
        "client": client, "quarter": quarter_label(start),
        "start": start.date().isoformat(),
        "end": (end - pd.Timedelta(days=1)).date().isoformat(),
        "summary": summary, "volume": volume, "sla": sla, "csat": csat_table,
        "categories": top_categories(mine, start, end, TOP_CATEGORIES), "hours": hours,
        "agreements": _agreements(mine, start, end), "tier": tier,
        "tier_movement": movement, "tickets": _tickets(in_quarter, end),
    }


def without_money(pack: dict) -> dict:
    """A copy of the pack without revenue and rate columns (for viewers who may not see
    money: managers and technicians)."""
    out = dict(pack)
    for key in SECTIONS:
        frame = pack[key]
        out[key] = frame.drop(columns=[c for c in frame.columns if c in MONEY_COLUMNS])
    out["summary"] = {k: v for k, v in pack["summary"].items() if k not in MONEY_COLUMNS}
    return out
