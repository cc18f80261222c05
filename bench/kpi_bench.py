"""KPI benchmark: `python -m kpi report` on large synthetic stores.

    python bench/kpi_bench.py [--sizes 20000:100000,200000:1000000,1000000:2000000]

For each size (tickets:time entries) it builds a SQLite store once under bench/out/ (with
the import benchmark's HaloPSA files), then times the report end to end as a user runs it
(a new process, reading the store included) and, in this process, reading the store and
computing the KPIs separately (best of three). Reading is timed twice: on a store whose
data has no snapshot yet (SQLite read with Arrow, then a snapshot written) and on one that
has (the snapshot mapped; loaders/store/snapshot.py). "Computing" includes checking the
frames and pricing the labour (kpi.frames.make). Numbers go in the README.
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

from bench.import_bench import OUT, make_files  # noqa: E402
from kpi import frames, report  # noqa: E402
from loaders import store  # noqa: E402
from loaders.store import frames as store_frames  # noqa: E402
from loaders.settings import load  # noqa: E402

AS_OF = "2026-11-18"


def build_store(tickets: int, entries: int) -> str:
    db = OUT / f"kpi_{tickets}_{entries}.db"
    url = f"sqlite:///{db}"
    if not db.exists():
        files = make_files(tickets, entries, OUT)
        subprocess.run([sys.executable, "-m", "loaders", "import", *map(str, files),
                        "--db", url], cwd=ROOT, check=True, capture_output=True)
    return url


def best_of(runs: int, func):
    best, value = float("inf"), None
    for _ in range(runs):
        start = time.perf_counter()
        value = func()
        best = min(best, time.perf_counter() - start)
    return best, value


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="20000:100000,200000:1000000,1000000:2000000")
    args = parser.parse_args()
    settings = load()
    print(f"{'tickets':>9} {'entries':>9} {'end to end':>18} {'read store':>18} "
          f"{'KPIs':>7}")
    print(f"{'':>9} {'':>9} {'changed/unchanged':>18} {'changed/unchanged':>18}")
    for size in args.sizes.split(","):
        tickets, entries = (int(x) for x in size.split(":"))
        url = build_store(tickets, entries)
        report_cmd = [sys.executable, "-m", "kpi", "report", "--db", url, "--as-of", AS_OF,
                      "--format", "json"]
        with tempfile.TemporaryDirectory() as kept:
            # "changed": no snapshot of this store state yet (a new empty cache each run);
            # "unchanged": the snapshot the previous run left (kpi/snapshot.py).
            def run(cache):
                subprocess.run(report_cmd, cwd=ROOT, check=True, capture_output=True,
                               env={**os.environ, "CADENCE_CACHE_DIR": cache})
            changed, _ = best_of(3, lambda: run(tempfile.mkdtemp(dir=kept)))
            run(kept)
            unchanged, _ = best_of(3, lambda: run(kept))
            engine = store.connect(url)

            def read(cache):
                os.environ["CADENCE_CACHE_DIR"] = cache
                return store_frames.read(engine, sole_user=True)
            read_changed, _ = best_of(3, lambda: read(tempfile.mkdtemp(dir=kept)))
            read(kept)
            read_unchanged, tables = best_of(3, lambda: read(kept))
        compute, _ = best_of(3, lambda: report.build(frames.make(tables, settings), AS_OF,
                                                     settings, 12))
        print(f"{tickets:>9,} {entries:>9,} {changed:>8.2f}s/{unchanged:>6.2f}s "
              f"{read_changed:>8.2f}s/{read_unchanged:>6.2f}s {compute:>6.2f}s")


if __name__ == "__main__":
    main()
