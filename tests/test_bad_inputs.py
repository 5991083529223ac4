"""The bad input corpus (tests/bad_inputs/) through civtrack's command line, each run a process of its own.

Every case of tests/bad_inputs/expected.yaml is copied into a fresh copy of the
good repository tests/bad_inputs/base/, then each command of COMMANDS runs on it.
For every (case, command):

* no Python traceback or "internal error" is printed;
* the output names each problem exactly as the manifest says (`path:line: error E012: message`),
  with the exit code of the command (1 from `check`, 2 from the others: unusable input);
* no file of the repository changed (bytes compared before and after), and none appeared,
  except the one line a `record` that is allowed to write appends.

`record` reads only its own plan file and the month file it appends to (civtrack/oneplan.py:
its cost must not grow with the repository). So it must refuse exactly when the case breaks
one of those two files, and it may write when the case breaks another file; see `check_record`.
`diff` runs in a real git repository: base/ committed, the case in the working tree (`diff`),
and base/ then the case committed (`diff-git`, HEAD~1..HEAD).

Each (case, command) is a test of its own (xdist spreads them over the cores), its run a process
forked from a fork server that has imported civtrack once (tests/forkserver.py:
the same `civtrack.cli.main` as the console script, its own folder, environment, streams and exit
status, at a tenth of the CPU of starting Python). `test_fork_server_runs_as_the_console_script`
runs a case of every category through the installed console script too and compares the bytes.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import civtrack_exe, run_civtrack
from tests.gitkit import GIT_ENV, no_ids

CORPUS = Path(__file__).parent / "bad_inputs"
BASE = CORPUS / "base"
MANIFEST: dict[str, dict[str, Any]] = yaml.safe_load((CORPUS / "expected.yaml").read_text(encoding="utf-8"))
HINT = "civtrack: error E309: fix the problems above (`civtrack check` lists them all)"
CATEGORIES = (
    "syntax", "conflict", "duplicate", "shape", "number", "date", "encoding", "hostile", "path", "rule", "config",
)  # fmt: skip


# What `record` writes when it may (the same entry for every case): on the base plan, in the month
# file that most progress cases replace, so that each of those cases is a file record must refuse.
RECORD_PLAN = "town-2021"
RECORD_MONTH = "progress/town-2021/2021-06.yaml"
RECORD_LINE = b"- {date: 2021-06-15, indicator: elder-beds, value: 5}\n"
RECORDED = (
    f"Recorded in {RECORD_MONTH}:1\n"
    f"  {RECORD_LINE.decode().strip()}\n"
    "新增养老服务床位  120 → 125 张  15.0% → 15.6%  behind\n"
    "as of 2021-09-30\n"
)
# The last line of record's refusals (after the problems, each with its line).
CANNOT_APPEND = f"{RECORD_MONTH}: error E502: cannot append to this file as it stands: fix it first; nothing was recorded"
AFTER_TORN = (
    f"{RECORD_MONTH}: error E503: record does not append after an incomplete entry: fix it first; nothing was recorded"
)
FIX_PLAN = "civtrack: error E310: fix the plan first (`civtrack check` lists every problem)"
ERROR_LINE = re.compile(r": error [A-Z]+[0-9]+: ")
SOAK = bool(os.environ.get("CIVTRACK_SOAK"))
GIT_READS_DIFFERENTLY = {"path", "encoding", "hostile", "config", "rule"}
SLUG_PLAN = re.compile(r"plans/([a-z0-9][a-z0-9-]*)\.yaml")


@dataclass(frozen=True)
class Command:
    args: tuple[str, ...]
    exit_code: int
    # Where the problems are printed: check lists them all (warnings too) on stdout;
    # status refuses to work and prints the errors on stderr, then HINT; the others
    # have their own checks (check_record, check_diff).
    lists_all: bool
    # none: a plain folder; worktree: base/ committed, the case in the working tree;
    # commit: base/ committed, then the case committed on top of it.
    git: str = "none"


COMMANDS: dict[str, Command] = {
    "check": Command(("check",), 1, lists_all=True),
    "status": Command(("status", "--as-of", "2021-09-30"), 2, lists_all=False),
    # Every case: on the base plan, into the month file where most progress cases are put.
    "record": Command(
        ("record", f"{RECORD_PLAN}/elder-beds", "5", "--date", "2021-06-15", "--as-of", "2021-09-30"), 2, False
    ),
    # Cases that are a plan file: record on that plan ({plan}: the file's name), which it must refuse.
    "record-plan": Command(
        ("record", "{plan}/elder-beds", "5", "--date", "2021-06-15", "--as-of", "2021-09-30"), 2, False
    ),
    "diff": Command(("diff", "--as-of", "2021-09-30"), 0, False, git="worktree"),
    "diff-git": Command(("diff", "HEAD~1..HEAD", "--as-of", "2021-09-30"), 0, False, git="commit"),
}


def applies(name: str, command: str) -> bool:
    """Whether a command runs on a case: on every case, but for the reasons below."""
    case = MANIFEST[name]
    if command == "record-plan":
        # Only a plan file record can name (PLAN/INDICATOR takes an id, not the bytes ff fe).
        return SLUG_PLAN.fullmatch(case["as"]) is not None and case.get("setup") != "undecodable-name"
    if command == "diff-git":
        if case.get("setup") == "fifo":
            return False  # git stores no named pipes: the commit would hold base/ only
        # Every case under `make soak`. Otherwise the cases where reading a commit differs from reading
        # the working tree (civtrack.git.GitSource): how files are listed (links, names, folders), read
        # (the size limit; bytes in other encodings; no waiting for an append in progress on a file
        # without its last newline) and named (`HEAD:path`, inside messages too); civtrack.toml is read
        # from the working tree. The rest is the same parsing of the same bytes as `diff` on the working
        # tree: the 71 other runs (about 23 s of CPU) would prove nothing more.
        return SOAK or case["category"] in GIT_READS_DIFFERENTLY or not ends_with_newline(case)
    return True


def ends_with_newline(case: dict[str, Any]) -> bool:
    return "file" not in case or (CORPUS / case["file"]).read_bytes().endswith(b"\n")


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, env=run_env(), check=True, capture_output=True, timeout=60)


_COMMITTED_BASES: dict[Path, Path] = {}
_COMMITTED_LOCK = threading.Lock()


def committed_base(scratch: Path) -> Path:
    """base/ in a git repository with one commit, made once per scratch folder and then copied: three
    git processes fewer for each of the ~200 cases that run in git (the commit is the same bytes anyway,
    its dates fixed by GIT_ENV)."""
    with _COMMITTED_LOCK:
        if scratch not in _COMMITTED_BASES:
            template = scratch / "committed-base"
            shutil.copytree(BASE, template)
            git(template, "init", "-q", "-b", "main")
            git(template, "add", "-A")
            git(template, "commit", "-q", "-m", "base")
            _COMMITTED_BASES[scratch] = template
        return _COMMITTED_BASES[scratch]


def prepare(name: str, root: Path, mode: str = "none") -> None:
    """A copy of the base repository with the case's files put in place (and committed, per ``mode``)."""
    case = MANIFEST[name]
    shutil.copytree(BASE if mode == "none" else committed_base(root.parent.parent), root, symlinks=True)
    if "config" in case:
        with open(root / "civtrack.toml", "a", encoding="utf-8") as handle:
            handle.write(case["config"] + "\n")
    target = root / case["as"]
    target.parent.mkdir(parents=True, exist_ok=True)
    setup = case.get("setup")
    outside = root.parent / f"{root.name}-outside"
    if setup == "symlink":
        # A readable file outside the root: the link must be reported, never followed.
        outside.mkdir()
        shutil.copyfile(CORPUS / case["file"], outside / target.name)
        target.symlink_to(outside / target.name)
    elif setup == "symlink-folder":
        outside.mkdir()
        shutil.copyfile(CORPUS / case["file"], outside / target.name)
        shutil.rmtree(target.parent)
        target.parent.symlink_to(outside, target_is_directory=True)
    elif setup == "fifo":
        target.unlink(missing_ok=True)  # civtrack.toml is in base/
        os.mkfifo(target)
    elif setup == "folder":  # a folder where a file belongs
        target.unlink(missing_ok=True)
        target.mkdir()
    elif setup == "undecodable-name":
        shutil.copyfile(CORPUS / case["file"], target.parent / os.fsdecode(b"\xff\xfe.yaml"))
    else:
        shutil.copyfile(CORPUS / case["file"], target)
    for repo_path, corpus_path in case.get("also", {}).items():
        (root / repo_path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(CORPUS / corpus_path, root / repo_path)
    if mode == "commit":
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", name)


def snapshot(root: Path) -> dict[str, bytes | str]:
    """Every file below root: bytes of regular files, the target of links; never opens anything else.

    .civtrack/ (caches and locks, ignored by git) is left out: it is not input. .git/ is in:
    diff reads git objects and must not change them (nor the index).
    """
    files: dict[str, bytes | str] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d != ".civtrack"]
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            rel = path.relative_to(root).as_posix()
            if path.is_symlink():
                files[rel] = "-> " + os.readlink(path)
            elif name in filenames and path.is_file():
                files[rel] = path.read_bytes()
            elif name in filenames:
                files[rel] = "special file"
    return files


@dataclass(frozen=True)
class Run:
    returncode: int
    stdout: str
    stderr: str
    before: dict[str, bytes | str]
    after: dict[str, bytes | str]


def run_env() -> dict[str, str]:
    # A strict UTF-8 stdout, as on most desktops: text that cannot be printed must be escaped, not crash.
    env = {**os.environ, **GIT_ENV, "NO_COLOR": "1", "COLUMNS": "200", "PYTHONIOENCODING": "utf-8:strict"}
    env.pop("CIVTRACK_ROOT", None)
    env.pop("CIVTRACK_DEBUG", None)
    return env


def run_case(name: str, command: str, root: Path, *, installed: bool = False) -> Run:
    """One (case, command): in a process forked from this test process's fork server (tests/forkserver.py),
    or through the installed console script."""
    spec = COMMANDS[command]
    prepare(name, root, spec.git)
    before = snapshot(root)
    plan = SLUG_PLAN.fullmatch(MANIFEST[name]["as"])
    args = [arg.replace("{plan}", plan[1]) if plan else arg for arg in spec.args]
    done = run_civtrack(args, root, run_env(), installed=installed, timeout=60)
    return Run(done.returncode, done.stdout, done.stderr, before, snapshot(root))


PAIRS = [(name, command) for name in MANIFEST for command in COMMANDS if applies(name, command)]


@pytest.mark.parametrize(("name", "command"), PAIRS, ids=[f"{n}-{c}" for n, c in PAIRS])
def test_bad_input(name: str, command: str, tmp_path: Path) -> None:
    run = run_case(name, command, tmp_path / "repo")
    case = MANIFEST[name]
    expected: list[str] = case["expect"]
    spec = COMMANDS[command]
    output = run.stdout + run.stderr
    assert "Traceback" not in output and "internal error" not in output, output
    if case.get("unusable"):
        assert (run.returncode, run.stdout, run.stderr.splitlines()) == (2, "", expected)
    elif command.startswith("record"):
        check_record(name, command, run)
        return  # it checks what changed itself
    elif command.startswith("diff"):
        check_diff(name, command, run)
    elif spec.lists_all:
        assert run.returncode == spec.exit_code, output
        summary = run.stderr.strip().splitlines()
        errors = sum(bool(ERROR_LINE.search(line)) for line in expected)
        assert len(summary) == 1 and re.fullmatch(
            rf"\d+ plans, \d+ entries: {errors} errors, {len(expected) - errors} warnings", summary[0]
        ), run.stderr
        assert run.stdout.splitlines() == expected
    else:
        assert run.returncode == spec.exit_code, output
        assert run.stdout == ""
        assert run.stderr.splitlines() == [line for line in expected if ERROR_LINE.search(line)] + [HINT]
    assert run.after == run.before, "a file changed or appeared"


def errors_of(case: dict[str, Any], path: str) -> list[str]:
    """The case's expected errors that are about one file (or the folder it is in)."""

    def about(line: str) -> bool:
        where = line.split(":", 1)[0]
        return path == where or path.startswith(where + "/")

    return [line for line in case["expect"] if ERROR_LINE.search(line) and about(line)]


def check_record(name: str, command: str, run: Run) -> None:
    """What record must do with a case, by what it reads.

    record reads its plan file and the month file it appends to, nothing else. It refuses
    (exit 2, the problems of the file it needs with their lines, then why nothing was written;
    no file changed) when the case breaks one of those; `record:` / `record-plan:` in the
    manifest give the lines where record words a refusal its own way. Otherwise it writes:
    exactly RECORD_LINE is appended to the month file, and nothing else changes.
    """
    case = MANIFEST[name]
    if command == "record-plan":  # every plan case is a plan that cannot be recorded on
        own = case.get("record-plan") or [*errors_of(case, case["as"]), FIX_PLAN]
        assert (run.returncode, run.stdout, run.stderr.splitlines()) == (2, "", own), run.stderr
        assert run.after == run.before, "a file changed or appeared"
        return
    if case["as"] in (f"plans/{RECORD_PLAN}.yaml", RECORD_MONTH):
        problems = errors_of(case, case["as"])
        if case["as"] == RECORD_MONTH:
            torn = any("incomplete last entry" in line for line in problems)
            problems.append(AFTER_TORN if torn else CANNOT_APPEND)
        else:
            problems.append(FIX_PLAN)
        refusal = case.get("record") or problems
        assert (run.returncode, run.stdout, run.stderr.splitlines()) == (2, "", refusal), run.stderr
        assert run.after == run.before, "a file changed or appeared"
        return
    assert (run.returncode, no_ids(run.stdout), run.stderr) == (0, RECORDED, ""), run.stderr
    assert RECORD_MONTH not in run.before  # so that the file written is exactly the line
    written = run.after.get(RECORD_MONTH, b"")
    assert isinstance(written, bytes)
    assert no_ids(written.decode()).encode() == RECORD_LINE, written  # the line, ending with its random id
    assert run.after == {**run.before, RECORD_MONTH: written}, "more than one line was written"


def check_diff(name: str, command: str, run: Run) -> None:
    """diff lists the problems of the new side (errors only, each with its line) and still shows the rest.

    On the committed side, paths are git's: `HEAD:plans/x.yaml`, in the messages too.
    """
    errors = [line for line in MANIFEST[name]["expect"] if ERROR_LINE.search(line)]
    if command == "diff-git":
        errors = ["HEAD:" + line.replace("(also ", "(also HEAD:") for line in errors]
        sides, new = r"HEAD~1 \(\w{10}\) → HEAD \(\w{10}\)", r"HEAD \(\w{10}\)"
    else:
        sides, new = r"HEAD \(\w{10}\) → working tree", "working tree"
    assert (run.returncode, run.stderr) == (0, ""), run.stdout + run.stderr
    lines = [line.rstrip() for line in run.stdout.splitlines()]
    assert re.fullmatch(sides + "  as of 2021-09-30", lines[0]), lines[0]
    assert re.fullmatch(f"⚠ problems in {new}:", lines[1]), lines[1]
    assert lines[2 : 2 + len(errors)] == ["  " + line for line in errors]
    assert not lines[2 + len(errors) :] or not lines[2 + len(errors)].startswith("  "), "more problems than expected"


def _sample() -> list[tuple[str, str]]:
    """A case of every category, the commands taken in turn (each command at least once)."""
    names = list(COMMANDS)
    chosen: list[tuple[str, str]] = []
    for number, category in enumerate(CATEGORIES):
        turn = names[number % len(names) :] + names[: number % len(names)]
        pairs = [(n, c) for c in turn for n, case in MANIFEST.items() if case["category"] == category]
        chosen += [pair for pair in pairs if applies(*pair) and not MANIFEST[pair[0]].get("setup")][:1]
    missing = [command for command in names if command not in {c for _, c in chosen}]
    for command in missing:
        chosen += [(n, command) for n in MANIFEST if applies(n, command) and not MANIFEST[n].get("setup")][:1]
    return chosen


@pytest.mark.parametrize(("name", "command"), _sample(), ids=[f"{n}-{c}" for n, c in _sample()])
def test_fork_server_runs_as_the_console_script(name: str, command: str, tmp_path: Path) -> None:
    installed = run_case(name, command, tmp_path / "installed" / "repo", installed=True)
    forked = run_case(name, command, tmp_path / "forked" / "repo")
    assert (forked.returncode, no_ids(forked.stdout), forked.stderr) == (
        installed.returncode,
        no_ids(installed.stdout.replace(str(tmp_path / "installed"), str(tmp_path / "forked"))),
        installed.stderr.replace(str(tmp_path / "installed"), str(tmp_path / "forked")),
    )
    assert forked.after.keys() == installed.after.keys()


def test_base_repository_is_clean() -> None:
    """The repository the cases are copied into has no problem of its own (else every case would show it)."""
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("CIVTRACK_ROOT", None)
    done = subprocess.run([civtrack_exe(), "check", "--strict"], cwd=BASE, env=env, capture_output=True, text=True)
    assert (done.returncode, done.stdout, done.stderr) == (0, "1 plans, 4 entries: 0 errors, 0 warnings\n", "")


def test_corpus_covers_the_issue_list() -> None:
    """At least 50 files, every file used by a case, every item of the issue's list covered."""
    files = {
        path.relative_to(CORPUS).as_posix()
        for folder in ("plans", "progress", "config")
        for path in (CORPUS / folder).iterdir()
        if path.is_file()
    }
    assert len(files) >= 50
    used = {case["file"] for case in MANIFEST.values() if "file" in case}
    used |= {path for case in MANIFEST.values() for path in case.get("also", {}).values()}
    assert files == used
    counts = dict.fromkeys(CATEGORIES, 0)
    for case in MANIFEST.values():
        counts[case["category"]] += 1
        assert any(ERROR_LINE.search(line) for line in case["expect"]), "every case has an error"
    assert set(counts) == set(CATEGORIES) and min(counts.values()) >= 3, counts


def test_accepted_inputs_load_as_written(tmp_path: Path) -> None:
    """What must NOT be refused (tests/bad_inputs/accepted/, laid over base/): a UTF-8 BOM, CRLF line
    endings, an empty month file, ids YAML reads as numbers (2021, 010), text that looks like rich
    markup or like YAML 1.1 numbers (1:30), `done: yes`, anchors and aliases, a 20,000-character note."""
    root = tmp_path / "repo"
    shutil.copytree(BASE, root)
    shutil.copytree(CORPUS / "accepted", root, dirs_exist_ok=True)
    before = snapshot(root)
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}
    env.pop("CIVTRACK_ROOT", None)

    def civtrack(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([civtrack_exe(), *args], cwd=root, env=env, capture_output=True, text=True)

    check = civtrack("check", "--strict")
    assert (check.returncode, check.stdout, check.stderr) == (0, "3 plans, 7 entries: 0 errors, 0 warnings\n", "")
    status = civtrack("status", "--as-of", "2021-06-01", "--format", "json")
    assert status.returncode == 0, status.stderr
    plans = {plan["id"]: plan for plan in json.loads(status.stdout)["plans"]}
    assert list(plans) == ["2021", "bom-crlf", "town-2021"]
    files, rooms = plans["bom-crlf"]["indicators"]
    assert (files["name"], files["unit"], files["target"]) == ("[bold]档案[/]数字化", "[/]", 1000)
    assert (rooms["name"], rooms["unit"], rooms["target"]) == ("it's 1:30", "间", 10)
    [numbered] = plans["2021"]["indicators"]
    assert (numbered["id"], numbered["current"], numbered["target"]) == ("010", 2, 5)
    town = {ind["id"]: ind for ind in plans["town-2021"]["indicators"]}
    assert town["elder-beds"]["current"] == 150  # 120 in March + 30 in the CRLF April file
    assert town["cemetery-plan"]["state"] == "done"  # done: yes
    table = civtrack("status", "--as-of", "2021-06-01", "--plan", "bom-crlf")
    assert table.returncode == 0, table.stderr
    assert "[bold]档案[/]数字化" in table.stdout and "│ [/]  │" in table.stdout
    assert snapshot(root) == before


def test_a_file_that_cannot_be_read_is_reported(tmp_path: Path) -> None:
    """Permissions (or a file removed while listing) give a problem with the file's name, not a crash.

    In-process: as root, a file without read permission is still readable, so the
    source itself refuses; everything after the read is the real loader.
    """
    from civtrack.load import DiskSource, load
    from civtrack.workspace import Config

    class Unreadable(DiskSource):
        def read(self, relpath: str, limit: int) -> bytes:
            if relpath.endswith("2021-03.yaml"):
                raise PermissionError(13, "Permission denied")
            return super().read(relpath, limit)

    shutil.copytree(BASE, tmp_path / "repo")
    source = Unreadable(tmp_path / "repo")
    source.display = lambda relpath: relpath  # type: ignore[method-assign]
    repo = load(source, Config())
    assert [str(p) for p in repo.problems] == [
        "progress/town-2021/2021-03.yaml: error E001: cannot read the file: Permission denied"
    ]
    assert list(repo.plans) == ["town-2021"] and repo.entries == {}
