"""A first draft of a column mapping for an export nobody has described yet.

Each field's column is guessed from the header's words (``vocabulary.FIELD_WORDS``, in the
languages help desks export in) and from the values under it: a column named like
"created" or "opened" is the creation time only if it holds dates, "Resolution time (in
hrs)" holding numbers is not the resolved time, an agent's name is not a count of agent
interactions. A field no name points at may still be found from values alone: the first
column of dates for the creation time, a column of all-different values for the id.

The Data page shows the draft for the user to confirm or change before it is saved as a
mapping; nothing is imported from a guess alone.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from . import fields, parse, vocabulary
from .read import RawTable

SAMPLE_ROWS = 500          # enough values to judge a column's type, cheap on any file
MIN_NAME_SCORE = 0.3       # "Atribuído - Grupo técnico" still reads as a group (1 word of 3)
MOSTLY = 0.8               # the share of a column's values that must fit its field's type
GUESSED_KINDS = ("tickets", "time_entries", "agreements", "csat")

# Fields that name a person, an organisation or a text: a column of plain numbers (a
# count of agent interactions, a contact id) is not one of them.
NOT_NUMBERS = {"summary", "client", "assignee", "team", "board", "technician", "name",
               "comment", "category"}
# The field whose first column of dates a kind takes when no header names it.
FIRST_DATES = {"tickets": "created_at", "time_entries": "work_date", "csat": "responded_at",
               "agreements": "start_date"}


@dataclass(frozen=True)
class Profile:
    """What a column's first values look like, each share out of its non-empty values."""
    filled: float          # non-empty values / rows
    dates: float
    hours: float
    money: float
    whole: float
    yes_no: float
    distinct: float        # distinct / non-empty values


@dataclass
class Guess:
    kind: str
    columns: dict[str, str] = field(default_factory=dict)     # field -> header
    reasons: dict[str, str] = field(default_factory=dict)     # field -> why, for people
    scores: dict[str, float] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        return all(f in self.columns for f in fields.REQUIRED[self.kind])


def profile(values: pd.Series, header: str) -> Profile:
    sample = values.iloc[:SAMPLE_ROWS].astype(str)
    kept = sample[~parse.is_null(sample)]
    if kept.empty:
        return Profile(0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
    n = len(kept)

    def share(mask: pd.Series) -> float:
        return float(mask.sum()) / n

    dates = max(share(parse.parse_datetimes(kept, order, None)[0].notna())
                for order in (parse.DAY_FIRST, parse.MONTH_FIRST))
    numbers = parse.parse_money(kept)[0]
    return Profile(
        filled=n / len(sample), dates=dates,
        hours=share(parse.parse_hours(kept, header)[0].notna()),
        money=share(numbers.notna()),
        whole=share(numbers.notna() & (numbers.round() == numbers)),
        yes_no=share(parse.parse_bool(kept)[0].notna()),
        distinct=kept.nunique() / n)


def fits(kind: str, fld: str, p: Profile) -> bool:
    """Whether a column whose values look like ``p`` can feed the field."""
    if p.filled == 0:
        return fld not in fields.REQUIRED[kind]  # an empty column: its name decides
    ftype = fields.FIELDS[kind][fld]
    if ftype in ("datetime", "date"):
        return p.dates >= MOSTLY
    if p.dates >= 0.5:
        return False
    if ftype == "hours":
        return p.hours >= MOSTLY
    if ftype == "money":
        return p.money >= MOSTLY
    if ftype == "int":
        return p.whole >= MOSTLY
    if ftype == "bool":
        return p.yes_no >= MOSTLY
    return not (fld in NOT_NUMBERS and p.money >= 0.5)


def name_score(kind: str, fld: str, header: str) -> float:
    """How well the header's words name the field: the share of the header's words that
    one of the field's words covers (all of that word's words must be there); 0 if none
    does. `Created time` is 1 for "created time" and 0.5 for "created"."""
    said = set(vocabulary.words(header))
    if not said:
        return 0.0
    best = 0.0
    for rank, word in enumerate((*vocabulary.FIELD_WORDS[kind].get(fld, ()), fld)):
        wanted = set(vocabulary.words(word))
        if wanted and wanted <= said:
            # a more specific word (earlier in the list) wins a tie
            best = max(best, len(wanted) / len(said) - rank * 1e-4)
    return best


def guess_kind_columns(table: RawTable, kind: str,
                       profiles: dict[str, Profile] | None = None) -> Guess:
    headers = table.headers
    profiles = profiles or {h: profile(table.cells[i], h) for i, h in enumerate(headers)}
    key = fields.KEY[kind]
    candidates = []
    for fld in fields.FIELDS[kind]:
        for h in headers:
            score = name_score(kind, fld, h)
            if score < MIN_NAME_SCORE or not fits(kind, fld, profiles[h]):
                continue
            if fld == key and profiles[h].filled and profiles[h].distinct < 0.95:
                score /= 2  # an id column holds a different value on every row
            candidates.append((score, fld, h))
    guess = Guess(kind)
    taken: set[str] = set()
    for score, fld, h in sorted(candidates, key=lambda c: -c[0]):
        if fld in guess.columns or h in taken:
            continue
        guess.columns[fld], guess.scores[fld] = h, score
        ftype = fields.FIELDS[kind][fld]
        guess.reasons[fld] = ("its name and its dates" if ftype in ("datetime", "date")
                              and profiles[h].filled else "its name")
        taken.add(h)

    dated = FIRST_DATES.get(kind)
    if dated and dated not in guess.columns:
        for h in headers:
            p = profiles[h]
            if h not in taken and p.filled >= MOSTLY and p.dates >= MOSTLY:
                guess.columns[dated], guess.scores[dated] = h, 0.0
                guess.reasons[dated] = "its dates (the first column of dates)"
                taken.add(h)
                break
    if key in fields.REQUIRED[kind] and key not in guess.columns:
        for h in headers:
            p = profiles[h]
            if h not in taken and p.filled == 1 and p.distinct == 1 and p.dates < 0.5:
                guess.columns[key], guess.scores[key] = h, 0.0
                guess.reasons[key] = "its values (a different one on every row)"
                taken.add(h)
                break
    return guess


def guess_mapping(table: RawTable, kind: str | None = None) -> Guess:
    """The draft mapping of a file: for ``kind``, or for the kind whose required fields
    are all found with the best-named columns (tickets when none is complete)."""
    profiles = {h: profile(table.cells[i], h) for i, h in enumerate(table.headers)}
    if kind is not None:
        return guess_kind_columns(table, kind, profiles)
    guesses = [guess_kind_columns(table, k, profiles) for k in GUESSED_KINDS]

    def rank(g: Guess):
        required = fields.REQUIRED[g.kind]
        found = sum(f in g.columns for f in required)
        # the best-named columns win; on a tie, the kind that needs more of them
        # (Ticket, Technician, Date, Hours: time entries rather than tickets)
        return (g.complete, found / len(required), round(sum(g.scores.values()), 6), found)

    best = max(guesses, key=rank)
    return best if best.complete else guesses[0]
