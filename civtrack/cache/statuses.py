"""Plans kept as evaluated at one as-of date (rules 1–13), read back when `status` runs again at that date.

A plan evaluates the same at the same as-of date under the same settings when what it is evaluated from
has not changed. So `status` (every format but Markdown, which shows no rule 10–13) keeps each plan as it
evaluated it, and a second run at that date (the same day, for a run without --as-of) reads it back
instead of building the plan, its ledger and its statuses: for a thousand plans of a million entries,
what is read back costs a quarter of what it replaces (docs/performance.md). Two kinds of plan, each
kept under a key that changes whenever what it is evaluated from does:

- a plan of this repository (``local_places``), by the content hash of its plan file and of each of its
  month files, as the cache validated them when the repository was opened (civtrack.cache.snapshot), in
  ``.civtrack/cache/statuses/<plan>/<as-of>.json``. Not kept: a plan with a month file that has a problem (its
  hash is not kept), a plan with a `from:` (its figures follow other repositories: civtrack.sources),
  and nothing at all without the cache (CIVTRACK_NO_CACHE) or its key;
- a source's plan (civtrack.sources), by the commit it is read at, which never changes, in
  ``<clone>/civtrack-cache/statuses-<commit>/<plan>/<as-of>.json`` (``source_place``; ``prune_commits`` removes
  the other commits' folders). Not kept: a source's plan with a `from:` of its own.

How it is kept:

- A file per plan and as-of date, the last KEPT_DATES dates written (`status` today and at the end of
  last month, say): so a plan takes at most three files (about 25 kB each for 50 indicators).
- The key (``stamp``) is this format, civtrack's version (and the size and time of its modules: a
  working copy changed without a new version evaluates again), the plan's key, the as-of date and every
  setting the statuses depend on (pace_tolerance, due_soon_days, stale_days, max_file_bytes).
- The file is a JSON header line (the stamp and a MAC), then the payload (orjson, never pickle), written
  whole or not at all (a temporary file renamed). The MAC is keyed BLAKE2b over the stamp and the
  payload with this user's cache key (civtrack.cache.store: outside every repository), so a file from
  elsewhere, or forged, is not trusted (issue 18, D4); without a key nothing is kept or read.
- A file under another stamp, with another MAC, or that does not decode, is evaluated again: never a
  traceback. A status holding a number JSON cannot write (inf, NaN, an integer over 64 bits) is not kept.
- A folder that cannot be written, or is not a real folder, is left alone: the plans are evaluated each
  time, as before.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import math
import os
import shutil
import stat
from collections.abc import Callable, Iterable, Mapping, Sequence
from itertools import repeat
from operator import attrgetter
from pathlib import Path
from typing import Any, NamedTuple

import orjson

from civtrack import __version__
from civtrack.cache.store import CACHE_DIR, cache_key, mac, safe_cache_folder
from civtrack.compute import STATES, PlanStatus, Status, _new_status
from civtrack.supervision import Watch, _new_watch
from civtrack.wholefile import keep_newest, write_whole
from civtrack.workspace import Config

FORMAT = 1


class Place(NamedTuple):
    """Where a plan is kept, and the key of what it is evaluated from: one file per as-of date in the
    folders ``within`` a real folder ``base`` (made one by one, each a real folder: never written through
    a link, issue 18, D6)."""

    base: Path
    within: tuple[str, ...]
    key: str

    def file(self, name: str) -> Path:
        return self.base.joinpath(*self.within, name)


# As-of dates kept per plan: those written last (`status` today and at the end of last month, say).
KEPT_DATES = 3


def kept_statuses(
    places: Mapping[str, Place],
    plan_ids: Sequence[str],
    as_of: dt.date,
    config: Config,
    evaluate: Callable[[list[str]], list[PlanStatus]],
) -> list[PlanStatus]:
    """The statuses of ``plan_ids`` at ``as_of``, in order (as ``evaluate`` gives them, watches filled):
    those with a place read back where kept under the same stamp; the others evaluated, and those with
    a place kept."""
    key = cache_key()
    if key is None:
        return evaluate(list(plan_ids))
    settings = [as_of.isoformat(), config.pace_tolerance, config.due_soon_days, config.stale_days,
                config.max_file_bytes]  # fmt: skip
    stamps = {plan_id: [FORMAT, __version__, _code(), places[plan_id].key, *settings]
              for plan_id in plan_ids if plan_id in places}  # fmt: skip
    day = f"{as_of.isoformat()}.json"
    found: dict[str, PlanStatus] = {}
    for plan_id, stamp in stamps.items():
        status = _read(places[plan_id].file(day), stamp, key, plan_id, as_of)
        if status is not None:
            found[plan_id] = status
    missing = [plan_id for plan_id in plan_ids if plan_id not in found]
    if missing:
        for plan_id, status in zip(missing, evaluate(missing), strict=True):
            found[plan_id] = status
            if plan_id in stamps:
                _keep(places[plan_id], day, stamps[plan_id], key, status)
    return [found[plan_id] for plan_id in plan_ids]


def local_places(
    root: Path, plan_hashes: Mapping[str, str], files: Mapping[str, list[tuple[str, str, str]]],
    file_hashes: Mapping[str, tuple[str, int]],
) -> dict[str, Place]:  # fmt: skip
    """Where each plan of this repository is kept, and its key: the hash of its plan file and of each of
    its month files (by name, in load order); none for a plan with a month file without a hash (one that
    has a problem), and none at all when the cache folder is not a real folder."""
    if not plan_hashes or safe_cache_folder(root, create=False) is None:
        return {}
    base = root / CACHE_DIR
    places = {}
    for plan_id, plan_hash in plan_hashes.items():
        digest = hashlib.blake2b(plan_hash.encode(), digest_size=16)
        for rel, _, _ in files.get(plan_id, ()):
            known = file_hashes.get(rel)
            if known is None:
                break
            digest.update(f"\0{rel}\0{known[0]}".encode("utf-8", "surrogatepass"))
        else:
            places[plan_id] = Place(base, ("statuses", plan_id), digest.hexdigest())
    return places


def source_place(folder: Path, commit: str, own: str) -> Place:
    """Where a source's plan (``own``, its id there) is kept at a commit, and its key: the commit."""
    return Place(folder, ("civtrack-cache", f"statuses-{commit}", own), commit)


def prune_commits(folder: Path, commit: str) -> None:
    """The kept plans of a source's other commits removed (a source is shown at one commit at a time);
    nothing when the clone or its cache folder is not a real folder (never through a link: D6)."""
    cache = folder / "civtrack-cache"
    try:
        if not (stat.S_ISDIR(os.lstat(folder).st_mode) and stat.S_ISDIR(os.lstat(cache).st_mode)):
            return
    except OSError:
        return
    for older in cache.glob("statuses-*"):
        if older.name != f"statuses-{commit}":
            shutil.rmtree(older, ignore_errors=True)  # a link among them: refused by rmtree, left alone


@functools.cache
def _code() -> str:
    """A digest of civtrack's files (each one's path, size and time, civtrack.helpcache.fingerprint): a
    working copy changed without a new version number evaluates again. (Not run from files, a frozen
    build: its version says it all.)"""
    from civtrack.helpcache import fingerprint

    try:
        files = fingerprint(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    except OSError:
        return ""
    return hashlib.blake2b(repr(files).encode(), digest_size=8).hexdigest()


def _mac(key: bytes, stamp: list[Any], payload: bytes) -> str:
    return mac(key, "statuses", orjson.dumps(stamp).decode(), payload)


# --- writing ---------------------------------------------------------------------------------------


def _keep(place: Place, name: str, stamp: list[Any], key: bytes, plan: PlanStatus) -> None:
    payload = _encoded(plan)
    if payload is None:
        return
    header = orjson.dumps({"stamp": stamp, "mac": _mac(key, stamp, payload)})
    try:
        folder = _real_folder(place)
        if folder is not None:
            write_whole(folder / name, header + b"\n" + payload)
            keep_newest(folder, KEPT_DATES, ".json")
    except OSError:
        pass


def _real_folder(place: Place) -> Path | None:
    """The plan's folder, made one level at a time under ``place.base``; None when any of them, or the
    base, is not a real folder (a link, a file)."""
    folder = place.base
    if not stat.S_ISDIR(os.lstat(folder).st_mode):
        return None
    for part in place.within:
        folder = folder / part
        try:
            folder.mkdir()  # never through a link: mkdir fails on one, even a dangling one
        except FileExistsError:
            pass
        if not stat.S_ISDIR(os.lstat(folder).st_mode):
            return None
    return folder


# Status fields kept as they are (the rest: start and due as ordinals, parts as the counts in "sizes").
_FIELDS = tuple(name for name in Status.__slots__ if name not in ("start", "due", "parts"))
_NUMBERS = ("baseline", "target", "current", "completion", "expected", "weight")


_FIELDS_OF = attrgetter(*_FIELDS, "start", "due")
_ordinal = dt.date.toordinal


def _columns(statuses: Sequence[Status]) -> dict[str, list[Any]]:
    """The statuses' fields as columns (each status's read at once, then turned: half the time of a pass
    per field)."""
    turned = list(zip(*map(_FIELDS_OF, statuses), strict=True)) or [()] * (len(_FIELDS) + 2)
    columns = dict(zip(_FIELDS, map(list, turned), strict=False))
    columns["start"] = list(map(_ordinal, turned[-2]))
    columns["due"] = list(map(_ordinal, turned[-1]))
    return columns


def _finite(columns: Iterable[list[Any]]) -> bool:
    """Whether every number of these columns is finite: a column's sum is when each is (inf and NaN
    propagate); a sum that overflows says no too, and the plan is then evaluated each time."""
    try:
        return all(math.isfinite(sum(filter(None, column))) for column in columns)
    except OverflowError:  # an int too large for a float
        return False


def _encoded(plan: PlanStatus) -> bytes | None:
    """The plan's payload (its indicators and, apart, their parts, as columns), or None when a number
    in it is not finite or too large (JSON has no inf or NaN; orjson takes 64-bit integers)."""
    parts = [part for status in plan.indicators for part in status.parts]
    indicators, flat_parts = _columns(plan.indicators), _columns(parts)
    refs = list(plan.watches)
    seen = list(plan.watches.values())
    turned = list(zip(*seen, strict=True)) or [()] * len(Watch._fields)
    watches = dict(zip(Watch._fields, map(list, turned), strict=True))
    watches["ref"] = refs
    for name in ("eta", "last_entry"):
        watches[name] = [None if day is None else _ordinal(day) for day in watches[name]]
    numbers = [[plan.completion], watches["projected"], watches["projected_completion"]]
    if not _finite([*numbers, *(cols[name] for cols in (indicators, flat_parts) for name in _NUMBERS)]):
        return None
    head = [plan.title, plan.organization, plan.start.toordinal(), plan.end.toordinal(), plan.completion,
            [plan.counts[state] for state in STATES]]  # fmt: skip
    record = {"plan": head, "indicators": indicators, "sizes": [len(status.parts) for status in plan.indicators],
              "parts": flat_parts, "watches": watches}  # fmt: skip
    try:
        return orjson.dumps(record)
    except orjson.JSONEncodeError:
        return None


# --- reading ---------------------------------------------------------------------------------------


def _read(path: Path, stamp: list[Any], key: bytes, plan_id: str, as_of: dt.date) -> PlanStatus | None:
    try:
        data = path.read_bytes()
    except OSError:
        return None
    header, _, payload = data.partition(b"\n")
    try:
        kept = orjson.loads(header)
        if not isinstance(kept, dict) or kept.get("stamp") != stamp or kept.get("mac") != _mac(key, stamp, payload):
            return None
        return _decoded(orjson.loads(payload), plan_id, as_of)
    except (ValueError, TypeError, KeyError, IndexError, AttributeError):
        return None


def _decoded(record: dict[str, Any], plan_id: str, as_of: dt.date) -> PlanStatus:
    """The PlanStatus of a payload (under ``plan_id``: the id this repository shows it by)."""
    day = dt.date.fromordinal
    parts = _statuses(record["parts"], repeat(()))
    sizes = record["sizes"]
    if sum(sizes) != len(parts):
        raise ValueError("sizes")
    grouped, at = [], 0
    for size in sizes:
        grouped.append(tuple(parts[at : at + size]))
        at += size
    indicators = _statuses(record["indicators"], grouped)
    cols = record["watches"]
    dates = [[None if value is None else day(value) for value in cols[name]] for name in ("eta", "last_entry")]
    rows = zip(cols["owner"], cols["projected"], cols["projected_completion"], *dates[:1], cols["alert"],
               dates[1], cols["stale"], strict=True)  # fmt: skip
    watches: dict[str, Watch] = dict(zip(cols["ref"], map(_new_watch, rows), strict=True))
    title, organization, start, end, completion, counts = record["plan"]
    return PlanStatus(
        plan_id, title, organization, day(start), day(end), as_of, completion, dict(zip(STATES, counts, strict=True)),
        tuple(indicators), watches,
    )  # fmt: skip


def _statuses(columns: dict[str, list[Any]], parts: Iterable[tuple[Status, ...]]) -> list[Status]:
    """Statuses from their columns (_columns), each with its parts from ``parts``."""
    day = dt.date.fromordinal
    given = [columns[name] for name in _FIELDS]
    if len({len(column) for column in (*given, columns["start"], columns["due"])}) > 1:
        raise ValueError("columns")
    (ids, refs, names, kinds, sections, units, comparators, baselines, targets, currents, completions, states,
     expected, weights, entries, owners) = given  # fmt: skip
    starts, dues = map(day, columns["start"]), map(day, columns["due"])
    return list(map(
        _new_status, ids, refs, names, kinds, sections, units, comparators, baselines, targets, currents,
        completions, starts, dues, states, expected, weights, entries, owners, parts,
    ))  # fmt: skip
