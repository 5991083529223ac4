"""Parsing what changed, in forked worker processes when there is enough of it.

The plan files to parse (``_run_plans``) and the progress folders to redo (``_run_folders``: a
folder's changed files parsed, its entries checked against the plan and folded into series, its rows
written) run in one process per core when there are enough files to pay for the processes."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from civtrack.cache.files import _LazyPlanFile, _parse_plan_file, parse_progress_file
from civtrack.cache.rows import FileResult, _cached_cols, _light_items, _problems
from civtrack.cache.series import Series
from civtrack.cache.store import CacheStore
from civtrack.errors import Problem
from civtrack.load import PlanFile
from civtrack.workspace import Config

# Below this many files (or bytes) to parse, worker processes cost more than they save.
PARALLEL_MIN_FILES = 64
PARALLEL_MIN_BYTES = 2_000_000


# State inherited by forked workers (the plans: large to send, already in memory).
_FORK_STATE: dict[str, Any] = {}


def _forked_plan(job: tuple[str, str]) -> tuple[dict[str, Any], Any, dict[tuple[str, str], tuple[bytes, str]]] | None:
    """In a worker: the plan's cache record without the plan, the plan's dump (as its row's JSON when
    there is a cache: encoded and checksummed here, not in the parent) and the rows to write; or None
    when it cannot be cached (the parent reads that one itself)."""
    state = _FORK_STATE
    rel, shown = job
    try:
        record = _parse_plan_file(state["root"], rel, shown, state["config"], state["scan_ns"])[4]
    except OSError:
        return None  # the parent tries again and reports it
    if record is None:
        return None
    plan = record.pop("plan")
    store: CacheStore | None = state["store"]
    if store is None:
        return record, plan, {}
    writes = _plan_rows(store, rel, record, plan)
    dump = writes.get(("plandump", rel.split("/", 1)[1]))
    return record, (dump[0] if dump is not None else plan), writes


def _plan_rows(
    store: CacheStore, rel: str, record: dict[str, Any], plan: Any
) -> dict[tuple[str, str], tuple[bytes, str]]:
    """The rows of a plan file (its record without the plan; the plan's dump), made and taken back
    from ``store``'s pending rows."""
    name = rel.split("/", 1)[1]
    store.write("plans", name, record)
    if plan is not None:
        store.write("plandump", name, plan)
    return {key: store.pending.pop(key) for key in (("plans", name), ("plandump", name)) if key in store.pending}


def _run_plans(
    root: Path, config: Config, scan_ns: int, store: CacheStore | None, todo: list[tuple[str, str]], workers: int | None
) -> Iterator[tuple[str, tuple[PlanFile | None, list[Problem], list[Problem], str] | OSError]]:
    """Parse the plan files of ``todo``: in worker processes when there are many."""
    workers = _workers(workers)
    done: Iterable[Any] = [None] * len(todo)
    if workers > 1 and len(todo) >= PARALLEL_MIN_FILES and os.name == "posix":
        done = _pool_map(_forked_plan, todo, workers, root=root, config=config, scan_ns=scan_ns, store=store)
    for (rel, shown), got in zip(todo, done, strict=True):
        if got is None:
            try:
                plan_file, problems, checks, digest, record = _parse_plan_file(root, rel, shown, config, scan_ns)
            except OSError as exc:
                yield rel, exc
                continue
            if plan_file is not None and record is not None:
                # Kept as the workers' plans are: the plan without its document (the file's text and
                # values: 100 MB for 1,000 plans), read again only if a line is asked for.
                lazy = _LazyPlanFile(record["id"], [], root, rel, shown, config)
                lazy.plan = plan_file.plan
                plan_file = lazy
            if record is not None and store is not None:
                store.pending.update(_plan_rows(store, rel, {k: v for k, v in record.items() if k != "plan"},
                                                record["plan"]))  # fmt: skip
        else:
            record, plan, writes = got
            plan_file = _LazyPlanFile(record["id"], plan, root, rel, shown, config) if plan is not None else None
            problems, checks, digest = (
                _problems(shown, record["problems"]),
                _problems(shown, record["checks"]),
                record["hash"],
            )
            if store is not None:
                store.pending.update(writes)
        yield rel, (plan_file, problems, checks, digest)


def _workers(workers: int | None) -> int:
    from civtrack.parallel import workers as default_workers

    return default_workers() if workers is None else workers


def _pool_map(func: Any, items: list[Any], workers: int, **state: Any) -> Iterator[Any]:
    """func over items in forked worker processes (which inherit ``state``), in order, each result given
    as soon as it and those before it are there: this process takes in (and writes the rows of) the
    first folders while the workers do the next, instead of holding every folder's output at the end."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    store = state.get("store")
    if store is not None:
        store.close()  # each process opens its own connection
    _FORK_STATE.update(state)
    # (The executor forks all its workers at the first submit, inside map: before this process opens
    # its connection again to write.)
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))
    try:
        # Small chunks, so that both workers stay busy to the end.
        yield from pool.map(func, items, chunksize=max(1, min(16, len(items) // (workers * 8))))
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        _FORK_STATE.clear()


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
    from civtrack.files import system_msg

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
        raise InputError(error(exc.filename or "civtrack", None, "E001", system_msg(exc))) from None


def _forked_folder(job: _FolderJob) -> _FolderOut:
    state = _FORK_STATE
    return _do_folder(
        state["root"], state["config"], state["scan_ns"], state["store"], state["plans"][job.plan_id], job
    )


def _do_folder(
    root: Path, config: Config, scan_ns: int, store: CacheStore | None, plan: Any, job: _FolderJob
) -> _FolderOut:
    """Parse what changed in a folder, check its entries against the plan (as check_repository does),
    fold them into series (as compute.fold does) and cache the lot.

    Entries stay columns (civtrack.loadcols): a file whose entries pass check_entries' brief tests as
    a whole has no problem; any other is checked entry by entry by check_entries itself. The months of
    a folder's files follow each other (load order), so each entry comes after those before it and is
    folded as compute.add_entry folds it, without its order (else: add_entry itself)."""
    from civtrack.check import entry_rules

    indicators = {ind.id: ind for ind in plan.indicators}
    rules = entry_rules(indicators)
    months = [month for _, month, _ in job.files]
    in_order = all(a < b for a, b in zip(months, months[1:], strict=False))
    results: dict[str, FileResult] = {}
    entries_of: dict[str, list[Any]] = {}  # the columns of the files parsed here: their rows to write
    checks: list[Problem] = []
    days_of: dict[str, dict[int, list[Any]]] = {}  # reference → ordinal → [total, count, last, done]
    ledger: dict = {}  # (not in order: compute's own ledger)
    for rel, month, shown in job.files:
        result = job.cached.get(rel)
        cols = None
        if result is not None and store is not None:
            cols = _cached_cols(store, rel, result.hash, result.count)
        if result is None or cols is None:
            try:
                result = parse_progress_file(root, rel, shown, job.plan_id, month, config, scan_ns)
            except OSError as exc:
                result = FileResult([], "", True, [], cacheable=False, error=exc.strerror or str(exc))
                result.cols = [[] for _ in range(9)]
            if result.cacheable and result.error is None:
                entries_of[rel] = result.cols  # type: ignore[assignment]
            cols = result.cols
        else:
            result.cols = cols
        results[rel] = result
        assert cols is not None
        if not _pass_brief(plan, rules, month, cols):
            checks.extend(_check_items(plan, indicators, result, shown, month))
        if in_order:
            _fold_columns(days_of, cols)
        else:
            from civtrack.compute import add_entry

            # Order within the folder: (month, position in the file); the reference's (month, seq) sorts the same.
            for index, item in enumerate(_light_items(result, shown, month)):
                add_entry(ledger, job.plan_id, item.entry, (month, index))
    if in_order:
        series = {ref: _series_of(days) for ref, days in days_of.items()}
    else:
        series = {ref: Series.from_days(days) for ref, days in ledger.get(job.plan_id, {}).items()}
    writes: dict[tuple[str, str], tuple[bytes, str]] = {}
    out_series: dict[str, Series] | bytes = series
    if store is not None:
        _save_folder(store, job.plan_id, job.files, results, job.plan_hash, checks, series, entries=entries_of)
        keys = [("entries", rel) for rel in entries_of] + [("series", job.plan_id), ("progress", job.plan_id)]
        for key in keys:
            if key in store.pending:
                writes[key] = store.pending.pop(key)
        if ("series", job.plan_id) in writes:
            # The series as their row (as a warm run has them): a tenth of the objects' memory until
            # the plan is laid out, and bytes, not objects, to send back from a worker.
            out_series = writes[("series", job.plan_id)][0]
    for result in results.values():
        result.cols = None  # not sent back: the writes hold them
    return _FolderOut(results, checks, out_series, writes)


def _check_items(plan: Any, indicators: dict[str, Any], result: FileResult, shown: str, month: str) -> list[Problem]:
    from civtrack.check import check_entries

    return check_entries(plan, indicators, list(_light_items(result, shown, month)))  # type: ignore[arg-type]


def _pass_brief(plan: Any, rules: dict[str, tuple[bool, str | None]], month: str, cols: list[list[Any]]) -> bool:
    """True when every entry of the columns passes check_entries' brief tests (then none has a problem):
    a known reference, the field its kind needs and not the other, its unit, a date in the file's month
    and in the plan's period. False: some may not (check_entries looks at each)."""
    from civtrack.check import _month_span

    _, refs, dates, values, dones, units = cols[:6]
    if not refs:
        return True
    span = _month_span(month, plan.period.start, plan.period.end)
    if span is None or min(dates) < span[0].toordinal() or max(dates) > span[1].toordinal():
        return False
    used = set(refs)
    if not used <= rules.keys():
        return False
    milestones = {ref for ref in used if rules[ref][0]}
    if not milestones:
        if dones.count(None) != len(dones) or None in values:
            return False
    elif len(milestones) == len(used):
        if values.count(None) != len(values) or None in dones:
            return False
    else:
        for ref, value, done in zip(refs, values, dones, strict=True):
            if (value is not None or done is None) if ref in milestones else (done is not None or value is None):
                return False
    if units.count(None) != len(units):
        for ref, unit in set(zip(refs, units, strict=True)):
            expected = rules[ref][1]
            if unit is not None and expected is not None and unit != expected:
                return False
    return True


def _fold_columns(days_of: dict[str, dict[int, list[Any]]], cols: list[list[Any]]) -> None:
    """compute.add_entry of each entry of the columns, in order, each later than every one before it:
    per reference and day, [total, count, last value, last done flag]."""
    _, refs, dates, values, dones = cols[:5]
    for ref, date, value, done in zip(refs, dates, values, dones, strict=True):
        days = days_of.get(ref)
        if days is None:
            days = days_of[ref] = {}
        day = days.get(date)
        if day is None:
            day = days[date] = [0, 0, None, None]
        day[1] += 1
        if value is not None:
            day[0] += value
            day[2] = value
        if done is not None:
            day[3] = done


def _series_of(days: dict[int, list[Any]]) -> Series:
    """Series.from_days of days folded by _fold_columns."""
    ordinals = list(days)
    values = list(days.values())
    counts = [v[1] for v in values]
    lasts = [v[2] for v in values]
    dones = [v[3] for v in values]
    # (list.count: all(c == 1 ...), all(x is None ...) in C; the days are distinct, so in strictly
    # increasing order exactly when sorted.)
    return Series([
        ordinals, [v[0] for v in values], None if counts.count(1) == len(counts) else counts,
        None if lasts.count(None) == len(lasts) else lasts, None if dones.count(None) == len(dones) else dones,
        ordinals == sorted(ordinals),
    ])  # fmt: skip


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
            "checks": [[shown_to_rel.get(p.path, p.path), p.line, p.severity, p.encoded()] for p in checks],
        },
    )
