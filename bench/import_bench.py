"""Import benchmark: a 200k-ticket export plus 1M time entries into a fresh SQLite store.

    python bench/import_bench.py [--tickets 200000] [--entries 1000000] [--runs 1]

Writes HaloPSA-format CSVs (tickets and actions) under bench/out/, then times
`python -m loaders import` end to end in a child process (wall time and peak memory), and
for comparison the time pyarrow alone takes to parse the same files into columns.
Numbers go in the README; this is a script, not a timed test.
"""
from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
START = np.datetime64("2025-11-24T00:00")
CLIENTS = [f"Client {i:03d}" for i in range(200)]
TEAMS = ["Service Desk", "Infrastructure", "Security", "Onboarding", "Projects", "Harbor"]
TECHS = [f"Tech {i:02d}" for i in range(60)]
CATEGORIES = ["Email", "Printer", "Network", "Hardware", "Software", "Backup", "Server"]


def make_files(n_tickets: int, n_entries: int, folder: Path) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    tickets_path = folder / f"halopsa_tickets_{n_tickets}.csv"
    actions_path = folder / f"halopsa_actions_{n_entries}.csv"
    if tickets_path.exists() and actions_path.exists():
        return tickets_path, actions_path
    rng = np.random.default_rng(7)
    minutes = rng.integers(0, 364 * 24 * 60, n_tickets)
    created = START + minutes.astype("timedelta64[m]")
    took = rng.exponential(30 * 60, n_tickets).astype("int64")
    closed = created + took.astype("timedelta64[m]")
    still_open = rng.random(n_tickets) < 0.03
    fmt = lambda a: pd.Series(a).dt.strftime("%Y-%m-%d %H:%M:%S")  # noqa: E731
    closed_text = fmt(closed).where(~still_open, "")
    pd.DataFrame({
        "id": np.arange(100000, 100000 + n_tickets),
        "summary": "Ticket " + pd.Series(np.arange(n_tickets)).astype(str),
        "client_name": np.array(CLIENTS)[rng.integers(0, len(CLIENTS), n_tickets)],
        "team": np.array(TEAMS)[rng.integers(0, len(TEAMS), n_tickets)],
        "agent_name": np.array(TECHS)[rng.integers(0, len(TECHS), n_tickets)],
        "status_name": np.where(still_open, "In Progress", "Closed"),
        "priority_id": rng.choice([1, 2, 3, 4], n_tickets, p=[.03, .12, .7, .15]),
        "category_1": np.array(CATEGORIES)[rng.integers(0, len(CATEGORIES), n_tickets)],
        "dateoccurred": fmt(created),
        "fixbydate": fmt(created + np.timedelta64(24, "h")),
        "dateclosed": closed_text,
        "slastate": np.where(still_open, "", np.where(took < 24 * 60, "In", "Out")),
    }).to_csv(tickets_path, index=False)
    ticket = rng.integers(0, n_tickets, n_entries)
    work = created[ticket] + rng.integers(0, 600, n_entries).astype("timedelta64[m]")
    hours = np.round(rng.choice([0.25, 0.5, 0.75, 1, 1.5, 2, 3], n_entries), 2)
    billable = rng.random(n_entries) < 0.4
    pd.DataFrame({
        "id": np.arange(1, n_entries + 1),
        "ticket_id": 100000 + ticket,
        "who": np.array(TECHS)[rng.integers(0, len(TECHS), n_entries)],
        "datetime": fmt(work),
        "timetaken": hours,
        "actionchargehours": np.where(billable, hours, 0),
        "actisbillable": np.where(billable, "True", "False"),
        "chargerate": np.where(billable, "125", ""),
    }).to_csv(actions_path, index=False)
    return tickets_path, actions_path


def time_import(files: list[Path], db: Path) -> tuple[float, float]:
    db.unlink(missing_ok=True)
    for extra in ("-wal", "-shm"):
        Path(str(db) + extra).unlink(missing_ok=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "loaders", "import", *map(str, files),
                           "--db", f"sqlite:///{db}"], cwd=ROOT, capture_output=True,
                          text=True)
    elapsed = time.perf_counter() - start
    if done.returncode:
        sys.exit(f"import failed:\n{done.stdout}\n{done.stderr}")
    print("   ", done.stdout.strip().replace("\n", "\n    "))
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return elapsed, max(peak, before) / 1024  # ru_maxrss is KiB on Linux


def time_pyarrow(files: list[Path]) -> float:
    import pyarrow.csv as pacsv

    start = time.perf_counter()
    for path in files:
        pacsv.read_csv(path)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=200_000)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    files = list(make_files(args.tickets, args.entries, OUT))
    sizes = sum(p.stat().st_size for p in files) / 1e6
    print(f"files: {', '.join(p.name for p in files)} ({sizes:.0f} MB)")
    for run in range(args.runs):
        seconds, peak_mb = time_import(files, OUT / "bench.db")
        arrow = time_pyarrow(files)
        print(f"run {run + 1}: import {seconds:.1f} s, peak memory {peak_mb:.0f} MB; "
              f"pyarrow parse only {arrow:.2f} s ({seconds / arrow:.0f}x)")


if __name__ == "__main__":
    main()
