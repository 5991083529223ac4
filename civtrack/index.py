"""Opening a repository fast: a per-file cache, parallel parsing and per-indicator series.

civtrack.load.load reads every file and keeps every entry; that is the reference, and what commands that
need the entries themselves use. `status`, `check` and `report` need much less: the plans, every problem,
and for each indicator or part what its entries add up to at a date. This module gives them exactly
that, identical to load + check_repository + compute.fold (tests/test_cache.py proves it), and fast:

* **Cache.** For each plan file and each progress file, what reading it gave (the plan, the problems,
  the entries reduced to the columns that the checks and the ledger need) is kept in
  ``.civtrack/cache/`` (git-ignored), one JSON file per plan and per progress folder, never pickle. A file
  is taken from the cache when its size, mtime_ns, ctime_ns and inode are those recorded, and it was
  not *racy* (changed within two seconds of being read: a same-size rewrite within the clock's
  resolution would otherwise go unseen, as in git). When only the size matches, the content's BLAKE2b
  hash decides (a `touch`, a copy, a checkout of the same content: no re-parse). The checks of a folder's
  entries also depend on its plan: they are kept with the plan file's hash and redone when it changes.
  Each cache file carries a format version, the settings it was made under and a BLAKE2b checksum of its
  body: a corrupt, truncated or tampered file (or one of another version) is ignored and rebuilt.
* **Parallel parsing.** Files that must be read are parsed in worker processes, one per core, when
  there are enough of them to pay for the processes.
* **Series.** Per plan and reference, the days that have entries, with running totals, counts and last
  values, so that the ledger at any as-of date is one bisection per reference (``Snapshot.ledger_at``),
  whatever the number of entries.
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import json
import os
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from civtrack import __version__
from civtrack.errors import Problem
from civtrack.load import MONTH_FILE, DiskSource, EntryAt, PlanFile, Repository, load
from civtrack.workspace import PLANS_DIR, PROGRESS_DIR, Config

CACHE_DIR = ".civtrack/cache"
FORMAT = 1
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
    """JSON files under .civtrack/cache/: a header line (format, settings, checksum), then the body."""

    def __init__(self, root: Path, config: Config):
        self.folder = root / CACHE_DIR / f"v{FORMAT}"
        self.stamp = {"format": FORMAT, "civtrack": __version__, "max_file_bytes": config.max_file_bytes}
        self.rebuilt: list[str] = []  # cache files found corrupt or tampered (for tests and --verbose)

    def _path(self, kind: str, name: str) -> Path:
        return self.folder / kind / f"{name}.json"

    def read(self, kind: str, name: str) -> Any | None:
        path = self._path(kind, name)
        try:
            data = path.read_bytes()
        except OSError:
            return None
        header, _, body = data.partition(b"\n")
        try:
            meta = json.loads(header)
            if not isinstance(meta, dict) or meta.get("stamp") != self.stamp:
                return None  # another version or other settings: not an error, just not usable
            if meta.get("blake2b") != _hash(body):
                raise ValueError("checksum")
            return json.loads(body)
        except ValueError:
            self.rebuilt.append(f"{kind}/{name}")
            return None

    def write(self, kind: str, name: str, body: Any) -> None:
        """Write atomically (a reader sees the old file or the new one); a cache that cannot be written
        is only a slower next run."""
        data = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        header = json.dumps({"stamp": self.stamp, "blake2b": _hash(data)}).encode("utf-8")
        path = self._path(kind, name)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_bytes(header + b"\n" + data)
            os.replace(tmp, path)
        except OSError:
            try:
                tmp.unlink()
            except OSError:
                pass


# --- what one file gives -------------------------------------------------------------------------


@dataclass
class FileResult:
    """What reading one progress file gave, in a form the cache can hold."""

    key: list[int]
    hash: str
    racy: bool
    problems: list[ProblemRow]
    # One column per field, one row per valid entry, in file order.
    lines: list[int] = field(default_factory=list)
    refs: list[str] = field(default_factory=list)
    dates: list[int] = field(default_factory=list)  # proleptic ordinals
    values: list[Any] = field(default_factory=list)
    dones: list[bool | None] = field(default_factory=list)
    units: list[str | None] = field(default_factory=list)
    cacheable: bool = True

    def record(self) -> dict[str, Any]:
        return {
            "key": self.key, "hash": self.hash, "racy": self.racy, "problems": self.problems,
            "cols": [self.lines, self.refs, self.dates, self.values, self.dones, self.units],
        }  # fmt: skip

    @classmethod
    def from_record(cls, rec: dict[str, Any]) -> FileResult:
        lines, refs, dates, values, dones, units = rec["cols"]
        return cls(rec["key"], rec["hash"], rec["racy"], rec["problems"], lines, refs, dates, values, dones, units)

    @property
    def count(self) -> int:
        return len(self.lines)


def _valid_file_record(rec: Any) -> bool:
    """Shape check of a cached file record, so that a forged one cannot crash the run."""
    try:
        cols = rec["cols"]
        ok = (
            isinstance(rec["key"], list) and len(rec["key"]) == 4 and all(type(k) is int for k in rec["key"])
            and isinstance(rec["hash"], str) and isinstance(rec["racy"], bool)
            and _valid_rows(rec["problems"]) and isinstance(cols, list) and len(cols) == 6
            and all(isinstance(c, list) and len(c) == len(cols[0]) for c in cols)
        )  # fmt: skip
        if not ok:
            return False
        lines, refs, dates, values, dones, units = cols
        return (
            all(type(x) is int for x in lines) and all(isinstance(x, str) for x in refs)
            and all(type(x) is int and 0 < x < 3_652_060 for x in dates)
            and all(x is None or (type(x) in (int, float)) for x in values)
            and all(x is None or type(x) is bool for x in dones) and all(x is None or isinstance(x, str) for x in units)
        )  # fmt: skip
    except (KeyError, TypeError):
        return False


def _valid_rows(rows: Any) -> bool:
    return isinstance(rows, list) and all(
        isinstance(r, list) and len(r) == 3 and (r[0] is None or type(r[0]) is int) and r[1] in ("error", "warning")
        and isinstance(r[2], str)
        for r in rows
    )  # fmt: skip


def parse_progress_file(
    root: Path, rel: str, shown: str, plan_id: str, month: str, config: Config, scan_ns: int
) -> FileResult:
    """Read and parse one progress file (in a worker process or not) into a FileResult."""
    from civtrack.load import parse_progress

    path = root / rel
    st = os.stat(path)
    with open(path, "rb") as handle:
        data = handle.read(config.max_file_bytes + 1)
    entries, problems = parse_progress(data, shown, plan_id, month, config)
    result = FileResult(
        _stat_key(st), _hash(data), max(st.st_mtime_ns, st.st_ctime_ns) >= scan_ns - RACY_NS, _rows(problems)
    )
    # A file that grew while it was read (or one above the size limit) is not cached.
    result.cacheable = len(data) == st.st_size and len(data) <= config.max_file_bytes
    for item in entries:
        entry = item.entry
        result.lines.append(item.line)
        result.refs.append(entry.indicator)
        result.dates.append(entry.date.toordinal())
        result.values.append(entry.value)
        result.dones.append(entry.done)
        result.units.append(entry.unit)
    return result


def _parse_batch(root: Path, jobs: list[tuple[str, str, str, str]], config: Config, scan_ns: int) -> list[Any]:
    out: list[Any] = []
    for rel, shown, plan_id, month in jobs:
        try:
            out.append(parse_progress_file(root, rel, shown, plan_id, month, config, scan_ns))
        except OSError as exc:
            out.append(exc)
    return out


# --- series: what the entries of a reference add up to, day by day --------------------------------


@dataclass(slots=True)
class Series:
    """The days of one reference in the order the ledger first saw them, with the Day values.

    When the days are in date order (the usual case: monthly files, appended in time), ``total``,
    ``count``, ``last`` and ``done`` are running values, so that the state at a date is one bisection;
    else they are per day and the state at a date is summed in the ledger's order (the same float
    additions as compute._sum_until, so the same result to the last bit).
    """

    dates: list[int]
    total: list[Any]
    count: list[int]
    last: list[Any]
    done: list[bool | None]
    running: bool

    @classmethod
    def from_days(cls, days: dict[dt.date, Any]) -> Series:
        ordinals = [d.toordinal() for d in days]
        running = all(a < b for a, b in zip(ordinals, ordinals[1:], strict=False))
        values = list(days.values())
        if not running:
            return cls(ordinals, [v.total for v in values], [v.count for v in values],
                       [v.last for v in values], [v.done for v in values], False)  # fmt: skip
        total: Any = 0
        count = 0
        last: Any = None
        done: bool | None = None
        totals, counts, lasts, dones = [], [], [], []
        for day in values:
            total += day.total
            count += day.count
            if day.last is not None:
                last = day.last
            if day.done is not None:
                done = day.done
            totals.append(total)
            counts.append(count)
            lasts.append(last)
            dones.append(done)
        return cls(ordinals, totals, counts, lasts, dones, True)

    def at(self, as_of: int) -> tuple[Any, int, Any, bool | None] | None:
        """(total, count, last, done) of the days on or before ``as_of``, or None when there are none."""
        if self.running:
            k = bisect.bisect_right(self.dates, as_of)
            if k == 0:
                return None
            return self.total[k - 1], self.count[k - 1], self.last[k - 1], self.done[k - 1]
        total: Any = 0
        count = 0
        best: int | None = None
        last: Any = None
        best_done: int | None = None
        done: bool | None = None
        for i, date in enumerate(self.dates):
            if date > as_of:
                continue
            total += self.total[i]
            count += self.count[i]
            if self.last[i] is not None and (best is None or date > best):
                best, last = date, self.last[i]
            if self.done[i] is not None and (best_done is None or date > best_done):
                best_done, done = date, self.done[i]
        if count == 0:
            return None
        return total, count, last, done

    def record(self) -> list[Any]:
        return [self.dates, self.total, self.count, self.last, self.done, self.running]

    @classmethod
    def from_record(cls, rec: list[Any]) -> Series:
        return cls(*rec)


def _valid_series(rec: Any) -> bool:
    try:
        dates, total, count, last, done, running = rec
        return (
            isinstance(running, bool) and all(isinstance(c, list) and len(c) == len(dates) for c in rec[:5])
            and all(type(x) is int and 0 < x < 3_652_060 for x in dates) and all(type(x) is int for x in count)
            and all(type(x) in (int, float) for x in total)
            and all(x is None or type(x) in (int, float) for x in last)
            and all(x is None or type(x) is bool for x in done)
        )  # fmt: skip
    except (TypeError, ValueError):
        return False


class _LightEntry:
    """What compute.add_entry and check.check_entry read of an Entry, rebuilt from cached columns."""

    __slots__ = ("date", "indicator", "value", "done", "unit", "indicator_id", "part_id")

    def __init__(self, ref: str, date: dt.date, value: Any, done: bool | None, unit: str | None):
        self.indicator = ref
        self.date = date
        self.value = value
        self.done = done
        self.unit = unit
        self.indicator_id, _, part = ref.partition("/")
        self.part_id = part or None


@dataclass(slots=True)
class _LightItem:
    entry: _LightEntry
    path: str
    line: int
    month: str


def _light_items(result: FileResult, shown: str, month: str) -> Iterator[_LightItem]:
    fromordinal = dt.date.fromordinal
    for line, ref, date, value, done, unit in zip(
        result.lines, result.refs, result.dates, result.values, result.dones, result.units, strict=True
    ):
        yield _LightItem(_LightEntry(ref, fromordinal(date), value, done, unit), shown, line, month)


# --- the snapshot ------------------------------------------------------------------------------------


@dataclass
class Snapshot:
    """A repository as `status` and `check` see it: plans, every problem, and the entries as series."""

    root: Path
    config: Config
    plans: dict[str, PlanFile]
    problems: list[Problem]
    entry_counts: dict[str, int]
    series: dict[str, dict[str, Series]]
    stats: dict[str, int] = field(default_factory=dict)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    def ledger_at(self, as_of: dt.date, plan_ids: Iterable[str] | None = None) -> dict:
        """A ledger that evaluates exactly like the full one at ``as_of`` (and only there): per
        reference one Day holding what the days up to as-of add up to."""
        from civtrack.compute import Day

        day = as_of.toordinal()
        ledger: dict = {}
        for plan_id in self.series if plan_ids is None else plan_ids:
            refs: dict = {}
            for ref, series in self.series.get(plan_id, {}).items():
                state = series.at(day)
                if state is not None:
                    total, count, last, done = state
                    refs[ref] = {as_of: Day(total, (), last, done, count)}
            ledger[plan_id] = refs
        return ledger


class _Reader:
    """Gives civtrack.load.load each file's result from the cache or from a fresh parse."""

    def __init__(self, plans: dict[str, tuple[PlanFile | None, list[Problem]]], progress: dict[str, list[Problem]]):
        self.plans = plans
        self.progress = progress

    def plan(self, rel: str, shown: str) -> tuple[PlanFile | None, list[Problem]]:
        return self.plans[rel]

    def progress_file(self, rel: str, shown: str, plan_id: str, month: str) -> tuple[list[EntryAt], list[Problem]]:
        return [], self.progress.get(rel, [])


def open_snapshot(root: Path, config: Config, *, use_cache: bool = True, workers: int | None = None) -> Snapshot:
    """Read a repository's plans, problems and series, through the cache."""
    from civtrack.check import check_entry
    from civtrack.compute import fold

    scan_ns = time.time_ns()
    store = CacheStore(root, config) if use_cache else None
    source = _ListingSource(root)
    stats = {"parsed": 0, "cached": 0, "hashed": 0, "plans_parsed": 0}

    # Plans: from the cache when unchanged, else parsed (few and small: in this process).
    plan_results: dict[str, tuple[PlanFile | None, list[Problem]]] = {}
    plan_hashes: dict[str, str] = {}
    plan_checks: dict[str, list[Problem]] = {}
    for rel in source.files(PLANS_DIR):
        name = rel.rsplit("/", 1)[-1]
        if name.startswith(".") or not name.endswith((".yaml", ".yml")) or rel.count("/") != 1:
            continue
        shown = source.display(rel)
        cached = _cached_plan(store, root, rel, shown, stats)
        if cached is None:
            cached = _parse_plan_file(store, root, rel, shown, config, scan_ns, stats)
        plan_file, problems, checks, digest = cached
        plan_results[rel] = (plan_file, problems)
        plan_checks[rel] = checks
        plan_hashes[rel] = digest

    # Progress files that load() will read: month files of known plans.
    known = {pf.plan.id: rel for rel, (pf, _) in plan_results.items() if pf is not None}
    folders: dict[str, list[tuple[str, str]]] = {}
    for rel in source.files(PROGRESS_DIR):
        parts = rel.split("/")
        if len(parts) == 3 and parts[1] in known and MONTH_FILE.match(parts[-1]):
            folders.setdefault(parts[1], []).append((rel, f"{parts[2][:7]}"))

    folder_records: dict[str, dict[str, Any]] = {}
    results: dict[str, FileResult] = {}
    jobs: list[tuple[str, str, str, str]] = []
    for plan_id, files in folders.items():
        record = store.read("progress", plan_id) if store else None
        record = record if _valid_folder_record(record) else None
        folder_records[plan_id] = record or {}
        cached_files = record["files"] if record else {}
        for rel, month in files:
            result = _cached_file(cached_files.get(rel), root / rel, stats)
            if result is None:
                jobs.append((rel, source.display(rel), plan_id, month))
            else:
                results[rel] = result
                stats["cached"] += 1
    for rel, result in _run_jobs(root, jobs, config, scan_ns, workers):
        results[rel] = result
    stats["parsed"] += len(jobs)

    # load() applies the rules that relate files (names, ids, unknown plans, links) in one place.
    progress_problems = {
        rel: _problems(source.display(rel), result.problems) for rel, result in results.items()
    }  # fmt: skip
    repo = load(source, config, reader=_Reader(plan_results, progress_problems))
    problems = list(repo.problems)
    for rel, (plan_file, _) in plan_results.items():
        if plan_file is not None and repo.plans.get(plan_file.plan.id) is plan_file:
            problems.extend(plan_checks[rel])

    # Per folder: entry checks (valid for the plan's hash) and series (valid while no file changed).
    series: dict[str, dict[str, Series]] = {}
    entry_counts: dict[str, int] = {}
    for plan_id in repo.entries:
        files = folders.get(plan_id, [])
        plan_file = repo.plans[plan_id]
        plan_rel = known[plan_id]
        record = folder_records.get(plan_id, {})
        rels = [rel for rel, _ in files if rel in results]
        unchanged = (
            bool(record) and list(record["files"]) == rels
            and all(record["files"][rel]["hash"] == results[rel].hash for rel in rels)
        )  # fmt: skip
        entry_counts[plan_id] = sum(results[rel].count for rel in rels)
        if unchanged and record["plan_hash"] == plan_hashes[plan_rel]:
            checks = [Problem(source.display(p), line, sev, msg) for p, line, sev, msg in record["checks"]]
        else:
            plan = plan_file.plan
            indicators = {ind.id: ind for ind in plan.indicators}
            checks = []
            for rel, month in files:
                if rel in results:
                    for item in _light_items(results[rel], source.display(rel), month):
                        checks.extend(check_entry(plan, indicators, item))  # type: ignore[arg-type]
        problems.extend(checks)
        if unchanged:
            series[plan_id] = {ref: Series.from_record(rec) for ref, rec in record["series"].items()}
        else:
            ledger = fold(
                (plan_id, item.entry, (month, index))
                for rel, month in files
                if rel in results
                for index, item in enumerate(_light_items(results[rel], "", month))
            )
            series[plan_id] = {ref: Series.from_days(days) for ref, days in ledger.get(plan_id, {}).items()}
        if store is not None and not (unchanged and record["plan_hash"] == plan_hashes[plan_rel]):
            _save_folder(store, plan_id, rels, results, plan_hashes[plan_rel], checks, series[plan_id], root)
        elif store is not None and any(results[rel].key != record["files"][rel]["key"] for rel in rels):
            _save_folder(store, plan_id, rels, results, plan_hashes[plan_rel], checks, series[plan_id], root)

    problems.sort(key=lambda p: (p.path, p.line or 0))
    return Snapshot(root, config, repo.plans, problems, entry_counts, series, stats)


def _save_folder(
    store: CacheStore,
    plan_id: str,
    rels: list[str],
    results: dict[str, FileResult],
    plan_hash: str,
    checks: list[Problem],
    series: dict[str, Series],
    root: Path,
) -> None:
    if not all(results[rel].cacheable for rel in rels):
        return
    shown_to_rel = {DiskSource(root).display(rel): rel for rel in rels}
    store.write(
        "progress",
        plan_id,
        {
            "files": {rel: results[rel].record() for rel in rels},
            "plan_hash": plan_hash,
            "checks": [[shown_to_rel.get(p.path, p.path), p.line, p.severity, p.message] for p in checks],
            "series": {ref: s.record() for ref, s in series.items()},
        },
    )


def _valid_folder_record(record: Any) -> bool:
    try:
        return (
            isinstance(record, dict) and isinstance(record["files"], dict)
            and all(isinstance(rel, str) and _valid_file_record(rec) for rel, rec in record["files"].items())
            and isinstance(record["plan_hash"], str)
            and isinstance(record["checks"], list)
            and all(isinstance(c, list) and len(c) == 4 and isinstance(c[0], str) and _valid_rows([c[1:]])
                    for c in record["checks"])
            and isinstance(record["series"], dict) and all(_valid_series(s) for s in record["series"].values())
        )  # fmt: skip
    except (KeyError, TypeError):
        return False


def _cached_file(rec: dict[str, Any] | None, path: Path, stats: dict[str, int]) -> FileResult | None:
    """The cached result of a file when its content is unchanged, else None."""
    if rec is None:
        return None
    try:
        st = os.stat(path)
    except OSError:
        return None
    key = _stat_key(st)
    if key == rec["key"] and not rec["racy"]:
        return FileResult.from_record(rec)
    if key[0] != rec["key"][0]:
        return None
    try:
        data = path.read_bytes()
    except OSError:
        return None
    stats["hashed"] += 1
    if _hash(data) != rec["hash"] or len(data) != st.st_size:
        return None
    result = FileResult.from_record(rec)
    result.key = key
    result.racy = max(st.st_mtime_ns, st.st_ctime_ns) >= time.time_ns() - RACY_NS
    return result


def _run_jobs(
    root: Path, jobs: list[tuple[str, str, str, str]], config: Config, scan_ns: int, workers: int | None
) -> Iterator[tuple[str, FileResult]]:
    """Parse the files of ``jobs``: in worker processes when there are enough of them."""
    from civtrack.errors import InputError, error

    if workers is None:
        workers = int(os.environ.get("CIVTRACK_WORKERS", 0)) or min(os.cpu_count() or 1, 8)
    size = 0
    if workers > 1 and len(jobs) >= PARALLEL_MIN_FILES:
        for rel, *_ in jobs:
            try:
                size += os.stat(root / rel).st_size
            except OSError:
                pass
    outputs: Iterable[Any]
    if workers > 1 and len(jobs) >= PARALLEL_MIN_FILES and size >= PARALLEL_MIN_BYTES:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        # Many small batches, so that both workers stay busy to the end.
        batches = [jobs[i : i + 32] for i in range(0, len(jobs), 32)]
        context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            outputs = [r for batch in pool.map(_parse_batch, *zip(*((root, b, config, scan_ns) for b in batches), strict=True)) for r in batch]  # fmt: skip
    else:
        outputs = _parse_batch(root, jobs, config, scan_ns)
    for (rel, shown, _, _), output in zip(jobs, outputs, strict=True):
        if isinstance(output, OSError):
            raise InputError(error(shown, None, f"cannot read file: {output.strerror}"))
        yield rel, output


def _cached_plan(
    store: CacheStore | None, root: Path, rel: str, shown: str, stats: dict[str, int]
) -> tuple[PlanFile | None, list[Problem], list[Problem], str] | None:
    from civtrack.model import Plan

    if store is None:
        return None
    record = store.read("plans", rel.split("/", 1)[1])
    if not (isinstance(record, dict) and _valid_file_record({**record, "cols": [[]] * 6})):
        return None
    if not (_valid_rows(record.get("checks")) and (record.get("plan") is None or isinstance(record["plan"], dict))):
        return None
    result = _cached_file({**record, "cols": [[]] * 6}, root / rel, stats)
    if result is None:
        return None
    try:
        plan = Plan.model_validate(record["plan"]) if record["plan"] is not None else None
    except ValueError:
        return None
    plan_file = PlanFile(plan, shown, _LazyDocument(root / rel, shown)) if plan is not None else None
    if result.key != record["key"] or result.racy != record["racy"]:
        store.write("plans", rel.split("/", 1)[1], {**record, "key": result.key, "racy": result.racy})
    return plan_file, _problems(shown, record["problems"]), _problems(shown, record["checks"]), record["hash"]


def _parse_plan_file(
    store: CacheStore | None, root: Path, rel: str, shown: str, config: Config, scan_ns: int, stats: dict[str, int]
) -> tuple[PlanFile | None, list[Problem], list[Problem], str]:
    from civtrack.check import check_plan
    from civtrack.load import parse_plan

    path = root / rel
    st = os.stat(path)
    with open(path, "rb") as handle:
        data = handle.read(config.max_file_bytes + 1)
    plan_file, problems = parse_plan(data, shown, config)
    checks = check_plan(plan_file) if plan_file is not None else []
    digest = _hash(data)
    stats["plans_parsed"] += 1
    if store is not None and len(data) == st.st_size and len(data) <= config.max_file_bytes:
        store.write(
            "plans",
            rel.split("/", 1)[1],
            {
                "key": _stat_key(st), "hash": digest,
                "racy": max(st.st_mtime_ns, st.st_ctime_ns) >= scan_ns - RACY_NS,
                "problems": _rows(problems), "checks": _rows(checks),
                "plan": plan_file.plan.model_dump(mode="json", exclude_unset=True) if plan_file else None,
            },
        )  # fmt: skip
    return plan_file, problems, checks, digest


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
        self._cwd = Path.cwd().resolve()
        self._root = root.resolve()

    def files(self, folder: str) -> list[str]:
        if folder not in self._listed:
            self._listed[folder] = super().files(folder)
        return self._listed[folder]

    def display(self, relpath: str) -> str:
        # display_path resolves each path: too slow for a hundred thousand files; same result.
        shown = self._shown.get(relpath)
        if shown is None:
            try:
                shown = str((self._root / relpath).relative_to(self._cwd))
            except ValueError:
                shown = str(self._root / relpath)
            self._shown[relpath] = shown
        return shown


def full_repository(snapshot: Snapshot) -> Repository:
    """The reference Repository (every entry kept) with the snapshot's plans and problems."""
    from civtrack.load import load_disk

    repo = load_disk(snapshot.root, snapshot.config)
    return Repository(plans=snapshot.plans, entries=repo.entries, problems=snapshot.problems)
