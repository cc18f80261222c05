"""The weekly review's record (SPEC, "The weekly review as a meeting"): each saved review
with the numbers it was decided on, and its actions, each with an owner, until a later
review confirms it done, carries it over or drops it.

    review_id = reviews.save_review(engine, week, team, held_by, numbers, notes, actions)
    reviews.actions(engine, status="open")                # a frame, oldest review first
    reviews.settle_action(engine, action_id, "done", "checklist updated")
    reviews.carry_action(engine, action_id, to_week, "vendor still to answer")

Rules:

- Each save is a review row of its own (never an update of an earlier save), so two people
  saving the same week from two browsers both keep their notes and actions.
- An action needs its text, a topic (the aging category or another) and an owner who is in
  the technicians table when the review is saved (checked in the saving transaction); a
  refusal is a ``ReviewRefused`` with one plain sentence naming the action.
- Settling and carrying over act only on an action that is still open (carrying over only
  to a later week than it is due), so two people doing it at once do it once: the second
  is told it was done already.
- Text is stored as typed (trimmed): it is people's words, shown and exported as text.

These tables are not data: writing them leaves the data version alone (``schema``).
All SQL goes through SQLAlchemy Core with bound parameters.
"""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Engine, insert, select, update

from . import schema

STATUSES = ("open", "done", "dropped")
SETTLED = ("done", "dropped")
MAX_ACTION_CHARS = 2_000
MAX_NOTES_CHARS = 20_000
ACTION_COLUMNS = ["action_id", "review_id", "review_week", "team", "category", "action",
                  "owner", "due_week", "status", "closed_at", "outcome", "carried_over"]


class ReviewRefused(ValueError):
    """A review or action that can't be stored, said in one plain sentence."""


@dataclass(frozen=True)
class NewAction:
    team: str          # the team the action is for ('' for the whole service desk)
    category: str      # the aging category, or another topic
    action: str
    owner: str         # a technician's name, as in the technicians table
    due_week: dt.date  # the Monday of the week it is due


@dataclass(frozen=True)
class SavedReview:
    review_id: int
    week: dt.date
    team: str
    held_at: dt.datetime
    held_by: str
    numbers: dict
    notes: str


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def _monday(day, what: str) -> dt.date:
    day = pd.Timestamp(day).date()
    if day.weekday() != 0:
        raise ReviewRefused(f"The {what} must be a week's Monday, not {day:%A %Y-%m-%d}.")
    return day


def check_action(action: NewAction, number: int | None = None) -> NewAction:
    """The action trimmed, or ``ReviewRefused`` saying what is missing (``number``: its
    place in the review, for the message)."""
    which = f"Action {number}" if number else "The action"
    text = (action.action or "").strip()
    if not text:
        raise ReviewRefused(f"{which} has no text: write what will be done, then add it.")
    if len(text) > MAX_ACTION_CHARS:
        raise ReviewRefused(f"{which} is {len(text):,} characters long; keep it under "
                            f"{MAX_ACTION_CHARS:,} (link to a document for more).")
    owner = (action.owner or "").strip()
    if not owner:
        raise ReviewRefused(f"{which} has no owner: choose the technician who will do it.")
    category = (action.category or "").strip()
    if not category:
        raise ReviewRefused(f"{which} has no topic: name the aging category or the subject "
                            "it is about.")
    return NewAction((action.team or "").strip(), category, text, owner,
                     _monday(action.due_week, "due week"))


def save_review(engine: Engine, week, team: str, held_by: str, numbers: dict, notes: str,
                actions: Sequence[NewAction] = (), now: dt.datetime | None = None) -> int:
    """Store one review and its new actions in one transaction; its ``review_id``."""
    week = _monday(week, "review week")
    held_by = (held_by or "").strip()
    if not held_by:
        raise ReviewRefused("The review has no name to record it under; sign in first.")
    notes = (notes or "").strip()
    if len(notes) > MAX_NOTES_CHARS:
        raise ReviewRefused(f"The notes are {len(notes):,} characters long; keep them under "
                            f"{MAX_NOTES_CHARS:,}.")
    checked = [check_action(a, i) for i, a in enumerate(actions, start=1)]
    numbers_json = json.dumps(numbers, sort_keys=True, ensure_ascii=False, allow_nan=False)
    now = now or _now()
    with engine.begin() as conn:
        owners = sorted({a.owner for a in checked})
        known = set()
        if owners:
            names = schema.technicians.c.name
            known = set(conn.execute(select(names).where(names.in_(owners))).scalars())
        for i, a in enumerate(checked, start=1):
            if a.owner not in known:
                raise ReviewRefused(f"The owner of action {i}, {a.owner}, is no longer in the "
                                    "technicians list: choose another owner and save again.")
        review_id = conn.execute(insert(schema.reviews).values(
            week=week, team=(team or "").strip(), held_at=now, held_by=held_by,
            numbers=numbers_json, notes=notes)).inserted_primary_key[0]
        if checked:
            conn.execute(insert(schema.review_actions), [
                {"review_id": review_id, "team": a.team, "category": a.category,
                 "action": a.action, "owner": a.owner, "due_week": a.due_week,
                 "status": "open", "carried_over": 0} for a in checked])
    return int(review_id)


def reviews_of_week(engine: Engine, week, team: str = "") -> list[SavedReview]:
    """The saves of one week's review (``team`` '': the whole desk), earliest first."""
    r = schema.reviews
    with engine.connect() as conn:
        rows = conn.execute(select(r).where(r.c.week == pd.Timestamp(week).date(),
                                            r.c.team == (team or ""))
                            .order_by(r.c.held_at, r.c.review_id)).fetchall()
    return [SavedReview(int(row.review_id), row.week, row.team, row.held_at, row.held_by,
                        json.loads(row.numbers), row.notes or "") for row in rows]


def actions(engine: Engine, *, status: str | None = None, teams: Sequence[str] | None = None,
            raised_before=None, raised_through=None) -> pd.DataFrame:
    """Actions with the week of the review that raised them (``review_week``), oldest
    review first. ``status``: one of ``STATUSES`` or None (all); ``teams``: only these
    teams' actions; ``raised_before`` / ``raised_through``: only those raised at reviews of
    weeks before / up to and including that week."""
    a, r = schema.review_actions, schema.reviews
    query = select(*[a.c[c] if c in a.c else r.c.week.label("review_week")
                     for c in ACTION_COLUMNS]).join(r, r.c.review_id == a.c.review_id)
    if status is not None:
        if status not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}, not {status!r}")
        query = query.where(a.c.status == status)
    if teams is not None:
        query = query.where(a.c.team.in_(list(teams)))
    if raised_before is not None:
        query = query.where(r.c.week < pd.Timestamp(raised_before).date())
    if raised_through is not None:
        query = query.where(r.c.week <= pd.Timestamp(raised_through).date())
    query = query.order_by(r.c.week, a.c.action_id)
    with engine.connect() as conn:
        rows = conn.execute(query).fetchall()
    out = pd.DataFrame([tuple(row) for row in rows], columns=ACTION_COLUMNS)
    for column in ("review_week", "due_week", "closed_at"):
        out[column] = pd.to_datetime(out[column]).astype("datetime64[ns]")
    for column in ("action_id", "review_id", "carried_over"):
        out[column] = out[column].astype("int64")
    return out


def _outcome(outcome: str) -> str:
    text = (outcome or "").strip()
    if not text:
        raise ReviewRefused("Write a word on the outcome first: what was done, or why it "
                            "carries over or is dropped.")
    if len(text) > MAX_ACTION_CHARS:
        raise ReviewRefused(f"The outcome is {len(text):,} characters long; keep it under "
                            f"{MAX_ACTION_CHARS:,}.")
    return text


def settle_action(engine: Engine, action_id: int, status: str, outcome: str,
                  now: dt.datetime | None = None) -> bool:
    """Confirm an open action done, or drop it, with a word on the outcome. False when
    it was no longer open (someone settled it meanwhile): nothing changed."""
    if status not in SETTLED:
        raise ValueError(f"an action is settled as one of {SETTLED}, not {status!r}")
    text = _outcome(outcome)
    a = schema.review_actions
    with engine.begin() as conn:
        done = conn.execute(update(a).where(a.c.action_id == int(action_id),
                                            a.c.status == "open")
                            .values(status=status, outcome=text, closed_at=now or _now()))
    return done.rowcount == 1


def carry_action(engine: Engine, action_id: int, to_week, outcome: str) -> bool:
    """Carry an open action over to a later due week, with a word on why. False when it
    was no longer open or is already due that week or later (carried meanwhile)."""
    to_week = _monday(to_week, "week it carries over to")
    text = _outcome(outcome)
    a = schema.review_actions
    with engine.begin() as conn:
        done = conn.execute(update(a).where(a.c.action_id == int(action_id),
                                            a.c.status == "open", a.c.due_week < to_week)
                            .values(due_week=to_week, outcome=text,
                                    carried_over=a.c.carried_over + 1))
    return done.rowcount == 1


def any_reviews(engine: Engine) -> bool:
    with engine.connect() as conn:
        return conn.execute(select(schema.reviews.c.review_id).limit(1)).first() is not None
