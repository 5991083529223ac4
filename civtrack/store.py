"""Writing progress: the only code that writes progress files.

A month file (``progress/<plan>/YYYY-MM.yaml``) is an append-only YAML list. An
entry is added as one line (a flow mapping, see ``format_entry``) at the end of
the file:

* the existing bytes are never rewritten, so ``git diff`` shows only added lines
  and git's union merge (.gitattributes) can combine two branches' entries;
* every entry written carries a random ``id`` as its last key (``new_entry_id``), so that no two
  lines are ever the same: the union merge keeps identical added lines once;
* keys come in the order of ``model.ENTRY_FIELDS``; every text field is written
  as a YAML double-quoted scalar with escapes, so any note (colons, ``#``,
  quotes, Chinese, newlines, control characters) reads back exactly;
* writers take a lock (filelock, one lock file per month file under
  ``.civtrack/locks/``), so concurrent ``record`` processes never interleave;
* the block goes out in one ``write`` call, then ``fsync``; when the write fails
  (disk full, I/O error) the file is truncated back to its previous size, so
  nothing is half-written.

A crash (power loss, a killed process) can still leave a *torn* last entry: a
prefix of its line, without the final newline. ``unterminated_tail`` finds
that block so that the loader reports it with its line ("incomplete last entry
(interrupted write?)") instead of dropping it or reading a cut value.
"""

from __future__ import annotations

import datetime as dt
import errno
import functools
import os
import re
import stat
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from civtrack.errors import InputError, error
from civtrack.messages import Msg, msg, render_message
from civtrack.model import ENTRY_FIELDS, Entry

LOCK_DIR = ".civtrack/locks"
LOCK_TIMEOUT = 60.0
TORN_MESSAGE = "incomplete last entry (interrupted write?)"  # how E211 begins, in English
TORN_KEY = "E211"
# Testing hook (tests/test_record_faults.py): "BYTES[:SECONDS]" writes the entry in
# chunks of BYTES with a pause after each, so that a killed process really leaves a
# torn entry behind. Never set in normal use.
_CHUNK_ENV = "CIVTRACK_TEST_WRITE_CHUNK"

_STR_TAG = "tag:yaml.org,2002:str"


@functools.cache
def _resolver() -> tuple[Any, type]:
    """PyYAML's resolver and its scalar node, made on first use: a run that writes nothing (a warm
    `status`) never loads PyYAML."""
    import yaml.resolver

    return yaml.resolver.Resolver(), yaml.ScalarNode


# --- formatting -------------------------------------------------------------------


def _printable(code: int) -> bool:
    """Characters that may stand unescaped inside a double-quoted YAML scalar.

    NEL, LINE SEPARATOR and PARAGRAPH SEPARATOR are line breaks to YAML (they
    would be folded into spaces), the BOM is stripped by some readers, and C0/C1
    controls, DEL and surrogates are not allowed in a YAML stream at all.
    """
    if 0x20 <= code <= 0x7E:
        return True
    if code < 0xA0:
        return False
    if code in (0x2028, 0x2029, 0xFEFF) or 0xD800 <= code <= 0xDFFF:
        return False
    return code not in (0xFFFE, 0xFFFF)


_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r"}


def quote(text: str) -> str:
    """``text`` as a YAML double-quoted scalar that reads back exactly."""
    out = ['"']
    for char in text:
        escaped = _ESCAPES.get(char)
        if escaped is not None:
            out.append(escaped)
            continue
        code = ord(char)
        if _printable(code):
            out.append(char)
        elif code <= 0xFF:
            out.append(f"\\x{code:02x}")
        elif code <= 0xFFFF:
            out.append(f"\\u{code:04x}")
        else:  # pragma: no cover - every character above U+FFFF is printable
            out.append(f"\\U{code:08x}")
    out.append('"')
    return "".join(out)


def format_number(value: int | float) -> str:
    """A number that YAML 1.1 reads back as the same int or float.

    PyYAML reads ``1e+16`` as text (its float pattern needs a dot), so the
    shortest repr of a float gets ``.0`` in its mantissa when it has none.
    """
    if isinstance(value, bool):  # pragma: no cover - the model refuses booleans
        raise TypeError("a boolean is not a number")
    if isinstance(value, int):
        return str(value)
    text = repr(float(value))
    mantissa, _, exponent = text.partition("e")
    if "." not in mantissa:
        mantissa += ".0"
    if exponent and exponent[0] not in "+-":
        exponent = "+" + exponent
    return f"{mantissa}e{exponent}" if exponent else mantissa


def _plain_or_quoted(text: str) -> str:
    # An id such as "2021-06-15" or "123" would read back as a date or a number.
    resolver, scalar = _resolver()
    if resolver.resolve(scalar, text, (True, False)) == _STR_TAG:
        return text
    return quote(text)


ENTRY_ID_LENGTH = 8
_PLAIN_ID = re.compile(r"[a-z][a-z0-9-]*")
_ID_FIRST = "abcdefghijklmnopqrstuvwxyz"
_ID_REST = _ID_FIRST + "234567"  # base32 (RFC 4648), lower case


def new_entry_id() -> str:
    """A random entry id: 8 characters of base32, the first a letter (about 40 bits).

    It makes every line ``record`` writes unique: git's union merge keeps identical added
    lines once, so two branches recording the same value on the same day would otherwise
    merge into one entry, silently. The first character is a letter so that YAML never reads
    the id as a number (and the fast reader takes the file).
    """
    import secrets

    return secrets.choice(_ID_FIRST) + "".join(secrets.choice(_ID_REST) for _ in range(ENTRY_ID_LENGTH - 1))


def format_entry(entry: Entry) -> str:
    """One list item on one line, keys in ENTRY_FIELDS order, ending with a newline.

    ``- {date: 2026-03-31, indicator: elder-beds, value: 120, note: "一季度"}``

    One line per entry, not a block of ``key: value`` lines, because git's union
    merge works on lines: when two branches append blocks that share a line (the
    same date, indicator or reporter), it keeps that line once and the blocks
    interleave (two ``value:`` keys under one ``- date:``, or a field moved to the
    other entry). A whole entry per line can only be kept or not. It also makes
    a torn write exact to detect: every prefix of the line lacks its closing brace.
    The entry's ``id`` (``new_entry_id``), when it has one, comes last.
    """
    data = entry.model_dump(exclude_none=True)
    fields: list[str] = []
    for key in ENTRY_FIELDS:
        if key not in data:
            continue
        value = data[key]
        if key == "date":
            text = value.isoformat() if isinstance(value, dt.date) else str(value)
        elif key == "indicator":
            text = _plain_or_quoted(value)
        elif key == "value":
            text = format_number(value)
        elif key == "done":
            text = "true" if value else "false"
        else:
            text = quote(value)
        fields.append(f"{key}: {text}")
    if entry.id is not None:  # last, so that the rest of the line reads as before
        plain = _PLAIN_ID.fullmatch(entry.id) and _plain_or_quoted(entry.id) == entry.id
        fields.append(f"id: {entry.id if plain else quote(entry.id)}")
    return "- {" + ", ".join(fields) + "}\n"


# --- torn tails --------------------------------------------------------------------


@dataclass(frozen=True)
class Tail:
    """The last block of a file that does not end with a newline."""

    offset: int  # where the block starts (the file up to here is whole)
    line: int  # its first line, 1-based
    nul_bytes: int  # NUL bytes that ended the file (a crash can leave zeros behind)


def unterminated_tail(data: bytes) -> Tail | None:
    """Where the last block starts, when the file does not end with a newline.

    Every block that ``record`` writes ends with a newline, so a file that does
    not may end with a block cut short by a crash. The block starts at the last
    line that begins with ``-`` (a list item); None when the file ends with a
    newline, is blank, or has no list item.
    """
    stripped = data.rstrip(b"\x00")
    nuls = len(data) - len(stripped)
    if b"\x00" in stripped:
        return None  # NULs inside the text: not a torn append but another encoding (UTF-16) or binary
    if not nuls and (not data or data.endswith(b"\n") or (data.endswith(b"\r") and _lone_cr(data))):
        return None  # (a file of lone-CR lines ends with its line ending too)
    if nuls and (not stripped or stripped.endswith(b"\n")):
        # Only zeros were appended: the torn part starts after the last whole line.
        return Tail(len(stripped), stripped.count(b"\n") + 1, nuls)
    index = stripped.rfind(b"\n-")
    if index >= 0:
        start = index + 1
    elif stripped.startswith(b"-"):
        start = 0
    else:
        return None
    return Tail(start, stripped.count(b"\n", 0, start) + 1, nuls)


# --- appending ----------------------------------------------------------------------


def lock_path(root: Path, relpath: str) -> Path:
    """The lock file guarding one progress file."""
    return root / LOCK_DIR / (relpath.replace("/", "__") + ".lock")


def _ensure_lock_dir(root: Path) -> Path:
    """``.civtrack/locks``, made one level at a time and never through a link (a link would make record
    create files wherever it leads): OSError (ELOOP) when a part of it is not a real folder."""
    import stat

    folder = root / LOCK_DIR
    made = False
    level = root
    for part in LOCK_DIR.split("/"):
        level = level / part
        try:
            level.mkdir()
            made = True
        except FileExistsError:
            pass
        if not stat.S_ISDIR(os.lstat(level).st_mode):
            raise _LockError(msg("f.lock.folder", str(level.relative_to(root))))
    if made:
        ignore = folder.parent / ".gitignore"
        try:
            # The folder holds only local state (locks, caches): keep it out of git.
            with open(ignore, "x", encoding="utf-8") as handle:
                handle.write("# civtrack's local state (locks, caches): not for git\n*\n")
        except FileExistsError:
            pass
    return folder


class _LockError(OSError):
    """The lock's folder or file is not what it must be: civtrack's own words (``words``, a fragment)."""

    def __init__(self, words: Msg):
        super().__init__(errno.ELOOP, render_message(words.key, words.args, "en"))
        self.words = words


@contextmanager
def locked(root: Path, relpath: str, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """Hold the lock of one progress file (other ``record`` processes wait for it)."""
    from filelock import FileLock, Timeout

    from civtrack.files import system_msg

    shown = relpath
    try:
        _ensure_lock_dir(root)
        path = lock_path(root, relpath)
        try:
            if os.path.islink(path) or not os.path.isfile(path) and os.path.lexists(path):
                raise _LockError(msg("f.lock.file", path.name))
        except FileNotFoundError:
            pass
        lock = FileLock(str(path), timeout=timeout)
        lock.acquire()
    except Timeout:
        raise InputError(error(shown, None, "E505", f"{timeout:g}")) from None
    except OSError as exc:
        raise InputError(
            error(str(root / LOCK_DIR), None, "E506", shown, getattr(exc, "words", None) or system_msg(exc))
        ) from None
    try:
        yield
    finally:
        lock.release()


def wait_for_append(root: Path, relpath: str, timeout: float = 10.0) -> bool:
    """Wait while a ``record`` holds the lock of this file; False when no writer could be waited for.

    For readers that find a file without its last newline: it may be an append in
    progress. A shared ``flock`` on the existing lock file (filelock takes an
    exclusive one) returns once the writer is done; nothing is created, so this
    works in a read-only checkout too.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: the caller falls back to reading again later
        return False
    try:
        fd = os.open(lock_path(root, relpath), os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return False  # no lock file: no record has ever written this file from this root
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EWOULDBLOCK, errno.EACCES) or time.monotonic() > deadline:
                    return False
                time.sleep(0.002)
                continue
            fcntl.flock(fd, fcntl.LOCK_UN)
            return True
    finally:
        os.close(fd)


def read_existing(path: Path, limit: int, shown: str | None = None) -> bytes | None:
    """The current bytes of a progress file (None when it does not exist yet)."""
    from civtrack.files import NotRegularFile, read_regular, reason_msg

    try:
        return read_regular(path, limit)  # a pipe or a folder is refused, never waited on
    except NotRegularFile as exc:
        raise InputError(error(shown or str(path), None, "E507", reason_msg(exc))) from None
    except OSError as exc:
        raise InputError(error(shown or str(path), None, "E508", _reason(exc))) from None


def payload(existing: bytes | None, block: str) -> bytes:
    """The bytes to append: the block, after a newline when the file lacks its last one.

    Without it the new ``- date:`` would continue the last line of the file
    instead of starting a new list item.
    """
    data = block.encode("utf-8")
    if existing and _lone_cr(existing):
        # A file whose lines end with CR alone (old Mac editors; YAML and `check` read it): the entry gets
        # the file's own line ending, so that it reads back as one more line (issue 18, D16).
        data = data.replace(b"\n", b"\r")
        return data if existing.endswith(b"\r") else b"\r" + data
    if existing and not existing.endswith(b"\n"):
        return b"\n" + data
    return data


def _lone_cr(data: bytes) -> bool:
    return b"\r" in data and b"\n" not in data


def block_line(existing: bytes | None, data: bytes) -> int:
    """The 1-based line where the appended block starts."""
    before = existing or b""
    if before and _lone_cr(before):
        return before.count(b"\r") + 1 + (1 if data.startswith(b"\r") else 0)
    return before.count(b"\n") + 1 + (1 if data.startswith(b"\n") else 0)


def _reason(exc: OSError) -> Msg:
    """files.reason's words, with a hint where a write is refused (a folder made read-only)."""
    from civtrack.files import reason_msg, system_msg

    if exc.errno in (errno.EACCES, errno.EPERM):
        return msg("f.os.denied_write")
    if exc.errno in (errno.EROFS, errno.ENOSPC, errno.ELOOP):
        return reason_msg(exc)
    return reason_msg(exc) if exc.errno in (errno.ENOTDIR, errno.EISDIR) else system_msg(exc)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory fds
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover - some file systems refuse fsync on directories
        pass
    finally:
        os.close(fd)


def append(path: Path, data: bytes, expected_size: int, shown: str) -> None:
    """Append ``data`` to ``path`` (created if missing) and fsync; all or nothing.

    Call with the file's lock held, ``expected_size`` being the size read under
    it. Any failure truncates the file back to that size and raises InputError.
    """
    created_dirs: list[Path] = []
    folder = path.parent
    while not folder.exists():
        created_dirs.append(folder)
        folder = folder.parent
    existed = os.path.lexists(path)
    try:
        for new in reversed(created_dirs):
            new.mkdir()
        flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
        fd = os.open(path, flags, 0o666)
    except OSError as exc:
        _remove_new(None, created_dirs)
        raise InputError(error(shown, None, "E509", _reason(exc))) from None
    try:
        size = os.fstat(fd).st_size
        if size != expected_size:
            raise InputError(error(shown, None, "E510"))
        try:
            _write_all(fd, data)
            os.fsync(fd)
        except OSError as exc:
            try:
                os.ftruncate(fd, expected_size)
                os.fsync(fd)
            except OSError:  # pragma: no cover - the device failed twice; the loader reports the torn block
                pass
            os.close(fd)
            fd = -1
            # A month file (and folders) made for this entry go too (issue 18, D19: a full disk left an empty
            # month file and its folder behind, though "nothing was recorded").
            _remove_new(None if existed else path, created_dirs)
            raise InputError(error(shown, None, "E509", _reason(exc))) from None
    finally:
        if fd >= 0:
            os.close(fd)
    if size == 0:
        # A new file (or folders): make their directory entries durable too.
        for folder in {path.parent, *(new.parent for new in created_dirs)}:
            _fsync_dir(folder)


def _remove_new(path: Path | None, created_dirs: list[Path]) -> None:
    """Remove a file and the folders made for it (deepest first), as far as they are still empty."""
    try:
        if path is not None:
            os.unlink(path)
        for folder in created_dirs:  # deepest first
            folder.rmdir()
    except OSError:  # pragma: no cover - another writer put something there meanwhile: leave it
        pass


def _write_all(fd: int, data: bytes) -> None:
    hook = os.environ.get(_CHUNK_ENV)
    if hook:  # "BYTES" or "BYTES:SECONDS" (the pause after each chunk)
        size, _, pause = hook.partition(":")
        chunk = max(1, int(size))
        for start in range(0, len(data), chunk):
            _write_fully(fd, data[start : start + chunk])
            time.sleep(float(pause or 0.002))
        return
    _write_fully(fd, data)


def _write_fully(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        if written <= 0:  # pragma: no cover - os.write raises instead
            raise OSError(errno.EIO, "short write")
        view = view[written:]


def refuse_links(root: Path, rel: str, shown_root: str, who: str = "record") -> None:
    """InputError when progress/, the plan's folder or the month file ``rel`` is a symbolic link (progress is
    written only into real files of the repository), when a folder on the way is not a folder, or when it
    cannot be searched (never exit 3, issue 18 D3)."""
    from civtrack.files import kind, kind_msg, reason_msg

    parts = rel.split("/")
    for depth in range(1, len(parts) + 1):
        link = "/".join(parts[:depth])
        name = link if shown_root == "." else f"{shown_root}/{link}"  # not display_path(root / link): it resolves
        try:
            mode = os.lstat(root / link).st_mode
        except FileNotFoundError:
            return  # created by the append
        except OSError as exc:  # a folder on the way that cannot be searched
            raise InputError(error(name, None, "E508", reason_msg(exc))) from None
        if stat.S_ISLNK(mode):
            raise InputError(error(name, None, "E511", who))
        if depth < len(parts) and not stat.S_ISDIR(mode):
            raise InputError(error(name, None, "E512", kind_msg(kind(mode))))


# --- appending to several files at once --------------------------------------------------


def append_files(
    root: Path,
    rels: list[str],
    limit: int,
    build: Callable[[str, bytes | None], bytes],
    *,
    dry_run: bool = False,
    shown: Callable[[Path], str] = str,
) -> dict[str, bytes | None]:
    """Append to several progress files, all or nothing; returns each file's bytes as they were.

    Every file's lock is taken (in sorted order, so two writers never wait for each
    other crosswise), every file is read, and ``build(rel, existing)`` gives the bytes
    to append to it (``payload`` of its blocks; empty for nothing), checked: it raises
    InputError to refuse, and then nothing is written anywhere. The files are then
    appended one by one (``append``: fsynced, truncated back on failure); should one
    fail, those already appended are truncated back to their previous size too. With
    ``dry_run`` no lock is taken and nothing is written.
    """
    ordered = sorted(dict.fromkeys(rels))
    with ExitStack() as stack:
        if not dry_run:
            for rel in ordered:
                stack.enter_context(locked(root, rel))
        planned: list[tuple[str, bytes | None, bytes]] = []
        for rel in dict.fromkeys(rels):
            existing = read_existing(root / rel, limit, shown(root / rel))
            planned.append((rel, existing, build(rel, existing)))
        if not dry_run:
            done: list[tuple[Path, int]] = []
            try:
                for rel, existing, data in planned:
                    if data:
                        path = root / rel
                        append(path, data, len(existing or b""), shown(path))
                        done.append((path, len(existing or b"")))
            except InputError:
                for path, size in done:
                    _undo(path, size)
                raise
    return {rel: existing for rel, existing, _ in planned}


def _undo(path: Path, size: int) -> None:
    """Take an append back (another file of the same import failed)."""
    try:
        if size == 0:
            path.unlink()
        else:
            os.truncate(path, size)
    except OSError:  # pragma: no cover - the device failed twice; check reports what is left
        pass
