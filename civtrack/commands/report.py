"""`civtrack report`: the monthly summary of each plan, as Markdown, JSON or HTML."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from civtrack.commands.options import AllSources, MonthPlans, Sources

if TYPE_CHECKING:
    from civtrack.reporting import Month


class ReportFormat(StrEnum):
    markdown = "markdown"
    json = "json"
    html = "html"
    docx = "docx"
    text = "text"


class FailOn(StrEnum):
    overdue = "overdue"
    behind = "behind"
    red = "red"
    orange = "orange"
    stale = "stale"


def parse_month(text: str | None, today: dt.date | None = None) -> Month:
    """--month: YYYY-MM, or `last` (the month before today's); absent means `last`."""
    from civtrack.reporting import Month

    if text is None or text == "last":
        return Month.of(today or dt.date.today()).previous()
    from civtrack.text import shown

    try:
        month = Month.parse(text)
    except ValueError:
        raise typer.BadParameter(f"expected YYYY-MM or last, got '{shown(text)}'", param_hint="--month") from None
    if not Month(1, 2) <= month <= Month(9999, 11):  # dates end at 0001-01-01 and 9999-12-31
        raise typer.BadParameter(
            "a report compares with the month before and lists what is due the month after: "
            f"give a month from 0001-02 to 9999-11, got '{month}'",
            param_hint="--month",
        )
    return month


def write_atomic(path: Path, chunks: Iterable[str] | bytes) -> None:
    """Write the text of ``chunks`` (or bytes: a workbook, a Word file) to ``path``
    (civtrack.files.write_output): a regular file through a temporary file renamed over it, so that a
    reader never sees half a report; an existing device or pipe written into, never replaced
    (``-o /dev/null``)."""
    from civtrack.errors import InputError, error
    from civtrack.files import reason_msg, write_output

    try:
        write_output(path, chunks)
    except OSError as exc:
        raise InputError(error(str(path) or "''", None, "E516", reason_msg(exc))) from None


def run(
    ctx: typer.Context,
    month: Annotated[
        str | None,
        typer.Option(
            "--month", help="The month to report, YYYY-MM, or `last` (default: last, the month before this one)."
        ),
    ] = None,
    plan: MonthPlans = None,
    output_format: Annotated[ReportFormat, typer.Option("--format", help="Output format.")] = ReportFormat.markdown,
    output: Annotated[
        Path | None,
        typer.Option(
            "-o", "--output", help="Write to this file (atomically) instead of standard output.", show_default=False
        ),
    ] = None,
    owner: Annotated[
        list[str] | None,
        typer.Option(
            "--owner", metavar="NAME", help="Only this responsible unit's items (repeatable).", show_default=False
        ),
    ] = None,
    fail_on: Annotated[
        list[FailOn] | None,
        typer.Option(
            "--fail-on",
            help="Exit 1 when any indicator is in this state, any item has this warning (red, orange), "
            "or any item is stale (repeatable).",
            show_default=False,
        ),
    ] = None,
    source: Sources = None,
    all_sources: AllSources = False,
) -> None:
    from civtrack.commands import chosen_plans, open_repository
    from civtrack.parallel import map_shares, workers
    from civtrack.sources.options import source_names
    from civtrack.sources.render import with_origins

    chosen_month = parse_month(month)
    opened = open_repository(ctx.obj, plan_ids=plan, sources=source_names(ctx.obj, source, all_sources))
    language = opened.lang
    # Without --plan, every plan running in the month; which those are, each share finds out (it takes
    # building the plan).
    candidates = list(dict.fromkeys(chosen_plans(opened, plan)))
    if output_format is ReportFormat.json:
        from civtrack.render import report_json as renderer
    elif output_format is ReportFormat.html:
        from civtrack.render import report_html as renderer  # type: ignore[no-redef]
    elif output_format is ReportFormat.docx:
        from civtrack.render import report_docx as renderer  # type: ignore[no-redef]
    elif output_format is ReportFormat.text:
        from civtrack.render import report_terminal as renderer  # type: ignore[no-redef]
    else:
        from civtrack.render import report_md as renderer  # type: ignore[no-redef]
    laid_out = [
        pair
        for share in map_shares(
            lambda share: _sections(
                opened, share, chosen_month, with_origins(renderer.report_section, opened.snapshot, output_format.value),
                language, running_only=not plan, owners=owner,
            ),
            candidates,
            workers() if len(candidates) >= PARALLEL_MIN_PLANS else 1,
        )
        for pair in share
    ]
    from civtrack.supervision import Supervision

    if owner and not laid_out:
        import sys

        from civtrack.commands import say
        from civtrack.errors import warning

        print(say(warning("civtrack", None, "W303", "、".join(owner) if language == "zh" else ", ".join(owner))), file=sys.stderr)

    summaries = [summary for summary, _, _ in laid_out]
    sections = [section for _, section, _ in laid_out]
    supervision = Supervision.of((supervised for _, _, supervised in laid_out), owner)
    if output_format is ReportFormat.text:
        _print_text(chosen_month, summaries, sections, language, output, supervision)
    elif output_format is ReportFormat.docx:
        from civtrack.commands.export import write_output
        from civtrack.render import report_docx

        write_output(output, report_docx.report_bytes(chosen_month, summaries, sections, language, supervision))
    elif output is None:
        for chunk in renderer.report_chunks(chosen_month, summaries, sections, language, supervision):
            typer.echo(chunk, nl=False)
    else:
        write_atomic(output, renderer.report_chunks(chosen_month, summaries, sections, language, supervision))
    failing = {what.value for what in fail_on or []}
    if any(summary.counts[state] for summary in summaries for state in failing & {"overdue", "behind"}) or any(
        supervision.fails(what) for what in failing & {"red", "orange", "stale"}
    ):
        raise typer.Exit(1)


def _print_text(
    month: Month, summaries: list, sections: list, lang: str, output: Path | None, supervision: Any
) -> None:
    """--format text: laid out for the terminal's width (to a file: the width of the terminal, or 120
    cells when there is none; no colour)."""
    import io

    from rich.console import Console

    from civtrack.render.report_terminal import report_renderables
    from civtrack.richout import console

    out = console()
    if output is not None:
        out = Console(width=out.width, file=io.StringIO(), color_system=None, highlight=False)
    for renderable in report_renderables(month, summaries, sections, lang, out.width, supervision):
        out.print(renderable)
    if output is not None:
        write_atomic(output, [out.file.getvalue()])  # type: ignore[attr-defined]


# Below this many plans, a fork costs more than it saves.
PARALLEL_MIN_PLANS = 40


def _sections(
    opened: Any,
    plan_ids: list[str],
    month: Month,
    section: Any,
    lang: str,
    *,
    running_only: bool,
    owners: list[str] | None = None,
) -> list[tuple[Any, Any, Any]]:
    """The summary, laid-out section and supervision share (reporting.Supervised) of each plan (with
    ``running_only``, of each running in ``month``; with ``owners``, of each where they hold items),
    in order, in whichever process runs the share.

    The plans are evaluated on timelines of the cached series, and only the month's files are read:
    a million entries need not be parsed. (A repository with errors is refused above, so no entry
    of the month sits in another month's file.)"""
    from civtrack.reporting import plan_report, runs_in, timeline_of

    timelines = opened.timelines(plan_ids)
    laid_out = []
    # Plan by plan, each report dropped once laid out: a share of 500 plans never holds them all.
    for plan_id in plan_ids:
        plan = opened.plans[plan_id].plan
        if running_only and not runs_in(plan, month):
            continue
        items = [item for item in opened.entries([str(month)], [plan_id]) if item.entry.date in month]
        config = opened.config
        report = plan_report(
            plan, timeline_of(timelines, plan_id), items, month, config.pace_tolerance, owners, config.due_soon_days,
            config.stale_days,
        )  # fmt: skip
        if owners and not report.status.indicators:
            continue  # none of the chosen owners' items
        laid_out.append((report.summary, section(report, lang), report.supervised))
    return laid_out
