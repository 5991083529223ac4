"""Commands of the CLI, one module each, with their help text in a Markdown file beside them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from civtrack.cache import Snapshot
    from civtrack.compute import Ledger
    from civtrack.errors import Problem
    from civtrack.load import Repository
    from civtrack.reporting import Timeline
    from civtrack.workspace import Config

# The order of `civtrack --help`.
COMMANDS: tuple[str, ...] = (
    "status", "check", "record", "sheet", "import", "diff", "history", "report", "export", "extract", "sources",
    "init", "schema",
)  # fmt: skip


@cache
def doc(name: str) -> str:
    """The help of a command: its Markdown file, written once beside the code."""
    return (Path(__file__).parent / f"{name}.md").read_text(encoding="utf-8").strip()


class Lang(StrEnum):
    """--lang: the language of labels and messages."""

    en = "en"
    zh = "zh"


@dataclass
class Globals:
    """Options of every command: --root (before the command), --lang (before or after it)."""

    root: Path | None
    lang: str | None


# The language problems are worded in (civtrack.messages), once the run's language is known: --lang, else
# civtrack.toml's lang (``use_lang``). The CLI words the problems of an InputError in it (civtrack.cli.main).
_RUN: dict[str, Any] = {}


def workspace(globals_: Globals) -> tuple[Path, Config, str]:
    """The repository's root (--root, else found), its settings, and the run's language (use_lang)."""
    from civtrack.workspace import find_root, load_config

    root = find_root(globals_.root)
    config = load_config(root)
    return root, config, use_lang(globals_, config)


def use_lang(globals_: Globals, config: Config) -> str:
    """The run's language (--lang, else civtrack.toml), which problems are worded in from now on."""
    lang = globals_.lang or config.lang
    _RUN["lang"] = lang
    return lang


def speak(lang: str) -> None:
    """A command's own --lang (report, sheet): problems from now on are worded in it too."""
    _RUN["lang"] = lang


def remember(globals_: Globals) -> None:
    """The global options, for wording the problems of a run that stops before its language is known."""
    _RUN.clear()  # a new run (in-process tests run many)
    _RUN["globals"] = globals_
    if globals_.lang is not None:
        _RUN["lang"] = globals_.lang


def problem_lang() -> str:
    """The language to word problems in: the run's, else civtrack.toml's when it can be read, else en."""
    if "lang" in _RUN:
        return _RUN["lang"]
    globals_ = _RUN.get("globals")
    try:
        from civtrack.workspace import find_root, load_config

        return load_config(find_root(globals_.root if globals_ else None)).lang
    except Exception:  # noqa: BLE001 - no settings to read (that may be the problem itself): English
        return "en"


def say(problem: Problem) -> str:
    """A problem as people read it: ``path:line: error E210: …`` in the run's language."""
    return problem.render(problem_lang())


def parse_date(text: str | None, option: str) -> dt.date:
    """A --date style option: YYYY-MM-DD, or today when absent."""
    if text is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        import typer

        from civtrack.text import shown

        raise typer.BadParameter(f"expected a date YYYY-MM-DD, got '{shown(text)}'", param_hint=option) from None


@dataclass
class Opened:
    """An opened repository: plans and problems at once (through civtrack.cache and its cache); every
    entry (``repo``) only when a command asks for it."""

    root: Path
    config: Config
    snapshot: Snapshot
    lang: str
    _repo: Repository | None = None

    @property
    def plans(self) -> dict:
        return self.snapshot.plans

    @property
    def problems(self) -> list:
        return self.snapshot.problems

    @property
    def repo(self) -> Repository:
        """The reference Repository, with every entry: read on first use."""
        if self._repo is None:
            from civtrack.cache import full_repository

            self._repo = full_repository(self.snapshot)
        return self._repo

    def entries(self, months: list[str] | None = None, plan_ids: list[str] | None = None) -> list:
        """EntryAt of the given months' files only (e.g. `report --month`): see Snapshot.entries."""
        return self.snapshot.entries(months, plan_ids)

    def ledger(self, as_of: dt.date, plan_ids: list[str] | None = None) -> Ledger:
        """A ledger that evaluates at ``as_of`` (only there) as the full one would, with one day per
        reference (from the cached series: no entry is read). With ``plan_ids``, only those plans'."""
        return self.snapshot.ledger_at(as_of, plan_ids)

    def last_entries(self, plan_id: str, as_of: dt.date) -> dict[str, dt.date]:
        """Rule 12: per reference of the plan, the date of its last entry on or before ``as_of``, from the
        cached series (the ledger of one as-of date keeps no dates): one bisection per reference."""
        from civtrack.cache.series import last_entries

        return last_entries(self.snapshot.series.get(plan_id, {}), as_of)

    def timelines(self, plan_ids: list[str] | None = None) -> Mapping[str, Timeline]:
        """Per plan id, the plan's entries ready to be evaluated at any date (`report`, `status --chart`)."""
        return self.snapshot.timelines(plan_ids)


def open_repository(
    globals_: Globals, *, allow_errors: bool = False, plan_ids: list[str] | None = None, sources: list[str] | None = None
) -> Opened:
    """Find the root, read the config, the plans and every problem (civtrack.cache: through the cache).

    Unless ``allow_errors``, any error stops the command (exit 2): a status computed
    from a file that could not be read would be silently wrong. With ``plan_ids`` (--plan), only the
    errors that can touch those plans stop it: the errors of other plans' files (their plan file, their
    progress folder) are printed on stderr with a pointer to `civtrack check`, and the command goes on.
    """
    import os

    from civtrack.cache import open_snapshot
    from civtrack.errors import InputError

    root, config, lang = workspace(globals_)
    snapshot = open_snapshot(root, config, use_cache=not os.environ.get("CIVTRACK_NO_CACHE"))
    from civtrack.sources.links import may_link

    if config.sources or sources or any(map(may_link, snapshot.plans.values())):
        from civtrack.sources.view import attach, show_notices

        snapshot = attach(snapshot, root, config, sources)
        if not allow_errors:
            show_notices(snapshot)
    plan_ids = plan_ids and resolved_plans(snapshot.plans, plan_ids)  # the sources' plans too
    if snapshot.errors and not allow_errors:
        blocking = [p for p in snapshot.errors if not plan_ids or _touches(p, root, plan_ids)]
        if blocking:
            raise InputError([*snapshot.errors, *_hint()])
        import sys

        from civtrack.errors import warning

        for problem in snapshot.errors:
            print(say(problem), file=sys.stderr)
        print(say(warning("civtrack", None, "W302", ", ".join(plan_ids or []))), file=sys.stderr)
    return Opened(root, config, snapshot, lang)


def _touches(problem, root, plan_ids: list[str]) -> bool:
    """Whether an error could change the chosen plans: anything but another plan's own files (its plan
    file, its progress folder) and naming none of the chosen ids."""
    from civtrack.workspace import PLANS_DIR, PROGRESS_DIR, display_path

    if any(f"'{plan_id}'" in problem.message for plan_id in plan_ids):
        return True  # e.g. a duplicate plan id, in another file
    path = problem.path
    for plan_id in plan_ids:
        if path == display_path(root / PLANS_DIR / f"{plan_id}.yaml"):
            return True
        if path.startswith(display_path(root / PROGRESS_DIR / plan_id) + "/"):
            return True
    for folder in (PLANS_DIR, PROGRESS_DIR):
        prefix = display_path(root / folder) + "/"
        if (
            path.startswith(prefix)
            and "/" in path[len(prefix) :].rstrip("/")
            or (folder == PLANS_DIR and path.startswith(prefix))
        ):
            return False  # a file of another plan (plans/<other>.yaml, progress/<other>/…)
    return True


def _hint() -> list:
    from civtrack.errors import Problem

    return [Problem("civtrack", None, "error", "E309")]


def selected_plans(opened: Opened, plan_ids: list[str] | None, as_of: dt.date) -> list:
    """Evaluate the plans named by --plan (all when none), in file order."""
    from civtrack.compute import evaluate

    plans = opened.plans
    ids = chosen_plans(opened, plan_ids)
    return evaluate([plans[p].plan for p in ids], opened.ledger(as_of, ids), as_of, opened.config.pace_tolerance)


def supervised_plans(opened: Opened, plan_ids: list[str], as_of: dt.date) -> list:
    """The plans of ``plan_ids`` evaluated with rules 1–13 (supervision.supervise), in the order given."""
    from civtrack.supervision import supervise

    config = opened.config

    def evaluate(ids: list[str]) -> list:
        return supervise(
            [opened.plans[p].plan for p in ids], opened.ledger(as_of, ids), as_of, config.pace_tolerance,
            config.due_soon_days, config.stale_days, lambda plan_id: opened.last_entries(plan_id, as_of),
        )  # fmt: skip

    places = opened.snapshot.kept_places()
    if places:  # plans kept as evaluated at as-of, by what they are evaluated from (civtrack.cache.statuses)
        from civtrack.cache.statuses import kept_statuses

        return kept_statuses(places, plan_ids, as_of, config, evaluate)
    return evaluate(plan_ids)


def resolved_plans(plans: Mapping, texts: list[str]) -> list[str]:
    """--plan values (ids, titles or fragments of one: civtrack.refs) → plan ids; one that names nothing
    is kept as typed (chosen_plans names it unknown), one that names several plans is an input error."""
    from civtrack.errors import InputError
    from civtrack.refs import Unresolved, plan_ids

    try:
        return plan_ids(texts, {plan_id: found.plan.title for plan_id, found in plans.items()}) or []
    except Unresolved as exc:
        raise InputError(exc.problem("civtrack")) from None


def chosen_plans(opened: Opened, plan_ids: list[str] | None) -> list[str]:
    """The ids named by --plan (all, sorted, when none): ids, titles or fragments of one (civtrack.refs);
    an unknown or ambiguous one is an input error."""
    from civtrack.errors import InputError, error
    from civtrack.text import shown

    plans = opened.plans
    plan_ids = plan_ids and resolved_plans(plans, plan_ids)
    for plan_id in plan_ids or []:
        if plan_id not in plans:
            raise InputError(error("civtrack", None, "E305", shown(plan_id), known_ids(plans)))
    return list(plan_ids or sorted(plans))


def known_ids(ids: Iterable[str], most: int = 10) -> Any:
    """Ids for a message: the first few, sorted, and how many more (a province has thousands)."""
    from civtrack.messages import msg

    ordered = sorted(ids)
    if not ordered:
        return msg("f.none")
    shown = ", ".join(ordered[:most])
    return shown if len(ordered) <= most else msg("f.more", shown, str(len(ordered) - most))
