"""Compare a certificate with the consignment it travels with: each disagreement names the field.

Names are compared normalised (case, punctuation and spacing out) and a means of transport by containment (the
NPPO writes "Ocean Vessel: Black Pearl", the filer "BLACK PEARL"): the check flags what differs in substance,
not in typing. A field one side leaves out is not compared.
"""

import re
from dataclasses import dataclass

from safelane.domain import Consignment
from safelane.ephyto.certificate import Certificate, Commodity

QUANTITY_TOLERANCE = 0.10  # filed net mass may exceed the certified by 10 % (moisture, packing) before it counts
_WORD = re.compile(r"[^0-9A-Z]+")


def normal(text: str | None) -> str:
    """Upper case, letters and digits only, single spaces: how two spellings of one name compare."""
    return " ".join(_WORD.sub(" ", (text or "").upper()).split())


def compact(reference: str) -> str:
    """A document reference as filings and certificates quote it, without spaces, dots or dashes."""
    return _WORD.sub("", reference.upper())


def number_key(reference: str) -> str:
    """A certificate number or quoted reference as the store keys it: compacted, within the column's 70 characters."""
    return compact(reference)[:70]


def parties_key(consignor: str | None, consignee: str | None) -> str | None:
    """The consignor and consignee together, the fallback lookup when a filing quotes no certificate number."""
    if not consignor or not consignee:
        return None
    return f"{normal(consignor)}|{normal(consignee)}"[:200]


@dataclass(frozen=True, slots=True)
class Mismatch:
    field: str  # consignor, consignee, origin_country, commodities[0], quantity, means_of_transport, status
    filed: str
    certified: str

    def sentence(self) -> str:
        return f"{self.field}: filed {self.filed!r}, certified {self.certified!r}"


def _covers(line: Commodity, consignment: Consignment) -> bool:
    """A certified line is covered by a filed goods item of the same HS heading, or whose description names the
    plant (scientific or common name); a line without either cannot be checked and counts as covered."""
    names = [normal(n) for n in (line.scientific_name, line.common_name) if n]
    if not line.hs_code and not names:
        return True
    for item in consignment.goods:
        if line.hs_code and item.hs_code and item.hs_code[:4] == line.hs_code[:4]:
            return True
        described = normal(item.description)
        if described and any(name and name in described for name in names):
            return True
    return False


def compare(certificate: Certificate, consignment: Consignment) -> list[Mismatch]:
    found: list[Mismatch] = []
    if certificate.status != "issued":
        found.append(Mismatch("status", "a valid certificate", certificate.status))
    for role in ("consignor", "consignee"):
        party, certified = getattr(consignment, role), getattr(certificate, role)
        if party is not None and certified is not None and normal(party.name) != normal(certified.name):
            found.append(Mismatch(role, party.name, certified.name))
    filed_origins = sorted({g.origin_country for g in consignment.goods if g.origin_country})
    if certificate.origin_countries:
        for origin in filed_origins:
            if origin not in certificate.origin_countries:
                found.append(Mismatch("origin_country", origin, ", ".join(certificate.origin_countries)))
    for index, line in enumerate(certificate.commodities):
        if not _covers(line, consignment):
            what = line.hs_code or line.scientific_name or line.common_name or ""
            found.append(Mismatch(f"commodities[{index}]", "no goods item of this commodity", what))
    certified_kg = [c.net_kg for c in certificate.commodities]
    filed_kg = [g.net_mass_kg for g in consignment.goods]
    if certified_kg and all(certified_kg) and filed_kg and all(filed_kg):
        certified_total, filed_total = sum(certified_kg), sum(filed_kg)  # type: ignore[arg-type]
        if filed_total > certified_total * (1 + QUANTITY_TOLERANCE):
            found.append(Mismatch("quantity", f"{filed_total:g} kg net", f"{certified_total:g} kg net"))
    means = consignment.transport_means
    named = [normal(t.name) for t in certificate.transport if t.name]
    if means is not None and named:
        filed = [v for v in (normal(means.name), normal(means.identifier)) if v]
        if not any(f in n or n in f for f in filed for n in named):
            certified_names = ", ".join(t.name for t in certificate.transport if t.name)
            found.append(Mismatch("means_of_transport", means.name or means.identifier, certified_names))
    return found
