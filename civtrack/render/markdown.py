"""Statuses → Markdown tables that read well in a terminal, an email and a git forge."""

from __future__ import annotations

from civtrack.compute import PlanStatus, Status
from civtrack.i18n import label
from civtrack.render import grouped_by_section
from civtrack.text import fmt, pct


def cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def counts_line(plan: PlanStatus, lang: str) -> str:
    parts = [f"{label('plan_completion', lang)} **{pct(plan.completion)}**"]
    parts += [f"{label(state, lang)} {count}" for state, count in plan.counts.items()]
    return " · ".join(parts)


def _row(status: Status, lang: str, prefix: str = "") -> str:
    if status.kind == "milestone":
        target, current = "—", "✓" if status.state == "done" else "○"
    else:
        target = ("≤ " if status.comparator == "<=" else "") + fmt(status.target)
        current = fmt(status.current)
    state = label(status.state, lang)
    if status.state in ("behind", "overdue"):
        state = f"**{state}**"
    return (
        f"| {prefix}{cell(status.name)} | {target} | {current} | {cell(status.unit or '')} "
        f"| {pct(status.completion)} | {status.due.isoformat()} | {state} |"
    )


def plan_markdown(plan: PlanStatus, lang: str = "en") -> str:
    head = [label(k, lang) for k in ("indicator", "target", "current", "unit", "completion", "due", "state")]
    lines = [
        f"## {cell(plan.title)} ({plan.id})",
        "",
        f"{label('as_of', lang)} {plan.as_of.isoformat()} · {counts_line(plan, lang)}",
        "",
    ]
    for section, statuses in grouped_by_section(plan.indicators):
        if section is not None:
            lines += [f"### {cell(section)}", ""]
        lines.append("| " + " | ".join(head) + " |")
        lines.append("|---|--:|--:|---|--:|---|---|")
        for status in statuses:
            lines.append(_row(status, lang))
            for part in status.parts:
                lines.append(_row(part, lang, prefix="└ "))
        lines.append("")
    return "\n".join(lines)


def status_markdown(plans: list[PlanStatus], lang: str = "en") -> str:
    return "\n".join(plan_markdown(plan, lang) for plan in plans).rstrip("\n") + "\n"
