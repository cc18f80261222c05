"""The bundled sample MSP: loaded into an empty store on the dashboard's first start, with
its settings (time zone, Northwind's own company as internal time) saved beside it."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from . import settings, store
from .importer import FileResult, import_file

SAMPLE_DIR = Path(__file__).resolve().parent.parent / "sample_data"
SAMPLE_SETTINGS = SAMPLE_DIR / "settings.toml"
DATA_SUFFIXES = (".csv", ".xlsx")


def sample_files(folder: Path = SAMPLE_DIR) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix in DATA_SUFFIXES)


def is_empty(engine: Engine) -> bool:
    return sum(store.table_counts(engine).values()) == 0


def load_sample(engine: Engine, folder: Path = SAMPLE_DIR) -> list[FileResult]:
    """Import the sample MSP's exports with its settings, and keep those settings in the
    store (unless some are saved already), so the dashboard, the command lines and the
    Settings page all use the values the sample was made with (US Eastern time...)."""
    config = settings.load(SAMPLE_SETTINGS)
    results = [import_file(engine, path, settings=config) for path in sample_files(folder)]
    if settings.saved_text(engine) is None:
        settings.save(engine, config)
    return results
