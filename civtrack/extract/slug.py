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


class Ids:
    """Unique ids in the order asked for: ``base``, then base-2, base-3 … (linear: each base remembers
    the next number to try, so n items with one name cost O(n), not O(n²))."""

    def __init__(self) -> None:
        self.taken: set[str] = set()
        self.next: dict[str, int] = {}

    def __call__(self, base: str) -> str:
        candidate, n = base, self.next.get(base, 2)
        if candidate in self.taken:
            candidate = f"{base}-{n}"
            while candidate in self.taken:  # "a-2" given earlier as a name of its own
                n += 1
                candidate = f"{base}-{n}"
            n += 1
        self.next[base] = n
        self.taken.add(candidate)
        return candidate
