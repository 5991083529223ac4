"""docs/architecture.md is checked against the code: every path it names exists, and every function
of the `status` walk (and every other dotted name) is found where the page says."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGE = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
PATH = re.compile(r"\b((?:civtrack|tests|docs|benchmarks)/[\w./-]*[\w/])")
DOTTED = re.compile(r"`(civtrack(?:\.\w+)+)`")


def resolve(dotted: str) -> object:
    """The object a dotted name stands for: the longest importable module, then attributes."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            found: object = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for name in parts[cut:]:
            found = getattr(found, name)  # AttributeError: not there
        return found
    raise ModuleNotFoundError(dotted)


def walk() -> str:
    start = PAGE.index("## The path of one `civtrack status`")
    return PAGE[start : PAGE.index("\n## ", start + 1)]


def test_every_path_named_exists() -> None:
    paths = {p.rstrip(".") for p in PATH.findall(PAGE) if "NAME" not in p}
    assert len(paths) >= 40
    missing = sorted(p for p in paths if not (ROOT / p).exists())
    assert missing == []


def test_every_function_of_the_status_walk_exists() -> None:
    names = DOTTED.findall(walk())
    assert len(names) >= 40
    for name in names:
        assert callable(resolve(name)), name


def test_every_dotted_name_of_the_page_exists() -> None:
    for name in set(DOTTED.findall(PAGE)):
        resolve(name)


def test_the_walk_is_the_order_of_the_calls() -> None:
    """The command hands the table to the renderer, the renderer forks and lays out: the walk's main
    steps are in the code as the page says."""
    import inspect

    from civtrack.commands import status
    from civtrack.render import table

    run = inspect.getsource(status.run)
    assert "open_repository(" in run and "write_status_tables(" in run and "write_status_json(" in run
    assert "map_shares(" in inspect.getsource(table.write_status_tables)
    assert "plan_text(" in inspect.getsource(table.write_status_tables)


def test_a_wrong_name_is_caught() -> None:
    with pytest.raises(AttributeError):
        resolve("civtrack.render.table.no_such_function")
    with pytest.raises(ModuleNotFoundError):
        resolve("civtrack_nothing.x")
