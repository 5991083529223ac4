"""Opening a repository: plans, every problem and the series, through the cache (``open_snapshot``).

It runs civtrack.load.load twice over the cached or parsed results (so the rules that relate files
stay in one place), redoes the folders that changed (civtrack.cache.folders) and returns a
``Snapshot``: what `status`, `check` and `report` need, identical to load + check_repository +
compute.fold (tests/test_cache.py proves it)."""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from civtrack.cache.files import _cached_file, _cached_plan, _read
from civtrack.cache.folders import _FolderJob, _FolderOut, _run_folders, _run_plans, _save_folder
from civtrack.cache.rows import FileResult, _cached_cols, _problems, _valid_folder_record, entries_of_columns
from civtrack.cache.series import Series, SeriesTimeline, _SeriesMap, _Timelines
from civtrack.cache.store import CacheStore
from civtrack.errors import Problem
from civtrack.load import DiskSource, EntryAt, PlanFile, Repository, Source, load
from civtrack.workspace import PLANS_DIR, Config

if TYPE_CHECKING:
    from civtrack.cache.statuses import Place


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
    # Plan id → the content hash of its plan file as validated at open. Empty without a cache.
    plan_hashes: dict[str, str] = field(default_factory=dict)
    # Per process id, the read-only cache connection that process opened (a connection is never used
    # across a fork; one inherited from the parent is left alone, not closed).
    _readers: dict[int, CacheStore] = field(default_factory=dict, repr=False)
    _places: dict[str, Place] | None = field(default=None, repr=False)

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
                    out += entries_of_columns(cols, plan_id, shown, month, seq)
                    seq += known[1]
                    continue
                self.stats["entries_parsed"] = self.stats.get("entries_parsed", 0) + 1
                data = _read(self.root, rel, self.config.max_file_bytes)[1]
                entries, problems = parse_progress(data, shown, plan_id, month, self.config, seq)
                seq += len(entries) + len(problems)
                out.extend(entries)
        return out

    def kept_places(self) -> dict[str, Place]:
        """Where the plans whose statuses civtrack.cache.statuses may keep are kept, and their keys (what
        they are evaluated from). Made once per snapshot."""
        if self._places is None:
            self._places = self._places_to_keep()
        return self._places

    def _places_to_keep(self) -> dict[str, Place]:
        """This repository's plans, keyed by their files' hashes (civtrack.sources.view adds the sources')."""
        from civtrack.cache.statuses import local_places

        return local_places(self.root, self.plan_hashes, self.files, self.cached_files)

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


# Cache rows waiting to be written, at most (then they are written in one transaction).
FLUSH_BYTES = 16 << 20


def open_snapshot(root: Path, config: Config, *, use_cache: bool = True, workers: int | None = None) -> Snapshot:
    """Read a repository's plans, problems and series, through the cache."""
    store = CacheStore(root, config) if use_cache else None
    try:
        snapshot = _open_snapshot(root, config, store, workers)
    finally:
        if store is not None:
            store.flush()
            store.close()
    if snapshot.stats["parsed"] >= TRIM_AFTER_FILES:
        _return_freed_memory()
    return snapshot


# Parsing this many files leaves the C heap full of freed holes (each file's bytes and text, the rows
# written) pinned by what is kept: given back to the system before the plans are laid out (a cold
# 1M `status` in one process: 287 MB held after the open, 219 MB after, 55 MB less at its peak).
TRIM_AFTER_FILES = 1000


def _return_freed_memory() -> None:
    """glibc's malloc_trim: the heap's free pages back to the system (elsewhere: nothing)."""
    try:
        import ctypes

        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):
        pass


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
            checks = [Problem.decoded(source.display(p), line, sev, text) for p, line, sev, text in record["checks"]]
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
    plan_hashes: dict[str, str] = {}
    if store is not None:
        plan_hashes = {
            plan_id: known[plan_id][1] for plan_id, plan_file in repo.plans.items()
            if plan_id in known and known[plan_id][0] is plan_file
        }  # fmt: skip
    return Snapshot(root, config, repo.plans, problems, entry_counts, series, stats, files, cached_files, plan_hashes)


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
            from civtrack.text import shown as escaped

            path = self._prefix + relpath if self._prefix is not None else str(self._root / relpath)
            shown = self._shown[relpath] = escaped(path, limit=4096)
        return shown


def full_repository(snapshot: Snapshot) -> Repository:
    """The reference Repository (every entry kept) with the snapshot's plans and problems."""
    from civtrack.load import load_disk

    repo = load_disk(snapshot.root, snapshot.config)
    return Repository(plans=snapshot.plans, entries=repo.entries, problems=snapshot.problems)
