"""PLACI 7+1: is the minimum air cargo data set there, and specific enough to assess, before loading?

Pre-loading advance cargo information is assessed on seven elements plus one (ICS2 and the WCO
SAFE PLACI guidelines): consignor name and address, consignee name and address, number of pieces,
gross weight, goods description, and the house or master waybill number. When any is missing, or
is so vague that no risk can be judged on it ("consolidation", "general cargo", "gifts", "parts"),
the answer is a request for information (RFI) naming each element to complete, not a risk score:
the finding scores 0 and sets the RFI floor. Other filing kinds are left alone.
"""

import re
from collections.abc import Mapping, Sequence

from safelane.domain import Consignment, FilingKind, Finding, Lodgement, Party, Referral
from safelane.risk.registry import AssessorContext, AssessorSpec

PLACI = "placi"
RULES_VERSION = "7+1/2026-11"

# Descriptions that name no goods a risk analyst could judge; matched against the whole description.
VAGUE_DESCRIPTIONS = frozenset(
    {
        "accessories",
        "apparel",
        "appliances",
        "auto parts",
        "cargo",
        "chemicals",
        "clothes",
        "clothing",
        "consol",
        "consolidated",
        "consolidated cargo",
        "consolidation",
        "consumer goods",
        "electronics",
        "equipment",
        "fak",
        "food",
        "foodstuff",
        "foodstuffs",
        "freight",
        "freight of all kinds",
        "general cargo",
        "general merchandise",
        "gift",
        "gifts",
        "goods",
        "household goods",
        "machine parts",
        "machinery",
        "merchandise",
        "misc",
        "miscellaneous",
        "n/a",
        "na",
        "none",
        "parts",
        "personal effects",
        "said to contain",
        "sample",
        "samples",
        "spare parts",
        "stc",
        "textiles",
        "tools",
        "toys",
        "various",
        "various goods",
    }
)
# Phrases that, anywhere in a description, say the real goods are described elsewhere.
DEFERRING_PHRASES = re.compile(
    r"\b(consolidat\w*|consol|as per (attached )?(manifest|list|invoice)|"
    r"said to contain|stc|see attached)\b"
)
PLACEHOLDER_NAMES = frozenset(
    {"unknown", "n/a", "na", "none", "tba", "tbc", "to order", "same as consignee", "same as consignor", "xxx", "-"}
)


def _normal(text: str) -> str:
    return " ".join(re.sub(r"[^\w/ ]+", " ", text.lower()).split())


def vague_description(description: str) -> bool:
    """Whether a goods description is too vague for risk assessment (whole-phrase list or deferring phrase)."""
    text = _normal(description)
    return len(text.replace(" ", "")) < 3 or text in VAGUE_DESCRIPTIONS or bool(DEFERRING_PHRASES.search(text))


def _party_gaps(role: str, party: Party | None, missing: list[str], vague: list[str]) -> None:
    if party is None:
        missing += [f"{role} name", f"{role} address"]
        return
    if _normal(party.name) in PLACEHOLDER_NAMES:
        vague.append(f"{role} name")
    address = party.address
    parts = [address.street if address else None, address.city if address else None, party.country_code]
    if not all(parts):
        absent = [label for label, value in zip(("street", "city", "country"), parts, strict=True) if not value]
        missing.append(f"{role} address ({', '.join(absent)})")


def gaps(consignment: Consignment) -> tuple[list[str], list[str]]:
    """The 7+1 elements missing, and those present but too vague, in ICS2's words."""
    missing: list[str] = []
    vague: list[str] = []
    _party_gaps("consignor", consignment.consignor, missing, vague)
    _party_gaps("consignee", consignment.consignee, missing, vague)
    pieces = consignment.total_packages or sum(g.packages or 0 for g in consignment.goods)
    if not pieces:
        missing.append("number of pieces")
    if not consignment.gross_mass_kg:
        missing.append("gross weight")
    if any(not g.description for g in consignment.goods):
        missing.append("goods description")
    unclear = [g.description for g in consignment.goods if g.description and vague_description(g.description)]
    if unclear:
        vague.append("goods description (" + "; ".join(f"'{d[:60]}'" for d in unclear[:3]) + ")")
    if not (consignment.house_document or consignment.master_document):
        missing.append("house or master waybill number")
    return missing, vague


class PlaciAssessor:
    """The 7+1 completeness check as an assessor: an RFI finding for each pre-loading lodgement that fails."""

    name = PLACI

    def assess(self, lodgements: Sequence[Lodgement]) -> list[list[Finding]]:
        return [self._one(lodgement) for lodgement in lodgements]

    def _one(self, lodgement: Lodgement) -> list[Finding]:
        if lodgement.kind is not FilingKind.PRE_LOADING:
            return []
        missing, vague = gaps(lodgement.consignment)
        if not (missing or vague):
            return []
        said = []
        if missing:
            said.append("missing: " + ", ".join(missing))
        if vague:
            said.append("too vague to assess: " + ", ".join(vague))
        explanation = "The 7+1 pre-loading data is incomplete; " + "; ".join(said) + ". Send an amended filing."
        return [
            Finding(
                self.name, "PLACI-7+1", 0.0, explanation, {"missing": missing, "vague": vague}, referral=Referral.RFI
            )
        ]

    def versions(self) -> Mapping[str, str]:
        return {PLACI: RULES_VERSION}


def _build(context: AssessorContext) -> PlaciAssessor:
    return PlaciAssessor()


# Its RFI floor is the whole point: incomplete 7+1 data is answered by a request for information, not a score.
SPEC = AssessorSpec(PLACI, "Pre-loading data (PLACI 7+1)", _build, order=20, floors=True)
