"""Snapshots: the store's data tables kept on disk as Arrow files, so that the next read
of unchanged data maps them instead of reading the store (README, "Speed").

A snapshot is named by the store's id, its data version and what the read holds
(``queries.DataVersion``, ``arrow.request_digest``). The data version moves with every
change to a data table: Cadence's imports and undos move it themselves, and triggers in
the store move it for a write made with any other tool. So an unchanged name means
unchanged data, and a snapshot is never stale. Saving settings or a weekly review doesn't
touch the data, so it costs no snapshot. The version is read before the data, so a write
racing a read leaves a snapshot under a name nobody asks for again (versions only grow).

Only the latest snapshot of each store is kept, and none of a SQLite file that no longer
exists. The folder is ``$CADENCE_CACHE_DIR``, else ``$XDG_CACHE_HOME/cadence``, else
``~/.cache/cadence``, private to the user (it holds the store's data); deleting it is
always safe.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path


def root() -> Path:
    explicit = os.environ.get("CADENCE_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "cadence"


def open_tables(name: str, names: tuple[str, ...]) -> dict | None:
    """The snapshot's tables, memory-mapped (the mapping outlives a later deletion of the
    files); None when there is no complete snapshot of that name."""
    import pyarrow as pa

    folder = root() / name
    if not (folder / "complete").exists():
        return None
    try:
        return {n: pa.ipc.open_file(pa.memory_map(str(folder / f"{n}.arrow"))).read_all()
                for n in names}
    except (OSError, pa.ArrowInvalid):
        return None


def fill(name: str, database: str, write) -> bool:
    """Make the snapshot ``name`` of ``database`` (a SQLite path, or ``postgresql:`` and
    the URL without password) with ``write(folder)``, unless it is there already; drop
    the store's older snapshots. False when it could not be kept (an unwritable cache)."""
    if (root() / name / "complete").exists():
        return True
    try:
        root().mkdir(parents=True, exist_ok=True, mode=0o700)
        written = Path(tempfile.mkdtemp(prefix=".writing-", dir=root()))
    except OSError:
        return False
    try:
        write(written)
        (written / "database").write_text(database)
        (written / "complete").touch()
        try:
            written.rename(root() / name)
        except OSError:   # another process kept the same snapshot first
            pass
        _drop_older(name)
        return (root() / name / "complete").exists()
    finally:
        shutil.rmtree(written, ignore_errors=True)


def _drop_older(name: str) -> None:
    store_id = name.split("_")[0]
    for old in root().glob("*_*"):
        if old.name == name or old.name.startswith("."):
            continue
        try:
            where = (old / "database").read_text()
            gone = not where.startswith("postgresql:") and not Path(where).exists()
        except OSError:
            gone = True   # no record of its database: an incomplete or foreign folder
        if gone or old.name.startswith(f"{store_id}_"):
            shutil.rmtree(old, ignore_errors=True)
