"""The local snapshot with its sources: linked items' series replaced (rule 14), the source problems
added (`check`), and, for `--source`/`--all-sources`, the sources' plans beside the local ones under
``source/plan`` ids. Commands then read it as any snapshot."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from civtrack.cache import Snapshot
from civtrack.cache.series import Series
from civtrack.cache.statuses import prune_commits
from civtrack.compute import LINKED_STATE
from civtrack.errors import InputError, Problem
from civtrack.sources import gitrepo
from civtrack.sources.config import SourceSpec
from civtrack.sources.linkcache import LinkCache
from civtrack.sources.links import Link, StateRuns, links_of
from civtrack.sources.messages import problem
from civtrack.sources.remote import Remote, RemotePlanFile, load_remote
from civtrack.workspace import CONFIG_NAME, Config, display_path
from civtrack.yamlsafe import shown

if TYPE_CHECKING:
    from civtrack.cache.statuses import Place
    from civtrack.load import EntryAt


@dataclass
class LinkedSnapshot(Snapshot):
    """A Snapshot with where each linked figure and each source plan came from."""

    # plan id → reference ("" for a source's plan itself) → {"source", "ref", "commit", "committed"}
    origins: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    # warnings to show beside any output (a failed fetch: the commit in use and its date)
    notices: list[Problem] = field(default_factory=list)
    # A source's plan shown beside the local ones (``source/plan``) → (the source's name, its clone, the
    # commit in use, the plan's own id): where its month files are read for `report`'s list of entries.
    remote_plans: dict[str, tuple[str, Path, str, str]] = field(default_factory=dict)
    # The plans, this repository's or a source's, that may have a `from:`: their figures follow other
    # commits than their own files' or their source's, so civtrack.cache.statuses never keeps them.
    linked_plans: set[str] = field(default_factory=set)
    # Per process id and source, the source's files at the commit in use (one `git cat-file --batch`
    # serves every read of a process: never shared across a fork).
    _trees: dict[tuple[int, str], Any] = field(default_factory=dict, repr=False)

    def entries(self, months: Iterable[str] | None = None, plan_ids: Iterable[str] | None = None) -> list[EntryAt]:
        """Snapshot.entries, with a source's plan's entries read from its month files at the commit in
        use (as the source's own `report` lists them), under the plan's ``source/plan`` id."""
        wanted = None if months is None else list(months)
        ids = [*self.files, *self.remote_plans] if plan_ids is None else list(plan_ids)
        out: list[EntryAt] = []
        for plan_id in ids:
            if plan_id in self.remote_plans:
                out += self._remote_entries(plan_id, wanted)
            else:
                out += super().entries(wanted, [plan_id])
        return out

    def _places_to_keep(self) -> dict[str, Place]:
        """Snapshot's, without the plans that link, with the sources' plans that do not (by commit)."""
        from civtrack.cache.statuses import source_place

        local = super()._places_to_keep()
        places = {plan_id: place for plan_id, place in local.items() if plan_id not in self.linked_plans}
        for plan_id, (_, folder, commit, own) in self.remote_plans.items():
            if plan_id not in self.linked_plans:
                places[plan_id] = source_place(folder, commit, own)
        return places

    def _remote_entries(self, plan_id: str, months: list[str] | None) -> list[EntryAt]:
        from civtrack.git import short
        from civtrack.sources.months import month_entries
        from civtrack.sources.remote import BareSource

        name, folder, commit, own = self.remote_plans[plan_id]

        def tree() -> BareSource:
            key = (os.getpid(), name)
            if key not in self._trees:
                self._trees[key] = BareSource(folder, commit, f"{name}@{short(commit)}")
            return self._trees[key]

        return month_entries(folder, commit, own, plan_id, months, self.config, tree)


class _Overlay(Mapping):
    """The snapshot's series, with the linked references' replaced and the sources' plans added."""

    def __init__(self, base: Mapping[str, dict[str, Series]], linked: dict[str, dict[str, Series]],
                 remote: dict[str, tuple[Mapping[str, dict[str, Series]], str]]):  # fmt: skip
        self._base, self._linked, self._remote = base, linked, remote
        self._ids = list(dict.fromkeys([*base, *linked, *remote]))

    def __getitem__(self, plan_id: str) -> dict[str, Series]:
        if plan_id in self._remote:
            series, source_plan = self._remote[plan_id]  # decoded when used, by the process that uses it
            own = series[source_plan] if source_plan in series else {}
            return {**own, **self._linked[plan_id]} if plan_id in self._linked else own
        if plan_id in self._linked:
            own = self._base[plan_id] if plan_id in self._base else {}
            return {**own, **self._linked[plan_id]}
        return self._base[plan_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)


def origin(name: str, spec: SourceSpec, used: tuple[str, str]) -> dict[str, Any]:
    return {"source": name, "ref": spec.ref, "commit": used[0], "committed": used[1]}


class Sources:
    """The sources of civtrack.toml: the commit each is read at, its plans (loaded at most once, and only
    when needed) and its links' cache (civtrack.sources.linkcache)."""

    def __init__(self, root: Path, config: Config):
        self.root, self.config = root, config
        self.specs = {spec.name: spec for spec in config.sources}
        self._used: dict[str, tuple[str, str] | None] = {}
        self._loaded: dict[str, Remote] = {}
        self._caches: dict[str, LinkCache] = {}
        self.notices: list[Problem] = []
        self.config_path = display_path(root / CONFIG_NAME)

    def used(self, name: str) -> tuple[str, str] | None:
        """(commit, committed) the source is read at, or None when it is not fetched."""
        if name not in self._used:
            spec = self.specs[name]
            used = self._used[name] = gitrepo.in_use(self.root, spec)
            state = gitrepo.read_state(self.root, name) if used is not None else None
            if used is not None and state is not None and state.failed:  # a later success clears it
                self.notices.append(problem(
                    "SRC11", self.config_path, spec.line, source=name, why=state.why, commit=used[0][:10],
                    committed=used[1][:10], fetched=(state.fetched or "never")[:10],
                ))  # fmt: skip
        return self._used[name]

    def finish(self) -> None:
        """The SRC13 notice of each source used that has errors of its own (kept in its link cache), and
        the link caches written."""
        for name, used in self._used.items():
            if used is None:
                continue
            errors = self.links(name).errors(lambda name=name: self.get(name).errors)  # type: ignore[misc, union-attr]
            if errors:
                self.notices.append(problem(
                    "SRC13", self.config_path, self.specs[name].line, source=name, count=errors[0],
                    commit=used[0][:10], first=errors[1],
                ))  # fmt: skip
        self.save()

    def get(self, name: str) -> Remote | None:
        """The source's plans and series at the commit in use, or None when it is not fetched."""
        used = self.used(name)
        if used is None:
            return None
        if name not in self._loaded:
            folder = gitrepo.clone_dir(self.root, name)
            self._loaded[name] = load_remote(folder, name, used[0], used[1], self.config)
        return self._loaded[name]

    def links(self, name: str) -> LinkCache:
        used = self.used(name)
        assert used is not None
        if name not in self._caches:
            self._caches[name] = LinkCache(gitrepo.clone_dir(self.root, name), used[0], self.config)
        return self._caches[name]

    def prefetch(self, names: list[str]) -> None:
        """Read the sources whose commit is not cached yet (first run after a fetch) in forked workers,
        which fill the cache; this process then reads it as on a warm run (civtrack.parallel)."""
        from civtrack.parallel import map_shares, workers
        from civtrack.sources.remote import cached

        missing = [
            name for name in dict.fromkeys(names)
            if name in self.specs and (used := self.used(name)) is not None
            and not cached(gitrepo.clone_dir(self.root, name), used[0], self.config)
        ]  # fmt: skip
        if len(missing) < 2 or workers() < 2:
            return

        def read(share: list[str]) -> None:
            for name in share:
                self.get(name)

        map_shares(read, missing, min(workers(), len(missing)))

    def save(self) -> None:
        for cache in self._caches.values():
            cache.save()


def attach(snapshot: Snapshot, root: Path, config: Config, include: list[str] | None = None) -> Snapshot:
    """The snapshot with rule 14 applied and the source problems added; with ``include`` (source
    names), those sources' plans added as ``source/plan``. The snapshot itself when nothing links
    and nothing is included."""
    links = list(links_of(snapshot.plans))
    if not links and not include:
        return snapshot
    sources = Sources(root, config)
    for name in include or []:
        if name not in sources.specs:
            raise InputError(
                problem("SRC17", "civtrack", None, source=shown(name), known=", ".join(sorted(sources.specs)))
            )
    problems: list[Problem] = []
    origins: dict[str, dict[str, dict[str, Any]]] = {}
    linked: dict[str, dict[str, Any]] = {}
    wanted = [link.parsed[0] for link in links if link.parsed is not None]
    sources.prefetch([name for name in wanted if name in sources.specs and not _links_cached(sources, name)])
    sources.prefetch(include or [])
    for link in links:
        made = _link(link, sources, snapshot, problems)
        if made is not None:
            _record(link, made, sources, linked, origins)
    plans: dict[str, Any] = dict(snapshot.plans)
    source_series: dict[str, tuple[Mapping[str, dict[str, Series]], str]] = {}
    remote_plans: dict[str, tuple[str, Path, str, str]] = {}
    linked_plans = {link.plan_id for link in links}
    for name in include or []:
        remote = sources.get(name)
        if remote is None:
            problems.append(problem("SRC02", sources.config_path, sources.specs[name].line, source=name))
            continue
        clone = gitrepo.clone_dir(root, name)
        prune_commits(clone, remote.commit)
        for plan_id in remote.plans:
            merged = f"{name}/{plan_id}"
            plans[merged] = RemotePlanFile(remote.plans, plan_id, merged, f"{remote.label()}:plans/{plan_id}.yaml")
            source_series[merged] = (remote.series, plan_id)
            origins.setdefault(merged, {})[""] = origin(name, sources.specs[name], (remote.commit, remote.committed))
            remote_plans[merged] = (name, clone, remote.commit, plan_id)
            if remote.may_link(plan_id):
                linked_plans.add(merged)
                nested = {merged: plans[merged]}
                for link in links_of(nested):
                    _nested(link, sources, linked, origins, problems)
    sources.finish()
    all_problems = sorted([*snapshot.problems, *problems, *sources.notices], key=lambda p: (p.path, p.line or 0))
    base = {f.name: getattr(snapshot, f.name) for f in fields(Snapshot)}
    # (Its places to keep are its own: those the plain snapshot may have made do not know the links.)
    base.update(
        plans=plans, problems=all_problems, series=_Overlay(snapshot.series, linked, source_series), _places=None
    )
    return LinkedSnapshot(
        **base,
        origins=origins,
        notices=list(sources.notices),
        remote_plans=remote_plans,
        linked_plans=linked_plans,
    )


def _nested(link: Link, sources: Sources, linked: dict[str, dict[str, Any]],
            origins: dict[str, dict[str, dict[str, Any]]], problems: list[Problem]) -> None:  # fmt: skip
    """A linked item of a source's plan (a city's part, seen by its province): followed through this
    repository's source of the same name when there is one. What stops it is a warning (the source's
    plan is shown all the same, the item with its own figures): never an error of this repository."""
    found: list[Problem] = []
    made = _link(link, sources, None, found)
    # Notices: printed beside `status` and `report`, listed by `check`.
    sources.notices.extend(Problem(p.path, p.line, "warning", p.key, p.args) for p in found)
    if made is not None:
        _record(link, made, sources, linked, origins)


def _record(link: Link, made: tuple[str, Series, StateRuns], sources: Sources, linked: dict[str, dict[str, Any]],
            origins: dict[str, dict[str, dict[str, Any]]]) -> None:  # fmt: skip
    """A followed link: its series and state runs in ``linked``, where its figures came from in ``origins``."""
    name, series, runs = made
    refs = linked.setdefault(link.plan_id, {})
    refs[link.ref] = series
    refs[link.ref + LINKED_STATE] = runs
    origins.setdefault(link.plan_id, {})[link.ref] = origin(name, sources.specs[name], sources.used(name))  # type: ignore[arg-type]


def _links_cached(sources: Sources, name: str) -> bool:
    used = sources.used(name)
    return used is None or (gitrepo.clone_dir(sources.root, name) / "civtrack-cache" / f"links-{used[0]}.json").exists()


def _link(
    link: Link, sources: Sources, snapshot: Snapshot | None, problems: list[Problem]
) -> tuple[str, Series, StateRuns] | None:
    """The problems of one link (into ``problems``) and, when it can be followed, its source's name and
    the series rule 14 gives it (from the link cache: the source's plans are read only on a miss)."""
    at = (link.path, link.line)
    parsed = link.parsed
    if parsed is None:
        problems.append(problem("SRC09", *at, ref=link.text))
        return None
    if link.has_parts:
        problems.append(problem("SRC14", *at, item=link.ref, ref=link.text))
        return None
    name = parsed[0]
    if name not in sources.specs:
        problems.append(problem("SRC01", *at, source=name, ref=link.text, known=", ".join(sorted(sources.specs))))
        return None
    if sources.used(name) is None:
        problems.append(problem("SRC02", *at, source=name))
        return None
    own = snapshot.series.get(link.plan_id, {}).get(link.ref) if snapshot is not None else None
    if own is not None and snapshot is not None:
        problems.extend(_local_entries(link, snapshot))
    made = sources.links(name).get(link, lambda: sources.get(name))  # type: ignore[arg-type, return-value]
    problems.extend(Problem.decoded(link.path, link.line, severity, encoded) for _, severity, encoded in made.problems)
    if made.series is None:
        return None
    return name, made.series, made.runs  # type: ignore[return-value]


def _local_entries(link: Link, snapshot: Snapshot) -> list[Problem]:
    """SRC08 at each local entry on a linked item (read from its month files: a rare case)."""
    found = [
        problem("SRC08", item.path, item.line, item=link.ref, ref=link.text)
        for item in snapshot.entries(None, [link.plan_id])
        if item.entry.indicator == link.ref
    ]
    return found or [problem("SRC08", link.path, link.line, item=link.ref, ref=link.text)]


def show_notices(snapshot: Snapshot) -> None:
    """The warnings of the sources in use (a failed fetch, a source with errors) on stderr."""
    from civtrack.commands import say

    for notice in getattr(snapshot, "notices", []):
        print(say(notice), file=sys.stderr)
