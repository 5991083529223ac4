"""--source NAME (repeatable) and --all-sources of `status` and `report`."""

from __future__ import annotations

from typing import Any


def source_names(globals_: Any, names: list[str] | None, all_sources: bool) -> list[str] | None:
    """The sources whose plans a command shows beside the local ones (None: none)."""
    if not all_sources:
        return list(dict.fromkeys(names)) if names else None
    from civtrack.workspace import find_root, load_config

    config = load_config(find_root(globals_.root))
    return list(dict.fromkeys([*(names or []), *(spec.name for spec in config.sources)]))
