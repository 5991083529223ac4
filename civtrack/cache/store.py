"""The cache's row store: one SQLite file of keyed, checksummed rows (``CacheStore``).

``.civtrack/cache/cache.sqlite3`` (git-ignored) holds rows (kind, name) → the format stamp, a MAC of the
row and the body (JSON, orjson; never pickle). Reading checks the stamp and the MAC; anything wrong means
the row (or the database) is rebuilt. What the rows hold is the business of civtrack.cache.rows; this
module only stores and checks bytes.

The MAC is keyed BLAKE2b (a MAC by design, as HMAC is for other hashes) over the row's kind, name and
body, with a key that lives outside the repository: ``$XDG_CACHE_HOME/civtrack/cache-key`` (by default
``~/.cache/civtrack/cache-key``), 32 random bytes, mode 0600, made on first use. Anyone who can write a
repository's cache (a clone of a repository that force-added one, a shared folder) cannot make rows
this user's civtrack trusts: a row from elsewhere, or forged, is rebuilt from the files (issue 18, D4).
Without a usable key (no home folder, a key file that is a link, not this user's or readable by others)
there is no cache: every file is read.

The cache folder is used only when ``.civtrack``, ``.civtrack/cache`` and the files in it are real
folders and regular files, never symbolic links: a link could make a read-only command write another
application's database or a file outside the repository (issue 18, D6)."""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import sqlite3
import stat
from pathlib import Path
from typing import Any

import orjson

from civtrack import __version__
from civtrack.workspace import Config

CACHE_DIR = ".civtrack/cache"
DB_NAME = "cache.sqlite3"
FORMAT = 5  # 4: rows carry a keyed MAC (issue 18, D4); 5: plan rows hold `from` of parts and indicators (issue 16)


def _hash(data: bytes) -> str:
    """A file's content hash (what a row says it was made from; the row's MAC covers it)."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


KEY_NAME = "cache-key"
_KEY_BYTES = 32
_DB_FILES = ("", "-journal", "-wal", "-shm")


def key_path() -> Path:
    """Where the key of this user's cache rows is: outside every repository."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "civtrack" / KEY_NAME


_key_cache: dict[str, bytes | None] = {}


def cache_key() -> bytes | None:
    """This user's key (made on first use, mode 0600), or None when there is no trustworthy one."""
    path = key_path()
    found = _key_cache.get(str(path), b"")
    if found != b"":
        return found
    key = _read_or_make_key(path)
    _key_cache[str(path)] = key
    return key


def _read_or_make_key(path: Path) -> bytes | None:
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    for _ in range(2):
        try:
            fd = os.open(path, flags)
        except FileNotFoundError:
            try:
                path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
            except FileExistsError:
                continue  # made by another run meanwhile: read it
            except OSError:
                return None
            try:
                os.write(fd, secrets.token_bytes(_KEY_BYTES))
                os.fsync(fd)
            except OSError:
                os.close(fd)
                return None
            os.close(fd)
            continue
        except OSError:
            return None  # a link (ELOOP), no permission: no trusted key
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(handle.fileno())
            key = handle.read(_KEY_BYTES + 1)
        private = stat.S_ISREG(info.st_mode) and not info.st_mode & 0o077
        if not private or info.st_uid != os.geteuid() or len(key) != _KEY_BYTES:
            return None  # anyone else could read (or have written) it
        return key
    return None


def mac(key: bytes, kind: str, name: str, data: bytes) -> str:
    """The MAC a row carries: keyed BLAKE2b of its kind, name and body (a row cannot be moved either)."""
    digest = hashlib.blake2b(key=key, digest_size=16)
    digest.update(kind.encode("utf-8", "surrogatepass") + b"\0" + name.encode("utf-8", "surrogatepass") + b"\0")
    digest.update(data)
    return digest.hexdigest()


def safe_cache_folder(root: Path, *, create: bool) -> Path | None:
    """``.civtrack/cache`` when it and ``.civtrack`` are real folders (made when ``create``) and no file of
    the database is anything but a regular file; None otherwise (then there is no cache)."""
    folder = root
    for part in CACHE_DIR.split("/"):
        folder = folder / part
        if create:
            try:
                folder.mkdir()  # never through a link: mkdir fails on one, even a dangling one
            except FileExistsError:
                pass
            except OSError:
                return None
        try:
            if not stat.S_ISDIR(os.lstat(folder).st_mode):
                return None  # a link, or a file
        except OSError:
            return None
    for suffix in _DB_FILES:
        try:
            if not stat.S_ISREG(os.lstat(folder / f"{DB_NAME}{suffix}").st_mode):
                return None
        except FileNotFoundError:
            pass
        except OSError:
            return None
    return folder


class CacheStore:
    """The cache: one SQLite file, .civtrack/cache/cache.sqlite3, of rows (kind, name) → the format
    stamp, a BLAKE2b checksum and a JSON body (orjson). SQLite gives atomic updates (a reader sees the
    old rows or the new ones), locking between concurrent runs, and one write for a thousand changed
    files (a file per record costs half a millisecond each to create on ext4). Anything wrong with it
    (another format, a checksum that does not match, a damaged database) means: rebuild what it held.
    A cache that cannot be written is only a slower next run."""

    def __init__(self, root: Path, config: Config, *, readonly: bool = False):
        self.root = root
        self.path = root / CACHE_DIR / DB_NAME
        self.key = cache_key()
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
        if self.key is None:
            return None  # no key to trust rows with: no cache
        if safe_cache_folder(self.root, create=create and not self.readonly) is None:
            return None  # a link on the way (or nothing there): never read or written through
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
                ignore = self.path.parent / ".gitignore"
                try:
                    # Never versioned, in whatever repository it is made (as .pytest_cache does). "x":
                    # O_EXCL, so that a link (even a dangling one) is never written through.
                    with open(ignore, "x", encoding="utf-8") as handle:
                        handle.write("# civtrack's cache: not versioned\n*\n")
                except FileExistsError:
                    pass
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
            if not isinstance(body, bytes) or self.key is None or digest != mac(self.key, kind, name, body):
                raise ValueError("checksum")
            return body if raw else orjson.loads(body)
        except ValueError:
            self.rebuilt.append(f"{kind}/{name}")
            return None

    def write(self, kind: str, name: str, body: Any) -> None:
        try:
            name.encode("utf-8")
            data = orjson.dumps(body)
            if self.key is None:
                return  # no cache without a key
            self.pending[(kind, name)] = (data, mac(self.key, kind, name, data))
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
