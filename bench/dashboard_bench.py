"""Dashboard benchmark: the weekly review on a 200k-ticket store.

    python bench/dashboard_bench.py [--tickets 200000] [--entries 1000000]

Builds (once) the same synthetic store as bench/kpi_bench.py, then runs the weekly review
page with Streamlit's AppTest, each time in a new process as a newly started server would:

1. the first render right after the store changed (no snapshot on disk: the store is read
   from SQLite, then every KPI computed);
2. the first render of a restarted server on the unchanged store (the snapshot the first
   run left is mapped instead of reading SQLite; every KPI still computed);
3. in that same process, reruns after a filter change (a team picked in the sidebar) and
   with nothing changed, best and worst of three; then the Margins, Client tiers and QBR
   pages opened for the first time in that server, and rerun.

Numbers go in the README.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.kpi_bench import build_store  # noqa: E402


def one_server(url: str) -> None:
    """One server's session: the first render, then (``--reruns``) the reruns."""
    os.environ["CADENCE_DB_URL"] = url
    os.chdir(ROOT)
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "pages" / "weekly_review.py"), default_timeout=600)
    at.query_params["week"] = "2026-11-16"
    start = time.perf_counter()
    at.run()
    print(f"first={time.perf_counter() - start:.2f}")
    assert not at.exception, at.exception
    if "--reruns" not in sys.argv:
        return
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
    print(f"rerun={min(reruns):.2f},{max(reruns):.2f}")
    print(f"same={min(same):.2f}")
    for page in ("margins", "client_tiers", "qbr"):   # the owner's pages, same server
        other = AppTest.from_file(str(ROOT / "pages" / f"{page}.py"), default_timeout=600)
        other.query_params["week"] = "2026-11-16"
        start = time.perf_counter()
        other.run()
        opened = time.perf_counter() - start
        assert not other.exception, other.exception
        start = time.perf_counter()
        other.run()
        print(f"page {page}={opened:.2f},{time.perf_counter() - start:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=200_000)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--db", help="an already filled store to use instead (e.g. a "
                                     "PostgreSQL URL holding the same two exports)")
    args, _ = parser.parse_known_args()
    url = args.db or build_store(args.tickets, args.entries)
    results: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "CADENCE_CACHE_DIR": cache}
        for extra in ([], ["--reruns"]):
            done = subprocess.run([sys.executable, __file__, "--server", url, *extra],
                                  env=env, capture_output=True, text=True, check=True)
            for line in done.stdout.splitlines():
                name, _, value = line.partition("=")
                results.setdefault(name, value) if name != "first" else \
                    results.setdefault("first_changed" if "first_changed" not in results
                                       else "first_unchanged", value)
    best, worst = results["rerun"].split(",")
    print(f"store: {args.tickets:,} tickets, {args.entries:,} time entries"
          + (" (PostgreSQL)" if url.startswith("postgres") else ""))
    print(f"first render, store just changed (no snapshot: read from the store): {results['first_changed']} s")
    print(f"first render, restarted server, unchanged store (snapshot): "
          f"{results['first_unchanged']} s")
    print(f"rerun after a team filter change: best {best} s, worst {worst} s")
    print(f"rerun with nothing changed: best {results['same']} s")
    for name, value in results.items():
        if name.startswith("page "):
            opened, again = value.split(",")
            print(f"{name[5:]}: first open in that server {opened} s, rerun {again} s")


if __name__ == "__main__":
    if "--server" in sys.argv:
        one_server(sys.argv[sys.argv.index("--server") + 1])
    else:
        main()
