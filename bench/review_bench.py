"""The weekly review as a meeting and the Today page, on the 200k-ticket store.

    python bench/review_bench.py [--tickets 200000] [--entries 1000000]

Copies the store bench/kpi_bench.py builds to bench/out/review_bench.db and imports a
technicians list into the copy (60 technicians in its six teams: action owners are
chosen from them, and the KPI benchmark's store, whose golden report must not move, has
none). Then, each in a new process as a newly started server would:

1. the weekly review page (week of 2026-11-16): the first render; two actions added and
   "Save review" clicked, three times: the save and the rerender after it, best and
   worst; a rerender with nothing changed;
2. the Today page at 2026-11-18 09:00: the first render of a restarted server on an
   unchanged store (the snapshot mapped), and the first render right after a change made
   with other tools (no snapshot: the data read from the store); then the wall screen
   (?tv=1) turning to the next team.

Numbers go in the README.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.import_bench import OUT, TEAMS, TECHS  # noqa: E402
from bench.kpi_bench import build_store  # noqa: E402

WEEK, AT = "2026-11-16", "2026-11-18T09:00"


def review_store(tickets: int, entries: int, env: dict) -> str:
    source = Path(build_store(tickets, entries).removeprefix("sqlite:///"))
    copy = OUT / "review_bench.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{copy}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(source, copy)
    technicians = OUT / "review_bench_technicians.csv"
    technicians.write_text("name,team,hourly_cost,weekly_capacity_hours\n" + "".join(
        f"{name},{TEAMS[i % len(TEAMS)]},50,40\n" for i, name in enumerate(TECHS)))
    url = f"sqlite:///{copy}"
    subprocess.run([sys.executable, "-m", "loaders", "import", str(technicians), "--db", url],
                   cwd=ROOT, check=True, capture_output=True, env=env)
    return url


def timed(func) -> float:
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


def weekly_server() -> None:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "pages" / "weekly_review.py"), default_timeout=600)
    at.query_params["week"] = WEEK
    at.session_state["role_override"] = "manager"
    at.session_state["user_override"] = "Bench Manager"
    print(f"weekly_first={timed(at.run):.2f}")
    assert not at.exception, at.exception
    at.session_state["other_topic"] = True   # the other-topic form, opened
    at.run()
    saves = []
    for round_ in range(3):
        for n in range(2):
            at.text_input(key="topic_other").input(f"Topic {round_}.{n}")
            at.text_input(key="text_other").input(f"Action {round_}.{n}")
            at.selectbox(key="owner_other").set_value(TECHS[n])
            at.button(key="FormSubmitter:form_other-Add action").click().run()
        at.button(key="save_review").click()
        saves.append(timed(at.run))
        assert not at.exception, at.exception
        assert any("saved with 2 new action" in s.value for s in at.success)
    print(f"save={min(saves):.2f},{max(saves):.2f}")
    print(f"weekly_rerun={timed(at.run):.2f}")


def today_server() -> None:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "pages" / "today.py"), default_timeout=600)
    at.query_params["at"] = AT
    print(f"today_first={timed(at.run):.2f}")
    assert not at.exception, at.exception
    tv = AppTest.from_file(str(ROOT / "pages" / "today.py"), default_timeout=600)
    tv.query_params.update({"at": AT, "tv": "1"})
    tv.run()
    print(f"tv_turn={timed(tv.run):.2f}")
    assert not tv.exception, tv.exception


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=200_000)
    parser.add_argument("--entries", type=int, default=1_000_000)
    args, _ = parser.parse_known_args()
    results: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "CADENCE_CACHE_DIR": cache}
        url = review_store(args.tickets, args.entries, env)
        env["CADENCE_DB_URL"] = url

        def server(what: str, tag: str = "") -> None:
            done = subprocess.run([sys.executable, __file__, "--server", what], env=env,
                                  capture_output=True, text=True, check=True)
            for line in done.stdout.splitlines():
                name, _, value = line.partition("=")
                results[name + tag] = value
        server("weekly")               # the import left its snapshot: mapped
        server("today")
        from loaders import store      # a change made with other tools: no snapshot
        engine = store.connect(url)
        with engine.begin() as conn:
            conn.exec_driver_sql("UPDATE tickets SET summary = summary || '' "
                                 "WHERE ticket_id = (SELECT min(ticket_id) FROM tickets)")
        engine.dispose()
        server("today", "_changed")
    best, worst = results["save"].split(",")
    print(f"store: {args.tickets:,} tickets, {args.entries:,} time entries, 60 technicians")
    print(f"weekly review, first render (snapshot mapped): {results['weekly_first']} s")
    print(f"save review with two actions and rerender: best {best} s, worst {worst} s")
    print(f"weekly review rerun after saving, nothing changed: {results['weekly_rerun']} s")
    print(f"Today, first render, restarted server (snapshot mapped): {results['today_first']} s")
    print(f"Today, first render, store changed outside Cadence (read from the store): "
          f"{results['today_first_changed']} s")
    print(f"Today wall screen, next team: {results['tv_turn']} s")


if __name__ == "__main__":
    if "--server" in sys.argv:
        os.chdir(ROOT)
        {"weekly": weekly_server, "today": today_server}[sys.argv[sys.argv.index("--server")
                                                                    + 1]]()
    else:
        main()
