"""What a change of civtrack.toml's sources brings, for `civtrack diff`: per source whose ref moved, the
old and new commits, whether the new one descends from the old (else the county rewrote its history),
and per linked item its current at the as-of date on the old and on the new commit."""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from civtrack import git
from civtrack.errors import InputError
from civtrack.sources import gitrepo
from civtrack.sources.config import SourceSpec, parse_sources
from civtrack.sources.links import Link, find, links_of
from civtrack.sources.remote import Remote, load_remote
from civtrack.workspace import CONFIG_NAME, Config


@dataclass
class ItemMove:
    plan: str
    ref: str
    source_ref: str  # what from: says
    old: float | bool | None
    new: float | bool | None
    old_entries: int
    new_entries: int


@dataclass
class SourceMove:
    name: str
    old_ref: str | None
    new_ref: str | None
    old_commit: str | None
    new_commit: str | None
    rewritten: bool
    note: str | None = None  # why a commit could not be read
    old_present: bool = True  # the source is in civtrack.toml on the old side
    new_present: bool = True
    items: list[ItemMove] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.name, "old_ref": self.old_ref, "new_ref": self.new_ref, "old_commit": self.old_commit,
            "new_commit": self.new_commit, "rewritten": self.rewritten, "note": self.note,
            "items": [item.__dict__ for item in self.items], "added": not self.old_present,
            "removed": not self.new_present,
        }  # fmt: skip


def sources_at(root: Path, commit: str | None, unborn: bool) -> dict[str, SourceSpec]:
    """The sources of civtrack.toml at a commit (None: the working tree); {} when it has none or cannot
    be read (the rest of `diff` reports what is wrong with the files)."""
    if unborn:
        return {}
    if commit is None:
        path = root / CONFIG_NAME
        raw = path.read_bytes() if path.is_file() else b""
    else:
        result = git.run(root, "cat-file", "blob", f"{commit}:{git.prefix(root)}{CONFIG_NAME}", check=False)
        raw = result.stdout if result.returncode == 0 else b""
    try:
        text = raw.decode("utf-8")
        data = tomllib.loads(text).get("sources", {})
        return {spec.name: spec for spec in parse_sources(data, text, CONFIG_NAME)}
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, InputError):
        return {}


def _resolve(root: Path, spec: SourceSpec) -> str | None:
    folder = gitrepo.clone_dir(root, spec.name)
    if not (folder / "HEAD").is_file():
        return None
    try:
        return gitrepo.resolve_ref(folder, spec.ref)
    except InputError:
        return None


def moves(root: Path, config: Config, old: dict[str, SourceSpec], new: dict[str, SourceSpec],
          new_plans: dict[str, Any], day: dt.date) -> list[SourceMove]:  # fmt: skip
    """Every source whose url or ref differs between the sides, with what its move brings."""
    found: list[SourceMove] = []
    links = list(links_of(new_plans))
    for name in sorted(set(old) | set(new)):
        a, b = old.get(name), new.get(name)
        if a is not None and b is not None and (a.url, a.ref) == (b.url, b.ref):
            continue
        old_commit = _resolve(root, a) if a is not None else None
        new_commit = _resolve(root, b) if b is not None else None
        move = SourceMove(name, a.ref if a else None, b.ref if b else None, old_commit, new_commit, False)
        move.old_present, move.new_present = a is not None, b is not None
        folder = gitrepo.clone_dir(root, name)
        if (a is not None and old_commit is None) or (b is not None and new_commit is None):
            move.note = f"a commit is not in the clone: run `civtrack sources fetch {name}`"
        if old_commit and new_commit and old_commit != new_commit:
            move.rewritten = not gitrepo.is_ancestor(folder, old_commit, new_commit)
        old_remote = _remote(folder, name, old_commit, config)
        new_remote = _remote(folder, name, new_commit, config)
        for link in links:
            if link.parsed is None or link.parsed[0] != name:
                continue
            before, n_before = _current(link, old_remote, day)
            after, n_after = _current(link, new_remote, day)
            move.items.append(ItemMove(link.plan_id, link.ref, link.text, before, after, n_before, n_after))
        if move.old_commit != move.new_commit or move.note:
            found.append(move)
    return found


def _remote(folder: Path, name: str, commit: str | None, config: Config) -> Remote | None:
    if commit is None:
        return None
    return load_remote(folder, name, commit, gitrepo.commit_time(folder, commit), config)


def _current(link: Link, remote: Remote | None, day: dt.date) -> tuple[float | bool | None, int]:
    """The remote item's current (a milestone: done) at ``day``, and its entries up to then."""
    from civtrack.sources.links import remote_status

    if remote is None:
        return None, 0
    item, _ = find(link, remote.plans, remote.commit)
    if item is None:
        return None, 0
    status = remote_status(item, remote.series.get(item.plan.id, {}), day, remote.pace_tolerance)
    return (status.state == "done" if status.kind == "milestone" else status.current), status.entries


def _side(ref: str | None, commit: str | None, present: bool) -> str:
    if not present:
        return "—"
    short = (commit or "?")[:10]
    return short if ref == commit else f"{ref or 'HEAD'} ({short})"


def text_lines(found: list[SourceMove], lang: str) -> list[tuple[str, str]]:
    """(text, rich style) lines of the sources section of `diff`."""
    from civtrack.i18n import label
    from civtrack.text import fmt

    if not found:
        return []
    lines = [(label("sources_moved", lang), "bold")]
    for move in found:
        old = _side(move.old_ref, move.old_commit, move.old_present)
        new = _side(move.new_ref, move.new_commit, move.new_present)
        flag = "  ⚠ history rewritten: the old commit is not an ancestor of the new" if move.rewritten else ""
        lines.append((f"  {move.name}: {old} → {new}{flag}", "red" if move.rewritten else ""))
        if move.note:
            lines.append((f"    {move.note}", "yellow"))
        for item in move.items:
            shown = [
                ("—" if v is None else (("✓" if v else "○") if isinstance(v, bool) else fmt(v)))
                for v in (item.old, item.new)
            ]
            added = item.new_entries - item.old_entries
            lines.append((f"    {item.plan}/{item.ref}: {shown[0]} → {shown[1]}  ({added:+d} entries)", ""))
    return lines
