"""Name normalisation: one comparable form for a name in any script, spelling, order or legal form.

Each name becomes ASCII tokens (rigour transliterates Cyrillic, Arabic, CJK and the rest through ICU),
without legal-form words ("OOO", "GmbH", "Ltd", "Aktiengesellschaft": rigour's multilingual table),
honorifics or apostrophes, with a phonetic key per token so that "Schulze" meets "Scholz". Token order is
kept for display but never relied on: "LAST, FIRST" and "FIRST LAST" give the same token set.
"""

import re
from dataclasses import dataclass
from functools import lru_cache

from rigour.names import (
    extract_org_types,
    remove_org_types,
    remove_person_prefixes,
    replace_org_types_compare,
    tokenize_name,
)
from rigour.text import ascii_text, metaphone

# Connectives that carry no identity ("AT&T" is "AT and T").
_DROP = frozenset({"and", "und", "et", "the"})
# Generic company words rigour's legal-form table leaves in place (it keeps "co", "company", "corp" because
# they also appear inside names): abbreviated or spelt out at will on filings, so both spellings become one
# part. They stay parts (dropping them makes "Sunrise Import Export Company" a bare trade description), and
# weigh little because they are frequent on the lists.
_GENERIC_FORMS = {"company": "co", "corporation": "corp", "incorporated": "inc", "establishment": "est"}
GENERIC_PARTS = frozenset(_GENERIC_FORMS.values())
_APOSTROPHES = re.compile("['`\u2018\u2019\u02bb\u02bc]")
_NOT_CODE = re.compile(r"[^0-9A-Za-z]")


@dataclass(frozen=True, slots=True)
class NameForm:
    """A name ready to compare: its tokens, their phonetic keys and a compact (spaceless) form."""

    original: str
    tokens: tuple[str, ...]
    phonetic: tuple[str, ...]
    compact: str
    length: int  # letters in all tokens: the weight a name's parts are measured against
    syllabic: bool = False  # written in Chinese, Japanese or Korean script: romanised syllables, no typos
    legal_forms: frozenset[str] = frozenset()  # legal forms the name carried, in rigour's compare form
    code: str = ""  # the name read as a code (`code_of`), worked out with the rest

    @property
    def key(self) -> str:
        """Order-free cache key."""
        return " ".join(sorted(self.tokens))


@lru_cache(maxsize=200_000)
def normalise(name: str) -> NameForm:
    """The comparable form of a name; the same for persons, companies and vessels (a party's kind is often
    unknown on a filing, and a legal form or honorific removed from a person's name costs nothing)."""
    ascii_name = ascii_text(name)
    written = _APOSTROPHES.sub("", ascii_name.lower()).replace("&", " and ")
    # Spelt-out forms are first folded to rigour's compare form ("limited liability company" -> "llc"), so
    # that removing legal forms takes the whole phrase and not just its last word.
    text = remove_person_prefixes(remove_org_types(replace_org_types_compare(written), replacement=" "))
    forms = frozenset(form for _found, form in extract_org_types(written))
    # A form whose compare spelling is not itself in rigour's table ("S.A. de C.V." -> "sacv") survives the
    # removal as a part; it is the legal form, not a name part.
    tokens = tuple(_GENERIC_FORMS.get(t, t) for t in tokenize_name(text) if t not in _DROP and t not in forms)
    if not tokens:  # a name that is only a legal form ("Ltd") or prefix: keep what was written
        tokens = tuple(tokenize_name(_APOSTROPHES.sub("", ascii_name.lower())))
    syllabic = any(_is_cjk(ch) for ch in name)
    if syllabic:  # one written word is one name part: "家瑋" is "jiawei", not the two parts "jia" and "wei"
        tokens = tuple(t for t in ("".join(tokenize_name(text_forms(w))) for w in name.split()) if t) or tokens
    phonetic = tuple(_phonetic(t) for t in tokens)
    code = _NOT_CODE.sub("", ascii_name).upper()
    return NameForm(name, tokens, phonetic, "".join(tokens), sum(len(t) for t in tokens), syllabic, forms, code)


def text_forms(name: str) -> str:
    return _APOSTROPHES.sub("", ascii_text(name).lower()).replace("&", " and ")


def forms_differ(a: NameForm, b: NameForm) -> bool:
    """Both names carry a legal form and none agrees ("Sp. z o.o." against "FZE", "B.V." against "LLC"): two
    companies of different jurisdictions or kinds. A form inside another ("ltd" in "co., ltd") agrees."""
    if not a.legal_forms or not b.legal_forms:
        return False
    return not any(x in y or y in x for x in a.legal_forms for y in b.legal_forms)


# Spellings one romanisation writes and another does not ("Akhmad"/"Ahmad", "Djim"/"Jim", "Aiman"/"Ayman",
# "Rool"/"Rul"): folded in this order, then doubled letters made single.
_ROMANISATIONS = (("kh", "h"), ("dj", "j"), ("ph", "f"), ("oo", "u"), ("ou", "u"), ("ee", "i"), ("y", "i"), ("q", "k"))
_DOUBLED = re.compile(r"(.)\1+")


@lru_cache(maxsize=200_000)
def skeleton(token: str) -> str:
    """A name part with the letters that only a romanisation chose folded away: two transliterations of one
    written name meet here even when they differ by more than one slip."""
    for written, folded in _ROMANISATIONS:
        token = token.replace(written, folded)
    return _DOUBLED.sub(r"\1", token)


def _is_cjk(ch: str) -> bool:
    """Han, kana and Hangul: their romanisation is a fixed syllable table, so a one-letter difference between
    two romanised syllables is another character, not a spelling slip."""
    code = ord(ch)
    return 0x3040 <= code <= 0x30FF or 0x3400 <= code <= 0x9FFF or 0xAC00 <= code <= 0xD7AF


def _phonetic(token: str) -> str:
    if token.isdigit() or len(token) < 3:
        return ""
    return metaphone(token)


_IMO = re.compile(r"^\s*(?:IMO[\s:.#-]*)+(\d{7})\s*$", re.IGNORECASE)  # "IMO 9187629", "IMO IMO9187629"


def code_of(name: str) -> str:
    """The compact form of a name that reads as a code (aircraft registration "EP-MNU", "YV1005", a vessel's
    name): letters and digits only, upper case. Codes are compared whole and exactly: legal-form removal and
    typo tolerance would turn "EP-MNU" into "MNU" or meet another registration one letter away."""
    return _NOT_CODE.sub("", ascii_text(name)).upper()


def imo_in(name: str) -> str | None:
    """An IMO number written as the vessel's name ("IMO 9187629"): the identifier it is."""
    found = _IMO.match(name)
    return found.group(1) if found else None
