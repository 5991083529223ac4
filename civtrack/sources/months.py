"""The entries a source's plan recorded in some months (`report --source/--all-sources` lists them), read
from its month files at the commit in use and kept by commit id.

A commit never changes, so what a month file gave (its entries as the cache's columns, and how many
entries and problems it counted) is kept in ``<clone>/civtrack-cache/entries-<commit>/<plan>-<YYYY-MM>.json``
(orjson, never pickle; with civtrack's version and the size limit it was read under, else read again),
and a month without a file is kept as such: a second report of the month runs no git and parses nothing.
A file that does not decode or check is read again from git. The source's own problems are not this
repository's (they are its SRC13 notice): its good entries are listed.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson

from civtrack import __version__
from civtrack.cache.rows import _valid_cols, entries_of_columns
from civtrack.load import MONTH_FILE, EntryAt
from civtrack.loadcols import parse_columns
from civtrack.wholefile import write_whole
from civtrack.workspace import PROGRESS_DIR, Config

FORMAT = 1


def month_entries(
    folder: Path,
    commit: str,
    own: str,
    plan_id: str,
    months: list[str] | None,
    config: Config,
    tree: Callable[[], Any],
) -> list[EntryAt]:
    """The entries of the source's plan ``own`` (listed under ``plan_id``) in ``months`` ("YYYY-MM"; all
    when None), in file order, ``seq`` counted from the first file read as Snapshot.entries counts it.
    ``tree`` gives the source's files at ``commit`` (a civtrack.git.GitSource), asked for only on a miss."""
    stamp = [FORMAT, __version__, config.max_file_bytes]
    if months is None:
        prefix = f"{PROGRESS_DIR}/{own}/"
        found = [rel[len(prefix) : -len(".yaml")] for rel in tree().files(prefix) if _month_of(rel, own)]
        months = sorted(found)
    out: list[EntryAt] = []
    seq = 0
    for month in months:
        path = folder / "civtrack-cache" / f"entries-{commit}" / f"{own}-{month}.json"
        kept = _kept(path, stamp)
        if kept is None:
            kept = _read(tree(), own, month, config)
            _keep(path, {"stamp": stamp, **kept})
        shown, counted, cols = kept["shown"], kept["counted"], kept["cols"]
        if cols is None:  # no file for the month
            continue
        out += entries_of_columns(cols, plan_id, shown, month, seq)
        seq += counted
    return out


def _month_of(rel: str, own: str) -> bool:
    parts = rel.split("/")
    return len(parts) == 3 and parts[1] == own and MONTH_FILE.match(parts[2]) is not None


def _read(tree: Any, own: str, month: str, config: Config) -> dict[str, Any]:
    """What the month file gives, as kept: its name as shown, the entries and problems it counts (the
    ``seq`` the next file starts from), the entries' columns (None: no such file)."""
    rel = f"{PROGRESS_DIR}/{own}/{month}.yaml"
    shown = tree.display(rel)
    if not tree.exists(rel):
        return {"shown": shown, "counted": 0, "cols": None}
    cols, problems = parse_columns(tree.read(rel, config.max_file_bytes), shown, own, month, config)
    return {"shown": shown, "counted": len(cols[0]) + len(problems), "cols": cols}


def _kept(path: Path, stamp: list[Any]) -> dict[str, Any] | None:
    try:
        record = orjson.loads(path.read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return None
    if not isinstance(record, dict) or record.get("stamp") != stamp:
        return None
    shown, counted, cols = record.get("shown"), record.get("counted"), record.get("cols", 0)
    if not isinstance(shown, str) or type(counted) is not int:
        return None
    if cols is None:
        return record if counted == 0 else None
    return record if _valid_cols(cols, len(cols[0]) if cols else -1) and counted >= len(cols[0]) else None


def _keep(path: Path, record: dict[str, Any]) -> None:
    """Written whole or not at all (civtrack.wholefile); a folder that cannot be written is left alone:
    the month is read from git again next time."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_whole(path, orjson.dumps(record))
    except OSError:
        pass
