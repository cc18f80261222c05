"""`python -m kpi report [--db URL] [--as-of YYYY-MM-DD] [--weeks N] [--config PATH]
[--format text|json]` — the weekly report from the store; `python -m kpi qbr --client NAME
--quarter 2026Q3 [--audience client|internal] [--db URL] [--config PATH] --out
FILE.xlsx|FILE.pdf` — one client's QBR pack; `python -m kpi qbr --all-clients --quarter
2026Q3 --out-dir DIR [--audience ...]` — every client's workbook and PDF, a line each
(see SPEC, Command line); `python -m kpi actions [--db URL] [--open] [--team NAME]
[--format text|csv]` — the actions agreed in the weekly reviews."""
from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
import time
from pathlib import Path

from loaders import closed_pipe, store
from loaders.settings import SettingsError, load_effective
from loaders.settings import logo as load_logo
from loaders.store import frames as store_frames

from . import frames, periods, qbr, report
from .render import actions as actions_render
from .render import text


def _frames(engine, settings: dict) -> frames.Frames:
    """The store's frames for a command that uses the store for nothing else meanwhile
    (so SQLite is read in place)."""
    return frames.make(store_frames.read(engine, sole_user=True), settings)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date like 2026-11-18") from None


def _weeks(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 260:
        raise argparse.ArgumentTypeError("--weeks must be a whole number from 1 to 260")
    return int(text)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m kpi", description="Cadence KPIs.")
    sub = parser.add_subparsers(dest="command", required=True)
    rep = sub.add_parser("report", help="the weekly review as text or JSON")
    rep.add_argument("--db", help="database URL (default: $CADENCE_DB_URL, else "
                     "sqlite:///cadence.db)")
    rep.add_argument("--as-of", type=_date, help="report date (default: the date of the "
                     "latest ticket created in the store)")
    rep.add_argument("--weeks", type=_weeks, default=12, help="weeks of trend (default 12)")
    rep.add_argument("--config", help="settings TOML file")
    rep.add_argument("--format", choices=("text", "json"), default="text")
    pack = sub.add_parser("qbr", help="a client's quarterly business review pack")
    who = pack.add_mutually_exclusive_group(required=True)
    who.add_argument("--client", help="the client's name as in the store")
    who.add_argument("--all-clients", action="store_true",
                     help="every client: a workbook and a PDF each, into --out-dir")
    pack.add_argument("--quarter", required=True, help="the quarter, like 2026Q3")
    pack.add_argument("--audience", choices=qbr.AUDIENCES, default="client",
                      help="client (default): what the client receives, no revenue, cost, "
                      "margin, rate, effort index or tier; internal: with them")
    pack.add_argument("--db", help="database URL (default: $CADENCE_DB_URL, else "
                      "sqlite:///cadence.db)")
    pack.add_argument("--config", help="settings TOML file")
    pack.add_argument("--out", help="FILE.xlsx (workbook) or FILE.pdf (with --client)")
    pack.add_argument("--out-dir", help="the folder for every client's files "
                      "(with --all-clients)")
    act = sub.add_parser("actions", help="the actions agreed in the weekly reviews")
    act.add_argument("--db", help="database URL (default: $CADENCE_DB_URL, else "
                     "sqlite:///cadence.db)")
    act.add_argument("--open", action="store_true", help="only the open actions")
    act.add_argument("--team", help="only this team's actions")
    act.add_argument("--format", choices=("text", "csv"), default="text")
    return parser


QBR_WRITERS = {".xlsx": ("xlsx", "to_workbook"), ".pdf": ("pdf", "to_pdf")}


def _qbr_arguments(args) -> str | None:
    """One plain sentence when the qbr options don't go together."""
    if args.client is not None and not args.out:
        return "--client needs --out FILE.xlsx or FILE.pdf."
    if args.all_clients and not args.out_dir:
        return "--all-clients needs --out-dir DIR."
    if args.out and args.all_clients:
        return "--all-clients writes into --out-dir, not --out."
    if args.out_dir and args.client is not None:
        return "--client writes one file, --out FILE; --out-dir is for --all-clients."
    if args.out and Path(args.out).suffix.lower() not in QBR_WRITERS:
        return f"--out must end in .xlsx or .pdf, not '{Path(args.out).name}'."
    return None


def _write(pack: dict, path: Path, logo: bytes | None) -> None:
    import importlib  # openpyxl and reportlab only when a pack is written

    module, writer = QBR_WRITERS[path.suffix.lower()]
    write = getattr(importlib.import_module(f"kpi.render.{module}"), writer)
    if module == "pdf":
        write(pack, str(path), logo=logo)
    else:
        write(pack, str(path))


def file_name(client: str, quarter: str, taken: set[str]) -> str:
    """A file name (without suffix) for a client's pack: the client's name with anything
    a file system could trip on replaced, unique among ``taken`` (case-insensitively)."""
    safe = re.sub(r"[^\w .,&'()\-]", "_", client).strip(" .") or "client"
    base = f"QBR {quarter} {safe[:80]}"
    name, k = base, 2
    while name.lower() in taken:
        name, k = f"{base} ({k})", k + 1
    taken.add(name.lower())
    return name


def _qbr(args) -> int:
    """Errors as one plain line on stderr and exit 1, like `report`."""
    problem = _qbr_arguments(args)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 1
    try:
        qbr.quarter_bounds(args.quarter)
        engine = store.connect(args.db)
        settings = load_effective(engine, args.config)
        logo = load_logo(settings, engine)
        data = _frames(engine, settings)
        if args.all_clients:
            return _all_clients(args, data, settings, logo)
        pack = qbr.build_pack(data, args.client, args.quarter, settings, args.audience)
    except (ValueError, SettingsError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except (store.StoreError, ImportError) as exc:
        return _store_unreadable(args, exc)
    try:
        _write(pack, Path(args.out), logo)
    except OSError as exc:
        print(f"error: cannot write {args.out} ({exc.strerror or type(exc).__name__}).",
              file=sys.stderr)
        return 1
    print(f"wrote {args.out}")
    return 0


def _all_clients(args, data: frames.Frames, settings: dict, logo: bytes | None) -> int:
    """Every client's workbook and PDF into --out-dir, a progress line each; a client
    whose files can't be written gets an error line and the rest go on (exit 1)."""
    folder = Path(args.out_dir)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        print(f"error: cannot make {folder} ({exc.strerror or type(exc).__name__}).",
              file=sys.stderr)
        return 1
    names = qbr.clients(data, settings)
    shared = qbr.shared_for(data, args.quarter, settings, args.audience)
    taken: set[str] = set()
    began, failed = time.perf_counter(), 0
    for i, client in enumerate(names, start=1):   # one pack per client
        started = time.perf_counter()
        name = file_name(client, qbr.quarter_label(qbr.quarter_bounds(args.quarter)[0]),
                         taken)
        pack = qbr.build_pack(data, client, args.quarter, settings, args.audience, shared)
        try:
            for suffix in (".xlsx", ".pdf"):
                _write(pack, folder / f"{name}{suffix}", logo)
        except OSError as exc:
            failed += 1
            print(f"error: [{i}/{len(names)}] {client}: cannot write in {folder} "
                  f"({exc.strerror or type(exc).__name__}).", file=sys.stderr)
            continue
        print(f"[{i}/{len(names)}] {client}: {name}.xlsx, {name}.pdf "
              f"({time.perf_counter() - started:.1f} s)", flush=True)
    print(f"wrote {2 * (len(names) - failed)} files for {len(names) - failed} clients in "
          f"{folder} ({time.perf_counter() - began:.1f} s)")
    return 1 if failed else 0


def _store_unreadable(args, exc: Exception) -> int:
    print(f"error: cannot read the store at {store.display_url(args.db)} "
          f"({type(exc).__name__}); check --db or CADENCE_DB_URL.", file=sys.stderr)
    return 1


def _actions(args) -> int:
    try:
        found = store.review_actions(store.connect(args.db),
                                     status="open" if args.open else None,
                                     teams=[args.team] if args.team is not None else None)
    except (store.StoreError, ImportError) as exc:
        return _store_unreadable(args, exc)
    if args.format == "csv":
        sys.stdout.write(actions_render.to_csv(found))
    else:
        print(actions_render.to_text(found))
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "qbr":
        return _qbr(args)
    if args.command == "actions":
        return _actions(args)
    try:
        engine = store.connect(args.db)
        settings = load_effective(engine, args.config)
        as_of = args.as_of or store.latest_created(engine)
        if as_of is None:
            print("error: the store holds no tickets yet; import exports first with "
                  "`python -m loaders import FILE...`.", file=sys.stderr)
            return 1
        # The actions are read before the frames, which may read the store in place.
        actions_tail = "" if args.format == "json" else actions_render.report_section(
            store.review_actions(engine, status="open",
                                 raised_through=periods.week_start(as_of)),
            store.any_reviews(engine))
        result = report.build(_frames(engine, settings), as_of, settings, args.weeks)
    except (SettingsError, frames.FramesError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except (store.StoreError, ImportError) as exc:
        return _store_unreadable(args, exc)
    if args.format == "json":
        print(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        print(text.to_text(result, settings["sla"]["review_threshold"],
                           settings["tiers"]["effort_threshold"]) + actions_tail)
    return 0


def run() -> int:
    """``main``, ending quietly when the reader of the output goes away (``| head``)."""
    return closed_pipe.run(main)


if __name__ == "__main__":
    sys.exit(run())
