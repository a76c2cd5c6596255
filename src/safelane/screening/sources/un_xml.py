"""UN Security Council consolidated list (XML): INDIVIDUAL and ENTITY records with aliases, addresses, documents.

Aliases of quality "Low" are what the UN itself calls weak; they become `weakAlias` so the matcher can
give them less weight. The reader streams the file (the full list is a few MB) and never resolves
external entities.
"""

from collections.abc import Iterator
from pathlib import Path

from followthemoney import EntityProxy
from lxml import etree

from safelane.screening.entities import add, make


def _text(node: etree._Element, path: str) -> str | None:
    found = node.find(path)
    if found is None or found.text is None:
        return None
    return " ".join(found.text.split()) or None


def _texts(node: etree._Element, path: str) -> list[str]:
    return [" ".join(n.text.split()) for n in node.findall(path) if n.text and n.text.strip()]


def _full_name(record: etree._Element) -> str:
    parts = [_text(record, tag) for tag in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")]
    return " ".join(p for p in parts if p)


def _address(node: etree._Element) -> str | None:
    parts = [_text(node, tag) for tag in ("STREET", "CITY", "STATE_PROVINCE", "ZIP_CODE", "COUNTRY")]
    joined = ", ".join(p for p in parts if p)
    return joined or None


def _entity(record: etree._Element, list_name: str, individual: bool) -> EntityProxy:
    prefix = "INDIVIDUAL" if individual else "ENTITY"
    entity = make(
        "Person" if individual else "Organization",
        list_name,
        _text(record, "REFERENCE_NUMBER") or _text(record, "DATAID"),
    )
    add(entity, "name", _full_name(record))
    add(entity, "name", _text(record, "NAME_ORIGINAL_SCRIPT"))
    for alias in record.findall(f"{prefix}_ALIAS"):
        name = _text(alias, "ALIAS_NAME")
        quality = (_text(alias, "QUALITY") or "").lower()
        prop = "weakAlias" if quality in ("low", "low quality") else "previousName" if quality == "f.k.a." else "alias"
        add(entity, prop, name)
    for node in record.findall(f"{prefix}_ADDRESS"):
        add(entity, "address", _address(node))
        add(entity, "country", _text(node, "COUNTRY"))
    add(entity, "program", _text(record, "UN_LIST_TYPE"))
    add(entity, "notes", _text(record, "COMMENTS1"))
    add(entity, "createdAt", _text(record, "LISTED_ON"))
    add(entity, "modifiedAt", _texts(record, "LAST_DAY_UPDATED/VALUE"))
    add(entity, "topics", "sanction")
    if individual:
        add(entity, "nationality", _texts(record, "NATIONALITY/VALUE"))
        add(entity, "title", _texts(record, "TITLE/VALUE"))
        add(entity, "position", _texts(record, "DESIGNATION/VALUE"))
        add(entity, "gender", (_text(record, "GENDER") or "").lower() or None)
        for dob in record.findall("INDIVIDUAL_DATE_OF_BIRTH"):
            add(entity, "birthDate", _text(dob, "DATE") or _text(dob, "YEAR"))
            for tag in ("FROM_YEAR", "TO_YEAR"):
                add(entity, "birthDate", _text(dob, tag))
        for pob in record.findall("INDIVIDUAL_PLACE_OF_BIRTH"):
            add(
                entity,
                "birthPlace",
                ", ".join(p for p in (_text(pob, "CITY"), _text(pob, "STATE_PROVINCE"), _text(pob, "COUNTRY")) if p)
                or None,
            )
        for doc in record.findall("INDIVIDUAL_DOCUMENT"):
            kind = (_text(doc, "TYPE_OF_DOCUMENT") or "").lower()
            prop = "passportNumber" if "passport" in kind else "idNumber"
            add(entity, prop, _text(doc, "NUMBER"))
    return entity


def read(path: Path, list_name: str) -> Iterator[EntityProxy]:
    records = etree.iterparse(
        str(path),
        events=("end",),
        tag=("INDIVIDUAL", "ENTITY"),
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
    )
    for _event, record in records:
        yield _entity(record, list_name, record.tag == "INDIVIDUAL")
        record.clear()
