"""AEO 2.0: the data a trusted trader shares of its own, in real time, as safelane accepts it.

Five kinds, each a JSON document posted with a trader key (`POST /v1/trader-data/{kind}`). Field names follow
the UN/CEFACT Buy-Ship-Pay reference data model where it has one (docs/trusted-traders.md lists each field's
UN/CEFACT name); the shapes reuse the filing's own types (party, money, HS code, country, UN/LOCODE), so a
trader's data and a filing are compared on the same normalised values. Every document names the transport
document (master or house air waybill or bill of lading) its goods travel under: that is how it meets the
filing. A document posted again under the same kind and id replaces the earlier one.
"""

from enum import StrEnum
from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from safelane.domain.consignment import (
    MAX_COUNT,
    CountryCode,
    CurrencyCode,
    HsCode,
    LoCode,
    Party,
    PositiveMass,
    Text,
)
from safelane.domain.text import Clean

Reference = Annotated[Clean, Field(min_length=1, max_length=35)]
Count = Annotated[int, Field(gt=0, le=MAX_COUNT)]


class Kind(StrEnum):
    """The kinds of shared data, as the path names them."""

    PURCHASE_ORDER = "purchase-orders"
    COMMERCIAL_INVOICE = "commercial-invoices"
    PACKING_LIST = "packing-lists"
    SEALS = "seals"
    TRACKING_EVENT = "tracking-events"

    @property
    def stored(self) -> str:
        """The name kept in the store and shown: purchase_order, seals, tracking_event..."""
        return {"seals": "seals"}.get(self.value, self.value.rstrip("s").replace("-", "_"))


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


class Amount(_Model):
    amount: Annotated[float, Field(ge=0, allow_inf_nan=False)]
    currency: CurrencyCode


class Line(_Model):
    """One line of an order, invoice or packing list (UN/CEFACT IncludedSupplyChainTradeLineItem)."""

    description: Text | None = None
    hs_code: HsCode | None = None
    quantity: Annotated[float, Field(gt=0, allow_inf_nan=False)] | None = None
    packages: Count | None = None
    gross_mass_kg: PositiveMass | None = None
    net_mass_kg: PositiveMass | None = None
    value: Amount | None = None
    origin_country: CountryCode | None = None


class TradeDocument(_Model):
    """A purchase order, commercial invoice or packing list (UN/CEFACT ExchangedDocument and its trade parts)."""

    id: Reference
    issued_at: AwareDatetime | None = None
    transport_document: Reference
    seller: Party | None = None
    buyer: Party | None = None
    consignor: Party | None = None
    consignee: Party | None = None
    lines: Annotated[list[Line], Field(min_length=1, max_length=999)]
    total_packages: Count | None = None
    total_gross_mass_kg: PositiveMass | None = None
    equipment: Annotated[list[Annotated[Clean, Field(min_length=1, max_length=17)]], Field(max_length=999)] | None = (
        None
    )

    @property
    def reference(self) -> str:
        return self.id

    @property
    def packages(self) -> int | None:
        counted = [line.packages for line in self.lines if line.packages]
        return self.total_packages or (sum(counted) if counted else None)

    @property
    def gross_mass_kg(self) -> float | None:
        masses = [line.gross_mass_kg for line in self.lines if line.gross_mass_kg]
        return self.total_gross_mass_kg or (sum(masses) if masses else None)


class SealRecord(_Model):
    """The seals affixed to one container or unit load device (UN/CEFACT LogisticsTransportEquipment with its
    AffixedLogisticsSeal): posted when the container is stuffed and sealed."""

    transport_document: Reference
    equipment: Annotated[Clean, Field(min_length=1, max_length=17)]
    seals: Annotated[list[Reference], Field(min_length=1, max_length=20)]
    affixed_at: AwareDatetime | None = None

    @property
    def reference(self) -> str:
        return self.equipment


class EventCode(StrEnum):
    """What happened (UN/CEFACT TransportEvent TypeCode, in words)."""

    STUFFED = "stuffed"
    GATE_OUT = "gate_out"
    LOADED = "loaded"
    DEPARTED = "departed"
    TRANSHIPPED = "transhipped"
    ARRIVED = "arrived"
    DISCHARGED = "discharged"
    GATE_IN = "gate_in"


class TrackingEvent(_Model):
    """One tracking event of the goods or their container (UN/CEFACT TransportEvent), with the seals seen."""

    id: Reference
    transport_document: Reference
    equipment: Annotated[Clean, Field(min_length=1, max_length=17)] | None = None
    event: EventCode
    at: AwareDatetime
    place: LoCode | None = None
    seals: Annotated[list[Reference], Field(max_length=20)] | None = None

    @property
    def reference(self) -> str:
        return self.id


Shared = TradeDocument | SealRecord | TrackingEvent
MODELS: dict[Kind, type[TradeDocument] | type[SealRecord] | type[TrackingEvent]] = {
    Kind.PURCHASE_ORDER: TradeDocument,
    Kind.COMMERCIAL_INVOICE: TradeDocument,
    Kind.PACKING_LIST: TradeDocument,
    Kind.SEALS: SealRecord,
    Kind.TRACKING_EVENT: TrackingEvent,
}
STORED = {kind.stored: kind for kind in Kind}


def compact(reference: str) -> str:
    """A transport document number as compared: capitals and digits (176-12345675 and 17612345675 meet)."""
    return "".join(ch for ch in reference.upper() if ch.isalnum())


def parse(kind: Kind, data: Any) -> Shared:
    """The document, validated (pydantic's ValidationError, located by field, when it is not)."""
    return MODELS[kind].model_validate(data)


def load(stored_kind: str, data: Any) -> Shared:
    """A stored document back as its model (it was validated when posted)."""
    return MODELS[STORED[stored_kind]].model_validate(data)
