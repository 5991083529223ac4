"""Where a civtrack repository is and how it is configured (civtrack.toml)."""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path

from civtrack.errors import InputError, error

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
            raise InputError(error(str(root), None, "root folder does not exist"))
        return root.resolve()
    start = (cwd or Path.cwd()).resolve()
    for folder in (start, *start.parents):
        if (folder / CONFIG_NAME).is_file() or (folder / PLANS_DIR).is_dir():
            return folder
    raise InputError(
        error(
            str(start),
            None,
            f"not inside a civtrack repository (no {CONFIG_NAME} or {PLANS_DIR}/ here or above); "
            "run `civtrack init` or pass --root",
        )
    )


# tomllib's words for what is wrong, in civtrack's: the library's wording is not civtrack's contract and
# changes between Python versions. What is not listed here is named by its line only.
_TOML_REASONS = (
    ("cannot overwrite a value", "a setting is given twice"),
    ("cannot declare", "a table is declared twice"),
    ("unterminated string", "a quoted text is never closed"),
    ("unclosed array", "a '[' is not closed"),
    ("unclosed inline table", "a '{' is not closed"),
    ("expected '=' after a key", "a setting without '=' (write name = value)"),
    ("invalid value", "a value TOML cannot read: put text in double quotes"),
    ("illegal character", "a character TOML does not allow here (a quote left open?)"),
)


def _toml_reason(message: str) -> str:
    lowered = message.lower()
    for start, reason in _TOML_REASONS:
        if lowered.startswith(start):
            return reason
    return "this line is not valid TOML (name = value, text in double quotes)"


def load_config(root: Path) -> Config:
    from civtrack.files import NotRegularFile, read_regular, reason

    path = root / CONFIG_NAME
    name = display_path(path)
    try:
        raw = read_regular(path, 1 << 20)  # a settings file is a few lines; a pipe or folder is refused
    except NotRegularFile as exc:
        raise InputError(error(name, None, f"{exc.strerror} (civtrack.toml must be a file)")) from None
    except OSError as exc:
        raise InputError(error(name, None, f"cannot read the settings: {reason(exc)}")) from None
    if raw is None:
        return Config()
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        # tomllib gives the line only inside its message ("... (at line 4, column 20)").
        where = re.search(r"\(at line (\d+), column \d+\)$", str(exc))
        line = int(where[1]) if where else None
        message = str(exc)[: where.start()].rstrip() if where else str(exc)
        raise InputError(error(name, line, f"invalid TOML: {_toml_reason(message)}")) from None
    known = {f.name: f for f in fields(Config)}
    values: dict[str, object] = {}
    if "sources" in data:
        from civtrack.sources.config import parse_sources

        values["sources"] = parse_sources(data.pop("sources"), raw.decode("utf-8"), name)
    for key, value in data.items():
        if key not in known:
            raise InputError(error(name, None, f"unknown setting '{key}' (known: {', '.join(known)})"))
        default = getattr(Config(), key)
        # A float setting takes an int too (25 for 25.0); otherwise the type must match
        # exactly (max_file_bytes = "16MB" is refused here, not crashed on by int()).
        allowed = (int, float) if isinstance(default, float) else (type(default),)
        if isinstance(value, bool) or not isinstance(value, allowed):
            kind = {int: "a whole number", float: "a number", str: "text"}[type(default)]
            raise InputError(error(name, None, f"setting '{key}' must be {kind}, got {value!r}"))
        values[key] = type(default)(value)
    config = Config(**values)  # type: ignore[arg-type]
    if config.lang not in LANGS:
        raise InputError(error(name, None, f"lang must be one of {', '.join(LANGS)}"))
    if not 0 < config.max_file_bytes <= MAX_FILE_BYTES_LIMIT:
        raise InputError(
            error(
                name,
                None,
                f"max_file_bytes must be a positive number of bytes, at most {MAX_FILE_BYTES_LIMIT} (1 GiB), "
                f"got {config.max_file_bytes}",
            )
        )
    for key in ("due_soon_days", "stale_days"):
        if getattr(config, key) < 0:
            raise InputError(
                error(name, None, f"{key} must be a number of days, 0 or more, got {getattr(config, key)}")
            )
    if not config.pace_tolerance >= 0 or config.pace_tolerance == float("inf"):  # nan and inf too
        raise InputError(
            error(
                name,
                None,
                f"pace_tolerance must be a number of percentage points, 0 or more, got {config.pace_tolerance:g}",
            )
        )
    return config


def display_path(path: Path) -> str:
    """A path as messages show it: relative to the working directory when inside it."""
    try:
        # Resolve the folder, not the file: a symbolic link is shown where it is, not where it leads.
        return str((path.parent.resolve() / path.name).relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
