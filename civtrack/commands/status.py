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
    states = [st.value for st in state] if state else None
    if output_format is StatusFormat.table and not chart:
        from civtrack.richout import console

        out = console()
        if out.color_system is None:
            from civtrack.commands.plain import plain_tables

            text = plain_tables(opened, plan, day, states, out.width)
            if text is not None:
                out.file.write(text)
                out.file.flush()
                return
    if output_format is StatusFormat.json and not state:
        _print_json(opened, plan, day)
        return
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
                [opened.plans[s.id].plan for s in statuses], opened.timelines([s.id for s in statuses]), day
            )
        out = console()
        if not statuses:
            out.print(label("no_plans", opened.lang))
        if statuses and out.color_system is None and charts is None:
            _print_plain(out, statuses, opened.lang)
        else:
            out.print(status_tables(statuses, opened.lang, charts))


def _print_plain(out, statuses: list, lang: str) -> None:  # noqa: ANN001 - a rich Console
    """Without colour, tables are laid out by render.fasttable (identical, 100 times faster), plan by
    plan, falling back to rich for a table whose cells must wrap."""
    from civtrack.render.fasttable import plan_text
    from civtrack.render.table import plan_table

    chunks: list[str] = []
    for plan in statuses:
        text = plan_text(plan, lang, out.width)
        if text is not None:
            chunks.append(text)
            continue
        out.file.write("".join(chunks))
        chunks = []
        out.print(plan_table(plan, lang))
    out.file.write("".join(chunks))
    out.file.flush()


def _print_json(opened, plan_ids: list[str] | None, day) -> None:  # noqa: ANN001
    """render.data.status_json, written plan by plan: the same characters (a plan nested in the
    document is its own indented text shifted right by its depth), without holding the whole document
    of a thousand plans in memory at once."""
    import json
    import sys

    from civtrack.commands import chosen_plans
    from civtrack.compute import evaluate
    from civtrack.render.data import plan_dict

    chosen = chosen_plans(opened, plan_ids)
    write = sys.stdout.write
    if not chosen:
        write(json.dumps({"as_of": day.isoformat(), "plans": []}, ensure_ascii=False, indent=2) + "\n")
        return
    write("{\n" + f'  "as_of": {json.dumps(day.isoformat())},\n' + '  "plans": [\n')
    tolerance = opened.config.pace_tolerance
    for index, plan_id in enumerate(chosen):
        ledger = opened.snapshot.ledger_at(day, [plan_id])
        status = evaluate([opened.plans[plan_id].plan], ledger, day, tolerance)[0]
        text = json.dumps(plan_dict(status), ensure_ascii=False, indent=2).replace("\n", "\n    ")
        write("    " + text + (",\n" if index < len(chosen) - 1 else "\n"))
    write("  ]\n}\n")
    sys.stdout.flush()
