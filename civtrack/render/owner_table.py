"""`status --by owner`: one table per responsible unit (rule 13), laid out by civtrack.render.table
(the same cells, columns and rich fallback as the plans' tables), with the owner's summary line."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from civtrack.compute import PlanStatus
from civtrack.i18n import label
from civtrack.render import ALERT_STYLES, STALE_STYLE
from civtrack.render.table import Group_, Segments, _styles, choose_columns, natural_widths, rich_table, table_text
from civtrack.text import pct

if TYPE_CHECKING:
    from rich.console import Console

    from civtrack.supervision import OwnerSummary


def owner_line(summary: OwnerSummary, lang: str) -> Segments:
    """One owner's summary (status --by owner): items, completion, early warnings, not reported."""
    line: Segments = [(f"{label('completion', lang)} ", None), (pct(summary.completion), "bold"),
                      (" · " + label("owner_items", lang).format(count=summary.items), None)]  # fmt: skip
    for alert, count in summary.alerts.items():
        line += [(" · ", None), (f"{label(alert, lang)} {count}", ALERT_STYLES[alert] if count else "dim")]
    line += [(" · ", None), (f"{label('stale_count', lang)} {summary.stale}", STALE_STYLE if summary.stale else "dim")]
    return line


def write_owner_tables(out: Console, plans: Sequence[PlanStatus], summaries: Sequence[OwnerSummary], lang: str) -> None:
    """status --by owner: one table per responsible unit in rank order (rule 13), its items under the
    title of their plan, and its summary line under it. ``plans``: from supervision.supervise
    (filtered or not); ``summaries``: the ranking of the owners to show."""
    from civtrack.supervision import select

    if not plans:
        out.print(label("no_plans", lang))
        return
    styles = _styles(out)
    width = out.width
    as_of = plans[0].as_of.isoformat()
    tables: list[tuple[OwnerSummary, list[Group_]]] = []
    for summary in summaries:
        groups: list[Group_] = []
        for plan in plans:
            kept = select(plan, owners=[summary.owner])
            if kept.indicators:
                groups.append((plan.title, kept.indicators, plan.watches))
        if groups:
            tables.append((summary, groups))
    if not tables:
        out.print(label("no_match", lang))
        return
    # The same columns in every owner's table: those that fit the widest cells of all of them.
    every = [group for _, groups in tables for group in groups]
    columns = choose_columns(natural_widths(every, lang, None, True), width, True, False)
    for summary, groups in tables:
        name = summary.owner if summary.owner is not None else label("unassigned", lang)
        title = (name, f"  {label('as_of', lang)} {as_of}")
        caption = [owner_line(summary, lang)]
        text = table_text(title, groups, caption, lang, width, styles, None, True, columns)
        if text is None:
            with out.capture() as captured:
                out.print(rich_table(title, groups, caption, lang, None, width, True, columns))
            text = captured.get()
        out.file.write(text)
    out.file.flush()
