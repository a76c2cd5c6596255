"""Cross-list entity resolution: the same party listed by the UN and by OFAC (or BIS) is one entity.

Publishers list many of the same designations, each under its own key. Screened separately, one person
gives two hits and rank 1 is as often "the other list" as the right one; an officer reads the same name
twice. Entries are joined when another list carries the same entry reference (a UN reference number such as
"QDi.001" quoted in OFAC remarks), or the same normalised name with the same kind of party and, for a
person, a birth year in common (for an organisation, a country in common or none stated). Two namesakes
born in different years stay apart. Entries of one list are never joined: a publisher's own keys already
separate its entries.
"""

import re
from collections import defaultdict
from collections.abc import Sequence

from safelane.screening.matcher import Entry

_UN_REFERENCE = re.compile(r"\b([A-Z]{2}[ie])\.(\d{3,})\b")  # UN Security Council reference numbers
_UN_ENTRY_ID = re.compile(r"^un-sc-([a-z]{2}[ie])-(\d{3,})$")  # how the UN importer keys its entries
_GROUP = {"Person": "person", "Vessel": "vessel", "Airplane": "airplane"}


def un_references(text: str) -> set[str]:
    """UN reference numbers ("QDi.001", "KPe.019") quoted in a list's remarks, lower case."""
    return {f"{a.lower()}.{b}" for a, b in _UN_REFERENCE.findall(text)}


def own_reference(entity_id: str) -> set[str]:
    """The UN reference number of a UN entry, from its id ("un-sc-qdi-001" -> "qdi.001")."""
    found = _UN_ENTRY_ID.match(entity_id)
    return {f"{found.group(1)}.{found.group(2)}"} if found else set()


def clusters(entries: Sequence[Entry]) -> list[int]:
    """For each entry, the index of the first entry of its cluster (itself when listed once)."""
    parent = list(range(len(entries)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def join(a: int, b: int) -> None:
        if entries[a].list_name == entries[b].list_name:
            return
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    by_reference: dict[str, list[int]] = defaultdict(list)
    by_name: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, entry in enumerate(entries):
        for ref in entry.references:
            by_reference[ref].append(i)
        group = _GROUP.get(entry.schema, "organisation")
        for key in {form.key for form, prop in entry.names if prop == "name" and form.tokens}:
            by_name[(group, key)].append(i)
    for members in by_reference.values():
        for other in members[1:]:
            join(members[0], other)
    for (group, _key), members in by_name.items():
        for a_pos, a in enumerate(members):
            for b in members[a_pos + 1 :]:
                if _same(entries[a], entries[b], group):
                    join(a, b)
    return [find(i) for i in range(len(entries))]


def _same(a: Entry, b: Entry, group: str) -> bool:
    if group == "person":
        return bool(a.birth_years & b.birth_years)
    return not a.countries or not b.countries or bool(a.countries & b.countries)
