"""A monthly report → one self-contained HTML page with inline SVG charts.

No script, no stylesheet, font or image to fetch: the file opens offline, attaches
to an email and prints. Per plan: the headline figures, a burn-up chart (plan
completion month by month against the expected pace), the lists of the report,
and a bar per indicator coloured by its state. Fonts are named with fallbacks down
to the generic ``sans-serif``, Chinese faces included, so any machine with a CJK
font shows the Chinese text. The output is deterministic, like the Markdown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from html import escape

from civtrack.compute import STATES, Status
from civtrack.i18n import label, short_month
from civtrack.render.report_text import (
    Cell,
    Listing,
    current_of_target,
    headline,
    item_owner,
    listings,
    month_name,
    points,
    signed_count,
    supervision_listings,
    with_remark,
)
from civtrack.reporting import Month, PlanReport, Point, Report, Summary
from civtrack.supervision import Supervision
from civtrack.text import pct

# Colours of the four states (the terminal's green, cyan, yellow and red, made print-worthy).
STATE_COLOURS: dict[str, str] = {
    "done": "#2e7d32",
    "on-track": "#0277bd",
    "behind": "#e08a00",
    "overdue": "#c62828",
}
# Rule 11's early warnings, as supervision offices colour them.
ALERT_COLOURS: dict[str, str] = {
    "red": "#c62828",
    "orange": "#ef6c00",
    "yellow": "#f2b705",
    "blue": "#1565c0",
}
INK, MUTED, RULE, ACTUAL, PACE = "#1f2933", "#616e7c", "#d9dee4", "#1d4f91", "#8a94a3"

FONTS = (
    '-apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Helvetica Neue", Arial, '
    '"PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", '
    '"WenQuanYi Micro Hei", sans-serif'
)

CSS = f"""
*{{box-sizing:border-box}}
html{{background:#eef1f4}}
body{{margin:0;font-family:{FONTS};color:{INK};font-size:14px;line-height:1.5;
  -webkit-print-color-adjust:exact;print-color-adjust:exact}}
main{{max-width:1080px;margin:0 auto;padding:32px 24px 48px;background:#fff}}
header.masthead{{border-bottom:3px solid {ACTUAL};padding-bottom:12px;margin-bottom:24px}}
.kicker{{color:{MUTED};font-size:12px;letter-spacing:.08em;text-transform:uppercase}}
h1{{font-size:26px;margin:4px 0 2px}}
h2{{font-size:20px;margin:0 0 2px}}
h3{{font-size:15px;margin:28px 0 8px;padding-bottom:4px;border-bottom:1px solid {RULE}}}
.sub,.meta{{color:{MUTED};margin:0}}
.pid{{color:{MUTED};font-weight:normal;font-size:14px;margin-left:8px}}
section.plan{{margin-top:48px;padding-top:20px;border-top:2px solid {RULE}}}
header.masthead+section.plan{{margin-top:0;padding-top:0;border-top:0}}
.kpis{{display:flex;gap:12px;margin:16px 0 8px;flex-wrap:wrap}}
.kpi{{flex:1 1 0;min-width:120px;border:1px solid {RULE};border-radius:6px;padding:10px 14px;border-top:4px solid {RULE}}}
.kpi.main{{flex:2 1 0;border-top-color:{ACTUAL}}}
.kpi .k{{color:{MUTED};font-size:12px}}
.kpi .v{{font-size:28px;font-weight:600;line-height:1.2;font-variant-numeric:tabular-nums}}
.kpi .d{{color:{MUTED};font-size:12px}}
{"".join(f".kpi.s-{s}{{border-top-color:{c}}}.kpi.s-{s} .v{{color:{c}}}" for s, c in STATE_COLOURS.items())}
figure{{margin:8px 0 0}}
figcaption{{font-weight:600;margin-bottom:4px}}
svg text{{font-family:{FONTS}}}
table{{border-collapse:collapse;width:100%;font-size:13px}}
th,td{{padding:5px 8px;border-bottom:1px solid {RULE};text-align:left;vertical-align:top}}
th{{color:{MUTED};font-weight:600;font-size:12px;white-space:nowrap}}
td.r,th.r{{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}}
.none{{color:{MUTED};margin:4px 0}}
.pill{{display:inline-block;padding:0 8px;border-radius:9px;color:#fff;font-size:12px;white-space:nowrap}}
{"".join(f".pill.s-{s}{{background:{c}}}" for s, c in STATE_COLOURS.items())}
{"".join(f".pill.a-{a}{{background:{c}}}" for a, c in ALERT_COLOURS.items())}
.pill.a-yellow{{color:{INK}}}
h4{{font-size:14px;margin:16px 0 6px}}
td.own{{color:{MUTED};font-size:12px;width:160px}}
.remark{{display:inline-block;margin-left:6px;padding:0 6px;border-radius:4px;font-size:11px;
  background:#fdecea;color:{STATE_COLOURS["overdue"]}}}
table.bars td{{border-bottom:1px solid #eef1f4;vertical-align:middle}}
table.bars tr.section td{{font-weight:600;padding-top:12px;border-bottom:1px solid {RULE}}}
table.bars tr.part td.name{{padding-left:28px;color:{MUTED}}}
table.bars td.bar{{width:280px}}
table.bars td.r{{width:72px}}
table.bars td.st{{width:84px}}
.fig{{color:{MUTED};font-size:12px}}
.legend{{color:{MUTED};font-size:12px;margin:6px 0 0}}
.legend span{{margin-right:14px;white-space:nowrap}}
.legend i{{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:4px;vertical-align:-1px}}
footer{{margin-top:40px;color:{MUTED};font-size:12px;border-top:1px solid {RULE};padding-top:8px}}
@media print{{html{{background:#fff}}main{{padding:0;max-width:none}}section.plan{{break-before:page}}
  section.plan:first-of-type{{break-before:auto}}tr,figure{{break-inside:avoid}}}}
"""


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _n(number: float) -> str:
    """A coordinate: two decimals at most, no trailing zeros (stable and short)."""
    text = f"{number:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


# --- the burn-up chart ----------------------------------------------------------

CHART_W, CHART_H = 1000, 300
# Text drawn over lines gets a white outline, so that it stays readable where a line crosses it.
HALO = 'stroke="#fff" stroke-width="4" stroke-linejoin="round" paint-order="stroke"'
LEFT, RIGHT, TOP, BOTTOM = 52, 120, 20, 40


def burn_up(p: PlanReport, lang: str) -> str:
    """Plan completion at each month's end (solid, through the as-of month) against the
    expected pace (dashed, through the plan's end), on a time axis from the plan's start."""
    start = p.plan.period.start
    points_ = list(p.series)
    end = max(p.plan.period.end, p.status.as_of)
    span = max(1, (end - start).days + 1)
    width, height = CHART_W - LEFT - RIGHT, CHART_H - TOP - BOTTOM

    def x(day: dt.date) -> float:
        # A month's end point sits at the end of its day, so the line reaches the band's edge.
        return LEFT + width * min(span, max(0, (day - start).days + 1)) / span

    def x_before(day: dt.date) -> float:
        # x(day - 1 day), without the date before 0001-01-01 (issue 18, D13).
        return LEFT + width * min(span, max(0, (day - start).days)) / span

    def y(value: float) -> float:
        return TOP + height * (1 - min(100.0, max(0.0, value)) / 100)

    out = [
        f'<svg class="burnup" role="img" viewBox="0 0 {CHART_W} {CHART_H}" width="100%" '
        f'preserveAspectRatio="xMidYMid meet" aria-label="{_e(label("burn_up", lang))}">'
    ]
    # Months still to come are shaded: how much of the year is left is part of the picture.
    as_of_x = x(p.status.as_of)
    if as_of_x < LEFT + width:
        out.append(
            f'<rect x="{_n(as_of_x)}" y="{TOP}" width="{_n(LEFT + width - as_of_x)}" height="{height}" fill="#f4f6f8"/>'
        )
    for value in (0, 25, 50, 75, 100):
        out.append(
            f'<line x1="{LEFT}" x2="{LEFT + width}" y1="{_n(y(value))}" y2="{_n(y(value))}" '
            f'stroke="{RULE}" stroke-width="1"/>'
            f'<text x="{LEFT - 8}" y="{_n(y(value) + 4)}" text-anchor="end" font-size="12" fill="{MUTED}">{value}%</text>'
        )
    months = [pt.month for pt in points_]
    step = 1 if len(months) <= 18 else 3 if len(months) <= 48 else 12
    for month in months:
        left, right = x_before(max(start, month.first)), x(min(end, month.last))
        out.append(
            f'<line x1="{_n(right)}" x2="{_n(right)}" y1="{TOP + height}" y2="{TOP + height + 5}" stroke="{MUTED}"/>'
        )
        text = _axis_label(month, step, lang)
        if text:
            out.append(
                f'<text x="{_n((left + right) / 2)}" y="{TOP + height + 20}" text-anchor="middle" '
                f'font-size="12" fill="{MUTED}">{_e(text)}</text>'
            )
    out.append(f'<line x1="{LEFT}" x2="{LEFT + width}" y1="{TOP + height}" y2="{TOP + height}" stroke="{MUTED}"/>')

    pace = [(x_before(start), y(0))] + [(x(pt.date), y(pt.expected or 0)) for pt in points_]
    out.append(
        f'<polyline class="pace" points="{_pairs(pace)}" fill="none" stroke="{PACE}" '
        f'stroke-width="2" stroke-dasharray="6 5"/>'
    )
    done: list[Point] = [pt for pt in points_ if pt.completion is not None]
    if done:
        line = [(x_before(start), y(0))] + [(x(pt.date), y(pt.completion or 0)) for pt in done]
        area = [*line, (line[-1][0], y(0))]
        out.append(f'<polygon points="{_pairs(area)}" fill="{ACTUAL}" fill-opacity="0.08"/>')
        out.append(f'<polyline class="actual" points="{_pairs(line)}" fill="none" stroke="{ACTUAL}" stroke-width="3"/>')
        # A dot per month reads well for a year; on longer plans only the last one is marked.
        for px, py in line[1:] if len(line) <= 25 else line[-1:]:
            out.append(f'<circle cx="{_n(px)}" cy="{_n(py)}" r="3.5" fill="#fff" stroke="{ACTUAL}" stroke-width="2"/>')
        last_x, last_y = line[-1]
        pace_y = y(p.expected or 0)
        # The two end labels are kept apart when the lines end close together.
        label_y, pace_label_y = last_y, pace_y
        if abs(label_y - pace_label_y) < 30:
            mid = (label_y + pace_label_y) / 2
            label_y, pace_label_y = (mid - 15, mid + 15) if last_y <= pace_y else (mid + 15, mid - 15)
        projection = p.projection
        if projection is not None and p.plan.period.end > p.status.as_of:
            # Rule 10's straight lines carried to the due dates: a dashed continuation of the line.
            out.append(
                f'<polyline class="projection" points="{_pairs([(last_x, last_y), (x(end), y(projection))])}" '
                f'fill="none" stroke="{ACTUAL}" stroke-width="2" stroke-dasharray="3 4" stroke-opacity="0.7"/>'
                f'<text x="{_n(x(end) + 6)}" y="{_n(y(projection) + 4)}" font-size="12" fill="{ACTUAL}" {HALO}>'
                f"{_e(label('projected', lang))} {_e(pct(projection))}</text>"
            )
        out.append(
            f'<line x1="{_n(as_of_x)}" x2="{_n(as_of_x)}" y1="{TOP}" y2="{TOP + height}" stroke="{ACTUAL}" '
            f'stroke-width="1" stroke-dasharray="2 3"/>'
            f'<text x="{_n(last_x + 10)}" y="{_n(label_y + 5)}" font-size="15" font-weight="600" fill="{ACTUAL}" {HALO}>'
            f"{_e(pct(done[-1].completion))}</text>"
            f'<text x="{_n(last_x + 10)}" y="{_n(pace_label_y + 5)}" font-size="12" fill="{MUTED}" {HALO}>'
            f"{_e(label('expected_pace', lang))} {_e(pct(p.expected))}</text>"
        )
    out.append("</svg>")
    legend = (
        f'<p class="legend"><span><i style="background:{ACTUAL}"></i>{_e(label("completion", lang))}</span>'
        f'<span><i style="background:{PACE}"></i>{_e(label("expected_pace", lang))}</span>'
        f'<span><i style="background:{ACTUAL};opacity:.5"></i>{_e(label("projected", lang))}</span>'
        f"<span>{_e(label('as_of', lang))} {p.status.as_of.isoformat()}</span></p>"
    )
    caption = _e(label("burn_up", lang))
    return f'<figure class="chart"><figcaption>{caption}</figcaption>{"".join(out)}{legend}</figure>'


def _axis_label(month: Month, step: int, lang: str) -> str | None:
    """Every month's name on a chart of a year or so; on longer ones every ``step`` months, years at January."""
    if step == 1:
        return short_month(month.month, lang)
    if month.month == 1:
        return f"{month.year}年" if lang == "zh" else str(month.year)
    return short_month(month.month, lang) if (month.month - 1) % step == 0 else None


def _pairs(points: list[tuple[float, float]]) -> str:
    return " ".join(f"{_n(px)},{_n(py)}" for px, py in points)


# --- indicator bars -------------------------------------------------------------

BAR_W, BAR_H = 260, 14


def bar(completion: float, state: str, pace: float | None = None) -> str:
    """A bar of completion (full at 100% and beyond) coloured by state, with a tick at the expected pace."""
    filled = BAR_W * min(100.0, max(0.0, completion)) / 100
    parts = [
        f'<svg class="bar" viewBox="0 0 {BAR_W} {BAR_H}" width="{BAR_W}" height="{BAR_H}" role="img" '
        f'aria-label="{_e(pct(completion))}">',
        f'<rect width="{BAR_W}" height="{BAR_H}" rx="3" fill="#e9edf1"/>',
        f'<rect class="fill s-{state}" width="{_n(filled)}" height="{BAR_H}" rx="3" fill="{STATE_COLOURS[state]}"/>',
    ]
    if pace is not None and pace > 0 and state != "done":  # nothing expected yet: no tick
        px = BAR_W * min(100.0, max(0.0, pace)) / 100
        parts.append(f'<rect x="{_n(max(0, px - 1))}" y="-1" width="2" height="{BAR_H + 2}" fill="{INK}"/>')
    parts.append("</svg>")
    return "".join(parts)


def _pill(state: str, lang: str) -> str:
    return f'<span class="pill s-{state}">{_e(label(state, lang))}</span>'


def _bars(p: PlanReport, lang: str) -> str:
    rows = []
    section: str | None = None
    for status in p.status.indicators:
        if status.section is not None and status.section != section:
            rows.append(f'<tr class="section"><td colspan="5">{_e(status.section)}</td></tr>')
        section = status.section
        rows.append(_bar_row(p, status, "indicator", lang))
        rows.extend(_bar_row(p, part, "part", lang) for part in status.parts)
    legend = (
        "".join(f'<span><i style="background:{STATE_COLOURS[s]}"></i>{_e(label(s, lang))}</span>' for s in STATES)
        + f'<span><i style="background:{INK};width:2px"></i>{_e(label("expected_pace", lang))}</span>'
    )
    return f'<table class="bars"><tbody>{"".join(rows)}</tbody></table><p class="legend">{legend}</p>'


def _bar_row(p: PlanReport, status: Status, kind: str, lang: str) -> str:
    figures = f"{current_of_target(status, lang)} · {label('due', lang)} {status.due.isoformat()}"
    name = ("└ " if kind == "part" else "") + status.name
    return (
        f'<tr class="{kind}" data-ref="{_e(status.ref)}" data-state="{status.state}">'
        f'<td class="name">{_e(name)}<div class="fig">{_e(figures)}</div></td>'
        f'<td class="bar">{bar(status.completion, status.state, p.pace_of(status))}</td>'
        f'<td class="r">{_e(pct(status.completion))}</td><td class="st">{_pill(status.state, lang)}</td>'
        f'<td class="own">{_e(item_owner(p, status, lang))}</td></tr>'
    )


# --- lists and the page ---------------------------------------------------------


def _cell(c: str | Cell, align: str, lang: str) -> str:
    if type(c) is str:
        inner = _e(c)
        return f'<td class="r">{inner}</td>' if align == "r" else f"<td>{inner}</td>"
    if c.alert:
        inner = f'<span class="pill a-{c.alert}">{_e(c.text)}</span>'
    else:
        inner = _pill(c.state, lang) if c.state else _e(c.text)
    if c.remark:
        inner += f'<span class="remark">{_e(c.remark)}</span>'
    return f'<td class="r">{inner}</td>' if align == "r" else f"<td>{inner}</td>"


def _listing(listing: Listing, lang: str) -> str:
    title = f"<h3>{_e(with_remark(listing.title, str(len(listing.rows)), lang))}</h3>"
    if not listing.rows:
        return f'<div class="list {listing.key}">{title}<p class="none">{_e(label("none", lang))}</p></div>'
    head = "".join(
        f'<th class="r">{_e(h)}</th>' if a == "r" else f"<th>{_e(h)}</th>"
        for h, a in zip(listing.head, listing.align, strict=True)
    )
    body = "".join(
        "<tr>" + "".join(_cell(c, a, lang) for c, a in zip(row, listing.align, strict=True)) + "</tr>"
        for row in listing.rows
    )
    return (
        f'<div class="list {listing.key}">{title}<table><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></div>"
    )


def _kpis(p: PlanReport, lang: str) -> str:
    tiles = [
        f'<div class="kpi main"><div class="k">{_e(label("completion", lang))}</div>'
        f'<div class="v">{_e(pct(p.status.completion))}</div><div class="d">{_e(headline(p, lang))}</div></div>'
    ]
    for state in STATES:
        tiles.append(
            f'<div class="kpi s-{state}"><div class="k">{_e(label(state, lang))}</div>'
            f'<div class="v">{p.status.counts[state]}</div>'
            f'<div class="d">{_e(signed_count(p.counts_change[state]))}</div></div>'
        )
    return f'<div class="kpis">{"".join(tiles)}</div>'


def report_section(p: PlanReport, lang: str = "en") -> str:
    """One plan's section of the page."""
    plan = p.plan
    meta = [plan.organization] if plan.organization else []
    meta.append(f"{label('period', lang)} {plan.period.start.isoformat()} – {plan.period.end.isoformat()}")
    found = {listing.key: listing for listing in listings(p, lang)}
    # Read first what needs action, then what went well, then the details.
    order = ("overdue", "behind", "lagging_parts", "due_next", "newly_done")
    return (
        f'<section class="plan" id="plan-{_e(plan.id)}" data-plan="{_e(plan.id)}">'
        f'<h2>{_e(plan.title)}<span class="pid">{_e(plan.id)}</span></h2>'
        f'<p class="meta">{_e(" · ".join(meta))}</p>'
        f"{_kpis(p, lang)}{burn_up(p, lang)}"
        + "".join(_listing(found[key], lang) for key in order if key in found)
        + f"<h3>{_e(label('all_indicators', lang))}</h3>{_bars(p, lang)}"
        + _listing(found["entries"], lang)
        + "</section>"
    )


def _overview(summaries: Sequence[Summary], lang: str) -> str:
    head = "".join(
        f'<th class="r">{_e(h)}</th>' if i else f"<th>{_e(h)}</th>"
        for i, h in enumerate(
            [label("plan", lang), label("completion", lang), label("change", lang), *(label(s, lang) for s in STATES)]
        )
    )
    rows = "".join(
        f'<tr><td><a href="#plan-{_e(p.id)}">{_e(p.title)}</a></td>'
        f'<td class="r">{_e(pct(p.completion))}</td><td class="r">{_e(points(p.completion_change, lang))}</td>'
        + "".join(
            f'<td class="r">{p.counts[s]} <span class="fig">{_e(signed_count(p.counts_change[s]))}</span></td>'
            for s in STATES
        )
        + "</tr>"
        for p in summaries
    )
    return f'<h3>{_e(label("overview", lang))}</h3><table class="overview"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'


def _supervision(sup: Supervision, lang: str, many_plans: bool) -> str:
    """By responsible unit, Warnings and Not reported (a table per owner), across the report's plans."""
    ranking, warnings, not_reported, *owners = supervision_listings(sup, lang, many_plans)
    body = [_listing(ranking, lang).replace(with_remark(ranking.title, str(len(ranking.rows)), lang), ranking.title, 1),
            _listing(warnings, lang)]  # fmt: skip
    title = _e(with_remark(not_reported.title, str(len(not_reported.rows)), lang))
    parts = [_listing(listing, lang).replace("<h3>", "<h4>", 1).replace("</h3>", "</h4>", 1) for listing in owners] or [
        f'<p class="none">{_e(label("none", lang))}</p>'
    ]
    body.append(f'<div class="list not_reported"><h3>{title}</h3>{"".join(parts)}</div>')
    return f'<section class="supervision">{"".join(body)}</section>'


def report_chunks(
    month: Month,
    summaries: Sequence[Summary],
    sections: Sequence[str],
    lang: str = "en",
    supervision: Supervision | None = None,
) -> Iterator[str]:
    """The whole page in pieces, from its plans' summaries and sections (report_section), in order:
    written one after the other they make a page that ends with one newline. The sections may have
    been laid out in other processes; a long report is never joined into one string."""
    title = label("report_title", lang).format(month=month_name(month, lang))
    as_of = label("report_as_of", lang).format(as_of=month.last, previous=month.previous().last)
    body = [
        f'<header class="masthead"><div class="kicker">civtrack</div><h1>{_e(title)}</h1><p class="sub">{_e(as_of)}</p></header>'
    ]
    if not summaries:
        body.append(f'<p class="none">{_e(label("report_no_plans", lang).format(month=month_name(month, lang)))}</p>')
    if len(summaries) > 1:
        body.append(_overview(summaries, lang))
    if summaries and supervision is not None:
        body.append(_supervision(supervision, lang, len(summaries) > 1))
    yield (
        "<!DOCTYPE html>\n"
        f'<html lang="{"zh-CN" if lang == "zh" else "en"}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n" + "\n".join(body)
    )
    for section in sections:
        yield "\n"
        yield section
    yield f"\n<footer>{_e(label('generated_by', lang))}</footer>\n</main>\n</body>\n</html>\n"


def report_html(report: Report, lang: str = "en") -> str:
    """The whole report as one HTML page (ends with one newline)."""
    sections = [report_section(p, lang) for p in report.plans]
    return "".join(report_chunks(report.month, report.summaries, sections, lang, report.supervision))
