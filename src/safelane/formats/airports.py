"""IATA airport codes to UN/LOCODE, the code safelane's itinerary holds.

Air messages name airports by IATA code (FRA, PVG); the domain and the reference checks use
UN/LOCODE (DEFRA, CNPVG). The index is built once from the packaged UN/LOCODE table: a location
with function 4 (airport) answers to its IATA column, or, where that is empty, to the last three
letters of its code (UN/LOCODE leaves the column empty when the two agree). When several places
answer to one code, an explicit IATA column wins, then the place with the most transport functions
(a hub such as NLAMS over a small airfield); a remaining tie leaves the code unresolved rather than
guessing.
"""

from functools import cache
from itertools import product
from string import ascii_uppercase

from safelane.reference import locations_in


@cache
def _index() -> dict[str, str | None]:
    candidates: dict[str, list[tuple[int, int, str]]] = {}
    for first, second in product(ascii_uppercase, repeat=2):
        for place in locations_in(first + second, "4"):
            key = place.iata or place.code[2:]
            rank = (1 if place.iata else 0, sum(c != "-" for c in place.functions))
            candidates.setdefault(key, []).append((*rank, place.code))
    index: dict[str, str | None] = {}
    for key, found in candidates.items():
        found.sort(reverse=True)
        best = found[0]
        tied = len(found) > 1 and found[1][:2] == best[:2]
        index[key] = None if tied else best[2]
    return index


def to_locode(iata: str | None) -> str | None:
    """The UN/LOCODE of an airport's IATA code, None when unknown or ambiguous."""
    if not iata or len(iata) != 3:
        return None
    return _index().get(iata.upper())
