"""What safelane keeps of a phytosanitary certificate: the fields an officer compares with a consignment."""

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

#: SPSExchangedDocument/StatusCode as the IPPC ePhyto Hub uses it (its own list, not UN/EDIFACT 1373), shipped as
#: data with what is and is not verified of each code (data/certificate-statuses.json, data/PROVENANCE.md).
STATUS_LIST = json.loads((Path(__file__).parent / "data" / "certificate-statuses.json").read_text())
STATUSES: dict[str, str] = {code: entry["status"] for code, entry in STATUS_LIST["codes"].items()}
#: SPSExchangedDocument/TypeCode: 851 phytosanitary certificate, 657 phytosanitary certificate for re-export.
TYPES = {"851": "phytosanitary", "657": "re-export"}


@dataclass(frozen=True, slots=True)
class Trader:
    """The consignor or consignee as printed on the certificate (name and address lines)."""

    name: str
    address: str | None = None


@dataclass(frozen=True, slots=True)
class Quantity:
    value: float
    unit: str  # UN/ECE Rec. 20 (KGM) or a package code (Rec. 21) or the certificate's own word


@dataclass(frozen=True, slots=True)
class Commodity:
    """One trade line item: what the plants or plant products are, and how much."""

    sequence: int | None
    hs_code: str | None
    description: str | None
    scientific_name: str | None
    common_name: str | None
    net_kg: float | None
    quantity: Quantity | None
    origin_country: str | None


@dataclass(frozen=True, slots=True)
class Transport:
    mode: str | None  # UN/CEFACT Rec. 19: 1 sea, 3 road, 4 air ...
    name: str | None  # vessel, flight or vehicle as the NPPO wrote it
    reference: str | None  # voyage or flight number


@dataclass(frozen=True)
class Certificate:
    certificate_id: str  # the NPPO's certificate number
    type_code: str
    status: str  # issued, on_hold, withdrawn, rejected, replaced (set by the store when a replacement arrives)
    status_code: str
    issued_at: str | None
    issuing_country: str | None
    importing_country: str | None
    consignor: Trader | None
    consignee: Trader | None
    commodities: list[Commodity]
    transport: list[Transport]
    entry_point: str | None  # UnloadingBaseportSPSLocation: UN/LOCODE or name
    replaces: str | None = None  # the certificate number this one replaces (note ADRPN)
    hub_delivery: str | None = None  # the Hub's delivery number when it came in an envelope
    origin_countries: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Certificate":
        def trader(value: dict[str, Any] | None) -> Trader | None:
            return Trader(**value) if value else None

        items = [
            Commodity(**{**c, "quantity": Quantity(**c["quantity"]) if c.get("quantity") else None})
            for c in data["commodities"]
        ]
        return cls(
            **{
                **data,
                "consignor": trader(data.get("consignor")),
                "consignee": trader(data.get("consignee")),
                "commodities": items,
                "transport": [Transport(**t) for t in data["transport"]],
            }
        )
