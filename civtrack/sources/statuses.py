"""A source's plans as evaluated at one as-of date (rules 1–13), kept by commit id.

A source's plan at a commit evaluates the same at the same as-of date under the same settings: its
plan and its entries are the commit's, which never changes. So `status --source/--all-sources` keeps
what it evaluated in ``<clone>/civtrack-cache/statuses-<commit>/<plan>.json``, and a second run at that
date (the same day, for a run without --as-of) lays the tables out without building the plans, their
ledgers or their statuses: for a province of 100 sources of 10,000 entries, what is read back costs a
quarter of what it replaces (docs/performance.md).

- One as-of date per plan, the last evaluated, and one commit per source, the last used: another date
  is evaluated and replaces it, and the first plan kept at a newly fetched commit removes the folders of
  the others. So the cache holds at most one file per plan of each source.
- The key (``stamp``) is this format, civtrack's version (and the size and time of the modules that
  evaluate), the as-of date and every setting the statuses depend on (pace_tolerance, due_soon_days,
  stale_days, max_file_bytes): a file under another key is evaluated again.
- Not kept: a plan with a `from:` of its own (its figures follow other sources' commits, not only its
  own), and a status holding a number JSON cannot write (inf, NaN: it would come back as null).
- The file is a JSON header line (the stamp and the payload's BLAKE2b digest), then the payload
  (orjson, never pickle); it is written whole or not at all (a temporary file renamed). A file that
  does not match its digest, or does not decode, is evaluated again: never trusted, never a traceback.
- A folder that cannot be written is left alone: the plans are evaluated each time, as before.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import math
import os
import shutil
import sys
from collections.abc import Callable, Iterable, Sequence
from itertools import repeat
from operator import attrgetter
from pathlib import Path
from typing import Any

import orjson

from civtrack import __version__
from civtrack.compute import STATES, PlanStatus, Status, _new_status
from civtrack.supervision import Watch, _new_watch
from civtrack.workspace import Config

FORMAT = 1


def kept_statuses(
    settled: dict[str, tuple[Path, str, str]],
    plan_ids: Sequence[str],
    as_of: dt.date,
    config: Config,
    evaluate: Callable[[list[str]], list[PlanStatus]],
) -> list[PlanStatus]:
    """The statuses of ``plan_ids`` at ``as_of``, in order (as ``evaluate`` gives them, watches filled):
    those of ``settled`` plans (id → the source's clone, the commit in use, the plan's own id) read
    back where kept; the others evaluated, and the settled ones among them kept."""
    stamp = [FORMAT, __version__, _code(), as_of.isoformat(), config.pace_tolerance, config.due_soon_days,
             config.stale_days, config.max_file_bytes]  # fmt: skip
    found: dict[str, PlanStatus] = {}
    for plan_id in plan_ids:
        where = settled.get(plan_id)
        if where is not None:
            status = _read(_path(*where), stamp, plan_id, as_of)
            if status is not None:
                found[plan_id] = status
    missing = [plan_id for plan_id in plan_ids if plan_id not in found]
    if missing:
        for plan_id, status in zip(missing, evaluate(missing), strict=True):
            found[plan_id] = status
            where = settled.get(plan_id)
            if where is not None:
                _keep(_path(*where), stamp, status)
    return [found[plan_id] for plan_id in plan_ids]


@functools.cache
def _code() -> str:
    """The size and time of the modules that evaluate (rules 1–13, the ledger at a date, this file): a
    working copy of civtrack changed without a new version number evaluates again too."""
    from civtrack import compute, supervision
    from civtrack.cache import series, snapshot

    try:
        stats = [
            os.stat(module.__file__ or "") for module in (compute, supervision, series, snapshot, sys.modules[__name__])
        ]
    except OSError:  # not run from files (a frozen build): its version says it all
        return ""
    return ",".join(f"{stat.st_size}:{stat.st_mtime_ns}" for stat in stats)


def _path(folder: Path, commit: str, own: str) -> Path:
    return folder / "civtrack-cache" / f"statuses-{commit}" / f"{own}.json"


def _digest(payload: bytes) -> str:
    return hashlib.blake2b(payload, digest_size=16).hexdigest()


# --- writing ---------------------------------------------------------------------------------------


def _keep(path: Path, stamp: list[Any], plan: PlanStatus) -> None:
    payload = _encoded(plan)
    if payload is None:
        return
    header = orjson.dumps({"stamp": stamp, "digest": _digest(payload)})
    try:
        if not path.parent.is_dir():  # the first of a newly fetched commit: the older commits' go
            for older in path.parent.parent.glob("statuses-*"):
                if older != path.parent:  # made meanwhile by another process (a share of the same run)
                    shutil.rmtree(older, ignore_errors=True)
            path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(header + b"\n" + payload)
        # Renamed over an existing file, ext4 starts writing the new one out (auto_da_alloc): for a
        # thousand plans, twice the time of removing the old one first. (Meanwhile a reader finds none.)
        path.unlink(missing_ok=True)
        os.replace(tmp, path)
    except OSError:
        pass


# Status fields kept as they are (the rest: start and due as ordinals, parts as the counts in "sizes").
_FIELDS = tuple(name for name in Status.__slots__ if name not in ("start", "due", "parts"))
_NUMBERS = ("baseline", "target", "current", "completion", "expected", "weight")
_WATCH_FIELDS = ("owner", "projected", "projected_completion", "alert", "stale")


def _columns(statuses: Sequence[Status]) -> dict[str, list[Any]]:
    columns = {name: list(map(attrgetter(name), statuses)) for name in _FIELDS}
    columns["start"] = [status.start.toordinal() for status in statuses]
    columns["due"] = [status.due.toordinal() for status in statuses]
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
    watches = {name: list(map(attrgetter(name), seen)) for name in _WATCH_FIELDS}
    watches["ref"] = refs
    watches["eta"] = [None if watch.eta is None else watch.eta.toordinal() for watch in seen]
    watches["last_entry"] = [None if watch.last_entry is None else watch.last_entry.toordinal() for watch in seen]
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


def _read(path: Path, stamp: list[Any], plan_id: str, as_of: dt.date) -> PlanStatus | None:
    try:
        data = path.read_bytes()
    except OSError:
        return None
    header, _, payload = data.partition(b"\n")
    try:
        kept = orjson.loads(header)
        if not isinstance(kept, dict) or kept.get("stamp") != stamp or kept.get("digest") != _digest(payload):
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
