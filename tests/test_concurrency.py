"""Several users at once, on SQLite (WAL, busy timeout) and PostgreSQL: two imports at the
same time both land whole; a reader during an import sees the old or the new data, never
half of it."""
from __future__ import annotations

import threading

from sqlalchemy import func, select

from loaders import store
from loaders.store import schema
from loaders.importer import import_file

HEADER = "number,opened_at,state,priority,assignment_group,sys_updated_on"


def export(path, prefix: str, n: int, state: str = "New", day: int = 2) -> str:
    rows = [f"{prefix}{i},2026-03-02 09:00,{state},3 - Moderate,Desk,2026-03-{day:02d} 09:00"
            for i in range(n)]
    path.write_text("\n".join([HEADER, *rows]) + "\n")
    return str(path)


def run_together(*jobs) -> list:
    results, errors = [None] * len(jobs), []
    start = threading.Barrier(len(jobs))

    def work(i, job):
        try:
            start.wait()
            results[i] = job()
        except Exception as exc:  # reported below, with the thread's own error
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i, j)) for i, j in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not errors, errors
    return results


def test_two_imports_at_once_both_land_whole(db_url, tmp_path):
    a = export(tmp_path / "a.csv", "A", 5000)
    b = export(tmp_path / "b.csv", "B", 5000)
    engines = [store.connect(db_url), store.connect(db_url)]
    first, second = run_together(lambda: import_file(engines[0], a),
                                 lambda: import_file(engines[1], b))
    assert first.rows_stored == second.rows_stored == 5000
    assert store.table_counts(engines[0])["tickets"] == 10_000
    assert len(store.import_history(engines[0])) == 2


def test_two_imports_of_the_same_tickets_agree_on_the_latest(db_url, tmp_path):
    old = export(tmp_path / "old.csv", "T", 3000, "New", day=2)
    new = export(tmp_path / "new.csv", "T", 3000, "Closed", day=5)
    engines = [store.connect(db_url), store.connect(db_url)]
    run_together(lambda: import_file(engines[0], old), lambda: import_file(engines[1], new))
    tickets = store.read_table(engines[0], "tickets")
    # Whatever order the two transactions took, the later update wins every key.
    assert len(tickets) == 3000 and set(tickets["status"]) == {"Closed"}


def test_a_reader_sees_old_or_new_never_half(db_url, tmp_path):
    engine, reader = store.connect(db_url), store.connect(db_url)
    import_file(engine, export(tmp_path / "base.csv", "BASE", 100))
    big = export(tmp_path / "big.csv", "NEW", 20_000)
    seen: set[int] = set()
    done = threading.Event()

    def read_until_done():
        while not done.is_set():
            with reader.connect() as conn:
                seen.add(conn.execute(select(func.count()).select_from(schema.tickets))
                         .scalar_one())

    watcher = threading.Thread(target=read_until_done)
    watcher.start()
    try:
        import_file(engine, big)
    finally:
        done.set()
        watcher.join(timeout=60)
    assert seen <= {100, 20_100} and 100 in seen
