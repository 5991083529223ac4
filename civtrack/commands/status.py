"""`civtrack status`: where each plan stands at a date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, NamedTuple

import typer

from civtrack.commands.options import AllSources, Sources
from civtrack.completion import complete_plan

if TYPE_CHECKING:
    from civtrack.commands import Opened
    from civtrack.compute import PlanStatus
    from civtrack.supervision import OwnerTally


class Alert(StrEnum):
    red = "red"
    orange = "orange"
    yellow = "yellow"
    blue = "blue"


class By(StrEnum):
    owner = "owner"


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
        list[str] | None,
        typer.Option(
            "--plan",
            autocompletion=complete_plan,
            metavar="ID",
            help="Only this plan (repeatable): its id, title or a fragment of one.",
            show_default=False,
        ),
    ] = None,
    state: Annotated[
        list[State] | None,
        typer.Option("--state", help="Only indicators in this state (repeatable).", show_default=False),
    ] = None,
    owner: Annotated[
        list[str] | None,
        typer.Option(
            "--owner", metavar="NAME", help="Only the items of this responsible unit (repeatable).", show_default=False
        ),
    ] = None,
    alert: Annotated[
        list[Alert] | None,
        typer.Option("--alert", help="Only items with this early warning (repeatable).", show_default=False),
    ] = None,
    by: Annotated[
        By | None,
        typer.Option(
            "--by", help="Group the table's rows by responsible unit, one summary line each.", show_default=False
        ),
    ] = None,
    output_format: Annotated[StatusFormat, typer.Option("--format", help="Output format.")] = StatusFormat.table,
    chart: Annotated[
        bool, typer.Option("--chart", help="Add a sparkline of monthly completion per indicator (table format).")
    ] = False,
    source: Sources = None,
    all_sources: AllSources = False,
) -> None:
    from civtrack.commands import chosen_plans, open_repository, parse_date
    from civtrack.sources.options import source_names

    day = parse_date(as_of, "--as-of")
    opened = open_repository(ctx.obj, plan_ids=plan, sources=source_names(ctx.obj, source, all_sources))
    ids = chosen_plans(opened, plan)
    from civtrack.supervision import OwnerTally

    tally = OwnerTally()
    filters = Filters(
        [st.value for st in state] if state else None, owner or None, [a.value for a in alert] if alert else None
    )
    # Rules 10–13 where they show (JSON, CSV, the table) or filter; Markdown does not show them.
    supervised = output_format is not StatusFormat.markdown or bool(owner or alert)
    statuses_of = _evaluator(opened, day, filters, tally if supervised else None)
    if output_format is StatusFormat.json:
        import sys

        from civtrack.render.data import write_status_json

        def owners() -> list:
            summaries = tally.summaries()
            return [s for s in summaries if s.owner in owner] if owner else summaries

        write_status_json(
            sys.stdout, ids, statuses_of, day.isoformat(), owners, tally, getattr(opened.snapshot, "origins", None)
        )
    elif output_format is StatusFormat.csv:
        from civtrack.render.data import status_csv

        typer.echo(status_csv(statuses_of(ids)), nl=False)
    elif output_format is StatusFormat.markdown:
        from civtrack.render.markdown import status_markdown

        typer.echo(status_markdown(statuses_of(ids), opened.lang), nl=False)
    elif by is By.owner:
        from civtrack.render.owner_table import write_owner_tables
        from civtrack.richout import console

        statuses = statuses_of(ids)
        summaries = tally.summaries()
        write_owner_tables(console(), statuses, [s for s in summaries if s.owner in owner] if owner else summaries,
                           opened.lang)  # fmt: skip
    else:
        from civtrack.render.table import write_status_tables
        from civtrack.richout import console

        charts_of = _charts(opened, day) if chart else None
        write_status_tables(console(), ids, statuses_of, opened.lang, charts_of)


class Filters(NamedTuple):
    """--state, --owner, --alert: None when not given."""

    states: list[str] | None
    owners: list[str] | None
    alerts: list[str] | None


def _evaluator(
    opened: Opened, day: dt.date, filters: Filters, tally: OwnerTally | None
) -> Callable[[list[str]], list[PlanStatus]]:
    """The statuses of some plans at ``day``, keeping only the items the filters match (all when none is
    given). With a ``tally``, rules 10–13 too (supervision.supervise), each plan added to ``tally`` (the
    per-owner summary) before it is filtered; without, rules 1–9 only (compute.evaluate: their cost,
    about 7 µs an item, is not paid where nothing shows them)."""

    def statuses_of(plan_ids: list[str]) -> list[PlanStatus]:
        from civtrack.commands import supervised_plans
        from civtrack.compute import evaluate
        from civtrack.supervision import select

        if tally is None:
            plans = [opened.plans[plan_id].plan for plan_id in plan_ids]
            statuses = evaluate(plans, opened.ledger(day, plan_ids), day, opened.config.pace_tolerance)
        else:
            statuses = supervised_plans(opened, plan_ids, day)
            for status in statuses:
                tally.add(status)
        if filters == (None, None, None):
            return statuses
        return [select(status, *filters) for status in statuses]

    return statuses_of


def _charts(opened: Opened, day: dt.date) -> Callable[[list[PlanStatus]], dict[str, dict[str, str]]]:
    """The sparklines of some evaluated plans (status --chart)."""

    def charts_of(statuses: list[PlanStatus]) -> dict[str, dict[str, str]]:
        from civtrack.reporting import trend_lines

        ids = [status.id for status in statuses]
        return trend_lines([opened.plans[plan_id].plan for plan_id in ids], opened.timelines(ids), day)

    return charts_of
