import pandas as pd

from kpi import csat
from tests.kpi_frames import frames

T = pd.Timestamp
WEEKS = [T("2026-11-02"), T("2026-11-09"), T("2026-11-16")]


def test_csat_weekly_hand_worked():
    responses = pd.DataFrame({
        "responded_at": ["2026-11-09 00:00", "2026-11-15 23:59", "2026-11-16 00:00",
                         "2026-11-16 08:00", "2026-11-22 10:00", "2026-11-23 00:00", None],
        "rating": ["positive", "negative", "positive", "neutral", None, "positive", "positive"],
    })
    out = csat.csat_weekly(frames(csat=responses), WEEKS)
    # 11-02: nothing -> None. 11-09: 11-09 00:00 (boundary) positive, 11-15 negative -> 1/2.
    # 11-16: 11-16 00:00 positive, 08:00 neutral (no rating: ignored; 11-23 is after) -> 1/2.
    assert out["period"].tolist() == ["2026-11-02", "2026-11-09", "2026-11-16"]
    assert out["responses"].tolist() == [0, 2, 2]
    assert out["positive"].tolist() == [0, 1, 1]
    assert out["negative"].tolist() == [0, 1, 0]
    assert out["neutral"].tolist() == [0, 0, 1]
    assert out["percent_positive"].tolist()[0] is None
    assert out["percent_positive"].tolist()[1:] == [50.0, 50.0]
    assert out["small_n"].tolist() == [True, True, True]


def test_csat_n_of_ten_is_not_small():
    # 12 responses in the week, 9 positive -> 75 %, n >= 10 so not flagged; 9 -> flagged
    twelve = pd.DataFrame({"responded_at": [T("2026-11-17 10:00")] * 12,
                           "rating": ["positive"] * 9 + ["negative"] * 3})
    out = csat.csat_weekly(frames(csat=twelve), [T("2026-11-16")])
    assert out.loc[0, "percent_positive"] == 75.0 and not out.loc[0, "small_n"]
    out = csat.csat_weekly(frames(csat=twelve.iloc[:9]), [T("2026-11-16")])
    assert out.loc[0, "percent_positive"] == 100.0 and out.loc[0, "small_n"]
    out = csat.csat_weekly(frames(csat=twelve.iloc[:10]), [T("2026-11-16")])
    assert not out.loc[0, "small_n"]


def test_csat_empty_table():
    empty = pd.DataFrame(columns=["responded_at", "rating"], dtype="object")
    out = csat.csat_weekly(frames(csat=empty), WEEKS)
    assert out["responses"].tolist() == [0, 0, 0]
