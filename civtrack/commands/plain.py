"""`status` tables without colour for many plans: evaluated and laid out on every core.

At a million entries the entries themselves cost nothing once cached (civtrack.index); what is left is
evaluating 100,000 indicators and parts and writing 112,000 table lines, all per plan. So the plans are
split between this process and forked children, each evaluating and laying out its share with
render.fasttable, and the texts are written in plan order. Any plan whose table needs rich (a cell that
wraps) sends the whole command back to the ordinary path, which gives the same characters.
"""

from __future__ import annotations

import datetime as dt
import os
import pickle
from typing import Any

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
    workers = min(os.cpu_count() or 1, int(os.environ.get("CIVTRACK_WORKERS", 0)) or 8)
    if size < PARALLEL_MIN_INDICATORS or workers < 2 or not hasattr(os, "fork"):
        return _texts(opened, chosen, day, states, width)
    # Contiguous shares, so that the texts join in plan order.
    step = -(-len(chosen) // workers)
    shares = [chosen[i : i + step] for i in range(0, len(chosen), step)]
    children: list[tuple[int, int]] = []
    for share in shares[1:]:
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: its share's text through the pipe, then leave without cleanup
            code = 0
            try:
                os.close(read_end)
                data = pickle.dumps(_texts(opened, share, day, states, width))
                with os.fdopen(write_end, "wb") as pipe:
                    pipe.write(data)
            except BaseException:  # noqa: BLE001 - the parent does the work itself then
                code = 1
            os._exit(code)
        os.close(write_end)
        children.append((pid, read_end))
    texts = [_texts(opened, shares[0], day, states, width)]
    for pid, read_end in children:
        with os.fdopen(read_end, "rb") as pipe:
            data = pipe.read()
        _, status = os.waitpid(pid, 0)
        texts.append(pickle.loads(data) if status == 0 and data else None)  # our own child's bytes
    if any(text is None for text in texts):
        return None if texts[0] is None else _texts(opened, chosen, day, states, width)
    return "".join(texts)  # type: ignore[arg-type]
