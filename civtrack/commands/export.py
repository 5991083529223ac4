"""`civtrack export`: entries or statuses as flat CSV or JSON Lines."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from civtrack.completion import complete_plan


class What(StrEnum):
    entries = "entries"
    status = "status"


class ExportFormat(StrEnum):
    csv = "csv"
    jsonl = "jsonl"
    xlsx = "xlsx"


class Encoding(StrEnum):
    utf8 = "utf-8"
    utf8_sig = "utf-8-sig"
    gb18030 = "gb18030"


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
        list[str] | None,
        typer.Option(
            "--plan",
            autocompletion=complete_plan,
            help="Only this plan (repeatable): its id, title or a fragment of one.",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "-o", "--output", help="Write to this file (atomically) instead of standard output.", show_default=False
        ),
    ] = None,
    encoding: Annotated[
        Encoding,
        typer.Option(
            "--encoding",
            help="Of CSV: utf-8-sig opens cleanly in Excel (2016 and later) and WPS; gb18030 in older Excel on Chinese Windows.",
        ),
    ] = Encoding.utf8,
) -> None:
    from civtrack.commands import chosen_plans, open_repository, parse_date, supervised_plans
    from civtrack.render import export

    day = parse_date(as_of, "--as-of")
    if encoding is not Encoding.utf8 and output_format is not ExportFormat.csv:
        from civtrack.errors import fail

        raise fail("E519")
    opened = open_repository(ctx.obj, plan_ids=plan)
    statuses = supervised_plans(opened, chosen_plans(opened, plan), day)  # chosen_plans rejects an unknown --plan

    def entry_rows() -> list:
        wanted = {s.id for s in statuses}
        plans = {plan_id: pf.plan for plan_id, pf in opened.repo.plans.items()}
        items = (item for item in opened.repo.all_entries() if item.plan_id in wanted)
        return export.entry_rows(plans, items, day)

    data: str | bytes
    if output_format is ExportFormat.xlsx:
        # Both sheets, whatever --what says: a workbook holds them side by side.
        data = export.to_xlsx(
            [
                ("status", export.status_rows(statuses), export.STATUS_COLUMNS),
                ("entries", entry_rows(), export.ENTRY_COLUMNS),
            ]
        )
    else:
        if what is What.status:
            rows, columns = export.status_rows(statuses), export.STATUS_COLUMNS
        else:
            rows, columns = entry_rows(), export.ENTRY_COLUMNS
        text = export.to_csv(rows, columns) if output_format is ExportFormat.csv else export.to_jsonl(rows, columns)
        data = text if encoding is Encoding.utf8 else text.encode(encoding.value)
    write_output(output, data)


def write_output(output: Path | None, data: str | bytes) -> None:
    """To the file (atomically), else to standard output; bytes are not written to a terminal."""
    import sys

    from civtrack.commands.report import write_atomic
    from civtrack.errors import fail

    if output is not None:
        write_atomic(output, data if isinstance(data, bytes) else [data])
    elif isinstance(data, str):
        typer.echo(data, nl=False)
    elif sys.stdout.isatty():
        raise fail("E520")
    else:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
