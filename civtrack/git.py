"""Reading plans and progress at a git revision, and who added each line.

Everything goes through ``git`` subprocesses with argument lists (no shell).
Revisions typed by people are checked before use: nothing that starts with
``-`` reaches git (it would be read as an option), and ``git rev-parse
--verify`` turns a name into a commit id; after that only commit and blob ids
are passed on. Files are read straight from git objects (``git ls-tree`` and
``git cat-file``), so a revision is read without a checkout, in a dirty tree.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from civtrack.errors import InputError, error, fail
from civtrack.messages import msg
from civtrack.yamlsafe import shown

ZERO = "0" * 40


def _env() -> dict[str, str]:
    # Never prompt (credentials, pagers); messages in English so they read the same everywhere.
    return {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_PAGER": "cat", "LC_ALL": "C"}


def run(root: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[bytes]:
    """``git -C root args…``; InputError with git's own message when it fails."""
    try:
        result = subprocess.run(["git", "-C", str(root), *args], capture_output=True, env=_env(), check=False)
    except FileNotFoundError:
        raise fail("E600") from None
    if check and result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise fail("E601", args[0], msg("f.text", message[-1]) if message else msg("f.failed"))
    return result


def is_repository(root: Path) -> bool:
    try:
        result = run(root, "rev-parse", "--is-inside-work-tree", check=False)
    except InputError:
        return False
    return result.returncode == 0 and result.stdout.strip() == b"true"


def require_repository(root: Path) -> None:
    if not is_repository(root):
        raise InputError(error(str(root), None, "E602"))


def prefix(root: Path) -> str:
    """Where the civtrack root is inside the git work tree ('' at the top, else 'sub/dir/')."""
    return os.fsdecode(run(root, "rev-parse", "--show-prefix").stdout.rstrip(b"\n"))


def check_revision_text(rev: str) -> None:
    """Refuse what git could read as an option or that cannot be a revision."""
    if not rev or rev.startswith("-") or any(ch in rev for ch in "\0\n\r") or rev.strip() != rev:
        raise fail("E603", shown(rev))


def resolve(root: Path, rev: str) -> str:
    """The commit id a revision names; InputError for an unknown revision."""
    check_revision_text(rev)
    result = run(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}", check=False)
    if result.returncode != 0:
        raise fail("E604.empty" if rev == "HEAD" else "E604", shown(rev))
    return result.stdout.decode("ascii").strip()


def has_commits(root: Path) -> bool:
    return run(root, "rev-parse", "--verify", "--quiet", "HEAD^{commit}", check=False).returncode == 0


def merge_base(root: Path, a: str, b: str) -> str:
    result = run(root, "merge-base", a, b, check=False)
    if result.returncode != 0:
        raise fail("E605")
    return result.stdout.decode("ascii").strip()


def short(commit: str) -> str:
    return commit[:10]


@dataclass(frozen=True)
class Blob:
    oid: str
    size: int
    mode: str


class GitSource:
    """The files of a commit, read from git objects: implements civtrack.load.Source.

    Use as a context manager (or call close()): one ``git cat-file --batch``
    process serves every read.
    """

    def __init__(self, root: Path, commit: str, label: str | None = None):
        self.root = root
        self.commit = commit
        self.label = label or short(commit)
        self.prefix = prefix(root)
        self.links: list[str] = []
        self._blobs: dict[str, Blob] = {}
        self._batch: subprocess.Popen[bytes] | None = None
        self._list()

    def _list(self) -> None:
        from civtrack.workspace import PLANS_DIR, PROGRESS_DIR

        specs = [f"{self.prefix}{PLANS_DIR}", f"{self.prefix}{PROGRESS_DIR}"]
        out = run(self.root, "ls-tree", "-r", "-z", "-l", "--full-tree", self.commit, "--", *specs).stdout
        for record in out.split(b"\0"):
            if not record:
                continue
            meta, _, raw_path = record.partition(b"\t")
            mode, kind, oid, size = meta.split()
            path = os.fsdecode(raw_path)
            if not path.startswith(self.prefix):  # pragma: no cover - the pathspecs select under the prefix
                continue
            rel = path[len(self.prefix) :]
            if kind != b"blob":
                continue  # submodules
            if mode == b"120000":
                self.links.append(rel)
                continue
            self._blobs[rel] = Blob(oid.decode("ascii"), int(size), mode.decode("ascii"))

    def files(self, folder: str) -> list[str]:
        base = folder.rstrip("/") + "/"
        return sorted(rel for rel in self._blobs if rel.startswith(base))

    def exists(self, relpath: str) -> bool:
        return relpath in self._blobs

    def read(self, relpath: str, limit: int) -> bytes:
        blob = self._blobs[relpath]
        if blob.size > limit:
            return self._read_bounded(blob.oid, limit + 1)
        batch = self._start()
        assert batch.stdin is not None and batch.stdout is not None
        batch.stdin.write(blob.oid.encode("ascii") + b"\n")
        batch.stdin.flush()
        header = batch.stdout.readline().split()
        if len(header) != 3 or header[1] != b"blob":  # pragma: no cover - the id came from ls-tree
            raise InputError(error(self.display(relpath), None, "E606"))
        data = _read_exactly(batch.stdout, int(header[2]))
        batch.stdout.read(1)  # the newline after the contents
        return data

    def _read_bounded(self, oid: str, count: int) -> bytes:
        # A file above the size limit: read only what is needed to refuse it.
        with subprocess.Popen(
            ["git", "-C", str(self.root), "cat-file", "blob", oid], stdout=subprocess.PIPE, env=_env()
        ) as proc:
            assert proc.stdout is not None
            data = proc.stdout.read(count)
            proc.kill()
        return data

    def _start(self) -> subprocess.Popen[bytes]:
        if self._batch is None:
            self._batch = subprocess.Popen(
                ["git", "-C", str(self.root), "cat-file", "--batch"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                env=_env(),
            )
        return self._batch

    def display(self, relpath: str) -> str:
        # As DiskSource.display: a name with undecodable bytes or control characters is shown escaped.
        from civtrack.yamlsafe import shown

        return shown(f"{self.label}:{relpath}", limit=4096)

    def close(self) -> None:
        if self._batch is not None:
            assert self._batch.stdin is not None
            self._batch.stdin.close()
            self._batch.wait()
            if self._batch.stdout is not None:
                self._batch.stdout.close()
            self._batch = None

    def __enter__(self) -> GitSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _read_exactly(stream: IO[bytes], size: int) -> bytes:
    chunks = []
    while size > 0:
        chunk = stream.read(size)
        if not chunk:  # pragma: no cover - git exited mid-answer
            raise fail("E607")
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


# --- blame ----------------------------------------------------------------------


@dataclass(frozen=True)
class Origin:
    """The commit that added a line (``commit`` is None for a line not committed yet)."""

    commit: str | None
    author: str | None
    email: str | None
    date: dt.datetime | None
    summary: str | None


def blame(root: Path, relpath: str) -> dict[int, Origin]:
    """Line number → the commit, author and date that added it (``git blame --porcelain``).

    Lines of a file git does not track yet, or not committed yet, get an Origin
    with ``commit`` None. Returns {} outside a git repository.
    """
    if not is_repository(root):
        return {}
    result = run(root, "blame", "--porcelain", "--", relpath, check=False)
    if result.returncode != 0:
        return {}  # untracked file: nothing committed yet
    return parse_porcelain(result.stdout)


def parse_porcelain(out: bytes) -> dict[int, Origin]:
    commits: dict[str, dict[str, str]] = {}
    lines: dict[int, Origin] = {}
    current: dict[str, str] | None = None
    sha = ""
    final = 0
    for raw in out.split(b"\n"):
        if raw.startswith(b"\t"):
            assert current is not None
            lines[final] = _origin(sha, current)
            current = None
            continue
        text = raw.decode("utf-8", "replace")
        if current is None:
            fields = text.split(" ")
            if len(fields) < 3:
                continue
            sha, final = fields[0], int(fields[2])
            current = commits.setdefault(sha, {})
            continue
        key, _, value = text.partition(" ")
        current[key] = value
    return lines


def _origin(sha: str, info: dict[str, str]) -> Origin:
    if sha == ZERO:
        return Origin(None, None, None, None, None)
    when = None
    if "author-time" in info:
        stamp = int(info["author-time"])
        tz = info.get("author-tz", "+0000")
        sign = -1 if tz.startswith("-") else 1
        offset = dt.timedelta(hours=int(tz[1:3]), minutes=int(tz[3:5])) * sign
        when = dt.datetime.fromtimestamp(stamp, dt.timezone(offset))
    return Origin(sha, info.get("author"), info.get("author-mail", "").strip("<>") or None, when, info.get("summary"))
