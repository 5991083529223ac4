"""The cache's row store: one SQLite file of checksummed rows (``CacheStore``).

``.civtrack/cache/cache.sqlite3`` (git-ignored) holds rows (kind, name) → the format stamp, a BLAKE2b
checksum of the body and the body (JSON, orjson; never pickle). Reading checks the stamp and the
checksum; anything wrong means the row (or the database) is rebuilt. What the rows hold is the business
of civtrack.cache.rows; this module only stores and checks bytes."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from pathlib import Path
from typing import Any

import orjson

from civtrack import __version__
from civtrack.workspace import Config

CACHE_DIR = ".civtrack/cache"
DB_NAME = "cache.sqlite3"
FORMAT = 3


def _hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


class CacheStore:
    """The cache: one SQLite file, .civtrack/cache/cache.sqlite3, of rows (kind, name) → the format
    stamp, a BLAKE2b checksum and a JSON body (orjson). SQLite gives atomic updates (a reader sees the
    old rows or the new ones), locking between concurrent runs, and one write for a thousand changed
    files (a file per record costs half a millisecond each to create on ext4). Anything wrong with it
    (another format, a checksum that does not match, a damaged database) means: rebuild what it held.
    A cache that cannot be written is only a slower next run."""

    def __init__(self, root: Path, config: Config, *, readonly: bool = False):
        self.path = root / CACHE_DIR / DB_NAME
        self.readonly = readonly  # only reads: nothing created, nothing removed
        self.stamp = json.dumps({"format": FORMAT, "civtrack": __version__, "max_file_bytes": config.max_file_bytes})
        self.rebuilt: list[str] = []  # rows (or the database) found damaged: for tests
        # (kind, name) → (body, its checksum): checksummed where written, in the worker that made it.
        self.pending: dict[tuple[str, str], tuple[bytes, str]] = {}
        self._rows: dict[str, dict[str, tuple[str, str, bytes]]] = {}
        self._db: sqlite3.Connection | None = None
        self._pid = 0
        self._unusable_pid = 0  # a read-only connection that failed in this process: not tried again

    def _connect(self, create: bool = False) -> sqlite3.Connection | None:
        if self._db is not None and self._pid == os.getpid():
            return self._db
        self._db = None
        self._pid = os.getpid()  # a forked worker opens its own connection
        if not create and not self.path.exists():
            return None
        if self.readonly:
            if self._unusable_pid == self._pid:
                return None
            self._unusable_pid = self._pid
            try:
                db = sqlite3.connect(self.path.resolve().as_uri() + "?mode=ro", uri=True, timeout=10)
                db.execute("SELECT 1 FROM cache LIMIT 1")
            except (sqlite3.Error, OSError, ValueError):
                return None  # no cache, or a damaged one: the caller reads the files
            self._unusable_pid = 0
            self._db = db
            return db
        for attempt in (1, 2):
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                ignore = self.path.parent / ".gitignore"
                if not ignore.exists():
                    # Never versioned, in whatever repository it is made (as .pytest_cache does).
                    ignore.write_text("# civtrack's cache: not versioned\n*\n", encoding="utf-8")
                db = sqlite3.connect(self.path, timeout=10, isolation_level=None)
                db.execute("PRAGMA synchronous=OFF")
                db.execute(
                    "CREATE TABLE IF NOT EXISTS cache (kind TEXT, name TEXT, stamp TEXT, sum TEXT, body BLOB,"
                    " PRIMARY KEY (kind, name))"
                )
                self._db = db
                return db
            except sqlite3.OperationalError:
                return None  # locked by another run, read-only: no cache this time, nothing removed
            except sqlite3.DatabaseError:
                # Not a database, or a damaged one: start again with an empty cache.
                self.rebuilt.append("database")
                if attempt == 2:
                    return None
                self._remove()
            except OSError:
                return None
        return None

    def _remove(self) -> None:
        for suffix in ("", "-journal", "-wal", "-shm"):
            try:
                os.unlink(f"{self.path}{suffix}")
            except OSError:
                pass

    def preload(self, kind: str) -> None:
        """Read every row of ``kind`` in one query."""
        db = self._connect()
        rows: dict[str, tuple[str, str, bytes]] = {}
        if db is not None:
            try:
                for name, stamp, digest, body in db.execute(
                    "SELECT name, stamp, sum, body FROM cache WHERE kind = ?", (kind,)
                ):
                    rows[name] = (stamp, digest, body)
            except sqlite3.OperationalError:
                rows = {}
            except sqlite3.DatabaseError:
                self.rebuilt.append("database")
                self._db = None
                if not self.readonly:
                    self._remove()
                rows = {}
        self._rows[kind] = rows

    def read(self, kind: str, name: str, *, raw: bool = False) -> Any | None:
        """The body of a row (decoded, or its checked bytes when ``raw``), or None when there is none
        usable."""
        if kind in self._rows:
            row = self._rows[kind].get(name)
        else:
            db = self._connect()
            row = None
            if db is not None:
                try:
                    row = db.execute(
                        "SELECT stamp, sum, body FROM cache WHERE kind = ? AND name = ?", (kind, name)
                    ).fetchone()
                except sqlite3.DatabaseError:
                    row = None
        if row is None:
            return None
        stamp, digest, body = row
        if stamp != self.stamp:
            return None  # another version or other settings: not an error, just not usable
        try:
            if not isinstance(body, bytes) or digest != _hash(body):
                raise ValueError("checksum")
            return body if raw else orjson.loads(body)
        except ValueError:
            self.rebuilt.append(f"{kind}/{name}")
            return None

    def write(self, kind: str, name: str, body: Any) -> None:
        try:
            name.encode("utf-8")
            data = orjson.dumps(body)
            self.pending[(kind, name)] = (data, _hash(data))
        except (TypeError, ValueError):  # a file name that is not UTF-8 (surrogates): not cached
            self.pending.pop((kind, name), None)

    def flush(self) -> None:
        """Write what is pending in one transaction."""
        if not self.pending:
            return
        db = self._connect(create=True)
        if db is None:
            return
        rows = [(kind, name, self.stamp, digest, data) for (kind, name), (data, digest) in self.pending.items()]
        self.pending = {}
        try:
            db.execute("BEGIN IMMEDIATE")
            db.executemany("INSERT OR REPLACE INTO cache VALUES (?, ?, ?, ?, ?)", rows)
            db.execute("COMMIT")
        except sqlite3.Error:
            try:
                db.execute("ROLLBACK")
            except sqlite3.Error:
                pass

    def close(self) -> None:
        if self._db is not None and self._pid == os.getpid():
            self._db.close()
        self._db = None
