"""Starting with your own data: the Data page's offer while the store holds the sample, the
question a first import into a sample store asks, and the same on the command line. Each
test works on its own copy of the sample store."""
from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
from streamlit.testing.v1 import AppTest

from loaders import sample, settings as settings_mod, store
from tests.conftest import FIXTURES, ROOT

HALO = (FIXTURES / "halopsa_tickets.csv").read_bytes()   # 8 rows: 6 tickets, 2 rejected


@pytest.fixture
def copy(sample_db_file, tmp_path, monkeypatch):
    path = tmp_path / "store.db"
    shutil.copyfile(sample_db_file, path)
    url = f"sqlite:///{path}"
    monkeypatch.setenv("CADENCE_DB_URL", url)
    monkeypatch.delenv("CADENCE_ROLE", raising=False)
    engine = store.connect(url)
    yield engine
    engine.dispose()


def data_page() -> AppTest:
    return AppTest.from_file(str(ROOT / "pages" / "data.py"), default_timeout=240).run()


def upload(at: AppTest) -> AppTest:
    at.file_uploader[0].set_value(("halopsa_tickets.csv", HALO, "text/csv"))
    return at.run()


def import_button(at: AppTest):
    return next(b for b in at.button if b.label == "Import")


@pytest.mark.parametrize("way,tickets_after,state_after", [
    ("remove", 6, "own"),        # the sample's imports undone, then the file alone
    ("empty", 6, "own"),         # everything removed, then the file alone
    ("add", None, "mixed"),      # into the sample, as the person asked
])
def test_a_first_import_into_the_sample_asks_where_it_goes(copy, way, tickets_after,
                                                           state_after):
    before = store.table_counts(copy)["tickets"]
    at = upload(data_page())
    assert import_button(at).disabled                  # nothing goes in before the answer
    at.radio(key="first_import_way").set_value(way).run()
    import_button(at).click()
    at.run()
    assert not at.exception
    assert store.table_counts(copy)["tickets"] == (tickets_after or before + 6)
    assert sample.state(copy) == state_after
    if way != "add":   # the sample's own settings went with it; it won't come back
        assert settings_mod.saved_text(copy) is None and sample.declined(copy)


def test_an_own_store_imports_without_asking(copy):
    sample.start_empty(copy)
    at = upload(data_page())
    assert not [r for r in at.radio if r.key == "first_import_way"]
    import_button(at).click()
    at.run()
    assert store.table_counts(copy)["tickets"] == 6
    assert not [b for b in at.button if b.label == "Take the sample out"]


def test_start_with_my_own_data_is_one_click_confirmed(copy):
    at = data_page()
    at.button(key="own_remove").click().run()
    assert "Take the sample MSP out?" in at.warning[0].value
    assert store.table_counts(copy)["tickets"] > 10_000   # nothing happens before yes
    at.button(key="own_yes").click().run()
    assert not at.exception
    assert sum(store.table_counts(copy).values()) == 0
    assert "The sample is out: 11 sample imports undone." in [i.value for i in at.info]
    assert not [b for b in at.button if b.label == "Take the sample out"]


def test_an_emptied_store_is_not_filled_with_the_sample_again(copy):
    sample.start_empty(copy)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=240).run()
    assert not at.exception
    assert sum(store.table_counts(copy).values()) == 0
    assert not [i for i in at.sidebar.info if "Sample data" in i.value]


@pytest.mark.parametrize("page", ["margins.py", "client_tiers.py"])
def test_pages_say_what_is_missing_and_draw_nothing(copy, page):
    sample.start_empty(copy)
    at = AppTest.from_file(str(ROOT / "pages" / page), default_timeout=240).run()
    assert not at.exception and not at.get("plotly_chart") and not at.get("vega_lite_chart")
    assert "agreements export" in at.info[0].value and "time-entry export" in at.info[0].value


def test_the_command_line_takes_the_sample_out(copy):
    url = str(copy.url)
    run = lambda *a: subprocess.run([sys.executable, "-m", "loaders", *a, "--db", url],  # noqa: E731
                                    cwd=ROOT, capture_output=True, text=True, timeout=120)
    refused = run("empty")
    assert refused.returncode == 1 and "--yes" in refused.stderr
    done = run("remove-sample")
    assert done.returncode == 0 and "11 imports undone" in done.stdout
    assert sample.state(copy) == "empty"
    history = run("history")
    assert "(undone)" in history.stdout and "rows read:" in history.stdout
