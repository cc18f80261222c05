"""The QBR's "what changed" sentences (kpi.qbr_sentences), each rule against cases worked
out by hand."""
from __future__ import annotations

import pandas as pd
import pytest

from kpi import qbr_sentences as say


@pytest.mark.parametrize("before, now, unit, words", [
    (34, 34, "count", "stayed at 34"),
    (30, 34, "count", "rose by 13%, from 30 to 34"),        # 4 / 30 = 13.3 %
    (40, 34, "count", "fell by 15%, from 40 to 34"),        # 6 / 40 = 15 %
    (1000, 1003, "count", "stayed about level, from 1,000 to 1,003"),  # 0.3 %: rounds to 0
    (1000, 1006, "count", "rose by 1%, from 1,000 to 1,006"),   # 0.6 %: rounds to 1
    (187.0, 186.5, "hours", "stayed about level, from 187.00 h to 186.50 h"),   # 0.27 %
    (3, 6, "count", "doubled, from 3 to 6"),
    (3, 7, "count", "more than doubled, from 3 to 7"),
    (12, 6, "count", "fell by half, from 12 to 6"),
    (12, 5, "count", "fell by more than half, from 12 to 5"),
    (0, 4, "count", "rose from none to 4"),
    (4, 0, "count", "fell from 4 to none"),
    (50.0, 61.0, "hours", "rose by 22%, from 50.00 h to 61.00 h"),  # 11 / 50 = 22 %
    (20.004, 19.996, "hours", "stayed at 20.00 h"),          # equal as shown
])
def test_how_a_number_moved(before, now, unit, words):
    assert say.moved(before, now, unit) == words


@pytest.mark.parametrize("before, now, words", [
    (81.2, 92.4, "rose from 81% to 92%"),
    (97.04, 96.6, "stayed at 97%"),          # both read 97 %
    (100.0, 0.0, "fell from 100% to 0%"),
])
def test_how_a_percentage_moved(before, now, words):
    assert say.moved_percent(before, now) == words


def quarter(**values) -> dict:
    base = {"tickets_opened": 0, "tickets_closed": 0, "tickets_cancelled": 0,
            "response_percent": None, "response_n": 0, "resolution_percent": None,
            "resolution_n": 0, "csat_percent_positive": None, "csat_responses": 0,
            "hours": 0.0}
    return {**base, **values}


def months(hours, included) -> pd.DataFrame:
    starts = [pd.Timestamp("2026-07-01"), pd.Timestamp("2026-08-01"),
              pd.Timestamp("2026-09-01")]
    over = [None if i is None else max(h - i, 0.0) for h, i in zip(hours, included)]
    return pd.DataFrame({"month_start": starts, "hours": hours,
                         "included_hours": pd.Series(included, dtype="object"),
                         "overage_hours": pd.Series(over, dtype="object")})


def categories(*rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["category", "tickets", "previous_tickets"])


def test_volume():
    now = quarter(tickets_opened=34, tickets_closed=35)
    assert say.volume_sentence(now, quarter(tickets_opened=30)) == \
        "Tickets opened rose by 13%, from 30 to 34; 35 were resolved or closed."
    now = quarter(tickets_opened=2, tickets_closed=1, tickets_cancelled=2)
    assert say.volume_sentence(now, quarter(tickets_opened=2)) == \
        "Tickets opened stayed at 2; 1 was resolved or closed and 2 cancelled."
    assert say.volume_sentence(quarter(), quarter()) == \
        "No tickets were opened in this quarter or the one before."


def test_sla():
    now = quarter(resolution_percent=92.0, response_percent=97.3, resolution_n=12)
    before = quarter(resolution_percent=81.0, response_percent=97.0)
    assert say.sla_sentence(now, before) == \
        "Resolution compliance rose from 81% to 92%; response compliance stayed at 97%."
    assert say.sla_sentence(now, quarter(response_percent=99.6)) == (
        "Resolution compliance was 92% (12 tickets; none to compare the quarter before); "
        "response compliance fell from 100% to 97%.")
    assert say.sla_sentence(quarter(response_percent=50.0), quarter()) == \
        "Response compliance was 50% (0 tickets; none to compare the quarter before)."
    assert say.sla_sentence(quarter(), quarter(resolution_percent=90.0)) == \
        "No tickets were responded to or resolved against an SLA target this quarter."


def test_csat():
    now = quarter(csat_percent_positive=75.0, csat_responses=12)
    assert say.csat_sentence(now, quarter(csat_percent_positive=80.0, csat_responses=10)) \
        == "CSAT fell from 80% to 75% positive (12 responses; 10 the quarter before)."
    one = quarter(csat_percent_positive=100.0, csat_responses=1)
    assert say.csat_sentence(one, quarter()) == (
        "CSAT was 100% positive (1 response; none the quarter before); with fewer than "
        "10 responses, read it with care.")
    assert say.csat_sentence(quarter(), quarter(csat_responses=3)) == \
        "No satisfaction surveys were answered this quarter (3 the quarter before)."


def test_hours():
    plain = months([20.0, 20.0, 21.0], [None, None, None])
    assert say.hours_sentence(quarter(hours=61.0), quarter(hours=50.0), plain) == \
        "Hours worked rose by 22%, from 50.00 h to 61.00 h."
    assert say.hours_sentence(quarter(), quarter(), months([0.0] * 3, [None] * 3)) is None
    # 18 + 19.5 + 20 = 57.5 of 3 x 20 = 60: within in every month
    within = months([18.0, 19.5, 20.0], [20.0, 20.0, 20.0])
    assert say.hours_sentence(quarter(), quarter(), within) == (
        "Hours worked stayed within the included hours in every month (57.50 h worked, "
        "60.00 h included).")
    # July 25 − 20 = 5 over, September 20.5 − 20 = 0.5 over: 5.5 in all; 60.75 worked
    over = months([25.0, 15.25, 20.5], [20.0, 20.0, 20.0])
    assert say.hours_sentence(quarter(), quarter(), over) == (
        "Hours worked went over the included hours in July and September: 5.50 h over in "
        "all (60.75 h worked, 60.00 h included).")
    # a block from August: July's 30 hours are not set against it
    late = months([30.0, 12.0, 11.0], [None, 10.0, 10.0])
    assert say.hours_sentence(quarter(), quarter(), late) == (
        "Hours worked went over the included hours in August and September: 3.00 h over "
        "in all (23.00 h worked, 20.00 h included, in the months with a block agreement).")


def test_category():
    # Printer 12 -> 6 moved 6 (at least 3 and a quarter of 12); Email 10 -> 12 moved 2.
    assert say.category_sentence(categories(("Email", 12, 10), ("Printer", 6, 12))) == \
        "Printer tickets fell by half, from 12 to 6."
    # Software 2 -> 5 and Hardware 7 -> 4 both moved 3: the larger count wins
    assert say.category_sentence(categories(("Software", 5, 2), ("Hardware", 4, 7))) == \
        "Hardware tickets fell by 43%, from 7 to 4."
    # 20 -> 17 moved 3, less than a quarter of 20: no sentence
    assert say.category_sentence(categories(("Email", 17, 20))) is None
    assert say.category_sentence(categories(("Network", 4, 0))) == \
        "Network tickets rose from none to 4."


def test_three_to_five_sentences():
    now = quarter(tickets_opened=34, tickets_closed=35, resolution_percent=92.0,
                  response_percent=97.0, csat_percent_positive=75.0, csat_responses=12,
                  hours=61.0)
    before = quarter(tickets_opened=30, resolution_percent=81.0, response_percent=97.0,
                     csat_percent_positive=80.0, csat_responses=10, hours=50.0)
    every = say.what_changed(now, before, categories(("Printer", 6, 12)),
                             months([20.0, 20.0, 21.0], [None] * 3))
    assert len(every) == 5 and every[-1] == "Printer tickets fell by half, from 12 to 6."
    fewest = say.what_changed(quarter(), quarter(), categories(),
                              months([0.0] * 3, [None] * 3))
    assert len(fewest) == 3


def test_no_word_for_the_client_names_money_or_tiers():
    texts = [say.moved(30, 34), say.volume_sentence(quarter(tickets_opened=3), quarter()),
             say.hours_sentence(quarter(), quarter(), months([25.0, 15.25, 20.5], [20.0] * 3))]
    words = " ".join(texts).lower()
    for bad in ("revenue", "margin", "cost", "rate", "tier", "effort", "steady", "core",
                "reprice", "demanding", "$"):
        assert bad not in words
