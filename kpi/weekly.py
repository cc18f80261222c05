"""The weekly review, built once for the report command and the dashboard's page.

    review = WeeklyReview(frames, as_of, settings, weeks=12, team=None, client=None)
    review.trend, review.teams, review.months, ...   # each part worked out when first asked

The week is the one holding ``as_of``; its cut-off is the Monday 00:00 that ends it and
nothing after the cut-off counts: tickets are read as they were known at the cut-off
(``Frames.as_known_at``), so a later import never changes a past week. What each part
follows:

- tickets and CSAT (trend, aged, teams, breach, comments) follow the team and client
  filters; a survey follows its ticket's team;
- the service margin follows the client only (revenue has no team), over the 12 calendar
  months up to the one holding ``as_of``, the last one month-to-date;
- tiers and the Reprice count are portfolio-wide (a tier is relative to the other
  clients).

"About to breach" is judged at ``at`` when it falls inside the week (the week still
running), else at the cut-off, so the list of a past week never changes.
"""
from __future__ import annotations

from functools import cached_property

import pandas as pd

from . import aged, backlog, breach, compliance, csat, flow, margin, periods, tiers
from . import utilisation
from .frames import Frames

WEEKS = 12


class WeeklyReview:
    def __init__(self, frames: Frames, as_of, settings: dict, *, weeks: int = WEEKS,
                 team: str | None = None, client: str | None = None, at=None):
        self.as_of = pd.Timestamp(as_of).normalize()
        self.week = periods.week_start(self.as_of)
        self.cutoff = self.week + periods.WEEK
        self.week_starts = periods.last_weeks(self.cutoff, weeks)
        self.settings = settings
        self.team, self.client = team, client
        self.at = self.cutoff if at is None else min(self.cutoff, pd.Timestamp(at))
        self.portfolio = frames.as_known_at(self.cutoff)
        self.view = self.portfolio.slice(team, client)

    @cached_property
    def _tickets(self) -> Frames:
        """The view narrowed to the tickets that can count in the weeks shown."""
        return self.view.active_between(min(self.week_starts[0], self.at), self.cutoff)

    @cached_property
    def trend(self) -> pd.DataFrame:
        return backlog.backlog_trend(self._tickets, self.week_starts)

    @cached_property
    def csat(self) -> pd.DataFrame:
        return csat.csat_weekly(self.view, self.week_starts)

    @cached_property
    def aged(self) -> pd.DataFrame:
        """The tickets open at the cut-off, with their team, due time and aged flag."""
        return aged.aged_tickets(self._tickets, self.cutoff, self.settings)

    @cached_property
    def teams(self) -> pd.DataFrame:
        return aged.team_summary(self.aged, self.settings)

    @cached_property
    def aged_by_team(self) -> pd.DataFrame:
        """Aged past SLA per team at each week's cut-off, over the client's tickets (all
        teams): the page keeps it per client, so a team pick reads a row."""
        desk = self.portfolio.slice(None, self.client) \
            .active_between(min(self.week_starts[0], self.at), self.cutoff)
        return aged.aged_by_team(desk, [w + periods.WEEK for w in self.week_starts],
                                 self.settings)

    @cached_property
    def aged_series(self) -> list[int]:
        by_team = self.aged_by_team
        if self.team is None:
            return [int(n) for n in by_team.sum(axis=0)]
        if self.team not in by_team.index:
            return [0] * len(self.week_starts)
        return [int(n) for n in by_team.loc[self.team]]

    @cached_property
    def breach(self) -> pd.DataFrame:
        return breach.about_to_breach(self._tickets, self.at, self.settings)

    @cached_property
    def comments(self) -> pd.DataFrame:
        """Negative CSAT comments of this week and the week before."""
        return csat.negative_comments(self.view, self.cutoff - 2 * periods.WEEK, self.cutoff)

    @cached_property
    def flow(self) -> pd.DataFrame:
        """Opened, closed, reopened and escalated per week."""
        return flow.weekly_flow(self._tickets, self.week_starts)

    @cached_property
    def times(self) -> pd.DataFrame:
        """Median hours to first response and to resolution by priority, this week."""
        return flow.time_to(self.view, self.week, self.cutoff, self.settings)

    @cached_property
    def compliance(self) -> pd.DataFrame:
        """SLA compliance by priority this week, with whose clock judged it."""
        return compliance.sla_compliance(self.view, self.week, self.cutoff, self.settings,
                                         by=("priority",), basis=True)

    @cached_property
    def speed(self) -> pd.DataFrame:
        """This week's median times per priority beside the SLA targets and the share on
        time (``flow.beside_sla`` of ``times`` and ``compliance``)."""
        return flow.beside_sla(self.times, self.compliance, self.settings)

    @cached_property
    def technicians(self) -> pd.DataFrame:
        """Every technician's utilisation over the week (the seven days before the
        cut-off); portfolio-wide, like time itself (time has no team filter)."""
        return utilisation.utilisation(self.portfolio, self.week, self.cutoff, self.settings)

    @cached_property
    def months(self) -> pd.DataFrame:
        return margin.service_margin(self.portfolio.slice(None, self.client),
                                     periods.last_months(self.as_of, 12), cutoff=self.cutoff)

    @cached_property
    def tiers(self) -> pd.DataFrame:
        return tiers.client_tiers(self.portfolio, self.cutoff, self.settings)

    @cached_property
    def reprice_series(self) -> list[int]:
        """Clients in the Reprice tier at the start of the month of each week's end."""
        ends = [periods.month_start(w + periods.WEEK) for w in self.week_starts]
        at = tiers.tiers_at(self.portfolio, set(ends), self.settings)
        return [int((at[end]["tier"] == "Reprice").sum()) for end in ends]

    def tickets_behind(self, what: str) -> pd.DataFrame:
        """The tickets behind a number of the week: ``opened``, ``closed``, ``open at end``
        or ``aged:<team>``."""
        t = self.view.tickets
        start, end = self.week, self.cutoff
        if what == "opened":
            mask = t["created_at"].between(start, end, "left")
        elif what == "closed":
            mask = t["done_at"].between(start, end, "left")
        elif what == "open at end":
            mask = backlog.open_at(self.view, end)
        elif what.startswith("aged:"):
            team = what.split(":", 1)[1]
            keep = self.aged.index[self.aged["aged"] & (self.aged["team"] == team)]
            mask = t.index.isin(keep)
        else:
            raise ValueError(f"unknown ticket list {what!r}")
        return ticket_rows(t.loc[mask])


TICKET_COLUMNS = ["source_system", "ticket_id", "summary", "client", "team", "priority",
                  "created_at", "done"]


def ticket_rows(tickets: pd.DataFrame) -> pd.DataFrame:
    """The ticket columns a manager reads; ``done`` is when the ticket was done, empty
    while open."""
    out = tickets.assign(team=tickets["team_key"], done=tickets["done_at"])
    return out.sort_values("created_at")[TICKET_COLUMNS].reset_index(drop=True)
