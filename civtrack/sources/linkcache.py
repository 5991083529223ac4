"""What each link gives at one commit of its source, kept beside the source's clone
(``civtrack-cache/links-<commit>.json``), so that a warm run reads one small file per source and not
the source's plans: per link (by Link.key) its problems, its rule-14 series and its state runs; and the
source's error count with its first error (SRC13)."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from civtrack import __version__
from civtrack.cache.series import Series, _valid_series
from civtrack.errors import is_encoded
from civtrack.sources.links import Link, StateRuns, find, linked_series, state_runs
from civtrack.workspace import Config

FORMAT = 1


@dataclass
class Made:
    problems: list[tuple[str, str, str]]  # (code, severity, Problem.encoded()): the link's path and line added
    series: Series | None
    runs: StateRuns | None


class LinkCache:
    def __init__(self, folder: Path, commit: str, config: Config):
        self.path = folder / "civtrack-cache" / f"links-{commit}.json"
        self.stamp = [FORMAT, __version__, config.max_file_bytes]
        self.dirty = False
        try:
            data = orjson.loads(self.path.read_bytes())
            ok = isinstance(data, dict) and data.get("stamp") == self.stamp
        except (OSError, ValueError):
            ok = False
        self.data: dict[str, Any] = data if ok else {"stamp": self.stamp, "errors": None, "links": {}}

    def errors(self, compute: Callable[[], list[str]]) -> tuple[int, str] | None:
        """(count, first) of the source's errors at the commit, or None when it has none."""
        if self.data["errors"] is None:
            found = compute()
            self.data["errors"] = [len(found), found[0]] if found else []
            self.dirty = True
        return tuple(self.data["errors"]) or None  # type: ignore[return-value]

    def get(self, link: Link, remote: Callable[[], Any]) -> Made:
        key = link.key()
        record = self.data["links"].get(key)
        if record is None or not _valid(record):
            record = self.data["links"][key] = _make(link, remote())
            self.dirty = True
        series = Series(record["series"]) if record["series"] is not None else None
        runs = StateRuns(record["runs"]) if record["runs"] is not None else None
        return Made([tuple(p) for p in record["problems"]], series, runs)  # type: ignore[misc]

    def save(self) -> None:
        if not self.dirty:
            return
        try:
            self.path.parent.mkdir(exist_ok=True)
            tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
            tmp.write_bytes(orjson.dumps(self.data))
            os.replace(tmp, self.path)
        except OSError:
            pass  # a cache that cannot be written is only slower next time
        self.dirty = False


def _valid(record: Any) -> bool:
    try:
        return (
            all(isinstance(p, list) and len(p) == 3 and is_encoded(p[2]) for p in record["problems"])
            and (record["series"] is None or _valid_series(record["series"]))
            and (record["runs"] is None or all(isinstance(o, int) and isinstance(st, str) for o, st in record["runs"]))
        )
    except (KeyError, TypeError, ValueError):
        return False


def _make(link: Link, remote: Any) -> dict[str, Any]:
    found, problems = find(link, remote.plans, remote.commit)
    record: dict[str, Any] = {
        "problems": [[p.code, p.severity, p.encoded()] for p in problems], "series": None, "runs": None,
    }  # fmt: skip
    if found is not None:
        series = remote.series.get(found.plan.id, {})
        record["series"] = linked_series(link, found, series).record()
        record["runs"] = state_runs(found, series, remote.pace_tolerance)
    return record
