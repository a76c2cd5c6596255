"""Score a party against a list entry: names token by token, then identifiers, country and date of birth.

Why this shape rather than one string distance over the whole name: a string distance treats every
character alike, so "Octavian Scholz" looks close to "Olaf Scholz" and "Bashar al-Assad" to "Hafez
al-Assad". Here each token of the shorter name must find its own counterpart (exactly, with a typo, by
sound, as a prefix or initial); tokens that find none count against the match, and the longer name's extra
tokens (middle names, patronymics) cost a little. Order never matters, so "LAST, FIRST" equals "FIRST LAST".
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from rapidfuzz.distance import OSA, Levenshtein

from safelane.screening.names import GENERIC_PARTS, NameForm, code_of, forms_differ, skeleton

MIN_TOKEN = 0.72  # token similarity below this counts as no agreement at all
EXTRA_TOKEN_COST = {"Person": 0.18, "default": 0.3}  # weight of the longer name's unmatched share
CONFLICT_COST = 0.1  # per pair of parts left over on both sides: a name part that disagrees
SINGLE_TOKEN_CAP = 0.78  # a one-part query against a fuller name can suggest but never decide
LIST_SINGLE_TOKEN_CAP = 0.7  # a one-part list name found inside a fuller party name is no hit at all
WEAK_ALIAS_FACTOR = 0.85  # a weak alias ("Abu Ali") is a lead, not an identification
COUNTRY_PENALTY = 0.08
BIRTH_PENALTY = 0.2
LEGAL_FORM_PENALTY = COUNTRY_PENALTY  # another legal form is, like another country, another company
SOUND = 0.82
MAX_EDITS = 3  # the largest typo allowance of `token_similarity` (parts of eleven letters or more)
# A person named alike but with nothing else agreeing (country, birth year, identifier) can be a namesake:
# worth an officer's look, not enough to stop cargo on its own. Kept just under the strong cut.
UNCORROBORATED_PERSON_CAP = 0.87
CODE_SCHEMAS = frozenset({"Vessel", "Airplane"})  # names compared whole as codes as well as word by word


@lru_cache(maxsize=500_000)  # name parts repeat across parties and lists: a pair is worked out once
def token_similarity(a: str, b: str, pa: str, pb: str) -> tuple[float, str]:
    """Similarity of two tokens in [0, 1] and how they agreed (exact, typo, sound, prefix, initial)."""
    if a == b:
        return 1.0, "exact"
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) == 1:
        return (0.75, "initial") if long_[0] == short else (0.0, "")
    if a.isdigit() or b.isdigit():  # numbers (vessel hull numbers, "2004-1") agree only exactly
        return 0.0, ""
    # Parts of one or two letters ("Li", "Un") must agree exactly; longer ones may carry about one typo per
    # five letters. (Romanised Chinese, Japanese and Korean never get typo tolerance: see compare_names.)
    edits = OSA.distance(a, b)  # a swapped pair of letters is one slip, not two
    allowed = 0 if len(short) <= 2 else 1 if len(long_) <= 6 else 2 if len(long_) <= 10 else 3
    sim, how = (1.0 - 0.08 * edits, "typo") if edits <= allowed else (0.0, "")
    if pa and pa == pb and sim < SOUND and len(short) >= 4:
        sim, how = SOUND, "sound"
    if sim < SOUND and len(short) >= 3 and skeleton(a) == skeleton(b):  # "Rool"/"Rul", "Djym"/"Jim"
        sim, how = SOUND, "romanised"
    if len(short) >= 3 and long_.startswith(short) and sim < 0.8:
        sim, how = 0.8, "prefix"
    return (sim, how) if sim >= MIN_TOKEN else (0.0, "")


@dataclass(slots=True)
class NameScore:
    score: float
    agreed: list[tuple[str, str, str]] = field(default_factory=list)  # (query token, list token, how)
    unmatched: list[str] = field(default_factory=list)  # query tokens that found nothing


def weights_of(form: NameForm, rarity: Mapping[str, float] | None) -> tuple[float, ...]:
    """Each part's weight: its letters times its rarity on the lists (1.0 when unknown)."""
    if not rarity:
        return tuple(float(len(t)) for t in form.tokens)
    return tuple(len(t) * rarity.get(t, 1.0) for t in form.tokens)


class NameComparer:
    """One filed name compared with many list names (the candidates of one screening).

    What the filed name's parts are worth, and how each of them agrees with a given list part, is worked
    out once per screening rather than once per candidate name: candidates were found because they share
    parts, so the same list parts come back name after name."""

    __slots__ = ("_agreements", "_parts", "q", "rarity", "total", "weights")

    def __init__(self, q: NameForm, rarity: Mapping[str, float] | None = None):
        self.q = q
        self.rarity = rarity
        self.weights = weights_of(q, rarity)
        self.total = sum(self.weights) or 1.0
        self._parts = tuple((i, t, p, len(t)) for i, (t, p) in enumerate(zip(q.tokens, q.phonetic, strict=True)))
        self._agreements: dict[str, tuple[tuple[float, int, str], ...]] = {}

    def prepare(self, tokens: Sequence[str], phonetic: Sequence[str]) -> None:
        """Work out at once how the filed name's parts agree with these list parts (all the parts of one
        screening's candidate names), each distinct list part once. A pair goes on to `token_similarity`
        only if it can agree at all: the same sound key, an initial, a length gap within the typo
        allowance, or a prefix; most pairs fail these cheap tests."""
        known = self._agreements
        parts = self._parts
        for ct, cp in zip(tokens, phonetic, strict=True):
            if ct in known:
                continue
            lc = len(ct)
            found = []
            for i, qt, qp, lq in parts:
                if qt == ct:
                    found.append((1.0, i, "exact"))
                    continue
                if qp != cp and lq != 1 and lc != 1:
                    gap = lq - lc if lq > lc else lc - lq
                    long_ = lq if lq > lc else lc
                    beyond_typo = gap > (1 if long_ <= 6 else 2 if long_ <= 10 else MAX_EDITS)
                    if beyond_typo and (lq < 3 or lc < 3 or not (ct.startswith(qt) if lq < lc else qt.startswith(ct))):
                        continue
                sim, how = token_similarity(qt, ct, qp, cp)
                if sim > 0:
                    found.append((sim, i, how))
            known[ct] = tuple(found)

    def agreements(self, ct: str, cp: str) -> tuple[tuple[float, int, str], ...]:
        """(similarity, index of the filed part, how) for every filed part that agrees with list part `ct`."""
        found = self._agreements.get(ct)
        if found is None:
            self.prepare((ct,), (cp,))
            found = self._agreements[ct]
        return found

    def compare(self, c: NameForm, schema: str | None = None, weights: tuple[float, ...] | None = None) -> NameScore:
        """Align parts greedily by similarity (names are short; greedy equals optimal almost always).

        Each part weighs its letters times its rarity on the lists: agreeing on "Import Export" or
        "Mohammed" proves less than agreeing on a rare family name. `weights` are the list name's part
        weights when the index worked them out already."""
        q = self.q
        q_tokens, c_tokens = q.tokens, c.tokens
        if not q_tokens or not c_tokens:
            return NameScore(0.0)
        pairs = []
        if q.syllabic or c.syllabic:  # romanised syllables agree exactly or not at all
            for j, ct in enumerate(c_tokens):
                pairs += [(1.0, i, j, "exact") for i, qt in enumerate(q_tokens) if qt == ct]
        else:
            for j, (ct, cp) in enumerate(zip(c_tokens, c.phonetic, strict=True)):
                for sim, i, how in self.agreements(ct, cp):
                    pairs.append((sim, i, j, how))
        pairs.sort(reverse=True)
        wq = self.weights
        wc = weights if weights is not None else weights_of(c, self.rarity)
        used_q: set[int] = set()
        used_c: set[int] = set()
        agreed_q = agreed_c = 0.0
        agreed = []
        for sim, i, j, how in pairs:
            if i in used_q or j in used_c:
                continue
            used_q.add(i)
            used_c.add(j)
            agreed_q += sim * wq[i]
            agreed_c += sim * wc[j]
            agreed.append((q_tokens[i], c_tokens[j], how))
        cov_q, cov_c = agreed_q / self.total, agreed_c / (sum(wc) or 1.0)
        n_q, n_c = len(q_tokens), len(c_tokens)
        # The name with fewer parts must be covered; the other's extra parts cost a little.
        short_cov, long_cov = (cov_q, cov_c) if n_q <= n_c else (cov_c, cov_q)
        cost = EXTRA_TOKEN_COST["Person" if schema == "Person" else "default"]
        score = short_cov - cost * (1.0 - long_cov)
        # Parts left over on both sides are a disagreement (another first name, another family name), which
        # is worse than parts missing on one side only.
        score -= CONFLICT_COST * min(n_q - len(used_q), n_c - len(used_c))
        # Joined or split words ("Abdulrahman" / "Abdul Rahman") in the same order: compare spaceless forms.
        if score < 1.0:
            compact = Levenshtein.normalized_similarity(q.compact, c.compact, score_cutoff=0.9)
            if compact > score:
                score = compact
                agreed = [(q.compact, c.compact, "joined")]
        if n_q > 1 and n_c == 1:  # a one-part list name ("PATRICIA", "OTTO") inside a fuller party name
            # unless the party's other parts are generic company words ("AGROPHEN COMPANY" for "AGROPHEN"):
            # then it is one part against one, worth a look as in the case below, no more.
            named = n_q - sum(t in GENERIC_PARTS for t in q_tokens)
            score = min(score, SINGLE_TOKEN_CAP if named == 1 else LIST_SINGLE_TOKEN_CAP)
        elif n_q == 1 and n_c > 1:  # a one-part query against a fuller list name: worth a look, no more
            score = min(score, SINGLE_TOKEN_CAP)
        unmatched = [t for i, t in enumerate(q_tokens) if i not in used_q]
        return NameScore(max(0.0, min(1.0, score)), agreed, unmatched)


def compare_names(
    q: NameForm, c: NameForm, schema: str | None = None, rarity: Mapping[str, float] | None = None
) -> NameScore:
    """How closely two names agree, part by part (see `NameComparer.compare`)."""
    return NameComparer(q, rarity).compare(c, schema)


@dataclass(frozen=True, slots=True)
class Entry:
    """A list entry as the index keeps it: normalised names and the attributes that confirm or refute."""

    list_name: str
    entity_id: str
    schema: str
    caption: str
    names: tuple[tuple[NameForm, str], ...]  # (form, FtM property: name, alias, weakAlias, previousName)
    identifiers: dict[str, str]  # compact value -> property
    countries: frozenset[str]
    birth_years: frozenset[int]
    references: frozenset[str] = frozenset()  # other lists' references to this entry (UN "QDi.001")


@dataclass(frozen=True, slots=True)
class Query:
    name: str
    schema: str | None = None  # Person, Company, Vessel or None when the filing does not say
    country: str | None = None  # ISO alpha-2, lower case
    identifiers: tuple[str, ...] = ()  # compact values
    birth_year: int | None = None


@dataclass(frozen=True, slots=True)
class Hit:
    list_name: str
    entity_id: str
    schema: str
    caption: str
    matched_name: str
    matched_property: str
    score: float
    why: dict[str, Any]
    tiebreak: float  # secondary signal that orders equal scores (closeness of the whole strings)
    same_as: tuple[str, ...] = ()  # the same party's entries on other lists (cross-list resolution)

    @property
    def entity_ids(self) -> tuple[str, ...]:
        """This entry and the same party's entries on other lists."""
        return (self.entity_id, *self.same_as)

    def as_dict(self) -> dict[str, Any]:
        return {
            "list": self.list_name,
            "entry": self.entity_id,
            "schema": self.schema,
            "caption": self.caption,
            "matched_name": self.matched_name,
            "alias": self.matched_property != "name",
            "name_property": self.matched_property,
            "score": round(self.score, 3),
            "why": self.why,
            **({"same_as": list(self.same_as)} if self.same_as else {}),
        }


_PERSONLIKE = frozenset({"Person"})
_VESSELLIKE = frozenset({"Vessel", "Airplane"})
_ORGLIKE = frozenset({"Company", "Organization", "PublicBody"})


def compatible(query_schema: str | None, entry_schema: str) -> bool:
    """A Person query never matches a company or a vessel, and so on; LegalEntity (unknown) fits persons
    and organisations. An unknown query schema fits everything."""
    if query_schema is None or query_schema in ("LegalEntity", "Thing"):
        return True
    if entry_schema == "LegalEntity":
        return query_schema not in _VESSELLIKE
    groups = (_PERSONLIKE, _VESSELLIKE, _ORGLIKE)
    return any(query_schema in g and entry_schema in g for g in groups)


def score_entry(
    query: Query,
    form: NameForm,
    entry: Entry,
    only: set[int] | None = None,
    rarity: Mapping[str, float] | None = None,
    *,
    comparer: NameComparer | None = None,
    weights: tuple[tuple[float, ...], ...] | None = None,
    threshold: float = 0.0,
) -> Hit | None:
    """The best-scoring name of an entry (of the names in `only`, when the index chose them), adjusted by
    identifiers, country and birth year. An index passes the screening's `comparer` and the entry's part
    `weights` (one tuple per name), worked out once instead of per comparison.

    None as well when the entry cannot reach `threshold`: past the name score, only a shared identifier or
    a vessel's or aircraft's code raises a score (country, birth year, legal form and corroboration lower it),
    so without those a name scoring below the threshold ends the work before the explanation is built."""
    if not compatible(query.schema, entry.schema):
        return None
    why: dict[str, Any] = {}
    shared_ids = [i for i in query.identifiers if i in entry.identifiers]
    best: tuple[float, float, NameForm, str, NameScore] | None = None
    if comparer is None:
        comparer = NameComparer(form, rarity)
    schema = query.schema or entry.schema
    floor = threshold if not shared_ids and entry.schema not in CODE_SCHEMAS else 0.0
    for n_index, (cand, prop) in enumerate(entry.names):
        if only is not None and n_index not in only:
            continue
        result = comparer.compare(cand, schema, weights[n_index] if weights is not None else None)
        score = result.score * (WEAK_ALIAS_FACTOR if prop == "weakAlias" else 1.0)
        if score < floor or (best is not None and score < best[0]):
            continue  # the closeness of whole strings only orders equal scores
        tiebreak = Levenshtein.normalized_similarity(form.compact, cand.compact)
        if best is None or (score, tiebreak) > best[:2]:
            best = (score, tiebreak, cand, prop, result)
    if best is None:
        return None
    score, tiebreak, cand, prop, result = best
    why["name_parts"] = [{"query": a, "list": b, "how": h} for a, b, h in result.agreed]
    if entry.schema in CODE_SCHEMAS:
        code = code_of(query.name)
        same = next((f for f, _p in entry.names if code and code_of(f.original) == code), None)
        if same is not None:  # "EP-MNU" = "EPMNU" = "ep mnu": the registration or vessel name itself
            score, cand, prop = 1.0, same, "name"
            why["name_parts"] = [{"query": query.name, "list": same.original, "how": "code"}]
    if result.unmatched:
        why["unmatched_parts"] = result.unmatched
    if shared_ids:
        score = 1.0
        why["identifiers"] = [{"value": i, "property": entry.identifiers[i]} for i in shared_ids]
    if not shared_ids and forms_differ(form, cand):
        score -= LEGAL_FORM_PENALTY
        why["legal_form"] = f"differs ({', '.join(sorted(form.legal_forms))} vs {', '.join(sorted(cand.legal_forms))})"
    agreeing = 0
    if query.country and entry.countries:
        if query.country in entry.countries:
            agreeing += 1
            why["country"] = "agrees"
        elif not shared_ids:
            score -= COUNTRY_PENALTY
            why["country"] = f"differs ({query.country} vs {', '.join(sorted(entry.countries))})"
    if query.birth_year and entry.birth_years:
        if any(abs(query.birth_year - y) <= 1 for y in entry.birth_years):
            agreeing += 1
            why["birth_year"] = "agrees"
        elif not shared_ids:
            score -= BIRTH_PENALTY
            why["birth_year"] = "differs"
    if entry.schema == "Person" and not shared_ids and score > UNCORROBORATED_PERSON_CAP:
        if agreeing:
            why["corroborated_by"] = [k for k in ("country", "birth_year") if why.get(k) == "agrees"]
        else:
            score = UNCORROBORATED_PERSON_CAP
            why["corroboration"] = "none: name only, capped below a strong hit"
    return Hit(
        entry.list_name,
        entry.entity_id,
        entry.schema,
        entry.caption,
        cand.original,
        prop,
        max(0.0, score),
        why,
        tiebreak + agreeing,
    )
