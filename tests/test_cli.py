"""`python -m loaders` as scripts call it: summary lines, exit codes, plain errors."""
from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT

GOOD = ("number,opened_at,state,priority\n"
        "INC1,2026-03-02 09:00,New,3 - Moderate\nINC2,bad,New,2 - High\n")


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "loaders", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_import_good_and_bad_files(tmp_path):
    good = tmp_path / "good.csv"
    good.write_text(GOOD)
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"not a workbook")
    db = f"sqlite:///{tmp_path / 'c.db'}"
    done = run("import", str(good), str(junk), "--db", db)
    assert done.returncode == 1
    assert done.stdout.splitlines()[0] == \
        "good.csv: servicenow tickets, 2 rows read, 1 stored, 1 rejected (import #1)"
    assert "rejected row 3: column 'opened_at': 'bad' is not a date" in done.stdout
    errors = done.stderr.strip().splitlines()
    assert len(errors) == 1 and errors[0].startswith("error: junk.xlsx: ")
    assert "Traceback" not in done.stderr

    again = run("import", str(good), "--db", db)
    assert again.returncode == 0 and "import #2" in again.stdout
    history = run("history", "--db", db)
    assert history.stdout.splitlines()[0].startswith("#2 ")
    undo = run("undo", "1", "--db", db)
    # import #2 repeated #1's rows, so #1's are earlier versions now: none current removed
    assert undo.returncode == 0 and undo.stdout.strip() == "Import #1 undone: 0 tickets removed."
    assert run("undo", "1", "--db", db).returncode == 1


def test_forced_vendor_and_kind_and_bad_config(tmp_path):
    good = tmp_path / "good.csv"
    good.write_text(GOOD)
    db = f"sqlite:///{tmp_path / 'c.db'}"
    done = run("import", str(good), "--db", db, "--vendor", "servicenow", "--kind", "tickets")
    assert done.returncode == 0
    wrong = run("import", str(good), "--db", db, "--vendor", "nosuchpsa")
    assert wrong.returncode == 1 and "no preset for vendor 'nosuchpsa'" in wrong.stderr
    config = tmp_path / "bad.toml"
    config.write_text('[sla.resolution_hours]\nP9 = 4\n')
    bad = run("import", str(good), "--db", db, "--config", str(config))
    assert bad.returncode == 1 and "unknown priority 'P9'" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_settings_saved_in_the_store_are_used_without_config(tmp_path):
    from loaders import settings as settings_mod
    from loaders import store

    db = f"sqlite:///{tmp_path / 'c.db'}"
    engine = store.connect(db)
    chosen = settings_mod.load()
    chosen["import"]["date_order"] = "day_first"
    settings_mod.save(engine, chosen)
    assert settings_mod.load_effective(engine)["import"]["date_order"] == "day_first"
    ambiguous = tmp_path / "amb.csv"
    ambiguous.write_text("number,opened_at,state\nINC1,01/02/2026 10:00,New\n")
    done = run("import", str(ambiguous), "--db", db)
    assert done.returncode == 0, done.stderr
    stored = store.read_table(engine, "tickets")
    assert str(stored["created_at"].iloc[0]) == "2026-02-01 10:00:00"
    # An explicit --config still wins over the store.
    config = tmp_path / "s.toml"
    config.write_text('[import]\ndate_order = "auto"\n')
    refused = run("import", str(ambiguous), "--db", db, "--config", str(config))
    assert refused.returncode == 1 and "day-first or month-first" in refused.stderr


def test_a_closed_pipe_ends_the_report_quietly(sample_db_url):
    """`python -m kpi report | head -1`: the reader goes away; no traceback, exit 0."""
    reader = subprocess.Popen([sys.executable, "-m", "kpi", "report", "--db", sample_db_url,
                               "--format", "json"], cwd=ROOT, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE)
    assert reader.stdout.readline().strip() == b"{"
    reader.stdout.close()
    _, err = reader.communicate(timeout=120)
    assert reader.returncode == 0 and b"Traceback" not in err and b"Broken" not in err
