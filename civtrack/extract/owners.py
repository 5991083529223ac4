"""Who is responsible for a task, where the text says so.

    牵头单位:养老服务科;责任单位:各乡镇     → 养老服务科 (the lead unit wins)
    责任单位:社会救助科、财务科             → 社会救助科、财务科
    (养老科负责) / （社会事务处牵头）         → 养老科 / 社会事务处
    由区福利中心牵头 / 由社工科负责          → 区福利中心 / 社工科

An owner in a sentence belongs to that sentence's items; a sentence that only names an owner
("责任单位：养老科。") belongs to the items drafted since the previous owner in its section.
In a task table copied as text, the column headed 责任单位 / 牵头单位 gives each row's owner:

    | 序号 | 任务 | 目标 | 责任单位 |
    | 1 | 新建社区养老服务站 | 20个 | 养老科 |      → 养老科
Pure functions of the text.
"""

from __future__ import annotations

import re

_UNIT = r"[^,，;；:：。()（）\s]{2,30}?"
_LABELLED = re.compile(
    rf"(?P<label>牵头(?:单位|部门|科室)|责任(?:单位|部门|科室|处室)|负责(?:单位|科室))\s*[:：]\s*(?P<who>{_UNIT})(?=[,，;；。)）\s]|$)"
)
_BRACKETED = re.compile(rf"[(（](?P<who>{_UNIT})(?:牵头负责|负责|牵头|承办)[)）]")
_LED_BY = re.compile(rf"由(?P<who>{_UNIT})(?:牵头负责|负责|牵头)")
# What an owner's name ends in: an office, a body, or a list of them.
_OFFICE = re.compile(
    r"(?:科|处|局|办|办公室|中心|站|所|委|委员会|部|部门|组|院|会|队|街道|乡镇|镇|政府|单位|各[^、]{1,6})$"
)


def owner_of(text: str) -> str | None:
    """The office the sentence names as responsible, or None."""
    found: list[tuple[int, str]] = []  # (priority, who): a lead unit first
    for m in _LABELLED.finditer(text):
        found.append((0 if m.group("label").startswith("牵头") else 1, m.group("who")))
    for pattern in (_BRACKETED, _LED_BY):
        for m in pattern.finditer(text):
            found.append((0, m.group("who")))
    found = [(p, who.strip("、 ")) for p, who in found if _OFFICE.search(who.strip("、 "))]
    return min(found, key=lambda f: f[0])[1] if found else None


def only_owner(text: str) -> bool:
    """The sentence does nothing but name who is responsible ("（牵头单位：养老科）")."""
    rest = _LABELLED.sub("", text)
    rest = _BRACKETED.sub("", rest)
    return not re.sub(r"[\s,，;；:：。()（）、]", "", rest)


_OWNER_HEADER = re.compile(r"^(?:牵头|责任|负责|主责)(?:单位|部门|科室|处室)$")


def owner_column(row: str) -> int | None:
    """The index of the owner's column when ``row`` is a table's header row, else None."""
    if not row.startswith("|"):
        return None
    cells = [c.strip() for c in row.strip("|").split("|")]
    return next((k for k, cell in enumerate(cells) if _OWNER_HEADER.match(cell)), None)


def owner_in_row(row: str, column: int) -> str | None:
    """The owner cell of a table row, when it names an office."""
    cells = [c.strip() for c in row.strip().strip("|").split("|")]
    if column >= len(cells):
        return None
    who = cells[column].strip("、 ")
    return who if who and _OFFICE.search(who) else None
