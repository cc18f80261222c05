"""Arrow snapshots of a SQLite store's big tables, kept on disk between dashboard runs.

Reading 200k tickets and a million time entries out of SQLite takes the dashboard about
two seconds; mapping the same tables from Arrow files takes a few milliseconds. So the
dashboard's reader writes what it read into a snapshot folder, and the next read of an
unchanged store (a restarted server, Monday morning) maps the snapshot instead.

A snapshot is named by the database file and its state: the file's path, then the size,
modification time and inode of the file and of its write-ahead log, and the request
(queries and types). Any write to the store, by Cadence or by anything else, changes one
of those, so a changed store never matches an old snapshot; the state is taken before the
read, so a write racing the read makes that snapshot unreachable, never stale. Only the latest snapshot of each database is
kept, and none of a database file that no longer exists.

A PostgreSQL store is read in place (no reader process), and its snapshot is named by the
URL (without password) and the server's write-ahead log position, which every committed
write in the server moves: a busy server misses more often, never serves stale data.
(Tables altered to UNLOGGED write no WAL; Cadence's aren't.)

The folder is ``$CADENCE_CACHE_DIR``, else ``$XDG_CACHE_HOME/cadence``, else
``~/.cache/cadence``; deleting it is always safe.
"""
from __future__ import annotations

import hashlib
import json
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


def _digest(value) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()[:20]


def key(database: str, request) -> str | None:
    """``<database id>-<state id>``; None when the file can't be examined."""
    path = Path(database).resolve()
    state = []
    for part in (path, Path(f"{path}-wal")):
        try:
            st = part.stat()
        except FileNotFoundError:
            state.append(None)
            continue
        except OSError:
            return None
        # An empty log holds nothing: opening and closing the store creates and removes
        # one, and that must not cost the next server its snapshot.
        state.append([st.st_size, st.st_mtime_ns, st.st_ino] if st.st_size else None)
    if state[0] is None:
        return None
    return f"{_digest(str(path))}-{_digest([state, request])}"


def postgres_key(url: str, wal_position: str | None, request) -> str | None:
    """A PostgreSQL store's snapshot name: the URL (without password) and the server's
    write-ahead log position, which every committed write moves (None: no snapshot)."""
    if wal_position is None:
        return None
    return f"{_digest(url)}-{_digest([wal_position, request])}"


def open_tables(folder: Path, count: int) -> list | None:
    """The snapshot's tables, memory-mapped (the mapping outlives a later deletion of the
    files); None when there is no complete snapshot there."""
    import pyarrow as pa

    if not (folder / "complete").exists():
        return None
    try:
        return [pa.ipc.open_file(pa.memory_map(str(folder / f"{n}.arrow"))).read_all()
                for n in range(count)]
    except (OSError, pa.ArrowInvalid):
        return None


def scratch() -> Path:
    """A new folder for a reader to write into (in the snapshot folder, so ``keep`` is a
    rename; in the system's temporary folder when that isn't writable)."""
    try:
        root().mkdir(parents=True, exist_ok=True, mode=0o700)
        return Path(tempfile.mkdtemp(prefix=".writing-", dir=root()))
    except OSError:
        return Path(tempfile.mkdtemp(prefix="cadence-read-"))


def keep(written: Path, name: str | None, database: str) -> Path:
    """Make a folder the reader has filled (and marked ``complete``) the snapshot
    ``name`` of ``database``, and drop that database's older snapshots and those of
    databases that no longer exist; returns where the files now are. Without a name (or
    when the folder is elsewhere) the files stay where they are, for the caller to map and
    then discard."""
    if name is None or written.parent != root():
        return written
    (written / "database").write_text(database if database.startswith("postgresql:")
                                      else str(Path(database).resolve()))
    target = root() / name
    try:
        written.rename(target)
    except OSError:  # another server kept the same snapshot first
        shutil.rmtree(written, ignore_errors=True)
    database_id = name.split("-")[0]
    for old in root().glob("*-*"):
        if old.name == name or old.name.startswith("."):
            continue
        try:
            where = (old / "database").read_text()
            gone = not where.startswith("postgresql:") and not Path(where).exists()
        except OSError:
            gone = True   # no record of its database: an incomplete or foreign folder
        if gone or old.name.startswith(f"{database_id}-"):
            shutil.rmtree(old, ignore_errors=True)
    return target
