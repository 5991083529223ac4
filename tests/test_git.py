"""civtrack.git: files at a revision straight from git objects, checked revisions, blame."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from civtrack import git as civgit
from civtrack.errors import InputError
from civtrack.load import load, load_disk
from civtrack.workspace import Config
from civtrack.yamlsafe import shown  # what messages show of a value (escaped)
from tests.gitkit import commit, git, make_repo, write

MARCH = "progress/town/2026-03.yaml"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "repo")


def test_a_revision_is_read_from_git_objects_in_a_dirty_tree(repo: Path) -> None:
    write(repo, MARCH, "- {date: 2026-03-01, indicator: elder-beds, value: 100}\n")
    first = commit(repo, "march")
    write(
        repo,
        MARCH,
        "- {date: 2026-03-01, indicator: elder-beds, value: 100}\n- {date: 2026-03-02, indicator: elder-beds, value: 5}\n",
    )
    write(repo, "plans/town.yaml", "not: [a plan\n")  # the working tree is broken; the revision is not
    with civgit.GitSource(repo, first, label="HEAD") as source:
        assert source.files("progress") == [MARCH]
        assert source.files("plans") == ["plans/town.yaml"]
        assert source.display(MARCH) == f"HEAD:{MARCH}"
        loaded = load(source, Config())
    assert loaded.problems == []
    assert [(i.entry.value, i.path, i.line) for i in loaded.all_entries()] == [(100, f"HEAD:{MARCH}", 1)]
    assert load_disk(repo, Config()).errors  # the working tree really is broken


def test_a_civtrack_root_inside_a_larger_repository(tmp_path: Path) -> None:
    top = tmp_path / "top"
    top.mkdir()
    git(top, "init", "-q", "-b", "main")
    root = make_repo(top / "data" / "plans-2026", with_git=False)
    write(root, MARCH, "- {date: 2026-03-01, indicator: elder-beds, value: 7}\n")
    write(top, "plans/unrelated.yaml", "id: unrelated\n")  # outside the civtrack root: not read
    sha = commit(top, "data")
    assert civgit.prefix(root) == "data/plans-2026/"
    with civgit.GitSource(root, sha) as source:
        loaded = load(source, Config())
    assert sorted(loaded.plans) == ["town"]
    assert [i.entry.value for i in loaded.all_entries()] == [7]


def test_a_symbolic_link_in_a_revision_is_reported_not_followed(repo: Path) -> None:
    (repo / "progress" / "town").mkdir()
    (repo / MARCH).symlink_to("/etc/passwd")
    sha = commit(repo, "link")
    with civgit.GitSource(repo, sha, label="HEAD") as source:
        loaded = load(source, Config())
    assert [str(p) for p in loaded.problems] == [
        f"HEAD:{MARCH}: error E300: symbolic link not followed (it could lead outside the repository)"
    ]


def test_a_file_above_the_size_limit_is_refused_without_reading_it_all(repo: Path) -> None:
    write(repo, MARCH, "- {date: 2026-03-01, indicator: elder-beds, value: 1}\n" * 2000)
    sha = commit(repo, "big")
    with civgit.GitSource(repo, sha, label="big") as source:
        assert len(source.read(MARCH, 1000)) == 1001
        loaded = load(source, Config(max_file_bytes=50_000))
    assert [str(p) for p in loaded.problems] == [
        f"big:{MARCH}: error E011: file is larger than the limit of 50000 bytes (raise max_file_bytes in civtrack.toml, or split the file)"
    ]


def test_many_files_are_read_through_one_batch_process(repo: Path) -> None:
    for month in range(1, 13):
        write(
            repo,
            f"progress/town/2026-{month:02}.yaml",
            f"- {{date: 2026-{month:02}-01, indicator: elder-beds, value: {month}}}\n",
        )
    sha = commit(repo, "year")
    with civgit.GitSource(repo, sha) as source:
        loaded = load(source, Config())
        assert source._batch is not None
    assert [i.entry.value for i in loaded.all_entries()] == list(range(1, 13))
    assert source._batch is None


@pytest.mark.parametrize("rev", ["-x", "--output=/tmp/pwned", "", " HEAD", "HEAD\n", "--end-of-options"])
def test_revisions_that_git_could_read_as_options_never_reach_it(repo: Path, rev: str) -> None:
    with pytest.raises(InputError) as caught:
        civgit.resolve(repo, rev)
    assert (
        str(caught.value)
        == f"civtrack: error E603: '{shown(rev)}' is not a revision (a branch, tag or commit; it must not start with '-')"
    )


@pytest.mark.parametrize("rev", ["nope", "HEAD;touch pwned", "$(touch pwned)", "HEAD:plans/town.yaml", "HEAD~5"])
def test_unknown_revisions_are_refused_and_no_shell_runs(repo: Path, rev: str) -> None:
    with pytest.raises(InputError) as caught:
        civgit.resolve(repo, rev)
    assert str(caught.value) == f"civtrack: error E604: unknown revision '{rev}'"
    assert not (repo / "pwned").exists()


def test_revisions_resolve_to_commits(repo: Path) -> None:
    head = git(repo, "rev-parse", "HEAD").strip()
    git(repo, "tag", "v1")
    assert civgit.resolve(repo, "HEAD") == civgit.resolve(repo, "v1") == civgit.resolve(repo, head[:8]) == head


def test_a_repository_without_commits(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "empty", with_git=False)
    git(root, "init", "-q")
    with pytest.raises(InputError, match=r"unknown revision 'HEAD' \(the repository has no commits yet\)"):
        civgit.resolve(root, "HEAD")


def test_outside_a_git_repository(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "plain", with_git=False)
    assert not civgit.is_repository(root)
    assert civgit.blame(root, MARCH) == {}
    with pytest.raises(InputError, match="not inside a git repository"):
        civgit.require_repository(root)


def test_blame_names_the_commit_author_and_date_of_each_line(repo: Path) -> None:
    write(repo, MARCH, "- {date: 2026-03-01, indicator: elder-beds, value: 1}\n")
    first = commit(
        repo, "march", when="2026-03-02T10:00:00+08:00", GIT_AUTHOR_NAME="李四", GIT_AUTHOR_EMAIL="lisi@example.org"
    )
    with open(repo / MARCH, "a", encoding="utf-8") as handle:
        handle.write("- {date: 2026-03-05, indicator: elder-beds, value: 2}\n")
    origins = civgit.blame(repo, MARCH)
    assert origins[1] == civgit.Origin(
        first,
        "李四",
        "lisi@example.org",
        dt.datetime(2026, 3, 2, 10, tzinfo=dt.timezone(dt.timedelta(hours=8))),
        "march",
    )
    assert origins[2] == civgit.Origin(None, None, None, None, None)
    assert civgit.blame(repo, "progress/town/2026-04.yaml") == {}  # untracked


def test_porcelain_headers_are_given_once_per_commit() -> None:
    sha = "a" * 40
    out = (
        f"{sha} 1 1 2\nauthor 张三\nauthor-mail <z@example.org>\nauthor-time 1767225600\nauthor-tz -0130\n"
        f"summary first\nfilename f.yaml\n\tline one\n{sha} 2 2\n\tline two\n"
    ).encode()
    origins = civgit.parse_porcelain(out)
    when = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    assert origins[1] == origins[2]
    assert origins[2].author == "张三" and origins[2].date == when
    assert origins[2].date.utcoffset() == -dt.timedelta(hours=1, minutes=30)
