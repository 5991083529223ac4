"""Ids of drafted indicators: slugs made unique in linear time (issue 18, D11)."""

from __future__ import annotations

import time

from civtrack.extract.draft import Draft, ItemDraft, PlanDraft
from civtrack.extract.render import indicator_ids
from civtrack.extract.slug import Ids, slug


def test_ids_are_numbered_in_order_and_skip_names_already_taken() -> None:
    ids = Ids()
    assert [ids(b) for b in ("a", "a", "a-3", "a", "a", "b")] == ["a", "a-2", "a-3", "a-4", "a-5", "b"]
    assert slug("老年日间照料中心") == "lao-nian-ri-jian-zhao-liao"


def _draft(n: int) -> Draft:
    items = [ItemDraft("number", "养老床位", f"新建养老床位{i}张", None, target=i, unit="张") for i in range(n)]
    return Draft(PlanDraft("p", "t", None, 2021, None), items)


def _seconds(n: int) -> float:
    draft = _draft(n)
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        ids = indicator_ids(draft)
        best = min(best, time.perf_counter() - start)
    assert len(set(ids)) == n and ids[-1] == f"yang-lao-chuang-wei-{n}"
    return best


def test_ids_of_many_items_with_one_name_grow_linearly() -> None:
    """8× the items must cost well under 8² = 64× the time (quadratic): growth below 20×."""
    small, large = _seconds(2_000), _seconds(16_000)
    assert large / small < 20, (small, large)
