"""Opening a repository fast: a per-file cache, parallel parsing and per-indicator series.

civtrack.load.load reads every file and keeps every entry; that is the reference, and what commands that
need the entries themselves use. `status`, `check` and `report` need much less: the plans, every problem,
and for each indicator or part what its entries add up to at a date. This module gives them exactly
that, identical to load + check_repository + compute.fold (tests/test_cache.py proves it), and fast:

* **Cache.** For each plan file and each progress file, what reading it gave (the plan, the problems,
  the entries reduced to columns) is kept in ``.civtrack/cache/cache.sqlite3`` (git-ignored), as
  checksummed JSON rows, never pickle. A file
  is taken from the cache when its size, mtime_ns, ctime_ns and inode are those recorded, and it was
  not *racy* (changed within two seconds of being read: a same-size rewrite within the clock's
  resolution would otherwise go unseen, as in git). When only the size matches, the content's BLAKE2b
  hash decides (a `touch`, a copy, a checkout of the same content: no re-parse). The checks of a folder's
  entries also depend on its plan: they are kept with the plan file's hash and redone when it changes.
  Each row carries a format version, the settings it was made under and a BLAKE2b checksum of its
  body: a corrupt, truncated or tampered row (or one of another version) is ignored and rebuilt.
* **Parallel parsing.** Files that must be read are parsed in worker processes, one per core, when
  there are enough of them to pay for the processes.
* **Series.** Per plan and reference, the days that have entries with their totals, counts and last
  values (compute.Day), so that the ledger at an as-of date is one bisection and a short sum per
  reference (``Snapshot.ledger_at``), whatever the number of entries, and a plan can be evaluated at
  any date without reading an entry (``Snapshot.timelines``).
* **Entries.** Per month file, a row of its entries' fields as columns, with the content hash they were
  read from: a changed folder is redone from the rows of its unchanged files, and `report --month` builds
  a month's entries from the rows (``Snapshot.entries``) when the hash is the one validated at open.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import hashlib
import json
import os
import sqlite3
import time
import types
import typing
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from civtrack import __version__
from civtrack.errors import InputError, Problem, error
from civtrack.load import DiskSource, EntryAt, PlanFile, Repository, Source, load
from civtrack.workspace import PLANS_DIR, Config

if typing.TYPE_CHECKING:
    from civtrack.model import Plan

CACHE_DIR = ".civtrack/cache"
DB_NAME = "cache.sqlite3"
FORMAT = 3
# A file changed this close to the moment it was read may change again unseen within the same
# timestamp tick: its cached result is checked against the content hash next time.
RACY_NS = 2_000_000_000
# Below this many files (or bytes) to parse, worker processes cost more than they save.
PARALLEL_MIN_FILES = 64
PARALLEL_MIN_BYTES = 2_000_000

ProblemRow = list[Any]  # [line, severity, message]


def _hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _stat_key(st: os.stat_result) -> list[int]:
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


def _rows(problems: Iterable[Problem]) -> list[ProblemRow]:
    return [[p.line, p.severity, p.message] for p in problems]


def _problems(path: str, rows: Iterable[ProblemRow]) -> list[Problem]:
    return [Problem(path, line, severity, message) for line, severity, message in rows]


# --- cache files --------------------------------------------------------------------------------


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


# --- what one file gives -------------------------------------------------------------------------


@dataclass
class FileResult:
    """What reading one progress file gave, in a form the cache can hold.

    ``meta()`` (stat key, hash, problems, entry count) is read on every run; the columns (one row per
    valid entry, in file order) only when the folder's checks or series must be redone.
    """

    key: list[int]
    hash: str
    racy: bool
    problems: list[ProblemRow]
    count: int = 0
    cols: list[list[Any]] | None = None  # lines, refs, dates (ordinals), values, dones, units, notes, bys, evidences
    cacheable: bool = True
    error: str | None = None  # why it could not be read (load() reports it)

    def meta(self) -> dict[str, Any]:
        return {"key": self.key, "hash": self.hash, "racy": self.racy, "problems": self.problems, "count": self.count}

    @classmethod
    def from_meta(cls, rec: dict[str, Any]) -> FileResult:
        return cls(rec["key"], rec["hash"], rec["racy"], rec["problems"], rec.get("count", 0))


def _valid_meta(rec: Any) -> bool:
    """Shape check of a cached file record, so that a damaged one is rebuilt rather than trusted."""
    try:
        return (
            isinstance(rec["key"], list) and len(rec["key"]) == 4 and all(type(k) is int for k in rec["key"])
            and isinstance(rec["hash"], str) and isinstance(rec["racy"], bool)
            and _valid_rows(rec["problems"]) and type(rec.get("count", 0)) is int
        )  # fmt: skip
    except (KeyError, TypeError):
        return False


_INT = {int}
_STR = {str}
_NUMBER_OR_NONE = {int, float, type(None)}
_BOOL_OR_NONE = {bool, type(None)}
_STR_OR_NONE = {str, type(None)}


def _valid_cols(cols: Any, count: int) -> bool:
    """Shape and types of a file's cached columns (the types of each column as a set: a C loop, as
    `report --month` checks a month's hundred thousand entries)."""
    if not (isinstance(cols, list) and len(cols) == 9 and all(isinstance(c, list) and len(c) == count for c in cols)):
        return False
    lines, refs, dates, values, dones, units, notes, bys, evidences = cols
    if count and not (set(map(type, dates)) <= _INT and 0 < min(dates) and max(dates) < 3_652_060):
        return False
    return (
        set(map(type, lines)) <= _INT and set(map(type, refs)) <= _STR
        and set(map(type, values)) <= _NUMBER_OR_NONE and set(map(type, dones)) <= _BOOL_OR_NONE
        and all(set(map(type, column)) <= _STR_OR_NONE for column in (units, notes, bys, evidences))
    )  # fmt: skip


def _cached_cols(store: CacheStore, rel: str, digest: str, count: int) -> list[list[Any]] | None:
    """The columns of a file's entries from its cache row, when the row was made from the content of
    hash ``digest`` and holds ``count`` well-typed entries; else None (the file is parsed)."""
    rec = store.read("entries", rel)
    if isinstance(rec, dict) and rec.get("hash") == digest and _valid_cols(rec.get("cols"), count):
        return rec["cols"]
    return None


def _valid_rows(rows: Any) -> bool:
    return isinstance(rows, list) and all(
        isinstance(r, list) and len(r) == 3 and (r[0] is None or type(r[0]) is int) and r[1] in ("error", "warning")
        and isinstance(r[2], str)
        for r in rows
    )  # fmt: skip


def _read(root: Path, rel: str, limit: int) -> tuple[os.stat_result, bytes]:
    """A file's stat and bytes, read as DiskSource.read reads them (load.read_settled)."""
    from civtrack.load import read_settled

    return read_settled(root, rel, limit)


def parse_progress_file(
    root: Path, rel: str, shown: str, plan_id: str, month: str, config: Config, scan_ns: int
) -> tuple[FileResult, list[EntryAt]]:
    """Read and parse one progress file into a FileResult (with its columns) and its entries."""
    from civtrack.load import parse_progress

    st, data = _read(root, rel, config.max_file_bytes)
    entries, problems = parse_progress(data, shown, plan_id, month, config)
    result = FileResult(
        _stat_key(st), _hash(data), max(st.st_mtime_ns, st.st_ctime_ns) >= scan_ns - RACY_NS, _rows(problems)
    )
    # A file that grew while it was read (or one above the size limit) is not cached.
    result.cacheable = len(data) == st.st_size and len(data) <= config.max_file_bytes
    result.count = len(entries)
    result.cols = [
        [item.line for item in entries],
        [item.entry.indicator for item in entries],
        [item.entry.date.toordinal() for item in entries],
        [item.entry.value for item in entries],
        [item.entry.done for item in entries],
        [item.entry.unit for item in entries],
        [item.entry.note for item in entries],
        [item.entry.by for item in entries],
        [item.entry.evidence for item in entries],
    ]
    return result, entries


# --- series: what the entries of a reference add up to, day by day --------------------------------


class Series:
    """The days of one reference in the order the ledger first saw them, with their Day values
    (total, count, last value, done flag; the order within a day is no longer needed).

    ``sorted``: the days are in date order (the usual case: monthly files, appended in time), so the
    days up to a date are found by bisection; else every day is looked at. Either way the totals are
    added up in the ledger's order, as compute._sum_until does: the same result to the last bit. A
    count column of one entry a day, and last or done columns without a value, are left out (None):
    most references have them. The record is what the cache stores; nothing is rebuilt on reading.
    """

    __slots__ = ("dates", "total", "count", "last", "done", "sorted")

    def __init__(self, rec: list[Any]):
        self.dates, self.total, self.count, self.last, self.done, self.sorted = rec

    @classmethod
    def from_days(cls, days: dict[dt.date, Any]) -> Series:
        ordinals = [d.toordinal() for d in days]
        values = list(days.values())
        counts = [v.count for v in values]
        lasts = [v.last for v in values]
        dones = [v.done for v in values]
        return cls([
            ordinals, [v.total for v in values], None if all(c == 1 for c in counts) else counts,
            None if all(x is None for x in lasts) else lasts, None if all(x is None for x in dones) else dones,
            all(a < b for a, b in zip(ordinals, ordinals[1:], strict=False)),
        ])  # fmt: skip

    def at(self, as_of: int) -> tuple[Any, int, Any, bool | None] | None:
        """(total, count, last, done) of the days on or before ``as_of``, or None when there are none:
        what compute._sum_until and _last_until find in the full ledger."""
        if self.sorted:
            k = bisect.bisect_right(self.dates, as_of)
            if k == 0:
                return None
            total: Any = 0
            for value in self.total[:k]:
                total += value
            return (
                total, k if self.count is None else sum(self.count[:k]),
                _latest(self.last, k), _latest(self.done, k),
            )  # fmt: skip
        total = 0
        count = 0
        best: int | None = None
        last: Any = None
        best_done: int | None = None
        done: bool | None = None
        for i, date in enumerate(self.dates):
            if date > as_of:
                continue
            total += self.total[i]
            count += 1 if self.count is None else self.count[i]
            if self.last is not None and self.last[i] is not None and (best is None or date > best):
                best, last = date, self.last[i]
            if self.done is not None and self.done[i] is not None and (best_done is None or date > best_done):
                best_done, done = date, self.done[i]
        if count == 0:
            return None
        return total, count, last, done

    def record(self) -> list[Any]:
        return [self.dates, self.total, self.count, self.last, self.done, self.sorted]


def _latest(column: list[Any] | None, k: int) -> Any:
    """The last value that is not None among the first ``k`` (days in date order)."""
    if column is None:
        return None
    for index in range(k - 1, -1, -1):
        if column[index] is not None:
            return column[index]
    return None


def _valid_series(rec: Any) -> bool:
    """Lengths and the dates' order; the values are trusted as far as the checksum goes."""
    try:
        dates, total, count, last, done, running = rec
        n = len(dates)
        return (
            type(running) is bool and len(total) == n and all(c is None or len(c) == n for c in (count, last, done))
        )  # fmt: skip
    except (TypeError, ValueError):
        return False


class _LightEntry:
    """An Entry's fields (what compute, check and reporting read of it), rebuilt from cached columns
    without validating again: the columns hold what a validated Entry gave. Equal to another light
    entry with the same fields (not to an Entry: compare fields)."""

    __slots__ = ("date", "indicator", "value", "done", "unit", "note", "by", "evidence", "indicator_id", "part_id")

    def __init__(
        self,
        ref: str,
        date: dt.date,
        value: Any,
        done: bool | None,
        unit: str | None,
        note: str | None,
        by: str | None,
        evidence: str | None,
    ):
        self.indicator = ref
        self.date = date
        self.value = value
        self.done = done
        self.unit = unit
        self.note = note
        self.by = by
        self.evidence = evidence
        self.indicator_id, _, part = ref.partition("/")
        self.part_id = part or None

    def _fields(self) -> tuple[Any, ...]:
        return (self.date, self.indicator, self.value, self.done, self.unit, self.note, self.by, self.evidence)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, _LightEntry):
            return NotImplemented
        return self._fields() == other._fields()

    def __hash__(self) -> int:
        return hash(self._fields())

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={value!r}" for name, value in zip(ENTRY_ORDER, self._fields(), strict=True))
        return f"_LightEntry({fields})"


ENTRY_ORDER = ("date", "indicator", "value", "done", "unit", "note", "by", "evidence")


@dataclass(slots=True)
class _LightItem:
    entry: _LightEntry
    path: str
    line: int
    month: str


def _light_items(result: FileResult, shown: str, month: str) -> Iterator[_LightItem]:
    fromordinal = dt.date.fromordinal
    assert result.cols is not None
    for line, ref, date, value, done, unit, note, by, evidence in zip(*result.cols, strict=True):
        yield _LightItem(_LightEntry(ref, fromordinal(date), value, done, unit, note, by, evidence), shown, line, month)


# --- the snapshot ------------------------------------------------------------------------------------


@dataclass
class Snapshot:
    """A repository as `status` and `check` see it: plans, every problem, and the entries as series."""

    root: Path
    config: Config
    plans: dict[str, PlanFile]
    problems: list[Problem]
    entry_counts: dict[str, int]
    series: Mapping[str, dict[str, Series]]
    stats: dict[str, int] = field(default_factory=dict)
    # Plan id → its month files (rel, "YYYY-MM", shown), in load order.
    files: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)
    # Month file (rel) without problems → (content hash, entry count) as validated at open: its entries
    # may be taken from its cache row when that row was made from this content. Empty without a cache.
    cached_files: dict[str, tuple[str, int]] = field(default_factory=dict)
    # Per process id, the read-only cache connection that process opened (a connection is never used
    # across a fork; one inherited from the parent is left alone, not closed).
    _readers: dict[int, CacheStore] = field(default_factory=dict, repr=False)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    def entries(self, months: Iterable[str] | None = None, plan_ids: Iterable[str] | None = None) -> list[EntryAt]:
        """The entries of the month files of ``months`` ("YYYY-MM") and plans (all when None), read
        from those files only, in load order, as load.load gives them (``seq`` counts from the first
        file read). For `report --month`: a month's entries without reading a million.

        A file without problems whose cache row was made from the content validated at open is not
        read: its entries are rebuilt from the row's columns (light entries with an Entry's fields).
        Any doubt (no row, another hash, a row that does not decode or check) and it is parsed."""
        from civtrack.load import parse_progress

        wanted = None if months is None else set(months)
        out: list[EntryAt] = []
        fromordinal = dt.date.fromordinal
        for plan_id in self.files if plan_ids is None else plan_ids:
            seq = 0
            for rel, month, shown in self.files.get(plan_id, []):
                if wanted is not None and month not in wanted:
                    continue
                known = self.cached_files.get(rel)
                store = self._reader() if known is not None else None
                cols = _cached_cols(store, rel, *known) if store is not None and known is not None else None
                if cols is not None:
                    self.stats["entries_cached"] = self.stats.get("entries_cached", 0) + 1
                    columns = zip(*cols, strict=True)
                    for index, (line, ref, date, value, done, unit, note, by, evidence) in enumerate(columns):
                        entry = _LightEntry(ref, fromordinal(date), value, done, unit, note, by, evidence)
                        out.append(EntryAt(plan_id, entry, shown, line, seq + index, month))  # type: ignore[arg-type]
                    seq += known[1]
                    continue
                self.stats["entries_parsed"] = self.stats.get("entries_parsed", 0) + 1
                data = _read(self.root, rel, self.config.max_file_bytes)[1]
                entries, problems = parse_progress(data, shown, plan_id, month, self.config, seq)
                seq += len(entries) + len(problems)
                out.extend(entries)
        return out

    def _reader(self) -> CacheStore | None:
        """This process's read-only view of the cache (opened on first use, in the process that reads)."""
        pid = os.getpid()
        store = self._readers.get(pid)
        if store is None:
            store = self._readers[pid] = CacheStore(self.root, self.config, readonly=True)
        return store

    def ledger_at(self, as_of: dt.date, plan_ids: Iterable[str] | None = None) -> dict:
        """A ledger that evaluates exactly like the full one at ``as_of`` (and only there): per
        reference one Day holding what the days up to as-of add up to."""
        return {
            plan_id: SeriesTimeline(self.series.get(plan_id, {})).at(as_of)
            for plan_id in (self.series if plan_ids is None else plan_ids)
        }

    def timelines(self, plan_ids: Iterable[str] | None = None) -> Mapping[str, SeriesTimeline]:
        """Per plan id, a reporting.Timeline over the cached series: the plan evaluated at any date
        without building its days (`report`, `status --chart`). A plan's series are decoded when it is
        first evaluated, by whichever process evaluates it."""
        return _Timelines(self.series, list(self.series if plan_ids is None else plan_ids))


class SeriesTimeline:
    """One plan's series as a reporting.Timeline: ``at(day)`` holds, per reference, one Day adding up
    the days up to ``day`` (Series.at: exactly what the full ledger gives when evaluated there)."""

    def __init__(self, series: dict[str, Series]):
        self._series = series
        self._by_indicator: dict[str, list[tuple[str, Series]]] | None = None

    def _of(self, indicator: str) -> list[tuple[str, Series]]:
        if self._by_indicator is None:
            self._by_indicator = {}
            for ref, series in self._series.items():
                self._by_indicator.setdefault(ref.split("/")[0], []).append((ref, series))
        return self._by_indicator.get(indicator, [])

    def at(self, day: dt.date, indicator: str | None = None) -> dict:
        from civtrack.compute import Day

        ordinal = day.toordinal()
        refs: dict = {}
        for ref, series in self._series.items() if indicator is None else self._of(indicator):
            state = series.at(ordinal)
            if state is not None:
                total, count, last, done = state
                refs[ref] = {day: Day(total, (), last, done, count)}
        return refs

    def dates(self, indicator: str, first: dt.date, last: dt.date) -> list[dt.date]:
        low, high = first.toordinal(), last.toordinal()
        found = {ordinal for _, series in self._of(indicator) for ordinal in series.dates if low <= ordinal <= high}
        return [dt.date.fromordinal(ordinal) for ordinal in sorted(found)]


class _Timelines(Mapping):
    """Plan id → SeriesTimeline, made on lookup (so that the series are decoded only when used)."""

    def __init__(self, series: Mapping[str, dict[str, Series]], plan_ids: list[str]):
        self._series = series
        self._ids = [plan_id for plan_id in plan_ids if plan_id in series]
        self._wanted = set(self._ids)

    def __getitem__(self, plan_id: str) -> SeriesTimeline:
        if plan_id not in self._wanted:
            raise KeyError(plan_id)
        return SeriesTimeline(self._series[plan_id])

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)


class _SeriesMap(Mapping):
    """Plan id → its series, decoded from the cache row on first use (by whichever process needs it:
    `status` lays out plans in forked children, each decoding its own share)."""

    def __init__(self, root: Path, config: Config):
        self._root = root
        self._config = config
        self._data: dict[str, Any] = {}
        self._files: dict[str, list[tuple[str, str, str]]] = {}

    def put(self, plan_id: str, value: dict[str, Series] | bytes, files: list[tuple[str, str, str]]) -> None:
        self._data[plan_id] = value
        self._files[plan_id] = files

    def __getitem__(self, plan_id: str) -> dict[str, Series]:
        value = self._data[plan_id]
        if isinstance(value, bytes):
            try:
                record = orjson.loads(value)
                if not (isinstance(record, dict) and all(_valid_series(r) for r in record.values())):
                    raise ValueError("shape")
                value = {ref: Series(rec) for ref, rec in record.items()}
            except ValueError:  # checksummed but unusable (forged?): count again from the files
                value = _series_from_files(self._root, self._config, plan_id, self._files[plan_id])
            self._data[plan_id] = value
        return value

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)


def _series_from_files(
    root: Path, config: Config, plan_id: str, files: list[tuple[str, str, str]]
) -> dict[str, Series]:
    from civtrack.compute import add_entry
    from civtrack.load import parse_progress

    ledger: dict = {}
    for rel, month, shown in files:
        entries, _ = parse_progress(_read(root, rel, config.max_file_bytes)[1], shown, plan_id, month, config)
        for index, item in enumerate(entries):
            add_entry(ledger, plan_id, item.entry, (month, index))
    return {ref: Series.from_days(days) for ref, days in ledger.get(plan_id, {}).items()}


class _Reader:
    """Gives civtrack.load.load each file's result from the cache or a fresh parse, so that load()
    applies the rules that relate files (names, ids, duplicates, unknown plans, links) in one place.

    Without ``progress`` (the first pass) it notes which month files load() reads, for which plan:
    those are the files to parse or take from the cache."""

    def __init__(self, source: Source, config: Config, plans: dict[str, Any], progress: dict[str, Any] | None):
        self.source = source
        self.config = config
        self.plans = plans
        self.progress = progress
        self.requested: dict[str, list[tuple[str, str, str]]] = {}

    def plan(self, rel: str, shown: str) -> tuple[PlanFile | None, list[Problem]]:
        result = self.plans[rel]
        if isinstance(result, OSError):
            raise result
        return result

    def progress_file(
        self, rel: str, shown: str, plan_id: str, month: str, first_seq: int
    ) -> tuple[list[EntryAt], list[Problem]]:
        if self.progress is None:
            if month:
                self.requested.setdefault(plan_id, []).append((rel, month, shown))
            return [], []
        result = self.progress.get(rel)
        if result is None:  # the syntax of a file whose plan has errors: read here, not cached
            from civtrack.load import parse_progress

            data = self.source.read(rel, self.config.max_file_bytes)
            return [], parse_progress(data, shown, plan_id, month, self.config, first_seq)[1]
        if isinstance(result, OSError):
            raise result
        return [], result


@dataclass
class _FolderJob:
    """A progress folder whose checks and series must be redone: some files changed, or its plan."""

    plan_id: str
    files: list[tuple[str, str, str]]  # (rel, month, shown), in load order
    cached: dict[str, FileResult]  # files unchanged since cached (no columns yet)
    plan_hash: str


@dataclass
class _FolderOut:
    results: dict[str, FileResult]  # without columns
    checks: list[Problem]
    series: dict[str, Series] | bytes  # bytes: the cached row, decoded when needed
    writes: dict[tuple[str, str], tuple[bytes, str]] = field(default_factory=dict)  # cache rows to write


# Cache rows waiting to be written, at most (then they are written in one transaction).
FLUSH_BYTES = 16 << 20


def open_snapshot(root: Path, config: Config, *, use_cache: bool = True, workers: int | None = None) -> Snapshot:
    """Read a repository's plans, problems and series, through the cache."""
    store = CacheStore(root, config) if use_cache else None
    try:
        return _open_snapshot(root, config, store, workers)
    finally:
        if store is not None:
            store.flush()
            store.close()


def _open_snapshot(root: Path, config: Config, store: CacheStore | None, workers: int | None) -> Snapshot:
    scan_ns = time.time_ns()
    source = _ListingSource(root)
    stats = {"parsed": 0, "cached": 0, "hashed": 0, "plans_parsed": 0, "folders_rebuilt": 0}
    if store is not None:
        for kind in ("plans", "plandump", "progress", "series"):
            store.preload(kind)

    # Plans: from the cache when unchanged, else parsed (few and small: in this process).
    plan_results: dict[str, Any] = {}  # rel → (plan file, problems), or the OSError of reading it
    plan_hashes: dict[str, str] = {}
    plan_checks: dict[str, list[Problem]] = {}
    todo: list[tuple[str, str]] = []
    for rel in source.files(PLANS_DIR):
        name = rel.rsplit("/", 1)[-1]
        if name.startswith(".") or not name.endswith((".yaml", ".yml")) or rel.count("/") != 1:
            continue
        plan_results[rel] = (None, [])  # keeps load()'s order
        cached = _cached_plan(store, root, rel, source.display(rel), stats, config)
        if cached is None:
            todo.append((rel, source.display(rel)))
        else:
            plan_file, problems, plan_checks[rel], plan_hashes[rel] = cached
            plan_results[rel] = (plan_file, problems)
    for rel, result in _run_plans(root, config, scan_ns, store, todo, workers):
        if isinstance(result, OSError):
            plan_results[rel] = result
            continue
        plan_file, problems, plan_checks[rel], plan_hashes[rel] = result
        plan_results[rel] = (plan_file, problems)
    stats["plans_parsed"] = len(todo)

    # First pass of load(): which plan each id stands for, and which month files it reads.
    first = _Reader(source, config, plan_results, None)
    known_plans = load(source, config, reader=first).plans
    rel_of = {id(r[0]): rel for rel, r in plan_results.items() if isinstance(r, tuple) and r[0] is not None}
    known = {plan_id: (pf, plan_hashes[rel_of[id(pf)]]) for plan_id, pf in known_plans.items()}
    folders = first.requested

    outs: dict[str, _FolderOut] = {}
    jobs: list[_FolderJob] = []
    for plan_id, files in folders.items():
        plan_hash = known[plan_id][1]
        record = store.read("progress", plan_id) if store else None
        record = record if _valid_folder_record(record) else {}
        metas = record.get("files", {})
        cached: dict[str, FileResult] = {}
        for rel, _, _ in files:
            result = _cached_file(metas.get(rel), os.path.join(root, rel), stats)
            if result is not None:
                cached[rel] = result
        stats["cached"] += len(cached)
        raw_series = store.read("series", plan_id, raw=True) if store and record else None
        if len(cached) == len(files) == len(metas) and record.get("plan_hash") == plan_hash and raw_series:
            checks = [Problem(source.display(p), line, sev, msg) for p, line, sev, msg in record["checks"]]
            outs[plan_id] = _FolderOut(cached, checks, raw_series)
            if store is not None and any(
                metas[rel]["key"] != r.key or metas[rel]["racy"] != r.racy for rel, r in cached.items()
            ):
                _save_folder(store, plan_id, files, cached, plan_hash, checks, None, entries=None)
        else:
            jobs.append(_FolderJob(plan_id, files, cached, plan_hash))
    stats["folders_rebuilt"] = len(jobs)
    plans_by_id = {job.plan_id: known[job.plan_id][0].plan for job in jobs}
    unflushed = 0
    for plan_id, out in _run_folders(root, config, scan_ns, store, plans_by_id, jobs, workers, stats):
        outs[plan_id] = out
        if store is not None:
            store.pending.update(out.writes)
            unflushed += sum(len(data) for data, _ in out.writes.values())
            out.writes = {}
            # A cold 1M run makes 105 MB of rows: written as they come (a folder's rows always together,
            # each row checked on reading), they are not all held until the end.
            if unflushed >= FLUSH_BYTES:
                store.flush()
                unflushed = 0

    # Second pass: the same, with each file's problems.
    progress_problems: dict[str, Any] = {}
    for plan_id, out in outs.items():
        for rel, _, shown in folders[plan_id]:
            result = out.results[rel]
            progress_problems[rel] = OSError(result.error) if result.error else _problems(shown, result.problems)
    repo = load(source, config, reader=_Reader(source, config, plan_results, progress_problems))
    problems = list(repo.problems)
    for rel, result in plan_results.items():
        if isinstance(result, tuple) and result[0] is not None and repo.plans.get(result[0].plan_id) is result[0]:
            problems.extend(plan_checks[rel])
    series = _SeriesMap(root, config)
    entry_counts: dict[str, int] = {}
    for plan_id in repo.entries:  # check_repository's order
        out = outs.get(plan_id)
        if out is None:
            continue
        problems.extend(out.checks)
        series.put(plan_id, out.series, folders[plan_id])
        entry_counts[plan_id] = sum(r.count for r in out.results.values())
    problems.sort(key=lambda p: (p.path, p.line or 0))
    files = {plan_id: folders[plan_id] for plan_id in repo.entries if plan_id in folders}
    cached_files: dict[str, tuple[str, int]] = {}
    if store is not None:
        for plan_id in files:
            for rel, result in outs[plan_id].results.items():
                if not result.problems and not result.error and result.hash:
                    cached_files[rel] = (result.hash, result.count)
    return Snapshot(root, config, repo.plans, problems, entry_counts, series, stats, files, cached_files)


# State inherited by forked workers (the plans: large to send, already in memory).
_FORK_STATE: dict[str, Any] = {}


def _run_folders(
    root: Path,
    config: Config,
    scan_ns: int,
    store: CacheStore | None,
    plans: dict[str, Any],
    jobs: list[_FolderJob],
    workers: int | None,
    stats: dict[str, int],
) -> Iterator[tuple[str, _FolderOut]]:
    """Redo the folders of ``jobs``: in worker processes (one per core) when there is enough to parse."""
    from civtrack.errors import InputError, error

    workers = _workers(workers)
    files = [(job, rel) for job in jobs for rel, _, _ in job.files if rel not in job.cached]
    stats["parsed"] += len(files)
    size = 0
    if workers > 1 and len(files) >= PARALLEL_MIN_FILES and os.name == "posix":
        for _job, rel in files:
            try:
                size += os.stat(os.path.join(root, rel)).st_size
            except OSError:
                pass
    try:
        if size >= PARALLEL_MIN_BYTES:
            outputs = _pool_map(
                _forked_folder, jobs, workers, root=root, config=config, scan_ns=scan_ns, store=store, plans=plans
            )
            yield from zip((job.plan_id for job in jobs), outputs, strict=True)
        else:
            for job in jobs:
                yield job.plan_id, _do_folder(root, config, scan_ns, store, plans[job.plan_id], job)
    except OSError as exc:
        raise InputError(error(exc.filename or "civtrack", None, f"cannot read file: {exc.strerror}")) from None


def _forked_folder(job: _FolderJob) -> _FolderOut:
    state = _FORK_STATE
    return _do_folder(
        state["root"], state["config"], state["scan_ns"], state["store"], state["plans"][job.plan_id], job
    )


def _do_folder(
    root: Path, config: Config, scan_ns: int, store: CacheStore | None, plan: Any, job: _FolderJob
) -> _FolderOut:
    """Parse what changed in a folder, check its entries against the plan (as check_repository does),
    fold them into series (as compute.fold does) and cache the lot."""
    from civtrack.check import check_entry
    from civtrack.compute import add_entry

    indicators = {ind.id: ind for ind in plan.indicators}
    results: dict[str, FileResult] = {}
    entries_of: dict[str, list[Any]] = {}  # the columns of the files parsed here: their rows to write
    checks: list[Problem] = []
    ledger: dict = {}
    for rel, month, shown in job.files:
        result = job.cached.get(rel)
        items: Iterable[Any] | None = None
        if result is not None and store is not None:
            cols = _cached_cols(store, rel, result.hash, result.count)
            if cols is not None:
                result.cols = cols
                items = list(_light_items(result, shown, month))
        if items is None:
            try:
                result, items = parse_progress_file(root, rel, shown, job.plan_id, month, config, scan_ns)
            except OSError as exc:
                result, items = FileResult([], "", True, [], cacheable=False, error=exc.strerror or str(exc)), []
            if result.cacheable and result.cols is not None:
                entries_of[rel] = result.cols
        results[rel] = result
        # Order within the folder: (month, position in the file); the reference's (month, seq) sorts the same.
        for index, item in enumerate(items):
            checks.extend(check_entry(plan, indicators, item))
            add_entry(ledger, job.plan_id, item.entry, (month, index))
    series = {ref: Series.from_days(days) for ref, days in ledger.get(job.plan_id, {}).items()}
    writes: dict[tuple[str, str], tuple[bytes, str]] = {}
    if store is not None:
        _save_folder(store, job.plan_id, job.files, results, job.plan_hash, checks, series, entries=entries_of)
        keys = [("entries", rel) for rel in entries_of] + [("series", job.plan_id), ("progress", job.plan_id)]
        for key in keys:
            if key in store.pending:
                writes[key] = store.pending.pop(key)
    for result in results.values():
        result.cols = None  # not sent back: the writes hold them
    return _FolderOut(results, checks, series, writes)


def _save_folder(
    store: CacheStore,
    plan_id: str,
    files: list[tuple[str, str, str]],
    results: dict[str, FileResult],
    plan_hash: str,
    checks: list[Problem],
    series: dict[str, Series] | None,
    *,
    entries: dict[str, list[Any]] | None,
) -> None:
    """The folder's rows: its files and checks; its series (when given); one row per file of ``entries``
    (rel → columns: the files just parsed) with the columns of its entries and the hash they were read
    from."""
    for rel, cols in (entries or {}).items():
        if results[rel].cacheable:
            store.write("entries", rel, {"hash": results[rel].hash, "cols": cols})
    if not all(results[rel].cacheable for rel, _, _ in files):
        return
    shown_to_rel = {shown: rel for rel, _, shown in files}
    if series is not None:
        store.write("series", plan_id, {ref: s.record() for ref, s in series.items()})
    store.write(
        "progress",
        plan_id,
        {
            "files": {rel: results[rel].meta() for rel, _, _ in files},
            "plan_hash": plan_hash,
            "checks": [[shown_to_rel.get(p.path, p.path), p.line, p.severity, p.message] for p in checks],
        },
    )


def _valid_folder_record(record: Any) -> bool:
    """A cheap shape check (a few thousand values): what a damaged record could break."""
    try:
        return (
            isinstance(record, dict) and isinstance(record["files"], dict)
            and all(isinstance(rel, str) and _valid_meta(rec) for rel, rec in record["files"].items())
            and isinstance(record["plan_hash"], str)
            and isinstance(record["checks"], list)
            and all(isinstance(c, list) and len(c) == 4 and isinstance(c[0], str) and _valid_rows([c[1:]])
                    for c in record["checks"])
        )  # fmt: skip
    except (KeyError, TypeError):
        return False


def _cached_file(rec: dict[str, Any] | None, path: str, stats: dict[str, int]) -> FileResult | None:
    """The cached result of a file when its content is unchanged, else None."""
    if rec is None:
        return None
    try:
        st = os.stat(path, follow_symlinks=False)
    except OSError:
        return None
    key = _stat_key(st)
    if key == rec["key"] and not rec["racy"]:
        return FileResult.from_meta(rec)
    if key[0] != rec["key"][0]:
        return None
    try:
        st, data = _read(Path(path).parent, Path(path).name, st.st_size)
    except OSError:
        return None
    stats["hashed"] += 1
    if _hash(data) != rec["hash"] or len(data) != st.st_size:
        return None
    result = FileResult.from_meta(rec)
    result.key = key
    result.racy = max(st.st_mtime_ns, st.st_ctime_ns) >= time.time_ns() - RACY_NS
    return result


def _cached_plan(
    store: CacheStore | None, root: Path, rel: str, shown: str, stats: dict[str, int], config: Config
) -> tuple[PlanFile | None, list[Problem], list[Problem], str] | None:
    if store is None:
        return None
    record = store.read("plans", rel.split("/", 1)[1])
    if not (isinstance(record, dict) and _valid_meta(record)):
        return None
    if not _valid_rows(record.get("checks")):
        return None
    dump = None
    if record.get("id") is not None:
        # The plan itself is a row of its own, decoded only where it is used.
        dump = store.read("plandump", rel.split("/", 1)[1], raw=True)
        if not isinstance(record["id"], str) or dump is None:
            return None
    result = _cached_file(record, os.path.join(root, rel), stats)
    if result is None:
        return None
    plan_file = _LazyPlanFile(record["id"], dump, root, rel, shown, config) if dump is not None else None
    if result.key != record["key"] or result.racy != record["racy"]:
        store.write("plans", rel.split("/", 1)[1], {**record, "key": result.key, "racy": result.racy})
    return plan_file, _problems(shown, record["problems"]), _problems(shown, record["checks"]), record["hash"]


# --- plans in the cache: dumped and rebuilt without validating again --------------------------------
#
# pydantic validates a thousand plans of fifty indicators in 0.5 s (a Python validator per text field);
# a plan taken from the cache was validated when it was read and is protected by the checksum, so it is
# rebuilt as model_construct would, field by field from the models' own declarations, at a tenth of the
# cost. tests/test_cache.py proves the rebuilt plans equal the validated ones, fields set included.


@functools.cache
def _field_kinds(cls: type) -> dict[str, tuple[str, type | None]]:
    """Per field of a model: how to rebuild it from JSON (date, model, list of models, or as is)."""
    from pydantic import BaseModel

    def bare(tp: Any) -> Any:
        while typing.get_origin(tp) is typing.Annotated:
            tp = typing.get_args(tp)[0]
        return tp

    kinds: dict[str, tuple[str, type | None]] = {}
    for name, info in cls.model_fields.items():  # type: ignore[attr-defined]
        tp = bare(info.annotation)
        if typing.get_origin(tp) in (typing.Union, types.UnionType):
            options = [bare(a) for a in typing.get_args(tp) if a is not type(None)]
            tp = options[0] if len(options) == 1 else tp
        item = bare(typing.get_args(tp)[0]) if typing.get_origin(tp) is list else None
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            kinds[name] = ("model", tp)
        elif isinstance(item, type) and issubclass(item, BaseModel):
            kinds[name] = ("models", item)
        elif tp is dt.date:
            kinds[name] = ("date", None)
        elif item is dt.date or tp is dt.datetime:
            raise TypeError(f"{cls.__name__}.{name}: no cache encoding")
        else:
            kinds[name] = ("plain", None)
    return kinds


def dump_model(model: Any) -> list[Any]:
    """[names of the fields set, value of each field in declaration order] of a validated model."""
    names = _field_names(type(model))
    values: list[Any] = [model.__dict__[name] for name in names]
    for index, kind, _ in _special_fields(type(model)):
        value = values[index]
        if value is None:
            continue
        if kind == "date":
            values[index] = value.isoformat()
        elif kind == "model":
            values[index] = dump_model(value)
        else:
            values[index] = [dump_model(item) for item in value]
    return [sorted(model.model_fields_set), *values]


@functools.cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(_field_kinds(cls))


@functools.cache
def _special_fields(cls: type) -> tuple[tuple[int, str, type | None], ...]:
    return tuple(
        (index, kind, sub) for index, (kind, sub) in enumerate(_field_kinds(cls).values()) if kind != "plain"
    )  # fmt: skip


def rebuild_model(cls: type, record: list[Any]) -> Any:
    """The model dumped by dump_model, as model_construct would build it (no validation)."""
    names = _field_names(cls)
    if len(record) != len(names) + 1:
        raise ValueError("fields")
    values = record[1:]
    for index, kind, sub in _special_fields(cls):
        value = values[index]
        if value is None:
            continue
        if kind == "date":
            values[index] = dt.date.fromisoformat(value)
        elif kind == "model":
            values[index] = rebuild_model(sub, value)  # type: ignore[arg-type]
        else:
            values[index] = [rebuild_model(sub, item) for item in value]  # type: ignore[arg-type]
    model = cls.__new__(cls)
    object.__setattr__(model, "__dict__", dict(zip(names, values, strict=True)))
    object.__setattr__(model, "__pydantic_fields_set__", set(record[0]))
    object.__setattr__(model, "__pydantic_extra__", None)
    object.__setattr__(model, "__pydantic_private__", None)
    return model


def _parse_plan_file(
    root: Path, rel: str, shown: str, config: Config, scan_ns: int
) -> tuple[PlanFile | None, list[Problem], list[Problem], str, dict[str, Any] | None]:
    """Parse and check one plan file; also the record the cache keeps of it (None: not to be cached)."""
    from civtrack.check import check_plan
    from civtrack.load import parse_plan

    st, data = _read(root, rel, config.max_file_bytes)
    plan_file, problems = parse_plan(data, shown, config)
    checks = check_plan(plan_file) if plan_file is not None else []
    digest = _hash(data)
    record = None
    if len(data) == st.st_size and len(data) <= config.max_file_bytes:
        record = {
            "key": _stat_key(st), "hash": digest, "racy": max(st.st_mtime_ns, st.st_ctime_ns) >= scan_ns - RACY_NS,
            "problems": _rows(problems), "checks": _rows(checks),
            "plan": dump_model(plan_file.plan) if plan_file else None, "id": plan_file.plan_id if plan_file else None,
        }  # fmt: skip
    return plan_file, problems, checks, digest, record


def _forked_plan(job: tuple[str, str]) -> dict[str, Any] | None:
    """In a worker: the plan's cache record (the plan travels back as its dump), or None when it cannot
    be cached (the parent reads that one itself)."""
    state = _FORK_STATE
    rel, shown = job
    try:
        return _parse_plan_file(state["root"], rel, shown, state["config"], state["scan_ns"])[4]
    except OSError:
        return None  # the parent tries again and reports it


def _run_plans(
    root: Path, config: Config, scan_ns: int, store: CacheStore | None, todo: list[tuple[str, str]], workers: int | None
) -> Iterator[tuple[str, tuple[PlanFile | None, list[Problem], list[Problem], str] | OSError]]:
    """Parse the plan files of ``todo``: in worker processes when there are many."""
    workers = _workers(workers)
    records: list[dict[str, Any] | None] = [None] * len(todo)
    if workers > 1 and len(todo) >= PARALLEL_MIN_FILES and os.name == "posix":
        records = _pool_map(_forked_plan, todo, workers, root=root, config=config, scan_ns=scan_ns, store=store)
    for (rel, shown), record in zip(todo, records, strict=True):
        if record is None:
            try:
                plan_file, problems, checks, digest, record = _parse_plan_file(root, rel, shown, config, scan_ns)
            except OSError as exc:
                yield rel, exc
                continue
        else:
            plan = record["plan"]
            plan_file = _LazyPlanFile(record["id"], plan, root, rel, shown, config) if plan is not None else None
            problems, checks, digest = (
                _problems(shown, record["problems"]),
                _problems(shown, record["checks"]),
                record["hash"],
            )
        if record is not None and store is not None:
            name = rel.split("/", 1)[1]
            store.write("plans", name, {key: value for key, value in record.items() if key != "plan"})
            if record["plan"] is not None:
                store.write("plandump", name, record["plan"])
        yield rel, (plan_file, problems, checks, digest)


def _workers(workers: int | None) -> int:
    from civtrack.parallel import workers as default_workers

    return default_workers() if workers is None else workers


def _pool_map(func: Any, items: list[Any], workers: int, **state: Any) -> list[Any]:
    """func over items in forked worker processes (which inherit ``state``), in order."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    store = state.get("store")
    if store is not None:
        store.close()  # each process opens its own connection
    _FORK_STATE.update(state)
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            # Small chunks, so that both workers stay busy to the end.
            return list(pool.map(func, items, chunksize=max(1, min(16, len(items) // (workers * 8)))))
    finally:
        _FORK_STATE.clear()


class _LazyPlanFile(PlanFile):
    """A plan file whose plan comes from the cache, built on first use: `check` never builds one, and
    `status` builds each in the process that lays it out. Its document is read again only when a line
    is asked for."""

    def __init__(self, plan_id: str, dump: list[Any] | bytes, root: Path, rel: str, shown: str, config: Config):
        self.path = shown
        self.doc = _LazyDocument(root / rel, shown)  # type: ignore[assignment]
        self._plan_id = plan_id
        self._dump: list[Any] | bytes | None = dump
        self._built: Plan | None = None
        self._source = (root, rel, config)

    @property  # type: ignore[override]
    def plan(self) -> Plan:
        if self._built is None:
            from civtrack.model import Plan

            try:
                dump = orjson.loads(self._dump) if isinstance(self._dump, bytes) else self._dump
                self._built = rebuild_model(Plan, dump)  # type: ignore[arg-type]
            except (KeyError, TypeError, ValueError, AttributeError, IndexError):
                self._built = self._read_again()
            self._dump = None
        return self._built

    @plan.setter
    def plan(self, value: Plan) -> None:
        self._built = value

    @property
    def plan_id(self) -> str:
        return self._plan_id

    def _read_again(self) -> Plan:
        """A checksummed dump that does not rebuild (forged?): the file, read by the reference."""
        from civtrack.load import parse_plan

        root, rel, config = self._source
        plan_file, _ = parse_plan((root / rel).read_bytes(), self.path, config)
        if plan_file is None or plan_file.plan.id != self._plan_id:
            raise InputError(error(self.path, None, "plan file changed while civtrack read it: run again"))
        return plan_file.plan


class _LazyDocument:
    """The document of a plan taken from the cache: read again (reference reader) only when a line or
    the raw value is asked for, e.g. to place a problem found later."""

    def __init__(self, path: Path, shown: str):
        self._path = path
        self._shown = shown
        self._doc: Any = None

    def _load(self) -> Any:
        if self._doc is None:
            from civtrack import yamlsafe

            try:
                self._doc = yamlsafe.load_file(str(self._path), display=self._shown)
            except Exception:  # noqa: BLE001 - the file changed since: no lines rather than a crash
                self._doc = yamlsafe.Document(None, {})
        return self._doc

    @property
    def value(self) -> Any:
        return self._load().value

    @property
    def lines(self) -> dict:
        return self._load().lines

    def line(self, path: tuple) -> int | None:
        return self._load().line(path)


class _ListingSource(DiskSource):
    """DiskSource listing each folder once (load() and the snapshot both ask)."""

    def __init__(self, root: Path):
        super().__init__(root)
        self._listed: dict[str, list[str]] = {}
        self._shown: dict[str, str] = {}
        self._root = root.resolve()
        try:
            inside = self._root.relative_to(Path.cwd().resolve()).as_posix()
            self._prefix: str | None = "" if inside == "." else inside + "/"
        except ValueError:
            self._prefix = None

    def files(self, folder: str) -> list[str]:
        if folder not in self._listed:
            self._listed[folder] = super().files(folder)
        return self._listed[folder]

    def display(self, relpath: str) -> str:
        # display_path resolves each path: too slow for a hundred thousand files. The root is resolved
        # and relpath has no links or '..' (os.walk without following links): the same result.
        shown = self._shown.get(relpath)
        if shown is None:
            from civtrack.yamlsafe import shown as escaped

            path = self._prefix + relpath if self._prefix is not None else str(self._root / relpath)
            shown = self._shown[relpath] = escaped(path, limit=4096)
        return shown


def full_repository(snapshot: Snapshot) -> Repository:
    """The reference Repository (every entry kept) with the snapshot's plans and problems."""
    from civtrack.load import load_disk

    repo = load_disk(snapshot.root, snapshot.config)
    return Repository(plans=snapshot.plans, entries=repo.entries, problems=snapshot.problems)
