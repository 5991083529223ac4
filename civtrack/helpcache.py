"""The help, kept like bytecode: `civtrack --help` and `civtrack <command> --help` answered from the bytes a
previous run printed, without building the command line (typer, click and rich take about six times the
start-up of Python itself).

The first run of a help renders it through typer and rich as always (civtrack.cli), with its standard output
copied as it is written; when the run did show a help (civtrack.cli's format_help said so: ``shown``) and
ended with exit code 0, the bytes are kept in ``$XDG_CACHE_HOME/civtrack/help/`` (by default
``~/.cache/civtrack/help/``). A later run whose key is the same prints them. The key holds everything the
text depends on:

* civtrack: its version and a fingerprint of every file of the package (name, size, time of change), so
  that an editable install never shows an old help; typer, rich and the libraries rich draws Markdown
  with (their files' size and time: an upgrade rewrites them); Python's version;
* the command line as given (which names the command, --lang and --root), the program's name, and the
  language of civtrack.toml at the root the command line would use (civtrack.helplang.config_lang);
* the terminal: whether the output is one, its width, its encoding, and every environment variable rich
  and typer read for width and colour (COLUMNS, NO_COLOR, FORCE_COLOR, TERM...).

The cached file starts with its whole key, compared byte for byte when read (its name is a checksum of
the key: two keys may share a name, never an answer); a file that is not the user's own, or that others
may write, is not read (its bytes go to the terminal). A cache folder that cannot be made or written is
skipped silently: the help is rendered as before. At most ``KEEP`` answers are kept (the oldest go).

Why not help written at install time: the text depends on the terminal's width, colour, and the language
of the repository the command runs in, which no installer knows, and an editable install changes with
every edit of the sources (no install step runs then).

Kept cheap: only modules ``import civtrack`` has loaded already, plus zlib, civtrack.helplang and
civtrack.wholefile.
"""

from __future__ import annotations

import io
import os
import sys
import zlib

import civtrack
from civtrack import __version__

HELP_OPTIONS = ("--help", "-h")
# Environment variables rich and typer read to choose the width and the colours (rich.console,
# typer.rich_utils); CIVTRACK_ROOT names the root whose civtrack.toml gives the language.
ENVIRONMENT = (
    "COLUMNS", "JUPYTER_COLUMNS", "NO_COLOR", "FORCE_COLOR", "PY_COLORS", "GITHUB_ACTIONS", "TERM", "COLORTERM",
    "TTY_COMPATIBLE", "TTY_INTERACTIVE", "TERMINAL_WIDTH", "_TYPER_FORCE_DISABLE_TERMINAL", "TYPER_USE_RICH",
    "DATABRICKS_RUNTIME_VERSION", "UNICODE_VERSION", "CIVTRACK_ROOT",
)  # fmt: skip
# The libraries the help is drawn with (rich draws the Markdown of the help with markdown-it and Pygments).
LIBRARIES = ("typer", "rich", "markdown_it", "mdurl", "pygments")
KEEP = 256
# Set by civtrack.cli when a help is rendered: only then are the run's bytes a help to keep.
_shown = False


def shown() -> None:
    """A help was rendered in this run (civtrack.cli's format_help)."""
    global _shown
    _shown = True


def is_help(args: list[str]) -> bool:
    """Whether ``args`` ask for a help (an option, before any ``--``): only such runs are looked up."""
    for arg in args:
        if arg == "--":
            return False
        if arg in HELP_OPTIONS:
            return True
    return False


def folder() -> str | None:
    """Where answers are kept: ``$XDG_CACHE_HOME/civtrack/help`` (``~/.cache/civtrack/help``); None when
    there is no absolute place for it (no home folder: nothing is kept in the working folder)."""
    base = os.environ.get("XDG_CACHE_HOME") or ""
    if not os.path.isabs(base):  # unset, or relative (the XDG specification says to ignore it then)
        base = os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "civtrack", "help") if os.path.isabs(base) else None


def fingerprint(package: str) -> list[tuple[str, int, int]]:
    """Every file below ``package`` (bytecode aside) as (path, size, time of change in ns), sorted."""
    found = []
    pending = [package]
    while pending:
        with os.scandir(pending.pop()) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    if entry.name != "__pycache__":
                        pending.append(entry.path)
                    continue
                st = entry.stat()
                found.append((entry.path[len(package) :], st.st_size, st.st_mtime_ns))
    return sorted(found)


def _libraries() -> list[tuple[str, int, int] | None]:
    from importlib.machinery import PathFinder

    found: list[tuple[str, int, int] | None] = []
    for name in LIBRARIES:
        try:
            spec = PathFinder.find_spec(name)
            origin = spec.origin if spec is not None else None
            st = os.stat(origin) if origin else None
        except (OSError, ImportError, ValueError):
            st = origin = None
        found.append((origin, st.st_size, st.st_mtime_ns) if st and origin else None)
    return found


def _width() -> int | None:
    """The terminal's width as rich finds it (the first of stdin, stdout, stderr that is a terminal)."""
    for fd in (0, 1, 2):
        try:
            return os.get_terminal_size(fd).columns
        except (AttributeError, ValueError, OSError):
            continue
    return None


def key(args: list[str]) -> bytes:
    """Everything the help of ``args`` depends on, as bytes (see the module's docstring)."""
    from civtrack.helplang import config_lang, value_in_args

    package = os.path.dirname(os.path.abspath(civtrack.__file__))
    files = fingerprint(package)
    # The top level's --root: read up to the command's name, as civtrack.cli's Group reads it. A name of
    # commands/ stands for the commands: a help is only kept when the command line named a real one.
    commands = {path.rsplit("/", 1)[-1].split(".", 1)[0] for path, _, _ in files if path.startswith("/commands/")}
    root = value_in_args(args, "--root", commands=sorted(commands))
    out = sys.stdout
    try:
        terminal = out.isatty()
    except (AttributeError, ValueError, OSError):
        terminal = False
    parts = (
        "civtrack help 1", __version__, sys.version, files, _libraries(),
        os.path.basename(sys.argv[0]) if sys.argv else "", args, config_lang(root),
        terminal, _width(), getattr(out, "encoding", None), getattr(out, "errors", None),
        [(name, os.environ.get(name)) for name in ENVIRONMENT],
    )  # fmt: skip
    return repr(parts).encode("utf-8")


def _path(wanted: bytes) -> str | None:
    where = folder()
    return os.path.join(where, f"{zlib.crc32(wanted):08x}{len(wanted):x}") if where else None


def lookup(wanted: bytes) -> bytes | None:
    """The help kept under ``wanted``, None when there is none (or its file is not this user's alone:
    bytes for the terminal are taken from no one else)."""
    path = _path(wanted)
    if path is None:
        return None
    try:
        with open(path, "rb") as file:
            st = os.fstat(file.fileno())
            if st.st_uid != os.geteuid() or st.st_mode & 0o022:
                return None
            data = file.read()
    except OSError:
        return None
    found, _, text = data.partition(b"\n")
    return text if found == wanted else None


def store(wanted: bytes, text: bytes) -> None:
    """Keep ``text`` under ``wanted`` (written whole, or not at all); never an error. At most KEEP answers
    stay (old versions of the sources leave theirs: the oldest go)."""
    from civtrack.wholefile import keep_newest, write_whole

    path = _path(wanted)
    if path is None:
        return
    try:
        os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
        write_whole(path, wanted + b"\n" + text, 0o600)
        keep_newest(os.path.dirname(path), KEEP)
    except OSError:
        pass


class _Copy(io.BufferedIOBase):
    """Standard output's bytes as they are written, kept too."""

    def __init__(self, target: io.BufferedIOBase):
        self.target = target
        self.chunks: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self.chunks.append(bytes(data))
        return self.target.write(data)

    def flush(self) -> None:
        self.target.flush()

    def isatty(self) -> bool:
        return self.target.isatty()

    def fileno(self) -> int:
        return self.target.fileno()


def answer(args: list[str]) -> bool:
    """Print the kept help of ``args`` when there is one (True); False when the command line must run."""
    if "_CIVTRACK_COMPLETE" in os.environ or sys.stdout is None:  # shell completion; no standard output
        return False
    try:
        text = lookup(key(args))
    except (OSError, ValueError):
        return False
    if text is None:
        return False
    try:
        sys.stdout.flush()
        sys.stdout.buffer.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        # `civtrack --help | head`: the reader left; say nothing more (as civtrack.cli.main).
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
    return True


def run_and_keep(args: list[str], run) -> None:  # noqa: ANN001 - the command line's main
    """Run the command line with its standard output copied, and keep the copy when it was a help."""
    global _shown
    try:
        wanted = key(args)
        original = sys.stdout
        copy = _Copy(original.buffer)
    except (OSError, ValueError, AttributeError):
        run()
        return
    original.flush()
    sys.stdout = io.TextIOWrapper(
        copy, encoding=original.encoding, errors=original.errors, newline="\n",
        line_buffering=original.line_buffering, write_through=True,
    )  # fmt: skip
    _shown = False
    code: object = 0
    try:
        run()
    except SystemExit as exc:
        code = exc.code
        raise
    finally:
        try:
            sys.stdout.flush()
        except (OSError, ValueError):
            code = 1
        sys.stdout = original
        if _shown and code in (0, None):
            store(wanted, b"".join(copy.chunks))
