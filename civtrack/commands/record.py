"""`civtrack record`: append one progress entry, checked against its plan."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import typer

from civtrack.completion import complete_ref

if TYPE_CHECKING:
    from civtrack.errors import Problem
    from civtrack.load import EntryAt
    from civtrack.model import Entry
    from civtrack.oneplan import Target

def run(
    ctx: typer.Context,
    ref: Annotated[
        str,
        typer.Argument(
            metavar="PLAN/INDICATOR[/PART]",
            help="What to record on: ids, names or a fragment of one, e.g. example/elder-beds, example/elder-homes/east "
            "or example/床位.",
            autocompletion=complete_ref,
        ),
    ],
    value: Annotated[
        str | None,
        typer.Argument(
            help="The value: an increment (accumulate: sum) or the current level (latest). Omit it with --done.",
            show_default=False,
        ),
    ] = None,
    date: Annotated[
        str | None, typer.Option("--date", help="Date of the entry, YYYY-MM-DD (default: today).", show_default=False)
    ] = None,
    done: Annotated[
        bool | None,
        typer.Option(
            "--done/--not-done", help="For a milestone: it is done (or, to correct, not done).", show_default=False
        ),
    ] = None,
    note: Annotated[str | None, typer.Option("--note", help="What happened (any text).", show_default=False)] = None,
    by: Annotated[str | None, typer.Option("--by", help="Who reports it.", show_default=False)] = None,
    evidence: Annotated[
        str | None, typer.Option("--evidence", help="A document number, link or file name.", show_default=False)
    ] = None,
    unit: Annotated[
        str | None,
        typer.Option("--unit", help="The unit, checked against the indicator's (e.g. 张).", show_default=False),
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check and print the entry; write nothing.")] = False,
    quiet: Annotated[
        bool,
        typer.Option(
            "--quiet", "-q", help="Print only where the entry went (no new state: no other progress file is read)."
        ),
    ] = False,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="Show the indicator's state at this date (default: today, or the entry's date when later).",
            show_default=False,
        ),
    ] = None,
) -> None:
    from civtrack import store
    from civtrack.commands import parse_date, workspace
    from civtrack.entrycheck import check_append
    from civtrack.model import month_of
    from civtrack.refs import target as named_target
    from civtrack.workspace import PROGRESS_DIR, display_path

    root, config, lang = workspace(ctx.obj)
    day = parse_date(date, "--date")
    status_day = parse_date(as_of, "--as-of") if as_of else None
    target = named_target(root, ref, config)
    plan_id = target.plan_id
    from civtrack.sources.links import refuse_linked

    refuse_linked(target)  # issue 16: a linked item's progress is recorded in its source
    entry = build_entry(target, value, done, day, note=note, by=by, evidence=evidence, unit=unit)

    month = month_of(entry.date)
    rel = f"{PROGRESS_DIR}/{plan_id}/{month}.yaml"
    path = root / rel
    shown = display_path(path)
    store.refuse_links(root, rel, display_path(root))  # not display_path(root / link): that would resolve it
    block = store.format_entry(entry)
    line = 0

    def build(rel: str, existing: bytes | None) -> bytes:
        nonlocal line
        data = store.payload(existing, block)
        line = store.block_line(existing, data)
        check_append(existing, data, line, [entry], target, month, shown, config)
        return data

    store.append_files(root, [rel], config.max_file_bytes, build, dry_run=dry_run, shown=lambda _: shown)

    if quiet:
        from civtrack.i18n import label

        typer.echo(f"{label('record_dry_run' if dry_run else 'recorded', lang)} {shown}:{line}")
        return
    _report(root, target, entry, shown, line, block, dry_run, config, lang, status_day)


def build_entry(
    target: Target,
    value: str | None,
    done: bool | None,
    day: dt.date,
    *,
    note: str | None,
    by: str | None,
    evidence: str | None,
    unit: str | None,
) -> Entry:
    """The entry to write, checked against the plan (civtrack.entrycheck): InputError with every problem found."""
    from civtrack.entrycheck import check_new_entry
    from civtrack.errors import InputError, error

    entry, slips = check_new_entry(target, value, done, day, note=note, by=by, evidence=evidence, unit=unit)
    if entry is None:
        # Problems of the command line, not of the plan file: named as civtrack's own.
        raise InputError([error("civtrack", None, slip.key, *slip.args) for slip in slips])
    return entry


def _report(
    root,
    target: Target,
    entry: Entry,
    shown: str,
    line: int,
    block: str,
    dry_run: bool,
    config,
    lang: str,
    status_day: dt.date | None,
) -> None:
    """Print what was recorded and the indicator's current, completion and state before → after."""
    from rich.text import Text

    from civtrack.compute import fold, indicator_status
    from civtrack.i18n import label
    from civtrack.load import EntryAt
    from civtrack.model import month_of
    from civtrack.oneplan import indicator_entries
    from civtrack.render.diff import change_grid
    from civtrack.richout import console

    out = console()
    head = Text(label("record_dry_run" if dry_run else "recorded", lang), style="bold" if dry_run else "bold green")
    head.append(f" {shown}:{line}")
    out.print(head)
    out.print(Text("".join("  " + text for text in block.splitlines(keepends=True)).rstrip("\n")))

    # Read after writing (outside the lock): entries other processes added meanwhile count too.
    entries, problems = indicator_entries(root, target.plan_file, target.indicator.id, config)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        _print_problems(errors, label("status_unavailable", lang))
        return
    month = month_of(entry.date)
    if dry_run:
        before, after = entries, [*entries, EntryAt(target.plan_id, entry, shown, line, 1 << 62, month)]
    else:
        before = [e for e in entries if not (e.path == shown and e.line == line)]
        after = entries
    plan = target.plan_file.plan
    as_of = status_day or max(dt.date.today(), entry.date)

    def status(items: list[EntryAt]):
        ledger = fold((i.plan_id, i.entry, (i.month, i.seq)) for i in items)
        return indicator_status(plan, target.indicator, ledger.get(plan.id, {}), as_of, config.pace_tolerance)

    old_status, new_status = status(before), status(after)
    rows = []
    if target.part is not None:
        old_part = next(p for p in old_status.parts if p.id == target.part.id)
        new_part = next(p for p in new_status.parts if p.id == target.part.id)
        rows.append((f"{target.indicator.name} / {target.part.name}", old_part, new_part))
    rows.append((target.indicator.name, old_status, new_status))
    out.print(change_grid(rows, lang, width=out.width))
    note = Text(f"{label('as_of', lang)} {as_of.isoformat()}", style="dim")
    if entry.date > as_of:
        note.append(f"  ({label('future_entry', lang)})", style="yellow")
    out.print(note)


def _print_problems(problems: list[Problem], headline: str) -> None:
    import sys

    from civtrack.commands import say

    for problem in problems:
        print(say(problem), file=sys.stderr)
    print(headline, file=sys.stderr)
