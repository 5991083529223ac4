"""`civtrack import`: append the filled rows of a workbook or CSV as progress entries, all or nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from civtrack.importing import Batch
    from civtrack.load import EntryAt, PlanFile
    from civtrack.workspace import Config

# Above this many lines of changes for one plan, only the changes of state are listed.
MOST_LINES = 40


def run(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(metavar="FILE.xlsx|FILE.csv", help="The filled-in sheet.")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check every row and show the summary; write nothing.")
    ] = False,
    month: Annotated[
        str | None,
        typer.Option(
            "--month",
            help="Every row's date must lie in this month, YYYY-MM, and an empty date is its last day "
            "(default: the month of a sheet made by `civtrack sheet`; none for a CSV).",
            show_default=False,
        ),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="Show the states at this date (default: today, or the latest imported date when later).",
            show_default=False,
        ),
    ] = None,
) -> None:
    import sys

    from civtrack import store
    from civtrack.commands import parse_date, say, workspace
    from civtrack.commands.report import parse_month
    from civtrack.errors import InputError
    from civtrack.i18n import label
    from civtrack.importing import Batch, check_rows, plan_changes, read_table
    from civtrack.workspace import display_path

    root, config, lang = workspace(ctx.obj)
    status_day = parse_date(as_of, "--as-of") if as_of else None
    shown = str(file)  # as it was typed
    table = read_table(file, shown)
    chosen = parse_month(month) if month else table.month
    checked, problems, plans = check_rows(root, table, config, chosen)
    warnings = [p for p in table.problems if p.severity == "warning"] + plan_changes(root, table, shown)
    errors = [p for p in table.problems if p.severity == "error"] + problems
    if errors:
        for problem in warnings:
            print(say(problem), file=sys.stderr)
        raise InputError(errors)
    if not checked:
        for problem in warnings:
            print(say(problem), file=sys.stderr)
        typer.echo(label("import_empty", lang))
        return
    # The states before: every entry of the touched plans as they stand (read before writing).
    before = _plan_entries(root, plans, {item.target.plan_id for item in checked}, config)
    batch = Batch(checked, config, display_path, root)
    store.append_files(root, batch.files(), config.max_file_bytes, batch.build, dry_run=dry_run, shown=display_path)
    for problem in [*warnings, *batch.skipped]:
        print(say(problem), file=sys.stderr)
    _summary(batch, plans, before, dry_run, lang, status_day, config)


def _plan_entries(root: Path, plans: dict[str, PlanFile], ids: set[str], config: Config) -> dict[str, list[EntryAt]]:
    from civtrack.errors import InputError
    from civtrack.oneplan import plan_entries

    found = {}
    for plan_id in sorted(ids):
        entries, problems = plan_entries(root, plans[plan_id], config)
        errors = [p for p in problems if p.severity == "error"]
        if errors:
            raise InputError([*errors, *_fix_first()])
        found[plan_id] = entries
    return found


def _fix_first() -> list:
    from civtrack.errors import error

    return [error("civtrack", None, "E309.import")]


def _summary(
    batch: Batch,
    plans: dict[str, PlanFile],
    before: dict[str, list[EntryAt]],
    dry_run: bool,
    lang: str,
    status_day: dt.date | None,
    config: Config,
) -> None:
    """Per plan: the entries added, where, and the state changes of the items they touch (as record)."""
    from civtrack.importing import new_items, summarize
    from civtrack.render.imported import import_summary
    from civtrack.richout import console

    added = new_items(batch)
    latest = max((item.entry.date for items in added.values() for item in items), default=dt.date.today())
    as_of = status_day or max(dt.date.today(), latest)
    facts = summarize(batch, plans, before, added, as_of, config.pace_tolerance)
    out = console()
    for renderable in import_summary(facts, as_of, dry_run, lang, MOST_LINES, out.width):
        out.print(renderable)
