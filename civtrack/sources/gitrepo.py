"""A source's local copy: a bare clone in .civtrack/sources/<name>, fetched with `git` only.

Every git call goes through civtrack.git.run (an argument list, no shell, no prompt). URLs and refs are
checked first (civtrack.sources.config.unsafe: nothing starting with '-', no ext::), and given after
``--`` where git takes one (init, fetch); refs are turned into commit ids by civtrack.git.resolve
(``rev-parse --verify --end-of-options``), and only commit ids are passed on after that. What was
fetched, when, and the last failure are kept beside the clone (``civtrack-state.json``).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from civtrack import git
from civtrack.errors import InputError
from civtrack.messages import msg
from civtrack.sources.config import SourceSpec, unsafe
from civtrack.sources.messages import problem

SOURCES_DIR = ".civtrack/sources"
STATE_NAME = "civtrack-state.json"
HEAD_REF = "refs/civtrack/head"  # the remote's HEAD, as last fetched
TIP_REF = "refs/civtrack/remote-tip"  # the remote's ref as `civtrack sources` last saw it (not in use)
KEPT = "refs/civtrack/kept/"  # every commit once in use, kept from git gc (diff compares with them)
_HEX40 = re.compile(r"\A[0-9a-f]{40}\Z")
# Never run a command through a URL; never ask for a password.
_SAFE = ("-c", "protocol.ext.allow=never", "-c", "credential.interactive=never")


def clone_dir(root: Path, name: str) -> Path:
    return root / SOURCES_DIR / name


def git_url(root: Path, url: str) -> str:
    """A URL as git takes it from inside the clone: a plain path is relative to the repository root."""
    if "://" in url or re.match(r"\A[^/\\]+:", url):
        return url
    return str((root / url).resolve())


@dataclass
class State:
    ref: str | None = None
    commit: str | None = None
    committed: str | None = None  # ISO date-time of the commit
    fetched: str | None = None  # ISO date-time of the last successful fetch
    failed: str | None = None  # ISO date-time of the last failed fetch
    why: str | None = None


def read_state(root: Path, name: str) -> State | None:
    path = clone_dir(root, name) / STATE_NAME
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return State(**{key: data.get(key) for key in State.__dataclass_fields__})
    except (OSError, ValueError, TypeError):
        return None


def write_state(root: Path, name: str, state: State) -> None:
    path = clone_dir(root, name) / STATE_NAME
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(state.__dict__, indent=1), encoding="utf-8")
    os.replace(tmp, path)


def _ensure_clone(root: Path, name: str) -> Path:
    folder = clone_dir(root, name)
    if not (folder / "HEAD").is_file():
        folder.parent.mkdir(parents=True, exist_ok=True)
        ignore = folder.parent.parent / ".gitignore"
        if not ignore.exists():
            ignore.write_text("# civtrack's cache and sources: not versioned\n*\n", encoding="utf-8")
        git.run(folder.parent, "init", "--bare", "-q", "--", name)
    return folder


def resolve_ref(folder: Path, ref: str | None) -> str:
    """The commit a source's ref names in its clone (the remote's HEAD when no ref is given)."""
    return git.resolve(folder, HEAD_REF if ref is None else ref)


def commit_time(folder: Path, commit: str) -> str:
    return git.run(folder, "show", "-s", "--format=%cI", commit).stdout.decode("ascii").strip()


def is_ancestor(folder: Path, old: str, new: str) -> bool:
    return git.run(folder, "merge-base", "--is-ancestor", old, new, check=False).returncode == 0


def has_commit(folder: Path, commit: str) -> bool:
    return git.run(folder, "cat-file", "-e", f"{commit}^{{commit}}", check=False).returncode == 0


def now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


@dataclass
class Fetched:
    spec: SourceSpec
    state: State
    previous: str | None  # the commit in use before
    rewritten: bool  # previous is not an ancestor of the new commit
    error: str | None  # why the fetch failed (the last fetched commit stays in use)


def fetch(root: Path, spec: SourceSpec) -> Fetched:
    """Clone (first time) or fetch one source, then resolve its ref. A failure to reach the remote is
    not raised: the last fetched commit stays in use and the failure is recorded and returned."""
    for value in (spec.url, spec.ref):
        why = None if value is None else unsafe(value)
        if why:  # pragma: no cover - refused when civtrack.toml is read
            raise InputError(problem("SRC10", "civtrack.toml", spec.line, source=spec.name, why=msg(why, "url")))
    folder = _ensure_clone(root, spec.name)
    state = read_state(root, spec.name) or State()
    previous = state.commit
    refspecs = ["+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*", f"+HEAD:{HEAD_REF}"]
    result = git.run(folder, *_SAFE, "fetch", "-q", "--prune", "--no-write-fetch-head", "--",
                     git_url(root, spec.url), *refspecs, check=False)  # fmt: skip
    if result.returncode != 0:
        lines = result.stderr.decode("utf-8", "replace").strip().splitlines()
        state.failed, state.why = now(), git_reason(lines)
        write_state(root, spec.name, state)
        return Fetched(spec, state, previous, False, state.why)
    commit = resolve_ref(folder, spec.ref)
    git.run(folder, "update-ref", f"{KEPT}{commit}", commit)
    rewritten = bool(previous and previous != commit and has_commit(folder, previous))
    rewritten = rewritten and not is_ancestor(folder, previous, commit)  # type: ignore[arg-type]
    state = State(spec.ref, commit, commit_time(folder, commit), now(), None, None)
    write_state(root, spec.name, state)
    return Fetched(spec, state, previous, rewritten, None)


def in_use(root: Path, spec: SourceSpec) -> tuple[str, str] | None:
    """(commit, committed) the source is read at, or None when it is not fetched (or its ref is not in
    the clone). No git call when the last fetch resolved this very ref: a second run costs nothing."""
    state = read_state(root, spec.name)
    folder = clone_dir(root, spec.name)
    if state is None or not (folder / "HEAD").is_file():
        return None
    if state.commit and state.ref == spec.ref and state.committed:
        return state.commit, state.committed
    if spec.ref and _HEX40.match(spec.ref) and state.commit == spec.ref and state.committed:
        return state.commit, state.committed
    try:
        commit = resolve_ref(folder, spec.ref)
    except InputError:
        return None
    committed = commit_time(folder, commit)
    git.run(folder, "update-ref", f"{KEPT}{commit}", commit)
    write_state(root, spec.name, State(spec.ref, commit, committed, state.fetched, state.failed, state.why))
    return commit, committed


@dataclass
class Behind:
    tip: str | None
    days: int | None
    commits: int | None
    why: str | None  # the remote could not be reached


def behind(root: Path, spec: SourceSpec, commit: str, committed: str) -> Behind:
    """How far the commit in use trails the remote's ref now: the remote's tip is fetched into a ref of
    its own (what is in use does not move), then compared by commit date and count."""
    folder = clone_dir(root, spec.name)
    wanted = "HEAD" if spec.ref is None or _HEX40.match(spec.ref) else spec.ref
    result = git.run(folder, *_SAFE, "fetch", "-q", "--no-write-fetch-head", "--", git_url(root, spec.url),
                     f"+{wanted}:{TIP_REF}", check=False)  # fmt: skip
    if result.returncode != 0:
        lines = result.stderr.decode("utf-8", "replace").strip().splitlines()
        return Behind(None, None, None, git_reason(lines))
    tip = git.resolve(folder, TIP_REF)
    if tip == commit:
        return Behind(tip, 0, 0, None)
    # Calendar days between the commit dates (as each was written, in its committer's time zone).
    days = (dt.date.fromisoformat(commit_time(folder, tip)[:10]) - dt.date.fromisoformat(committed[:10])).days
    count = git.run(folder, "rev-list", "--count", f"{commit}..{tip}").stdout.decode("ascii").strip()
    return Behind(tip, max(days, 0), int(count), None)


def git_reason(lines: list[str]) -> str:
    """Why git failed, in its words: its first ``fatal:`` line (the lines after it only advise: "Please
    make sure you have the correct access rights / and the repository exists."), else its last line."""
    fatal = [line for line in lines if line.startswith("fatal: ")]
    if fatal:
        return fatal[0].removeprefix("fatal: ")
    return lines[-1] if lines else "git fetch failed"
