"""Every label people read, in English and Chinese, from one table.

Renderers ask ``label(key, lang)``; a key missing here is a bug caught by the
tests (tests/test_i18n.py checks that both languages have every key).
"""

from __future__ import annotations

LABELS: dict[str, tuple[str, str]] = {
    # states
    "done": ("done", "已完成"),
    "on-track": ("on track", "正常"),
    "behind": ("behind", "滞后"),
    "overdue": ("overdue", "逾期"),
    # columns and headings
    "indicator": ("Indicator", "指标"),
    "target": ("Target", "目标"),
    "current": ("Current", "当前"),
    "unit": ("Unit", "单位"),
    "progress": ("Progress", "进度"),
    "completion": ("Completion", "完成率"),
    "due": ("Due", "截止"),
    "state": ("State", "状态"),
    "section": ("Section", "章节"),
    "plan": ("Plan", "计划"),
    "part": ("Part", "分项"),
    "name": ("Name", "名称"),
    "kind": ("Kind", "类型"),
    "baseline": ("Baseline", "基数"),
    "comparator": ("Comparator", "比较"),
    "as_of": ("as of", "截至"),
    "milestone": ("milestone", "节点任务"),
    "number": ("number", "数值"),
    "no_section": ("(no section)", "（未分章节）"),
    "indicators": ("indicators", "项指标"),
    "plan_completion": ("completion", "总体完成率"),
    "no_plans": ("No plans found in plans/.", "plans/ 中没有计划。"),
    "no_match": ("No indicator matches the filters.", "没有符合条件的指标。"),
    "legend_milestone": ("✓ done / ○ open", "✓ 完成 / ○ 未完成"),
}


def label(key: str, lang: str = "en") -> str:
    en, zh = LABELS[key]
    return zh if lang == "zh" else en


def state_label(state: str, lang: str = "en") -> str:
    return label(state, lang)
