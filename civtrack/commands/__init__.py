"""Commands of the CLI, one module each, with their help text in a Markdown file beside them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from civtrack.load import Repository
    from civtrack.workspace import Config

# The order of `civtrack --help`.
COMMANDS: tuple[str, ...] = ("extract",)


@cache
def doc(name: str) -> str:
    """The help of a command: its Markdown file, written once beside the code."""
    return (Path(__file__).parent / f"{name}.md").read_text(encoding="utf-8").strip()


@dataclass
class Globals:
    """Options given before the command."""

    root: Path | None
    lang: str | None


def parse_date(text: str | None, option: str) -> dt.date:
    """A --date style option: YYYY-MM-DD, or today when absent."""
    import typer

    if text is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"expected a date YYYY-MM-DD, got '{text}'", param_hint=option) from None


@dataclass
class Opened:
    root: Path
    config: Config
    repo: Repository
    lang: str


def open_repository(globals_: Globals, *, allow_errors: bool = False) -> Opened:
    """Find the root, read the config and every file, and run the cross-file checks.

    Unless ``allow_errors``, any error stops the command (exit 2): a status computed
    from a file that could not be read would be silently wrong.
    """
    from civtrack.check import check_repository
    from civtrack.errors import InputError
    from civtrack.load import load_disk
    from civtrack.workspace import find_root, load_config

    root = find_root(globals_.root)
    config = load_config(root)
    repo = load_disk(root, config)
    repo.problems.extend(check_repository(repo))
    repo.problems.sort(key=lambda p: (p.path, p.line or 0))
    if repo.errors and not allow_errors:
        raise InputError([*repo.errors, *_hint()])
    return Opened(root, config, repo, globals_.lang or config.lang)


def _hint() -> list:
    from civtrack.errors import Problem

    return [Problem("civtrack", None, "error", "fix the problems above (`civtrack check` lists them all)")]
