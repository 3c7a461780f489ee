"""Names made unique as they are handed out ("Phone", "Phone 2", …) in time linear in their number
(a file repeating one name 20,000 times costs 20,000 steps, not 200 million)."""

from __future__ import annotations


class UniqueNames:
    """Hands out each base name once, then the base with the next free number."""

    def __init__(self, style: str = "{base} {n}") -> None:
        self._style = style
        self._taken: set[str] = set()
        self._next: dict[str, int] = {}

    def __contains__(self, name: object) -> bool:
        return name in self._taken

    def take(self, base: str) -> str:
        name = base
        if name in self._taken:
            n = self._next.get(base, 2)
            name = self._style.format(base=base, n=n)
            while name in self._taken:  # each taken name is stepped over once per base
                n += 1
                name = self._style.format(base=base, n=n)
            self._next[base] = n + 1
        self._taken.add(name)
        return name
