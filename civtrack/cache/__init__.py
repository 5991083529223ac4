"""Opening a repository fast: a per-file cache, parallel parsing and per-indicator series.

civtrack.load.load reads every file and keeps every entry; that is the reference, and what commands that
need the entries themselves use. `status`, `check` and `report` need much less: the plans, every problem,
and for each indicator or part what its entries add up to at a date. This package gives them exactly
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

Modules, one job each (code outside the package imports only from here):

* ``store``: the SQLite row store and its checksums (``CacheStore``);
* ``rows``: what the rows hold, their encoding and shape checks (``FileResult``, ``dump_model``,
  ``rebuild_model``, ``_valid_*``, light entries);
* ``files``: one file read, parsed or taken from the cache; plans from the cache, built lazily;
* ``series``: per-reference series and timelines (``Series``, ``SeriesTimeline``);
* ``folders``: plan files and changed progress folders redone, in forked workers when worth it;
* ``snapshot``: ``open_snapshot`` and the ``Snapshot`` it returns;
* ``statuses``: plans kept as evaluated at an as-of date, read back by `status` run again at that date
  (imported where used: it needs compute and supervision, which opening a repository does not).
"""

from __future__ import annotations

from civtrack.cache.rows import dump_model, rebuild_model
from civtrack.cache.series import Series, SeriesTimeline
from civtrack.cache.snapshot import Snapshot, full_repository, open_snapshot
from civtrack.cache.store import CACHE_DIR, DB_NAME, FORMAT, CacheStore

__all__ = [
    "CACHE_DIR", "DB_NAME", "FORMAT", "CacheStore", "Series", "SeriesTimeline", "Snapshot",
    "dump_model", "full_repository", "open_snapshot", "rebuild_model",
]  # fmt: skip
