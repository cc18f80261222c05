"""Dashboard benchmark: the weekly review on a 200k-ticket store.

    python bench/dashboard_bench.py [--tickets 200000] [--entries 1000000]

Builds (once) the same synthetic store as bench/kpi_bench.py, then runs the weekly review
page with Streamlit's AppTest, in one process as the server would: the first render
(cold caches: reading the store and computing the KPIs), a rerun after a filter change
(a team picked in the sidebar), and a rerun with nothing changed. Best of three for the
reruns. Numbers go in the README.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.kpi_bench import build_store  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=200_000)
    parser.add_argument("--entries", type=int, default=1_000_000)
    args = parser.parse_args()
    os.environ["CADENCE_DB_URL"] = build_store(args.tickets, args.entries)
    os.chdir(ROOT)
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "pages" / "weekly_review.py"), default_timeout=600)
    at.query_params["week"] = "2026-11-16"
    start = time.perf_counter()
    at.run()
    first = time.perf_counter() - start
    assert not at.exception, at.exception
    teams = [o for o in at.sidebar.selectbox[0].options if o != "All teams"]
    reruns, same = [], []
    for team in teams[:3]:
        start = time.perf_counter()
        at.sidebar.selectbox[0].set_value(team).run()
        reruns.append(time.perf_counter() - start)
        assert not at.exception, at.exception
        start = time.perf_counter()
        at.run()
        same.append(time.perf_counter() - start)
    print(f"store: {args.tickets:,} tickets, {args.entries:,} time entries")
    print(f"first render (cold caches): {first:.2f} s")
    print(f"rerun after a team filter change: best {min(reruns):.2f} s, "
          f"worst {max(reruns):.2f} s")
    print(f"rerun with nothing changed: best {min(same):.2f} s")


if __name__ == "__main__":
    main()
