"""civtrack.cache: the snapshot (through the cache, in parallel or not) equals the reference reading.

The reference is what civtrack did before the cache: load.load (every entry), check.check_repository and
compute.fold. Each test compares the snapshot with it (plans, every problem in order, entry counts,
statuses at several dates) after the change the cache must notice: an edit, an append, a same-size
same-mtime rewrite, a `git checkout`, a plan change, a deleted file, a corrupt or tampered cache.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from benchmarks.generate import generate
from civtrack import cache
from civtrack.cache import CACHE_DIR, DB_NAME, CacheStore, dump_model, open_snapshot, rebuild_model
from civtrack.cache.store import cache_key, mac
from civtrack.check import check_repository
from civtrack.compute import evaluate, fold, plan_status
from civtrack.load import load_disk
from civtrack.model import Plan
from civtrack.workspace import Config
from tests.conftest import civtrack_exe


def row_sum(kind: str, name: str, body: bytes) -> str:
    """The MAC CacheStore keeps with a row, made with this user's key: to make a row that passes it, as
    only this user's civtrack can (the shape checks behind the MAC are what such rows test)."""
    key = cache_key()
    assert key is not None
    return mac(key, kind, name, body)


DATES = ["2023-12-31", "2024-01-01", "2024-03-15", "2024-06-30", "2024-09-30", "2024-12-31", "2025-06-30"]
CONFIG = Config()


def reference(root: Path) -> tuple[list, list[str], dict[str, int], dict]:
    repo = load_disk(root, CONFIG)
    problems = [*repo.problems, *check_repository(repo)]
    problems.sort(key=lambda p: (p.path, p.line or 0))
    ledger = fold((item.plan_id, item.entry, (item.month, item.seq)) for item in repo.all_entries())
    plans = [repo.plans[p].plan for p in sorted(repo.plans)]
    counts = {plan_id: len(items) for plan_id, items in repo.entries.items()}
    return plans, [str(p) for p in problems], counts, ledger


def assert_matches_reference(root: Path, **kwargs: object) -> cache.Snapshot:
    snapshot = open_snapshot(root, CONFIG, **kwargs)  # type: ignore[arg-type]
    plans, problems, counts, ledger = reference(root)
    assert [snapshot.plans[p].plan for p in sorted(snapshot.plans)] == plans
    assert [str(p) for p in snapshot.problems] == problems
    assert snapshot.entry_counts == counts
    for text in DATES:
        day = dt.date.fromisoformat(text)
        assert evaluate(plans, snapshot.ledger_at(day), day) == evaluate(plans, ledger, day), text
    return snapshot


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    generate(root, 2_500, seed=3, journal=False)
    return root


def test_rows_written_in_batches_make_the_same_cache(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A cold run writes its rows as they come (every folder's in its own transaction here): the next
    run takes every file from them, and reads the same as the reference."""
    monkeypatch.setattr("civtrack.cache.snapshot.FLUSH_BYTES", 1)
    cold = assert_matches_reference(repo, workers=1)
    assert cold.stats["parsed"] == 36 and cold.stats["cached"] == 0
    monkeypatch.setattr("civtrack.cache.snapshot.FLUSH_BYTES", 16 << 20)
    warm = assert_matches_reference(repo)
    assert warm.stats["parsed"] == 0 and warm.stats["plans_parsed"] == 0 and warm.stats["cached"] == 36
    march = warm.entries(["2024-03"])  # 3 plans' March files, from the rows written in batches
    assert len(march) > 0 and warm.stats["entries_cached"] == 3 and "entries_parsed" not in warm.stats


def month_file(root: Path, plan: int = 1, month: int = 3) -> Path:
    return root / "progress" / f"county-{plan:04d}-2024" / f"2024-{month:02d}.yaml"


def test_cold_then_warm(repo: Path) -> None:
    cold = assert_matches_reference(repo)
    assert cold.stats["parsed"] == 36 and cold.stats["cached"] == 0
    assert (repo / CACHE_DIR / DB_NAME).is_file()
    warm = assert_matches_reference(repo)
    assert warm.stats["parsed"] == 0 and warm.stats["plans_parsed"] == 0 and warm.stats["cached"] == 36


def test_edit_and_append_are_seen(repo: Path) -> None:
    open_snapshot(repo, CONFIG)
    path = month_file(repo)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("value: ", "value: 1", 1), encoding="utf-8")  # an edit (value 12 → 112, say)
    snapshot = assert_matches_reference(repo)
    assert snapshot.stats["parsed"] == 1
    with path.open("a", encoding="utf-8") as handle:
        handle.write(
            "- date: 2024-03-31\n  indicator: ind-01\n  value: 0.1\n- date: 2024-03-31\n  indicator: ind-01\n  value: 0.2\n"
        )
    snapshot = assert_matches_reference(repo)
    assert snapshot.stats["parsed"] == 1


def test_same_size_same_mtime_rewrite_is_seen(repo: Path) -> None:
    path = month_file(repo)
    text = path.read_text(encoding="utf-8")
    old = path.stat()
    open_snapshot(repo, CONFIG)
    # Same length, other digits; then the old mtime put back (as rsync -t or a careless tool would).
    changed = (
        text.replace("value: 1\n", "value: 7\n", 1) if "value: 1\n" in text else text.replace("value: 2", "value: 9", 1)
    )
    assert changed != text and len(changed) == len(text)
    path.write_text(changed, encoding="utf-8")
    os.utime(path, ns=(old.st_atime_ns, old.st_mtime_ns))
    assert path.stat().st_size == old.st_size and path.stat().st_mtime_ns == old.st_mtime_ns
    snapshot = assert_matches_reference(repo)
    assert snapshot.stats["parsed"] == 1


def test_racy_file_is_checked_by_hash(repo: Path) -> None:
    """A file written within the clock's tick of the cached reading is verified by its content next time."""
    snapshot = open_snapshot(repo, CONFIG)
    assert snapshot.stats["parsed"] == 36  # just generated: every file is racy
    again = open_snapshot(repo, CONFIG)
    assert again.stats["hashed"] >= 1 and again.stats["parsed"] == 0


def test_touch_without_change_does_not_reparse(repo: Path) -> None:
    open_snapshot(repo, CONFIG)
    path = month_file(repo)
    os.utime(path, ns=(1_600_000_000_000_000_000, 1_600_000_000_000_000_000))
    snapshot = assert_matches_reference(repo)
    assert snapshot.stats["parsed"] == 0 and snapshot.stats["hashed"] >= 1


def git(root: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}  # fmt: skip
    return subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True, text=True).stdout


def test_git_checkout_of_another_revision_is_seen(repo: Path) -> None:
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "first")
    open_snapshot(repo, CONFIG)
    assert git(repo, "status", "--porcelain") == ""  # the cache ignores itself in any repository
    first = git(repo, "rev-parse", "HEAD").strip()
    path = month_file(repo, plan=2, month=5)
    with path.open("a", encoding="utf-8") as handle:
        handle.write("- date: 2024-05-30\n  indicator: ind-02\n  value: 40\n")
    (repo / "plans" / "county-0001-2024.yaml").write_text(
        (repo / "plans" / "county-0001-2024.yaml").read_text(encoding="utf-8").replace("target: ", "target: 1", 1),
        encoding="utf-8",
    )
    git(repo, "commit", "-qam", "second")
    second = assert_matches_reference(repo)
    git(repo, "checkout", "-q", first)
    back = assert_matches_reference(repo)
    assert back.entry_counts["county-0002-2024"] == second.entry_counts["county-0002-2024"] - 1
    git(repo, "checkout", "-q", "-")
    assert_matches_reference(repo)


def test_plan_change_redoes_the_entry_checks(repo: Path) -> None:
    open_snapshot(repo, CONFIG)
    plan = repo / "plans" / "county-0001-2024.yaml"
    text = plan.read_text(encoding="utf-8")
    plan.write_text(text.replace("  - id: ind-01\n", "  - id: ind-renamed\n"), encoding="utf-8")
    snapshot = assert_matches_reference(repo)
    assert any("unknown indicator 'ind-01'" in str(p) for p in snapshot.problems)
    assert snapshot.stats["parsed"] == 0  # the progress files' columns came from the cache


def test_deleted_and_added_files(repo: Path) -> None:
    open_snapshot(repo, CONFIG)
    month_file(repo, month=4).unlink()
    (repo / "progress" / "county-0001-2024" / "2024-13.yaml").write_text("[]\n", encoding="utf-8")
    (repo / "progress" / "nobody").mkdir()
    (repo / "progress" / "nobody" / "2024-01.yaml").write_text("- date: 2024-01-01\n", encoding="utf-8")
    assert_matches_reference(repo)
    shutil.rmtree(repo / "progress" / "county-0002-2024")
    assert_matches_reference(repo)


def test_problems_are_cached_and_reported_in_order(repo: Path) -> None:
    path = month_file(repo, month=6)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(
            "- date: 2024-07-01\n  indicator: ind-01\n  value: 1\n"  # wrong month
            "- date: 2024-06-02\n  indicator: nope\n  value: 1\n"  # unknown indicator
            "- date: 2024-06-03\n  indicator: ind-07\n  done: true\n"  # done on a number
            "- date: 2024-06-04\n  indicator: ind-01\n  value: x\n"  # not a number (validation)
        )
    with month_file(repo, month=7).open("a", encoding="utf-8") as handle:
        handle.write("- date: 2024-07-05\n  indicator: ind-01\n  value: 1\n  value: 2\n")  # duplicate key
    (repo / "plans" / "broken.yaml").write_text("id: broken\ntitle: [\n", encoding="utf-8")
    cold = assert_matches_reference(repo)
    warm = assert_matches_reference(repo)
    assert [str(p) for p in warm.problems] == [str(p) for p in cold.problems]
    assert len(cold.errors) == 6


def test_out_of_order_days_and_float_sums(repo: Path) -> None:
    """Days not in date order (a late entry, an entry in the wrong month's file) and float values whose
    sum depends on the order of additions: the same result to the last bit."""
    path = month_file(repo, month=2)
    with path.open("a", encoding="utf-8") as handle:
        for day, value in ((28, "0.1"), (3, "0.2"), (15, "0.3"), (1, "0.7")):
            handle.write(f"- date: 2024-02-{day:02d}\n  indicator: ind-01\n  value: {value}\n")
        handle.write("- date: 2024-01-20\n  indicator: ind-07\n  value: 55.5\n")  # in February's file
    assert_matches_reference(repo)
    assert_matches_reference(repo)


def test_corrupt_database_is_rebuilt(repo: Path) -> None:
    open_snapshot(repo, CONFIG)
    db = repo / CACHE_DIR / DB_NAME
    db.write_bytes(b"this is not a database" * 100)
    snapshot = assert_matches_reference(repo)
    assert snapshot.stats["parsed"] == 36
    assert_matches_reference(repo)  # and the rebuilt cache is good


def test_tampered_rows_are_detected_and_rebuilt(repo: Path) -> None:
    open_snapshot(repo, CONFIG)
    db = sqlite3.connect(repo / CACHE_DIR / DB_NAME)
    # Change a cached series and a cached plan without fixing their checksums.
    name, body = db.execute("SELECT name, body FROM cache WHERE kind = 'progress' LIMIT 1").fetchone()
    db.execute("UPDATE cache SET body = ? WHERE kind = 'progress' AND name = ?", (body.replace(b"[", b"[9,", 1), name))
    db.execute("UPDATE cache SET body = CAST('garbage' AS BLOB) WHERE kind = 'plans'")
    db.commit()
    db.close()
    store = CacheStore(repo, CONFIG)
    store.preload("progress")
    assert store.read("progress", name) is None and store.rebuilt == [f"progress/{name}"]
    snapshot = assert_matches_reference(repo)
    assert snapshot.stats["plans_parsed"] == 3 and snapshot.stats["folders_rebuilt"] >= 1


def test_cache_of_other_settings_is_not_used(repo: Path) -> None:
    open_snapshot(repo, CONFIG)
    snapshot = open_snapshot(repo, Config(max_file_bytes=1_000_000))
    assert snapshot.stats["parsed"] == 36 and snapshot.stats["plans_parsed"] == 3
    small = open_snapshot(repo, Config(max_file_bytes=1000))
    assert small.stats["plans_parsed"] == 3
    assert any("larger than the limit" in str(p) for p in small.problems)


def test_parallel_and_serial_agree(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("civtrack.cache.folders.PARALLEL_MIN_FILES", 1)
    monkeypatch.setattr("civtrack.cache.folders.PARALLEL_MIN_BYTES", 1)
    parallel = assert_matches_reference(repo, workers=2, use_cache=False)
    serial = assert_matches_reference(repo, workers=1, use_cache=False)
    assert [str(p) for p in parallel.problems] == [str(p) for p in serial.problems]
    cached = assert_matches_reference(repo, workers=2)  # workers write the cache rows through the parent
    assert cached.stats["parsed"] == 36
    assert open_snapshot(repo, CONFIG).stats["parsed"] == 0


def test_rebuilt_plans_equal_validated_ones(repo: Path) -> None:
    for path in sorted((repo / "plans").glob("*.yaml")):
        plan = load_disk(repo, CONFIG).plans[path.stem].plan
        rebuilt = rebuild_model(Plan, dump_model(plan))
        assert rebuilt == plan and rebuilt.model_dump() == plan.model_dump()
        assert rebuilt.model_fields_set == plan.model_fields_set
        assert [i.model_fields_set for i in rebuilt.indicators] == [i.model_fields_set for i in plan.indicators]


def test_rebuilder_refuses_what_is_not_a_dump(repo: Path) -> None:
    """The rebuilder written per model class refuses what the loop over the kinds refused, and a dict of the
    right size (whose keys would unpack as values): the caller then reads the plan file again."""
    plans = load_disk(repo, CONFIG).plans
    plan = plans[sorted(plans)[0]].plan
    dump = dump_model(plan)
    with pytest.raises(TypeError):
        rebuild_model(Plan, {str(index): value for index, value in enumerate(dump)})
    with pytest.raises(ValueError, match="fields"):
        rebuild_model(Plan, dump[:-1])
    with pytest.raises(ValueError):
        rebuild_model(Plan, [*dump[:4], [dump[4][0], "2024-13-01", dump[4][2]], *dump[5:]])  # a month 13
    assert rebuild_model(Plan, dump) == plan


def test_cli_status_and_check_through_the_cache(repo: Path) -> None:
    exe = civtrack_exe()
    env = {key: value for key, value in os.environ.items() if key not in ("COLUMNS", "LINES")}
    uncached = subprocess.run(
        [exe, "status", "--as-of", "2024-09-30"], cwd=repo, capture_output=True, text=True, check=True,
        env={**env, "CIVTRACK_NO_CACHE": "1"},
    )  # fmt: skip
    assert not (repo / CACHE_DIR).exists()
    for _ in range(2):  # cold, then warm
        cached = subprocess.run(
            [exe, "status", "--as-of", "2024-09-30"], cwd=repo, capture_output=True, text=True, env=env
        )
        assert cached.returncode == 0 and cached.stdout == uncached.stdout and cached.stderr == ""
    assert (repo / CACHE_DIR / DB_NAME).is_file()
    check = subprocess.run([exe, "check"], cwd=repo, capture_output=True, text=True, env=env)
    assert check.returncode == 0
    assert check.stdout.strip() == "3 个计划，2500 条记录：0 个错误，0 个警告"  # lang = "zh" in its civtrack.toml
    # The cache is not versioned: .civtrack/ is git-ignored in the project, and never in a data repo's diff.
    assert ".civtrack/" in (Path(__file__).resolve().parent.parent / ".gitignore").read_text()


def facts(items: list) -> list[tuple]:
    """What an EntryAt says, its entry's fields included (a cached entry is a light object, not an Entry)."""
    fields = ("date", "indicator", "indicator_id", "part_id", "value", "done", "unit", "note", "by", "evidence")
    return [
        (e.plan_id, tuple(getattr(e.entry, name) for name in fields), e.path, e.line, e.seq, e.month) for e in items
    ]


def test_entries_of_one_month_without_reading_the_others(repo: Path) -> None:
    snapshot = open_snapshot(repo, CONFIG)
    full = load_disk(repo, CONFIG)
    march = snapshot.entries(["2024-03"])
    expected = [item for plan_id in sorted(full.entries) for item in full.entries[plan_id] if item.month == "2024-03"]
    assert [f[:4] + f[5:] for f in facts(march)] == [f[:4] + f[5:] for f in facts(expected)]  # seq: counted apart
    assert len(march) > 100
    assert snapshot.entries(["2024-03"], ["county-0002-2024"]) == [e for e in march if e.plan_id == "county-0002-2024"]


def test_a_forged_plan_row_is_read_again_from_the_file(repo: Path) -> None:
    """A plan row with a valid checksum whose content does not rebuild: the plan file is read again."""
    open_snapshot(repo, CONFIG)
    db = sqlite3.connect(repo / CACHE_DIR / DB_NAME)
    forged = b'[["id"], "county-0001-2024"]'
    db.execute(
        "UPDATE cache SET body = ?, sum = ? WHERE kind = 'plandump' AND name = 'county-0001-2024.yaml'",
        (forged, row_sum("plandump", "county-0001-2024.yaml", forged)),
    )
    db.commit()
    db.close()
    assert_matches_reference(repo)


def test_timelines_from_the_series_evaluate_as_the_folded_ledger(repo: Path) -> None:
    path = month_file(repo, month=2)
    with path.open("a", encoding="utf-8") as handle:
        for day, value in ((28, "0.1"), (3, "0.2"), (15, "0.3"), (3, "0.7")):
            handle.write(f"- date: 2024-02-{day:02d}\n  indicator: ind-01\n  value: {value}\n")
        handle.write("- date: 2024-01-20\n  indicator: ind-07\n  value: 55.5\n")
        handle.write("- date: 2024-02-20\n  indicator: ind-09\n  done: false\n")
    _, _, _, reference_ledger = reference(repo)
    full = load_disk(repo, CONFIG)
    days = [dt.date(2023, 12, 31) + dt.timedelta(days=k) for k in range(0, 64, 3)]
    for _ in range(2):  # cold and warm
        timelines = open_snapshot(repo, CONFIG).timelines()
        assert sorted(timelines) == sorted(reference_ledger)
        for plan_id, refs in reference_ledger.items():
            plan = full.plans[plan_id].plan
            timeline = timelines[plan_id]
            for day in days:  # the same statuses, to the last bit
                assert plan_status(plan, {plan_id: timeline.at(day)}, day) == plan_status(plan, reference_ledger, day)
            for ind in plan.indicators:
                expected = sorted({d for ref, by_day in refs.items() if ref.split("/")[0] == ind.id for d in by_day})
                assert timeline.dates(ind.id, dt.date(2024, 1, 1), dt.date(2024, 12, 31)) == expected
                february = [d for d in expected if d.month == 2]
                assert timeline.dates(ind.id, dt.date(2024, 2, 1), dt.date(2024, 2, 29)) == february


# Entries whose free text the cache rows must give back exactly: Chinese, colons, quotes, escapes.
TEXTED = """\
- date: 2024-06-28
  indicator: ind-01
  value: 2
  note: "城关镇: 新建站点 \\"幸福院\\" 2 个, 见 '附件一'"
  by: '王芳: 民政局'
  evidence: "https://example.org/证明?id=1&q=\\"a:b\\""
- date: 2024-06-29
  indicator: ind-02
  value: 30.5
  note: |
    第一行: 评估 30.5 人次
    第二行 "引号" 与 'single'
  by: 李强
- date: 2024-06-30
  indicator: ind-01
  value: 0
  evidence: 'docs/2024/06: 台账.pdf'
"""


def report_reference(root: Path, text: str) -> str:
    """The JSON report of a month by the reference: every entry read (parsed, validated) and folded."""
    from civtrack.render.report_json import report_json
    from civtrack.reporting import Month, build_report, runs_in

    month = Month.parse(text)
    full = load_disk(root, CONFIG)
    plans = [full.plans[p].plan for p in sorted(full.plans) if runs_in(full.plans[p].plan, month)]
    ledger = fold((item.plan_id, item.entry, (item.month, item.seq)) for item in full.all_entries())
    return report_json(build_report(plans, ledger, full.all_entries(), month, CONFIG.pace_tolerance))


def report_cli(root: Path, text: str) -> str:
    env = {key: value for key, value in os.environ.items() if key not in ("COLUMNS", "LINES")}
    argv = [civtrack_exe(), "report", "--month", text, "--format", "json"]
    run = subprocess.run(argv, cwd=root, capture_output=True, text=True, env=env)
    assert run.returncode == 0 and run.stderr == "", run.stderr
    return run.stdout


def test_report_reads_only_the_month(repo: Path) -> None:
    """`report --month` from the cache (series, and the month's entries from their cache rows) gives what
    the reference (every entry read and folded) gives: after an edit of a note, and after a same-size
    same-mtime rewrite, the file's new content (never the old row)."""
    path = month_file(repo, month=6)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(TEXTED)
    expected = report_reference(repo, "2024-06")
    assert "幸福院" in expected and "王芳: 民政局" in expected and "台账.pdf" in expected
    for _ in range(2):  # cold, warm
        assert report_cli(repo, "2024-06") == expected
    assert open_snapshot(repo, CONFIG).stats["parsed"] == 0  # the cache is warm

    rel = path.relative_to(repo).as_posix()
    db = sqlite3.connect(repo / CACHE_DIR / DB_NAME)
    old_row = db.execute("SELECT sum, body FROM cache WHERE kind = 'entries' AND name = ?", (rel,)).fetchone()
    db.close()
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("新建站点", "新建了站点与食堂"), encoding="utf-8")  # a note edited
    expected = report_reference(repo, "2024-06")
    assert "新建了站点与食堂" in expected
    for _ in range(2):
        assert report_cli(repo, "2024-06") == expected
    # The old row put back (a cache write that was lost, say): its hash is not the file's, never served.
    forge_entries_row(repo, rel, old_row[1], fix_sum=True)
    assert report_cli(repo, "2024-06") == expected

    old = path.stat()
    text = path.read_text(encoding="utf-8")
    changed = text.replace("第一行", "第二行", 1)  # same size, and the old mtime put back
    assert len(changed.encode()) == len(text.encode()) and changed != text
    path.write_text(changed, encoding="utf-8")
    os.utime(path, ns=(old.st_atime_ns, old.st_mtime_ns))
    expected = report_reference(repo, "2024-06")
    assert "第二行: 评估" in expected
    for _ in range(2):
        assert report_cli(repo, "2024-06") == expected


def test_month_entries_come_from_the_cache_rows(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A warm snapshot gives a month's entries without parsing a file, exactly as parsing gives them."""
    import civtrack.load

    with month_file(repo, month=6).open("a", encoding="utf-8") as handle:
        handle.write(TEXTED)
    parsed = open_snapshot(repo, CONFIG, use_cache=False).entries(["2024-06", "2024-07"])
    open_snapshot(repo, CONFIG)  # cold: rows written
    snapshot = open_snapshot(repo, CONFIG)
    calls: list[str] = []
    real = civtrack.load.parse_progress
    monkeypatch.setattr(
        civtrack.load, "parse_progress", lambda data, path, *a, **k: calls.append(path) or real(data, path, *a, **k)
    )
    cached = snapshot.entries(["2024-06", "2024-07"])
    assert calls == [] and snapshot.stats["entries_cached"] == 6 and "entries_parsed" not in snapshot.stats
    assert facts(cached) == facts(parsed) and len(cached) > 100
    assert snapshot.entries(["2024-06"], ["county-0003-2024"]) == [
        e for e in cached if e.plan_id == "county-0003-2024" and e.month == "2024-06"
    ]


def test_a_file_with_problems_is_parsed_for_its_entries(repo: Path) -> None:
    """A file whose reading gave a problem (here a warning: no final newline) is never taken from a row."""
    path = month_file(repo, month=6)
    path.write_bytes(path.read_bytes().rstrip(b"\n"))
    parsed = open_snapshot(repo, CONFIG, use_cache=False).entries(["2024-06"])
    open_snapshot(repo, CONFIG)
    snapshot = open_snapshot(repo, CONFIG)
    assert any("does not end with a newline" in str(p) for p in snapshot.problems)
    assert facts(snapshot.entries(["2024-06"])) == facts(parsed)
    assert snapshot.stats["entries_parsed"] == 1 and snapshot.stats["entries_cached"] == 2


def forge_entries_row(root: Path, rel: str, body: bytes, *, fix_sum: bool) -> None:
    db = sqlite3.connect(root / CACHE_DIR / DB_NAME)
    digest = row_sum("entries", rel, body) if fix_sum else "0" * 32
    changed = db.execute(
        "UPDATE cache SET body = ?, sum = ? WHERE kind = 'entries' AND name = ?", (body, digest, rel)
    ).rowcount
    db.commit()
    db.close()
    assert changed == 1


@pytest.mark.parametrize("forgery", ["checksum", "columns", "types", "hash", "json"])
def test_a_corrupt_or_forged_entries_row_is_not_trusted(repo: Path, forgery: str) -> None:
    """A damaged entries row (bad checksum), or a checksummed one that does not check (columns, types,
    another content's hash, not JSON): the file is parsed, and the report equals the reference."""
    path = month_file(repo, month=6)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(TEXTED)
    parsed = open_snapshot(repo, CONFIG, use_cache=False).entries(["2024-06"])
    expected = report_reference(repo, "2024-06")
    open_snapshot(repo, CONFIG)
    rel = path.relative_to(repo).as_posix()
    row = CacheStore(repo, CONFIG).read("entries", rel)
    assert isinstance(row, dict) and len(row["cols"]) == 9 and "王芳: 民政局" in row["cols"][7]
    forged = {
        "checksum": orjson_dumps({**row, "cols": [c[:] for c in row["cols"]]}).replace(
            "王芳".encode(), "张伟".encode()
        ),
        "columns": orjson_dumps({**row, "cols": row["cols"][:6]}),
        "types": orjson_dumps({**row, "cols": [*row["cols"][:6], [1] * len(row["cols"][6]), *row["cols"][7:]]}),
        "hash": orjson_dumps({**row, "hash": "0" * 32}),
        "json": b"{not json",
    }[forgery]
    forge_entries_row(repo, rel, forged, fix_sum=forgery != "checksum")
    snapshot = open_snapshot(repo, CONFIG)
    assert facts(snapshot.entries(["2024-06"])) == facts(parsed)
    assert snapshot.stats["entries_parsed"] == 1 and snapshot.stats["entries_cached"] == 2
    assert report_cli(repo, "2024-06") == expected


def orjson_dumps(value: object) -> bytes:
    import orjson

    return orjson.dumps(value)


@pytest.mark.parametrize("damage", ["deleted", "not a database"])
def test_month_entries_without_a_usable_cache_are_parsed(repo: Path, damage: str) -> None:
    """The cache gone or damaged after the snapshot was opened: the month's files are parsed, nothing fails
    and nothing is created (the reading connection is read-only)."""
    parsed = open_snapshot(repo, CONFIG, use_cache=False).entries(["2024-06"])
    open_snapshot(repo, CONFIG)
    snapshot = open_snapshot(repo, CONFIG)
    db = repo / CACHE_DIR / DB_NAME
    if damage == "deleted":
        db.unlink()
    else:
        db.write_bytes(b"this is not a database" * 100)
    assert facts(snapshot.entries(["2024-06"])) == facts(parsed)
    assert snapshot.stats["entries_parsed"] == 3 and "entries_cached" not in snapshot.stats
    assert db.exists() == (damage != "deleted")


# --- issue 18: the cache is keyed (D4) and never used through a link (D6) ---------------------------------


def test_rows_forged_without_the_key_are_rebuilt(repo: Path) -> None:
    """D4: the row checksum was an unkeyed BLAKE2b, so anyone who could write the cache recomputed it:
    forged `series` and `plandump` rows made `status` show other figures, forged `checks` hid errors. Rows
    now carry a MAC keyed with a key outside the repository; an attacker's rows (every kind, each with the
    unkeyed checksum the old code accepted) are rebuilt from the files."""
    open_snapshot(repo, CONFIG)
    db = sqlite3.connect(repo / CACHE_DIR / DB_NAME)
    rows = db.execute("SELECT kind, name, body FROM cache").fetchall()
    assert {kind for kind, _, _ in rows} >= {"plandump", "series", "progress"}
    for kind, name, body in rows:
        forged = body.replace(b"800", b"799") if b"800" in body else body
        db.execute(
            "UPDATE cache SET body = ?, sum = ? WHERE kind = ? AND name = ?",
            (forged, hashlib.blake2b(forged, digest_size=16).hexdigest(), kind, name),
        )
    db.commit()
    db.close()
    snapshot = assert_matches_reference(repo)
    assert snapshot.stats["plans_parsed"] == 3 and snapshot.stats["folders_rebuilt"] == 3


def test_rows_from_another_users_key_are_rebuilt(repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The key is made on first use, 0600, outside the repository; rows made under another key (a cache
    copied or cloned from elsewhere) are not trusted. A key others could read is not used: no cache."""
    from civtrack.cache import store as cache_store

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "one"))
    cache_store._key_cache.clear()
    open_snapshot(repo, CONFIG)
    key = tmp_path / "one" / "civtrack" / "cache-key"
    assert os.stat(key).st_mode & 0o777 == 0o600 and key.stat().st_size == 32
    assert open_snapshot(repo, CONFIG).stats["plans_parsed"] == 0  # the same key: rows trusted
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "two"))
    assert assert_matches_reference(repo).stats["plans_parsed"] == 3  # another key: rebuilt
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "one"))
    key.chmod(0o644)
    cache_store._key_cache.clear()
    assert cache_key() is None
    assert assert_matches_reference(repo).stats["plans_parsed"] == 3
    cache_store._key_cache.clear()


@pytest.mark.parametrize("link", ["database", "gitignore", "cache folder", "civtrack folder"])
def test_the_cache_is_never_used_through_a_link(repo: Path, tmp_path: Path, link: str) -> None:
    """D6: a repository that force-added `.civtrack/cache/cache.sqlite3 → /elsewhere/app.db` and
    `.civtrack/cache/.gitignore → /elsewhere/missing` made a plain `check` add a table to the other
    database and create the outside file. A link anywhere on the cache's path: no cache, nothing written
    outside, and the same results."""
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    app = outside / "app.db"
    other = sqlite3.connect(app)
    other.execute("CREATE TABLE accounts (name TEXT)")
    other.commit()
    other.close()
    before = app.read_bytes()
    folder = repo / CACHE_DIR
    if link == "civtrack folder":
        (repo / ".civtrack").symlink_to(outside, target_is_directory=True)
    elif link == "cache folder":
        (repo / ".civtrack").mkdir()
        folder.symlink_to(outside, target_is_directory=True)
    else:
        folder.mkdir(parents=True)
        (folder / DB_NAME).symlink_to(app)
        (folder / ".gitignore").symlink_to(outside / "missing")
    assert_matches_reference(repo)
    assert_matches_reference(repo)
    assert app.read_bytes() == before
    assert sorted(p.name for p in outside.iterdir()) == ["app.db"]
