"""Who a parcel is for, as keys that survive the small changes a splitter makes between orders.

A consignee is matched on any of: name with street or postcode, phone, e-mail, or an identifier (a national
id, a TIN). Phone and e-mail travel as party identifiers (schemes PHONE/TEL/MOBILE and EMAIL), which is how
the native and WCO formats carry a party's contacts. Keys are kept as digests, so the index holds no
consignee's name or number in the clear.
"""

import hashlib
import re
import unicodedata
from functools import lru_cache

from safelane.domain import Party

PHONE_SCHEMES = frozenset({"PHONE", "TEL", "MOBILE", "MSISDN"})
EMAIL_SCHEMES = frozenset({"EMAIL", "MAIL"})
_PUNCTUATION = re.compile(r"[^0-9a-z]+")
_NOT_DIGITS = re.compile(r"\D")
KINDS = ("name_address", "phone", "email", "identifier")
_PHONE_DIGITS = 9  # the subscriber part: +49 151 2345 6789 and 0151 23456789 are one phone


def normal(text: str) -> str:
    """Lower case, accents off, punctuation to spaces: 'Müller-Straße 3' -> 'muller strasse 3'."""
    if text.isascii():  # most names and streets: nothing to fold, and cheaper than a cache look-up
        words = text.lower().split()
        if "".join(words).isalnum():  # only letters and digits between the spaces: a regular expression costs twice
            return " ".join(words)
        return _PUNCTUATION.sub(" ", text.lower()).strip()  # each run of punctuation is one space already
    return _folded(text)


@lru_cache(maxsize=65536)  # names, streets and descriptions repeat across a day's parcels
def _folded(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.casefold().replace("ß", "ss"))
    ascii_only = folded.encode("ascii", "ignore").decode()
    return " ".join(_PUNCTUATION.sub(" ", ascii_only).split())


TRADER_SCHEMES = frozenset({"EORI"})  # a consignee with one is an economic operator: business, not consumer, parcels


def economic_operator(party: Party | None) -> bool:
    """Whether the consignee is registered as a trader: its many parcels are its business, not a split order."""
    if party is None:
        return False
    identifiers = party.__dict__["identifiers"]  # mostly none: no generator made then
    return bool(identifiers) and any(i.__dict__["scheme"] in TRADER_SCHEMES for i in identifiers)


# the digest of each kind's prefix, copied per key: the same bytes as hashing "kind\x1ftext" whole, made cheaper
_PREFIXES = {kind: hashlib.blake2b(f"{kind}\x1f".encode(), digest_size=12) for kind in KINDS}


def _digest(kind: str, text: str) -> str:
    digest = _PREFIXES[kind].copy()
    digest.update(text.encode())
    return digest.hexdigest()


def keys(party: Party | None) -> dict[str, str]:
    """The party's match keys (digest -> kind: name_address, phone, email, identifier). Fields are read from the
    models' `__dict__`: a pydantic attribute read goes through its `__getattr__` hook, and this runs per parcel."""
    if party is None:
        return {}
    found: dict[str, str] = {}
    fields = party.__dict__
    address = fields["address"]
    place = address.__dict__ if address is not None else {}
    street = normal(place["street"]) if place.get("street") else ""
    postcode = place.get("postcode") or ""
    if postcode:  # mostly letters and digits only, which `normal` would only lower
        postcode = postcode.lower() if postcode.isascii() and postcode.isalnum() else normal(postcode).replace(" ", "")
    if street or postcode:
        country = fields["country"] or place.get("country")  # `Party.country_code`, without its three hooked reads
        text = "|".join((normal(fields["name"]), street, postcode, country or ""))
        found[_digest("name_address", text)] = "name_address"
    for identifier in fields["identifiers"]:
        given = identifier.__dict__
        scheme, value = given["scheme"], given["value"]
        if scheme in PHONE_SCHEMES:
            digits = _NOT_DIGITS.sub("", value)
            if len(digits) >= 7:
                found[_digest("phone", digits[-_PHONE_DIGITS:])] = "phone"
        elif scheme in EMAIL_SCHEMES:
            local, _, domain = value.lower().partition("@")
            if local and domain:
                found[_digest("email", local.split("+")[0] + "@" + domain)] = "email"
        else:
            found[_digest("identifier", f"{scheme}:{value}")] = "identifier"
    return found
