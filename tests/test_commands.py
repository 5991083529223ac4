"""Helpers shared by the commands."""

from __future__ import annotations

from civtrack.commands import known_ids
from civtrack.messages import render_message


def test_known_ids_are_sorted_and_cut_for_large_repositories() -> None:
    def words(ids: list[str], lang: str = "en") -> str:
        return render_message("E305", ("x", known_ids(ids)), lang)

    assert words([]) == "unknown plan 'x' (known: none)"
    assert words([], "zh") == "未知计划“x”（已有：无）"
    assert words(["b-2021", "a-2021"]) == "unknown plan 'x' (known: a-2021, b-2021)"
    ids = [f"county-{i:03}" for i in range(1000)]
    assert words(ids) == f"unknown plan 'x' (known: {', '.join(ids[:10])}, … 990 more)"
    assert words(ids, "zh") == f"未知计划“x”（已有：{', '.join(ids[:10])}，……另有 990 个）"


def test_plan_isolates_from_other_plans_errors(tmp_path) -> None:
    """Issue 18 (a new user): one broken plan file made `status --plan OTHER`, `report` and `export` of the
    other plans exit 2. With --plan, the chosen plans are computed when only other plans' files have errors;
    those errors are still named on stderr, with a pointer to `civtrack check`."""
    from tests.gitkit import make_repo
    from tests.test_boundaries import run

    root = make_repo(tmp_path / "repo", with_git=False)
    (root / "progress/town").mkdir()
    (root / "progress/town/2026-03.yaml").write_text("- {date: 2026-03-01, indicator: elder-beds, value: 300}\n")
    (root / "plans/other.yaml").write_text("id: other\ntitle: 其他\nperiod: {start: 2026-01-01, end: 2026-12-31}\n"
                                           "indicators:\n  - {id: a, name: 甲, target: 800张}\n")  # fmt: skip
    (root / "progress/other").mkdir()
    (root / "progress/other/2026-03.yaml").write_text("- {date: 2026-03-01, indicator: a\n")
    errors = [
        "plans/other.yaml:5: error E082: indicators[1].target: expected a number, got the text '800张': write the number "
        "alone (800) and the unit in the unit field",
        "progress/other/2026-03.yaml:1: error E029: a '{' opened on this line is not closed, or a ',' is missing between "
        "its items",
    ]
    warned = "civtrack: warning W302: other plans' files have the errors above; town computed without them (`civtrack check` lists every problem)"
    for args in (
        ("status", "--plan", "town", "--as-of", "2026-06-01", "--format", "json"),
        ("export", "--plan", "town", "--as-of", "2026-06-01"),
        ("report", "--plan", "town", "--month", "2026-03", "--format", "json"),
    ):
        code, output = run(root, *args)
        assert code == 0, output
        assert output.splitlines()[-3:] == [*errors, warned] and "300" in output  # stdout, then stderr
    for args in (("status", "--as-of", "2026-06-01"), ("status", "--plan", "other", "--as-of", "2026-06-01")):
        code, output = run(root, *args)
        assert code == 2 and output.splitlines() == [
            *errors, "civtrack: error E309: fix the problems above (`civtrack check` lists them all)"
        ]  # fmt: skip
