"""List entries held as FollowTheMoney entities, the data model sanctions publishers and tools already share.

Keeping the standard model (rather than our own row type) means an OpenSanctions export, a national list
and an OFAC file all land in one shape, and an entry can be written back out for another tool unchanged.
"""

import hashlib
import re
from collections.abc import Iterable, Mapping
from typing import Any

from followthemoney import EntityProxy, model, registry

# Schemata a party on a consignment can be: everything else in a list (sanctions, addresses) is context.
MATCHABLE = ("Person", "Company", "Organization", "LegalEntity", "Vessel", "Airplane", "PublicBody")
NAME_PROPS = ("name", "alias", "previousName")
WEAK_PROPS = ("weakAlias",)
# Identifier properties that decide a match on their own when both sides carry the same value.
ID_PROPS = (
    "imoNumber",
    "registrationNumber",
    "idNumber",
    "taxNumber",
    "vatCode",
    "innCode",
    "ogrnCode",
    "leiCode",
    "passportNumber",
    "mmsi",
    "swiftBic",
    "dunsCode",
    "okpoCode",
    "uscCode",
)

_slug_re = re.compile(r"[^a-z0-9]+")


def slug(*parts: object) -> str:
    """A stable entity id from a list name and the list's own key, so re-imports line up entry by entry."""
    return "-".join(_slug_re.sub("-", str(p).lower()).strip("-") for p in parts if str(p).strip())


def digest_id(*parts: object) -> str:
    """For lists without their own keys (BIS): a hash of the fields that identify the row."""
    return hashlib.sha1("|".join(str(p) for p in parts).encode()).hexdigest()[:16]


def make(schema: str, list_name: str, key: object) -> EntityProxy:
    entity = model.make_entity(schema)
    entity.id = slug(list_name, key)
    return entity


def add(entity: EntityProxy, prop: str, values: str | Iterable[str | None] | None) -> None:
    """Add cleaned values, silently skipping a property the schema lacks or an empty value."""
    if values is None:
        return
    for value in [values] if isinstance(values, str) else values:
        if value is not None and value.strip() and value.strip() != "-0-":
            entity.add(prop, value.strip(), quiet=True)


def from_dict(data: Mapping[str, Any]) -> EntityProxy:
    return model.get_proxy(dict(data))


def is_matchable(entity: EntityProxy) -> bool:
    return entity.schema.name in MATCHABLE


def names(entity: EntityProxy) -> list[tuple[str, str]]:
    """(name, property) pairs, strong names first then weak aliases."""
    found: list[tuple[str, str]] = []
    seen: set[str] = set()
    for prop in (*NAME_PROPS, *WEAK_PROPS):
        for value in entity.get(prop, quiet=True):
            if value not in seen:
                seen.add(value)
                found.append((value, prop))
    return found


def identifiers(entity: EntityProxy) -> dict[str, str]:
    """Compact identifier value -> the property it came from (letters and digits only, upper case)."""
    found: dict[str, str] = {}
    for prop in ID_PROPS:
        for value in entity.get(prop, quiet=True):
            key = compact_identifier(value)
            if len(key) >= 5:
                found[key] = prop
    return found


def compact_identifier(value: str) -> str:
    key = re.sub(r"[^0-9A-Za-z]", "", value).upper()
    return key[3:] if key.startswith("IMO") and key[3:].isdigit() else key


def countries(entity: EntityProxy) -> set[str]:
    return {c for c in entity.get_type_values(registry.country)}


def birth_years(entity: EntityProxy) -> set[str]:
    return {d[:4] for d in entity.get("birthDate", quiet=True) if len(d) >= 4}
