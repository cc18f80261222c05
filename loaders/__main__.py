"""`python -m loaders import FILE... [--db URL] [--vendor NAME] [--kind KIND] [--config PATH]`

One summary line per file. Exit 0 when every file was imported (rejected rows are
reported, not fatal), 1 when any file could not be imported at all, with one plain line
per such file; a file that fails leaves the store unchanged. Also `history` and `undo`.
"""
from __future__ import annotations

import argparse
import sys

from . import closed_pipe, counts, store
from .errors import ImportRefused
from .importer import import_files
from .mapping import user_presets
from .settings import SettingsError, load_effective


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m loaders",
                                     description="Import PSA exports into Cadence's store.")
    sub = parser.add_subparsers(dest="command", required=True)
    imp = sub.add_parser("import", help="import one or more export files")
    imp.add_argument("files", nargs="+", metavar="FILE")
    imp.add_argument("--vendor", help="connectwise, autotask, halopsa, syncro, servicenow, "
                     "or the name of a [mappings] entry in the settings")
    imp.add_argument("--kind", help="tickets, time_entries, agreements, csat, technicians")
    hist = sub.add_parser("history", help="list the imports in the store")
    undo = sub.add_parser("undo", help="undo an import by its number")
    undo.add_argument("import_id", type=int)
    out = sub.add_parser("remove-sample", help="take the bundled sample MSP out of the store "
                         "(its imports undone; yours stay)")
    empty = sub.add_parser("empty", help="remove everything imported (start from an empty "
                           "store)")
    empty.add_argument("--yes", action="store_true", help="really empty the store")
    for p in (imp, hist, undo, out, empty):
        p.add_argument("--db", help="database URL (default: $CADENCE_DB_URL, else "
                       "sqlite:///cadence.db)")
        p.add_argument("--config", help="settings TOML file")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        engine = store.connect(args.db)
        settings = load_effective(engine, args.config)
    except SettingsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except (store.StoreError, ImportError, ValueError) as exc:
        print(f"error: cannot open the store at {store.display_url(args.db)} "
              f"({type(exc).__name__}); check --db or CADENCE_DB_URL.", file=sys.stderr)
        return 1

    if args.command == "import":
        try:
            user_presets(settings)  # a mapping that can't be used stops before any file
        except SettingsError as exc:
            print(f"error: {args.config or 'the settings saved in the store'}: {exc}",
                  file=sys.stderr)
            return 1

    if args.command == "history":
        for row in store.import_history(engine).itertuples():
            state = " (undone)" if row.undone_at is not None and str(row.undone_at) != "NaT" \
                else ""
            records = None if row.records_stored != row.records_stored else row.records_stored
            what = counts.imported(row.kind, int(row.rows_read), records, int(row.rows_stored),
                                   int(row.rows_rejected))
            print(f"#{row.import_id} {row.imported_at} {row.file_name}: {row.vendor} "
                  f"{row.kind.replace('_', ' ')}, {what}{state}")
        return 0
    if args.command == "undo":
        history = store.import_history(engine)
        kinds = dict(zip(history["import_id"], history["kind"]))
        try:
            done = store.undo_import(engine, args.import_id)
        except store.UndoRefused as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        print(counts.undone(kinds[args.import_id], args.import_id, done["removed"],
                            done["restored"]))
        _warm_dashboard(engine)
        return 0
    if args.command == "remove-sample":
        from .sample import remove_sample
        print(f"the sample MSP is out of the store: {remove_sample(engine)} imports undone")
        _warm_dashboard(engine)
        return 0
    if args.command == "empty":
        if not args.yes:
            print("error: this removes every import from the store; run it again with --yes "
                  "to go ahead.", file=sys.stderr)
            return 1
        from .sample import start_empty
        print(f"the store is empty: {sum(start_empty(engine).values()):,} rows removed")
        return 0

    failed = stored = 0
    results = import_files(engine, args.files, args.vendor, args.kind, settings)
    while True:
        try:
            path, result = next(results)
        except StopIteration:
            break
        except store.StoreError as exc:
            failed += 1
            print(f"error: the store refused a file's rows ({type(exc).__name__}: "
                  f"{str(getattr(exc, 'orig', exc))[:200]}); nothing from that file was "
                  "stored and later files were not imported.", file=sys.stderr)
            break
        if isinstance(result, SettingsError):
            failed += 1
            print(f"error: {result}", file=sys.stderr)
            break
        if isinstance(result, ImportRefused):
            failed += 1
            print(f"error: {result}", file=sys.stderr)
            continue
        stored += 1
        print(result.summary())
        for note in result.notes:
            print(f"  note: {note}")
        for row in result.rejected.head(5).itertuples():
            print(f"  rejected row {row.row_number}: {row.reason}")
        if result.rows_rejected > 5:
            print(f"  ... and {result.rows_rejected - 5} more rejected rows "
                  f"(table rejected_rows, import_id {result.import_id})")
    if stored:
        _warm_dashboard(engine)
    return 1 if failed else 0


def _warm_dashboard(engine) -> None:
    """A scheduled import runs at night; leave the snapshot of the store's new data now so
    Monday's first page maps it instead of reading the store (loaders/store/snapshot.py).
    Never a reason for an import to fail: the dashboard reads the store itself when it
    must."""
    try:
        from .store import frames
        frames.write_snapshot(engine, sole_user=True)
    except Exception:  # noqa: BLE001  (a cache; the data is safely stored already)
        pass


def run() -> int:
    """``main``, ending quietly when the reader of the output goes away (``| head``)."""
    return closed_pipe.run(main)


if __name__ == "__main__":
    sys.exit(run())
