"""The operator register in memory: which registered operator a filed party is, without a database round trip.

Identifiers first: every identifier the message carries (EORI, TIN, AEO, C-TPAT or MID number, IATA/ICAO code)
is looked up by its compact value, whatever scheme the filer put it under (filers often send an EORI as a TIN).
Failing that, and only for a party that quotes no identifier (a trusted trader's name beside another number is
no trusted trader), the party's name is looked up in the screening index built over the operators' names, and
accepted only if the country agrees (and the city or postcode, when both sides give one): a "name match",
weaker evidence that never earns the benefits that lift a control (`Benefits.weakened`). Namesakes (operators
whose names match equally well) that the filed place does not tell apart make the match `Ambiguous`: no
operator is chosen, rather than whichever id sorts first.
An identifier costs one dictionary lookup; names are cached per name and country, so a day of filings from the
same traders costs one name lookup per distinct party.
"""

import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass

from safelane.domain import Party
from safelane.screening.index import Screener
from safelane.screening.matcher import Entry, Query
from safelane.screening.names import normalise
from safelane.traders.authorisation import Operator

NAME_MATCH = 0.88  # the screening matcher's strong threshold: a name match must be as good as a strong hit
NAMESAKES = 10  # name hits asked of the index: enough to see every namesake the place may tell apart
CACHE_SIZE = 200_000
LIST_NAME = "operators"
_UNSEEN = object()
_WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True, slots=True)
class Match:
    operator: Operator
    how: str  # "identifier" or "name match"
    evidence: str  # the identifier as filed ("EORI DE123...") or the name score ("name 0.93, country DE")
    score: float  # 1.0 for an identifier


@dataclass(frozen=True, slots=True)
class Ambiguous:
    """A name that two or more registered operators match equally well, and the filed place does not tell apart."""

    operators: tuple[Operator, ...]
    evidence: str  # "name 0.95, country DE"
    how: str = "ambiguous name match"


def _normal(text: str | None) -> str:
    """Capitals and digits only: identifiers are compared by their compact value."""
    upper = (text or "").upper()
    return upper if upper.isalnum() else "".join(ch for ch in upper if ch.isalnum())


class Register:
    """Operators with at least one authorisation, indexed by identifier and (lazily) by name."""

    def __init__(self, operators: Iterable[Operator], revision: str = ""):
        self.revision = revision
        self.operators: dict[str, Operator] = {}
        self._by_identifier: dict[str, tuple[str, str]] = {}  # compact value -> (operator id, registered scheme)
        for operator in operators:
            self.operators[operator.operator_id] = operator
            for scheme, value in operator.identifiers:
                self._by_identifier[value] = (operator.operator_id, scheme)
        self._words: dict[str, set[str]] = {}  # country -> every word of its operators' names
        for operator in self.operators.values():
            self._words.setdefault(operator.country, set()).update(normalise(operator.name).tokens)
        self._screener: Screener | None = None
        self._stale: set[str] = set()  # operators whose name in the shared index is no longer theirs
        self._side_operators: dict[str, Operator] = {}  # added or renamed since the shared index was built
        self._side: Screener | None = None
        self._lock = threading.Lock()
        self._cache: dict[tuple[object, ...], object] = {}  # a Match, name-match candidates, or None

    def updated(self, changed: Iterable[Operator], revision: str) -> "Register":
        """A copy with these operators as they are now (one without authorisations leaves the register).

        The name index is shared with this register; operators added or renamed since it was built go into a
        small index of their own, and a hit on a name an operator no longer carries is ignored, so a status
        change costs a few dictionary copies, not a rebuild of the whole index."""
        new = Register([], revision)
        new.operators = dict(self.operators)
        new._by_identifier = dict(self._by_identifier)
        new._screener = self.names()
        new._stale = set(self._stale)
        side = dict(self._side_operators)
        for operator in changed:
            old = new.operators.pop(operator.operator_id, None)
            if old is not None:
                for _, value in old.identifiers:
                    new._by_identifier.pop(value, None)
            if not operator.authorisations:
                new._stale.add(operator.operator_id)
                side.pop(operator.operator_id, None)
                continue
            new.operators[operator.operator_id] = operator
            for scheme, value in operator.identifiers:
                new._by_identifier[value] = (operator.operator_id, scheme)
            if old is None or (old.name, old.country) != (operator.name, operator.country):
                new._stale.add(operator.operator_id)  # the shared index holds its old name, or none
                side[operator.operator_id] = operator
        new._side_operators = side
        new._side = _name_index(side.values(), revision) if side else None
        new._words = {country: set(words) for country, words in self._words.items()}
        for operator in side.values():
            new._words.setdefault(operator.country, set()).update(normalise(operator.name).tokens)
        return new

    def __len__(self) -> int:
        return len(self.operators)

    def names(self) -> Screener:
        """The screening index over the operators' names (built on first use)."""
        with self._lock:
            if self._screener is None:
                self._screener = _name_index(self.operators.values(), self.revision)
            return self._screener

    def match(self, party: Party) -> Match | Ambiguous | None:
        """The registered operator this party is, by identifier, else by name; None when it is none of them.

        A party quoting identifiers costs one dictionary lookup per identifier (and is matched by nothing else); a
        party without any is matched by name, cached per name and country, its place checked once per city and
        postcode. Filed identifier values are already upper case without spaces or dots (`domain.Identifier`), so
        most need no normalising. Fields are read from the models' `__dict__`: a pydantic model defines
        `__getattr__`, which makes every attribute read several times dearer, and this runs for every party."""
        fields = party.__dict__
        identifiers = fields["identifiers"]
        if identifiers:
            for identifier in identifiers:
                filed = identifier.__dict__
                value = filed["value"]
                if not value.isalnum():
                    value = _normal(value)
                hit = self._by_identifier.get(value)
                if hit is not None:
                    key = ("identifier", value, filed["scheme"])  # 3 items, tagged: no name key
                    match = self._cache.get(key)
                    if match is None:
                        evidence = f"{filed['scheme']} {filed['value']}"
                        match = self._cache[key] = Match(self.operators[hit[0]], "identifier", evidence, 1.0)
                    return match  # type: ignore[return-value]
            return None
        address = fields["address"]
        place_fields = address.__dict__ if address is not None else None
        country = fields["country"]
        if country is None and place_fields is not None:
            country = place_fields["country"]
        name_key = (fields["name"], country)
        found = self._cache.get(name_key, _UNSEEN)
        if found is _UNSEEN:
            found = self._by_name(party)
            if len(self._cache) >= CACHE_SIZE:
                self._cache.clear()
            self._cache[name_key] = found
        if found is None:
            return None
        assert type(found) is tuple  # name-match candidates, best first
        place = (
            (name_key, None, None)
            if place_fields is None
            else (name_key, place_fields["city"], place_fields["postcode"])
        )
        placed = self._cache.get(place, _UNSEEN)
        if placed is _UNSEEN:
            placed = self._cache[place] = _placed(party, found)
        return placed  # type: ignore[return-value]

    def _by_name(self, party: Party) -> tuple[tuple[Match, ...], float | None] | None:
        """Name-match candidates, best first, and the lowest score returned when the index stopped at its limit
        (namesakes beyond it may score the same)."""
        country = party.country_code
        words = self._words.get(country) if country else None
        if words is None or country is None:
            return None  # a name without a country is too weak to name an operator; none is registered there
        if party.identifiers:
            # It quotes an identifier the register does not hold: it is not a registered operator under that
            # identity, and a trusted trader's name beside someone else's number is a reason for suspicion.
            return None
        if party.name.isascii() and words.isdisjoint(_WORD.findall(party.name.lower().replace("'", ""))):
            return None  # not one word in common with any operator there: the index would find no candidate
        query = Query(party.name, None, country.lower())
        shared = self.names().screen(query, limit=NAMESAKES, threshold=NAME_MATCH).hits
        hits = [h for h in shared if h.entity_id not in self._stale]
        if self._side is not None:
            hits += self._side.screen(query, limit=NAMESAKES, threshold=NAME_MATCH).hits
        candidates = tuple(
            Match(operator, "name match", f"name {hit.score:.2f}, country {country}", round(hit.score, 3))
            for hit in sorted(hits, key=lambda h: (-h.score, h.entity_id))
            if (operator := self.operators.get(hit.entity_id)) is not None and operator.country == country
        )
        return (candidates, shared[-1].score if len(shared) == NAMESAKES else None) if candidates else None


def _name_index(operators: Iterable[Operator], version: str) -> Screener:
    return Screener(
        (
            Entry(
                LIST_NAME,
                op.operator_id,
                "Company",
                op.name,
                ((normalise(op.name), "name"),),
                {},
                frozenset({op.country.lower()}),
                frozenset(),
            )
            for op in operators
        ),
        version=version,
        cache_size=0,  # the register caches per party itself
    )


def _placed(party: Party, found: tuple[tuple[Match, ...], float | None]) -> Match | Ambiguous | None:
    """The best candidate whose place does not disagree with the party's; `Ambiguous` when several tie on it
    (or one ties with the last the index returned: an unseen namesake may too)."""
    candidates, cut = found
    agreeing = [m for m in candidates if _same_place(party, m.operator)]
    if not agreeing:
        return None
    best = [m for m in agreeing if m.score == agreeing[0].score]
    if len(best) == 1 and (cut is None or round(cut, 3) != best[0].score):
        return best[0]
    return Ambiguous(tuple(m.operator for m in best), best[0].evidence)


def _same_place(party: Party, operator: Operator) -> bool:
    """City and postcode must not disagree where both sides give them."""
    address = party.address
    if address is None:
        return True
    for filed, registered in ((address.postcode, operator.postcode), (address.city, operator.city)):
        if filed and registered and _normal(filed) != _normal(registered):
            return False
    return True
