"""CSAT scales (SPEC KPI 3): declared by the preset or the mapping, else the settings'
``[csat] scale``; a file's values never make it smaller; a settings change re-rates the
stored responses that took their scale from the settings, and only those.

Ratings by scale: 5-point 4-5 positive, 3 neutral, 1-2 negative; 3-point 3/2/1;
0-10 9-10 positive, 7-8 neutral, 0-6 negative. Every expected count below is worked out
by hand from the scores written next to it.
"""
from __future__ import annotations

import pandas as pd
import pytest

from loaders import normalise, store
from loaders import settings as settings_mod
from loaders.importer import import_file, plan_file
from loaders.settings import SettingsError
from loaders.store import undo_import
from tests.conftest import FIXTURES

AUTOTASK_HEADER = "Ticket Number,Account,Primary Resource,Survey Rating,Complete Date,Comment"
HALO_HEADER = "id,ticket_id,client_name,agent_name,score,date,comment"


def _file(tmp_path, name: str, header: str, rows: list[str]):
    path = tmp_path / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def _autotask(tmp_path, scores: list[str]):
    rows = [f"T2026032{i}.0001,Acme Dental,Jordan Smith,{s},03/2{i}/2026 9:00 AM,"
            for i, s in enumerate(scores, start=1)]
    return _file(tmp_path, "autotask_surveys.csv", AUTOTASK_HEADER, rows)


def _halo(tmp_path, scores: list[str], name: str = "halo_feedback.csv"):
    rows = [f"{900 + i},31{i:02d},Acme Dental,Jordan Smith,{s},2026-03-0{i}T09:00:00,"
            for i, s in enumerate(scores, start=1)]
    return _file(tmp_path, name, HALO_HEADER, rows)


def _ratings(plan) -> list[str]:
    return plan.rows["rating"].tolist()


# ---------------------------------------------------------------------------- import
def test_a_bad_week_of_autotask_scores_stays_on_the_5_point_scale(tmp_path):
    """The issue's case: three Autotask surveys scored 3, 2, 3. Autotask's Survey Rating is
    1-5, so 3 is neutral and 2 negative: 0 positive out of 3 (a 3-point reading would have
    made the two 3s positive)."""
    plan = plan_file(_autotask(tmp_path, ["3", "2", "3"]))
    assert plan.preset.name == "autotask/csat"
    assert plan.rows["scale"].unique().tolist() == ["5-point"]
    assert _ratings(plan) == ["neutral", "negative", "neutral"]
    assert _ratings(plan).count("positive") == 0


def test_a_file_without_a_declared_scale_never_shrinks_below_the_setting(tmp_path):
    # HaloPSA declares no scale: [csat] scale = 5 (the default). Scores 1, 2, 3 only are
    # still 5-point: 3 neutral, 1 and 2 negative, no positive.
    plan = plan_file(_halo(tmp_path, ["1", "3", "2"]))
    assert plan.rows["scale"].unique().tolist() == ["5-point"]
    assert plan.rows["scale_source"].unique().tolist() == ["settings"]
    assert _ratings(plan) == ["negative", "neutral", "negative"]


def test_scores_above_the_setting_read_the_file_on_0_to_10(tmp_path):
    # 8 is above 5: the file is 0-10. 9 positive, 8 and 7 neutral, 5 negative.
    plan = plan_file(_halo(tmp_path, ["9", "8", "5", "7"]))
    assert plan.rows["scale"].unique().tolist() == ["0-10"]
    assert _ratings(plan) == ["positive", "neutral", "negative", "neutral"]
    assert any("0-10 scale" in note for note in plan.notes)


def test_the_setting_decides_for_a_file_of_small_scores(tmp_path):
    settings = settings_mod.load()
    settings["csat"]["scale"] = 10
    # on 0-10, 5 and 4 are negative (0-6); a 5-point reading would have made them positive
    plan = plan_file(_halo(tmp_path, ["5", "4"]), settings=settings)
    assert plan.rows["scale"].unique().tolist() == ["0-10"]
    assert _ratings(plan) == ["negative", "negative"]


def test_a_value_outside_the_declared_scale_rejects_its_row(tmp_path):
    # Autotask declares 1-5: a 7 is not one of its ratings (the file is not read as 0-10)
    plan = plan_file(_autotask(tmp_path, ["5", "7", "4"]))
    assert plan.rows["scale"].unique().tolist() == ["5-point"]
    assert _ratings(plan) == ["positive", "positive"]
    assert plan.rejected["reason"].tolist() == [
        "column 'Survey Rating': score '7' is not on the 5-point scale that the autotask "
        "preset declares"]
    assert plan.rejected["row_number"].tolist() == [3]


def test_an_average_rating_counts_as_the_nearest_point(tmp_path):
    # Autotask averages a survey's answers: 3.67 -> 4 positive, 3.5 -> 4 positive,
    # 2.5 -> 3 neutral, 2.4 -> 2 negative.
    plan = plan_file(_autotask(tmp_path, ["3.67", "3.5", "2.5", "2.4"]))
    assert _ratings(plan) == ["positive", "positive", "neutral", "negative"]


def test_a_user_mapping_declares_its_scale(tmp_path):
    path = _file(tmp_path, "survey.csv", "Ref,When,Stars",
                 ["A1,2026-03-02 09:00,2", "A2,2026-03-03 09:00,3", "A3,2026-03-04 09:00,1"])
    settings = settings_mod.from_text("""
[mappings.stars]
kind = "csat"
csat_scale = 3
[mappings.stars.columns]
response_id = "Ref"
responded_at = "When"
score_raw = "Stars"
""")
    plan = plan_file(path, settings=settings)
    assert plan.rows["scale"].unique().tolist() == ["3-point"]
    assert plan.rows["scale_source"].unique().tolist() == ["mapping"]
    assert _ratings(plan) == ["neutral", "positive", "negative"]


def test_a_mapping_with_a_scale_that_is_no_scale_is_refused():
    with pytest.raises(SettingsError, match=r"mappings\.stars\.csat_scale must be 3, 5 or 10"):
        plan_file(FIXTURES / "halopsa_csat.csv", settings=settings_mod.from_text("""
[mappings.stars]
kind = "csat"
csat_scale = 7
[mappings.stars.columns]
responded_at = "When"
score_raw = "Stars"
"""))


@pytest.mark.parametrize("scores, setting, scale", [
    (["1", "2", "3"], "5-point", "5-point"),     # never below the setting
    (["1", "2", "3"], "3-point", "3-point"),
    (["1", "5", "4"], "3-point", "5-point"),     # raised to the smallest that holds 5
    (["0", "4"], "5-point", "0-10"),             # a 0 is only on 0-10
    (["6", "11"], "5-point", "0-10"),            # 11 fits no scale and tells nothing
    (["1", "2"], "0-10", "0-10"),
    (["Positive", "Negative"], "5-point", "labels"),
])
def test_file_scale(scores, setting, scale):
    assert normalise.file_scale(pd.Series(scores), setting) == scale


# ---------------------------------------------------------------------------- re-rating
def _rated(engine, source: str) -> dict[str, tuple[str, str]]:
    rows = store.read_table(engine, "csat_responses")
    rows = rows[rows["source_system"] == source]
    return {r.score_raw + "/" + r.response_id[-4:]: (r.scale, r.rating)
            for r in rows.itertuples()}


def _version(engine) -> int:
    with engine.connect() as conn:
        return conn.exec_driver_sql("SELECT data_version FROM store_state").scalar_one()


def test_a_new_scale_setting_re_rates_only_the_settings_scaled_responses(engine, tmp_path):
    """Halo feedback 5, 2, 3, 4, 1 (no declared scale) and Autotask surveys 5, 4, 3, 1, 2
    (declared 5-point). Both are 2 positive, 1 neutral, 2 negative on 5 points."""
    import_file(engine, FIXTURES / "autotask_surveys.csv")
    import_file(engine, FIXTURES / "halopsa_csat.csv")
    autotask_before = _rated(engine, "autotask")
    halo = store.read_table(engine, "csat_responses").query("source_system == 'halopsa'")
    assert sorted(halo["rating"]) == ["negative", "negative", "neutral", "positive",
                                      "positive"]
    version = _version(engine)

    settings = settings_mod.load()
    settings["csat"]["scale"] = 10
    assert settings_mod.save(engine, settings) == 5
    # On 0-10 every Halo score (1..5) is 0-6: 5 negative, 0 positive.
    halo = store.read_table(engine, "csat_responses").query("source_system == 'halopsa'")
    assert halo["scale"].unique().tolist() == ["0-10"]
    assert halo["rating"].tolist() == ["negative"] * 5
    assert _rated(engine, "autotask") == autotask_before      # declared: untouched
    assert _version(engine) > version                          # readers see the change

    # Back to 3: the file holds 4s and 5s, so it is read on 5 points again (never 3).
    settings["csat"]["scale"] = 3
    assert settings_mod.save(engine, settings) == 5
    halo = store.read_table(engine, "csat_responses").query("source_system == 'halopsa'")
    assert halo["scale"].unique().tolist() == ["5-point"]
    assert sorted(halo["rating"]) == ["negative", "negative", "neutral", "positive",
                                      "positive"]
    # Saving again with nothing to re-rate changes no row and leaves the version alone.
    version = _version(engine)
    assert settings_mod.save(engine, settings) == 0
    assert _version(engine) == version


def test_re_rating_reaches_the_versions_kept_for_undo(engine, tmp_path):
    """The first import of a Halo file is replaced by a later export (one score changed);
    after the setting moves to 10, undoing the later import brings back the first
    version rated on the new scale, not the old one."""
    first = import_file(engine, _halo(tmp_path, ["5", "4"], "a.csv"))
    later = import_file(engine, _halo(tmp_path, ["5", "3"], "b.csv"))
    assert first.rows_stored == later.rows_stored == 2
    settings = settings_mod.load()
    settings["csat"]["scale"] = 10
    settings_mod.save(engine, settings)
    undo_import(engine, later.import_id)
    rows = store.read_table(engine, "csat_responses").sort_values("response_id")
    # the first file's 5 and 4 on 0-10: both negative
    assert rows["score_raw"].tolist() == ["5", "4"]
    assert rows["scale"].tolist() == ["0-10", "0-10"]
    assert rows["rating"].tolist() == ["negative", "negative"]
