"""Where linked figures come from, in `report`'s HTML and Markdown: each plan's section ends with the
commit of the source each linked figure (or the whole plan, for a source's plan) was read at."""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from typing import Any


def lines_of(origins: Mapping[str, Mapping[str, Any]], names: Mapping[str, str], lang: str) -> list[str]:
    """One line per linked item ("" : the plan itself), in plan order."""
    from civtrack.i18n import label

    out = []
    for ref, where in origins.items():
        item = names.get(ref, ref) if ref else label("plan", lang)
        out.append(label("linked_from_note", lang).format(
            item=(f"{item}（{ref}）" if lang == "zh" else f"{item} ({ref})") if ref else item, source=where["source"], commit=where["commit"][:10],
            committed=str(where["committed"])[:10],
        ))  # fmt: skip
    return out


def with_origins(section: Callable[[Any, str], str], snapshot: Any, kind: str) -> Callable[[Any, str], str]:
    """``section`` (a renderer's report_section) with the provenance of linked figures added (HTML and
    Markdown; the section unchanged when the plan has none)."""
    origins = getattr(snapshot, "origins", None)
    if not origins or kind not in ("html", "markdown"):
        return section

    def wrapped(report: Any, lang: str) -> str:
        from civtrack.i18n import label

        text = section(report, lang)
        plan = report.plan
        mine = origins.get(plan.id)
        if not mine:
            return text
        names = {ind.id: ind.name for ind in plan.indicators}
        names.update({f"{ind.id}/{p.id}": p.name for ind in plan.indicators for p in ind.parts})
        lines = lines_of(mine, names, lang)
        if kind == "markdown":
            block = f"\n### {label('linked_from', lang)}\n\n" + "".join(f"- {line}\n" for line in lines)
            return text.rstrip("\n") + "\n" + block + "\n"
        items = "".join(f"<li>{html.escape(line)}</li>" for line in lines)
        block = f'<h3>{html.escape(label("linked_from", lang))}</h3><ul class="sources">{items}</ul>'
        head, tail = text.rsplit("</section>", 1)
        return f"{head}{block}</section>{tail}"

    return wrapped
