"""The agency register: border agencies, their scope (HS chapters, keywords) and the fields they may see.

The register is data, not code: the shipped `data/agencies.yaml` is an example an administration replaces
with its own file (`SAFELANE_AGENCIES=path`). Customs is not in it: customs sees every consignment and field.
A bad file is refused whole with the entry and field named, so no half-read register is ever in force.
"""

import os
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from safelane.domain.assessment import CUSTOMS

SETTING = "SAFELANE_AGENCIES"
CODE = re.compile(r"[a-z][a-z0-9_]{1,31}")  # the same codes as a profile's `agency:` (risk/profiles/language.py)
KINDS = frozenset({"plant_health", "animal_health", "food_safety", "wildlife", "other"})
# What an agency may be shown of a consignment: field groups (safelane.agencies.need_to_know.GROUPS).
FIELDS = frozenset(
    {"reference", "kind", "mode", "office", "origin", "goods", "documents", "transport", "parties", "value"}
)
DOCUMENT_TYPE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,39}")  # as an attached document's `type` (api/documents.py)
EFFECTS = frozenset({"release", "refuse", "hold"})  # what an inspection result does to the agency's hold


class RegisterError(ValueError):
    """A register file that cannot be used, with where (entry index and field) it is wrong."""


@dataclass(frozen=True)
class Agency:
    code: str
    name: str
    kind: str
    hs_chapters: frozenset[int]
    keywords: tuple[str, ...]
    fields: frozenset[str]
    species: tuple[str, ...] = ()  # scientific names (e.g. CITES-listed taxa: "manis", "loxodonta africana")
    outcomes: tuple[tuple[str, str, str], ...] = ()  # its inspection result codes: (code, label, effect)
    # the supporting document types its officers may open (a document's `document_type`: a document request's
    # word such as commercial_invoice, or a document code such as N851); none listed: it opens no document
    documents: frozenset[str] = frozenset()

    def outcome_codes(self) -> dict[str, dict[str, str]]:
        """The agency's own inspection result codes, each with its label and effect (release, refuse, hold)."""
        return {code: {"label": label, "effect": effect} for code, label, effect in self.outcomes}

    def covers(self, hs_codes: list[str], descriptions: list[str]) -> bool:
        """Whether goods with these HS codes and descriptions fall in this agency's competence."""
        for code in hs_codes:
            digits = "".join(c for c in code if c.isdigit())
            if len(digits) >= 2 and int(digits[:2]) in self.hs_chapters:
                return True
        text = " ".join(descriptions).lower()
        return any(word in text for word in self.keywords) or any(name in text for name in self.species)


def parse(text: str, source: str = "agencies.yaml") -> dict[str, Agency]:
    """The agencies in a register file, by code; RegisterError names the entry and field that are wrong."""
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise RegisterError(f"{source}: not YAML: {error}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("agencies"), list):
        raise RegisterError(f"{source}: needs a list under 'agencies'")
    found: dict[str, Agency] = {}
    for i, entry in enumerate(doc["agencies"]):
        where = f"{source}: agencies[{i}]"
        if not isinstance(entry, dict):
            raise RegisterError(f"{where}: must be a mapping")
        agency = _entry(entry, where)
        if agency.code in found:
            raise RegisterError(f"{where}.code: {agency.code} appears twice")
        found[agency.code] = agency
    return found


def _entry(entry: dict[str, Any], where: str) -> Agency:
    code = entry.get("code")
    if not isinstance(code, str) or not CODE.fullmatch(code) or code == CUSTOMS:
        raise RegisterError(f"{where}.code: lower-case letters, digits and _ as in profiles' agency, not 'customs'")
    name = entry.get("name")
    if not isinstance(name, str) or not name.strip():
        raise RegisterError(f"{where}.name: required")
    kind = entry.get("kind")
    if kind not in KINDS:
        raise RegisterError(f"{where}.kind: one of {', '.join(sorted(KINDS))}")
    chapters = entry.get("hs_chapters") or []
    if not isinstance(chapters, list) or not all(isinstance(c, int) and 1 <= c <= 99 for c in chapters):
        raise RegisterError(f"{where}.hs_chapters: a list of HS chapters 1 to 99")
    keywords = entry.get("keywords") or []
    if not isinstance(keywords, list) or not all(isinstance(k, str) and k.strip() for k in keywords):
        raise RegisterError(f"{where}.keywords: a list of words")
    species = entry.get("species") or []
    if not isinstance(species, list) or not all(isinstance(k, str) and k.strip() for k in species):
        raise RegisterError(f"{where}.species: a list of scientific names")
    fields = entry.get("fields")
    if not isinstance(fields, list) or not fields or not set(fields) <= FIELDS:
        raise RegisterError(f"{where}.fields: a non-empty list of {', '.join(sorted(FIELDS))}")
    return Agency(
        code,
        name.strip(),
        str(kind),
        frozenset(chapters),
        tuple(k.strip().lower() for k in keywords),
        frozenset(fields),
        tuple(" ".join(k.split()).lower() for k in species),
        _outcomes(entry.get("outcomes") or {}, f"{where}.outcomes"),
        _documents(entry.get("documents") or [], f"{where}.documents"),
    )


def _documents(entry: Any, where: str) -> frozenset[str]:
    """`documents: [N851, commercial_invoice, ...]`: the document types need-to-know lets the agency open."""
    if not isinstance(entry, list) or not all(isinstance(d, str) and DOCUMENT_TYPE.fullmatch(d) for d in entry):
        raise RegisterError(f"{where}: a list of document types (letters, digits, _ . -), e.g. N851, packing_list")
    return frozenset(entry)


def _outcomes(entry: Any, where: str) -> tuple[tuple[str, str, str], ...]:
    """`outcomes: {code: {label, effect}}`: the codes an agency's officers record inspection results with."""
    if not isinstance(entry, dict):
        raise RegisterError(f"{where}: a mapping of result codes to their label and effect")
    found = []
    for code, value in entry.items():
        if not isinstance(code, str) or not CODE.fullmatch(code):
            raise RegisterError(f"{where}: result code {code!r} must be lower-case letters, digits and _")
        if not isinstance(value, dict) or not isinstance(value.get("label"), str) or not value["label"].strip():
            raise RegisterError(f"{where}.{code}.label: required")
        if value.get("effect") not in EFFECTS:
            raise RegisterError(f"{where}.{code}.effect: one of {', '.join(sorted(EFFECTS))}")
        found.append((code, value["label"].strip(), str(value["effect"])))
    return tuple(found)


@lru_cache(maxsize=4)
def _load(path: str | None) -> dict[str, Agency]:
    if path:
        return parse(Path(path).read_text(encoding="utf-8"), path)
    shipped = resources.files("safelane.agencies").joinpath("data/agencies.yaml")
    return parse(shipped.read_text(encoding="utf-8"))


def register(path: str | None = None) -> dict[str, Agency]:
    """The register in force: `path`, else the file named by SAFELANE_AGENCIES, else the shipped example."""
    return _load(path or os.environ.get(SETTING) or None)


def agency(code: str) -> Agency:
    """One registered agency; KeyError names the unknown code."""
    found = register().get(code)
    if found is None:
        raise KeyError(f"no agency {code!r} in the register (known: {', '.join(sorted(register()))})")
    return found
