"""A deterministic generator of realistic civtrack repositories, and of an equivalent hledger journal.

    python -m benchmarks.generate OUT --entries 1000000

makes OUT/plans/*.yaml (one plan per 1,000 entries, 50 indicators each), OUT/progress/<plan>/YYYY-MM.yaml
(monthly files, entries appended as the staff of a county bureau would: one report per indicator or part a
month, notes in Chinese, now and then a correction, a comment line or a hand-written flow mapping) and
OUT/ledger.journal (one hledger transaction with one posting per entry, so that `hledger balance` does the
work that `civtrack status` does: add up every entry per indicator).

The same arguments always give the same bytes: every choice comes from random.Random seeded with the seed
and the plan number, and nothing depends on the clock or on dictionary order.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

ENTRIES_PER_PLAN = 1000
INDICATORS_PER_PLAN = 50
YEAR = 2024

_PROVINCES = ["河北", "山西", "湖北", "湖南", "四川", "贵州", "云南", "陕西", "甘肃", "江西"]
_SYLLABLES = "安平清河东阳西华南山北川永宁长兴新和丰泰嘉定临江城武德兴隆怀远"
_COUNTY_SUFFIX = ["县", "区", "市"]
_OFFICES = ["养老服务科", "社会救助科", "社会事务科", "区划地名科", "社会组织管理科", "儿童福利科", "办公室"]
_PEOPLE = ["王芳", "李强", "张伟", "刘洋", "陈静", "杨磊", "赵敏", "黄丽"]
_TOWNS = ["城关镇", "东城街道", "西城街道", "南湖乡", "北山镇", "河口镇", "新店乡", "桥头镇"]

# (name, unit, section, target range) of the indicators a civil-affairs plan tracks.
_SUMS = [
    ("新增养老床位", "张", "一、养老服务", (200, 900)),
    ("建成社区养老服务站", "个", "一、养老服务", (5, 30)),
    ("开展老年人能力评估", "人次", "一、养老服务", (500, 3000)),
    ("特困人员集中供养", "人", "二、社会救助", (50, 400)),
    ("发放临时救助", "人次", "二、社会救助", (300, 2000)),
    ("培训社会工作者", "人次", "四、社会组织和社会工作", (100, 800)),
    ("新建婚姻登记颁证厅", "个", "五、社会事务", (1, 5)),
    ("改造农村公益性公墓", "个", "五、社会事务", (3, 20)),
    ("开展儿童关爱服务活动", "场", "六、儿童福利", (20, 120)),
    ("培育社区社会组织", "家", "四、社会组织和社会工作", (10, 80)),
]
_LATESTS = [
    ("低保对象动态管理率", "%", "二、社会救助", ">="),
    ("养老机构护理型床位占比", "%", "一、养老服务", ">="),
    ("社会组织年检率", "%", "四、社会组织和社会工作", ">="),
    ("殡葬火化率", "%", "五、社会事务", ">="),
    ("困境儿童信息录入及时率", "%", "六、儿童福利", ">="),
    ("信访积案数", "件", "七、自身建设", "<="),
    ("行政复议纠错率", "%", "七、自身建设", "<="),
]
_MILESTONES = [
    ("出台养老服务体系建设实施方案", "一、养老服务"),
    ("完成县级公墓布点规划编制", "五、社会事务"),
    ("建成救助信息共享平台", "二、社会救助"),
    ("完成地名普查成果转化", "五、社会事务"),
    ("召开社会组织工作推进会", "四、社会组织和社会工作"),
    ("完成儿童福利机构转型", "六、儿童福利"),
    ("制定民政领域安全生产责任清单", "七、自身建设"),
]
_NOTE_VERBS = ["完成", "新增", "推进", "落实", "验收", "开展", "核查", "录入"]
_NOTE_OBJECTS = ["街道项目", "乡镇敬老院改造", "入户走访", "专项检查", "季度统计", "资金拨付", "台账整理", "培训班"]


@dataclass
class Ref:
    """Something that receives monthly reports: an indicator without parts, or one part."""

    ref: str
    kind: str  # sum | latest | milestone
    unit: str | None
    step: float  # typical monthly increment (sum) or level (latest)
    comparator: str = ">="


@dataclass
class PlanSpec:
    id: str
    text: str
    refs: list[Ref] = field(default_factory=list)
    milestones: list[str] = field(default_factory=list)


def county_name(rng: random.Random) -> str:
    return rng.choice(_PROVINCES) + "省" + "".join(rng.sample(_SYLLABLES, 2)) + rng.choice(_COUNTY_SUFFIX)


def _q(text: str) -> str:
    """A double-quoted YAML scalar (the text has no quote or backslash)."""
    return f'"{text}"'


def make_plan(number: int, seed: int) -> PlanSpec:
    """One annual plan: 50 indicators of every kind, with parts, checkpoints and `every`."""
    rng = random.Random(f"{seed}-plan-{number}")
    plan_id = f"county-{number:04d}-{YEAR}"
    county = county_name(rng)
    spec = PlanSpec(plan_id, "")
    lines = [
        f"# {county}民政局{YEAR}年工作要点 (generated for benchmarks)",
        f"id: {plan_id}",
        f"title: {county}{YEAR}年民政工作要点",
        f"organization: {county}民政局",
        f"period: {{start: {YEAR}-01-01, end: {YEAR}-12-31}}",
        "source: benchmarks/generate.py",
        "indicators:",
    ]
    for i in range(INDICATORS_PER_PLAN):
        slot = i % 10
        ind_id = f"ind-{i + 1:02d}"
        if slot in (0, 1, 2, 3):  # plain sums, some with checkpoints or `every`
            name, unit, section, (low, high) = _SUMS[(i + number) % len(_SUMS)]
            target = rng.randint(low, high)
            lines += [
                f"  - id: {ind_id}",
                f"    name: {name}",
                f"    section: {section}",
                f"    unit: {unit}",
                f"    target: {target}",
                f"    owner: {rng.choice(_OFFICES)}",
                f"    quote: {_q('全年' + name + str(target) + unit + '以上。')}",
            ]
            if slot == 1:
                lines += ["    checkpoints:", f"      - {{by: {YEAR}-06-30, value: {target // 2}}}"]
            elif slot == 2:
                lines.append(f"    every: {'quarter' if i % 20 < 10 else 'month'}")
            spec.refs.append(Ref(ind_id, "sum", unit, max(1, target / 12)))
        elif slot in (4, 5):  # breakdowns by town
            name, unit, section, (low, high) = _SUMS[(i + 3 * number) % len(_SUMS)]
            towns = rng.sample(_TOWNS, 3 + (i + number) % 4)
            targets = [rng.randint(max(1, low // len(towns)), max(2, high // len(towns))) for _ in towns]
            lines += [
                f"  - id: {ind_id}",
                f"    name: {name}(分乡镇)",
                f"    section: {section}",
                f"    unit: {unit}",
                f"    target: {sum(targets)}",
                "    parts:",
            ]
            for k, (town, part_target) in enumerate(zip(towns, targets, strict=True)):
                lines.append(f"      - {{id: t{k + 1}, name: {town}, target: {part_target}}}")
                spec.refs.append(Ref(f"{ind_id}/t{k + 1}", "sum", unit, max(1, part_target / 12)))
        elif slot in (6, 7):  # levels: rates and counts to bring down
            name, unit, section, comparator = _LATESTS[(i + number) % len(_LATESTS)]
            lines += [f"  - id: {ind_id}", f"    name: {name}", f"    section: {section}", f"    unit: {_scalar(unit)}"]
            if comparator == "<=":
                baseline = rng.randint(20, 60)
                target = rng.randint(1, baseline // 2)
                lines += [f"    target: {target}", f"    baseline: {baseline}", '    comparator: "<="']
                spec.refs.append(Ref(ind_id, "latest", unit, baseline, "<="))
            else:
                target = rng.choice([90, 95, 98, 100])
                lines += [f"    target: {target}", f"    baseline: {rng.randint(60, 85)}"]
                spec.refs.append(Ref(ind_id, "latest", unit, target))
            lines.append("    accumulate: latest")
        else:  # milestones
            name, section = _MILESTONES[(i + number) % len(_MILESTONES)]
            due = dt.date(YEAR, rng.randint(3, 12), 1) + dt.timedelta(days=rng.randint(0, 27))
            lines += [
                f"  - id: {ind_id}",
                f"    name: {name}",
                "    kind: milestone",
                f"    section: {section}",
                f"    due: {due}",
            ]
            spec.milestones.append(ind_id)
    spec.text = "\n".join(lines) + "\n"
    return spec


def _note(rng: random.Random) -> str:
    town = rng.choice(_TOWNS)
    return f"{town}{rng.choice(_NOTE_VERBS)}{rng.choice(_NOTE_OBJECTS)}{rng.randint(1, 9)}项"


def plan_entries(spec: PlanSpec, count: int, seed: int, number: int) -> list[dict]:
    """``count`` entries for one plan over the twelve months, in the order they were appended."""
    rng = random.Random(f"{seed}-progress-{number}")
    entries: list[dict] = []
    levels = {ref.ref: ref.step for ref in spec.refs if ref.kind == "latest"}
    reports = [(month, ref) for month in range(1, 13) for ref in spec.refs]
    # Milestones: progress notes (done: false) and, for most, the day they were done.
    milestone_entries: list[tuple[int, str, bool]] = []
    for ind_id in spec.milestones:
        done_month = rng.randint(2, 14)  # 13, 14: not done this year
        milestone_entries += [(m, ind_id, False) for m in range(1, min(done_month, 13)) if rng.random() < 0.1]
        if done_month <= 12:
            milestone_entries.append((done_month, ind_id, True))
    budget = count - len(milestone_entries)
    if budget < 0:
        milestone_entries = milestone_entries[:count]
        budget = 0
    # Drop or repeat monthly reports to reach the exact count (a second report in a month is a correction).
    if budget <= len(reports):
        keep = sorted(rng.sample(range(len(reports)), budget))
        chosen = [reports[k] for k in keep]
    else:
        chosen = reports + [reports[rng.randrange(len(reports))] for _ in range(budget - len(reports))]
        chosen.sort(key=lambda r: r[0])
    for month, ref in chosen:
        day = dt.date(YEAR, month, rng.randint(1, 28))
        entry: dict = {"date": day, "indicator": ref.ref}
        if ref.kind == "sum":
            entry["value"] = max(0, round(rng.gauss(ref.step, ref.step / 3)))
            if rng.random() < 0.02:
                entry["value"] = -entry["value"]  # a correction
        elif ref.comparator == "<=":
            levels[ref.ref] = max(0, levels[ref.ref] - rng.randint(0, 3))
            entry["value"] = levels[ref.ref]
        else:
            entry["value"] = round(min(100.0, levels[ref.ref] * 0.8 + rng.random() * 25), 1)
        if rng.random() < 0.7:
            entry["note"] = _note(rng)
        if rng.random() < 0.3:
            entry["by"] = rng.choice(_PEOPLE)
        if rng.random() < 0.05 and ref.unit:
            entry["unit"] = ref.unit
        entries.append(entry)
    for month, ind_id, done in milestone_entries:
        entry = {"date": dt.date(YEAR, month, rng.randint(1, 28)), "indicator": ind_id, "done": done}
        entry["note"] = _note(rng) if not done else "经局党组会审议通过,印发实施"
        entries.append(entry)
    # Within a month, entries are mostly appended in date order; a few arrive late.
    entries.sort(key=lambda e: (e["date"].month, e["date"] if rng.random() < 0.95 else dt.date(YEAR, 12, 31)))
    return entries


def entry_yaml(entry: dict, rng: random.Random, flow: bool) -> str:
    if flow:  # hand-written by someone who prefers one line per entry
        fields = ", ".join(f"{k}: {_q(v) if isinstance(v, str) else _scalar(v)}" for k, v in entry.items())
        return f"- {{{fields}}}\n"
    lines = []
    for key, value in entry.items():
        text = _scalar(value)
        if key == "note" and rng.random() < 0.1:
            text = _q(value + ": 详见附件")  # a colon forces quotes
        lines.append(f"{key}: {text}")
    return "- " + "\n  ".join(lines) + "\n"


def _scalar(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value == "%":  # '%' cannot start a plain scalar
        return _q("%")
    return str(value)


def journal_lines(plan_id: str, entry: dict) -> str:
    """One hledger transaction with one unbalanced (virtual) posting: the entry's value."""
    account = f"{plan_id}:{entry['indicator'].replace('/', ':')}"
    amount = entry["value"] if "value" in entry else (1 if entry["done"] else 0)
    note = entry.get("note", "")
    return f"{entry['date']} {note}\n    ({account})  {amount}\n"


def generate(out: Path, total: int, seed: int = 1, journal: bool = True) -> dict[str, int]:
    """Write a repository of ``total`` entries into ``out`` (emptied first); return counts."""
    if out.exists():
        shutil.rmtree(out)
    (out / "plans").mkdir(parents=True)
    (out / "progress").mkdir()
    (out / "civtrack.toml").write_text('lang = "zh"\npace_tolerance = 25.0\n', encoding="utf-8")
    plans = max(1, -(-total // ENTRIES_PER_PLAN))
    files = 0
    written = 0
    journal_out = open(out / "ledger.journal", "w", encoding="utf-8") if journal else None  # noqa: SIM115
    try:
        for number in range(1, plans + 1):
            spec = make_plan(number, seed)
            (out / "plans" / f"{spec.id}.yaml").write_text(spec.text, encoding="utf-8")
            count = min(ENTRIES_PER_PLAN, total - written)
            entries = plan_entries(spec, count, seed, number)
            written += len(entries)
            rng = random.Random(f"{seed}-files-{number}")
            by_month: dict[int, list[dict]] = {}
            for entry in entries:
                by_month.setdefault(entry["date"].month, []).append(entry)
            folder = out / "progress" / spec.id
            folder.mkdir()
            for month, items in sorted(by_month.items()):
                flow = rng.random() < 0.01
                header = f"# {YEAR}年{month}月进度\n" if rng.random() < 0.2 else ""
                text = header + "".join(entry_yaml(e, rng, flow) for e in items)
                (folder / f"{YEAR}-{month:02d}.yaml").write_text(text, encoding="utf-8")
                files += 1
            if journal_out is not None:
                journal_out.write("".join(journal_lines(spec.id, e) for e in sorted(entries, key=lambda e: e["date"])))
    finally:
        if journal_out is not None:
            journal_out.close()
    return {"plans": plans, "files": files, "entries": written}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-journal", action="store_true")
    args = parser.parse_args(argv)
    counts = generate(args.out, args.entries, args.seed, journal=not args.no_journal)
    print(f"{args.out}: {counts['plans']} plans, {counts['files']} files, {counts['entries']} entries")
    return 0


if __name__ == "__main__":
    sys.exit(main())
