"""Files a cache keeps for itself (a help's answer, a plan as evaluated, a source's month): each written
whole or not at all, never through a link, and only the newest few kept in a folder.

Light to import (``os`` only): the help cache (civtrack.helpcache) uses it before anything else is loaded.
"""

from __future__ import annotations

import os

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def write_whole(path: str | os.PathLike[str], data: bytes, mode: int = 0o644) -> None:
    """``data`` as the file ``path``: written to a temporary file beside it (made there, ``O_EXCL`` and
    ``O_NOFOLLOW``: never through a link or a file already there), then renamed into place, so that a
    reader finds the old file, no file, or the new one, never half of it. OSError when it cannot be
    done, with nothing left behind."""
    path = os.fspath(path)
    folder, name = os.path.split(path)
    temporary = os.path.join(folder, f".{name}.{os.getpid()}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, mode)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        # Renamed over an existing file, ext4 starts writing the new one out (auto_da_alloc): for a
        # thousand files, twice the time of removing the old one first (docs/performance.md).
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass
        os.replace(temporary, path)
    except OSError:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


def keep_newest(folder: str | os.PathLike[str], count: int, suffix: str = "") -> None:
    """Of the files of ``folder`` named ``…suffix``, the ``count`` written last stay; the others go (a
    tie in time: the later name stays)."""
    with os.scandir(folder) as entries:
        kept = [(entry.stat().st_mtime_ns, entry.name, entry.path) for entry in entries if entry.name.endswith(suffix)]
    if len(kept) > count:
        for _, _, path in sorted(kept)[: len(kept) - count]:
            try:
                os.unlink(path)
            except OSError:
                pass
