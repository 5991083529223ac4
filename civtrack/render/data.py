"""Statuses → JSON and CSV: contracts that scripts depend on (docs/format.md, "Output")."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TextIO

import orjson

from civtrack.compute import PlanStatus, Status
from civtrack.render import walk
from civtrack.supervision import OwnerSummary, OwnerTally, Watch

UNWATCHED = Watch(None, None, None, None, None, None, False)


def status_dict(status: Status) -> dict[str, Any]:
    milestone = status.kind == "milestone"
    return {
        "id": status.id,
        "name": status.name,
        "kind": status.kind,
        "section": status.section,
        "unit": None if milestone else status.unit,
        "comparator": status.comparator,
        "baseline": None if milestone else status.baseline,
        "target": None if milestone else status.target,
        "current": None if milestone else status.current,
        "completion": status.completion,
        "expected": status.expected,
        "due": status.due.isoformat(),
        "state": status.state,
        "parts": [status_dict(part) for part in status.parts],
    }


def watch_dict(seen: Watch) -> dict[str, Any]:
    """Rules 10–13 of one item, as status JSON and CSV show them (dates ISO or null)."""
    return {
        "owner": seen.owner,
        "projected": seen.projected,
        "projected_completion": seen.projected_completion,
        "eta": seen.eta.isoformat() if seen.eta else None,
        "alert": seen.alert,
        "last_entry": seen.last_entry.isoformat() if seen.last_entry else None,
        "stale": seen.stale,
    }


def watched_dict(status: Status, watches: Mapping[str, Watch]) -> dict[str, Any]:
    """status_dict with the fields of rules 10–13 before ``parts`` (its parts' too). One dict made at
    once: a million-entry repository has a hundred thousand items."""
    milestone = status.kind == "milestone"
    seen = watches.get(status.ref, UNWATCHED)
    eta, last = seen.eta, seen.last_entry
    return {
        "id": status.id,
        "name": status.name,
        "kind": status.kind,
        "section": status.section,
        "unit": None if milestone else status.unit,
        "comparator": status.comparator,
        "baseline": None if milestone else status.baseline,
        "target": None if milestone else status.target,
        "current": None if milestone else status.current,
        "completion": status.completion,
        "expected": status.expected,
        "due": status.due.isoformat(),
        "state": status.state,
        "owner": seen.owner,
        "projected": seen.projected,
        "projected_completion": seen.projected_completion,
        "eta": eta.isoformat() if eta else None,
        "alert": seen.alert,
        "last_entry": last.isoformat() if last else None,
        "stale": seen.stale,
        "parts": [watched_dict(part, watches) for part in status.parts],
    }


def plan_dict(plan: PlanStatus, origins: Mapping[str, Mapping[str, Any]] | None = None) -> dict[str, Any]:
    """A plan as status JSON gives it; with ``origins`` (civtrack.sources: reference → where its figures
    come from, "" for the plan itself), a linked item and a source's plan carry `"from"`."""
    plan_out = {
        "id": plan.id,
        "title": plan.title,
        "organization": plan.organization,
        "completion": plan.completion,
        "counts": dict(plan.counts),
        "indicators": [watched_dict(status, plan.watches) for status in plan.indicators],
    }
    if origins:
        add_origins(plan_out, origins)
    return plan_out


def add_origins(plan_out: dict[str, Any], origins: Mapping[str, Mapping[str, Any]]) -> None:
    """``"from"`` on a plan's dict (a source's plan: before its indicators) and on each linked item's
    (before its parts), as status JSON and report JSON give them."""
    if "" in origins:
        plan_out["from"] = dict(origins[""])
        plan_out["indicators"] = plan_out.pop("indicators")
    for item in plan_out["indicators"]:
        for ref, out in ((item["id"], item), *((f"{item['id']}/{p['id']}", p) for p in item["parts"])):
            if ref in origins:
                out["from"] = dict(origins[ref])
                out["parts"] = out.pop("parts")


def owner_dict(summary: OwnerSummary) -> dict[str, Any]:
    return {
        "owner": summary.owner,
        "items": summary.items,
        "completion": summary.completion,
        "counts": dict(summary.counts),
        "alerts": dict(summary.alerts),
        "stale": summary.stale,
    }


def _dumps(value: Any) -> str:
    """JSON indented by 2, as json.dumps(value, ensure_ascii=False, indent=2) writes it, by orjson (several
    times faster: a million-entry status is 100,000 items). The one difference: orjson writes floats
    below 1e-4 in plain decimals (0.00001 where json writes 1e-05), the same number."""
    return orjson.dumps(value, option=orjson.OPT_INDENT_2).decode()


def status_json(plans: list[PlanStatus], as_of: str, owners: Sequence[OwnerSummary] = ()) -> str:
    document = {
        "as_of": as_of,
        "plans": [plan_dict(plan) for plan in plans],
        "owners": [owner_dict(summary) for summary in owners],
    }
    return _dumps(document) + "\n"


# Below this many plans (about 50 indicators each), a fork costs more than it saves (as for the tables).
PARALLEL_MIN_PLANS = 100


def write_status_json(
    out: TextIO,
    plan_ids: Sequence[str],
    statuses_of: Callable[[list[str]], list[PlanStatus]],
    as_of: str,
    owners: Callable[[], Sequence[OwnerSummary]] = list,
    tally: OwnerTally | None = None,
    origins: Mapping[str, Mapping[str, Mapping[str, Any]]] | None = None,
) -> None:
    """status_json of ``plan_ids``, written plan by plan: the same characters (a plan nested in the
    document is its own indented text shifted right by its depth), without holding the document of a
    thousand plans in memory at once. As the tables are, the plans are evaluated and laid out in
    contiguous shares (civtrack.parallel: forked processes when there are many), each share written
    as soon as it is there. ``statuses_of`` evaluates a share, adding its plans to ``tally`` (the
    per-owner summary) in whichever process does the share: each share's part of the tally comes back
    with its text and is joined in order. ``owners`` is called once the plans are written; ``origins``:
    per plan id, plan_dict's (the commit each linked figure came from)."""
    from civtrack.parallel import map_shares, workers

    if not plan_ids:
        out.write(status_json([], as_of, owners()))
        return
    binary = getattr(out, "buffer", None)

    def write(text: bytes) -> None:
        if binary is not None:
            binary.write(text)
        else:
            out.write(text.decode())

    def share_json(share: list[str]) -> tuple[bytes, dict | None]:
        texts = [
            b"    "
            + orjson.dumps(plan_dict(status, (origins or {}).get(status.id)), option=orjson.OPT_INDENT_2).replace(
                b"\n", b"\n    "
            )
            for status in statuses_of(share)
        ]
        return b",\n".join(texts), (tally.take() if tally is not None else None)

    taken: list[dict] = []
    started = False

    def emit(result: tuple[bytes, dict | None]) -> None:
        nonlocal started
        text, part = result
        if part is not None:
            taken.append(part)
        if text:
            write((b",\n" if started else b"") + text)
            started = True

    out.write("{\n" + f'  "as_of": {_dumps(as_of)},\n' + '  "plans": [\n')
    out.flush()  # before any fork: a child must not inherit (and never write) what is buffered
    processes = workers() if len(plan_ids) >= PARALLEL_MIN_PLANS else 1
    map_shares(share_json, list(plan_ids), processes, emit)
    if tally is not None:
        for part in taken:
            tally.extend(part)
    text = _dumps([owner_dict(summary) for summary in owners()]).replace("\n", "\n  ")
    write(("\n" if started else "").encode() + ("  ],\n" + f'  "owners": {text}\n' + "}\n").encode())
    out.flush()


CSV_COLUMNS = (
    "plan", "indicator", "part", "name", "section", "kind", "unit", "comparator",
    "baseline", "target", "current", "completion", "expected", "due", "state",
    "owner", "projected", "projected_completion", "eta", "alert", "last_entry", "stale",
)  # fmt: skip


def status_rows(plans: list[PlanStatus]) -> list[dict[str, Any]]:
    """One flat row per indicator and per part."""
    rows = []
    for plan in plans:
        for status, parent in walk(plan):
            row = status_dict(status) | watch_dict(plan.watches.get(status.ref, UNWATCHED))
            rows.append({
                "plan": plan.id,
                "indicator": parent.id if parent else status.id,
                "part": status.id if parent else None,
                **{key: row[key] for key in CSV_COLUMNS[3:]},
            })  # fmt: skip
    return rows


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def status_csv(plans: list[PlanStatus]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in status_rows(plans):
        writer.writerow({key: _cell(value) for key, value in row.items()})
    return out.getvalue()
