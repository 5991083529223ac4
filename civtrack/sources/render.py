"""Where linked figures come from, in every form of `report`: each plan's section ends with the commit of
the source each linked figure (or the whole plan, for a source's plan) was read at ("Linked figures", in
HTML, Markdown, Word and the terminal text); in JSON, each linked item and source plan carries `"from"` as
in status JSON."""

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


def with_origins(section: Callable[[Any, str], Any], snapshot: Any, kind: str) -> Callable[[Any, str], Any]:
    """``section`` (a renderer's report_section, for a report of ``kind``) with the provenance of linked
    figures added (the section unchanged when the plan has none)."""
    origins = getattr(snapshot, "origins", None)
    if not origins:
        return section

    def wrapped(report: Any, lang: str) -> Any:
        from civtrack.i18n import label

        plan = report.plan
        mine = origins.get(plan.id)
        if not mine:
            return section(report, lang)
        if kind == "json":
            from civtrack.render.data import add_origins
            from civtrack.render.report_json import dumped_section, plan_report_dict

            document = plan_report_dict(report)
            add_origins(document, mine)
            return dumped_section(document)
        found = section(report, lang)
        names = {ind.id: ind.name for ind in plan.indicators}
        names.update({f"{ind.id}/{p.id}": p.name for ind in plan.indicators for p in ind.parts})
        lines = lines_of(mine, names, lang)
        title = label("linked_from", lang)
        if kind == "markdown":
            block = f"\n### {title}\n\n" + "".join(f"- {line}\n" for line in lines)
            return found.rstrip("\n") + "\n" + block + "\n"
        if kind == "html":
            items = "".join(f"<li>{html.escape(line)}</li>" for line in lines)
            block = f'<h3>{html.escape(title)}</h3><ul class="sources">{items}</ul>'
            head, tail = found.rsplit("</section>", 1)
            return f"{head}{block}</section>{tail}"
        if kind == "docx":
            from civtrack.render.report_docx import Heading, Para

            return [*found, Heading(3, title), *(Para(((line, False),)) for line in lines)]
        # text: the terminal's blocks
        return [*found, ("heading", title), *(("line", line) for line in lines)]

    return wrapped
