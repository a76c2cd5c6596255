"""Profile patterns run on RE2, whose matching time grows linearly with the text.

Patterns are written by analysts but run against names and descriptions that filers choose. On a
backtracking engine (Python's `re`) a pattern such as `^(a+)+$` takes seconds on a 26-character name
and holds the interpreter meanwhile; RE2 has no backtracking, so no text can make a pattern slow. The
price is RE2's syntax: no backreferences and no lookaround, which the loader refuses with a located error.
"""

from collections.abc import Sequence
from functools import lru_cache
from typing import Protocol

import re2

MAX_PATTERN_BYTES = 1 << 20  # RE2's memory for one compiled set of patterns (its default is 8 MB)


class Matcher(Protocol):
    def search(self, text: str) -> object | None: ...


def _options() -> re2.Options:
    options = re2.Options()
    options.case_sensitive = False  # analysts write names and descriptions in any case
    options.log_errors = False  # errors reach the analyst as problems, not as lines on stderr
    options.max_mem = MAX_PATTERN_BYTES
    return options


def compile_any(patterns: Sequence[str]) -> Matcher:
    """One case-insensitive matcher that hits where any of the patterns would; re2.error if one is not RE2."""
    return re2.compile("|".join(f"(?:{p})" for p in patterns), _options())


def problem(patterns: Sequence[str]) -> str | None:
    """Why these patterns cannot run together (as the matcher does), or None when they can."""
    try:
        compile_any(patterns)
    except re2.error as error:
        reason = error.args[0] if error.args else error
        return reason.decode(errors="replace") if isinstance(reason, bytes) else str(reason)
    return None


class PatternSet:
    """Many profiles' patterns on one kind of text (party names, goods descriptions) in one RE2 set.

    A text is searched once for all of them instead of once per profile, and the answer (which of them hit) is
    cached: traders and goods descriptions repeat from one consignment to the next.
    """

    def __init__(self, cache_size: int = 16_384):
        self._groups: list[str] = []
        self._set: re2.Set | None = None
        self.hits = lru_cache(maxsize=cache_size)(self._search)

    def add(self, patterns: Sequence[str]) -> int:
        """Add one profile's patterns (any of them hits); the number `hits` answers for them."""
        compile_any(patterns)  # re2.error here, as for a profile's own matcher
        self._groups.append("|".join(f"(?:{p})" for p in patterns))
        self._set = None
        self.hits.cache_clear()
        return len(self._groups) - 1

    def __len__(self) -> int:
        return len(self._groups)

    def _search(self, text: str) -> frozenset[int]:
        if self._set is None:
            options = _options()
            options.max_mem = MAX_PATTERN_BYTES * max(8, len(self._groups))  # a set holds every profile's DFA
            self._set = re2.Set.SearchSet(options)
            for group in self._groups:
                self._set.Add(group)
            self._set.Compile()
        return frozenset(self._set.Match(text) or ())
