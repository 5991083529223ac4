"""The lock files (requirements/*.txt) agree with pyproject.toml.

`make demo` and `make test` install from the locks only, so a dependency added to pyproject.toml and not
to a lock would be missing on a fresh machine, and one left in a lock after leaving pyproject.toml would be
installed for nothing. uv writes, under each pin, the packages that asked for it (`# via civtrack
(pyproject.toml)` for a direct dependency), which is what these tests compare: files only, no network.
"""

from __future__ import annotations

import re
import tomllib

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from tests.conftest import PROJECT

LOCKS = PROJECT / "requirements"
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")
DIRECT = {"civtrack (pyproject.toml)", "-r requirements/build.in"}


def parse_lock(text: str) -> dict[str, tuple[Version, set[str], int]]:
    """name → (version, who asked for it, how many hashes) of a uv lock file."""
    pins: dict[str, tuple[Version, set[str], int]] = {}
    name = ""
    for line in text.splitlines():
        match = PIN.match(line)
        if match:
            name = canonicalize_name(match[1])
            assert name not in pins, f"{name} pinned twice"
            pins[name] = (Version(match[2]), set(), 0)
        elif name and line.strip().startswith("--hash=sha256:"):
            version, via, hashes = pins[name]
            pins[name] = (version, via, hashes + 1)
        elif name and line.strip().startswith("#") and line.startswith("    "):
            asker = line.strip().lstrip("#").strip()
            asker = "" if asker == "via" else asker.removeprefix("via ")
            if asker:
                pins[name][1].add(asker)
    return pins


def declared(extra: str | None) -> dict[str, Requirement]:
    """pyproject.toml's dependencies (and an extra's), and requirements/build.in's, by name."""
    project = tomllib.loads((PROJECT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    lines = list(project["dependencies"]) + (project["optional-dependencies"][extra] if extra else [])
    build = (LOCKS / "build.in").read_text(encoding="utf-8").splitlines()
    lines += [line for line in build if line.strip() and not line.startswith("#")]
    return {canonicalize_name(Requirement(line).name): Requirement(line) for line in lines}


@pytest.mark.parametrize(("lock", "extra"), [("run.txt", None), ("test.txt", "test")])
def test_lock_matches_pyproject(lock: str, extra: str | None) -> None:
    pins = parse_lock((LOCKS / lock).read_text(encoding="utf-8"))
    wanted = declared(extra)
    missing = sorted(set(wanted) - set(pins))
    assert not missing, f"in pyproject.toml or build.in but not in requirements/{lock}: run `make lock`"
    for name, requirement in wanted.items():
        version = pins[name][0]
        assert requirement.specifier.contains(version, prereleases=True), f"{name}=={version} outside '{requirement}'"
    stale = sorted(name for name, (_, via, _) in pins.items() if via & DIRECT and name not in wanted)
    assert not stale, f"requirements/{lock} pins {stale} for civtrack, which no longer asks for them: `make lock`"
    unasked = sorted(name for name, (_, via, _) in pins.items() if not via)
    assert not unasked, f"requirements/{lock} pins {unasked} for nobody"
    unhashed = sorted(name for name, (_, _, hashes) in pins.items() if hashes == 0)
    assert not unhashed, f"requirements/{lock} has no hashes for {unhashed}: pip --require-hashes refuses it"


def test_test_lock_extends_run_lock_at_the_same_versions() -> None:
    run = parse_lock((LOCKS / "run.txt").read_text(encoding="utf-8"))
    test = parse_lock((LOCKS / "test.txt").read_text(encoding="utf-8"))
    assert {name: pin[0] for name, pin in run.items()} == {name: test[name][0] for name in run if name in test}
    assert set(run) <= set(test)


def test_parse_lock_reads_pins_hashes_and_askers() -> None:
    text = (
        "pyyaml==6.0.4 \\\n    --hash=sha256:aa \\\n    --hash=sha256:bb\n    # via civtrack (pyproject.toml)\n"
        "colorama==0.4.6 ; sys_platform == 'win32' \\\n    --hash=sha256:cc\n    # via\n    #   pytest\n    #   typer\n"
    )
    assert parse_lock(text) == {
        "pyyaml": (Version("6.0.4"), {"civtrack (pyproject.toml)"}, 2),
        "colorama": (Version("0.4.6"), {"pytest", "typer"}, 1),
    }
