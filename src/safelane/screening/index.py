"""Candidate index (blocking): find the few entries worth scoring without comparing against every one.

Each name part is indexed under itself and under its phonetic key, and identifiers under their compact
value. A query collects entries that share its rarest keys (weighted by inverse frequency, so "Mohammed"
or "Trading" alone brings little) and only the best few dozen are scored. The screening of one party
therefore touches tens of entries out of tens of thousands, and its result is cached per normalised party.
"""

import math
import threading
from collections import OrderedDict, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from operator import neg
from typing import Any, Literal

from followthemoney import EntityProxy
from rapidfuzz import fuzz, process

from safelane.screening import entities as ftm
from safelane.screening import pairwise as pairwise_model
from safelane.screening import resolution
from safelane.screening.matcher import CODE_SCHEMAS, Entry, Hit, NameComparer, Query, score_entry, weights_of
from safelane.screening.names import NameForm, code_of, imo_in, normalise
from safelane.screening.pairwise import PairwiseModel
from safelane.screening.policy import POSSIBLE

CANDIDATES = 10  # names scored per query by vote (with CLOSEST more by spelling: 15 in all)
SHORTLIST = 200  # names by vote among which the spelling closest to the filed name is looked for
CLOSEST = 5  # names of the shortlist added for the closeness of their spelling
MIN_VOTE_SHARE = 0.5
COMMON_SHARE = 0.05
RARE_NAMES = 5  # a name part carried by this many list names or fewer weighs fully
TYPO_MIN = 4  # parts this long or longer are reached one slip away
RARITY_FLOOR = 0.3  # the most frequent parts ("trading", "mohammad") still weigh this share


def entry_of(entity: EntityProxy, list_name: str) -> Entry:
    names = tuple((normalise(n), prop) for n, prop in ftm.names(entity) if n.strip())
    years = frozenset(int(y) for y in ftm.birth_years(entity) if y.isdigit())
    references = resolution.own_reference(str(entity.id))
    for note in entity.get("notes", quiet=True):
        references |= resolution.un_references(note)
    return Entry(
        list_name,
        str(entity.id),
        entity.schema.name,
        entity.caption,
        names,
        ftm.identifiers(entity),
        frozenset(ftm.countries(entity)),
        years,
        frozenset(references),
    )


@dataclass(frozen=True, slots=True)
class Screening:
    query: Query
    hits: list[Hit]
    candidates: int  # how many entries were scored


class Screener:
    """An in-memory index of list entries; build once per list version, query from many threads."""

    def __init__(
        self,
        entries: Iterable[Entry],
        *,
        version: str = "",
        cache_size: int = 100_000,
        pairwise: PairwiseModel | Literal["shipped"] | None = "shipped",
    ):
        self.entries: list[Entry] = list(entries)
        self.version = version
        self._names: list[tuple[int, int]] = []  # name id -> (entry index, name index within the entry)
        self._postings: dict[str, list[int]] = defaultdict(list)
        self._by_identifier: dict[str, list[int]] = defaultdict(list)
        self._by_code: dict[str, list[int]] = defaultdict(list)  # vessel and aircraft names, compared whole
        self._by_deletion: dict[str, set[str]] = defaultdict(set)  # a part with one letter left out -> parts
        for e_index, entry in enumerate(self.entries):
            for n_index, (form, _prop) in enumerate(entry.names):
                name_id = len(self._names)
                self._names.append((e_index, n_index))
                for key in set(_keys(form)):
                    self._postings[key].append(name_id)
                for token in form.tokens:
                    if len(token) >= TYPO_MIN and not token.isdigit():
                        for variant in _deletions(token):
                            self._by_deletion[variant].add(token)
            for identifier in entry.identifiers:
                self._by_identifier[identifier].append(e_index)
            if entry.schema in CODE_SCHEMAS:
                for code in {code_of(form.original) for form, _prop in entry.names} - {""}:
                    self._by_code[code].append(e_index)
        cluster = resolution.clusters(self.entries)
        members: dict[int, list[int]] = defaultdict(list)
        for e_index, root in enumerate(cluster):
            members[root].append(e_index)
        self._cluster = cluster
        self._same_as = [
            tuple(self.entries[m].entity_id for m in members[root] if m != e_index)
            for e_index, root in enumerate(cluster)
        ]
        self._main = [{n for n, (_f, prop) in enumerate(e.names) if prop == "name"} for e in self.entries]
        self._name_keys = [self.entries[e].names[n][0].key for e, n in self._names]
        total = max(1, len(self._names))
        self._weight = {k: math.log(1 + total / len(v)) for k, v in self._postings.items()}
        self._common = max(50, int(total * COMMON_SHARE))
        self.rarity = rarity_of({k: len(v) for k, v in self._postings.items() if k[0] not in "~="}, total)
        # Part weights of every list name, worked out here once rather than in every comparison.
        self._weights = [tuple(weights_of(form, self.rarity) for form, _p in e.names) for e in self.entries]
        # The learned check on possible hits (None: the name score alone, as when training it).
        self.pairwise = pairwise_model.shipped() if isinstance(pairwise, str) else pairwise
        self._cache: OrderedDict[tuple, list[Hit]] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()  # the API screens from several threads at once

    @classmethod
    def from_entities(cls, items: Iterable[tuple[str, EntityProxy]], version: str = "", **options: Any) -> "Screener":
        entries = (entry_of(e, list_name) for list_name, e in items if ftm.is_matchable(e))
        return cls(entries, version=version, **options)

    def __len__(self) -> int:
        return len(self.entries)

    def candidates(self, form: NameForm, identifiers: Iterable[str] = ()) -> dict[int, set[int] | None]:
        """Entry index -> the indexes of its names worth scoring (None: all, found by identifier).

        Each part of the filed name votes once for a list name, with the weight of the rarest key they share
        (the part itself, its sound key, a part one slip away): a part agreeing both as written and by sound
        is one agreeing part, not two. Counting keys instead let a name sharing one rare part twice outvote
        the right name sharing two parts by sound and by a slip. Equal votes go to
        the earlier list name, so the choice never depends on the process's hash seed."""
        parts = [[k for k in keys if k in self._postings] for keys in self._part_keys(form)]
        rare = {k for keys in parts for k in keys if len(self._postings[k]) <= self._common}
        votes: dict[int, float] = {}
        for keys in parts:
            # Rarest key first, so that a name keeps the weight of the rarest key it shares with this part;
            # the postings are merged by dict operations rather than name by name.
            mine: dict[int, float] = {}
            for weight, key in sorted(((self._weight[k], k) for k in keys if not rare or k in rare), reverse=True):
                fresh = dict.fromkeys(self._postings[key], weight)
                fresh.update(mine)
                mine = fresh
            if not votes:
                votes = mine
                continue
            for name_id, weight in mine.items():
                votes[name_id] = votes.get(name_id, 0.0) + weight
        # By vote, then the earlier name: (-vote, name id) pairs sort in C without a key function.
        ranked = sorted(zip(map(neg, votes.values()), votes, strict=True))[:SHORTLIST]
        shortlist: list[tuple[int, float]] = []
        if ranked:  # names sharing only a sliver of the best candidate's evidence cannot win
            floor = ranked[0][0] * MIN_VOTE_SHARE  # votes are negated here
            shortlist = [(n, -v) for v, n in ranked if v <= floor]
        best = shortlist[:CANDIDATES]
        if len(shortlist) > CANDIDATES:
            # Many names tie on one shared key (a frequent sound key, a common given name): the names of the
            # wider shortlist closest to the filed name as a whole, spelling by spelling, join the best voted.
            # This is how "Iqbal, Moukhammad" still reaches "IQBAL, Muhammad" behind many other Iqbals.
            # Only spellings at least as close as the alert threshold join (fuzz.ratio is in percent).
            rest = shortlist[CANDIDATES:]
            spellings = [self._name_keys[n] for n, _ in rest]
            cutoff = 100 * POSSIBLE
            closest = process.extract(form.key, spellings, scorer=fuzz.ratio, limit=CLOSEST, score_cutoff=cutoff)
            best += [rest[k] for _s, _score, k in closest]
        found: dict[int, set[int] | None] = {e: None for i in identifiers for e in self._by_identifier.get(i, ())}
        for name_id, _ in best:
            e_index, n_index = self._names[name_id]
            names = found.setdefault(e_index, set())
            if names is not None:
                names.add(n_index)
        return found

    def _part_keys(self, form: NameForm) -> list[list[str]]:
        """The index keys of each part of a filed name (the part, its sound key, list parts one slip away),
        and the spaceless whole name as one more part."""
        out = []
        for token, phonetic in zip(form.tokens, form.phonetic, strict=True):
            keys = [token] if len(token) >= 2 else []
            if phonetic:
                keys.append("~" + phonetic)
            keys += self._typo_keys(token)
            out.append(keys)
        if len(form.compact) >= 4:
            out.append(["=" + form.compact])
        return out

    def _typo_keys(self, token: str) -> list[str]:
        """List parts one slip away (a letter dropped, added, changed or two swapped) from a query part found on
        no list: the index would otherwise never reach "Minocobgo" for "Minocongo". Both sides with one letter
        left out meet (a symmetric-deletion neighbourhood)."""
        found: list[str] = []
        if len(token) < TYPO_MIN or token in self._postings or token.isdigit():
            return found
        for variant in (token, *_deletions(token)):
            found.extend(self._by_deletion.get(variant, ()))
            if variant in self._postings and len(variant) >= TYPO_MIN:
                found.append(variant)
        return found

    def screen(self, query: Query, *, limit: int = 5, threshold: float = 0.0) -> Screening:
        form = normalise(query.name)
        key = (form.key, query.schema, query.country, query.identifiers, query.birth_year, limit, threshold)
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None:
                self._cache.move_to_end(key)
        if cached is not None:
            return Screening(query, cached, 0)
        imo = imo_in(query.name)
        if imo and imo not in query.identifiers:  # "IMO 9187629" filed as the vessel's name
            query = replace(query, identifiers=(*query.identifiers, imo))
        indexes = self.candidates(form, query.identifiers)
        for e_index in self._by_code.get(form.code, ()):
            indexes[e_index] = None
        # A candidate entry is scored on the names that brought it in and on its main names: an entry found
        # through its Arabic-script name must still be compared on its Latin one.
        scored = []
        comparer = NameComparer(form, self.rarity)
        chosen = [(i, self._with_main(i, names)) for i, names in indexes.items()]
        tokens: list[str] = []
        phonetic: list[str] = []
        for i, only in chosen:
            for n_index, (cand, _prop) in enumerate(self.entries[i].names):
                if only is None or n_index in only:
                    tokens += cand.tokens
                    phonetic += cand.phonetic
        comparer.prepare(tokens, phonetic)
        for i, only in chosen:
            hit = score_entry(
                query,
                form,
                self.entries[i],
                only,
                self.rarity,
                comparer=comparer,
                weights=self._weights[i],
                threshold=threshold,
            )
            if hit is not None and self.pairwise is not None and hit.score >= POSSIBLE:
                hit = self.pairwise.review(hit, form, self.rarity)
            if hit is not None and hit.score >= threshold:
                scored.append((i, hit))
        scored.sort(key=lambda ih: (-ih[1].score, -ih[1].tiebreak, ih[1].entity_id))
        # One hit per listed party: the best-scoring of its entries, naming the others it stands for.
        hits: list[Hit] = []
        seen: set[int] = set()
        for i, hit in scored:
            if self._cluster[i] in seen:
                continue
            seen.add(self._cluster[i])
            hits.append(replace(hit, same_as=self._same_as[i]) if self._same_as[i] else hit)
            if len(hits) >= limit:
                break
        with self._lock:
            self._cache[key] = hits
            if len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return Screening(query, hits, len(indexes))

    def _with_main(self, e_index: int, names: set[int] | None) -> set[int] | None:
        return None if names is None else names | self._main[e_index]

    def clear_cache(self) -> None:
        with self._lock:
            self._cache.clear()


def rarity_of(frequency: dict[str, int], total: int) -> dict[str, float]:
    """Weight of each name part by how many list names carry it: log(total / names) against the log of
    total / RARE_NAMES, bounded to [RARITY_FLOOR, 1] (a part on RARE_NAMES names or fewer weighs fully).
    Only parts below full weight are kept; a part not on the lists weighs fully."""
    full = math.log(max(2.0, total / RARE_NAMES))
    table = {}
    for token, names in frequency.items():
        weight = max(RARITY_FLOOR, math.log(total / names) / full)
        if weight < 1.0:
            table[token] = weight
    return table


def _keys(form: NameForm) -> list[str]:
    keys = []
    for token, phonetic in zip(form.tokens, form.phonetic, strict=True):
        if len(token) >= 2:
            keys.append(token)
        if phonetic:
            keys.append("~" + phonetic)
    if len(form.compact) >= 4:  # joined words and one-token names still meet
        keys.append("=" + form.compact)
    return keys


def _deletions(token: str) -> set[str]:
    return {token[:i] + token[i + 1 :] for i in range(len(token))}
