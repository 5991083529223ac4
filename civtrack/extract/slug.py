"""Ids for drafted plans and indicators: slugs ([a-z0-9][a-z0-9-]*) from Chinese names, via pinyin."""

from __future__ import annotations

from civtrack.extract.pinyin import syllables

MAX_SYLLABLES = 6
MAX_LENGTH = 40


def slug(text: str, fallback: str = "item") -> str:
    """老年日间照料中心 → lao-nian-ri-jian-zhao-liao; binhai_2021 → binhai-2021."""
    words = syllables(text)
    kept: list[str] = []
    for word in words[:MAX_SYLLABLES] if any(not w.isascii() for w in text) else words:
        if len("-".join([*kept, word])) > MAX_LENGTH:
            break
        kept.append(word)
    return "-".join(kept) or fallback


def unique(base: str, taken: set[str]) -> str:
    """``base``, or base-2, base-3 … when taken; the result is added to ``taken``."""
    candidate, n = base, 2
    while candidate in taken:
        candidate = f"{base}-{n}"
        n += 1
    taken.add(candidate)
    return candidate
