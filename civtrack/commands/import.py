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


def run(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(metavar="FILE.xlsx|FILE.csv", help="The filled-in sheet.")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check every row and show the summary; write nothing.")] = False,
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
    from civtrack.commands import parse_date
    from civtrack.commands.report import parse_month
    from civtrack.errors import InputError
    from civtrack.i18n import label
    from civtrack.importing import Batch, check_rows, plan_changes, read_table
    from civtrack.workspace import display_path, find_root, load_config

    root = find_root(ctx.obj.root)
    config = load_config(root)
    lang = ctx.obj.lang or config.lang
    status_day = parse_date(as_of, "--as-of") if as_of else None
    shown = str(file)  # as it was typed
    table = read_table(file, shown)
    chosen = parse_month(month) if month else table.month
    checked, problems, plans = check_rows(root, table, config, chosen)
    warnings = [p for p in table.problems if p.severity == "warning"] + plan_changes(root, table, shown)
    errors = [p for p in table.problems if p.severity == "error"] + problems
    if errors:
        for problem in warnings:
            print(problem, file=sys.stderr)
        raise InputError(errors)
    if not checked:
        for problem in warnings:
            print(problem, file=sys.stderr)
        typer.echo(label("import_empty", lang))
        return
    # The states before: every entry of the touched plans as they stand (read before writing).
    before = _plan_entries(root, plans, {item.target.plan_id for item in checked}, config)
    batch = Batch(checked, config, display_path, root)
    store.append_files(root, batch.files(), config.max_file_bytes, batch.build, dry_run=dry_run, shown=display_path)
    for problem in [*warnings, *batch.skipped]:
        print(problem, file=sys.stderr)
    _summary(batch, plans, before, dry_run, lang, status_day, config)


# Above this many lines of changes for one plan, only the changes of state are listed.
MOST_LINES = 40


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

    return [error("civtrack", None, "fix the problems above (`civtrack check` lists them all); nothing was imported")]


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
    from rich.text import Text

    from civtrack.compute import fold, plan_status
    from civtrack.i18n import label
    from civtrack.importing import new_items
    from civtrack.render.diff import change_grid
    from civtrack.richout import console

    out = console()
    added = new_items(batch)
    if not added:
        out.print(label("import_nothing", lang))
        return
    latest = max(item.entry.date for items in added.values() for item in items)
    as_of = status_day or max(dt.date.today(), latest)
    skipped = {plan_id: batch.skipped_in(plan_id) for plan_id in sorted({i.target.plan_id for i in batch.rows})}
    for plan_id in sorted(skipped):
        plan = plans[plan_id].plan
        items = added.get(plan_id, [])
        head = Text(label("import_dry_run" if dry_run else "imported", lang), style="bold" if dry_run else "bold green")
        head.append(f" {plan_id}", style="bold")
        head.append(f"  {plan.title}  ")
        counts = [label("import_entries", lang).format(count=len(items))]
        if skipped[plan_id]:
            counts.append(label("import_skipped", lang).format(count=skipped[plan_id]))
        head.append(("，" if lang == "zh" else ", ").join(counts))
        out.print(head)
        for rel in sorted(batch.written):
            rows = batch.written[rel]
            if rows and rel.split("/")[1] == plan_id:
                first = batch.lines[rel]
                span = f"{first}" if len(rows) == 1 else f"{first}–{first + len(rows) - 1}"
                out.print(Text(f"  {batch.shown(batch.root / rel)}:{span}", style="dim"))
        if not items:
            continue

        def status(entries: list[EntryAt], plan=plan):
            ledger = fold((i.plan_id, i.entry, (i.month, i.seq)) for i in entries)
            return plan_status(plan, ledger, as_of, config.pace_tolerance)

        old, new = status(before[plan_id]), status([*before[plan_id], *items])
        touched = {item.entry.indicator for item in items}
        touched |= {ref.split("/")[0] for ref in touched}
        rows_out = []
        for old_ind, new_ind in zip(old.indicators, new.indicators, strict=True):
            if new_ind.id not in touched:
                continue
            for old_part, new_part in zip(old_ind.parts, new_ind.parts, strict=True):
                if new_part.ref in touched:
                    rows_out.append((new_part.ref, old_part, new_part))
            rows_out.append((new_ind.id, old_ind, new_ind))
        if len(rows_out) > MOST_LINES:
            # A sheet of a whole province: the items whose state changed, and how many others moved.
            changed = [row for row in rows_out if row[1].state != row[2].state]
            out.print(change_grid(changed[:MOST_LINES], lang, indent=2))
            more = len(rows_out) - min(len(changed), MOST_LINES)
            out.print(Text("  " + label("import_more", lang).format(count=more), style="dim"))
        else:
            out.print(change_grid(rows_out, lang, indent=2))
    out.print(Text(f"{label('as_of', lang)} {as_of.isoformat()}", style="dim"))
