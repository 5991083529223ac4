"""`civtrack sheet`: the month's fill-in workbook (.xlsx), one sheet per plan."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from civtrack.commands.options import MonthPlans


def run(
    ctx: typer.Context,
    month: Annotated[
        str | None,
        typer.Option("--month", help="The month to report on, YYYY-MM (default: this month).", show_default=False),
    ] = None,
    plan: MonthPlans = None,
    owner: Annotated[
        list[str] | None,
        typer.Option("--owner", help="Only the items of this owner (责任单位; repeatable).", show_default=False),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="The workbook to write (.xlsx; default: MONTH-填报表.xlsx).", show_default=False),
    ] = None,
) -> None:
    import datetime as dt

    from civtrack.commands import chosen_plans, open_repository, selected_plans
    from civtrack.commands.report import parse_month, write_atomic
    from civtrack.oneplan import plan_hash
    from civtrack.render.sheet import fill_in_workbook, sheet_rows
    from civtrack.reporting import Month, runs_in

    chosen = parse_month(month) if month else Month.of(dt.date.today())
    opened = open_repository(ctx.obj)
    language = opened.lang
    ids = chosen_plans(opened, plan)
    if not plan:
        ids = [p for p in ids if runs_in(opened.plans[p].plan, chosen)]
        if not ids:  # (an empty --plan list would mean every plan)
            from civtrack.errors import fail

            raise fail("E522", str(chosen))
    # Where each item stood when the month began: its entries dated in the month are what the sheet asks for.
    as_of = chosen.first - dt.timedelta(days=1)
    statuses = selected_plans(opened, ids, as_of)
    last: dict[str, dict[str, dt.date]] = {}
    for item in opened.entries(None, ids):
        if item.entry.date <= as_of:
            refs = last.setdefault(item.plan_id, {})
            ref = item.entry.indicator
            if ref not in refs or refs[ref] < item.entry.date:
                refs[ref] = item.entry.date
    from civtrack.sources.links import links_of

    linked: dict[str, set[str]] = {}
    for link in links_of({status.id: opened.plans[status.id] for status in statuses}):
        linked.setdefault(link.plan_id, set()).add(link.ref)
    laid_out = [
        (status, sheet_rows(status, last.get(status.id, {}), owner or (), linked.get(status.id, set())))
        for status in statuses
    ]
    if owner:
        laid_out = [(status, rows) for status, rows in laid_out if rows]
    hashes = {p: found for p in ids if (found := plan_hash(opened.root, p)) is not None}
    data = fill_in_workbook(laid_out, chosen.first, chosen.last, language, hashes)
    target = output or Path(f"{chosen}-填报表.xlsx")
    write_atomic(target, data)
    rows = sum(len(rows) for _, rows in laid_out)
    from civtrack.i18n import label

    typer.echo(label("sheet_wrote", language).format(target=target, sheets=len(laid_out), rows=rows, month=chosen))
