"""`status` tables without colour for many plans: evaluated and laid out on every core.

At a million entries the entries themselves cost nothing once cached (civtrack.cache); what is left is
evaluating 100,000 indicators and parts and writing 112,000 table lines, all per plan. So the plans are
split between this process and forked children, each evaluating and laying out its share with
render.fasttable, and the texts are written in plan order. Any plan whose table needs rich (a cell that
wraps) sends the whole command back to the ordinary path, which gives the same characters.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from civtrack.parallel import map_shares, workers

# Below this many indicators, a fork costs more than it saves.
PARALLEL_MIN_INDICATORS = 5_000


def _texts(opened: Any, plan_ids: list[str], day: dt.date, states: list[str] | None, width: int) -> str | None:
    from civtrack.compute import evaluate, select
    from civtrack.render.fasttable import plan_text

    plans = [opened.plans[plan_id].plan for plan_id in plan_ids]
    statuses = evaluate(plans, opened.snapshot.ledger_at(day, plan_ids), day, opened.config.pace_tolerance)
    out: list[str] = []
    for status in statuses:
        if states:
            status = select(status, states)
        text = plan_text(status, opened.lang, width)
        if text is None:
            return None
        out.append(text)
    return "".join(out)


def plain_tables(
    opened: Any, plan_ids: list[str] | None, day: dt.date, states: list[str] | None, width: int
) -> str | None:
    """The status tables of the chosen plans as text, or None when rich must lay one out."""
    from civtrack.commands import chosen_plans

    chosen = chosen_plans(opened, plan_ids)
    if not chosen:
        return None
    size = len(chosen) * 50  # indicators, roughly: counting them would build every plan here
    processes = workers() if size >= PARALLEL_MIN_INDICATORS else 1
    texts = map_shares(lambda share: _texts(opened, share, day, states, width), chosen, processes)
    if any(text is None for text in texts):
        return None
    return "".join(texts)  # type: ignore[arg-type]
