"""The weekly review as a meeting (SPEC, "The weekly review as a meeting"), in the order
the page runs it: the open actions of earlier reviews to settle (``earlier_actions``),
the saved numbers beside today's (``as_reviewed``), new actions for each team at review
(``new_actions``) and saving the review (``save_review``); a technician's read-only view
of their team's actions (``team_actions``).

The record lives in the store (``loaders.store``: reviews and review_actions), the saved
numbers come from ``kpi.meeting``. What people typed (actions, outcomes, notes) and names
from the data are shown with ``st.text`` and in tables, never as Markdown or HTML. New
actions wait in the session until the review is saved, which stores them with it.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from kpi import formats, meeting, periods
from kpi.render.actions import DESK
from loaders import store

from .access import auth_configured
from .formats import plain

MESSAGES = "review_messages"


# ---------------------------------------------------------------------------- pure helpers
def owners(technicians: pd.DataFrame) -> list[str]:
    """The technicians who may own an action, by name."""
    return sorted(technicians["name"].dropna().unique().tolist())


def own_team(technicians: pd.DataFrame, user: str) -> str | None:
    """The team of the technician named ``user`` (case and spaces aside), else None."""
    names = technicians["name"].fillna("").str.strip().str.casefold()
    found = technicians.loc[names == (user or "").strip().casefold(), "team"].dropna()
    return str(found.iloc[0]) if len(found) else None


def action_table(actions: pd.DataFrame) -> pd.DataFrame:
    """Actions (``store.review_actions``) as a table to read."""
    day = lambda s: s.dt.strftime("%Y-%m-%d").fillna("")  # noqa: E731
    return pd.DataFrame({
        "raised at review of": day(actions["review_week"]),
        "team": actions["team"].replace("", DESK), "topic": actions["category"],
        "action": actions["action"], "owner": actions["owner"],
        "due week": day(actions["due_week"]), "status": actions["status"],
        "carried over": actions["carried_over"], "outcome": actions["outcome"].fillna("")})


def comparison_table(saved: dict, today: dict, money: bool) -> pd.DataFrame:
    """The saved numbers beside today's, written by unit, with what moved."""
    rows = meeting.compare(saved, today, money)

    def text(value, unit):
        return formats.number(value, unit, 1 if unit == "percent" else None)

    def moved(row):
        a, b = row["as_reviewed"], row["today"]
        if formats.is_missing(a) or formats.is_missing(b):
            return ""
        return "" if a == b else formats.signed(b - a, row["unit"],
                                                1 if row["unit"] == "percent" else None)
    return pd.DataFrame({"number": [r["label"] for r in rows],
                         "as reviewed": [text(r["as_reviewed"], r["unit"]) for r in rows],
                         "today": [text(r["today"], r["unit"]) for r in rows],
                         "moved since": [moved(r) for r in rows]})


def due_state(due: pd.Timestamp, week: pd.Timestamp) -> str:
    """How an action's due week stands at the review of ``week``."""
    if due < week:
        return "overdue"
    return "due by this review" if due == week else "due later"


# ---------------------------------------------------------------------------- messages
def _say(section: str, kind: str, text: str) -> None:
    st.session_state.setdefault(MESSAGES, {})[section] = (kind, text)


def _show(section: str) -> None:
    kind, text = st.session_state.get(MESSAGES, {}).pop(section, (None, None))
    if kind:
        getattr(st, kind)(plain(text))


def _drafts(week: pd.Timestamp, team: str | None) -> list:
    key = f"{week:%Y-%m-%d}|{team or ''}"
    return st.session_state.setdefault("review_drafts", {}).setdefault(key, [])


# ---------------------------------------------------------------------------- 1. earlier actions
def _settle(engine, action_id: int, status: str) -> None:
    outcome = st.session_state.get(f"outcome_{action_id}", "")
    try:
        changed = store.settle_action(engine, action_id, status, outcome)
    except store.ReviewRefused as refused:
        return _say("earlier", "warning", str(refused))
    word = "confirmed done" if status == "done" else "dropped"
    _say("earlier", "success" if changed else "info",
         f"Action {action_id} {word}." if changed else
         f"Action {action_id} was settled by someone else meanwhile; nothing changed.")


def _carry(engine, action_id: int, to_week: pd.Timestamp) -> None:
    outcome = st.session_state.get(f"outcome_{action_id}", "")
    try:
        changed = store.carry_action(engine, action_id, to_week.date(), outcome)
    except store.ReviewRefused as refused:
        return _say("earlier", "warning", str(refused))
    _say("earlier", "success" if changed else "info",
         f"Action {action_id} carried over to the week of {to_week:%d %b %Y}." if changed
         else f"Action {action_id} was carried over or settled by someone else meanwhile; "
              "nothing changed.")


def _action_card(engine, a: dict, week: pd.Timestamp) -> None:
    due = pd.Timestamp(a["due_week"])
    carried = f"\nCarried over {a['carried_over']} time(s)" if a["carried_over"] else ""
    last = f"\nLast word: {a['outcome']}" if a["outcome"] else ""
    with st.container(border=True):
        what, who = st.columns([3, 2])
        what.text(f"{a['team'] or DESK} · {a['category']}")
        what.text(a["action"])
        who.text(f"Owner: {a['owner']}\nDue in the week of {due:%Y-%m-%d} "
                 f"({due_state(due, week)})\nRaised at the review of the week of "
                 f"{a['review_week']:%Y-%m-%d}{carried}{last}")
        key = a["action_id"]
        st.text_input("A word on the outcome", key=f"outcome_{key}",
                      placeholder="What was done, or why it carries over or is dropped")
        done, carry, drop = st.columns(3)
        done.button("Confirm done", key=f"done_{key}", icon=":material/check:",
                    on_click=_settle, args=(engine, key, "done"), width="stretch")
        to_week = week + periods.WEEK
        carry.button(f"Carry over to the week of {to_week:%d %b}", key=f"carry_{key}",
                     icon=":material/redo:", on_click=_carry, args=(engine, key, to_week),
                     disabled=due >= to_week, width="stretch",
                     help="Already due later: confirm or drop it then." if due >= to_week
                     else None)
        drop.button("Drop", key=f"drop_{key}", icon=":material/close:", on_click=_settle,
                    args=(engine, key, "dropped"), width="stretch")


def earlier_actions(engine, week: pd.Timestamp, team: str | None) -> None:
    """The open actions raised at reviews of weeks before ``week``, each to confirm done,
    carry over or drop with a word on the outcome."""
    st.subheader("Actions from earlier reviews")
    _show("earlier")
    teams = [team] if team else None
    waiting = store.review_actions(engine, status="open", teams=teams, raised_before=week)
    if waiting.empty:
        st.caption("No open actions from earlier reviews.")
    for action in waiting.to_dict("records"):   # a meeting's handful, not tickets
        _action_card(engine, action, week)
    settled = store.review_actions(engine, teams=teams, raised_before=week)
    settled = settled.loc[settled["status"] != "open"]
    if len(settled):
        shown = st.expander(f"Settled actions of earlier reviews ({len(settled)})",
                            key="settled_actions", on_change="rerun")
        if shown.open:
            with shown:
                st.dataframe(action_table(settled.iloc[::-1]), hide_index=True,
                             placeholder="–")


def team_actions(engine, technicians: pd.DataFrame, user: str) -> None:
    """A technician's view: their own team's actions, read only."""
    st.subheader("Your team's actions")
    team = own_team(technicians, user)
    if team is None and not auth_configured() and owners(technicians):
        # Local mode has no sign-in: the name is the computer's user name, which is rarely
        # the one in the PSA. The one person at this computer says who they are.
        chosen = st.selectbox("You are", owners(technicians), index=None,
                              key="local_technician",
                              placeholder="Choose your name in the technicians list")
        st.caption(f"Cadence runs without sign-in here and knows you as {plain(user)}; "
                   "set CADENCE_USER to your name as the technicians list has it to skip "
                   "this.")
        if chosen is None:
            return
        team = own_team(technicians, chosen)
    if team is None:
        st.info(f"Cadence can't find {plain(user)} in the technicians list, so it can't tell "
                "your team. Ask a manager to add you to the technicians export, with your "
                "name as you sign in.")
        return
    found = store.review_actions(engine, teams=[team])
    st.text(f"{team}: {int((found['status'] == 'open').sum())} open action(s)")
    if len(found):
        found = found.assign(settled=found["status"].ne("open")).sort_values(
            ["settled", "due_week", "action_id"])
        st.dataframe(action_table(found), hide_index=True, placeholder="–")


# ---------------------------------------------------------------------------- 2. saved numbers
def as_reviewed(engine, week: pd.Timestamp, team: str | None, today: dict,
                money: bool) -> None:
    """"As reviewed on <date> by <who>" and the saved numbers beside today's, when this
    week (and team) has been reviewed."""
    saves = store.reviews_of_week(engine, week.date(), team or "")
    if not saves:
        return
    last, first = saves[-1], saves[0]
    with st.container(border=True):
        earlier = (f" (saved {len(saves)} times, first on {first.held_at:%a %d %b %Y %H:%M} "
                   f"by {first.held_by})") if len(saves) > 1 else ""
        st.text(f"As reviewed on {last.held_at:%a %d %b %Y %H:%M} by {last.held_by}{earlier}")
        if last.numbers.get("client", "") == today.get("client", ""):
            st.dataframe(comparison_table(last.numbers, today, money), hide_index=True, placeholder="–")
        else:   # today's numbers of one client are not the reviewed ones of the desk
            st.caption("Choose All clients to set the saved numbers beside today's.")
        for save in saves:
            if save.notes:
                st.text(f"Notes by {save.held_by}, {save.held_at:%d %b %H:%M}:\n{save.notes}")


# ---------------------------------------------------------------------------- 3. new actions
def _add(draft_key: tuple, form: str, topics: dict[str, tuple[str, str]] | None) -> None:
    """Add the form's action to the drafts. ``topics``: the review form's choices (an id per
    team at review and aging category: (team, category)); None: another topic, typed in."""
    s = st.session_state
    if topics is None:   # another topic: the team and topic come from the form
        chosen = s.get(f"team_{form}") or DESK
        team, category = ("" if chosen == DESK else chosen), s.get(f"topic_{form}", "")
    else:
        team, category = topics.get(s.get(f"pick_{form}"), ("", ""))
    due = periods.week_start(pd.Timestamp(s[f"due_{form}"])).date()
    try:
        action = store.check_action(store.NewAction(team or "", category or "",
                                                    s.get(f"text_{form}", ""),
                                                    s.get(f"owner_{form}") or "", due))
    except store.ReviewRefused as refused:
        return _say("new", "warning", str(refused))
    _drafts(*draft_key).append(action)
    s[f"text_{form}"], s[f"owner_{form}"] = "", None
    if topics is not None:   # on to the next category: each one wants an owner
        ids = list(topics)
        at = ids.index(s[f"pick_{form}"]) if s.get(f"pick_{form}") in ids else -1
        s[f"pick_{form}"] = ids[(at + 1) % len(ids)]
    _say("new", "success", "Action added: it is stored when you save the review below.")


def _form(form: str, draft_key: tuple, names: list[str], due,
          topics: dict[str, tuple[str, str]] | None = None,
          teams: list[str] | None = None) -> None:
    """One action form: on a team's aging category (``topics``), or on another topic."""
    with st.form(f"form_{form}"):
        if topics is None:
            st.selectbox("Team", [DESK, *(teams or [])], key=f"team_{form}")
            st.text_input("Topic", key=f"topic_{form}",
                          placeholder="A reopen pattern, a CSAT theme...")
        else:
            st.selectbox("Aging category", list(topics), key=f"pick_{form}",
                         format_func=lambda id_: "{} · {}".format(*topics[id_]))
        st.text_input("Action", key=f"text_{form}",
                      placeholder="Fix the checklist, script or KB article behind it")
        owner, when = st.columns(2)
        owner.selectbox("Owner", names, index=None, key=f"owner_{form}",
                        placeholder="Choose a technician")
        when.date_input("Due in the week of", value=due, key=f"due_{form}",
                        format="YYYY-MM-DD")
        st.form_submit_button("Add action", icon=":material/add:", on_click=_add,
                              args=(draft_key, form, topics))


def new_actions(teams: pd.DataFrame, technicians: pd.DataFrame, week: pd.Timestamp,
                team: str | None, all_teams: list[str]) -> None:
    """The teams at review with their top aging categories, one form to give each category
    an action and an owner, and an action on another topic. One form, not one per
    category: a team pick redraws a handful of fields, not dozens."""
    st.subheader("Actions for the teams at review")
    _show("new")
    names = owners(technicians)
    if not names:
        st.info("Import the technicians list (name, team) to name the owners of actions.")
        return
    draft_key, due = (week, team), (week + periods.WEEK).date()
    at_review = teams.loc[teams["status"] == "review"]
    topics = {f"{row['team']}|{i}": (row["team"], category)
              for row in at_review.to_dict("records")
              for i, category in enumerate(row["top_categories"])}
    if at_review.empty:
        st.caption("No team is at review this week.")
    for row in at_review.to_dict("records"):
        waiting = f", {row['waiting']} waiting" if row.get("waiting") else ""
        st.text(f"{row['team']}: {row['aged_past_sla']} tickets aged past SLA of "
                f"{row['open']} open{waiting}")
    if topics:
        _form("review", draft_key, names, due, topics=topics)
    # Drawn only when opened: a closed form still costs every filter pick its redraw.
    other = st.expander("An action on another topic", icon=":material/add_task:",
                        key="other_topic", on_change="rerun")
    if other.open:
        with other:
            _form("other", draft_key, names, due, teams=all_teams)


# ---------------------------------------------------------------------------- 4. save
def _remove(draft_key: tuple, index: int) -> None:
    drafts = _drafts(*draft_key)
    if 0 <= index < len(drafts):
        drafts.pop(index)


def _save(engine, week: pd.Timestamp, team: str | None, numbers: dict, user: str) -> None:
    s = st.session_state
    drafts = _drafts(week, team)
    notes_key = f"notes_{week:%Y-%m-%d}_{team or ''}"
    try:
        store.save_review(engine, week.date(), team or "", user, numbers,
                          s.get(notes_key, ""), drafts)
    except store.ReviewRefused as refused:
        return _say("save", "warning", str(refused))
    count = len(drafts)
    drafts.clear()
    s[notes_key] = ""
    _say("save", "success", f"Review of the week of {week:%d %b %Y} saved with {count} new "
         f"action(s).")


def save_review(engine, week: pd.Timestamp, team: str | None, client: str | None,
                numbers: dict, user: str) -> None:
    """The new actions, the notes and "save review"; then this week's recorded actions."""
    st.subheader("Save the review")
    _show("save")
    drafts = _drafts(week, team)
    if drafts:
        st.caption("New actions, stored when the review is saved:")
        for i, a in enumerate(drafts):
            text, remove = st.columns([6, 1])
            text.text(f"{a.team or DESK} · {a.category}: {a.action}\n"
                      f"Owner: {a.owner}, due in the week of {a.due_week:%Y-%m-%d}")
            remove.button("Remove", key=f"remove_{i}", on_click=_remove,
                          args=((week, team), i))
    else:
        st.caption("No new actions yet: add them above, one per fix and owner.")
    st.text_area("Notes", key=f"notes_{week:%Y-%m-%d}_{team or ''}",
                 placeholder="What the meeting noticed, decided or wants to watch")
    if client:
        st.info("A review covers a team or the whole service desk: choose All clients to "
                "save it.")
    else:
        st.button("Save review", type="primary", icon=":material/save:", key="save_review",
                  on_click=_save, args=(engine, week, team, numbers, user))
    recorded = store.review_actions(engine, teams=[team] if team else None,
                                    raised_through=week)
    recorded = recorded.loc[recorded["review_week"] == week]
    if len(recorded):
        st.caption("Actions recorded at this week's review:")
        st.dataframe(action_table(recorded), hide_index=True, placeholder="–")
