"""The bundled sample MSP: loaded into an empty store on the dashboard's first start."""
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
    config = settings.load(SAMPLE_SETTINGS)
    return [import_file(engine, path, settings=config) for path in sample_files(folder)]
