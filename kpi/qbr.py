"""One client's quarter for a quarterly business review (SPEC "QBR pack").

Pure pandas, like the rest of the engine. ``build_pack`` returns a dict of tables and
values that the dashboard's QBR page, the workbook and the PDF all show.

Decisions:

- A quarter is ``[first day 00:00, first day of the next quarter 00:00)`` (``"2026Q3"``:
  2026-07-01 to 2026-10-01). Everything in the pack is cut at the quarter's end and read
  **as known at** that end (``Frames.as_known_at``); the quarter before is read from the
  same cut (what was known at this quarter's end), so a late correction of last quarter's
  ticket counts where it happened.
- **Audiences**: ``client`` (the default) is what the client receives: no revenue, cost,
  margin, rate, effort index or tier anywhere; ``internal`` adds them (revenue columns of
  the hours and agreements, revenue per hour, the tier section, and their summary rows).
  ``without_money`` takes the money out of an internal pack (a manager's).
- **Tickets**: opened = created in the period; closed = resolved (else closed) in it;
  **cancelled** tickets are neither: they are counted apart (``tickets_cancelled``), in
  the volume, the SLA (which leaves them out of resolution), the flow medians and the
  ticket list (no done time). So "closed" equals the resolution SLA's n whenever every
  priority has a resolution target (the defaults: P1..P5, no priority as P3). Open at the
  end = created before the end and not done by then: open at the end = open at the start
  + opened − closed − cancelled.
- **Volume**: weeks run Monday to Sunday as elsewhere; the first and last week are clipped
  to the quarter (``days_in_quarter`` says how many of its days are in it), so the weeks add up to
  the quarter. Months: the three months, the quarter and the quarter before.
- **Comparison**: every headline number of the quarter beside the quarter before's and
  the change (percentages in points); the SLA per priority, the categories and the CSAT
  carry the quarter before too. The weekly and monthly rows are the quarter's own trend.
- **SLA** (``compliance.sla_compliance``): per priority with each priority's targets
  from the settings (no priority: P3's) and who judged it: the PSA (its own verdict, or
  its own due time) or a due time computed from the targets on the settings' clock.
- **CSAT**: rated responses per month, the quarter and the quarter before, with n; fewer
  than 10 responses gets a note. The comments of the quarter are listed.
- **Top categories**: the 10 largest of the quarter and of the quarter before, with both
  counts; none → "Uncategorised"; share of the quarter's tickets.
- **Hours against included hours** (``agreements.included_hours``, hours a month of a
  block or retainer): per month, the hours worked for the client (every time entry,
  billable or not) against the hours its block agreements include, each accrued by the
  days it is active in the month (``margin.agreement_months``). Time entries don't say
  which agreement they count against, so a client with two blocks has their hours set
  against both together. Hours left and hours over are per month (nothing rolls over);
  the quarter's are the sums of its months', so included − worked = left − over in each
  month with a block and over those months together. A month without a block agreement
  has no included hours (not zero: nothing was set against it).
- **Tier** (internal): ``tiers.client_tiers`` at the quarter's start and end.
- **Ticket list**: every ticket opened, first responded to or done in the quarter, or
  still open at its end, with its SLA verdicts ("on time", "late"; "past due" for one
  open past its resolution due time at the end, waiting tickets as ``sla.age_waiting``
  says); the notable ones are P1/P2, reopened, or late/past due on either measure.
"""
from __future__ import annotations

import re

import pandas as pd

from .aged import UNCATEGORISED, aged_tickets
from .categories import top_categories
from .compliance import summarise, ticket_sla
from .csat import SMALL_N, csat_by_period
from .flow import time_to
from .frames import Frames
from .margin import agreement_months, service_margin
from .periods import WEEK, month_label, week_start
from .qbr_sentences import what_changed
from .reopen import reopen_rate
from .sla_clock import DEFAULT_PRIORITY
from .tiers import tiers_at

_QUARTER = re.compile(r"^\s*(\d{4})\s*-?\s*[Qq]([1-4])\s*$")
AUDIENCES = ("client", "internal")
TOP_CATEGORIES = 10
NO_TIER = "(none)"
ALL_PRIORITIES = "All priorities"
NOTABLE_PRIORITIES = ("P1", "P2")
MONEY_COLUMNS = {"revenue", "recurring_revenue", "labor_revenue", "monthly_revenue",
                 "revenue_per_hour", "effective_hourly_rate"}
# What only the internal audience sees, besides the money.
INTERNAL_COLUMNS = MONEY_COLUMNS | {"effort_index", "tier"}
TABLES = ("volume", "months", "sla", "csat", "comments", "categories", "hours",
          "agreements", "tier", "tickets", "notable")
SMALL_N_NOTE = f"fewer than {SMALL_N} responses"


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


def _months(start) -> list[pd.Timestamp]:
    return [pd.Timestamp(start) + pd.DateOffset(months=k) for k in range(3)]


def _object(values) -> pd.Series:
    """A column that keeps None (not NaN) for a missing number."""
    return pd.Series([None if v is None or v != v else v for v in values], dtype="object")


def _percent(part, whole):
    return 100.0 * part / whole if whole else None


# ---------------------------------------------------------------------------- tickets
def _cancelled(tickets: pd.DataFrame) -> pd.Series:
    return tickets["status_class"].fillna("").str.lower().eq("cancelled")


def _counts(tickets: pd.DataFrame, s, e) -> dict:
    created, done = tickets["created_at"], tickets["done_at"]
    done_in = (done >= s) & (done < e)
    cancelled = _cancelled(tickets)
    return {"opened": int(((created >= s) & (created < e)).sum()),
            "closed": int((done_in & ~cancelled).sum()),
            "cancelled": int((done_in & cancelled).sum())}


def _open_at(tickets: pd.DataFrame, cut) -> int:
    done = tickets["done_at"]
    return int(((tickets["created_at"] < cut) & (done.isna() | (done >= cut))).sum())


def _volume(tickets: pd.DataFrame, start, end) -> pd.DataFrame:
    rows, s = [], start
    while s < end:   # 14 weeks, each vectorised
        e = min(week_start(s) + WEEK, end)
        rows.append({"week_from": s, "days_in_quarter": int((e - s) / pd.Timedelta(days=1)),
                     **_counts(tickets, s, e)})
        s = e
    return pd.DataFrame(rows, columns=["week_from", "days_in_quarter", "opened", "closed",
                                       "cancelled"])


def _by_month(tickets, start, end, before, labels) -> pd.DataFrame:
    rows = [{"month_start": m, **_counts(tickets, m, m + pd.DateOffset(months=1))}
            for m in _months(start)]
    rows.append({"month_start": labels[0], **_counts(tickets, start, end)})
    rows.append({"month_start": labels[1], **_counts(tickets, before, start)})
    return pd.DataFrame(rows, columns=["month_start", "opened", "closed", "cancelled"])


# ---------------------------------------------------------------------------- SLA
def _target(table: dict, priority: str):
    key = DEFAULT_PRIORITY if priority.startswith("(") else priority
    value = {str(p).upper(): float(h) for p, h in table.items()}.get(key)
    return value


def _judged_by(row) -> str:
    """Who judged a row's tickets: the PSA (its verdict or its due times), a due time
    computed from the settings' targets, or both."""
    computed = int(row["response_computed_n"] + row["resolution_computed_n"])
    psa = int(row["response_n"] + row["resolution_n"]) - computed
    if computed == 0:
        return "PSA" if psa else ""
    if psa == 0:
        return "targets"
    return f"PSA {psa}, targets {computed}"


def _with_total(per: pd.DataFrame) -> pd.DataFrame:
    """Per-priority rows and their "All priorities" row (the sums; percent of the sums)."""
    counts = [c for c in per.columns if c.endswith("_n") or c.endswith("_met")]
    total = {"priority": ALL_PRIORITIES, **{c: int(per[c].sum()) for c in counts}}
    for m in ("response", "resolution"):
        total[f"{m}_percent"] = _percent(total[f"{m}_met"], total[f"{m}_n"])
    out = pd.concat([per, pd.DataFrame([total])], ignore_index=True)
    for m in ("response_percent", "resolution_percent"):
        out[m] = _object(out[m])
    return out


def _sla(now: pd.DataFrame, then: pd.DataFrame, settings) -> tuple[pd.DataFrame, list[str],
                                                                     tuple]:
    """The table per priority (and all), its notes, and both quarters' totals, from the
    client's ``ticket_sla`` rows of the quarter (``now``) and the quarter before."""
    this = _with_total(summarise(now, ("priority",), basis=True))
    prev = _with_total(summarise(then, ("priority",), basis=True))
    prev = prev.set_index("priority")
    keys = [p for p in this["priority"] if p != ALL_PRIORITIES]
    keys += [p for p in prev.index if p not in keys and p != ALL_PRIORITIES]
    keys = sorted(keys) + [ALL_PRIORITIES]
    this = this.set_index("priority").reindex(keys)
    sla = settings["sla"]
    out = pd.DataFrame({
        "priority": keys,
        "response_target_hours": _object(
            [None if p == ALL_PRIORITIES else _target(sla["response_hours"], p) for p in keys]),
        "response_n": this["response_n"].fillna(0).astype(int).to_numpy(),
        "response_met": this["response_met"].fillna(0).astype(int).to_numpy(),
        "response_percent": _object(this["response_percent"]),
        "previous_response_percent": _object(prev["response_percent"].reindex(keys)),
        "resolution_target_hours": _object(
            [None if p == ALL_PRIORITIES else _target(sla["resolution_hours"], p)
             for p in keys]),
        "resolution_n": this["resolution_n"].fillna(0).astype(int).to_numpy(),
        "resolution_met": this["resolution_met"].fillna(0).astype(int).to_numpy(),
        "resolution_percent": _object(this["resolution_percent"]),
        "previous_resolution_percent": _object(prev["resolution_percent"].reindex(keys)),
    })
    basis = this.fillna(0)
    out["judged_by"] = [_judged_by(basis.loc[p]) for p in keys]   # a handful of rows
    totals = (out.iloc[-1].to_dict(),
              {"response_percent": prev.loc[ALL_PRIORITIES, "response_percent"],
               "response_n": int(prev.loc[ALL_PRIORITIES, "response_n"]),
               "resolution_percent": prev.loc[ALL_PRIORITIES, "resolution_percent"],
               "resolution_n": int(prev.loc[ALL_PRIORITIES, "resolution_n"])})
    return out, _sla_notes(basis.loc[ALL_PRIORITIES], settings), totals


def _sla_notes(total, settings) -> list[str]:
    sla = settings["sla"]
    if sla["clock"] == "24x7":
        clock = "Targets are hours around the clock"
    else:
        days = sla["business_days"]
        span = f"{days[0]}–{days[-1]}" if len(days) > 2 else " and ".join(days)
        clock = (f"Targets are business hours ({span} {sla['business_hours'][0]}–"
                 f"{sla['business_hours'][1]}, {settings['timezone']}"
                 + (f", public holidays of {sla['holidays_country']} excluded"
                    if sla["holidays_country"] else "") + ")")
    notes = [clock + ", counted from the ticket's creation. Where the PSA exported its "
             "own due time or SLA verdict, that is what counts."]
    n_res, psa = int(total["resolution_n"]), int(total["resolution_psa_n"])
    computed = int(total["resolution_computed_n"])
    notes += _judged("Resolution", n_res, [(psa, "by the PSA's own SLA verdict"),
                                           (n_res - psa - computed, "against the PSA's due time"),
                                           (computed, "against the target above")])
    n_resp, computed = int(total["response_n"]), int(total["response_computed_n"])
    notes += _judged("Response", n_resp, [(n_resp - computed, "against the PSA's due time"),
                                          (computed, "against the target above")])
    return notes


def _judged(measure: str, n: int, parts: list[tuple[int, str]]) -> list[str]:
    """"Resolution: all 35 judged by ..." or "... of 35, 30 judged by ... and 5 ..."."""
    parts = [(k, how) for k, how in parts if k]
    if not n:
        return []
    if len(parts) == 1:
        return [f"{measure}: all {n} judged {parts[0][1]}."]
    said = [f"{k} {how}" for k, how in parts]
    return [f"{measure}: of {n}, " + ", ".join(said[:-1]) + f" and {said[-1]}."]


# ---------------------------------------------------------------------------- CSAT
def _csat(mine: Frames, start, end, before, labels) -> pd.DataFrame:
    months = _months(start)
    bounds = [(m, m + pd.DateOffset(months=1)) for m in months] + [(start, end),
                                                                   (before, start)]
    out = csat_by_period(mine, bounds, list(months) + list(labels))
    out = out.rename(columns={"period": "month_start"})
    out["csat_note"] = [SMALL_N_NOTE if small and n else None
                   for small, n in zip(out["small_n"], out["responses"])]
    return out[["month_start", "responses", "positive", "neutral", "negative",
                "percent_positive", "csat_note"]]


def _comments(mine: Frames, start, end) -> pd.DataFrame:
    c = mine.csat
    when = c["responded_at"]
    said = c.loc[(when >= start) & (when < end) & c["comment"].fillna("").str.strip().ne("")]
    said = said.sort_values("responded_at", kind="stable")
    return pd.DataFrame({"responded": said["responded_at"], "ticket_id": said["ticket_id"],
                         "rating": said["rating"], "comment": said["comment"]}
                        ).reset_index(drop=True)


# ---------------------------------------------------------------------------- categories
def category_counts(mine: Frames, start, end, before) -> pd.DataFrame:
    """Every category's tickets created in the quarter and in the quarter before (the
    sentences read them all: a category can fall out of the top ten)."""
    t = mine.tickets
    created = t["created_at"]
    cats = t["category"].fillna(UNCATEGORISED)
    this = cats[(created >= start) & (created < end)].value_counts()
    prev = cats[(created >= before) & (created < start)].value_counts()
    both = pd.concat([this.rename("tickets"), prev.rename("previous_tickets")], axis=1)
    return both.fillna(0).astype(int).rename_axis("category").reset_index()


def _categories(mine: Frames, counts: pd.DataFrame, start, end, before) -> pd.DataFrame:
    """The ten largest of the quarter and of the quarter before, with both counts."""
    now = top_categories(mine, start, end, TOP_CATEGORIES)["category"]
    then = top_categories(mine, before, start, TOP_CATEGORIES)["category"]
    out = counts.loc[counts["category"].isin(set(now) | set(then))].copy()
    out["category"] = out["category"].astype(object)
    total = int(counts["tickets"].sum())
    out["share"] = 100.0 * out["tickets"] / total if total else 0.0
    out["tickets_change"] = out["tickets"] - out["previous_tickets"]
    out = out.sort_values(["tickets", "previous_tickets", "category"],
                          ascending=[False, False, True], ignore_index=True)
    return out[["category", "tickets", "share", "previous_tickets", "tickets_change"]]


# ---------------------------------------------------------------------------- hours
def included_by_month(agreements: pd.DataFrame, months, cutoff=None) -> pd.DataFrame:
    """Per month and block agreement with ``included_hours``: the hours it includes in
    that month, accrued by the days it is active (``margin.agreement_months``)."""
    blocks = agreements.loc[agreements["included_hours"].fillna(0) > 0]
    active = agreement_months(blocks, months, cutoff)
    if active.empty:
        return pd.DataFrame(columns=["month", "client", "source_system", "agreement_id",
                                     "name", "included_hours"])
    per = blocks.set_index(["source_system", "agreement_id"])["included_hours"]
    hours = per.reindex(pd.MultiIndex.from_frame(active[["source_system", "agreement_id"]]))
    month_days = pd.to_datetime(active["month"] + "-01").dt.days_in_month
    active = active.assign(included_hours=hours.to_numpy() * active["days"].to_numpy()
                           / month_days.to_numpy())
    return active[["month", "client", "source_system", "agreement_id", "name",
                   "included_hours"]]


def _hours(margin: pd.DataFrame, blocks: pd.DataFrame, start, before,
           labels) -> pd.DataFrame:
    """The client's ``service_margin(by_client=True)`` rows and ``included_by_month``
    rows over the quarter before and this one."""
    months = _months(before) + _months(start)
    per = margin.set_index("month")
    included = blocks.groupby("month")["included_hours"].sum()
    rows = []
    for m in months:   # six months
        label = month_label(m)
        r = per.loc[label] if label in per.index else None
        hours = float(r["hours"]) if r is not None else 0.0
        inc = float(included[label]) if label in included.index else None
        recurring = float(r["recurring_revenue"]) if r is not None else 0.0
        labour = float(r["labor_revenue"]) if r is not None else 0.0
        rows.append({"month_start": m, "hours": hours, "included_hours": inc,
                     "remaining_hours": None if inc is None else max(inc - hours, 0.0),
                     "overage_hours": None if inc is None else max(hours - inc, 0.0),
                     "recurring_revenue": recurring, "labor_revenue": labour,
                     "revenue": recurring + labour})
    months_rows = rows[3:]
    for label, part in ((labels[0], rows[3:]), (labels[1], rows[:3])):
        total = {"month_start": label}
        for col in ("hours", "included_hours", "remaining_hours", "overage_hours",
                    "recurring_revenue", "labor_revenue", "revenue"):
            values = [r[col] for r in part if r[col] is not None]
            total[col] = sum(values) if values else None
        months_rows.append(total)
    out = pd.DataFrame(months_rows)
    out["revenue_per_hour"] = [r / h if h else None for r, h in zip(out["revenue"], out["hours"])]
    for col in ("included_hours", "remaining_hours", "overage_hours", "revenue_per_hour"):
        out[col] = _object(out[col])
    return out[["month_start", "hours", "included_hours", "remaining_hours", "overage_hours",
                "recurring_revenue", "labor_revenue", "revenue", "revenue_per_hour"]]


def _agreements(mine: Frames, start, end) -> pd.DataFrame:
    a = mine.agreements
    active = agreement_months(a, _months(start), end)
    keep = a.loc[a["agreement_id"].isin(set(active["agreement_id"]))]
    out = pd.DataFrame({
        "agreement_id": keep["agreement_id"], "name": keep["name"], "type": keep["type"],
        "included_hours": _object(keep["included_hours"]).to_numpy(),
        "monthly_revenue": keep["monthly_revenue"],
        "start_date": keep["start_date"], "end_date": keep["end_date"],
    })
    return out.sort_values(["agreement_id"], ignore_index=True)


def _hours_notes(blocks: pd.DataFrame, start) -> list[str]:
    this = blocks.loc[blocks["month"].isin([month_label(m) for m in _months(start)])]
    names = sorted(set(this["name"].fillna("(unnamed)")))
    if not names:
        return ["No block agreement with included hours was active in the quarter: the "
                "hours worked are shown alone."]
    notes = ["Hours worked are every hour logged for you (billable or not). Included "
             "hours count by the days an agreement is active in the month; unused hours "
             "do not roll over."]
    if len(names) > 1:
        notes.append("Time entries don't name their agreement, so the hours are set "
                     "against the included hours of these agreements together: "
                     + "; ".join(names) + ".")
    return notes


# ---------------------------------------------------------------------------- tiers
def _tier(tiers: pd.DataFrame, client) -> dict:
    row = tiers.loc[tiers["client"] == client] if len(tiers) else tiers
    if row.empty:
        return {"revenue": 0.0, "hours": 0.0, "effort_index": None, "tier": NO_TIER}
    r = row.iloc[0]
    return {"revenue": float(r["revenue"]), "hours": float(r["hours"]),
            "effort_index": None if r["effort_index"] is None else float(r["effort_index"]),
            "tier": r["tier"]}


# ---------------------------------------------------------------------------- ticket list
def _ticket_list(mine: Frames, start, end, verdicts: pd.DataFrame,
                 aged: pd.Series) -> pd.DataFrame:
    """``verdicts``: the client's ``ticket_sla`` rows of the quarter; ``aged``: its
    tickets open past their resolution due time at the end (``aged.aged_tickets``)."""
    t = mine.tickets
    created, done, responded = t["created_at"], t["done_at"], t["first_response_at"]
    cancelled = _cancelled(t)
    is_open = (created < end) & (done.isna() | (done >= end))
    keep = ((created >= start) & (created < end)) | ((done >= start) & (done < end)) \
        | ((responded >= start) & (responded < end)) | is_open
    verdict = lambda n, met: pd.Series(  # noqa: E731
        [None] * len(t), index=t.index, dtype="object").mask(n.astype(bool) & met.astype(bool),
                                                             "on time") \
        .mask(n.astype(bool) & ~met.astype(bool), "late")
    resolution = verdict(verdicts["resolution_n"], verdicts["resolution_met"]) \
        .mask(aged.astype(bool), "past due")
    out = pd.DataFrame({
        "ticket_id": t["ticket_id"], "opened_at": created,
        "done_at": done.where((done < end) & ~cancelled),
        "priority": t["priority"], "category": t["category"], "status": t["status"],
        "response_sla": verdict(verdicts["response_n"], verdicts["response_met"]),
        "resolution_sla": resolution, "reopens": t["reopen_count"], "summary": t["summary"],
    }).loc[keep.to_numpy()]
    return out.sort_values(["opened_at", "ticket_id"], kind="stable", ignore_index=True)


def notable(tickets: pd.DataFrame) -> pd.Series:
    """P1/P2, reopened, or late or past due on either measure."""
    return (tickets["priority"].isin(NOTABLE_PRIORITIES)
            | (tickets["reopens"].fillna(0) > 0)
            | tickets["response_sla"].eq("late") | tickets["resolution_sla"].isin(
                ["late", "past due"])).fillna(False).astype(bool)


# ---------------------------------------------------------------------------- the pack
def _numbers(mine: Frames, s, e, hours_total: dict) -> dict:
    """The headline numbers of one period."""
    t = mine.tickets
    counts = _counts(t, s, e)
    flow = time_to(mine, s, e).iloc[-1]
    reopen = reopen_rate(mine, s, e)
    return {"tickets_opened": counts["opened"], "tickets_closed": counts["closed"],
            "tickets_cancelled": counts["cancelled"], "tickets_open_at_end": _open_at(t, e),
            "response_median_hours": flow["response_median_hours"],
            "resolution_median_hours": flow["resolution_median_hours"],
            "reopened": reopen["reopened"],
            "hours": hours_total["hours"], "included_hours": hours_total["included_hours"],
            "overage_hours": hours_total["overage_hours"],
            "revenue": hours_total["revenue"],
            "effective_hourly_rate": hours_total["revenue_per_hour"]}


COMPARED = ["tickets_opened", "tickets_closed", "tickets_cancelled", "tickets_open_at_end",
            "response_percent", "response_n", "resolution_percent", "resolution_n",
            "response_median_hours", "resolution_median_hours", "reopened",
            "csat_percent_positive", "csat_responses", "hours", "included_hours",
            "overage_hours", "revenue", "effective_hourly_rate", "effort_index", "tier"]


def _change(key, now, then):
    if key == "tier":
        return "unchanged" if now == then else f"from {then} to {now}"
    if now is None or then is None:
        return None
    return now - then


def shared_for(frames: Frames, quarter: str, settings: dict, audience: str = "client",
               client: str | None = None) -> dict:
    """The work the packs of one quarter share, done once for every client (or only for
    ``client``): the tickets as known at the quarter's end, each ticket's SLA verdicts in
    the quarter and the one before, those open past due at the end, hours and revenue
    per client and month, the blocks' included hours, and (internal) the tiers. Pass it
    to ``build_pack(..., shared=...)`` for many clients."""
    start, end = quarter_bounds(quarter)
    before = start - pd.DateOffset(months=3)
    months = _months(before) + _months(start)
    known = frames.as_known_at(end)
    scope = known.slice(client=client) if client is not None else known
    shared = {"quarter": quarter_label(start), "client": client, "known": known,
              "sla_now": ticket_sla(scope, start, end, settings),
              "sla_before": ticket_sla(scope, before, start, settings),
              "aged": aged_tickets(scope, end, settings)["aged"],
              "margin": service_margin(scope, months, cutoff=end, by_client=True),
              "blocks": included_by_month(scope.agreements, months, end)}
    if audience == "internal":
        shared["tiers"] = tiers_at(frames, [start, end], settings)
    return shared


def _usable(shared: dict | None, client: str, quarter: str, audience: str) -> bool:
    return shared is not None and shared["quarter"] == quarter_label(quarter_bounds(quarter)[0]) \
        and shared["client"] in (None, client) \
        and (audience != "internal" or "tiers" in shared)


def build_pack(frames: Frames, client: str, quarter: str, settings: dict,
               audience: str = "client", shared: dict | None = None) -> dict:
    """The client's quarter for ``audience`` (see the module notes). Keys: client,
    quarter, previous_quarter, start, end (ISO dates, ``end`` the quarter's last day),
    audience, with_money, msp_name, summary and previous (the headline numbers), the
    comparison table, sentences, the tables ``TABLES`` (``tier`` internal only) and the
    notes sla_notes, hours_notes, partial_weeks."""
    if audience not in AUDIENCES:
        raise ValueError(f"audience must be client or internal, not '{audience}'")
    start, end = quarter_bounds(quarter)
    before = start - pd.DateOffset(months=3)
    known_clients = clients(frames, settings)
    if client not in known_clients:
        few = ", ".join(known_clients[:5]) + (", ..." if len(known_clients) > 5 else "")
        raise ValueError(f"no client named '{client}'; clients are: {few or '(none)'}")
    if not _usable(shared, client, quarter, audience):
        shared = shared_for(frames, quarter, settings, audience, client)
    mine = shared["known"].slice(client=client)
    tickets = mine.tickets
    labels = (f"{quarter_label(start)} total", f"{quarter_label(before)} total")
    mine_of = lambda f: f.loc[f["client"] == client]  # noqa: E731
    verdicts = shared["sla_now"].reindex(tickets.index)
    sla, sla_notes, totals = _sla(verdicts, shared["sla_before"].reindex(tickets.index),
                                  settings)
    csat = _csat(mine, start, end, before, labels)
    blocks = mine_of(shared["blocks"])
    hours = _hours(mine_of(shared["margin"]), blocks, start, before, labels)
    now = _numbers(mine, start, end, hours.iloc[3].to_dict())
    then = _numbers(mine, before, start, hours.iloc[4].to_dict())
    for numbers, total, c in ((now, totals[0], csat.iloc[3]), (then, totals[1], csat.iloc[4])):
        numbers.update({"response_percent": total["response_percent"],
                        "response_n": int(total["response_n"]),
                        "resolution_percent": total["resolution_percent"],
                        "resolution_n": int(total["resolution_n"]),
                        "csat_percent_positive": c["percent_positive"],
                        "csat_responses": int(c["responses"])})
    aged = shared["aged"].reindex(tickets.index, fill_value=False)
    counts = category_counts(mine, start, end, before)

    pack = {
        "client": client, "quarter": quarter_label(start),
        "previous_quarter": quarter_label(before),
        "start": start.date().isoformat(),
        "end": (end - pd.Timedelta(days=1)).date().isoformat(),
        "audience": audience, "with_money": audience == "internal",
        "msp_name": settings.get("qbr", {}).get("msp_name", ""),
        "volume": _volume(tickets, start, end),
        "months": _by_month(tickets, start, end, before, labels),
        "sla": sla, "sla_notes": sla_notes, "csat": csat,
        "comments": _comments(mine, start, end),
        "categories": _categories(mine, counts, start, end, before),
        "hours": hours, "hours_notes": _hours_notes(blocks, start),
        "agreements": _agreements(mine, start, end),
        "tickets": _ticket_list(mine, start, end, verdicts, aged),
    }
    pack["notable"] = pack["tickets"].loc[notable(pack["tickets"])].reset_index(drop=True)
    weeks = pack["volume"]
    pack["partial_weeks"] = [(w, d) for w, d in zip(weeks["week_from"], weeks["days_in_quarter"])
                             if d < 7]
    if audience == "internal":
        tiers = shared["tiers"]
        at_start, at_end = _tier(tiers[start], client), _tier(tiers[end], client)
        now.update(effort_index=at_end["effort_index"], tier=at_end["tier"])
        then.update(effort_index=at_start["effort_index"], tier=at_start["tier"])
        pack["tier"] = pd.DataFrame([
            {"as_of": "quarter start", "as_of_date": start, **at_start},
            {"as_of": "quarter end", "as_of_date": end, **at_end}])
        pack["tier"]["effort_index"] = _object(pack["tier"]["effort_index"])
        pack["tier_movement"] = _change("tier", at_end["tier"], at_start["tier"])
    keys = [k for k in COMPARED if k in now]
    pack["summary"] = {"client": client, "quarter": pack["quarter"],
                       **{k: now[k] for k in keys}}
    pack["previous"] = {k: then[k] for k in keys}
    pack["comparison"] = pd.DataFrame({
        "measure": keys, "quarter": _object([now[k] for k in keys]),
        "previous": _object([then[k] for k in keys]),
        "change": _object([_change(k, now[k], then[k]) for k in keys])})
    pack["sentences"] = what_changed(now, then, counts, hours.iloc[:3])
    return _for_audience(pack)


def _for_audience(pack: dict) -> dict:
    """The client's pack holds none of ``INTERNAL_COLUMNS``, in any table or number."""
    if pack["audience"] == "internal":
        return pack
    return _drop(pack, INTERNAL_COLUMNS)


def _drop(pack: dict, columns: set) -> dict:
    out = dict(pack)
    for key in TABLES:
        if key in pack:
            out[key] = pack[key].drop(columns=[c for c in pack[key].columns if c in columns])
    out["summary"] = {k: v for k, v in pack["summary"].items() if k not in columns}
    out["previous"] = {k: v for k, v in pack["previous"].items() if k not in columns}
    comparison = pack["comparison"]
    out["comparison"] = comparison.loc[~comparison["measure"].isin(columns)] \
        .reset_index(drop=True)
    return out


def without_money(pack: dict) -> dict:
    """A copy of the pack without revenue and rate columns (for viewers who may not see
    money: managers and technicians)."""
    out = _drop(pack, MONEY_COLUMNS)
    out["with_money"] = False
    return out
