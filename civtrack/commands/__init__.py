"""Commands of the CLI, one module each, with their help text in a Markdown file beside them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from civtrack.compute import Ledger
    from civtrack.load import Repository
    from civtrack.workspace import Config

# The order of `civtrack --help`.
COMMANDS: tuple[str, ...] = (
    "status", "check", "record", "diff", "history", "report", "export", "extract", "init", "schema",
)  # fmt: skip


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

    def ledger(self) -> Ledger:
        from civtrack.compute import fold

        return fold((item.plan_id, item.entry, (item.month, item.seq)) for item in self.repo.all_entries())


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


def selected_plans(opened: Opened, plan_ids: list[str] | None, as_of: dt.date) -> list:
    """Evaluate the plans named by --plan (all when none), in file order."""
    from civtrack.compute import evaluate
    from civtrack.errors import InputError

    plans = opened.repo.plans
    for plan_id in plan_ids or []:
        if plan_id not in plans:
            known = ", ".join(sorted(plans)) or "none"
            raise InputError(f"unknown plan '{plan_id}' (known: {known})")
    chosen = [plans[p].plan for p in (plan_ids or sorted(plans))]
    return evaluate(chosen, opened.ledger(), as_of, opened.config.pace_tolerance)
