"""The summary `civtrack import` prints: per plan, the entries added and the changes they make."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any

from rich.text import Text

from civtrack.i18n import label
from civtrack.importing import PlanImported
from civtrack.render.diff import change_grid


def import_summary(
    plans: Sequence[PlanImported], as_of: dt.date, dry_run: bool, lang: str, most: int, width: int | None = None
) -> Iterator[Any]:
    """Rich renderables, one after the other. Each plan: a headline (entries added, rows skipped),
    where they went, and the lines of `record` (current, completion and state, before → after) for
    each item touched; above ``most`` lines, only the items whose state changed."""
    if not any(plan.added for plan in plans):
        yield Text(label("import_nothing", lang))
        return
    for plan in plans:
        head = Text(label("import_dry_run" if dry_run else "imported", lang), style="bold" if dry_run else "bold green")
        head.append(f" {plan.plan_id}", style="bold")
        head.append(f"  {plan.title}  ")
        counts = [label("import_entries", lang).format(count=plan.added)]
        if plan.skipped:
            counts.append(label("import_skipped", lang).format(count=plan.skipped))
        head.append(("，" if lang == "zh" else ", ").join(counts))
        yield head
        for rel, first, count in plan.spans:
            span = f"{first}" if count == 1 else f"{first}–{first + count - 1}"
            yield Text(f"  {rel}:{span}", style="dim")
        if not plan.changes:
            continue
        if len(plan.changes) <= most:
            yield change_grid(list(plan.changes), lang, indent=2, width=width)
            continue
        # A sheet of a whole county: the items whose state changed, and how many others there are.
        changed = [row for row in plan.changes if row[1].state != row[2].state][:most]
        if changed:
            yield change_grid(changed, lang, indent=2, width=width)
        more = len(plan.changes) - len(changed)
        yield Text("  " + label("import_more", lang).format(count=more), style="dim")
    yield Text(f"{label('as_of', lang)} {as_of.isoformat()}", style="dim")
