"""Where a civtrack repository is and how it is configured (civtrack.toml)."""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path

from civtrack.errors import InputError, error
from civtrack.messages import Msg, msg

CONFIG_NAME = "civtrack.toml"
PLANS_DIR = "plans"
PROGRESS_DIR = "progress"
LANGS = ("en", "zh")
# The largest max_file_bytes accepted: a file is read whole into memory, and a limit such as 2^63 made
# reads fail with an internal error (issue 18, D13).
MAX_FILE_BYTES_LIMIT = 1 << 30


@dataclass(frozen=True)
class Config:
    """Settings of civtrack.toml, with their defaults."""

    lang: str = "en"
    # Percentage points a number indicator may trail the linear pace before it is "behind".
    pace_tolerance: float = 25.0
    # Files above this size are refused before parsing (bounded memory, no YAML bombs).
    max_file_bytes: int = 16 * 1024 * 1024
    # Rule 11: an item due within this many days (0 to this) is "due soon" (orange or blue alert).
    due_soon_days: int = 30
    # Rule 12: an item not done with no entry for more than this many days is stale.
    stale_days: int = 31
    # [sources.NAME] tables: other repositories read through git (civtrack.sources.config.SourceSpec).
    sources: tuple = ()


def find_root(explicit: str | os.PathLike[str] | None = None, cwd: Path | None = None) -> Path:
    """--root, else $CIVTRACK_ROOT, else the nearest ancestor holding civtrack.toml or plans/."""
    chosen = explicit or os.environ.get("CIVTRACK_ROOT")
    if chosen:
        root = Path(chosen).expanduser()
        if not root.is_dir():
            raise InputError(error(str(root), None, "E400"))
        return root.resolve()
    start = (cwd or Path.cwd()).resolve()
    for folder in (start, *start.parents):
        if (folder / CONFIG_NAME).is_file() or (folder / PLANS_DIR).is_dir():
            return folder
    raise InputError(error(str(start), None, "E401"))


# tomllib's words for what is wrong, in civtrack's: the library's wording is not civtrack's contract and
# changes between Python versions. What is not listed here is named by its line only.
_TOML_REASONS = (
    ("cannot overwrite a value", "f.toml.twice"),
    ("cannot declare", "f.toml.table"),
    ("unterminated string", "f.toml.string"),
    ("unclosed array", "f.toml.array"),
    ("unclosed inline table", "f.toml.inline"),
    ("expected '=' after a key", "f.toml.equals"),
    ("invalid value", "f.toml.value"),
    ("illegal character", "f.toml.char"),
)


def _toml_reason(message: str) -> Msg:
    lowered = message.lower()
    for start, reason in _TOML_REASONS:
        if lowered.startswith(start):
            return msg(reason)
    return msg("f.toml.other")


def load_config(root: Path) -> Config:
    from civtrack.files import NotRegularFile, read_regular, reason_msg

    path = root / CONFIG_NAME
    name = display_path(path)
    try:
        raw = read_regular(path, 1 << 20)  # a settings file is a few lines; a pipe or folder is refused
    except NotRegularFile as exc:
        raise InputError(error(name, None, "E402", reason_msg(exc))) from None
    except OSError as exc:
        raise InputError(error(name, None, "E403", reason_msg(exc))) from None
    if raw is None:
        return Config()
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        # tomllib gives the line only inside its message ("... (at line 4, column 20)").
        where = re.search(r"\(at line (\d+), column \d+\)$", str(exc))
        line = int(where[1]) if where else None
        message = str(exc)[: where.start()].rstrip() if where else str(exc)
        raise InputError(error(name, line, "E404", _toml_reason(message))) from None
    known = {f.name: f for f in fields(Config)}
    values: dict[str, object] = {}
    if "sources" in data:
        from civtrack.sources.config import parse_sources

        values["sources"] = parse_sources(data.pop("sources"), raw.decode("utf-8"), name)
    for key, value in data.items():
        if key not in known:
            raise InputError(error(name, None, "E405", key, ", ".join(known)))
        default = getattr(Config(), key)
        # A float setting takes an int too (25 for 25.0); otherwise the type must match
        # exactly (max_file_bytes = "16MB" is refused here, not crashed on by int()).
        allowed = (int, float) if isinstance(default, float) else (type(default),)
        if isinstance(value, bool) or not isinstance(value, allowed):
            kind = {int: "f.kind.whole", float: "f.kind.number", str: "f.kind.text"}[type(default)]
            raise InputError(error(name, None, "E406", key, msg(kind), repr(value)))
        values[key] = type(default)(value)
    config = Config(**values)  # type: ignore[arg-type]
    if config.lang not in LANGS:
        raise InputError(error(name, None, "E407", ", ".join(LANGS)))
    if not 0 < config.max_file_bytes <= MAX_FILE_BYTES_LIMIT:
        raise InputError(error(name, None, "E408", str(MAX_FILE_BYTES_LIMIT), str(config.max_file_bytes)))
    for key in ("due_soon_days", "stale_days"):
        if getattr(config, key) < 0:
            raise InputError(error(name, None, "E409", key, str(getattr(config, key))))
    if not config.pace_tolerance >= 0 or config.pace_tolerance == float("inf"):  # nan and inf too
        raise InputError(error(name, None, "E410", f"{config.pace_tolerance:g}"))
    return config


def display_path(path: Path) -> str:
    """A path as messages show it: relative to the working directory when inside it."""
    try:
        # Resolve the folder, not the file: a symbolic link is shown where it is, not where it leads.
        return str((path.parent.resolve() / path.name).relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
