"""`civtrack export`: entries or statuses as flat CSV or JSON Lines."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer


class What(StrEnum):
    entries = "entries"
    status = "status"


class ExportFormat(StrEnum):
    csv = "csv"
    jsonl = "jsonl"


def run(
    ctx: typer.Context,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="Entries dated on or before, or statuses at, this date (default: today).",
            show_default=False,
        ),
    ] = None,
    what: Annotated[
        What, typer.Option("--what", help="Rows: one per entry, or one per indicator and part.")
    ] = What.entries,
    output_format: Annotated[ExportFormat, typer.Option("--format", help="Output format.")] = ExportFormat.csv,
    plan: Annotated[
        list[str] | None, typer.Option("--plan", help="Only this plan (repeatable).", show_default=False)
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "-o", "--output", help="Write to this file (atomically) instead of standard output.", show_default=False
        ),
    ] = None,
) -> None:
    from civtrack.commands import open_repository, parse_date, selected_plans
    from civtrack.commands.report import write_atomic
    from civtrack.render import export

    day = parse_date(as_of, "--as-of")
    opened = open_repository(ctx.obj, plan_ids=plan)
    statuses = selected_plans(opened, plan, day)  # also rejects an unknown --plan
    if what is What.status:
        rows, columns = export.status_rows(statuses), export.STATUS_COLUMNS
    else:
        wanted = {s.id for s in statuses}
        plans = {plan_id: pf.plan for plan_id, pf in opened.repo.plans.items()}
        items = (item for item in opened.repo.all_entries() if item.plan_id in wanted)
        rows, columns = export.entry_rows(plans, items, day), export.ENTRY_COLUMNS
    text = export.to_csv(rows, columns) if output_format is ExportFormat.csv else export.to_jsonl(rows, columns)
    if output is None:
        typer.echo(text, nl=False)
    else:
        write_atomic(output, [text])
