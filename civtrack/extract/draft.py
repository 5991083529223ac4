"""What extraction produces: a draft plan and its indicators, before rendering."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass
class PartDraft:
    name: str
    target: float | int


@dataclass
class ItemDraft:
    """One commitment found in the text: a number to reach, or a dated task (milestone)."""

    kind: str  # "number" | "milestone"
    name: str
    quote: str
    section: str | None
    target: float | int | None = None
    stretch: float | int | None = None
    unit: str | None = None
    comparator: str | None = None  # ">=" | "<="
    baseline: float | int | None = None
    due: dt.date | None = None
    due_stated: bool = False  # the text gives the deadline (else: the plan year's end)
    recurrence: str | None = None  # monthly | quarterly | half-yearly | weekly | yearly | per-session | per-unit
    parts: list[PartDraft] = field(default_factory=list)
    accumulate: str = "sum"  # "latest" for rates and levels
    relative: bool = False  # "提高10%": a change from a baseline the text does not give
    notes: list[str] = field(default_factory=list)  # what the reviewer should check
    owner: str | None = None  # the office named as responsible (牵头单位, 责任单位, 由…牵头)
    rule: str = ""  # the rule that found it (shown by --explain)


@dataclass
class PlanDraft:
    id: str
    title: str
    organization: str | None
    year: int
    source: str | None
    notes: list[str] = field(default_factory=list)

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 1, 1)

    @property
    def end(self) -> dt.date:
        return dt.date(self.year, 12, 31)


@dataclass
class Dropped:
    """A sentence with numbers that were not taken, and why (for --explain)."""

    sentence: str
    section: str | None
    numbers: list[tuple[str, str]]  # (the number as written, the reason)


@dataclass
class Draft:
    plan: PlanDraft
    items: list[ItemDraft]
    dropped: list[Dropped] = field(default_factory=list)
