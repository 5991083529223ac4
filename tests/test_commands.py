"""Helpers shared by the commands."""

from __future__ import annotations

from civtrack.commands import known_ids


def test_known_ids_are_sorted_and_cut_for_large_repositories() -> None:
    assert known_ids([]) == "none"
    assert known_ids(["b-2021", "a-2021"]) == "a-2021, b-2021"
    ids = [f"county-{i:03}" for i in range(1000)]
    assert known_ids(ids) == ", ".join(ids[:10]) + ", … 990 more"
