"""The weekly report as a plain-text summary to paste into an e-mail (``python -m kpi report
--format text``), from the report's JSON (``kpi.report.build``)."""
from __future__ import annotations

from loaders.counts import plural

from ..formats import number, signed

PLAIN = {"missing": "n/a", "minus": "-"}   # plain text: ASCII, "n/a" for a missing value


def _money(value) -> str:
    return number(value, "currency", **PLAIN)


def _pct(value) -> str:
    return number(value, "percent", **PLAIN)


def to_text(report: dict, review_threshold: int = 4, effort_threshold: float = 1.2) -> str:
    weeks = report["weeks"]
    this, last = weeks[-1], (weeks[-2] if len(weeks) > 1 else None)
    lines = [f"Cadence weekly review - week of {this['week']} "
             f"(as of {report['as_of']}, cut-off {report['cutoff'][:16].replace('T', ' ')})",
             ""]
    change = this["open_at_end"] - last["open_at_end"] if last else None
    lines.append(f"Backlog: {this['open_at_end']:,} open at the end of the week "
                 f"({signed(change, zero='+0', **PLAIN)} on the week before); "
                 f"{this['opened']:,} opened, {this['closed']:,} closed.")
    flag = " - fewer than 10 responses, read with care" if this["csat_responses"] < 10 else ""
    before = f"; the week before {_pct(last['csat_percent_positive'])}" if last else ""
    lines.append(f"CSAT: {_pct(this['csat_percent_positive'])} positive "
                 f"(n={this['csat_responses']}{flag}){before}.")
    review = [t for t in report["teams"] if t["status"] == "review"]
    lines.append(f"Aged past SLA: {plural(sum(t['aged_past_sla'] for t in report['teams']), 'ticket')}; "
                 f"{plural(len(review), 'team')} at or above the review threshold of "
                 f"{review_threshold}.")
    for t in report["teams"]:
        mark = "REVIEW" if t["status"] == "review" else "ok"
        cats = f" - top categories: {', '.join(t['top_categories'])}" if t["top_categories"] \
            else ""
        waiting = f", {t['waiting']:,} waiting on the customer or a vendor" if t.get("waiting") \
            else ""
        lines.append(f"  {t['team']}: {t['aged_past_sla']:,} aged of {t['open']:,} open{waiting} "
                     f"[{mark}]{cats if t['status'] == 'review' else ''}")
    if report["months"]:
        m = report["months"][-1]
        lines.append(f"Service margin {m['month']} (to the cut-off): revenue "
                     f"{_money(m['revenue'])}, margin {_money(m['margin'])} "
                     f"({_pct(m['margin_percent'])}), effective rate "
                     f"{_money(m['effective_hourly_rate'])}/h.")
    people = report.get("technicians") or []
    if people:
        by_band = {b: [p["technician"] for p in people if p["band"] == b]
                   for b in ("above", "in", "below")}
        above = f" ({', '.join(by_band['above'])})" if by_band["above"] else ""
        lines.append(f"Utilisation (client hours / capacity, 75-85% band): "
                     f"{len(by_band['above'])} above{above}, {len(by_band['in'])} in, "
                     f"{len(by_band['below'])} below.")
    reprice = [c for c in report["clients"] if c["tier"] == "Reprice"]
    if reprice:
        names = ", ".join(
            f"{c['client']} (effort {number(c['effort_index'], 'ratio', 1)}x)"
            if c["effort_index"] is not None else f"{c['client']} (hours, no revenue)"
            for c in reprice)
        lines.append(f"Clients to reprice (below the median revenue, effort above "
                     f"{number(effort_threshold, 'ratio', 1)}x the portfolio's): {names}.")
    lines += ["", "Week        Opened  Closed  Open at end  CSAT"]
    for w in weeks:
        lines.append(f"{w['week']}  {w['opened']:>6}  {w['closed']:>6}  {w['open_at_end']:>11}"
                     f"  {_pct(w['csat_percent_positive']):>4} (n={w['csat_responses']})")
    return "\n".join(lines)
