"""civtrack.toml: what a broken one is told, in civtrack's words whatever the Python version."""

from __future__ import annotations

from pathlib import Path

import pytest

from civtrack.errors import InputError
from civtrack.workspace import load_config


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("lang = \"en\"\nlang = \"zh\"\n", "civtrack.toml:2: error E404: invalid TOML: a setting is given twice"),
        ("lang = \"en", "civtrack.toml: error E404: invalid TOML: a quoted text is never closed"),
        ("lang = \"en\n", "civtrack.toml:1: error E404: invalid TOML: a character TOML does not allow here (a quote left open?)"),
        ("lang = [1, 2", "civtrack.toml: error E404: invalid TOML: a '[' is not closed"),
        ("lang = {a = 1\n", "civtrack.toml:1: error E404: invalid TOML: a '{' is not closed"),
        ("lang \"en\"\n", "civtrack.toml:1: error E404: invalid TOML: a setting without '=' (write name = value)"),
        ("lang = en\n", "civtrack.toml:1: error E404: invalid TOML: a value TOML cannot read: put text in double quotes"),
        ("[t]\n[t]\n", "civtrack.toml:2: error E404: invalid TOML: a table is declared twice"),
        ("lang = 1 2\n", "civtrack.toml:1: error E404: invalid TOML: this line is not valid TOML (name = value, text in double quotes)"),
    ],
)  # fmt: skip
def test_broken_toml_in_civtracks_words(tmp_path: Path, text: str, expected: str) -> None:
    (tmp_path / "civtrack.toml").write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_config(tmp_path)
    assert [str(problem).replace(str(tmp_path) + "/", "") for problem in caught.value.problems] == [expected]
