"""`civtrack report`: the monthly summary of each plan, as Markdown, JSON or HTML."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from civtrack.reporting import Month


class ReportFormat(StrEnum):
    markdown = "markdown"
    json = "json"
    html = "html"


class Lang(StrEnum):
    en = "en"
    zh = "zh"


class FailOn(StrEnum):
    overdue = "overdue"
    behind = "behind"


def parse_month(text: str | None, today: dt.date | None = None) -> Month:
    """--month: YYYY-MM, or `last` (the month before today's); absent means `last`."""
    from civtrack.reporting import Month

    if text is None or text == "last":
        return Month.of(today or dt.date.today()).previous()
    try:
        return Month.parse(text)
    except ValueError:
        raise typer.BadParameter(f"expected YYYY-MM or last, got '{text}'", param_hint="--month") from None


def write_atomic(path: Path, data: str) -> None:
    """Write ``data`` to ``path`` through a temporary file renamed over it: a reader (or a
    cron job interrupted half-way) never sees half a report."""
    import os
    import tempfile

    from civtrack.errors import InputError, error

    target = path.expanduser()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        try:
            # mkstemp makes the file private (0600); a report gets the mode a new file would get.
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temp, 0o666 & ~umask)
            with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temp, target)
        except BaseException:
            os.unlink(temp)
            raise
    except OSError as exc:
        raise InputError(error(str(path), None, f"cannot write the report: {exc.strerror or exc}")) from None


def run(
    ctx: typer.Context,
    month: Annotated[
        str | None,
        typer.Option(
            "--month", help="The month to report, YYYY-MM, or `last` (default: last, the month before this one)."
        ),
    ] = None,
    plan: Annotated[
        list[str] | None,
        typer.Option(
            "--plan", help="Only this plan (repeatable; default: every plan running in the month).", show_default=False
        ),
    ] = None,
    output_format: Annotated[ReportFormat, typer.Option("--format", help="Output format.")] = ReportFormat.markdown,
    lang: Annotated[
        Lang | None,
        typer.Option("--lang", help="Language of labels (overrides the global --lang).", show_default=False),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "-o", "--output", help="Write to this file (atomically) instead of standard output.", show_default=False
        ),
    ] = None,
    fail_on: Annotated[
        list[FailOn] | None,
        typer.Option("--fail-on", help="Exit 1 when any indicator is in this state (repeatable).", show_default=False),
    ] = None,
) -> None:
    from civtrack.commands import known_ids, open_repository
    from civtrack.errors import InputError
    from civtrack.reporting import build_report, runs_in

    chosen_month = parse_month(month)
    opened = open_repository(ctx.obj)
    language = lang.value if lang is not None else opened.lang
    plans = opened.plans
    for plan_id in plan or []:
        if plan_id not in plans:
            raise InputError(f"unknown plan '{plan_id}' (known: {known_ids(plans)})")
    if plan:
        chosen = [plans[p].plan for p in dict.fromkeys(plan)]
    else:
        chosen = [plans[p].plan for p in sorted(plans) if runs_in(plans[p].plan, chosen_month)]
    # The ledger from the cache and only the month's files read: a million entries need not be parsed.
    # (A repository with errors is refused above, so no entry of the month sits in another month's file.)
    report = build_report(
        chosen,
        opened.ledger(plan_ids=[plan.id for plan in chosen]),
        opened.entries([str(chosen_month)], [plan.id for plan in chosen]),
        chosen_month,
        opened.config.pace_tolerance,
    )

    if output_format is ReportFormat.json:
        from civtrack.render.report_json import report_json

        text = report_json(report)
    elif output_format is ReportFormat.html:
        from civtrack.render.report_html import report_html

        text = report_html(report, language)
    else:
        from civtrack.render.report_md import report_markdown

        text = report_markdown(report, language)
    if output is None:
        typer.echo(text, nl=False)
    else:
        write_atomic(output, text)
    if any(report.count(state.value) for state in fail_on or []):
        raise typer.Exit(1)
