"""One way to open files: regular files only, folders listed with their errors, output that never
replaces a device.

Every read of a plan, progress or output file goes through here, so that the same rules hold
everywhere (issue 18):

* ``open_regular``: ``O_NOFOLLOW`` (a symbolic link is never followed), ``O_NONBLOCK`` (a named pipe
  never blocks the open), then ``fstat`` and ``S_ISREG``: anything but a regular file (a folder, a
  pipe, a socket, a device) is refused with ``NotRegularFile``, an OSError that says what it is;
* ``walk``: ``os.walk`` that reports a folder it cannot list instead of skipping it silently;
* ``write_output`` (``-o`` of ``report`` and ``export``): a regular file (or a new one) is replaced
  atomically through a temporary file; an existing file that is not regular (``/dev/null``, a
  terminal, a named pipe someone reads) is written INTO, never replaced, so ``-o /dev/null`` works,
  ``-o /dev/full`` fails with "no space left", and a root cron job can never turn ``/dev/null`` into
  a regular file. A folder, a pipe nobody reads, a path under a regular file and an empty path are
  refused with a message that says so.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


def kind(mode: int) -> str:
    """What a file that is not a regular file is, in words."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISREG(mode):
        return "a file"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


class NotRegularFile(OSError):
    """A path that is there but is not a regular file (its ``strerror`` says what it is)."""

    def __init__(self, path: str | os.PathLike[str], mode: int):
        what = kind(mode)
        super().__init__(errno.EINVAL, f"not a regular file ({what}): not read", str(path))
        self.what = what


def open_regular(path: str | os.PathLike[str], flags: int = os.O_RDONLY) -> int:
    """A file descriptor on a regular file, never through a link and never blocking on a pipe.

    OSError when it cannot be opened (ELOOP for a symbolic link), NotRegularFile when it is
    anything but a regular file.
    """
    fd = os.open(path, flags | _NOFOLLOW | _NONBLOCK | _CLOEXEC)
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise NotRegularFile(path, mode)
        if _NONBLOCK:
            os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return fd


def read_regular(path: str | os.PathLike[str], limit: int) -> bytes | None:
    """At most ``limit + 1`` bytes of a regular file; None when nothing is there. OSError otherwise."""
    try:
        fd = open_regular(path)
    except FileNotFoundError:
        return None
    with os.fdopen(fd, "rb") as handle:
        return handle.read(limit + 1)


def walk(
    top: str | os.PathLike[str], unlistable: Callable[[OSError], None]
) -> Iterator[tuple[str, list[str], list[str]]]:
    """``os.walk`` without following links, calling ``unlistable`` for each folder that cannot be listed
    (no permission, removed meanwhile): a folder skipped silently would make its entries vanish from
    every total."""

    def report(exc: OSError) -> None:
        if not (isinstance(exc, FileNotFoundError) and os.fspath(exc.filename) == os.fspath(top)):
            unlistable(exc)

    yield from os.walk(top, onerror=report, followlinks=False)


_OURS = (errno.EINVAL, errno.EISDIR, errno.ENOTDIR, errno.ENXIO)


def reason(exc: OSError) -> str:
    """An OSError in words a person can act on."""
    if isinstance(exc, NotRegularFile) or (exc.filename is None and exc.strerror and exc.errno in _OURS):
        return exc.strerror  # our own words (write_output)
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if exc.errno == errno.ENOSPC:
        return "no space left on the device"
    if exc.errno == errno.EROFS:
        return "read-only file system"
    if exc.errno == errno.ELOOP:
        return "it is a symbolic link (not followed)"
    if exc.errno == errno.ENOTDIR:
        return "a part of the path is a file, not a folder"
    if exc.errno == errno.EISDIR:
        return "it is a folder"
    return exc.strerror or str(exc)


def reason_msg(exc: OSError) -> Any:
    """``reason`` as a message fragment (civtrack.messages), worded in the language it is shown in."""
    from civtrack.messages import msg

    if isinstance(exc, NotRegularFile):
        return msg("f.os.notregular", kind_msg(exc.what))
    if exc.filename is None and exc.strerror and exc.errno in _OURS:
        return msg(_OWN_KEYS[exc.strerror]) if exc.strerror in _OWN_KEYS else msg("f.text", exc.strerror)
    key = _REASON_KEYS.get(exc.errno or 0)
    return msg(key) if key else system_msg(exc)


def system_msg(exc: OSError) -> Any:
    """The system's words for an OSError (its ``strerror``) as a fragment: in English as the system says
    them, in Chinese translated where the error is a common one."""
    from civtrack.messages import msg

    key = _SYSTEM_KEYS.get(exc.errno or 0)
    text = exc.strerror or str(exc)
    return msg(key, text) if key and exc.strerror else msg("f.text", text)


_SYSTEM_KEYS = {
    errno.ENOENT: "f.sys.enoent", errno.ENOTDIR: "f.sys.enotdir", errno.EISDIR: "f.sys.eisdir",
    errno.EEXIST: "f.sys.eexist", errno.EACCES: "f.sys.eacces", errno.EPERM: "f.sys.eacces",
    errno.ENOSPC: "f.sys.enospc", errno.EROFS: "f.sys.erofs", errno.ELOOP: "f.sys.eloop",
}  # fmt: skip
# write_output's own words (an OSError without a file name: see there).
_OWN_KEYS = {
    "no file name given": "f.out.noname",
    "a part of the path is a file, not a folder": "f.os.notdir",
    "it is a folder: give a file name": "f.out.folder",
    "it is a named pipe that no process reads": "f.out.pipe",
}


_REASON_KEYS = {
    errno.EACCES: "f.os.denied", errno.EPERM: "f.os.denied", errno.ENOSPC: "f.os.nospace",
    errno.EROFS: "f.os.readonly", errno.ELOOP: "f.os.link", errno.ENOTDIR: "f.os.notdir", errno.EISDIR: "f.os.isdir",
}  # fmt: skip
_KIND_KEYS = {
    "a folder": "f.kind.folder", "a file": "f.kind.file", "a named pipe": "f.kind.pipe", "a socket": "f.kind.socket",
    "a symbolic link": "f.kind.link", "a device": "f.kind.device", "not a regular file": "f.kind.other",
}  # fmt: skip


def kind_msg(what: str) -> Any:
    """``kind``'s words as a message fragment."""
    from civtrack.messages import msg

    return msg(_KIND_KEYS[what])


def write_output(path: Path, chunks: Iterable[str] | bytes) -> None:
    """Write the text of ``chunks`` (or bytes: a workbook, a Word file) to ``path`` (``-o`` of report and
    export). OSError on failure.

    A new or regular file: through a temporary file renamed over it, so that a reader (or a cron job
    interrupted half-way) never sees half a report. An existing device or a named pipe that a process
    reads: written into, never replaced. A folder or a pipe nobody reads: refused.
    """
    if not str(path):
        raise OSError(errno.EINVAL, "no file name given")
    target = path.expanduser()
    try:
        mode: int | None = os.stat(target).st_mode  # a link to /dev/null writes into /dev/null
    except FileNotFoundError:
        mode = None
    except NotADirectoryError:
        raise OSError(errno.ENOTDIR, "a part of the path is a file, not a folder") from None
    if mode is not None and stat.S_ISDIR(mode):
        raise OSError(errno.EISDIR, "it is a folder: give a file name")
    if mode is not None and not stat.S_ISREG(mode):
        _write_into(target, mode, chunks)
        return
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise OSError(errno.ENOTDIR, "a part of the path is a file, not a folder") from None
    handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        # mkstemp makes the file private (0600); a report gets the mode a new file would get.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temp, 0o666 & ~umask)
        with _opened(handle, chunks) as out:
            _write(out, chunks)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, target)
    except BaseException:
        os.unlink(temp)
        raise


def _opened(fd: int, chunks: Iterable[str] | bytes) -> IO[Any]:
    return os.fdopen(fd, "wb") if isinstance(chunks, bytes) else os.fdopen(fd, "w", encoding="utf-8", newline="\n")


def _write(out: IO[Any], chunks: Iterable[str] | bytes) -> None:
    if isinstance(chunks, bytes):
        out.write(chunks)
    else:
        out.writelines(chunks)


def _write_into(target: Path, mode: int, chunks: Iterable[str] | bytes) -> None:
    """Write into an existing device or pipe (never replacing it)."""
    try:
        fd = os.open(target, os.O_WRONLY | _NONBLOCK | _CLOEXEC)
    except OSError as exc:
        if exc.errno == errno.ENXIO and stat.S_ISFIFO(mode):
            raise OSError(errno.ENXIO, "it is a named pipe that no process reads") from None
        raise
    os.set_blocking(fd, True)
    with _opened(fd, chunks) as out:
        _write(out, chunks)
        out.flush()
