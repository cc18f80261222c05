"""The bundled sample MSP: loaded into an empty store on the dashboard's first start, with
its settings (time zone, Northwind's own company as internal time) saved beside it; and the
way out of it for a person starting with their own data.

A store the person has emptied or taken the sample out of is marked (``declined``), so
the next start does not fill it with the sample again.
"""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
from pathlib import Path

from sqlalchemy import Engine, delete, insert, select

from . import settings, store
from .importer import FileResult, import_file
from .store.schema import app_settings

SAMPLE_DIR = Path(__file__).resolve().parent.parent / "sample_data"
SAMPLE_SETTINGS = SAMPLE_DIR / "settings.toml"
DATA_SUFFIXES = (".csv", ".xlsx")
DECLINED = "sample_declined"   # an app_settings row: this store is not to hold the sample


def sample_files(folder: Path = SAMPLE_DIR) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix in DATA_SUFFIXES)


def is_empty(engine: Engine) -> bool:
    return sum(store.table_counts(engine).values()) == 0


def declined(engine: Engine) -> bool:
    with engine.connect() as conn:
        return conn.execute(select(app_settings.c.name).where(
            app_settings.c.name == DECLINED)).first() is not None


def wanted(engine: Engine) -> bool:
    """Load the sample now: the store is empty and nobody took the sample out of it."""
    return is_empty(engine) and not declined(engine)


def load_sample(engine: Engine, folder: Path = SAMPLE_DIR) -> list[FileResult]:
    """Import the sample MSP's exports with its settings, and keep those settings in the
    store (unless some are saved already), so the dashboard, the command lines and the
    Settings page all use the values the sample was made with (US Eastern time...)."""
    config = settings.load(SAMPLE_SETTINGS)
    results = [import_file(engine, path, settings=config) for path in sample_files(folder)]
    if settings.saved_text(engine) is None:
        settings.save(engine, config)
    return results


@functools.lru_cache(maxsize=1)
def _sample_digests() -> frozenset[str]:
    """The sample's files by content (a person's own export may well be named
    halopsa_tickets.csv too)."""
    return frozenset(hashlib.sha256(p.read_bytes()).hexdigest() for p in sample_files())


def _is_sample(history):
    return history["sha256"].isin(_sample_digests())


def live_sample_imports(engine: Engine) -> list[int]:
    """The imports of the sample's files that still count, newest first."""
    history = store.import_history(engine)
    live = history[history["undone_at"].isna() & _is_sample(history)]
    return [int(i) for i in live["import_id"]]


def state(engine: Engine) -> str:
    """``"sample"`` (the sample and nothing else), ``"mixed"`` (the sample and the person's
    own imports), ``"own"`` or ``"empty"``."""
    history = store.import_history(engine)
    live = history[history["undone_at"].isna()]
    if live.empty:
        return "empty"
    from_sample = _is_sample(live)
    return "sample" if from_sample.all() else "mixed" if from_sample.any() else "own"


def is_sample_store(engine: Engine) -> bool:
    """The store holds the sample and nothing else."""
    return state(engine) == "sample"


def _forget_sample(engine: Engine) -> None:
    """Mark the store as not to be filled with the sample again, and drop the sample's
    saved settings (US Eastern time, Northwind as internal time are the sample's, not the
    person's); settings they saved themselves stay."""
    sample_text = settings.to_text(settings.load(SAMPLE_SETTINGS))
    with engine.begin() as conn:
        if settings.saved_text(engine) == sample_text:
            conn.execute(delete(app_settings).where(app_settings.c.name == settings.STORE_KEY))
        conn.execute(delete(app_settings).where(app_settings.c.name == DECLINED))
        conn.execute(insert(app_settings).values(
            name=DECLINED, toml="", updated_at=dt.datetime.now().replace(microsecond=0)))


def remove_sample(engine: Engine) -> int:
    """Undo every import of the sample's files (imports of the person's own files stay);
    the number of imports undone."""
    imports = live_sample_imports(engine)
    for import_id in imports:
        store.undo_import(engine, import_id)
    _forget_sample(engine)
    return len(imports)


def start_empty(engine: Engine) -> dict[str, int]:
    """Remove everything imported (the sample and anything else) and the sample's
    settings: an empty store, as a new one would be."""
    removed = store.empty(engine)
    _forget_sample(engine)
    return removed
