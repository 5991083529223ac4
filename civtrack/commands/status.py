"""`civtrack status`: where each plan stands at a date."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer


class StatusFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"


class State(StrEnum):
    done = "done"
    on_track = "on-track"
    behind = "behind"
    overdue = "overdue"


def run(
    ctx: typer.Context,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of", metavar="DATE", help="Evaluate at this date, YYYY-MM-DD (default: today).", show_default=False
        ),
    ] = None,
    plan: Annotated[
        list[str] | None, typer.Option("--plan", metavar="ID", help="Only this plan (repeatable).", show_default=False)
    ] = None,
    state: Annotated[
        list[State] | None,
        typer.Option("--state", help="Only indicators in this state (repeatable).", show_default=False),
    ] = None,
    output_format: Annotated[StatusFormat, typer.Option("--format", help="Output format.")] = StatusFormat.table,
    chart: Annotated[
        bool, typer.Option("--chart", help="Add a sparkline of monthly completion per indicator (table format).")
    ] = False,
) -> None:
    from civtrack.commands import open_repository, parse_date, selected_plans

    day = parse_date(as_of, "--as-of")
    opened = open_repository(ctx.obj)
    statuses = selected_plans(opened, plan, day)
    if state:
        from civtrack.compute import select

        statuses = [select(s, [st.value for st in state]) for s in statuses]
    if output_format is StatusFormat.json:
        from civtrack.render.data import status_json

        typer.echo(status_json(statuses, day.isoformat()), nl=False)
    elif output_format is StatusFormat.csv:
        from civtrack.render.data import status_csv

        typer.echo(status_csv(statuses), nl=False)
    elif output_format is StatusFormat.markdown:
        from civtrack.render.markdown import status_markdown

        typer.echo(status_markdown(statuses, opened.lang), nl=False)
    else:
        from civtrack.i18n import label
        from civtrack.render.table import status_tables
        from civtrack.richout import console

        charts = None
        if chart:
            from civtrack.reporting import trend_lines

            charts = trend_lines(
                [opened.repo.plans[s.id].plan for s in statuses], opened.ledger(), day, opened.config.pace_tolerance
            )
        out = console()
        if not statuses:
            out.print(label("no_plans", opened.lang))
        out.print(status_tables(statuses, opened.lang, charts))
