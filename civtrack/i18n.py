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
    # record
    "recorded": ("Recorded in", "已记录到"),
    "record_dry_run": ("Dry run (nothing written); would record in", "试运行（未写入），将记录到"),
    "status_unavailable": (
        "The indicator's new status cannot be computed: fix the problems above (`civtrack check`).",
        "无法计算该指标的新状态：请先修正上述问题（`civtrack check`）。",
    ),
    "future_entry": ("the entry is dated later: not counted yet", "记录日期较晚：尚未计入"),
    # diff
    "working_tree": ("working tree", "工作区"),
    "no_commits": ("no commits yet", "尚无提交"),
    "diff_indicators": ("indicators", "指标变化"),
    "entries_added": ("entries added", "新增记录"),
    "entry_changed": ("entry changed", "记录被修改"),
    "entry_removed": ("entry removed", "记录被删除"),
    "plan_changes": ("plan changes", "计划变更"),
    "plan_added": ("new plan", "新计划"),
    "plan_removed": ("plan removed", "计划被删除"),
    "rewritten": ("history or targets rewritten", "历史记录或目标被改写"),
    "eased": ("easier to meet", "标准降低"),
    "no_changes": ("No changes.", "没有变化。"),
    "problems_in": ("problems in", "存在问题："),
    "change_indicator": ("indicator", "指标"),
    "change_part": ("part", "分项"),
    "change_plan": ("plan", "计划"),
    "lowered": ("lowered", "下调"),
    "raised": ("raised", "上调"),
    "postponed": ("postponed", "推迟"),
    "advanced": ("brought forward", "提前"),
    "changed": ("changed", "变更"),
    "added": ("added", "新增"),
    "removed": ("removed", "删除"),
    "field_kind": ("kind", "类型"),
    "field_unit": ("unit", "单位"),
    "field_target": ("target", "目标"),
    "field_baseline": ("baseline", "基数"),
    "field_comparator": ("comparator", "比较方式"),
    "field_accumulate": ("accumulation", "累计方式"),
    "field_start": ("start", "开始日期"),
    "field_due": ("due", "截止日期"),
    "field_end": ("plan end", "计划结束日期"),
    "field_weight": ("weight", "权重"),
    "field_checkpoints": ("checkpoints", "阶段目标"),
    "field_every": ("checkpoint interval", "分期"),
    "field_name": ("name", "名称"),
    "field_section": ("section", "章节"),
    "field_owner": ("owner", "责任单位"),
    "field_tags": ("tags", "标签"),
    "field_quote": ("quote", "原文"),
    "field_note": ("note", "备注"),
    "field_title": ("title", "标题"),
    "field_organization": ("organization", "单位"),
    "field_source": ("source", "来源"),
    # history
    "date": ("Date", "日期"),
    "value": ("Value", "数值"),
    "note": ("Note", "说明"),
    "by": ("By", "填报人"),
    "commit": ("Commit", "提交"),
    "author": ("Author", "作者"),
    "committed": ("Committed", "提交日期"),
    "uncommitted": ("not committed", "未提交"),
    "file": ("File", "文件"),
    "history_empty": ("No entries yet.", "尚无记录。"),
}


def label(key: str, lang: str = "en") -> str:
    en, zh = LABELS[key]
    return zh if lang == "zh" else en


def state_label(state: str, lang: str = "en") -> str:
    return label(state, lang)
