"""One file: read it, parse it, or take what it gave from the cache when it has not changed.

A file is taken from the cache when its stat key is the recorded one and it was not *racy* (changed
within two seconds of being read); when only the size matches, the content's hash decides. Plans
taken from the cache are lazy (``_LazyPlanFile``): rebuilt from their dump on first use, their
document read again only when a line is asked for."""

from __future__ import annotations

import os
import time
import typing
from pathlib import Path
from typing import Any

import orjson

from civtrack.cache.rows import (
    FileResult,
    _problems,
    _rows,
    _stat_key,
    _valid_meta,
    _valid_rows,
    dump_model,
    rebuild_model,
)
from civtrack.cache.store import _hash
from civtrack.errors import InputError, Problem, error
from civtrack.load import PlanFile
from civtrack.workspace import Config

if typing.TYPE_CHECKING:
    from civtrack.cache.store import CacheStore
    from civtrack.model import Plan


# A file changed this close to the moment it was read may change again unseen within the same
# timestamp tick: its cached result is checked against the content hash next time.
RACY_NS = 2_000_000_000


def _read(root: Path, rel: str, limit: int) -> tuple[os.stat_result, bytes]:
    """A file's stat and bytes, read as DiskSource.read reads them (load.read_settled)."""
    from civtrack.load import read_settled

    return read_settled(root, rel, limit)


def parse_progress_file(
    root: Path, rel: str, shown: str, plan_id: str, month: str, config: Config, scan_ns: int
) -> FileResult:
    """Read and parse one progress file into a FileResult with the columns of its entries (what
    load.parse_progress gives, civtrack.loadcols)."""
    from civtrack.loadcols import parse_columns

    st, data = _read(root, rel, config.max_file_bytes)
    cols, problems = parse_columns(data, shown, plan_id, month, config)
    result = FileResult(
        _stat_key(st), _hash(data), max(st.st_mtime_ns, st.st_ctime_ns) >= scan_ns - RACY_NS, _rows(problems)
    )
    # A file that grew while it was read (or one above the size limit) is not cached.
    result.cacheable = len(data) == st.st_size and len(data) <= config.max_file_bytes
    result.count = len(cols[0])
    result.cols = cols
    return result


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
        self._dump = None

    @property
    def plan_id(self) -> str:
        return self._plan_id

    def _read_again(self) -> Plan:
        """A checksummed dump that does not rebuild (forged?): the file, read by the reference."""
        from civtrack.load import parse_plan

        root, rel, config = self._source
        plan_file, _ = parse_plan((root / rel).read_bytes(), self.path, config)
        if plan_file is None or plan_file.plan.id != self._plan_id:
            raise InputError(error(self.path, None, "E306"))
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
