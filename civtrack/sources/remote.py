"""A source's plans and series at one commit, read from git objects (no checkout) and cached by commit id.

A commit never changes, so what it gives is kept in ``<clone>/civtrack-cache/<commit>.json`` (orjson,
never pickle; with civtrack's version and the size limit it was read under, else read again): the plans
(as civtrack.cache.dump_model rows), per plan and reference the series of its entries
(civtrack.cache.Series records), the count of entries and the errors `check` would report there. A
second run reads one small file per source and runs no git at all.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from civtrack import __version__
from civtrack.cache.rows import dump_model, rebuild_model
from civtrack.cache.series import Series, _valid_series
from civtrack.git import GitSource, short
from civtrack.model import Plan
from civtrack.workspace import Config

CACHE_FORMAT = 2  # 2: each plan's dump and series kept as its own JSON text, decoded when used


class BareSource(GitSource):
    """GitSource over a bare clone: the repository's top is the civtrack root (no work tree, no prefix)."""

    def __init__(self, folder: Path, commit: str, label: str):
        self.root = folder
        self.commit = commit
        self.label = label
        self.prefix = ""
        self.links = []
        self._blobs = {}
        self._batch = None
        self._list()


class RemotePlanFile:
    """A source's plan where commands take a civtrack.load.PlanFile (no document: no lines), under the
    id ``source/plan``; built when first used, by the process that uses it (as the cache's plans)."""

    doc: Any = None

    def __init__(self, plans: Mapping[str, Plan], plan_id: str, merged_id: str, path: str):
        self._plans, self._plan_id, self._merged, self.path = plans, plan_id, merged_id, path
        self._built: Plan | None = None

    @property
    def plan(self) -> Plan:
        if self._built is None:
            self._built = self._plans[self._plan_id].model_copy(update={"id": self._merged})
        return self._built

    def line(self, *where: str | int) -> int | None:
        return None

    @property
    def plan_id(self) -> str:
        return self._merged


class _Lazy(Mapping):
    """Plan id → a value decoded from its JSON text when first asked for (a city linked to 100 counties
    reads one plan of each, not their thousand)."""

    def __init__(self, texts: dict[str, str], decode: Callable[[Any], Any]):
        self._texts, self._decode, self._done = texts, decode, {}  # type: ignore[var-annotated]

    def __getitem__(self, key: str) -> Any:
        value = self._done.get(key)
        if value is None:
            value = self._done[key] = self._decode(orjson.loads(self._texts[key]))
        return value

    def __iter__(self) -> Iterator[str]:
        return iter(self._texts)

    def __len__(self) -> int:
        return len(self._texts)


def _plan(record: Any) -> Plan:
    return rebuild_model(Plan, record)


def _series(record: Any) -> dict[str, Series]:
    if not all(_valid_series(rec) for rec in record.values()):
        raise ValueError("series")
    return {ref: Series(rec) for ref, rec in record.items()}


@dataclass
class Remote:
    name: str
    commit: str
    committed: str
    plans: Mapping[str, Plan]
    series: Mapping[str, dict[str, Series]]
    entries: int
    errors: list[str] = field(default_factory=list)
    pace_tolerance: float = 25.0  # the source's own (its civtrack.toml at the commit): its states are its own

    def may_link(self, plan_id: str) -> bool:
        """Whether the source's plan may have a `from:` (its cached text names the field; not decoded).
        Plans just read from git are looked at."""
        texts = getattr(self.plans, "_texts", None)
        if texts is None:
            from civtrack.sources.links import has_links

            return has_links(self.plans[plan_id])
        return '"from_"' in texts.get(plan_id, "")

    def label(self) -> str:
        return f"{self.name}@{short(self.commit)}"


def _cache_path(folder: Path, commit: str) -> Path:
    return folder / "civtrack-cache" / f"{commit}.json"


def cached(folder: Path, commit: str, config: Config) -> bool:
    """Whether the commit's cache file is there (not whether it is valid: load_remote decides)."""
    return _cache_path(folder, commit).is_file()


def load_remote(folder: Path, name: str, commit: str, committed: str, config: Config) -> Remote:
    path = _cache_path(folder, commit)
    try:
        record = orjson.loads(path.read_bytes())
        if record.get("stamp") == [CACHE_FORMAT, __version__, config.max_file_bytes]:
            return _rebuild(name, commit, committed, record)
    except (OSError, ValueError, TypeError, KeyError):
        pass
    remote, record = _read(folder, name, commit, committed, config)
    path.parent.mkdir(exist_ok=True)
    tmp = path.with_name(f".{commit}.{os.getpid()}.tmp")
    tmp.write_bytes(orjson.dumps(record))
    os.replace(tmp, path)
    return remote


def _read(folder: Path, name: str, commit: str, committed: str, config: Config) -> tuple[Remote, dict]:
    from civtrack.check import check_repository
    from civtrack.compute import add_entry
    from civtrack.load import load

    with BareSource(folder, commit, f"{name}@{short(commit)}") as source:
        repo = load(source, config)
    problems = [*repo.problems, *check_repository(repo)]
    ledger: dict = {}
    count = 0
    for plan_id, items in repo.entries.items():
        for item in items:
            add_entry(ledger, plan_id, item.entry, (item.seq,))
        count += len(items)
    series = {pid: {ref: Series.from_days(days) for ref, days in refs.items()} for pid, refs in ledger.items()}
    errors = [str(p) for p in sorted(problems, key=lambda p: (p.path, p.line or 0)) if p.severity == "error"]
    plans = {pid: pf.plan for pid, pf in repo.plans.items()}
    tolerance = _tolerance(folder, commit, config)
    record = {
        "stamp": [CACHE_FORMAT, __version__, config.max_file_bytes],
        "plans": {pid: orjson.dumps(dump_model(plan)).decode() for pid, plan in plans.items()},
        "series": {
            pid: orjson.dumps({r: s.record() for r, s in refs.items()}).decode() for pid, refs in series.items()
        },
        "entries": count,
        "errors": errors,
        "pace_tolerance": tolerance,
    }
    return Remote(name, commit, committed, plans, series, count, errors, tolerance), record


def _tolerance(folder: Path, commit: str, config: Config) -> float:
    """The source's pace_tolerance (its civtrack.toml at the commit), else this repository's."""
    import tomllib

    from civtrack.git import run

    result = run(folder, "cat-file", "blob", f"{commit}:civtrack.toml", check=False)
    try:
        value = tomllib.loads(result.stdout.decode("utf-8")).get("pace_tolerance") if result.returncode == 0 else None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError):
        value = None
    ok = isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value < float("inf")
    return float(value) if ok else config.pace_tolerance  # type: ignore[arg-type]


def _rebuild(name: str, commit: str, committed: str, record: dict) -> Remote:
    """A cached commit, its plans and series decoded when used. (A decoding error then is a bug or a
    tampered cache file in the user's own folder: it is not hidden, it is raised.)"""
    if not all(isinstance(t, str) for part in ("plans", "series") for t in record[part].values()):
        raise ValueError("shape")
    plans, series = _Lazy(record["plans"], _plan), _Lazy(record["series"], _series)
    tolerance = float(record["pace_tolerance"])
    return Remote(name, commit, committed, plans, series, int(record["entries"]), list(record["errors"]), tolerance)
